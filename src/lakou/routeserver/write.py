"""Write a route-server configuration file: all of ``lakou rs build`` in one call.

The command line puts its options in a :class:`BuildRequest` as given (None when not
given); :func:`write_config` takes each missing one from lakou.yml's ``routeserver``
section, reads the clients (an exchange of the registry, or arouteserver's clients.yml) and
the policy, enriches, builds, has the daemon check the result (``bird -p``, ``bgpd -n``)
and only then puts it in place: the text is written beside the file first and renamed over
it, so a refused or failed build leaves the old file as it was and no temporary file. It
then writes the optional policy page and leaves the build's figures for ``/metrics``
(:mod:`lakou.routeserver.exposition`).

One error for the caller to say: :class:`ConfigNotWritten`, whose message says why in one
line (the clients file, the policy, the daemon version, an IRR, ROA or PeeringDB source,
or the daemon refusing the result), and whose ``problems`` list, when the build itself
refused, a line per problem (a client, an option, a value the daemon cannot express).
Nothing is written when it is raised.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lakou.i18n import gettext as _
from lakou.routeserver.build import (
    BuildError,
    BuildResult,
    build_config,
    enrich_clients,
    policy_for_exchange,
)
from lakou.routeserver.clients import ClientsError, clients_from_exchange, read_clients
from lakou.routeserver.config import Config
from lakou.routeserver.enrich import EnrichError, IrrError, RpkiFileError
from lakou.routeserver.exposition import record_build
from lakou.routeserver.policy import Policy, PolicyError, load_policy
from lakou.routeserver.version import VersionError, bird_target, openbgpd_target

__all__ = ["BuildRequest", "ConfigNotWritten", "WrittenConfig", "write_config"]

# What stops a build with one message of its own (BuildError has a line per problem).
_ONE_LINE = (ClientsError, PolicyError, VersionError, EnrichError, IrrError, RpkiFileError)

if TYPE_CHECKING:  # only the registry's builds pass exchanges
    from lakou.exchange import Exchange


class ConfigNotWritten(Exception):
    """No configuration written: the message says why, in one line (or the daemon's own).

    ``problems`` holds a line per problem when the build refused several things (the
    message then counts them), and is empty otherwise.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class BuildRequest:
    """What ``rs build`` is asked: each option as given, None where lakou.yml decides.

    The clients come from ``exchange`` (of the registry) or from ``clients_file``
    (arouteserver's clients.yml). ``irr_sources`` is the comma-separated list as typed;
    ``peeringdb_cache`` is used when the file exists; ``page`` (``.md``, or
    ``.html``/``.htm``) gets the policy page in ``page_language``.
    """

    out: Path
    exchange: Exchange | None = None
    clients_file: Path | None = None
    route_server: str | None = None
    policy_file: Path | None = None
    daemon: str | None = None
    target_version: str | None = None
    irr_server: str | None = None
    irr_sources: str | None = None
    rpsl_dir: Path | None = None
    no_irr: bool = False
    rpki_json: Path | None = None
    log_file: str | None = None
    check: bool = True
    allow_missing_irr: bool = False
    peeringdb_cache: Path | None = None
    page: Path | None = None
    page_language: str = "en"


@dataclass(frozen=True)
class WrittenConfig:
    """A configuration in place: the build, and what the caller should say about it."""

    path: Path
    result: BuildResult
    checked: bool  # False: the check was asked and the daemon is not installed here
    metrics_error: OSError | None = None  # the /metrics figures could not be written

    @property
    def size(self) -> int:
        return len(self.result.text.encode())


def write_config(settings: Config, data_dir: Path, request: BuildRequest) -> WrittenConfig:
    """Build the configuration ``request`` asks for into ``request.out``.

    ``settings`` is the ``routeserver`` section, which fills every option left None;
    ``data_dir`` is ``core.data_dir`` (the default enrichment cache, the metrics).
    """
    started = time.monotonic()
    daemon = request.daemon or settings.daemon
    cache_dir = settings.cache_dir or data_dir / "routeserver" / "cache"
    try:
        result = _build(settings, cache_dir, request, daemon)
    except BuildError as exc:
        raise ConfigNotWritten(
            _("no configuration written ({count} problem(s) above)").format(count=len(exc.lines)),
            tuple(exc.lines),
        ) from None
    except (*_ONE_LINE, ValueError) as exc:
        raise ConfigNotWritten(str(exc)) from None
    out = request.out
    checked = _put_in_place(result.text, out, settings, daemon, request.check)
    metrics_error = None
    try:
        exchange = request.exchange
        name = request.route_server or (exchange.slug if exchange else None) or out.stem
        record_build(
            data_dir,
            name,
            time.monotonic() - started,
            clients=len(result.plan.clients),
            sessions=len(result.plan.sessions),
            size=len(result.text.encode()),
        )
    except OSError as exc:  # never fatal: the configuration is in place
        metrics_error = exc
    if request.page:
        from lakou.routeserver.render.page import render_page

        page = request.page
        fmt = "html" if page.suffix.lower() in (".html", ".htm") else "markdown"
        text = render_page(result.plan, fmt, request.page_language, daemon)
        page.write_text(text, encoding="utf-8")
    return WrittenConfig(out, result, checked, metrics_error)


def _build(settings: Config, cache_dir: Path, request: BuildRequest, daemon: str) -> BuildResult:
    """Clients and policy read, enriched, rendered: the text, not written yet."""
    policy_path = request.policy_file or settings.policy_file
    policy = load_policy(policy_path) if policy_path else Policy()
    if request.exchange is not None:
        policy = policy_for_exchange(request.exchange, policy, request.route_server)
        clients = clients_from_exchange(request.exchange)
    elif request.clients_file is not None:
        clients = read_clients(request.clients_file)
    else:
        raise TypeError("write_config: give the exchange or the clients file")
    version_text = request.target_version or settings.target_version
    version = bird_target(version_text) if daemon == "bird2" else openbgpd_target(version_text)
    typed = request.irr_sources.split(",") if request.irr_sources else settings.irr_sources
    sources = [s for s in typed if s]
    rpki_file = request.rpki_json or settings.rpki_json
    if rpki_file is not None and policy.rpki.source != "file":
        # --rpki-json means what it says: the ROAs come from that file.
        policy = policy.model_copy(
            update={"rpki": policy.rpki.model_copy(update={"source": "file", "enabled": True})}
        )
    no_irr = request.no_irr
    pdb = request.peeringdb_cache
    enriched = enrich_clients(
        clients,
        irr_server=None if no_irr else (request.irr_server or settings.irr_server),
        irr_sources=sources,
        rpsl_dir=None if no_irr else (request.rpsl_dir or settings.rpsl_dir),
        rpki_json=rpki_file,
        cache_dir=cache_dir,
        workers=settings.workers,
        peeringdb_cache=pdb if pdb and pdb.is_file() else None,
    )
    return build_config(
        clients,
        policy,
        enriched,
        daemon=daemon,
        version=version,
        log_file=request.log_file,
        set_cache_dir=cache_dir / "prefix-sets",
        allow_missing_irr=request.allow_missing_irr,
    )


def _put_in_place(text: str, out: Path, settings: Config, daemon: str, check: bool) -> bool:
    """Write ``text`` beside ``out``, have the daemon check it, rename it over ``out``.

    False when the check was asked and the daemon is not installed (written unchecked).
    Whatever goes wrong, the temporary file does not stay.
    """
    tmp = out.with_name(f".{out.name}.tmp")
    checked = True
    try:
        tmp.write_text(text, encoding="utf-8")
        if check:
            from lakou.routeserver.deploy import Bird, OpenBgpd  # the check's alone

            checker = (
                Bird(socket=settings.control_socket)
                if daemon == "bird2"
                else OpenBgpd(socket=settings.control_socket, config=settings.config_path)
            )
            try:
                complaint = checker.check(tmp)
            except FileNotFoundError:
                # a first build on a machine without the daemon: write it, say it is unchecked
                complaint, checked = None, False
            if complaint:
                raise ConfigNotWritten(
                    _("the daemon refuses the generated configuration ({path}):\n{error}").format(
                        path=tmp, error=complaint
                    )
                )
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return checked
