"""lakou.portal."""
