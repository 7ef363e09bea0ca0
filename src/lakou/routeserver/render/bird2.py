"""BIRD 2 configuration: a pure function of the build plan and the target version.

Layout (RFC 7947 per-client RIBs, as arouteserver does it): each session imports into
its own table through an import filter that runs *every* check and adds one
``RS:1101:x`` per failure before rejecting, so BIRD keeps the route as filtered with all
its reasons (``import keep filtered``); a pipe carries accepted routes to ``masterN`` and
brings back what this client may receive (announcement control, prepends). Because each
client has its own table, the best path it gets is chosen among the routes allowed to
it: no path hiding. Small Jinja templates hold the protocol text; the bulk lists (AS-SET
prefixes, origins, ROAs; 1.5 million lines for the largest AS-SETs) are joined in plain
Python, never looped over in a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path

import jinja2

from lakou.routeserver.communities import Reason
from lakou.routeserver.options import PrefixEntry
from lakou.routeserver.plan import ClientPlan, Plan, Session
from lakou.routeserver.render.setcache import PrefixSetCache

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Lists at least this long are folded (bgpq4 -A style) and memoised; shorter ones are
# written as they are, which is faster end to end.
FOLD_FROM = 2000

# The complement of 2000::/3 (global unicast): everything else is a bogon for the RS.
NOT_GLOBAL_UNICAST_V6 = ("::/3", "4000::/2", "8000::/1")


@dataclass(frozen=True)
class SetNames:
    origins: str
    prefixes: dict[int, str]  # base name of the per-length address sets: AS1_PREFIXES_4_24
    exact_fn: dict[int, str]  # function: is net a registered prefix?
    cover_fn: dict[int, str]  # function: is net inside a registered prefix?


def _env(kind: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / kind)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        # Compiled templates kept between builds (jinja2's per-user temporary directory,
        # checked to be the user's own): compiling them was a fifth of a warm build.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.filters["birdstr"] = bird_string
    env.filters["birdquote"] = bird_quote
    return env


class UnsafeValue(ValueError):
    """A value that cannot be written into a daemon's configuration as it is."""


def bird_quote(text: object, what: str = "value") -> str:
    """``"text"`` for BIRD, or :class:`UnsafeValue`: BIRD strings have no escapes.

    The one quoting function for every value from outside (passwords, file names, host
    names) that must reach BIRD unchanged; descriptions, which may lose a character, go
    through :func:`bird_string` instead.
    """
    value = str(text)
    if any(ch in value for ch in '"\\') or not value.isprintable() or len(value) > 1000:
        raise UnsafeValue(
            f"{what} {value[:60]!r} cannot be written into a BIRD configuration "
            "(quotes, backslashes and control characters are not allowed)"
        )
    return f'"{value}"'


def bird_string(text: object) -> str:
    """A value safe inside a BIRD double-quoted string (descriptions come from members)."""
    return "".join(ch for ch in str(text) if ch.isprintable() and ch not in '"\\')[:200]


def define_set(name: str, items: Iterable[str]) -> str:
    """``define NAME = [ a, b ];`` written with one join, whatever the size."""
    body = ",\n  ".join(items)
    return f"define {name} = [\n  {body}\n];\n"


def _asn_ranges(asns: Iterable[int]) -> list[str]:
    """Sorted ASNs folded into BIRD ranges (``64496..64511``): smaller and faster to parse."""
    out: list[str] = []
    ordered = sorted(set(asns))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}..{ordered[j]}")
        i = j + 1
    return out


def _test(cond: str, ok: str, fail: str, indent: str) -> str:
    """``if cond then ok else fail`` with either branch possibly empty."""
    if ok and fail:
        return f"{indent}if {cond} then {ok} else {fail}\n"
    if fail:
        return f"{indent}if !({cond}) then {fail}\n"
    if ok:
        return f"{indent}if {cond} then {ok}\n"
    return ""


