"""Differential test against traIXroute on traceroutes built through real exchanges.

The 19 real RIPE Atlas results cross no exchange of the 2016 data, so the crossing rules
would never be compared on them. :mod:`lakou.paths.testing` builds RIPE Atlas results
whose hops are real member router addresses, real peering-LAN addresses and real routers
of member and non-member ASes, from the very files both tools read (PeeringDB 2016 and
its netixlan, PCH, RouteViews pfx2as), in every hop pattern traIXroute's rules tell
apart. Both tools run on the same file; the crossings (exchange, hop) are compared one
traceroute at a time. Where they differ, the difference must be one of
``EXPECTED_DIFFERENCES`` (each with the reason, also in docs/61-paths.md) and its
evidence must be there; anything else fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from benchmarks.paths.run import traixroute_data
from click.testing import CliRunner

from lakou.cli import main
from lakou.paths.loading import ixp_directory
from lakou.paths.testing import PATTERNS, Case, corpus_data, generate

pytestmark = [pytest.mark.data, pytest.mark.slow]

_DEFAULT_TRAIXROUTE = Path("/opt/lakou-test/traixroute/bin/python")
TRAIXROUTE_PYTHON = os.environ.get("LAKOU_TRAIXROUTE_PYTHON") or (
    str(_DEFAULT_TRAIXROUTE) if _DEFAULT_TRAIXROUTE.exists() else None
)
PER_PATTERN = 10  # 23 patterns: 230 traceroutes (traIXroute takes ~20 s on them)

# Patterns where lakou reports no crossing (and traIXroute must not either).
NO_CROSSING = {
    "no-exchange",
    "unknown-alone-same-member",
    "unknown-alone-same-nonmember",
    "unknown-alone-no-replies",
    "unknown-last-hop",
}

# Every class of disagreement: the patterns where it may occur and why lakou decides
# differently. In all of them lakou reports a crossing traIXroute does not.
EXPECTED_DIFFERENCES: dict[str, tuple[set[str], str]] = {
    "member-address-at-last-hop": (
        {"member-last-hop"},
        "traIXroute's rules 1-8 need a hop after the exchange address; at the last hop "
        "only its two-hop rules (9-13) apply, and none covers 'router of AS a, then the "
        "LAN address of member b'. lakou: the address belongs to b (netixlan/PCH), the "
        "hop before is in another AS, so the packet entered b over the exchange LAN "
        "whether or not a later hop answered (rule member-differs-from-previous).",
    ),
    "unresponsive-neighbour": (
        {"star-before-member", "star-after-member", "star-around-unknown"},
        "traIXroute compares the exchange hop with the hops right next to it; a '*' "
        "there has no AS and every rule fails. lakou compares with the nearest hops that "
        "answered: one silent router does not move the exchange address off the path. "
        "The evidence names the hops used (from_asn, to_asn).",
    ),
    "unknown-owner-both-neighbours-members": (
        {"unknown-member-to-member"},
        "A LAN address no member list names, between routers of two members: traIXroute "
        "has no rule (it cannot tell which member owns the address, so which link is "
        "the crossing). lakou reports the crossing at that hop without claiming the "
        "link (rule neighbours-differ).",
    ),
    "unknown-owner-no-member-neighbour": (
        {"unknown-nonmember-to-nonmember"},
        "A LAN address no member list names, between two ASes that no member list "
        "names either: traIXroute wants one neighbour to be a known member. lakou "
        "accepts the change of AS around an address of the exchange LAN: member lists "
        "are incomplete (a third of 2016 netixlan entries), the LAN prefix is not.",
    ),
    "traixroute-empty-exchange-name": (
        set(PATTERNS),
        "traIXroute decides AS membership by comparing exchange names and holds some "
        "PCH exchanges under an empty name (['', ''], e.g. PhOpenIX, 198.32.172.0/24): "
        "no AS is ever a member there, so its membership rules cannot fire. lakou "
        "matches members by exchange key.",
    ),
}


def _lakou_expected(case: Case) -> set[int]:
    """The hop (TTL) lakou reports: the first exchange address of the pattern."""
    if case.pattern in NO_CROSSING:
        return set()
    return {next(i for i, role in enumerate(case.roles, start=1) if role in "BCUV")}


class TraixrouteRun:
    """What traIXroute decided, per traceroute (keyed by the result's timestamp)."""

    def __init__(self) -> None:
        self.crossings: dict[int, set[int]] = {}  # 1-based hops of the exchange address
        self.views: dict[int, dict[str, Any]] = {}  # its hop types, ASes, memberships
        self.names: dict[int, list[list[str]]] = defaultdict(list)  # exchange names shown
        self.rules: Counter[int] = Counter()


def _run_traixroute(atlas: Path, work: Path) -> TraixrouteRun:
    dump = work / "traixroute-dump.jsonl"
    wrapper = Path(__file__).with_name("traixroute_wrapper.py")
    env = {**os.environ, "HOME": str(work), "LAKOU_TRAIXROUTE_DUMP": str(dump)}
    args = ["-rule", "-asn", "-thread", "import", "-ripejson", str(atlas)]
    run = subprocess.run(
        [str(TRAIXROUTE_PYTHON), str(wrapper), *args],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=900,
    )
    assert run.returncode == 0 and dump.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    out = TraixrouteRun()
    for line in dump.read_text().splitlines():
        record = json.loads(line)
        stamp = record["timestamp"]
        if "hops" in record:
            out.crossings.setdefault(stamp, set())
        elif "types" in record:
            out.views[stamp] = record
        elif record["assessment"] != "?":  # "?": traIXroute's "cannot tell"
            out.rules[record["rule"]] += 1
            # rules 9-11 centre on the second of two LAN hops: the crossing starts at
            # the first; rules 1-8 centre on the exchange address itself (0-based i)
            first = record["i"] if record["rule"] in (9, 10, 11) else record["i"] + 1
            out.crossings.setdefault(stamp, set()).add(first)
            out.names[stamp].append(record["names"])
    return out


def _classify(case: Case, view: dict[str, Any] | None) -> str | None:
    if view is not None:
        member_names = [view["members"].get(str(case.asns[r]), []) for r in "bc" if r in case.roles]
        if any(names and all(n == ["", ""] for n in names) for names in member_names):
            return "traixroute-empty-exchange-name"
    for name, (patterns, _why) in EXPECTED_DIFFERENCES.items():
        if name != "traixroute-empty-exchange-name" and case.pattern in patterns:
            return name
    return None


@pytest.mark.skipif(
    not TRAIXROUTE_PYTHON,
    reason="traIXroute runs from its own venv (scripts/install-test-deps builds it in "
    "/opt/lakou-test/traixroute) or $LAKOU_TRAIXROUTE_PYTHON: docs/61-paths.md",
)
def test_crossings_agree_with_traixroute_rule_by_rule(shared_data: Path, tmp_path: Path) -> None:
    data = traixroute_data(str(TRAIXROUTE_PYTHON), shared_data / "ixp", tmp_path)
    ixps = ixp_directory(data)
    corpus = list(
        generate(corpus_data(ixps, data / "routeviews"), PER_PATTERN * len(PATTERNS), seed=6)
    )
    atlas = tmp_path / "generated-atlas.json"
    atlas.write_text(json.dumps([result for result, _case in corpus]))
    run = _run_traixroute(atlas, tmp_path)
    theirs = run.crossings
    assert len(theirs) == len(corpus)  # traIXroute read every traceroute

    # lakou through its CLI, building its index cache in the test's own folder
    cache = tmp_path / "index-cache"
    args = ["paths", "analyze", str(atlas), "--data-dir", str(data), "--cache-dir", str(cache)]
    args += ["--countries", "GP,MF,BL,SX", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)
    assert len(ours) == len(corpus)

    outcome: Counter[str] = Counter()
    unexplained = []
    names_of: dict[str, set[str]] = defaultdict(set)
    for (raw, case), mine in zip(corpus, ours, strict=True):
        stamp = raw["timestamp"]
        our_hops = {c["hop"] for c in mine["ixp_crossings"]}
        # lakou: the crossing is at the expected hop, at the generator's exchange
        assert our_hops == _lakou_expected(case), (case, mine["ixp_crossings"])
        assert all(c["ixp_key"] == case.exchange for c in mine["ixp_crossings"]), case
        for names in run.names[stamp]:
            names_of[case.exchange].update(n for n in names if n and not n.startswith("No "))
        if our_hops == theirs[stamp]:
            outcome["agree, crossing" if our_hops else "agree, none"] += 1
            continue
        why = _classify(case, run.views.get(stamp))
        # every difference is lakou reporting a crossing traIXroute does not
        if why is None or theirs[stamp] or not our_hops:
            unexplained.append((case.pattern, case.roles, sorted(our_hops), sorted(theirs[stamp])))
        else:
            outcome[why] += 1
    assert not unexplained, unexplained
    # the corpus exercises traIXroute's rules and agreement is the common case
    assert set(run.rules) >= set(range(1, 12)), run.rules
    assert outcome["agree, crossing"] >= 11 * PER_PATTERN, outcome
    assert outcome["agree, none"] >= 4 * PER_PATTERN, outcome
    for name in EXPECTED_DIFFERENCES:
        if name != "traixroute-empty-exchange-name":
            assert outcome[name] >= PER_PATTERN // 2, (name, outcome)
    # the same exchange for both tools: one traIXroute name, one lakou exchange; except
    # that traIXroute drops parenthesised parts ("SIX Seattle (Jumbo)" is "SIX Seattle")
    owners: dict[str, set[str]] = defaultdict(set)
    for key, names in names_of.items():
        for name in names:
            owners[name].add(_plain(ixps.name(key)))
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert not shared, shared


def _plain(name: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", name).strip()
