"""lakou.paths."""