def _irr_block(client: ClientPlan, v: int, names: SetNames, tags: bool, blackhole: bool) -> str:
    """The IRR prefix check as BIRD statements (a few lines per session).

    Normal routes (and blackholes up to the normal bound) must be registered exactly;
    longer blackholes must be covered by a registered prefix. Both questions are asked of
    the same per-length address sets (see ``prefixsets.irr_range_bodies``) through the two
    functions written next to them.
    """
    irr = client.policy.irr
    if not irr.enforce_prefix or (blackhole and not client.policy.blackholing.enabled):
        return ""
    fail = "rs_info(7);" if irr.tag_only else "rs_reason(9);"
    if irr.tag_only and not tags:
        fail = ""
    valid = "rs_info(4);" if tags else ""
    more = "rs_info(6);" if tags else ""
    if not client.prefixes(v):
        return f"    {fail}\n" if fail else ""
    exact = f"{names.exact_fn[v]}()"
    if not blackhole:
        return _test(exact, valid, fail, "    ")
    if not client.policy.blackholing.irr_more_specifics:
        return _test(exact, valid, fail, "    ")  # a blackhole must be registered too
    pf = client.policy.prefixes
    max_len = pf.ipv4_max_length if v == 4 else pf.ipv6_max_length
    longer = _test(f"{names.cover_fn[v]}()", more or valid, fail, "      ")
    shorter = _test(exact, valid, fail, "      ")
    if not longer:  # nothing to tag and nothing to filter: both branches are empty
        return ""
    return f"    if net.len > {max_len} then {{\n{longer}    }} else {{\n{shorter}    }}\n"


def _origin_statement(client: ClientPlan, names: SetNames, tags: bool) -> str:
    irr = client.policy.irr
    if not irr.enforce_origin:
        return ""
    if irr.tag_only:
        if not tags:
            return ""
        return f"  if !(bgp_path.last ~ {names.origins}) then rs_info(7);\n"
    return f"  if !(bgp_path.last ~ {names.origins}) then rs_reason(10);\n"


def render_bird(
    plan: Plan,
    version: tuple[int, ...],
    log_file: str | None = None,
    set_cache: PrefixSetCache | None = None,
) -> str:
    """The whole BIRD configuration as one string."""
    p = plan.policy
    env = _env("bird2")
    otc = version >= (2, 0, 11)
    rpki = p.rpki.enabled
    chunks: list[str] = []

    sets: list[str] = []
    lans4 = [str(n) + "+" for n in p.peering_lans if isinstance(n, IPv4Network)]
    lans6 = [str(n) + "+" for n in p.peering_lans if isinstance(n, IPv6Network)]
    sets.append(define_set("RS_BOGONS_4", [str(n) + "+" for n in p.prefixes.bogons_v4] + lans4))
    sets.append(
        define_set(
            "RS_BOGONS_6",
            [str(n) + "+" for n in p.prefixes.bogons_v6]
            + [n + "+" for n in NOT_GLOBAL_UNICAST_V6]
            + lans6,
        )
    )
    bogon_asns = sorted({r for c in plan.clients for r in c.policy.as_path.bogon_asns})
    if bogon_asns:
        sets.append(
            define_set("RS_BOGON_ASNS", [str(a) if a == b else f"{a}..{b}" for a, b in bogon_asns])
        )
    transit_free = sorted({a for c in plan.clients for a in c.policy.as_path.transit_free_asns})
    transit_free = transit_free or sorted(p.as_path.transit_free_asns)
    if transit_free:
        sets.append(define_set("RS_TRANSIT_FREE", _asn_ranges(transit_free)))
    if plan.never_via_rs:
        sets.append(define_set("RS_NEVER_VIA_RS", _asn_ranges(plan.never_via_rs)))

    roa_statics = ""
    if rpki and p.rpki.source == "file":
        roa_statics = _roa_statics(plan)

    chunks.append(
        env.get_template("header.j2").render(
            plan=plan,
            p=p,
            version_text=".".join(map(str, version)),
            log_file=log_file,
            sets="".join(sets),
            roa_statics=roa_statics,
            bfd=any(c.policy.bfd for c in plan.clients),
        )
    )
    session_t = env.get_template("session.j2")
    for client in plan.clients:
        names = _names(client)
        chunks.append(f"# AS{client.asn}: IRR {_irr_summary(client)}\n")
        for problem in client.problems:
            chunks.append(f"# WARNING AS{client.asn}: {bird_string(problem)}\n")
        chunks.append(define_set(names.origins, _asn_ranges(client.origins)))
        for v in (4, 6):
            prefixes = client.prefixes(v)
            if not prefixes or not any(s.version == v for s in client.sessions):
                continue
            if client.policy.irr.enforce_prefix:
                chunks.append(_prefix_sets(client, v, names, prefixes, set_cache))
        for session in client.sessions:
            chunks.append(_render_session(session_t, plan, client, session, names, otc, rpki))
    return "".join(chunks)


