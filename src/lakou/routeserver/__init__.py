"""lakou.routeserver."""
