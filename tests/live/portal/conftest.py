"""The portal's fixtures for its daemon tests: each test starts in the default language."""

from tests.portal.conftest import reset_language

__all__ = ["reset_language"]
