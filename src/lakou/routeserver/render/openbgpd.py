"""OpenBGPD (7.7+) configuration: the same plan, the same reasons, in bgpd.conf terms.

OpenBGPD filters are rule lists where the last match wins, so every reject reason is
written as "tag" plus, for checks stated positively (next hop, IRR), "untag when the
route passes". Routes are kept with their ``RS:1101:x`` tags in the RIB and never sent
to members; ``rde evaluate all`` sends the next best path when the best is not for a
member (no path hiding). Bulk sets are joined in Python.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from lakou.routeserver.communities import Reason
from lakou.routeserver.options import PrefixEntry
from lakou.routeserver.plan import ClientPlan, Plan, Session
from lakou.routeserver.render.bird2 import NOT_GLOBAL_UNICAST_V6, UnsafeValue, _env, bird_string


def _set(kind: str, name: str, items: list[str]) -> str:
    body = "\n  ".join(items)
    return f"{kind} {name} {{\n  {body}\n}}\n"


def obgpd_quote(text: object, what: str = "value") -> str:
    """``"text"`` for bgpd.conf, or :class:`UnsafeValue` (the one quoting function here)."""
    value = str(text)
    if any(ch in value for ch in '"\\$') or not value.isprintable() or len(value) > 1000:
        raise UnsafeValue(
            f"{what} {value[:60]!r} cannot be written into an OpenBGPD configuration "
            "(quotes, backslashes, '$' and control characters are not allowed)"
        )
    return f'"{value}"'


def unsupported(plan: Plan) -> list[str]:
    """What the clients ask and OpenBGPD 7.7 cannot do: each one refuses the build.

    Every message names the client, the option and the daemon, so nothing a member set
    is dropped on the way to the configuration.
    """
    out = []
    for client in plan.clients:
        o = client.client.options
        mp = o.filtering.max_prefix
        cannot = []
        if client.policy.bfd:
            cannot.append(("bfd", "OpenBGPD 7.7 has no BFD; use BIRD for this member"))
        if client.policy.max_prefix.action in ("block", "warn"):
            cannot.append(
                (
                    "max_prefix.action",
                    f"{mp.action or client.policy.max_prefix.action}: OpenBGPD can only "
                    "tear the session down (shutdown) or restart it",
                )
            )
        if mp.count_rejected_routes is False:
            cannot.append(
                (
                    "max_prefix.count_rejected_routes",
                    "false: OpenBGPD's max-prefix counts every prefix received",
                )
            )
        if o.filtering.allow_as_set is False:
            cannot.append(("allow_as_set", "false: OpenBGPD 7.7 cannot match AS_SET segments"))
        for option, why in cannot:
            out.append(f"AS{client.asn}: option {option} cannot be written for OpenBGPD: {why}")
    return out


def limitations(plan: Plan) -> list[str]:
    """What the general policy asks and OpenBGPD 7.7 does differently (shown as warnings)."""
    out = []
    p = plan.policy
    if p.as_path.reject_as_set:
        out.append(
            "OpenBGPD 7.7 cannot match AS_SET segments: routes with an AS_SET are not filtered"
        )
    return out


def _custom_lines(client: ClientPlan, session: Session) -> list[str]:
    by_family = client.client.options.custom_options.get("openbgpd", {})
    lines: list[str] = []
    for family in ("any", f"ipv{session.version}"):
        if family in by_family:
            lines += by_family[family].client
    return lines


def render_openbgpd(
    plan: Plan, version: tuple[int, ...] = (7, 7), control_socket: str | None = None
) -> str:
    p = plan.policy
    rs = p.rs_asn
    sets: list[str] = []
    bogons = [f"{n} or-longer" for n in p.prefixes.bogons_v4]
    bogons += [f"{n} or-longer" for n in p.prefixes.bogons_v6]
    bogons += [f"{n} or-longer" for n in NOT_GLOBAL_UNICAST_V6]
    bogons += [f"{n} or-longer" for n in p.peering_lans]
    sets.append(_set("prefix-set", "rs_bogons", bogons))
    if p.as_path.transit_free_asns:
        sets.append(
            _set("as-set", "rs_transit_free", [str(a) for a in p.as_path.transit_free_asns])
        )
    if plan.never_via_rs:
        sets.append(_set("as-set", "rs_never_via_rs", [str(a) for a in sorted(plan.never_via_rs)]))
    if p.rpki.enabled and p.rpki.source == "file" and plan.enriched.roas:
        roas = [f"{r.prefix} maxlen {r.max_length} source-as {r.asn}" for r in plan.enriched.roas]
        sets.append(_set("roa-set", "", roas).replace("roa-set  {", "roa-set {"))
    for client in plan.clients:
        sets.append(
            _set("as-set", f"AS{client.asn}_origins", [str(a) for a in sorted(client.origins)])
        )
        prefixes = list(client.prefixes(4)) + list(client.prefixes(6))
        if prefixes:
            sets.append(_set("prefix-set", f"AS{client.asn}_prefixes", prefixes))

    rules: list[str] = [
        "# Only the route server writes its reasons and tags.",
        f"match from any set large-community delete {rs}:1101:*",
        f"match from any set large-community delete {rs}:1000:*",
        "# Generic checks.",
        f"match from any inet prefixlen > {p.prefixes.ipv4_max_length} "
        f"set large-community {rs}:1101:1",
        f"match from any inet6 prefixlen > {p.prefixes.ipv6_max_length} "
        f"set large-community {rs}:1101:1",
        f"match from any inet prefixlen < {p.prefixes.ipv4_min_length} "
        f"set large-community {rs}:1101:2",
        f"match from any inet6 prefixlen < {p.prefixes.ipv6_min_length} "
        f"set large-community {rs}:1101:2",
        f"match from any prefix-set rs_bogons set large-community {rs}:1101:3",
        f"match from any max-as-len {p.as_path.max_length} set large-community {rs}:1101:5",
        f"match from any set large-community {rs}:1101:7",
        f"match from any peer-as neighbor-as set large-community delete {rs}:1101:7",
    ]
    for low, high in p.as_path.bogon_asns:
        spec = f"AS {low}" if low == high else f"AS {low} - {high}"
        rules.append(f"match from any {spec} set large-community {rs}:1101:4")
    if p.as_path.transit_free_asns:
        rules.append(
            f"match from any transit-as as-set rs_transit_free set large-community {rs}:1101:14"
        )
    if plan.never_via_rs:
        rules.append(
            f"match from any transit-as as-set rs_never_via_rs set large-community {rs}:1101:17"
        )
    if p.rpki.enabled:
        rules += [
            f"match from any ovs invalid set large-community {rs}:1101:13",
            f"match from any ovs valid set large-community {rs}:1000:1",
            f"match from any ovs not-found set large-community {rs}:1000:2",
        ]
    for client, session in plan.sessions:
        rules += _session_rules(plan, client, session)
    rules += _blackhole_rules(plan)
    for client, session in plan.sessions:
        if client.client.options.filtering.reject_policy.policy == "reject":
            # reject_policy "reject": this member's filtered routes are dropped, not kept.
            rules.append(f"deny quick from {session.ip} large-community {rs}:1101:*")
    rules.append("# Filtered routes never leave the route server.")
    rules.append(f"deny quick to any large-community {rs}:1101:*")
    for client, session in plan.sessions:
        if not client.blackhole_to_client:
            rules.append(f"deny quick to {session.ip} community BLACKHOLE")
    if p.maintenance:
        rules.append("# Route-server maintenance (RFC 8326): members move their traffic away.")
        rules.append("match to any set community GRACEFUL_SHUTDOWN")
    for client, session in plan.sessions:
        if not p.announcement_control:
            break
        n = session.ip
        rules += [
            f"deny to {n} large-community {rs}:0:0",
            f"allow to {n} large-community {rs}:1:{client.asn}",
            f"deny to {n} large-community {rs}:0:{client.asn}",
        ]
    for client, session in plan.sessions:
        if not p.announcement_control:
            break
        # prepend-neighbor on the way out prepends the AS of the member the route came
        # from: RS:10x:peer means "my ASN x times towards peer".
        for code, times in ((101, 1), (102, 2), (103, 3)):
            rules.append(
                f"match to {session.ip} large-community {rs}:{code}:{client.asn} "
                f"set prepend-neighbor {times}"
            )
    for function in ("0", "1", "101", "102", "103"):
        rules.append(f"match to any set large-community delete {rs}:{function}:*")

    rtr_host = p.rpki.rtr_host
    if p.rpki.enabled and p.rpki.source == "rtr":
        try:
            rtr_host = str(ip_address(rtr_host))
        except ValueError:
            raise UnsafeValue(
                f"rpki.rtr_host {rtr_host[:60]!r}: OpenBGPD's rtr needs an IP address"
            ) from None
    env = _env("openbgpd")
    env.filters["obgpdquote"] = obgpd_quote
    return env.get_template("main.j2").render(
        plan=plan,
        p=p,
        rtr_host=rtr_host,
        custom_lines=_custom_lines,
        warnings=list(plan.warnings) + limitations(plan),
        version_text=".".join(map(str, version)),
        sets="".join(sets),
        sessions=plan.sessions,
        rules="\n".join(rules) + "\n",
        control_socket=control_socket,
    )


def _session_rules(plan: Plan, client: ClientPlan, session: Session) -> list[str]:
    rs = plan.policy.rs_asn
    n = session.ip
    cp = client.policy
    out = [f"# {session.name}: AS{client.asn} {bird_string(client.client.description)}"]
    if cp.next_hop.mode != "any":
        out.append(f"match from {n} set large-community {rs}:1101:8")
        for nh in client.next_hops_for(session):
            out.append(f"match from {n} nexthop {nh} set large-community delete {rs}:1101:8")
    fail = f"{rs}:1000:7" if cp.irr.tag_only else f"{rs}:1101:9"
    if cp.irr.enforce_prefix:
        out.append(f"match from {n} set large-community {fail}")
        if client.prefixes(session.version):
            name = f"AS{client.asn}_prefixes"
            out.append(f"match from {n} prefix-set {name} set large-community delete {fail}")
            if cp.blackholing.enabled and cp.blackholing.irr_more_specifics:
                out.append(
                    f"match from {n} community BLACKHOLE prefix-set {name} or-longer "
                    f"set large-community delete {fail}"
                )
    ofail = f"{rs}:1000:7" if cp.irr.tag_only else f"{rs}:1101:10"
    if cp.irr.enforce_origin:
        out.append(f"match from {n} set large-community {ofail}")
        out.append(
            f"match from {n} source-as as-set AS{client.asn}_origins "
            f"set large-community delete {ofail}"
        )
    if client.asn in cp.as_path.transit_free_asns:
        out.append(f"match from {n} set large-community delete {rs}:1101:14")
    if not cp.blackholing.enabled:
        out.append(f"match from {n} community BLACKHOLE set large-community {rs}:1101:19")
    out += _client_overrides(plan, client, session)
    if cp.graceful_shutdown:
        out.append(f"match from {n} community GRACEFUL_SHUTDOWN set localpref 0")
    return out


def _entry_filter(entry: PrefixEntry) -> str:
    low, high = entry.bounds()
    net = entry.network
    if low == high == net.prefixlen:
        return f"prefix {net}"
    return f"prefix {net} prefixlen {low} - {high}"


def _client_overrides(plan: Plan, client: ClientPlan, session: Session) -> list[str]:
    """Per-client options and checks that differ from the general rules above them."""
    rs = plan.policy.rs_asn
    n = session.ip
    v = session.version
    fam = "inet" if v == 4 else "inet6"
    cp, gp = client.policy, plan.policy
    o = client.client.options
    out: list[str] = []
    for reason, attr, op in (
        (Reason.PREFIX_TOO_LONG, "max_length", ">"),
        (Reason.PREFIX_TOO_SHORT, "min_length", "<"),
    ):
        mine = getattr(cp.prefixes, f"ipv{v}_{attr}")
        if mine != getattr(gp.prefixes, f"ipv{v}_{attr}"):
            out.append(f"match from {n} {fam} set large-community delete {rs}:1101:{int(reason)}")
            out.append(
                f"match from {n} {fam} prefixlen {op} {mine} "
                f"set large-community {rs}:1101:{int(reason)}"
            )
    if cp.as_path.max_length != gp.as_path.max_length:
        out.append(f"match from {n} set large-community delete {rs}:1101:5")
        out.append(
            f"match from {n} max-as-len {cp.as_path.max_length} set large-community {rs}:1101:5"
        )
    if cp.as_path.reject_bogon_asns != gp.as_path.reject_bogon_asns:
        out.append(f"match from {n} set large-community delete {rs}:1101:4")
        if cp.as_path.reject_bogon_asns:
            for low, high in cp.as_path.bogon_asns:
                spec = f"AS {low}" if low == high else f"AS {low} - {high}"
                out.append(f"match from {n} {spec} set large-community {rs}:1101:4")
    if gp.rpki.enabled and not cp.rpki.enabled:
        for tag in (f"1101:{int(Reason.RPKI_INVALID)}", "1000:1", "1000:2"):
            out.append(f"match from {n} set large-community delete {rs}:{tag}")
        out.append(f"match from {n} set large-community {rs}:1000:3")
    elif gp.rpki.enabled and not cp.rpki.reject_invalid:
        out.append(f"match from {n} ovs invalid set large-community delete {rs}:1101:13")
    f = o.filtering
    for entry in f.black_list_pref:
        if entry.version == v:
            out.append(
                f"match from {n} {_entry_filter(entry)} "
                f"set large-community {rs}:1101:{int(Reason.BLACK_LIST)}"
            )
    for entry in f.irrdb.white_list_pref:
        if entry.version == v:
            out.append(
                f"match from {n} {_entry_filter(entry)} "
                f"set large-community delete {rs}:1101:{int(Reason.IRR_PREFIX)}"
            )
    for asn in f.irrdb.white_list_asn:
        out.append(
            f"match from {n} source-as {asn} "
            f"set large-community delete {rs}:1101:{int(Reason.IRR_ORIGIN)}"
        )
    for entry in f.irrdb.white_list_route:
        if entry.version != v:
            continue
        origin = f" source-as {entry.asn}" if entry.asn else ""
        for reason in (
            Reason.IRR_PREFIX, Reason.IRR_ORIGIN, Reason.RPKI_UNKNOWN, Reason.RPKI_INVALID
        ):  # fmt: skip
            out.append(
                f"match from {n} {_entry_filter(entry)}{origin} "
                f"set large-community delete {rs}:1101:{int(reason)}"
            )
    for community in o.attach_custom_communities:
        kind = "community" if community.count(":") == 1 else "large-community"
        out.append(f"match from {n} set {kind} {community}")
    return out


def _blackhole_rules(plan: Plan) -> list[str]:
    p = plan.policy
    bh = p.blackholing
    if not bh.enabled:
        return []
    rs = p.rs_asn
    out = [
        "# RFC 7999 blackholes: more-specifics allowed, next hop rewritten, NO_EXPORT.",
        f"match from any community BLACKHOLE inet prefixlen <= {bh.ipv4_max_length} "
        f"set large-community delete {rs}:1101:1",
        f"match from any community BLACKHOLE inet6 prefixlen <= {bh.ipv6_max_length} "
        f"set large-community delete {rs}:1101:1",
        f"match from any community BLACKHOLE ovs invalid set large-community delete {rs}:1101:13",
    ]
    if bh.next_hop_ipv4:
        out.append(f"match from any community BLACKHOLE inet set nexthop {bh.next_hop_ipv4}")
    if bh.next_hop_ipv6:
        out.append(f"match from any community BLACKHOLE inet6 set nexthop {bh.next_hop_ipv6}")
    if bh.add_no_export:
        # Added on the way out: bgpd (unlike BIRD with "interpret communities off") would
        # not announce a route already carrying NO_EXPORT to anyone.
        out.append("match to any community BLACKHOLE set community NO_EXPORT")
    _ = (IPv4Network, IPv6Network)
    return out
