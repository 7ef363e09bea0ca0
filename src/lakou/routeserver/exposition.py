"""Route-server builds and deploys as Prometheus series, one textfile per route server.

``rs build`` and ``rs deploy`` run as commands (by hand or from the ``rs-refresh`` job),
so each successful build or deploy leaves its figures in
``<data_dir>/metrics/rs-build-<name>.prom`` or ``rs-deploy-<name>.prom``
(:mod:`lakou.metrics`), which the portal's ``/metrics`` serves: when it last succeeded,
how long it took, and for a deploy the accepted routes and sessions the gate read after
the reload. A failure leaves the last success in place, so its age is the alarm; the
failure itself is in the job record (``lakou_job_*``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from lakou.metrics import Family, metrics_dir, safe_name, write_textfile


def record_build(
    data_dir: Path, name: str, seconds: float, clients: int, sessions: int, size: int
) -> None:
    labels = {"route_server": name}
    write_textfile(
        metrics_dir(data_dir) / f"rs-build-{safe_name(name)}.prom",
        [
            Family(
                "lakou_rs_build_last_success_timestamp_seconds",
                "When rs build last wrote a configuration for this route server.",
            ).add(time.time(), **labels),
            Family(
                "lakou_rs_build_duration_seconds", "How long that build took (enrichment included)."
            ).add(seconds, **labels),
            Family("lakou_rs_build_clients", "Clients in that configuration.").add(
                clients, **labels
            ),
            Family("lakou_rs_build_sessions", "BGP sessions in that configuration.").add(
                sessions, **labels
            ),
            Family("lakou_rs_build_config_bytes", "Size of that configuration.").add(
                size, **labels
            ),
        ],
    )


def record_deploy(data_dir: Path, name: str, seconds: float, result: Any) -> None:
    labels = {"route_server": name}
    families = [
        Family(
            "lakou_rs_deploy_last_success_timestamp_seconds",
            "When a configuration was last deployed to this route server and passed its checks.",
        ).add(time.time(), **labels),
        Family(
            "lakou_rs_deploy_duration_seconds", "How long that deploy took (check to verdict)."
        ).add(seconds, **labels),
        Family("lakou_rs_deploy_sessions_up", "Sessions established after that deploy.").add(
            result.sessions_up, **labels
        ),
    ]
    if result.verdict is not None:
        families.append(
            Family(
                "lakou_rs_accepted_routes",
                "Routes the route server accepted after the last deploy (the gate's reading).",
            ).add(result.verdict.after_total, **labels)
        )
    write_textfile(metrics_dir(data_dir) / f"rs-deploy-{safe_name(name)}.prom", families)
