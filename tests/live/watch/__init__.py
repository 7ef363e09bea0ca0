"""The daemon tests of lakou.watch."""
