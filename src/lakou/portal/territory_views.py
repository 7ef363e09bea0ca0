"""The territory report on the web: its networks, its paths, and the hurricane what-if.

``/territory/`` shows the inventory ``lakou territory build`` wrote (setting
``territory.inventory``): networks local / regional / global with their evidence,
prefixes and how sure the sources are, the networks to invite ranked.
``/territory/paths/`` analyses the traceroutes of ``paths.traceroutes`` against that
inventory and the registry's exchanges: of the probe pairs whose probe is in the
territory, the share whose path stays local (across an exchange or not) or leaves.
``/territory/whatif/`` runs the scenario of ``whatif.scenario`` on the AS graph of
``whatif.asrel``: which local pairs stay connected when international links are cut,
with and without the exchanges, and the best next member or peering.

The views call each engine's door (``lakou.territory``, ``lakou.paths``,
``lakou.whatif``) and render; the engines know nothing of Django. Results are kept in
memory while their input files are unchanged (a scenario on the whole CAIDA graph takes
seconds). An input not configured is a page saying which setting and which command make
it; an input that cannot be read is a message, with the engine's error (which names
files on the server) shown to staff only. These pages are public: they show public
data and the operator's published files, nothing about a member's account.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou import paths as paths_engine
from lakou import territory as territory_engine
from lakou import whatif as whatif_engine
from lakou.portal.traffic_views import _plotly_map_style_ids, plotly_version

T = TypeVar("T")
logger = logging.getLogger("lakou.portal")


@dataclass
class Input:
    """What a page read: ``status`` is ok, unset (with the setting and command that make
    it) or error (with the engine's message, for staff)."""

    status: str
    value: Any = None
    error: str = ""
    settings: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def _stamp(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of each file: the cache key of what it holds."""
    out = []
    for path in paths:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append((str(path), -1, -1))
    return tuple(out)


_lock = threading.Lock()
KEEP = 4  # results kept per page: one per language, and the file's newest version


def _read(
    key: tuple[Any, ...], compute: Callable[[], T], cache: dict[Any, T], keep: int = KEEP
) -> T:
    """``compute()`` once per ``key`` (the newest result only: files change, rarely).
    One computation at a time: visitors arriving during a long one wait for its result
    instead of starting the same work again."""
    with _lock:
        if key not in cache:
            value = compute()
            if len(cache) >= keep:
                cache.clear()
            cache[key] = value
        return cache[key]


_territory_cache: dict[Any, Any] = {}
_paths_cache: dict[Any, Any] = {}
_whatif_cache: dict[Any, Any] = {}
_content_cache: dict[Any, Any] = {}
_neighbour_cache: dict[Any, Any] = {}


def clear_cache() -> None:
    for cache in (_territory_cache, _paths_cache, _whatif_cache, _content_cache, _neighbour_cache):
        cache.clear()


def _config() -> Any:
    return settings.LAKOU_CONFIG


def _common() -> dict[str, Any]:
    return {
        "plotly_url": reverse("portal:traffic_plotly", args=[plotly_version()]),
        "plotly_css_url": reverse("portal:traffic_plotly_css", args=[plotly_version()]),
        "plotly_map_style_ids": _plotly_map_style_ids(),
    }


def _inventory_commands() -> list[str]:
    return [
        "lakou territory update --data-dir data/",
        "lakou territory build --data-dir data/ --registry --out territory.json",
    ]


def territory_input() -> Input:
    """The inventory of ``territory.inventory``, read and checked by the territory engine."""
    path = _config().territory.inventory
    if path is None:
        return Input("unset", settings=["territory.inventory"], commands=_inventory_commands())
    try:
        report = _read(
            _stamp([Path(path)]),
            lambda: territory_engine.read_territory_report(path),
            _territory_cache,
        )
    except territory_engine.InventoryFileError as exc:
        return Input("error", error=str(exc), settings=["territory.inventory"])
    return Input("ok", report)


def neighbours_input(report: Any) -> tuple[Any, list[str]]:
    """The regional view of ``report`` beside ``territory.neighbours``' inventories, and
    one line per neighbour file that could not be read (the view goes on without it)."""
    neighbours: list[tuple[str, Any]] = []
    errors: list[str] = []
    for path in _config().territory.neighbours:
        path = Path(path)
        try:
            read = functools.partial(territory_engine.read_territory_report, path)
            neighbour = _read(_stamp([path]), read, _neighbour_cache, keep=64)
        except territory_engine.InventoryFileError as exc:
            errors.append(str(exc))
            continue
        neighbours.append((path.name, neighbour))
    return territory_engine.regional_view(report, neighbours), errors


def content_input() -> Input:
    """Content locality over the flow store's last week (the traffic pages' store)."""
    from lakou.flows import FlowStoreError, content_locality_report, latest_period
    from lakou.portal import traffic_queries

    commands = ["lakou flows collect --registry"]
    store, source, error = traffic_queries._open_store()
    if store is None:
        status = "error" if error else "empty"
        return Input(status, error=error, settings=["flows.store_dir"], commands=commands)
    config = _config().flows
    try:
        period = latest_period(store, traffic_queries.DEFAULT_DAYS)
        if period is None:
            return Input("empty", settings=["flows.store_dir"], commands=commands)
        key = (source.location, period, config.model_dump_json())
        report = _read(
            key,
            lambda: content_locality_report(store, config, *period, now=period[1]),
            _content_cache,
        )
    except FlowStoreError as exc:
        return Input("error", error=str(exc), settings=["flows.store_dir"])
    finally:
        store.close()
    views = {"border": _("border routers"), "exchange": _("exchange switches")}
    report = dict(
        report, demo=source.demo is not None, view_name=views.get(report["view"] or "", "")
    )
    return Input("ok" if report["bytes"] else "none", report)


def _content_chart(report: dict[str, Any]) -> dict[str, Any]:
    rows = report["networks"][:15]
    return {
        "names": [f"{r['name']} (AS{r['asn']})" for r in rows],
        "here": [r["local_bytes"] for r in rows],
        "abroad": [r["abroad_bytes"] for r in rows],
        "labels": {
            "here": _("served from the territory"),
            "abroad": _("served from abroad"),
            "bytes": _("bytes"),
        },
    }


# --------------------------------------------------------------------------- territory
@require_GET
def territory(request: HttpRequest) -> HttpResponse:
    """The territory's networks by class, the networks to invite, the prefixes' confidence,
    and the content networks' traffic served from the territory or from abroad."""
    found = territory_input()
    content = content_input()
    context: dict[str, Any] = _common() | {"input": found, "tab": "territory", "content": content}
    if content.status == "ok":
        context["content_chart"] = _content_chart(content.value)
    if found.status == "ok":
        report = found.value
        classes = report.by_class()
        bands = report.confidence_bands()
        region, neighbour_errors = neighbours_input(report)
        context |= {
            "report": report,
            "classes": [
                (key, _class_name(key), _class_meaning(key), classes.get(key, []))
                for key in ("local", "regional", "global", "elsewhere")
            ],
            "invitations": report.invitations(),
            "members": report.members(),
            "bands": [(_band_name(k), v) for k, v in bands.items()],
            "least_sure": [p for p in report.least_sure(30) if p.confidence < 1.0],
            "per_territory": region.rows,
            "regional_networks": region.networks,
            "neighbour_errors": neighbour_errors,
            "chart": {
                "classes": {
                    "names": [_class_name(k) for k in ("local", "regional", "global", "elsewhere")],
                    "counts": [
                        len(classes.get(k, []))
                        for k in ("local", "regional", "global", "elsewhere")
                    ],
                    "title": _("Networks by class"),
                },
                "confidence": {
                    "names": [_band_name(k) for k in bands],
                    "counts": list(bands.values()),
                    "title": _("Prefixes by confidence"),
                },
            },
        }
    return render(request, "portal/territory.html", context)


def _class_name(key: str) -> str:
    return {
        "local": _("Local"),
        "regional": _("Regional"),
        "global": _("Global"),
        "elsewhere": _("Elsewhere"),
    }[key]


def _class_meaning(key: str) -> str:
    return {
        "local": _("Most of their address space is in the territory, and they are not "
                   "registered elsewhere."),
        "regional": _("Operators of the region with part of their space in the territory: "
                      "the networks to invite first."),
        "global": _("Anycast, CDN and transit networks with a small share here and the rest "
                    "spread over many countries."),
        "elsewhere": _("A few addresses located here, most likely a geolocation artefact: "
                       "not invited."),
    }[key]  # fmt: skip


def _band_name(key: str) -> str:
    return {
        "1": _("certain (1.0)"),
        "0.9": _("0.9 to 1"),
        "0.7": _("0.7 to 0.9"),
        "0.5": _("0.5 to 0.7"),
        "0": _("below 0.5"),
    }[key]


# --------------------------------------------------------------------------- paths
def paths_input() -> Input:
    config = _config()
    files = [Path(p) for p in config.paths.traceroutes]
    if not files:
        return Input(
            "unset",
            settings=["paths.traceroutes", "territory.inventory"],
            commands=_inventory_commands(),
        )
    from lakou.registry import all_exchanges

    exchanges = all_exchanges()
    inventory = config.territory.inventory
    data_dir = config.paths.data_dir
    key = (
        _stamp([*files, *([Path(inventory)] if inventory else [])]),
        str(data_dir),
        tuple(config.territory.countries),
        json.dumps([x.model_dump(mode="json") for x in exchanges], sort_keys=True),
        config.paths.model_dump_json(),
        get_language(),  # the engine's verdicts are sentences in the visitor's language
    )
    try:
        report = _read(
            key,
            lambda: paths_engine.territory_paths(
                files,
                config.territory.countries,
                inventory,
                exchanges,
                config.paths,
                data_dir,
            ),
            _paths_cache,
        )
    except paths_engine.PathsInputError as exc:
        return Input("error", error=str(exc), settings=["paths.traceroutes"])
    return Input("ok", report, settings=[] if inventory else ["territory.inventory"])


@require_GET
def paths(request: HttpRequest) -> HttpResponse:
    """Of the probe pairs in the territory: stays local (across an exchange or not), leaves."""
    found = paths_input()
    context: dict[str, Any] = _common() | {"input": found, "tab": "paths"}
    if found.status == "ok":
        report = found.value
        shares = report.shares()
        counts = report.counts()
        rows = [
            (key, paths_engine.describe_verdict(key), counts[key], _pct(shares[key]))
            for key in paths_engine.VERDICTS
        ]
        context |= {
            "report": report,
            "verdicts": rows,
            "pairs": [(p, paths_engine.describe_verdict(p.verdict)) for p in report.pairs],
            "elsewhere": report.elsewhere,
            "chart": {
                "names": [r[1] for r in rows],
                "keys": [r[0] for r in rows],
                "share": [r[3] or 0 for r in rows],
                "counts": [r[2] for r in rows],
                "title": _("Probe pairs in the territory, by path"),
            },
        }
    return render(request, "portal/territory_paths.html", context)


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


# --------------------------------------------------------------------------- what-if
def whatif_input() -> Input:
    config = _config()
    scenario = config.whatif.scenario
    asrel = config.whatif.asrel
    if scenario is None:
        return Input(
            "unset",
            settings=["whatif.scenario", "whatif.asrel"],
            commands=["lakou whatif scenario examples/hurricane.yml --asrel as-rel.txt"],
        )
    key = (_stamp([Path(scenario), *([Path(asrel)] if asrel else [])]), config.whatif.strict_asrel)
    try:
        result = _read(
            key,
            lambda: whatif_engine.run_scenario_files(
                scenario, asrel, strict_asrel=config.whatif.strict_asrel
            ),
            _whatif_cache,
        )
    except whatif_engine.WhatifInputError as exc:
        return Input("error", error=str(exc), settings=["whatif.scenario", "whatif.asrel"])
    return Input("ok", result)


def refresh_reports() -> list[str]:
    """Read the three reports' inputs now (each only when its files changed), so a visitor
    does not wait for the what-if scenario (11-27 s on the whole CAIDA graph) or the
    traceroute analysis; returns one line per part that failed (the pages say it too)."""
    failed = []
    for name, read in (
        ("territory", territory_input),
        ("paths", paths_input),
        ("whatif", whatif_input),
    ):
        try:
            found = read()
        except Exception as exc:  # a background refresh never stops the portal
            failed.append(f"{name}: {exc}")
            continue
        if found.status == "error":
            failed.append(f"{name}: {found.error}")
    return failed


def start_refresher(interval: float = 60.0) -> threading.Thread:
    """:func:`refresh_reports` now and every ``interval`` seconds, in a daemon thread
    (``lakou serve``): a file replaced by a job is read before the next visitor asks."""

    def loop() -> None:
        while True:
            for line in refresh_reports():
                logger.warning("territory report: %s", line)
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="lakou-territory-reports", daemon=True)
    thread.start()
    return thread


