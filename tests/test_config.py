from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.config import ConfigError, LakouConfig, load_config


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config == LakouConfig()
    assert config.core.effective_database_url().startswith("sqlite:///")


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("flows:\n  sotre: duckdb\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(path) in str(err.value)
    assert "flows.sotre" in str(err.value)


def test_unknown_section(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("rootserver:\n  daemon: bird2\n")
    with pytest.raises(ConfigError, match="unknown key 'rootserver'"):
        load_config(path, env={})


def test_bad_type_names_key(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("portal:\n  debug: [1, 2]\n")
    with pytest.raises(ConfigError, match=r"portal\.debug"):
        load_config(path, env={})


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("portal:\n  debug: [\n")
    with pytest.raises(ConfigError, match="line"):
        load_config(path, env={})


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(path, env={})


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("portal:\n  site_name: from-file\n  debug: false\n")
    config = load_config(
        path, env={"LAKOU_PORTAL__SITE_NAME": "from-env", "LAKOU_PORTAL__DEBUG": "true"}
    )
    assert config.portal.site_name == "from-env"
    assert config.portal.debug is True


def test_environment_unknown_key_names_variable() -> None:
    with pytest.raises(ConfigError, match=r"\$LAKOU_PORTAL__NOPE"):
        load_config(env={"LAKOU_PORTAL__NOPE": "1"})


def test_database_url_from_environment() -> None:
    url = "postgresql://lakou:secret@127.0.0.1:5432/lakou"
    assert load_config(env={"LAKOU_DATABASE_URL": url}).core.effective_database_url() == url


def test_config_file_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "other.yml"
    path.write_text("portal:\n  site_name: Smart-IX\n")
    assert load_config(env={"LAKOU_CONFIG": str(path)}).portal.site_name == "Smart-IX"
    with pytest.raises(ConfigError, match="not found"):
        load_config(env={"LAKOU_CONFIG": str(tmp_path / "missing.yml")})


def _leaf_keys(model: type, prefix: str = "") -> list[str]:
    from pydantic import BaseModel

    keys = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and ann.model_fields:
            keys += _leaf_keys(ann, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def test_config_dump_lists_every_option(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(_empty(tmp_path)), "config", "dump"])
    assert result.exit_code == 0, result.output
    import yaml

    dumped = yaml.safe_load(result.output)
    for key in _leaf_keys(LakouConfig):
        node = dumped
        for part in key.split("."):
            assert isinstance(node, dict) and part in node, f"{key} missing from config dump"
            node = node[part]
    # The dump is itself a valid configuration that gives the same result.
    again = tmp_path / "again.yml"
    again.write_text(result.output)
    assert load_config(again, env={}) == load_config(_empty(tmp_path), env={})


def test_cli_unknown_key_fails_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("core:\n  langage: fr\n")
    result = CliRunner().invoke(main, ["--config", str(path), "config", "check"])
    assert result.exit_code != 0
    assert "core.langage" in result.output
    assert str(path) in result.output


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.yml"
    path.write_text("")
    return path
