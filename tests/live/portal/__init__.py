"""The daemon tests of lakou.portal."""
