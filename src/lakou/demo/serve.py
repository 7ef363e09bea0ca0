"""All of ``lakou demo`` in one call: load, replay, start, serve, stop.

:func:`run_demo` migrates the configured database, loads the demo exchanges and the demo
staff account (:mod:`lakou.demo.registry`), replays the demo's week of traffic into the
portal's flow store (:mod:`lakou.demo.traffic`: only when that store is the DuckDB one
and holds no data of its own), then, unless asked to load only, starts the live BIRD
route server and its members' speakers (:mod:`lakou.demo.routeserver`), points the
looking glass at it, and serves the portal until Ctrl-C or SIGTERM, when the route
server is stopped and its temporary directory removed.

Django must be set up by the caller (the command line's context does). Progress is told
through ``say`` (what goes to standard output) and ``warn`` (what went wrong but does not
stop the demo: the traffic or the route server not there); the one refusal that stops it
(the portal would not serve) is a :class:`DemoRefused`.
"""

from __future__ import annotations

import atexit
import signal
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

from lakou.i18n import gettext as _
from lakou.i18n import language

if TYPE_CHECKING:
    from lakou.config import LakouConfig
    from lakou.demo.routeserver import DemoRouteServer

__all__ = ["DemoRefused", "Tell", "run_demo"]

Tell = Callable[[str], None]  # hears one line


class DemoRefused(RuntimeError):
    """The portal refuses to serve the demo: the message says why, one reason a line."""


def run_demo(
    config: LakouConfig,
    lang: str,
    *,
    host: str,
    port: int,
    load_only: bool = False,
    route_server: bool = True,
    say: Tell,
    warn: Tell,
) -> None:
    """Load the demo into the database and the flow store of ``config`` (lakou's
    settings), then (unless ``load_only``) start the live route server (if
    ``route_server``) and serve the portal on ``host``:``port`` until interrupted."""
    from django.core.management import call_command

    from lakou.demo.registry import ensure_demo_user, load_demo

    with language(lang):
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo()
        user, password = ensure_demo_user()
        say(_("Demo data loaded: %(summary)s.") % {"summary": summary})
        say(_("Demo exchanges: %(slugs)s") % {"slugs": ", ".join(summary.exchanges)})
        load_traffic(config, say, warn)
        say(
            _(
                "Staff account for the demo only (never use it in production): %(user)s / "
                "%(password)s"
            )
            % {"user": user, "password": password}
        )
        if load_only:
            return
        from lakou.portal import collect_static, refusals_to_serve, serve

        problems = refusals_to_serve(config, demo=True)  # migrated above: none expected
        if problems:
            raise DemoRefused("\n".join(problems))
        collect_static()
        live = start_route_server(say, warn) if route_server else None
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        if live is not None:
            say(_("Looking glass: %(url)slg/") % {"url": url})
            say(
                _("From the command line: lakou lg --socket %(socket)s --rs-asn %(asn)s neighbours")
                % {"socket": live.endpoint.socket, "asn": live.endpoint.rs_asn}
            )
        say(_("Serving the demo at %(url)s (admin: %(url)sadmin/). Ctrl-C to stop.") % {"url": url})
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(host, port)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if live is not None:
            live.stop()
            with language(lang):
                say(_("Live route server and member speakers stopped."))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the demo as Ctrl-C does, so the route server is stopped too."""
    raise KeyboardInterrupt


def start_route_server(say: Tell, warn: Tell) -> DemoRouteServer | None:
    """The live route server, its members, and the looking glass on it (said, never fatal)."""
    from lakou.demo.routeserver import DemoRouteServerError, missing_daemon
    from lakou.demo.routeserver import start_demo_route_server as start

    missing = missing_daemon()
    if missing:
        say(missing)
        return None
    try:
        live = start()
    except DemoRouteServerError as exc:
        warn(_("Live route server not started: %(error)s") % {"error": exc})
        return None
    if live.cleaned:
        say(
            _("Removed what an earlier demo, killed without stopping, left: %(what)s")
            % {"what": ", ".join(live.cleaned)}
        )
    atexit.register(live.stop)  # also on an unexpected exit (stop is idempotent)
    from django.conf import settings

    # The looking glass reads routeserver.route_servers (lakou.yml); the demo's is added to
    # this process's configuration only, the file is not touched.

    settings.LAKOU_CONFIG.routeserver.route_servers.append(live.endpoint)
    up = live.wait_established(timeout=30)
    where = (
        _("in network namespaces")
        if live.mode == "netns"
        else _("on loopback addresses 127.65.x.y, port %(port)s") % {"port": live.port}
    )
    say(
        _(
            "Live route server %(rs)s (BIRD) for %(exchange)s started %(where)s: "
            "%(up)s of %(sessions)s member sessions up."
        )
        % {
            "rs": live.endpoint.name,
            "exchange": live.exchange,
            "where": where,
            "up": up,
            "sessions": live.sessions,
        }
    )
    return live


def load_traffic(config: LakouConfig, say: Tell, warn: Tell) -> None:
    """The demo's week of traffic into the portal's flow store (said, never fatal)."""
    from lakou.demo.traffic import DemoTrafficError, load_demo_traffic
    from lakou.flows import store_location
    from lakou.registry import all_exchanges

    cfg = config.flows
    if cfg.store != "duckdb":
        say(
            _("Demo traffic not loaded: the flow store is %(kind)s; the demo writes DuckDB only.")
            % {"kind": cfg.store}
        )
        return
    store = store_location(cfg, config.core.data_dir).directory
    assert store is not None  # a DuckDB store always has its directory
    try:
        result = load_demo_traffic(store, all_exchanges())
    except DemoTrafficError as exc:
        warn(_("Demo traffic not loaded: %(error)s") % {"error": exc})
        return
    if result.status == "skipped":
        say(
            _("Demo traffic not loaded into %(store)s: it holds flows the demo did not make.")
            % {"store": store}
        )
    elif result.status == "unchanged":
        say(
            _("Demo traffic already in %(store)s: %(samples)s sFlow samples, one week.")
            % {"store": store, "samples": result.samples}
        )
    else:
        say(
            _(
                "Demo traffic loaded into %(store)s: a week of synthetic sFlow, "
                "%(datagrams)s datagrams, %(samples)s samples."
            )
            % {"store": store, "datagrams": result.datagrams, "samples": result.samples}
        )
