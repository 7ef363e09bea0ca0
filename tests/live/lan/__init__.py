"""The daemon tests of lakou.lan."""
