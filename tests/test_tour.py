"""The README's tour is a test: every line, as written, on a fresh database.

The tour's code block is read from README.md and each ``lakou ...`` line runs as its own
process, exactly as written, in a temporary directory (the repository's ``examples/``
linked in) with its own lakou home: no configuration file, a new SQLite database, the
first line that needs one being ``lakou demo --load-only``. Each line's output is
checked for sense by the checker of the same line below (a tour line without a checker
fails the test, so the README cannot grow an unchecked line). The README's "Running an
exchange" block follows, in the same place and state (``flows/`` filled by ``flows
replay``); two of its lines judge their own exit status: ``restore`` onto the tour's
populated database must refuse without ``--force``, and ``doctor`` on a machine without
IRR or RPKI servers must exit 1 naming each problem. Then the docs' code blocks
marked ``<!-- tour: ... -->`` run in the state the tour left, each ``$ lakou`` line
having to print the first output line the doc shows (a line shown as ``Error: ...`` must
be refused with it: exit status 1, no traceback).

What this machine cannot give is said, line by line:
- the Internet: ``peeringdb sync`` runs as written against lakou's PeeringDB stand-in
  (a real HTTP server on loopback serving the example networks); ``territory update``
  is replaced by links to the public data set (``../shared/data``) it would download,
  and ``as-rel.txt`` (CAIDA's file, not shippable) is linked from the same place;
  without the data set those lines are skipped, saying so;
- a running route server, exporters or switches: ``rs deploy``, ``rs explain``, ``lg``,
  ``flows collect``, ``ports poll`` and ``ports collect`` are listed in ``NEEDS_A_DAEMON``
  with the tests that cover them (the block's ``ports demo`` fills the store that
  ``ports report`` reads instead).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lakou.peeringdb.testing import PeeringDBData, PeeringDBStandIn
from lakou.routeserver.confread import format_prefix, read_config

ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout, or ``$LAKOU_TEST_DATA`` (as conftest)."""
    return Path(os.environ.get("LAKOU_TEST_DATA", ROOT.parent / "shared" / "data"))


README = ROOT / "README.md"

