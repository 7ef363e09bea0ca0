"""The daemon tests of lakou.peering."""
