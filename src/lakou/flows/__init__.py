"""lakou.flows."""
