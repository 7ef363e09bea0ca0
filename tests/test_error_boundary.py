"""Every example of issue 11: one line naming the input and the place, no traceback, exit 1.

Each case runs the real command through click's CliRunner (the boundary of
``lakou.cli.LazyGroup.invoke`` included) and checks the exit code, the absence of a
traceback, and that the message names the file (or the setting) and the place.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from lakou.accounts.testing import verified_login
from lakou.cli import main
from lakou.registry import models as m
from lakou.registry.testing import registry_models

FIXTURES = Path(__file__).parent / "registry" / "fixtures"
IXF = FIXTURES / "ixf" / "ams-like-1.0.json"
CLIENTS = FIXTURES / "clients" / "realistic.yml"


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(main, ["--language", "en", *args], env=env)
    assert "Traceback" not in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


def refused(*args: str, env: dict[str, str] | None = None, names: str = "") -> str:
    result = run(*args, env=env)
    assert result.exit_code != 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: "), result.output
    assert names in last, last
    return last


def _registry() -> None:
    path = FIXTURES / "ixf" / "sample_registry.py"
    spec = importlib.util.spec_from_file_location("sample_registry", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


def _ixf_with(tmp_path: Path, name: str, change: Any) -> Path:
    doc = json.loads(IXF.read_text())
    change(doc)
    out = tmp_path / name
    out.write_text(json.dumps(doc))
    return out


def _rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in registry_models()}


# -- IX-F and clients.yml ------------------------------------------------------------------
@pytest.mark.django_db
def test_ixf_import_refuses_depth_digits_surrogates_and_controls(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    before = _rows()
    assert "line 1, column 65: nested more than 64 levels deep" in refused(
        "ixf", "import", str(deep), names="deep.json"
    )
    text = IXF.read_text()
    first = json.loads(text)["member_list"][0]["asnum"]
    big = tmp_path / "big.json"
    big.write_text(text.replace(f'"asnum": {first}', '"asnum": ' + "9" * 5000, 1))
    assert "number too long" in refused("ixf", "import", str(big), names="big.json")

    def named(value: str) -> Any:
        return lambda doc: doc["member_list"][0].__setitem__("name", value)

    surrogate = _ixf_with(tmp_path, "surrogate.json", named("bad\ud800x"))
    assert "member_list[0].name: a lone surrogate" in refused(
        "ixf", "import", str(surrogate), names="surrogate.json"
    )
    for char in ("\x00", "\x1b"):
        control = _ixf_with(tmp_path, "control.json", named(f"bad{char}x"))
        assert "control character" in refused("ixf", "import", str(control), names="control.json")
    assert _rows() == before  # nothing written


@pytest.mark.django_db
def test_ixf_validate_refuses_a_lone_surrogate(tmp_path: Path, shared_data: Path) -> None:
    surrogate = _ixf_with(
        tmp_path, "s.json", lambda d: d["member_list"][0].__setitem__("name", "x\ud800")
    )
    result = run("ixf", "validate", str(surrogate), "--schema", str(shared_data / "ixf-schema"))
    assert result.exit_code == 1 and "s.json: member_list[0].name: a lone surrogate" in (
        result.output
    )


@pytest.mark.django_db
def test_duplicate_asn_stops_the_import_unless_merged(tmp_path: Path) -> None:
    def duplicate(doc: dict[str, Any]) -> None:
        doc["member_list"].append(json.loads(json.dumps(doc["member_list"][1])))
        doc["member_list"][1]["connection_list"] = []

    path = _ixf_with(tmp_path, "dup.json", duplicate)
    assert "member_list[3]: the same AS number at the same exchange as member_list[1]" in (
        refused("ixf", "import", str(path), names="dup.json")
    )
    assert m.Network.objects.count() == 0
    merged = run("ixf", "import", "--merge-duplicates", str(path))
    assert merged.exit_code == 0, merged.output
    assert "member_list[3]: merged into member_list[1]" in merged.output


@pytest.mark.django_db
def test_ipv6_zone_id_is_refused(tmp_path: Path) -> None:
    def zoned(doc: dict[str, Any]) -> None:
        vlan = doc["member_list"][0]["connection_list"][0]["vlan_list"][0]
        vlan["ipv6"]["address"] = vlan["ipv6"]["address"] + "%eth0"

    path = _ixf_with(tmp_path, "zone.json", zoned)
    assert "has a zone id" in refused("ixf", "import", str(path), names="zone.json")


@pytest.mark.django_db
def test_clients_import_refuses_deep_yaml_and_huge_numbers(tmp_path: Path) -> None:
    _registry()
    deep = tmp_path / "clients.yml"
    deep.write_text("clients: " + "[" * 5000 + "]" * 5000 + "\n")
    before = _rows()
    assert "nested more than 64 levels deep" in refused(
        "clients", "import", "--exchange", "smart-ix", str(deep), names="clients.yml"
    )
    deep.write_text("clients:\n  - asn: " + "9" * 5000 + "\n")
    assert "number too long" in refused(
        "clients", "import", "--exchange", "smart-ix", str(deep), names="clients.yml"
    )
    deep.write_text('clients:\n  - asn: 64500\n    description: "x\\ud800"\n')
    assert "lone surrogate" in refused(
        "clients", "import", "--exchange", "smart-ix", str(deep), names="clients.yml"
    )
    assert _rows() == before


# -- configuration -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variable,value,words",
    [
        ("LAKOU_CORE__LANGUAGE", "zz", "'zz' is not a language lakou speaks"),
        ("LAKOU_DATABASE_URL", "mysql://x/y", "unsupported database URL"),
        ("LAKOU_CORE__DATA_DIR", "/etc/passwd", "is a file, not a folder"),
    ],
)
def test_bad_settings_are_named(variable: str, value: str, words: str) -> None:
    last = refused("config", "check", env={variable: value}, names=f"${variable}")
    assert words in last


def test_sqlite_in_a_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/db.sqlite3"
    last = refused("exchange", "list", env={"LAKOU_DATABASE_URL": url}, names="missing")
    assert "does not exist" in last
    assert not (tmp_path / "missing").exists()


def test_unreachable_postgresql_is_one_line() -> None:
    # the registry commands start Django once per process; describe() is what they print
    from lakou.cli.errors import describe

    class OperationalError(Exception):
        pass

    OperationalError.__module__ = "django.db.utils"
    line = describe(OperationalError('connection to server at "127.0.0.1", port 1 failed'))
    assert line.startswith("cannot reach the database") and "LAKOU_DATABASE_URL" in line
    OperationalError.__module__ = "sqlite3"
    assert "another lakou command" in describe(OperationalError("database is locked"))


def test_config_check_refuses_port_99999(tmp_path: Path) -> None:
    config = tmp_path / "lakou.yml"
    config.write_text("portal:\n  listen: 127.0.0.1:99999\n")
    assert "port 1-65535" in refused("--config", str(config), "config", "check", names="lakou.yml")


def test_unknown_language_option_is_refused() -> None:
    result = CliRunner().invoke(main, ["-L", "klingon", "config", "check"])
    assert result.exit_code == 2 and "'klingon' is not a language lakou speaks" in result.output


# -- other readers -------------------------------------------------------------------------
@pytest.mark.django_db
def test_member_show_with_5000_digits() -> None:
    assert "is not an ASN" in refused("member", "show", "AS" + "9" * 5000)


@pytest.mark.parametrize("name", ["empty", "truncated", "magic"])
def test_flows_decode_bad_captures(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.pcap"
    path.write_bytes(
        {"empty": b"", "truncated": b"\xd4\xc3\xb2\xa1" + b"\0" * 10, "magic": b"ABCD" * 10}[name]
    )
    result = run("flows", "decode", str(path))
    assert result.exit_code == 1 and f"{name}.pcap" in result.output


def test_flows_prefixes_binary_and_deep_members(tmp_path: Path) -> None:
    pcap = tmp_path / "x.pcap"
    pcap.write_bytes(b"")
    binary = tmp_path / "prefixes.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    store = str(tmp_path / "store")
    assert "not UTF-8" in refused(
        "flows", "replay", str(pcap), "--store", store, "--prefixes", str(binary), names="prefixes"
    )
    deep = tmp_path / "members.yml"
    deep.write_text("members: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than" in refused(
        "flows", "replay", str(pcap), "--store", store, "--members", str(deep), names="members.yml"
    )
    deep.write_text('members:\n  - {asn: 64500, mac: "02:00:00:00:00:01"}\n')
    assert "unknown key(s) mac" in refused(
        "flows", "replay", str(pcap), "--store", store, "--members", str(deep), names="members.yml"
    )


def test_territory_build_names_the_broken_file(tmp_path: Path, shared_data: Path) -> None:
    rir = tmp_path / "rir"
    rir.mkdir()
    source = shared_data / "rir" / "delegated-afrinic-extended-20260505"
    lines = source.read_bytes().splitlines(keepends=True)[:200]
    (rir / source.name).write_bytes(b"".join(lines) + b"afrinic|ZA|ipv4|41.0.0.0|256|\xff\n")
    assert "not UTF-8" in refused(
        "territory", "build", "--data-dir", str(rir), "--countries", "ZA", names=source.name
    )
    csvdir = tmp_path / "csv"
    csvdir.mkdir()
    (csvdir / "geo-whois-asn-country-ipv4.csv").write_text(
        '1.0.0.0,1.0.0.255,"' + "x" * 140_000 + '"\n'
    )
    assert "field larger than field limit" in refused(
        "territory", "build", "--data-dir", str(csvdir), "--countries", "ZA", names="geo-whois"
    )
    mrt = tmp_path / "mrt"
    mrt.mkdir()
    dump = bytearray((shared_data / "bgp" / "mrt" / "updates.20100722.2015.gz").read_bytes())
    dump[-6] ^= 0xFF  # the CRC
    (mrt / "updates.20100722.2015.gz").write_bytes(bytes(dump))
    assert "CRC check failed" in refused(
        "territory", "build", "--data-dir", str(mrt), "--countries", "ZA", names="updates"
    )


def test_rs_build_truncated_rpsl_gz_and_deep_rpki(tmp_path: Path) -> None:
    rpsl = tmp_path / "rpsl"
    rpsl.mkdir()
    whole = gzip.compress(b"route: 192.0.2.0/24\norigin: AS64500\nsource: TEST\n\n" * 200)
    (rpsl / "db.gz").write_bytes(whole[: len(whole) // 2])
    out = str(tmp_path / "bird.conf")
    args = ["rs", "build", "--clients", str(CLIENTS), "--out", out, "--no-check"]
    result = run(*args, "--rpsl-dir", str(rpsl))
    assert result.exit_code == 1 and "Aborted" not in result.output
    assert "db.gz: truncated or corrupt gzip file" in result.output
    deep = tmp_path / "rpki.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    # its own data directory: no last-good ROA set left by another test to fall back on
    own = {"LAKOU_CORE__DATA_DIR": str(tmp_path / "data")}
    deep_rpki = refused(*args, "--no-irr", "--rpki-json", str(deep), env=own, names="rpki")
    assert "nested more than" in deep_rpki


def test_paths_and_whatif_deep_inputs_and_lenient(tmp_path: Path, shared_data: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"a":' * 5000 + "1" + "}" * 5000 + "\n")
    assert "nested more than" in refused(
        "paths", "analyze", str(deep), "--countries", "FR", names="deep.jsonl:1"
    )
    atlas = (shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl").read_text()
    lines = atlas.splitlines()[:3]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([lines[0], "not json", *lines[1:]]) + "\n")
    assert "mixed.jsonl:2" in refused("paths", "analyze", str(mixed), "--countries", "FR")
    lenient = run(
        "paths", "analyze", str(mixed), "--lenient", "--countries", "FR", "--format", "jsonl"
    )
    assert lenient.exit_code == 0, lenient.output
    assert len([x for x in lenient.output.splitlines() if x.startswith("{")]) == 3
    scenario = tmp_path / "scenario.yml"
    scenario.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than" in refused("whatif", "scenario", str(scenario), names="scenario.yml")


@pytest.mark.django_db
def test_admin_search_with_5000_digits(client: Client) -> None:
    user = get_user_model().objects.create_superuser("boss", "b@example.org", "pw-1234567890")
    verified_login(client, user)  # staff pass the second factor (lakou.accounts)
    for model in admin.site._registry:
        if model._meta.app_label != "registry":
            continue
        url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "9" * 5000})
        assert response.status_code == 200, (model.__name__, response.status_code)


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("lakou.config.load_config", broken)  # context imports it when used
    plain = CliRunner().invoke(main, ["config", "check"])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    assert "internal error (RuntimeError: boom); run again with --debug" in plain.output
    debug = CliRunner().invoke(main, ["--debug", "config", "check"])
    assert isinstance(debug.exception, RuntimeError)  # re-raised: Python prints the traceback
    from lakou.cli.errors import describe

    assert describe(RecursionError()).endswith("nested too deeply")
    assert describe(EOFError("Compressed file ended")).startswith("a compressed file")


@pytest.mark.django_db
def test_ixf_import_reports_progress() -> None:
    from lakou.registry.ixf.import_ import import_document

    seen: list[tuple[str, int, int]] = []
    import_document(IXF.read_bytes(), progress=lambda *step: seen.append(step))
    phases = {phase for phase, _done, _total in seen}
    assert phases == {"members", "connections"}
    assert all(done == total for _phase, done, total in seen)  # under 100: only the last step
