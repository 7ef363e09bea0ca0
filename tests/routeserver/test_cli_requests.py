"""``rs build`` and ``rs deploy`` hand their options to the engine as one request.

Each option's name is a field of the request (``BuildRequest``, ``DeployRequest``), and
every field the command line can set has its option: renaming one side alone fails here,
not at an operator's first deploy.
"""

from __future__ import annotations

from dataclasses import fields

import click

from lakou.cli.rs import build, deploy
from lakou.routeserver import BuildRequest, DeployRequest


def _names(command: click.Command) -> set[str]:
    return {p.name for p in command.params if p.name}


def test_build_options_are_the_request_fields() -> None:
    # --exchange is read from the registry into ``exchange``; the page's language is -L's
    expected = {f.name for f in fields(BuildRequest)} - {"exchange", "page_language"}
    assert _names(build) - {"slug"} == expected


def test_deploy_options_are_the_request_fields() -> None:
    assert _names(deploy) == {f.name for f in fields(DeployRequest)}
