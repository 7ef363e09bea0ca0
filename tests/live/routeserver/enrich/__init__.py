"""The daemon tests of lakou.routeserver.enrich."""
