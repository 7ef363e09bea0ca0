"""Fixtures for the portal tests: the demo install in the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

from lakou.demo import DemoSummary, load_demo


@pytest.fixture
def demo(db: None) -> DemoSummary:
    return load_demo()


@pytest.fixture(autouse=True)
def reset_language() -> Iterator[None]:
    """Requests with Accept-Language: fr leave French active in the thread: undo it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
