"""Fixtures of the production tests: the built distributions and one install (see installs.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from tests.production.installs import CHECKOUT, Dist, Install, install_into


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """The sdist, and the wheel built from it, exactly as ``python -m build`` makes them."""
    out_dir = tmp_path_factory.mktemp("dist")
    # Build from a copy so the checkout gets no build/ or egg-info of the test's making.
    src = tmp_path_factory.mktemp("src") / "lakou"
    shutil.copytree(
        CHECKOUT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "_work"
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out_dir), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheels = list(out_dir.glob("lakou-*.whl"))
    sdists = list(out_dir.glob("lakou-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(out_dir.iterdir())
    return Dist(wheels[0], sdists[0])


@pytest.fixture(scope="session")
def installed(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """One production install into a temporary root, shared by the read-only tests."""
    return install_into(tmp_path_factory.mktemp("root"), dist.wheel)
