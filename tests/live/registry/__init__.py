"""The daemon tests of lakou.registry."""
