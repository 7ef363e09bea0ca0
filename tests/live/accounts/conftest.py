"""The accounts' fixtures for their daemon tests: each test starts in the default language."""

from tests.accounts.conftest import reset_language

__all__ = ["reset_language"]