NEEDS_A_DAEMON = {
    "rs deploy": "needs a running BIRD to reload (tests/live/routeserver/test_deploy.py)",
    "rs explain": "asks a running route server's BIRD (tests/live/routeserver/test_bird.py)",
    "lg neighbours": "asks running route servers (tests/live/portal/test_lg_live.py)",
    "flows collect": "a daemon waiting for exporters (tests/live/flows/test_collector_e2e.py)",
    "ports poll": "needs a switch answering SNMP (tests/live/ports/test_snmpd.py, a real snmpd)",
    "ports collect": "polls switches.yml's switches each minute (tests/ports/test_collect.py)",
}
# Lines whose checker judges the exit status itself (a refusal or a diagnosis is the point).
JUDGE_THEIR_EXIT = ("lakou restore", "lakou doctor")
# Public files the tour's ``territory update`` downloads (a subset that builds in seconds).
TERRITORY_FILES = (
    "geo/geo-whois-asn-country-ipv4.csv",
    "geo/geo-whois-asn-country-ipv6.csv",
    "bgp/asn-ipv4.csv",
    "bgp/asn-ipv6.csv",
    "rir/delegated-lacnic-extended-20190910",
)
CAIDA = "asrel/caida-20180101.as-rel.txt"
# A docs code block preceded by this mark is run after the README's tour, in the same place.
DOC_MARK = "<!-- tour:"
# Docs commands that do not run in the tour, each with the reason and the test that covers
# it instead; keyed by doc and command (the two words after ``lakou``). Every ``lakou`` line
# of a docs code block is either in a marked block (run) or here (a test checks both ways).
PRODUCTION = "a production install as root (tests/production runs scripts/install-production)"
USAGE = "a usage summary with placeholders; the README's tour runs the command on examples/"
DOCS_NOT_RUN: dict[tuple[str, str], str] = {
    ("10-install.md", "db createsuperuser"): PRODUCTION,
    ("10-install.md", "doctor"): PRODUCTION,
    ("12-production.md", "doctor"): PRODUCTION,
    ("15-operate.md", "serve:"): "the refusals shown (tests/portal/test_serve_refusals.py)",
    ("15-operate.md", "db unlock"): "needs a locked-out login (tests/portal/test_web_safety.py)",
    ("15-operate.md", "backup"): "writes to /var/backups; the README's block runs backup",
    ("15-operate.md", "restore"): "the README's block runs restore",
    ("15-operate.md", "db migrate"): "an older database (tests/portal/test_serve_refusals.py)",
    ("20-configure.md", "serve"): "serves until stopped (tests/portal/test_serve_refusals.py)",
    ("20-configure.md", "peeringdb sync"): "needs a PeeringDB API key and the Internet",
    ("31-ixf-and-arouteserver.md", "ixf validate"): "clones the schema from GitHub (no Internet)",
    (
        "31-ixf-and-arouteserver.md",
        "ixf import",
    ): "another exchange's file (tests/registry/test_ixf_cli.py)",
    ("32-peeringdb.md", "peeringdb sync"): "the README's tour runs it against the stand-in",
    ("33-members.md", "user password"): "asks for the password twice on a terminal",
    ("33-members.md", "user revoke-key"): "the prefix is random (tests/accounts test_cli)",
    ("40-route-server.md", "rs build"): "asks a public IRR server (the Internet)",
    (
        "40-route-server.md",
        "rs diff",
    ): "compares with a running server's file (tests/routeserver/test_diff.py)",
    ("40-route-server.md", "rs deploy"): NEEDS_A_DAEMON["rs deploy"],
    ("40-route-server.md", "rs explain"): NEEDS_A_DAEMON["rs explain"],
    ("41-looking-glass.md", "lg neighbours"): NEEDS_A_DAEMON["lg neighbours"],
    ("41-looking-glass.md", "lg routes"): NEEDS_A_DAEMON["lg neighbours"],
    ("41-looking-glass.md", "lg search"): NEEDS_A_DAEMON["lg neighbours"],
    ("41-looking-glass.md", "lg exported"): NEEDS_A_DAEMON["lg neighbours"],
    ("41-looking-glass.md", "rs explain"): NEEDS_A_DAEMON["rs explain"],
    ("41-looking-glass.md", "demo"): "serves until stopped (tests/live/demo/test_routeserver.py)",
    ("50-flows.md", "flows decode"): USAGE,
    ("50-flows.md", "flows replay"): USAGE,
    ("50-flows.md", "flows collect"): NEEDS_A_DAEMON["flows collect"],
    ("50-flows.md", "flows report"): USAGE
    + " (ClickHouse: tests/live/flows/test_clickhouse_store.py)",
    ("50-flows.md", "flows maintain"): USAGE
    + " (ClickHouse: tests/live/flows/test_clickhouse_store.py)",
    ("51-lan-hygiene.md", "flows replay"): USAGE,
    ("51-lan-hygiene.md", "flows collect"): NEEDS_A_DAEMON["flows collect"],
    ("51-lan-hygiene.md", "lan report"): USAGE,
    ("51-lan-hygiene.md", "lan quarantine"): USAGE,
    ("52-events-and-notifications.md", "watch run"): "mails through an SMTP server (tests/watch)",
    ("55-ports.md", "ports poll"): NEEDS_A_DAEMON["ports poll"],
    ("55-ports.md", "ports collect"): NEEDS_A_DAEMON["ports collect"],
    ("55-ports.md", "ports report"): USAGE,
    ("55-ports.md", "ports macs"): "reads switches' MAC tables (tests/ports/test_macs.py)",
    ("60-territory.md", "territory update"): "downloads the public files (no Internet)",
    ("60-territory.md", "territory build"): USAGE,
    ("61-paths.md", "paths analyze"): USAGE,
    ("62-territory-report.md", "territory update"): "downloads the public files (no Internet)",
    (
        "62-territory-report.md",
        "territory build",
    ): "writes into /var/lib/lakou; the tour builds one",
}
# The README's second block, run after the tour in the same place.
OPERATIONS = "## Running an exchange"
DEMO_SLUGS = {"demo-saint-martin", "demo-saint-barth", "demo-sint-maarten"}


