"""``lakou territory update``: fetch the latest public files from their official sources.

Each file is downloaded to ``<name>.part`` and renamed only when complete, so a cut
connection never leaves a half file where the builder would read it. Conditional
requests (``If-Modified-Since``) avoid fetching what has not changed.
:func:`update_public_files` fetches the files the settings name (``update_urls`` and the
geofeeds, ``geofeed-N.csv``), or only some of them.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from lakou.i18n import gettext as _

if TYPE_CHECKING:
    from lakou.territory.config import Config


def download(client: httpx.Client, url: str, target: Path, *, timeout: float = 120.0) -> str:
    """Fetch one file; returns a one-line outcome (``updated``, ``unchanged``, ``error: ...``)."""
    headers = {}
    if target.exists():
        headers["If-Modified-Since"] = email.utils.formatdate(target.stat().st_mtime, usegmt=True)
    partial = target.with_name(target.name + ".part")
    try:
        with client.stream(
            "GET", url, headers=headers, timeout=timeout, follow_redirects=True
        ) as response:
            if response.status_code == 304:
                return _("unchanged")
            if response.status_code != 200:
                return _("error: HTTP {status} from {url}").format(
                    status=response.status_code, url=url
                )
            size = 0
            with partial.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
                    size += len(chunk)
        os.replace(partial, target)
        return _("updated ({size} bytes from {url})").format(size=size, url=url)
    except httpx.HTTPError as exc:
        partial.unlink(missing_ok=True)
        return _("error: {error} ({url})").format(error=exc, url=url)


def download_all(
    urls: dict[str, str], directory: Path, *, timeout: float = 120.0
) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    report = {}
    with httpx.Client(headers={"User-Agent": "lakou-territory"}) as client:
        for name, url in urls.items():
            if "/" in name or name.startswith("."):
                report[name] = _("error: not a plain file name")
                continue
            report[name] = download(client, url, directory / name, timeout=timeout)
    return report


def update_public_files(
    config: Config, directory: Path, only: Iterable[str] = ()
) -> dict[str, str]:
    """Fetch the public files of ``config`` (``update_urls``, then each of ``geofeed_urls``
    as ``geofeed-N.csv``) into ``directory``; ``only``: these file names, if any given.
    Each file name -> its one-line outcome (:func:`download`)."""
    wanted = set(only)
    urls = {k: v for k, v in config.update_urls.items() if not wanted or k in wanted}
    for i, url in enumerate(config.geofeed_urls):
        if not wanted or f"geofeed-{i}.csv" in wanted:
            urls[f"geofeed-{i}.csv"] = url
    return download_all(urls, directory, timeout=config.download_timeout_seconds)