def _pair_matrix(state: Any) -> list[list[int | None]]:
    """0: no route, 1: a route that leaves the territory, 2: a route that stays local."""
    k = len(state.labels)
    return [
        [
            None if i == j else (2 if state.domestic[i, j] else 1 if state.reach[i, j] else 0)
            for j in range(k)
        ]
        for i in range(k)
    ]


@require_GET
def whatif(request: HttpRequest) -> HttpResponse:
    """Which local pairs stay connected when the international links are cut."""
    found = whatif_input()
    context: dict[str, Any] = _common() | {"input": found, "tab": "whatif"}
    if found.status == "ok":
        result = found.value
        states = [
            (
                key,
                whatif_engine.state_title(key),
                result.states[key],
                [whatif_engine.who(result, x) for x in result.states[key].isolated()],
            )
            for key in whatif_engine.STATES
        ]
        after, bare = result.states["after"], result.states["after-no-ix"]
        labels = result.labels
        kept = [
            (whatif_engine.who(result, labels[i]), whatif_engine.who(result, labels[j]))
            for i in range(len(labels))
            for j in range(len(labels))
            if i != j and after.reach[i, j] and not bare.reach[i, j]
        ]
        axis = [f"{result.territory_of[x]} AS{x}" for x in labels]
        context |= {
            "result": result,
            "headline": whatif_engine.headline(result),
            "states": states,
            "kept_by_exchanges": kept,
            "isolated": [whatif_engine.who(result, x) for x in after.isolated()],
            "candidates": [(c, c.describe()) for c in result.candidates],
            "chart": {
                "states": [s[1] for s in states],
                "reachable": [round(100 * s[2].reachable_share, 1) for s in states],
                "domestic": [
                    round(100 * s[2].domestic_pairs / max(s[2].pairs, 1), 1) for s in states
                ],
                "labels": {
                    "reachable": _("pairs of local networks that can reach each other"),
                    "domestic": _("pairs whose path stays in the territory"),
                    "from": _("from"),
                    "to": _("to"),
                    "meaning": [_("no route"), _("route leaves the territory"),
                                _("route stays local")],
                    "reconnected": _("pairs reconnected during the event"),
                    "normal": _("more local paths in normal times"),
                },
                "axis": axis,
                "matrices": [
                    {"title": whatif_engine.state_title(k), "z": _pair_matrix(result.states[k])}
                    for k in ("after", "after-no-ix")
                ],
                "candidates": {
                    "subjects": [c.describe() for c in result.candidates],
                    "reconnected": [c.reconnected for c in result.candidates],
                    "normal": [c.kept_local_normal for c in result.candidates],
                },
            },
        }  # fmt: skip
    return render(request, "portal/territory_whatif.html", context)
