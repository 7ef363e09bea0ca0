"""``tests/`` mirrors ``src/lakou/``, and the daemon tests live under ``tests/live/``.

Read from the files alone (``ast``, no collection, no import):

- a test module that marks a test ``live`` (``pytest.mark.live``, in a decorator, a
  ``pytestmark`` or a ``pytest.param``) lives under ``tests/live/``, and every test under
  ``tests/live/`` carries the mark, so ``-m "not live"`` and ``tests/live`` select the
  same tests;
- a directory of tests names a package of ``src/lakou`` (``tests/routeserver/enrich`` for
  ``lakou.routeserver.enrich``; under ``tests/live/`` the same, beside ``helpers`` and
  ``production``), except the top level and ``fuzz``, ``i18n``, ``production``, which
  test the whole program;
- ``tests/<package>/test_<name>.py`` is not named after a module of another package when
  ``<package>`` has no module ``<name>`` (a test of ``lakou.flows.store`` filed as
  ``tests/ports/test_store.py`` would be; ``tests/ports/test_store.py`` testing
  ``lakou.ports.store`` is right). ``test_cli.py`` (a component's commands) and a module
  named after its own package (``tests/demo/test_demo.py``) are allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Test directories that test the whole program rather than one package.
WHOLE_PROGRAM = {"live", "fuzz", "i18n", "production"}
# Directories under tests/live that are not a package's daemon tests.
LIVE_EXTRAS = {"helpers", "production"}
# A component's command-line tests are test_cli*.py beside the component (lakou.cli is a
# package too, so test_cli.py would otherwise read as misfiled).
ALLOWED_NAMES = {"cli"}


def packages(src: Path) -> dict[str, set[str]]:
    """Each package under ``src`` (``"routeserver/enrich"``; ``""`` for the top; a directory
    of modules without ``__init__.py`` too, as ``routeserver/render``) -> the names of its
    modules and subpackages."""
    found: dict[str, set[str]] = {}
    for directory in {p.parent for p in src.rglob("*.py")}:
        if "migrations" in directory.relative_to(src).parts:
            continue
        names = {p.stem for p in directory.glob("*.py") if p.stem != "__init__"}
        names |= {p.name for p in directory.iterdir() if p.is_dir() and any(p.glob("*.py"))}
        found[directory.relative_to(src).as_posix().removeprefix(".")] = names
    return found


def _is_live_mark(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Attribute) and node.attr == "live"):
        return False
    owner = node.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
        isinstance(owner, ast.Name) and owner.id == "mark"
    )


def _marks_live(node: ast.AST) -> bool:
    return any(_is_live_mark(n) for n in ast.walk(node))


def live_problems(tests: Path) -> list[str]:
    """Live-marked tests outside ``tests/live`` and unmarked tests inside it."""
    problems = []
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if rel.parts[0] != "live":
            if _marks_live(tree):
                problems.append(f"{rel}: marks a test live but is not under tests/live/")
            continue
        module_live = any(
            isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
            and _marks_live(n.value)
            for n in tree.body
        )
        if module_live:
            continue
        for n in tree.body:
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and (
                n.name.startswith(("test_", "Test"))
                and not any(_marks_live(d) for d in n.decorator_list)
            ):
                problems.append(f"{rel}::{n.name}: under tests/live/ without the live mark")
    return problems


def layout_problems(tests: Path, src: Path) -> list[str]:
    """Test directories that name no package, and modules named after another package's."""
    known = packages(src)
    problems = []
    directories = {p.parent for p in tests.rglob("test_*.py")} | {
        p.parent for p in tests.rglob("conftest.py")
    }
    for directory in sorted(directories):
        parts = directory.relative_to(tests).parts
        if not parts or parts[0] in WHOLE_PROGRAM - {"live"}:
            continue
        if parts[0] == "live":
            if len(parts) == 1 or parts[1] in LIVE_EXTRAS:
                continue
            parts = parts[1:]
        package = "/".join(parts)
        if package not in known:
            problems.append(f"{directory.relative_to(tests)}/: no package lakou/{package}")
            continue
        if directory.relative_to(tests).parts[0] == "live":
            continue
        for path in sorted(directory.glob("test_*.py")):
            name = path.stem.removeprefix("test_")
            if name in known[package] or name in parts or name in ALLOWED_NAMES:
                continue
            elsewhere = sorted(
                f"lakou.{p.replace('/', '.')}".rstrip(".")
                for p, names in known.items()
                if name in names
            )
            if elsewhere:
                problems.append(
                    f"{path.relative_to(tests)}: named after a module of {', '.join(elsewhere)},"
                    f" not of lakou.{package.replace('/', '.')}"
                )
    return problems


def test_daemon_tests_are_all_under_tests_live() -> None:
    assert live_problems(ROOT / "tests") == []


def test_test_directories_mirror_the_packages() -> None:
    assert layout_problems(ROOT / "tests", ROOT / "src" / "lakou") == []


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checks_find_a_misfiled_test(tmp_path: Path) -> None:
    """On a small made-up tree, each kind of misfiling is named, and nothing else."""
    _tree(
        tmp_path / "src",
        {
            "__init__.py": "",
            "ports/__init__.py": "",
            "ports/store.py": "",
            "flows/__init__.py": "",
            "flows/store.py": "",
            "flows/reporting.py": "",
        },
    )
    live = "import pytest\n\n@pytest.mark.live\ndef test_x():\n    pass\n"
    _tree(
        tmp_path / "tests",
        {
            "ports/test_store.py": "def test_x():\n    pass\n",  # right: lakou.ports.store
            "ports/test_reporting.py": "def test_x():\n    pass\n",  # lakou.flows.reporting
            "ports/test_snmp.py": live,  # a daemon test outside tests/live
            "live/ports/test_snmp.py": live,  # right
            "live/ports/test_quiet.py": "def test_x():\n    pass\n",  # unmarked, under live
            "live/helpers/lab.py": "",
            "nowhere/test_x.py": "def test_x():\n    pass\n",  # no package lakou.nowhere
            "fuzz/test_store.py": "def test_x():\n    pass\n",  # the whole program: allowed
        },
    )
    assert live_problems(tmp_path / "tests") == [
        "live/ports/test_quiet.py::test_x: under tests/live/ without the live mark",
        "ports/test_snmp.py: marks a test live but is not under tests/live/",
    ]
    assert layout_problems(tmp_path / "tests", tmp_path / "src") == [
        "nowhere/: no package lakou/nowhere",
        "ports/test_reporting.py: named after a module of lakou.flows, not of lakou.ports",
    ]
