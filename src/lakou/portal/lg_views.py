"""The looking-glass pages: route servers and their neighbours, one neighbour's routes
with every reject reason in the visitor's language, the routes it is sent, and a search
by prefix (exact) or address (longest match).

Views are short: they validate what the visitor typed (``lg_queries``), ask the route
servers and render. A route server that does not answer is a message on the page, never
an error page; an unknown route server or a malformed neighbour in the URL is a 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lakou.portal import lg_queries as q
from lakou.routeserver import RouteServerEndpoint

PAGE_SIZE = 100


def _offset(request: HttpRequest, name: str) -> int:
    text = request.GET.get(name, "0")
    return min(int(text), q.MAX_OFFSET) if text.isascii() and text.isdigit() else 0


def index(request: HttpRequest) -> HttpResponse:
    """Every route server of the install with its neighbours and route counts."""
    servers = q.neighbours()
    return render(
        request,
        "portal/lg_index.html",
        {
            "servers": servers,
            "configured": bool(servers),
            "session_total": sum(len(a.value or []) for a in servers),
        },
    )


def _session(rs: str, neighbour: str) -> tuple[RouteServerEndpoint, str]:
    """The route server and neighbour a URL names, or 404."""
    endpoint = q.route_server(rs)
    if endpoint is None:
        raise Http404("unknown route server")
    try:
        return endpoint, q.parse_neighbour(neighbour)
    except q.InputError:
        raise Http404("not a session name or an AS number") from None


def neighbour(request: HttpRequest, rs: str, neighbour: str) -> HttpResponse:
    """Accepted and filtered routes of one neighbour, each filtered one with its reasons."""
    endpoint, wanted = _session(rs, neighbour)
    lang = q.visitor_language()
    sessions = q.neighbour_sessions(endpoint, wanted)
    filtered_answer = q.neighbour_routes(
        endpoint, wanted, True, lang, PAGE_SIZE, _offset(request, "fo")
    )
    accepted_answer = q.neighbour_routes(
        endpoint, wanted, False, lang, PAGE_SIZE, _offset(request, "ao")
    )
    empty: q.Page[q.RouteRow] = q.page([], PAGE_SIZE, 0)
    filtered = filtered_answer.value or empty
    accepted = accepted_answer.value or empty
    title = sessions[0].name if sessions else wanted
    return render(
        request,
        "portal/lg_neighbour.html",
        {
            "rs": endpoint,
            "neighbour": wanted,
            "title": title,
            "sessions": sessions,
            "error": filtered_answer.error or accepted_answer.error,
            "filtered": filtered,
            "accepted": accepted,
            "asn": next((s.neighbour.asn for s in sessions if s.neighbour.asn), None),
            "exported_total": sum(s.neighbour.exported for s in sessions),
        },
    )


def exported(request: HttpRequest, rs: str, neighbour: str) -> HttpResponse:
    """The routes a route server sends one neighbour, paged (a full table is long)."""
    endpoint, wanted = _session(rs, neighbour)
    sessions = q.neighbour_sessions(endpoint, wanted)
    answer = q.neighbour_exported(
        endpoint, wanted, q.visitor_language(), PAGE_SIZE, _offset(request, "o")
    )
    routes = answer.value or q.page([], PAGE_SIZE, 0)
    return render(
        request,
        "portal/lg_exported.html",
        {
            "rs": endpoint,
            "neighbour": wanted,
            "title": sessions[0].name if sessions else wanted,
            "sessions": sessions,
            "error": answer.error,
            "routes": routes,
            "asn": next((s.neighbour.asn for s in sessions if s.neighbour.asn), None),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """A prefix on every route server: who announces it, accepted or filtered and why."""
    prefix_text = request.GET.get("prefix", "").strip()[:100]
    asn_text = request.GET.get("asn", "").strip()[:20]
    errors: dict[str, str] = {}
    prefix = asn = None
    if prefix_text:
        try:
            prefix = q.parse_prefix(prefix_text)
        except q.InputError as exc:
            errors[exc.field] = exc.message
    if asn_text:
        try:
            asn = q.parse_asn(asn_text)
        except q.InputError as exc:
            errors[exc.field] = exc.message
    found = None
    results = None
    if prefix and not errors:
        found = q.find(prefix, asn, q.visitor_language())
        results = q.page(q.route_rows(found.routes), PAGE_SIZE, _offset(request, "o"))
    return render(
        request,
        "portal/lg_search.html",
        {
            "prefix_text": prefix_text,
            "asn_text": asn_text,
            "prefix": prefix,
            "asn": asn,
            "errors": errors,
            "found": found,
            "results": results,
        },
    )
