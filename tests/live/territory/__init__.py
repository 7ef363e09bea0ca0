"""The daemon tests of lakou.territory."""
