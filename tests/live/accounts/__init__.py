"""The daemon tests of lakou.accounts."""
