"""``lakou rs diff``: what a new configuration changes per member, read from lakou's own files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.live.helpers import rsworld as w

from lakou.cli import main
from lakou.routeserver.confread import ConfigReadError, format_prefix, read_config
from lakou.routeserver.diff import diff_configs
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import FOLD_FROM, render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd


def _render(tmp_path: Path, name: str, clients=None, enriched=None) -> tuple[Path, Path]:
    plan = make_plan(w.policy(rpki=False), clients or w.clients(), enriched or w.enriched())
    bird = tmp_path / f"{name}.conf"
    bird.write_text(render_bird(plan, (2, 0, 12)))
    obgp = tmp_path / f"{name}.obgp"
    obgp.write_text(render_openbgpd(plan))
    return bird, obgp


def _changed(tmp_path: Path) -> tuple[Path, Path]:
    """Member A loses five prefixes and an origin and gains one; B's limit changes; E leaves."""
    e = w.enriched()
    irr = dict(e.irr)
    a = irr[w.A]
    irr[w.A] = dataclasses.replace(
        a, prefixes_v4=(*a.prefixes_v4[:-5], "11.9.0.0/24"), origins=frozenset({w.A})
    )
    clients = []
    for c in w.clients():
        if c.asn == w.E:
            continue
        if c.asn == w.B:
            c = dataclasses.replace(c, overrides={"max_prefix": {"ipv4": 50, "action": "block"}})
        clients.append(c)
    return _render(tmp_path, "new", clients, dataclasses.replace(e, irr=irr))


@pytest.mark.parametrize("kind", [0, 1], ids=["bird2", "openbgpd"])
def test_changes_per_member(tmp_path: Path, kind: int) -> None:
    old = _render(tmp_path, "old")[kind]
    new = _changed(tmp_path)[kind]
    result = diff_configs(old, new, sample=3)
    by_asn = {c.asn: c for c in result.clients}
    assert sorted(by_asn) == [w.A, w.B, w.E] and result.unchanged == 2
    a = by_asn[w.A]
    assert a.status == "changed" and not a.sessions_added and not a.sessions_removed
    assert a.origins is not None and a.origins.disappear == ["AS10010"]
    v4 = a.prefixes[4]
    assert (v4.before, v4.after, v4.appear_count, v4.disappear_count) == (19, 15, 1, 5)
    assert v4.appear == ["11.9.0.0/24"]
    assert v4.disappear == ["11.0.14.0/24", "11.0.15.0/24", "11.0.16.0/24"]  # sample of 3
    assert 6 not in a.prefixes
    limits = {lc.session: lc for lc in by_asn[w.B].limits}
    limit = limits[f"AS{w.B}_4_1"]
    assert limit.before == (170000, "restart")
    assert limit.after == (50, "block" if kind == 0 else "teardown")
    assert limits[f"AS{w.B}_6_1"].after[0] == 12000  # same limit, the action changed
    e = by_asn[w.E]
    assert e.status == "removed"
    assert e.sessions_removed == [f"AS{w.E}_4_1", f"AS{w.E}_6_1"]


def test_same_file_no_changes_and_bird_and_openbgpd_agree(tmp_path: Path) -> None:
    bird, obgp = _render(tmp_path, "old")
    assert diff_configs(bird, bird).clients == []
    across = diff_configs(bird, obgp)
    # The same plan for both daemons: the same sessions and sets; only the names of limit
    # actions (BIRD "block", bgpd "teardown") and BIRD's IRR comment lines differ.
    assert all(not c.prefixes and not c.origins and not c.sessions_added for c in across.clients)


