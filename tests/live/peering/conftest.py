"""The peering fixtures for its daemon tests: each test starts in the default language."""

from tests.peering.conftest import reset_language

__all__ = ["reset_language"]
