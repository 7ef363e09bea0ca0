"""The policy page: what the route server does with members' routes, in their language.

Written from the same plan as the daemon configuration, so the page cannot drift from
what is enforced. Markdown (for a wiki or a repository) or HTML (the portal), French or
English: the text is translated here, the templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.routeserver.communities import INFOS, REASONS, info_text, reason_text
from lakou.routeserver.plan import Plan
from lakou.routeserver.render.bird2 import _env


@dataclass
class Section:
    title: str
    items: list[str] = field(default_factory=list)


def _sections(plan: Plan, daemon: str = "bird2") -> list[Section]:
    p = plan.policy
    openbgpd = daemon == "openbgpd"
    rs = p.rs_asn
    pf = p.prefixes
    checks = Section(_("Checks on every route received"))
    add = checks.items.append
    add(_("NEXT_HOP must be an address of the member on the peering LAN."))
    if p.as_path.enforce_first_as:
        add(_("The first AS in the AS_PATH must be the member's AS."))
    add(
        _("AS_PATH at most {n} ASNs long, without private or reserved ASNs.").format(
            n=p.as_path.max_length
        )
    )
    if p.as_path.reject_as_set and openbgpd:
        add(
            _(
                "AS_SET segments in the AS_PATH are not checked: this route server runs "
                "OpenBGPD 7.7, which cannot match them."
            )
        )
    elif p.as_path.reject_as_set:
        add(_("No AS_SET in the AS_PATH."))
    if p.as_path.transit_free_asns:
        add(
            _("No transit-free network behind the member: {asns}.").format(
                asns=", ".join(str(a) for a in p.as_path.transit_free_asns)
            )
        )
    if p.as_path.reject_never_via_rs:
        add(_("No network that asks never to be reached via route servers (PeeringDB)."))
    add(_("No bogon prefix and not the peering LAN itself."))
    add(
        _("IPv4 prefixes from /{a} to /{b}, IPv6 from /{c} to /{d}.").format(
            a=pf.ipv4_min_length, b=pf.ipv4_max_length, c=pf.ipv6_min_length, d=pf.ipv6_max_length
        )
    )
    if p.irr.enforce_prefix or p.irr.enforce_origin:
        add(_("Origin AS and prefix registered in the member's IRR AS-SET (route objects)."))
    if p.rpki.enabled:
        add(_("RPKI origin validation (RFC 6811): invalid routes are filtered."))
    if p.max_prefix.enabled:
        add(
            _("A maximum number of prefixes per member; beyond it: {action}.").format(
                action=p.max_prefix.action
            )
        )
    kept = Section(_("Filtered routes"))
    kept.items.append(
        _(
            "A filtered route is kept on the route server, never announced, and tagged with "
            "one large community {rs}:1101:x per failed check, so the looking glass shows "
            "every reason, not only the first."
        ).format(rs=rs)
    )
    reasons = Section(_("Reasons ({rs}:1101:x)").format(rs=rs))
    reasons.items = [f"{rs}:1101:{int(r)} — {reason_text(r)}" for r in REASONS]
    infos = Section(_("Information tags ({rs}:1000:x)").format(rs=rs))
    infos.items = [f"{rs}:1000:{int(i)} — {info_text(i)}" for i in INFOS]
    control = Section(_("What members can ask for"))
    control.items = [
        _("{rs}:0:peer — do not announce to peer").format(rs=rs),
        _("{rs}:0:0 — announce to nobody, except peers tagged {rs}:1:peer").format(rs=rs),
        _(
            "{rs}:101:peer, {rs}:102:peer, {rs}:103:peer — prepend your ASN 1 to 3 times "
            "towards peer"
        ).format(rs=rs),
    ]
    if p.blackholing.enabled:
        bh = p.blackholing
        hops = ", ".join(str(a) for a in (bh.next_hop_ipv4, bh.next_hop_ipv6) if a)
        if hops:
            text = _(
                "65535:666 (RFC 7999 blackholing): more-specifics of your registered prefixes "
                "are accepted, the next hop is set to the exchange's blackhole address "
                "({hops}) and NO_EXPORT is added."
            ).format(hops=hops)
        else:
            text = _(
                "65535:666 (RFC 7999 blackholing): more-specifics of your registered prefixes "
                "are accepted and NO_EXPORT is added; the next hop is left as you sent it "
                "(this exchange has no blackhole address)."
            )
        if not bh.irr_more_specifics:
            text += " " + _(
                "A blackhole longer than the usual maximum length must be a registered prefix "
                "itself."
            )
        control.items.append(text)
    if p.roles.announce_role:
        if openbgpd:
            control.items.append(
                _(
                    "BGP roles (RFC 9234): the route server announces its role; routes "
                    "carrying Only-To-Customer from a member are dropped by OpenBGPD's own "
                    "leak rule (they are not kept with a reason)."
                )
            )
        else:
            control.items.append(
                _(
                    "BGP roles (RFC 9234): the route server announces the role rs_server; "
                    "routes carrying Only-To-Customer from a member are filtered as leaks."
                )
            )
    if p.graceful_shutdown:
        control.items.append(
            _("65535:0 (RFC 8326 graceful shutdown): the route is less preferred.")
        )
    members = Section(_("Members"))
    for client in plan.clients:
        sets = ", ".join(client.client.as_sets) or _("own ASN only")
        members.items.append(
            _("AS{asn} {name}: AS-SET {sets}; max-prefix IPv4 {v4}, IPv6 {v6}").format(
                asn=client.asn,
                name=client.client.description,
                sets=sets,
                v4=client.limit_v4 or "-",
                v6=client.limit_v6 or "-",
            )
        )
    return [checks, kept, reasons, infos, control, members]


def render_page(
    plan: Plan, fmt: Literal["markdown", "html"] | str, lang: str = "en", daemon: str = "bird2"
) -> str:
    """The page for a route server running ``daemon``: it says what that daemon does."""
    with language(lang):
        title = _("Route server policy (AS{asn})").format(asn=plan.policy.rs_asn)
        intro = _(
            "The route server is transparent (RFC 7947): it does not add its AS to the "
            "path and passes NEXT_HOP, MED and communities unchanged. Each member has its "
            "own table, so a route one member may not receive never hides another path."
        )
        sections = _sections(plan, daemon)
    template = "page.html.j2" if fmt == "html" else "page.md.j2"
    env = _env("page")
    env.autoescape = fmt == "html"
    return env.get_template(template).render(title=title, intro=intro, sections=sections, lang=lang)
