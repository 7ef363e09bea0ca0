"""``lakou peeringdb``: sync, show, prefill, compare, against the stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.peeringdb.testing import PeeringDBData, PeeringDBStandIn


@pytest.fixture
def env(stand_in: PeeringDBStandIn, tmp_path: Path) -> dict[str, str]:
    return {
        "LAKOU_CORE__DATA_DIR": str(tmp_path),
        "LAKOU_REGISTRY__PEERINGDB__URL": stand_in.url,
        "LAKOU_REGISTRY__PEERINGDB__API_KEY": "s3cret-key",
        "LAKOU_LANGUAGE": "en",
    }


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_sync_then_show(
    env: dict[str, str], stand_in: PeeringDBStandIn, tmp_path: Path, pdb_data: PeeringDBData
) -> None:
    code, out = run(env, "peeringdb", "sync", "--format", "json")
    assert code == 0, out
    report = json.loads(out[out.index("{") :])
    assert [t["mode"] for t in report["types"]] == ["full"] * 5
    assert report["requests"] == 5 and report["throttled"] == 0
    assert (tmp_path / "peeringdb.sqlite3").exists()
    assert all(r.headers.get("authorization") == "Api-Key s3cret-key" for r in stand_in.requests)

    code, out = run(env, "peeringdb", "sync")
    assert code == 0, out
    assert "incremental" in out and "5 requests" in out

    net = pdb_data.objects["net"][10000]
    code, out = run(env, "peeringdb", "show", str(net["asn"]), "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["net"]["name"] == net["name"]
    assert {p["ix_name"] for p in doc["netixlan"]} <= {"OCIX", "MARTINIX", "Guyanix"}
    code, out = run(env, "peeringdb", "show", str(net["asn"]))
    assert code == 0 and net["name"] in out and "OCIX" in out


def test_show_unknown_asn_and_empty_cache(env: dict[str, str]) -> None:
    code, out = run(env, "peeringdb", "show", "64496")
    assert code == 1 and "the cache is empty" in out


def test_sync_error_is_clear_and_exit_code_1(env: dict[str, str]) -> None:
    env = {**env, "LAKOU_REGISTRY__PEERINGDB__API_KEY": "wrong"}
    code, out = run(env, "peeringdb", "sync")
    assert code == 1
    assert "HTTP 401: Invalid API key" in out and "left as it was" in out


def test_sync_rejects_unknown_types(env: dict[str, str]) -> None:
    code, out = run(env, "peeringdb", "sync", "--only", "ix,fac")
    assert code == 2 and "fac" in out


@pytest.mark.django_db
def test_prefill_and_compare(env: dict[str, str], pdb_data: PeeringDBData) -> None:
    from lakou.registry import models as m

    m.Exchange.objects.create(slug="ocix", name="OCIX", country="SX", peeringdb_ix_id=260)
    assert run(env, "peeringdb", "sync")[0] == 0
    net = pdb_data.objects["net"][10001]

    code, out = run(env, "peeringdb", "prefill", str(net["asn"]), "--exchange", "ocix")
    assert code == 0, out
    assert "what --apply would change" in out and net["name"] in out
    assert "raw hints" in out
    assert not m.Network.objects.filter(asn=net["asn"]).exists()

    code, out = run(
        env,
        "peeringdb",
        "prefill",
        str(net["asn"]),
        "--exchange",
        "ocix",
        "--apply",
        "--format",
        "json",
    )
    assert code == 0, out
    assert json.loads(out)["applied"] is True
    assert m.Member.objects.filter(exchange__slug="ocix", network__asn=net["asn"]).exists()

    code, out = run(env, "peeringdb", "compare", "--exchange", "ocix", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    kinds = {(r["asn"], r["kind"]) for r in rows}
    assert any(kind == "missing_in_registry" for _asn, kind in kinds)
    code, out = run(env, "peeringdb", "compare", "--exchange", "ocix")
    assert code == 0 and f"{len(rows)} differences" in out

    code, out = run(env, "peeringdb", "compare", "--exchange", "nope")
    assert code == 1 and "no exchange with slug 'nope'; the registry has: ocix" in out


def test_french_output(env: dict[str, str]) -> None:
    code, out = run({**env, "LAKOU_CORE__LANGUAGE": "fr"}, "peeringdb", "show", "64496")
    assert code == 1 and "le cache est vide" in out


@pytest.mark.django_db
def test_french_registry_messages(env: dict[str, str]) -> None:
    assert run(env, "peeringdb", "sync", "--only", "net")[0] == 0
    code, out = run(
        {**env, "LAKOU_CORE__LANGUAGE": "fr"}, "peeringdb", "compare", "--exchange", "x"
    )
    assert code == 1 and "aucun point d'échange avec l'identifiant 'x'" in out
