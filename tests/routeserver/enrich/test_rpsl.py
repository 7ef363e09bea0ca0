"""lakou's RPSL reader: syntax, malformed objects with file:line, RpslSource."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.enrich import IrrRequest, RpslSource, enrich
from lakou.routeserver.enrich.rpsl import load_rpsl, parse_rpsl

DUMP = """\
% This is the RIPE Database query service.
% Rights restricted by copyright.

as-set:         AS-FOO
descr:          members on several lines # a comment
members:        AS10, AS-BAR,
                AS11
+
members:        RIPE::AS-QUAL
mnt-by:         MNT-FOO
source:         RIPE

as-set:         AS-BAR
members:        AS20 AS-FOO
source:         RIPE

as-set:         AS-QUAL
members:        AS30
mbrs-by-ref:    MNT-REF
source:         RIPE

aut-num:        AS31
member-of:      AS-QUAL
mnt-by:         MNT-REF
source:         RIPE

route:          11.0.0.0/24
origin:         AS10
source:         RIPE

route:          11.0.1.0/24
origin:         as11
source:         RIPE

route6:         2001:DB8::/32
origin:         AS31
source:         RIPE

route:          31.0.0.0/16
origin:         AS31
source:         RIPE

route:          99.0.0.0/24
origin:         AS10
source:         ARIN
"""

BROKEN = """\
route:          11.2.0.1/24
origin:         AS10

route:          11.3.0.0/24

this line is not rpsl
origin:         AS10

route6:         11.4.0.0/24
origin:         AS10

 stray continuation

aut-num:        ASX

