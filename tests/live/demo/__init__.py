"""The daemon tests of lakou.demo."""