def tour_lines(heading: str = "## A tour of the command line") -> list[str]:
    """The ``lakou`` lines of the README's code block under HEADING, comments removed."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    block = section[section.index("```sh\n") + 6 :]
    block = block[: block.index("```")]
    lines = []
    for raw in block.splitlines():
        words = shlex.split(raw, comments=True)
        if words:
            assert words[0] == "lakou", raw
            lines.append(shlex.join(words))
    return lines


def docs_commands() -> list[tuple[str, str, bool]]:
    """(doc, the two words after ``lakou``, in a marked block) of every docs code-block line."""
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        lines = doc.read_text(encoding="utf-8").splitlines()
        start: int | None = None
        for i, line in enumerate(lines):
            if not line.startswith("```"):
                continue
            if start is None:
                start = i
                continue
            marked = start > 0 and lines[start - 1].startswith(DOC_MARK)
            for text in lines[start + 1 : i]:
                found.extend((doc.name, words, marked) for words in _lakou_words(text))
            start = None
    return found


def _lakou_words(text: str) -> list[str]:
    """The command a line runs (``lakou`` or a path ending in ``/lakou``), global options
    skipped; nothing for a line that runs no lakou (output, comments, other programs)."""
    words = text.split("#")[0].split()
    if words[:1] == ["$"]:
        words = words[1:]
    while words and "=" in words[0] and not words[0].startswith("-"):
        words = words[1:]  # VAR=value before the command (and ``Key=`` lines of units)
    if words[:1] == ["sudo"]:
        words = words[1:]
        while words[:1] == ["-u"]:
            words = words[2:]
    if not words or not (words[0] == "lakou" or words[0].endswith("/lakou")):
        return []
    rest = words[1:]
    while rest[:1] and rest[0] in ("-L", "--config", "--debug"):
        rest = rest[1:] if rest[0] == "--debug" else rest[2:]
    if not rest:
        return []
    # the group and its command: ``rs build``, ``doctor`` (options and placeholders dropped)
    command = [rest[0], *(w for w in rest[1:2] if re.fullmatch(r"[a-z][a-z-]*", w))]
    return [" ".join(command)]


def _shows(shown: str, printed: list[str]) -> bool:
    """Whether a line the doc shows was printed: ``...`` in it stands for any text."""
    parts = [part.strip() for part in shown.split("...") if part.strip()]
    for line in printed:
        at = 0
        for part in parts:
            found = line.find(part, at)
            if found < 0:
                break
            at = found + len(part)
        else:
            return True
    return False


def doc_blocks() -> list[tuple[str, str, list[str]]]:
    """(doc, command, shown output lines) of the ``$ lakou`` lines of marked doc blocks."""
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        lines = doc.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if not line.startswith(DOC_MARK):
                continue
            assert lines[i + 1].startswith("```"), f"{doc.name}:{i + 1}: no code block after"
            end = next(j for j in range(i + 2, len(lines)) if lines[j].startswith("```"))
            command: str | None = None
            shown: list[str] = []
            for text in [*lines[i + 2 : end], "$ "]:
                if text.startswith("$ "):
                    if command:
                        found.append((doc.name, command, shown))
                    command, shown = text[2:].strip() or None, []
                elif text.strip():
                    shown.append(text.strip())
    return found


@dataclass
class Run:
    line: str
    code: int
    out: str
    err: str
    cwd: Path

    def json(self) -> object:
        return json.loads(self.out)

    def file(self, name: str) -> str:
        path = self.cwd / name
        assert path.is_file(), f"{self.line}: {name} was not written"
        return path.read_text(encoding="utf-8")


# -- what each line must print ------------------------------------------------------------


def _config_dump(r: Run) -> None:
    assert "core:" in r.out and "data_dir:" in r.out and "routeserver:" in r.out


def _demo(r: Run) -> None:
    assert "Demo exchanges: demo-saint-martin, demo-saint-barth, demo-sint-maarten" in r.out
    assert "19 members" in r.out.replace("members: 19", "19 members")
    assert "demo / demo-password" in r.out


def _exchange_list(r: Run) -> None:
    rows = r.json()
    assert isinstance(rows, list) and {row["slug"] for row in rows} == DEMO_SLUGS


def _exchange_show(r: Run) -> None:
    doc = r.json()
    assert isinstance(doc, dict) and doc["slug"] == "demo-saint-martin"
    assert doc["lans"][0]["ipv4"] == "192.0.2.0/24"
    assert {rs["name"] for rs in doc["route_servers"]} == {"rs1-marigot", "rs2-grandcase"}


def _ixf_export(r: Run) -> None:
    doc = json.loads(r.file("participants.json"))
    assert doc["version"] == "1.0"
    assert [ix["ixp_id"] for ix in doc["ixp_list"]] and len(doc["ixp_list"]) == 1
    asns = {m["asnum"] for m in doc["member_list"]}
    assert 27974 in asns and 27781 in asns and len(asns) >= 5


def _ixf_import(r: Run) -> None:
    # the export of an exchange imported back changes nothing: idempotent
    assert "exchange: 0 created, 0 updated, 1 unchanged" in r.out
    assert "connection: 0 created, 0 updated, 5 unchanged" in r.out
    assert r.out.rstrip().endswith("no changes")


def _clients_import(r: Run) -> None:
    assert "64500" in r.out and "64501" in r.out


def _peeringdb_sync(r: Run) -> None:
    assert re.search(r"net\s+│\s+full\s+│\s+2\s+│\s+2", r.out), r.out
    assert "0 throttled" in r.out


def _peeringdb_load(r: Run) -> None:
    assert re.search(r"net\s+│\s+2\s+│\s+2\s+│\s+2016-09-30", r.out), r.out
    assert re.search(r"netixlan\s+│\s+2\s+│\s+2", r.out), r.out


def _prefill(r: Run) -> None:
    assert "AS64500: what --apply would change" in r.out
    # clients.yml brought AS64500 in (name, AS-SET): PeeringDB adds what it knows more
    assert re.search(r"AS-SET\s+│\s+AS-EXAMPLE-ISLAND\s+│\s+RADB::AS-EXAMPLE-ISLAND", r.out)
    assert re.search(r"website\s+│\s+│\s+https://example.net", r.out), r.out
    assert re.search(r"exchange\s+│\s+│\s+demo-sint-maarten", r.out), r.out
    assert "Example Island Telecom" not in r.out  # the same name: not a change


def _rs_build_bird(r: Run) -> None:
    # the 9 demo members with route-server sessions, and the 2 clients.yml brought in
    assert re.search(r"bird2 2\.\d+\.\d+: 11 clients, 21 sessions", r.out), r.out
    # every client's IRR data was found offline (the only warning allowed: no BIRD here)
    assert not [w for w in r.err.splitlines() if "is not installed here" not in w], r.err
    conf = r.file("bird.conf")
    assert "protocol bgp AS985_4_1" in conf and "protocol bgp AS64500_4_1" in conf
    # from examples/irr (the sets hold address ranges: read them as `rs diff` does)
    registered = {
        format_prefix(4, p)
        for c in read_config(r.cwd / "bird.conf").clients.values()
        for p in c.prefixes[4]
    }
    assert {"149.112.47.0/24", "203.0.113.0/25"} <= registered, sorted(registered)


def _rs_build_openbgpd(r: Run) -> None:
    assert re.search(r"openbgpd [\d.]+: 2 clients, 3 sessions", r.out), r.out
    conf = r.file("bgpd.conf")
    assert "192.0.2.200" in conf and "203.0.113.0/25" in conf


def _flows_decode(r: Run) -> None:
    records = [json.loads(line) for line in r.out.splitlines() if line.strip()]
    assert len(records) >= 600
    assert {str(rec.get("agent", rec.get("exporter"))) for rec in records} <= {
        "192.0.2.241",
        "192.0.2.242",
        "None",
    }
    assert any("02:00:00:03:d9:64" in json.dumps(rec) for rec in records)


def _flows_replay(r: Run) -> None:
    assert "600" in r.out + r.err, r.out + r.err
    assert (r.cwd / "flows").is_dir()


def _flows_report(r: Run) -> None:
    page = r.file("flows.html")
    assert "Canal + Telecom" in page or "AS21351" in page or "21351" in page
    assert "None" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


def _territory_build(r: Run) -> None:
    doc = json.loads(r.file("territory.json"))
    assert len(doc["prefixes"]) > 400 and doc["countries"] == ["GP", "MF", "BL", "SX"]
    assert "to invite" in r.err or "to invite" in r.out


def _territory_lookup(r: Run) -> None:
    rows = r.json()
    assert rows == [
        {
            "ip": "200.0.22.1",
            "prefix": "200.0.22.0/23",
            "asn": 27974,
            "territory": "SX",
            "source": "territory.json",
        }
    ]


def _paths(r: Run) -> None:
    page = r.file("paths.html")
    head = page.split("<div")[0]
    assert re.search(r"from probes in the territory:\s*<b>50%</b>", head), head
    assert "1 of 2 traceroutes from probes in the territory" in head
    assert "Sint Maarten IX (demo)" in page  # the crossing of the exchange's LAN
    cells = set(re.findall(r"<td>([^<]*)</td>", page))
    assert not {"None", "True", "False"} & cells


def _whatif_routes(r: Run) -> None:
    routes = r.json()
    assert isinstance(routes, dict) and len(routes) == 10
    assert routes["27781"] == {"type": "origin", "length": 0, "next_hop": None}
    assert "more ASes" in r.err


def _whatif_scenario(r: Run) -> None:
    page = r.file("hurricane.html")
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "<h1>Hurricane: all international transit of the islands is cut" in text
    assert "After the event, with the exchanges" in text
    ranked = re.findall(r"<td>(AS[^<]* at caribix-[^<]*|AS\d+ - AS[^<]*)</td>", text)
    assert len(ranked) >= 4, ranked  # candidate members and peerings, ranked by gain
    assert "plotly" in page.lower() and "None" not in text


def _backup(r: Run) -> None:
    assert "Backup written to lakou-backup.tar.gz" in r.out and "registry database" in r.out
    archive = r.cwd / "lakou-backup.tar.gz"
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds the keys
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "database/registry.sqlite3", "secrets/secret_key"} <= set(names)


def _restore(r: Run) -> None:
    # onto the tour's populated database: refused, nothing replaced, the way out named
    assert r.code != 0 and "--force" in r.err and "already holds registry data" in r.err, r.err


def _ports_demo(r: Run) -> None:
    assert re.search(r"ports: 8 ports, 7 days, peak [\d.]+ [GM]b/s", r.out), r.out


def _ports_report(r: Run) -> None:
    assert re.search(r"week: 8 ports, 8 members, \d+ points", r.out), r.out
    for name in ("mean", "peak", "95th", "utilisation"):
        assert re.search(rf"{name}\s+[\d.]+ ?(Gb/s|Mb/s|%)", r.out), (name, r.out)


def _lan_report(r: Run) -> None:
    # a table of findings per member, or the sentence that there are none
    assert "No findings: the peering LAN is clean." in r.out or "│" in r.out, r.out


def _lan_quarantine(r: Run) -> None:
    # the demo's ports are all in production: nothing to judge, and it says so
    assert "No port is in quarantine." in r.out or "│" in r.out, r.out


def _watch_run(r: Run) -> None:
    book = r.json()
    assert isinstance(book, dict) and book["sent"] == []  # no --smtp-host: nothing mailed
    # the capture replayed is old: the store's collector is silent, a critical event
    assert {
        "change": "opened",
        "key": "collector-silent:flows/",
        "severity": "critical",
    }.items() <= (book["changes"][0].items())
    assert (r.cwd / "events.json").is_file()


def _jobs_run(r: Run) -> None:
    assert "$ lakou backup --out " in r.out and "backup: succeeded" in r.out, r.out


def _jobs_last(r: Run) -> None:
    first = r.out.splitlines()[0]
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+backup\s+succeeded", first), r.out


def _doctor(r: Run) -> None:
    # no IRR or RPKI server here: exit 1, every problem named with its fix
    assert r.code == 1, r.out + r.err
    failed = re.findall(r"^FAIL\s+(\S+(?: \S+)?)\s{2,}", r.out, flags=re.M)
    assert failed and "RPKI" in failed, r.out  # (IRR too, without the Internet)
    summary = re.search(r"(\d+) problem\(s\) to fix: (.*)", r.err)
    assert summary, r.err
    assert int(summary[1]) == len(failed) and summary[2].split(", ") == failed, r.err
    assert r.out.count("fix: ") >= len(failed)
    assert re.search(r"^ok\s+migrations\s+every migration applied", r.out, flags=re.M)


CHECKS: dict[str, Callable[[Run], None]] = {
    "lakou config dump": _config_dump,
    "lakou demo --load-only": _demo,
    "lakou exchange list": _exchange_list,
    "lakou exchange show": _exchange_show,
    "lakou ixf export": _ixf_export,
    "lakou ixf import": _ixf_import,
    "lakou clients import": _clients_import,
    "lakou peeringdb sync": _peeringdb_sync,
    "lakou peeringdb load": _peeringdb_load,
    "lakou peeringdb prefill": _prefill,
    "lakou rs build --exchange": _rs_build_bird,
    "lakou rs build --clients": _rs_build_openbgpd,
    "lakou flows decode": _flows_decode,
    "lakou flows replay": _flows_replay,
    "lakou flows report": _flows_report,
    "lakou territory build": _territory_build,
    "lakou territory lookup": _territory_lookup,
    "lakou paths analyze": _paths,
    "lakou whatif routes": _whatif_routes,
    "lakou whatif scenario": _whatif_scenario,
    # the README's "Running an exchange" block
    "lakou backup": _backup,
    "lakou restore": _restore,
    "lakou ports demo": _ports_demo,
    "lakou ports report": _ports_report,
    "lakou lan report": _lan_report,
    "lakou lan quarantine": _lan_quarantine,
    "lakou watch run": _watch_run,
    "lakou jobs run": _jobs_run,
    "lakou jobs last": _jobs_last,
    "lakou doctor": _doctor,
}
NEEDS_PUBLIC_DATA = ("lakou territory", "lakou paths", "lakou whatif")


def _check_for(line: str) -> Callable[[Run], None] | None:
    found = [check for prefix, check in CHECKS.items() if line.startswith(prefix)]
    assert len(found) <= 1, line
    return found[0] if found else None


def test_marked_doc_blocks_are_found() -> None:
    blocks = doc_blocks()
    commands = [line for _doc, line, _shown in blocks]
    assert "lakou peeringdb prefill 64500 --exchange demo-sint-maarten" in commands
    assert all(line.startswith("lakou ") for line in commands)
    prefill = next(shown for _d, line, shown in blocks if "prefill" in line)
    assert prefill[0] == "AS64500: what --apply would change"


def test_every_docs_command_runs_or_says_why_not() -> None:
    commands = docs_commands()
    assert len(commands) > 90
    not_run = {(doc, words) for doc, words, marked in commands if not marked}
    assert not_run - set(DOCS_NOT_RUN) == set(), "docs commands neither run nor excused"
    assert set(DOCS_NOT_RUN) - not_run == set(), "excuses for commands no doc shows any more"
    ran = {(doc, words) for doc, words, marked in commands if marked}
    assert len(ran) >= 25, sorted(ran)


def test_shown_lines_match_with_ellipsis() -> None:
    assert _shows(
        "bird2 ...: 11 clients, ... -> bird.conf", ["bird2 2.0.12: 11 clients, 8 -> bird.conf"]
    )
    assert not _shows("bird2 ...: 11 clients", ["bird2 2.0.12: 9 clients"])
    assert not _shows("a ... b", ["b a"])  # in order
    assert _lakou_words("$ lakou -L fr rs explain 1.0.0.0/24 --from 1") == ["rs explain"]
    assert _lakou_words("sudo -u lakou /opt/lakou/venv/bin/lakou --config x doctor") == ["doctor"]
    assert _lakou_words("Description=lakou port traffic poller") == []
    assert _lakou_words("ExecStart=/usr/local/bin/lakou ports collect") == []


def test_every_tour_line_is_checked_or_says_why_not() -> None:
    lines = tour_lines()
    assert len(lines) >= 25
    for line in lines:
        group = " ".join(line.split()[1:3])
        assert (
            _check_for(line) or group in NEEDS_A_DAEMON or line.startswith("lakou territory update")
        ), f"no check for the tour line: {line}"
    assert "lakou demo --load-only" in lines[:2]  # the database is filled before use
    operations = tour_lines(OPERATIONS)
    assert len(operations) >= 10
    for line in operations:
        group = " ".join(line.split()[1:3])
        assert _check_for(line) or group in NEEDS_A_DAEMON, f"no check for: {line}"
    for group in NEEDS_A_DAEMON:
        assert any(line.startswith(f"lakou {group}") for line in lines + operations), group


@pytest.fixture
def tour_dir(tmp_path: Path) -> Path:
    """A working directory with ``examples/``, and ``../shared/data`` as the docs write it."""
    tour = tmp_path / "tour"
    (tour / "home").mkdir(parents=True)
    (tour / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(shared_data_dir())
    # the docs' lines run through a shell (redirections, pipes, globs) with this ``lakou``
    (tour / "bin").mkdir()
    shim = tour / "bin" / "lakou"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lakou "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return tour


def _env(tmp: Path, peeringdb_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LAKOU_") and k not in ("DJANGO_SETTINGS_MODULE", "XDG_DATA_HOME")
    }
    env.update(
        HOME=str(tmp / "home"),
        XDG_DATA_HOME=str(tmp / "home" / ".local" / "share"),
        PYTHONPATH=str(ROOT / "src"),
        PATH=f"{tmp / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        LAKOU_LANGUAGE="en",
        # the one setting the tour cannot take from the defaults: PeeringDB is the stand-in
        LAKOU_REGISTRY__PEERINGDB__URL=peeringdb_url,
    )
    return env


# about 3 minutes on two idle cores; the margin is for a machine busy with other work
@pytest.mark.timeout(1800)
def test_the_tour_runs_as_written(tour_dir: Path) -> None:
    shared = shared_data_dir()
    have_data = shared.is_dir()
    example = json.loads((ROOT / "examples" / "peeringdb-networks.json").read_text())
    data = PeeringDBData({k: v["data"] for k, v in example.items()})
    skipped: list[str] = []
    ran: list[str] = []
    started = time.monotonic()
    with PeeringDBStandIn(data) as api:
        env = _env(tour_dir, api.url)
        for line in [*tour_lines(), *tour_lines(OPERATIONS)]:
            group = " ".join(line.split()[1:3])
            if group in NEEDS_A_DAEMON:
                skipped.append(f"{line}: {NEEDS_A_DAEMON[group]}")
                continue
            if line.startswith(NEEDS_PUBLIC_DATA) and not have_data:
                skipped.append(f"{line}: public data set not found at {shared}")
                continue
            if line.startswith("lakou territory update"):
                # the download, from the files it would fetch (no Internet here)
                for name in TERRITORY_FILES:
                    target = tour_dir / "data" / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.symlink_to(shared / name)
                (tour_dir / "as-rel.txt").symlink_to(shared / CAIDA)
                skipped.append(f"{line}: replaced by links to {shared} (no Internet)")
                continue
            argv = [sys.executable, "-m", "lakou", *shlex.split(line)[1:]]
            done = subprocess.run(
                argv, cwd=tour_dir, env=env, capture_output=True, text=True, timeout=600
            )
            run = Run(line, done.returncode, done.stdout, done.stderr, tour_dir)
            if not line.startswith(JUDGE_THEIR_EXIT):
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr, f"{line}\n{done.stderr}"
            check = _check_for(line)
            assert check is not None, line
            check(run)
            ran.append(line)
        # the docs' marked blocks, in the state the tour left: each prints what the doc shows
        for doc, line, shown in doc_blocks():
            if not have_data:
                skipped.append(f"{doc}: {line}: public data set not found at {shared}")
                continue
            done = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {line}"],
                cwd=tour_dir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            # a doc showing an error shows a refusal: exit 1 with that line, never a crash
            refused = bool(shown) and shown[0].startswith("Error:")
            assert (done.returncode != 0) == refused, f"{doc}: {line}\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr, f"{doc}: {line}\n{done.stderr}"
            printed = [t.strip() for t in (done.stdout + done.stderr).splitlines()]
            if shown:  # the first line the doc shows is printed as shown
                assert _shows(shown[0], printed), (
                    f"{doc}: {line}: {shown[0]!r} not in\n{done.stdout}"
                )
            ran.append(f"{doc}: {line}")
    seconds = round(time.monotonic() - started)
    print(f"\ntour: {len(ran)} lines ran and were checked in {seconds} s; not run here:")
    assert any(r.startswith("32-peeringdb.md") for r in ran) or not have_data
    print("\n".join(f"  {s}" for s in skipped))
    if not have_data:
        pytest.skip(f"ran {len(ran)} tour lines; the public data set is absent: " + str(shared))