def _render_session(
    template: jinja2.Template,
    plan: Plan,
    client: ClientPlan,
    session: Session,
    names: SetNames,
    otc: bool,
    rpki: bool,
) -> str:
    tags = plan.policy.informational_tags
    v = session.version
    return template.render(
        p=plan.policy,
        client=client,
        session=session,
        ident={client.asn: names},
        otc=otc,
        rpki=rpki,
        tags=tags,
        has_transit_free=True,
        has_never_via_rs=bool(plan.never_via_rs),
        strict_bind=plan.policy.multihop,
        irr_normal=_irr_block(client, v, names, tags, blackhole=False),
        irr_blackhole=_irr_block(client, v, names, tags, blackhole=True),
        irr_origin=_origin_statement(client, names, tags),
        black_list=_black_list(client, v),
        white_list=_white_list(client, v),
        custom_communities=_custom_communities(client),
        custom_protocol=_custom_lines(client, v, "protocol"),
        custom_channel=_custom_lines(client, v, "channel"),
    )


def _entries(entries: Iterable[PrefixEntry], v: int) -> list[str]:
    """White/black-list entries of one family as BIRD prefix-set items."""
    out = []
    for entry in entries:
        if entry.version != v:
            continue
        low, high = entry.bounds()
        net = entry.network
        out.append(str(net) if low == high == net.prefixlen else f"{net}{{{low},{high}}}")
    return out


def _black_list(client: ClientPlan, v: int) -> str:
    items = _entries(client.client.options.filtering.black_list_pref, v)
    if not items:
        return ""
    return f"  if net ~ [ {', '.join(items)} ] then rs_reason({int(Reason.BLACK_LIST)});\n"


def _white_list(client: ClientPlan, v: int) -> str:
    """Routes the member's white lists accept whatever IRR (and RPKI, for routes) say."""
    irrdb = client.client.options.filtering.irrdb
    out = []
    prefixes = _entries(irrdb.white_list_pref, v)
    if prefixes:
        out.append(
            f"  if net ~ [ {', '.join(prefixes)} ] then "
            f"bgp_large_community.delete([(RS_ASN, 1101, {int(Reason.IRR_PREFIX)})]);\n"
        )
    if irrdb.white_list_asn:
        out.append(
            f"  if bgp_path.last ~ [ {', '.join(_asn_ranges(irrdb.white_list_asn))} ] then "
            f"bgp_large_community.delete([(RS_ASN, 1101, {int(Reason.IRR_ORIGIN)})]);\n"
        )
    reasons = (Reason.IRR_PREFIX, Reason.IRR_ORIGIN, Reason.RPKI_UNKNOWN, Reason.RPKI_INVALID)
    codes = ", ".join(f"(RS_ASN, 1101, {int(r)})" for r in reasons)
    for entry in irrdb.white_list_route:
        items = _entries([entry], v)
        if not items:
            continue
        origin = f" && bgp_path.last = {entry.asn}" if entry.asn else ""
        out.append(
            f"  if net ~ [ {items[0]} ]{origin} then bgp_large_community.delete([{codes}]);\n"
        )
    return "".join(out)


def _custom_communities(client: ClientPlan) -> list[str]:
    out = []
    for text in client.client.options.attach_custom_communities:
        parts = text.split(":")
        kind = "bgp_community" if len(parts) == 2 else "bgp_large_community"
        out.append(f"{kind}.add(({', '.join(parts)}));")
    return out


def _custom_lines(client: ClientPlan, v: int, section: str) -> list[str]:
    """``custom_options.bird``: the operator's own lines (checked: one statement each)."""
    by_family = client.client.options.custom_options.get("bird", {})
    lines: list[str] = []
    for family in ("any", f"ipv{v}"):
        if family in by_family:
            lines += getattr(by_family[family], section)
    return [line if line.rstrip().endswith(";") else line.rstrip() + ";" for line in lines]


