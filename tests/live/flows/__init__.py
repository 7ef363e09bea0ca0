"""The daemon tests of lakou.flows."""
