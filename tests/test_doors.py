"""Outside a component, only its door is imported.

A component is a package of ``src/lakou`` (``lakou.flows``, ``lakou.registry``...). Its
door is what its ``__init__`` exports. A module of another component imports
``lakou.flows`` (``from lakou.flows import open_store``), never ``lakou.flows.store``:
so a component can move its insides without breaking its neighbours, and what it
offers is written in one place. The test reads every module of ``src/lakou`` (its
source, with :mod:`ast`: every import, at the top, in a function or under
``TYPE_CHECKING``) and fails on an import of another component's submodule that is not
allowed below, with a reason each.

No crossing is left (the last ones were cleaned for issue 10): a new one fails the test.
Tests are not read: they may reach into a component to test it.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import lakou

SRC = Path(lakou.__file__).parent

# Modules of lakou shared by every component: single modules, not components.
SHARED = {
    "vocabulary": "field rules (ASN, AS-SET, MAC, prefix): one place, used by all",
    "inputs": "guarded JSON/YAML reading for every reader of outside input",
    "exchange": "the exchange as engines see it (the model layer, no Django)",
    "i18n": "translations for code outside Django",
    "config": "lakou.yml: assembles one section per component",
    "config_base": "reading lakou.yml and its overrides",
    "yamlload": "every YAML read goes through it",
    "singleflight": "the in-memory cache the portal and IX-F export share",
    "clickhouse": "the ClickHouse connection the flow and port stores share",
    "metrics": "the Prometheus text files every daemon writes",
    "private": "lakou's own files private (0700/0600)",
    "doors": "the lazy door every component's __init__ uses",
}

# Submodules any component may import, whatever their component.
ALLOWED_SUBMODULES = {
    "models": "Django: models are imported by path (foreign keys, queries of other apps)",
    "apps": "Django: INSTALLED_APPS names the app configuration by path",
    "migrations": "Django: migrations depend on other apps' migrations by path",
    "admin": "Django: the admin site registers each app's admin module",
    "config": "each component's typed section of lakou.yml, read alone (ctx.section) so a "
    "command does not import the component it does not run",
}

# The command line: a module per command group, and its own helpers (context, output,
# errors, exchanges) which only the command line imports.
CLI = "cli"


# Production modules that still import a test seam: must only shrink.
REMAINING_TEST_SEAMS = {
    "lakou.ports.demo -> lakou.ports.testing",  # the ports demo's sFlow counter encoder
}


def _components() -> set[str]:
    return {p.parent.name for p in SRC.glob("*/__init__.py")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = SRC.parent.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every absolute import; ``from pkg import sub`` is ``pkg.sub``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield node.lineno, full if _is_module(full) else node.module


def _production_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield _module_name(path), path


def crossings() -> dict[str, str]:
    """ "importer -> lakou.component.submodule" -> "file:line" of its first import."""
    components = _components()
    found: dict[str, str] = {}
    for importer, path in _production_modules():
        home = importer.split(".")[1] if "." in importer else ""
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] != "lakou" or len(parts) < 3 or parts[1] not in components:
                continue
            if parts[1] == home or parts[2] in ALLOWED_SUBMODULES:
                continue
            key = f"{importer} -> {'.'.join(parts[:3])}"
            found.setdefault(key, f"{path.relative_to(SRC.parent)}:{line}")
    return found


def test_the_lists_name_real_modules() -> None:
    components = _components()
    assert {"flows", "registry", "portal", "demo", "territory", CLI} <= components
    for name in SHARED:
        assert (SRC / f"{name}.py").is_file(), name
        assert name not in components, f"lakou.{name} is a component, not a shared module"


def test_outside_a_component_only_its_door_is_imported() -> None:
    found = crossings()
    new = sorted(found)
    assert not new, (
        "import these through the component's door (its __init__ exports; add the name "
        "there if it is missing):\n" + "\n".join(f"  {found[k]}: {k}" for k in new)
    )


def _is_test_seam(name: str) -> bool:
    return "testing" in name.split(".")


def test_production_never_imports_a_test_seam() -> None:
    """Each component's ``testing`` module (fakes, encoders, stand-in servers) is for
    tests only: production code never imports one, not even its own component's."""
    found = set()
    for importer, path in _production_modules():
        if _is_test_seam(importer):
            continue
        for _line, name in _imports(path):
            if name.startswith("lakou.") and _is_test_seam(name):
                found.add(f"{importer} -> {name}")
    assert found == REMAINING_TEST_SEAMS, "production imports a test seam: " + ", ".join(
        sorted(found ^ REMAINING_TEST_SEAMS)
    )


@pytest.mark.parametrize(
    "component",
    [
        "flows",
        "territory",
        "paths",
        "peeringdb",
        "whatif",
        "registry",
        "portal",
        "operations",
        "lan",
    ],
)
def test_every_name_of_a_door_opens(component: str) -> None:
    door = importlib.import_module(f"lakou.{component}")
    for name in door.__all__:
        assert getattr(door, name) is not None, f"lakou.{component}.{name}"
