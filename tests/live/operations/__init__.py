"""The daemon tests of lakou.operations."""
