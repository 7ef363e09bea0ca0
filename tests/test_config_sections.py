"""One section of lakou.yml validated alone (lakou rs build), and the fast YAML loader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lakou import yamlload
from lakou.config import LakouConfig, load_config
from lakou.config_base import SECTIONS, ConfigError, load_sections
from lakou.routeserver.config import Config as RouteServerConfig


def test_sections_are_the_whole_configs_fields() -> None:
    assert tuple(LakouConfig.model_fields) == SECTIONS


def test_one_section_same_values_and_overrides(tmp_path: Path) -> None:
    file = tmp_path / "lakou.yml"
    file.write_text("routeserver:\n  workers: 7\nflows:\n  store: duckdb\n")
    env = {"LAKOU_ROUTESERVER__IRR_SERVER": "whois.example.net:43"}
    alone = load_sections({"routeserver": RouteServerConfig}, file, env)["routeserver"]
    assert alone == load_config(file, env).routeserver
    assert isinstance(alone, RouteServerConfig)
    assert alone.workers == 7 and alone.irr_server == "whois.example.net:43"


def test_one_section_refuses_what_the_whole_refuses(tmp_path: Path) -> None:
    file = tmp_path / "lakou.yml"
    file.write_text("routeserver:\n  wokers: 7\n")
    with pytest.raises(ConfigError) as whole:
        load_config(file, {})
    with pytest.raises(ConfigError) as alone:
        load_sections({"routeserver": RouteServerConfig}, file, {})
    assert str(alone.value) == str(whole.value)
    assert "routeserver.wokers" in str(alone.value)
    file.write_text("routserver:\n  workers: 7\n")
    with pytest.raises(ConfigError, match="unknown key 'routserver'"):
        load_sections({"routeserver": RouteServerConfig}, file, {})


def test_rs_build_imports_no_other_component() -> None:
    code = (
        "import sys\n"
        "from lakou.cli.context import Context\n"
        "from lakou.cli.rs import _rs_config\n"
        "ctx = Context()\n"
        "_rs_config(ctx); ctx.peeringdb_cache; ctx.lang\n"
        "import lakou.routeserver.build, lakou.routeserver.render.bird2\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('numpy', 'httpx', 'django', 'rich')"
        " or m.startswith(('lakou.flows', 'lakou.paths', 'lakou.whatif', 'lakou.territory',"
        " 'lakou.portal')) or m == 'lakou.config')\n"
        "print(' '.join(bad))\n"
    )
    env = {"LAKOU_CONFIG": "", "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == ""


def test_fast_loader_same_data_and_error_place() -> None:
    text = "a: [1, 2.5, yes, null]\nb: {c: 'x'}\n"
    assert yamlload.safe_load(text) == yaml.safe_load(text)
    if yamlload.FAST:
        assert yamlload.SafeLoader is yaml.CSafeLoader
    with pytest.raises(yamlload.YAMLError) as err:
        yamlload.safe_load("a: [1, 2\nb: 3\n")
    mark = getattr(err.value, "problem_mark", None)
    assert mark is not None and mark.line >= 1
    with pytest.raises(yamlload.YAMLError):
        yamlload.safe_load("!!python/object:os.system {}")