def _names(client: ClientPlan) -> SetNames:
    base = f"AS{client.asn}"
    return SetNames(
        origins=f"{base}_ORIGINS",
        prefixes={4: f"{base}_PREFIXES_4", 6: f"{base}_PREFIXES_6"},
        exact_fn={4: f"{base}_IRR_EXACT_4", 6: f"{base}_IRR_EXACT_6"},
        cover_fn={4: f"{base}_IRR_COVER_4", 6: f"{base}_IRR_COVER_6"},
    )


def _prefix_sets(
    client: ClientPlan,
    v: int,
    names: SetNames,
    prefixes: Sequence[str],
    cache: PrefixSetCache | None,
) -> str:
    """The member's route objects: one address set per registered length and two functions.

    ``..._IRR_EXACT_N()`` asks the set of the route's own length for ``net.ip`` (exact
    match); ``..._IRR_COVER_N()`` asks each set for ``net.ip.mask(L)`` (a registered
    ``/L`` covers the route). Each run of registered blocks is one set item whatever the
    blackhole policy, so RFC 7999 coverage adds no entries (see ``prefixsets``).
    """
    bh = client.policy.blackholing
    covering = bh.enabled and bh.irr_more_specifics
    bh_max = (bh.ipv4_max_length if v == 4 else bh.ipv6_max_length) if covering else None
    fold = len(prefixes) >= FOLD_FROM

    def build() -> str:
        from lakou.routeserver.render.prefixsets import irr_range_bodies

        return _irr_functions(names, v, irr_range_bodies(prefixes, v, fold=fold), bh_max)

    if cache is None or not fold:
        # Short lists are faster to write than to look up.
        return build()
    key = ("address-sets-1", names.prefixes[v], str(v), str(bh_max))
    return cache.get(key, prefixes, build)


def _irr_functions(
    names: SetNames, v: int, by_length: dict[int, str], cover_max: int | None
) -> str:
    """The per-length address sets (their bodies already joined) and the two functions;
    the covering one only with ``cover_max`` (the longest blackhole accepted)."""
    base = names.prefixes[v]
    out = [f"define {base}_{length} = [\n  {body}\n];\n" for length, body in by_length.items()]
    arms = "".join(f"    {length}: return net.ip ~ {base}_{length};\n" for length in by_length)
    out.append(
        f"function {names.exact_fn[v]}()\n{{\n  case net.len {{\n{arms}  }}\n  return false;\n}}\n"
    )
    if cover_max is not None:
        full = 32 if v == 4 else 128
        top = f"  if net.len > {cover_max} then return false;\n" if cover_max < full else ""
        tries = "".join(
            f"  if net.len >= {length} && net.ip.mask({length}) ~ {base}_{length} then "
            "return true;\n"
            for length in by_length
        )
        out.append(f"function {names.cover_fn[v]}()\n{{\n{top}{tries}  return false;\n}}\n")
    return "".join(out)


def _irr_summary(client: ClientPlan) -> str:
    if client.irr is None:
        return "none"
    return (
        f"{bird_string(', '.join(client.irr.as_sets)) or 'own ASN'} from "
        f"{bird_string(client.irr.source)}: "
        f"{len(client.origins)} origins, {len(client.irr.prefixes_v4)} IPv4 and "
        f"{len(client.irr.prefixes_v6)} IPv6 prefixes"
        + (" (stale)" if client.irr.stale else "")
        + (" (unavailable)" if client.irr.unavailable else "")
    )


def _roa_statics(plan: Plan) -> str:
    roas = plan.enriched.roas or ()
    lines4: list[str] = []
    lines6: list[str] = []
    for roa in roas:
        line = f"  route {roa.prefix} max {roa.max_length} as {roa.asn};"
        (lines6 if ":" in roa.prefix else lines4).append(line)
    out = []
    for v, lines in ((4, lines4), (6, lines6)):
        body = "\n".join(lines)
        out.append(
            f"protocol static RPKI_FILE_{v} {{\n  roa{v} {{ table rpki{v}; }};\n{body}\n}}\n"
        )
    return "".join(out)
