"""Engines never import Django: they run from the CLI on plain files."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import lakou

ENGINES = [
    "routeserver",
    "flows",
    "territory",
    "paths",
    "whatif",
    "peeringdb",
    "lan",
    "watch",
    "ports",
    "ixf",
]
ENGINE_CLI = ["rs", "lg", "flows", "territory", "paths", "whatif", "lan", "watch", "ports"]


def _engine_modules() -> list[str]:
    names = []
    for engine in ENGINES:
        try:
            package = __import__(f"lakou.{engine}", fromlist=["__path__"])
        except ImportError:
            continue
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            names.append(info.name)
    return names


def test_there_are_engines() -> None:
    assert len(_engine_modules()) >= len(ENGINES) - 1
    assert lakou.__version__


def test_engines_and_their_cli_do_not_import_django() -> None:
    modules = _engine_modules()
    modules += [f"lakou.cli.{name}" for name in ENGINE_CLI if _exists(f"lakou.cli.{name}")]
    code = (
        "import importlib, sys\n"
        f"mods = {modules!r}\n"
        "bad = []\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "    if 'django' in sys.modules:\n"
        "        bad.append(m); break\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"imports Django: {out.stdout.strip()}"


def _exists(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize("argv", [["--help"], ["config", "--help"]])
def test_cli_help_does_not_import_django(argv: list[str]) -> None:
    code = (
        "import sys\nfrom lakou.cli import main\n"
        f"try:\n    main.main(args={argv!r}, prog_name='lakou')\n"
        "except SystemExit:\n    pass\n"
        "print('django' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.strip().endswith("False"), out.stderr
