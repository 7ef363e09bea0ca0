"""lakou.territory."""
