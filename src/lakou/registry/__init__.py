"""lakou.registry."""
