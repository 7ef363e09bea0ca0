"""The daemon tests of lakou.ports."""
