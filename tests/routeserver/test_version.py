from __future__ import annotations

import shutil

import pytest

from lakou.routeserver.version import VersionError, bird_target, parse_version


def test_parse() -> None:
    assert parse_version("BIRD version 2.0.12") == (2, 0, 12)
    assert parse_version("2.0.11") == (2, 0, 11)
    with pytest.raises(VersionError):
        parse_version("banana")


def test_targets() -> None:
    assert bird_target("2.0.11") == (2, 0, 11)
    with pytest.raises(VersionError, match="too old"):
        bird_target("2.0.7")
    with pytest.raises(VersionError, match=r"BIRD 2\.x"):
        bird_target("3.0.0")
    if shutil.which("bird"):
        assert bird_target(None) >= (2, 0, 8)
