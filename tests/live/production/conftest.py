"""The production install's fixtures (a built wheel, an install made from it), shared with
the tests of ``tests/production`` that start no daemon."""

from tests.production.conftest import dist, installed

__all__ = ["dist", "installed"]
