"""The scenario file: a territory, its exchanges, and what an event cuts or adds.

A scenario is YAML (see ``scenarios/hurricane-caribix.yml``): the territory's ASes
grouped by territory code with their names, ASes to split into one virtual AS per
territory, the exchanges and their route-server members, bilateral peerings, the links
an event cuts (all international transit, all international links, or a named cable as
a list of links), links it adds, and candidate new members or peerings to rank. The
file comes from a user: unknown keys are refused and every error names the file and
the place in it (``scenario.yml: cut.0.links.2``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lakou import yamlload
from lakou.i18n import gettext as _
from lakou.whatif.graph import GraphError, label_of


class ScenarioError(ValueError):
    """A scenario file that cannot be used, with the file and place in the message."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _label(value: object) -> str:
    try:
        return label_of(value)  # type: ignore[arg-type]
    except GraphError as exc:
        raise ValueError(str(exc)) from None


def _pair(value: object) -> tuple[str, str]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(_("a link is a pair of ASes, like [64500, 64501]"))
    return _label(value[0]), _label(value[1])


class Territory(_Strict):
    name: str = Field(description="Name shown in reports, e.g. Saint-Martin.")
    ases: dict[str, str] = Field(
        description="The territory's networks: AS (or ASN@TERRITORY for a split AS) -> name."
    )

    @field_validator("ases", mode="before")
    @classmethod
    def _ases(cls, value: object) -> dict[str, str]:
        if isinstance(value, list):
            value = {v: "" for v in value}
        if not isinstance(value, dict):
            raise ValueError(_("a mapping of AS -> name"))
        return {_label(k): str(v or "") for k, v in value.items()}


class Split(_Strict):
    asn: int = Field(ge=1, description="The AS present in several territories.")
    parts: dict[str, list[str]] = Field(
        description="Territory code -> neighbours (ASNs or exchange slugs) moved to that part."
    )
    main: str | None = Field(
        default=None, description="Part that keeps the AS's other links (its backbone)."
    )

    @field_validator("parts", mode="before")
    @classmethod
    def _parts(cls, value: object) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            raise ValueError(_("a mapping of territory -> neighbours"))
        out: dict[str, list[str]] = {}
        for k, v in value.items():
            items = v or []
            if not isinstance(items, list):
                raise ValueError(_("neighbours must be a list"))
            out[str(k)] = [
                str(x) if isinstance(x, str) and not x.isdigit() else _label(x) for x in items
            ]
        return out


class ExchangeSpec(_Strict):
    slug: str = Field(description="Short name, e.g. caribix-mf.")
    name: str = Field(default="", description="Name shown in reports.")
    members: list[str] = Field(default_factory=list, description="Route-server clients.")
    bridged_to: list[str] = Field(
        default_factory=list, description="Slugs of exchanges joined by a layer-2 bridge."
    )
    bilateral: list[tuple[str, str]] = Field(
        default_factory=list, description="Bilateral peerings over the exchange's LAN."
    )

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, value: object) -> list[str]:
        return [_label(v) for v in (value or [])]  # type: ignore[attr-defined]

    @field_validator("bilateral", mode="before")
    @classmethod
    def _bilateral(cls, value: object) -> list[tuple[str, str]]:
        return [_pair(v) for v in (value or [])]  # type: ignore[attr-defined]


class Cut(_Strict):
    name: str = Field(description="What is cut, in words: 'Irma: all international transit'.")
    international_transit: bool = Field(
        default=False, description="Cut every link from a territory AS to a provider outside."
    )
    international_links: bool = Field(
        default=False, description="Cut every link (transit or peering) leaving the territory."
    )
    links: list[tuple[str, str]] = Field(
        default_factory=list, description="Links cut, e.g. the ones a named cable carries."
    )

    @field_validator("links", mode="before")
    @classmethod
    def _links(cls, value: object) -> list[tuple[str, str]]:
        return [_pair(v) for v in (value or [])]  # type: ignore[attr-defined]


class AddLink(_Strict):
    a: str = Field(description="First AS (the provider for a transit link).")
    b: str = Field(description="Second AS (the customer for a transit link).")
    kind: Literal["peer", "provider-customer"] = "peer"

    @field_validator("a", "b", mode="before")
    @classmethod
    def _as(cls, value: object) -> str:
        return _label(value)


class CandidateMember(_Strict):
    asn: str
    exchange: str | None = Field(default=None, description="Exchange slug (default: the first).")

    @field_validator("asn", mode="before")
    @classmethod
    def _as(cls, value: object) -> str:
        return _label(value)


class Candidates(_Strict):
    members: list[CandidateMember] = Field(default_factory=list)
    peerings: list[tuple[str, str]] = Field(default_factory=list)

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, value: object) -> list[object]:
        return [{"asn": v} if not isinstance(v, dict) else v for v in (value or [])]  # type: ignore[attr-defined]

    @field_validator("peerings", mode="before")
    @classmethod
    def _peerings(cls, value: object) -> list[tuple[str, str]]:
        return [_pair(v) for v in (value or [])]  # type: ignore[attr-defined]


class Scenario(_Strict):
    name: str
    description: str = ""
    asrel: str | None = Field(
        default=None, description="CAIDA as-rel file, relative to the scenario file."
    )
    territories: dict[str, Territory]
    split: list[Split] = Field(default_factory=list)
    exchanges: list[ExchangeSpec] = Field(default_factory=list)
    peerings: list[tuple[str, str]] = Field(default_factory=list)
    cut: list[Cut] = Field(default_factory=list)
    add: list[AddLink] = Field(default_factory=list)
    candidates: Candidates = Field(default_factory=Candidates)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("peerings", mode="before")
    @classmethod
    def _peerings(cls, value: object) -> list[tuple[str, str]]:
        return [_pair(v) for v in (value or [])]  # type: ignore[attr-defined]

    @property
    def territory_ases(self) -> dict[str, str]:
        """Every territory AS label -> its territory code."""
        return {a: code for code, t in self.territories.items() for a in t.ases}

    def as_name(self, label: str) -> str:
        for t in self.territories.values():
            if t.ases.get(label):
                return t.ases[label]
        return ""

    def asrel_path(self) -> Path | None:
        if self.asrel is None:
            return None
        path = Path(self.asrel)
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        return path


def bridged_groups(exchanges: list[ExchangeSpec]) -> dict[str, list[str]]:
    """Hub name -> route-server clients, one hub per set of exchanges joined by bridges."""
    parent = {ex.slug: ex.slug for ex in exchanges}

    def root(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for ex in exchanges:
        for other in ex.bridged_to:
            if other in parent:
                parent[root(other)] = root(ex.slug)
    groups: dict[str, list[str]] = {}
    for ex in exchanges:
        groups.setdefault(root(ex.slug), []).append(ex.slug)
    members = {ex.slug: ex.members for ex in exchanges}
    return {
        "+".join(sorted(slugs)): sorted({m for s in slugs for m in members[s]})
        for slugs in groups.values()
    }


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(
            _("{path}: cannot read: {error}").format(path=path, error=exc)
        ) from None
    try:
        data = yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ScenarioError(
            _("{where}: not valid YAML: {error}").format(where=where, error=exc)
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(_("{path}: a scenario is a YAML mapping").format(path=path))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ScenarioError("\n".join(lines)) from None
    return scenario.model_copy(update={"path": path})
