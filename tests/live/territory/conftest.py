"""The territory fixtures for its daemon test: the inventory built from the public files."""

from tests.territory.conftest import data_dir, inventory

__all__ = ["data_dir", "inventory"]