route:          11.5.0.0/24
origin:         AS10
"""


def test_parse_attributes_continuations_and_comments() -> None:
    objects = list(parse_rpsl(DUMP.splitlines(True), "ripe.db"))
    assert [o.object_class for o in objects][:4] == ["as-set", "as-set", "as-set", "aut-num"]
    foo = objects[0]
    assert foo.line == 4 and foo.file == "ripe.db"
    assert foo.first("descr") == "members on several lines"
    assert foo.list_values("members") == ["AS10", "AS-BAR", "AS11", "RIPE::AS-QUAL"]


def test_rpsl_source_expands_like_an_irr(tmp_path: Path) -> None:
    (tmp_path / "ripe.db").write_text(DUMP)
    source = RpslSource(tmp_path, ["RIPE"])
    data = source.fetch(IrrRequest(10, ("AS-FOO",)))
    assert data.origins == {10, 11, 20, 30, 31}
    assert data.prefixes_v4 == ("11.0.0.0/24", "11.0.1.0/24", "31.0.0.0/16")
    assert data.prefixes_v6 == ("2001:db8::/32",)
    assert any("loop" in p for p in data.problems)  # AS-FOO -> AS-BAR -> AS-FOO
    assert data.source == f"rpsl {tmp_path} RIPE"
    everything = RpslSource(tmp_path).fetch(IrrRequest(10, ()))
    assert everything.prefixes_v4 == ("11.0.0.0/24", "99.0.0.0/24")


def test_malformed_objects_are_skipped_and_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_text(BROKEN)
    load = load_rpsl(path)
    problems = [str(p) for p in load.problems]
    assert any(p.startswith(f"{path}:1: route 11.2.0.1/24") and "host bits" in p for p in problems)
    assert any(p.startswith(f"{path}:4: route 11.3.0.0/24: missing") for p in problems)
    assert any(p.startswith(f"{path}:6:") and "not 'attribute: value'" in p for p in problems)
    assert any(p.startswith(f"{path}:9: route6") and "family" in p for p in problems)
    assert any(p.startswith(f"{path}:12:") and "continuation" in p for p in problems)
    assert any(p.startswith(f"{path}:14: aut-num ASX") for p in problems)
    assert load.database.prefixes([10], 4) == {"11.5.0.0/24"}
    data = RpslSource(path).fetch(IrrRequest(10))
    assert data.prefixes_v4 == ("11.5.0.0/24",)
    assert any("malformed RPSL object(s) skipped" in p for p in data.problems)


def test_gzip_dumps_and_default_source(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "local.db.gz", "wt") as out:
        out.write("route: 11.9.0.0/24\norigin: AS10\n")
    load = load_rpsl(tmp_path, default_source="GUADELOUPE")
    assert load.database.source_order == ["GUADELOUPE"]
    assert load.database.prefixes([10], 4, ["GUADELOUPE"]) == {"11.9.0.0/24"}


def test_missing_directory_falls_back_through_enrich(tmp_path: Path) -> None:
    result = enrich([IrrRequest(10, ("AS-FOO",))], irr=RpslSource(tmp_path / "nowhere"))
    assert result.irr[10].unavailable and result.irr[10].prefixes_v4 == ()
    assert any("cannot read RPSL files" in p for p in result.problems[10])


_names = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
_values = st.from_regex(r"[A-Za-z0-9:/.,-][A-Za-z0-9:/., -]{0,30}", fullmatch=True).map(str.strip)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(_names, _values, st.sampled_from(["", " ", "\t", "+"])),
            min_size=1,
            max_size=6,
        ),
        max_size=5,
    )
)
def test_rendered_objects_parse_back(objects: list[list[tuple[str, str, str]]]) -> None:
    """Whatever way values are split over continuation lines, they come back the same."""
    lines: list[str] = []
    expected: list[list[tuple[str, str]]] = []
    for obj in objects:
        attrs = []
        for name, value, style in obj:
            words = value.split()
            if style and len(words) > 1:
                first, rest = words[0], " ".join(words[1:])
                lines.append(f"{name}: {first}\n")
                if style == "+":
                    lines.append("+\n")
                    lines.append(f" {rest}\n")
                else:
                    lines.append(f"{style}{rest}\n")
            else:
                lines.append(f"{name}:    {value}\n")
            attrs.append((name, " ".join(words)))
        lines.append("\n")
        expected.append(attrs)
    problems: list[object] = []
    parsed = [
        [(n, " ".join(v.split())) for n, v in o.attributes]
        for o in parse_rpsl(lines, problems=problems)  # type: ignore[arg-type]
    ]
    assert problems == []
    assert parsed == expected


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_crashes(text: str) -> None:
    problems: list[object] = []
    for obj in parse_rpsl(text.splitlines(True), problems=problems):  # type: ignore[arg-type]
        assert obj.attributes and all(name for name, _ in obj.attributes)


def test_changed_files_refresh_the_cache_at_once(tmp_path: Path) -> None:
    irr_dir = tmp_path / "irr"
    irr_dir.mkdir()
    dump = irr_dir / "local.db"
    dump.write_text("route: 11.9.0.0/24\norigin: AS10\n")
    cache = tmp_path / "cache"
    first = enrich([IrrRequest(10)], irr=RpslSource(irr_dir), cache_dir=cache)
    assert first.irr[10].prefixes_v4 == ("11.9.0.0/24",)
    dump.write_text("route: 11.9.0.0/24\norigin: AS10\n\nroute: 11.8.0.0/24\norigin: AS10\n")
    second = enrich([IrrRequest(10)], irr=RpslSource(irr_dir), cache_dir=cache)
    assert second.irr[10].prefixes_v4 == ("11.8.0.0/24", "11.9.0.0/24")
    third = enrich([IrrRequest(10)], irr=RpslSource(irr_dir), cache_dir=cache)
    assert third.irr[10].fetched_at == second.irr[10].fetched_at  # unchanged: from the cache
    dump.unlink()
    irr_dir.rmdir()  # the files are gone: the last good data is kept, flagged stale
    fourth = enrich([IrrRequest(10)], irr=RpslSource(irr_dir), cache_dir=cache)
    assert fourth.irr[10].stale and fourth.irr[10].prefixes_v4 == second.irr[10].prefixes_v4