def test_folded_sets_read_back_prefix_by_prefix(tmp_path: Path) -> None:
    prefixes = tuple(f"100.{i // 256}.{i % 256}.0/24" for i in range(FOLD_FROM + 100))
    prefixes += ("101.0.0.0/23", "101.0.2.0/23")  # consecutive: one range 101.0.0.0..101.0.2.0
    e = w.enriched()
    irr = dict(e.irr)
    irr[w.A] = dataclasses.replace(irr[w.A], prefixes_v4=prefixes)
    bird, obgp = _render(tmp_path, "big", enriched=dataclasses.replace(e, irr=irr))
    text = bird.read_text()
    assert "  100.0.0.0..100.8.51.0" in text and "  101.0.0.0..101.0.2.0\n" in text  # ranges
    for path in (bird, obgp):
        client = read_config(path).clients[w.A]
        assert {format_prefix(4, p) for p in client.prefixes[4]} == set(prefixes)


def test_prefix_sets_of_earlier_versions_read_back_the_same(tmp_path: Path) -> None:
    """Files written before the address sets (prefix sets, folded like ``bgpq4 -A``) still
    compare prefix by prefix with the new ones: an upgrade's first ``rs diff`` shows no
    change of registered prefixes."""
    new = _render(tmp_path, "new")[0]
    text = new.read_text()
    old = tmp_path / "old.conf"
    start = text.index(f"define AS{w.A}_PREFIXES_4_24 = [")
    end = text.index("];", start) + 2
    client = read_config(new).clients[w.A]
    listed = sorted(format_prefix(4, p) for p in client.prefixes[4] if p & 0xFF == 24)
    assert len(listed) > 2
    entries = [f"{p}+" if i % 2 else p for i, p in enumerate(listed)]  # covering or exact
    old.write_text(
        text[:start]
        + f"define AS{w.A}_PREFIXES_4_24 = [\n  "
        + ",\n  ".join(entries)
        + "\n];"
        + text[end:]
    )
    assert read_config(old).clients[w.A].prefixes == client.prefixes
    assert diff_configs(old, new).clients == []


def test_cli_table_json_and_default_running(tmp_path: Path) -> None:
    old = _render(tmp_path, "old")[0]
    new = _changed(tmp_path)[0]
    config = tmp_path / "lakou.yml"
    config.write_text(f"routeserver:\n  config_path: {old}\n")
    runner = CliRunner()
    table = runner.invoke(main, ["--config", str(config), "rs", "diff", str(new)])
    assert table.exit_code == 0, table.output
    assert "AS10001 Member A (ExaBGP): changed" in table.output
    assert "IPv4 prefixes 19 -> 15  +1: 11.9.0.0/24  -5: 11.0.14.0/24" in table.output
    assert "AS10002_4_1 max-prefix 170000 restart -> 50 block" in table.output
    assert "- session AS10005_6_1" in table.output
    assert "3 members changed, 2 unchanged" in table.output
    raw = runner.invoke(main, ["rs", "diff", str(old), str(new), "--format", "json"])
    assert raw.exit_code == 0, raw.output
    data = json.loads(raw.output)
    (a,) = [c for c in data["clients"] if c["asn"] == w.A]
    assert a["prefixes"]["ipv4"]["disappear_count"] == 5
    french = runner.invoke(main, ["-L", "fr", "rs", "diff", str(old), str(new)])
    assert "3 membres modifiés, 2 inchangés" in french.output


def test_bad_input_is_one_line_naming_file_and_place(tmp_path: Path) -> None:
    old = _render(tmp_path, "old")[0]
    broken = tmp_path / "broken.conf"
    broken.write_text(old.read_text().replace("\n  11.0.5.0", "\n  11.0.5.99", 1))
    line = next(i for i, t in enumerate(broken.read_text().splitlines(), 1) if "5.99" in t)
    with pytest.raises(ConfigReadError, match=rf"broken.conf:{line}: cannot read prefix"):
        read_config(broken)
    other = tmp_path / "other.conf"
    other.write_text("router id 1.2.3.4;\n")
    result = CliRunner().invoke(main, ["rs", "diff", str(old), str(other)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "other.conf" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["rs", "diff", str(old), str(tmp_path / "nope.conf")])
    assert missing.exit_code == 1 and "nope.conf: cannot read" in missing.output
