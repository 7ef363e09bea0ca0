"""The doctor's checks one by one, on files the tests make."""

from __future__ import annotations

import os
from pathlib import Path

from lakou.config import LakouConfig
from lakou.operations.doctor import (
    FAIL,
    OK,
    WARN,
    check_config_file,
    check_data_dir,
    check_irr,
    check_rpki,
    check_sockets,
)


def _config(**portal: object) -> LakouConfig:
    return LakouConfig.model_validate({"portal": portal})


def test_a_world_readable_config_fails_only_when_it_holds_secrets(tmp_path: Path) -> None:
    path = tmp_path / "lakou.yml"
    path.write_text("portal: {}\n")
    os.chmod(path, 0o644)
    (plain,) = check_config_file(path, _config())
    assert plain.status == WARN and "chmod 0640" in plain.fix
    (secret,) = check_config_file(path, _config(secret_key="x" * 60))
    assert secret.status == FAIL and "holds secrets" in secret.detail
    os.chmod(path, 0o640)
    assert check_config_file(path, _config(secret_key="x" * 60))[0].status == OK
    assert check_config_file(None)[0].status == WARN


def test_data_dir_modes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert check_data_dir(data)[0].status == FAIL
    data.mkdir(mode=0o750)
    os.chmod(data, 0o750)
    (db := data / "lakou.sqlite3").write_text("")
    os.chmod(db, 0o600)
    assert [c.status for c in check_data_dir(data)] == [OK]
    os.chmod(db, 0o644)
    (bad,) = check_data_dir(data)
    assert bad.status == FAIL and bad.fix == f"chmod 0600 {db}"


def test_a_socket_path_that_is_a_file_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "bird.ctl"
    fake.write_text("")
    config = LakouConfig.model_validate(
        {"routeserver": {"route_servers": [{"name": "rs1", "socket": str(fake), "rs_asn": 1}]}}
    )
    (check,) = check_sockets(config)
    assert check.status == FAIL and "is not a socket" in check.detail
    assert check_sockets(LakouConfig())[0].status == WARN  # none configured


def test_irr_and_rpki_from_local_files(tmp_path: Path) -> None:
    config = LakouConfig.model_validate(
        {"routeserver": {"rpsl_dir": str(tmp_path), "rpki_json": str(tmp_path / "roas.json")}}
    )
    assert check_irr(config, 1)[0].status == OK
    (rpki,) = check_rpki(config, 1)
    assert rpki.status == FAIL and "roas.json" in rpki.detail
    (tmp_path / "roas.json").write_text("{}")
    assert check_rpki(config, 1)[0].status == OK
