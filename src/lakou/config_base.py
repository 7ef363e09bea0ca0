"""Reading ``lakou.yml`` without importing every component: the file, the overrides, core.

:mod:`lakou.config` holds the whole typed configuration (one section per component, each
model imported from its component). A command that needs one section only (``lakou rs
build`` needs ``routeserver``, ``registry`` and ``core``) would pay for importing them all
(pydantic models of every engine, and what they import): :func:`load_sections` reads the
same file with the same ``LAKOU_<SECTION>__<KEY>`` overrides, rejects unknown section
names, and validates only the sections asked for (``lakou config check`` and the commands
that use the others validate those). Same errors, same messages, same values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lakou.i18n import LANGUAGES

ENV_PREFIX = "LAKOU_"
# Variables that are not section overrides.
ENV_RESERVED = {"LAKOU_CONFIG", "LAKOU_DATABASE_URL", "LAKOU_LANGUAGE", "LAKOU_TEST_DATA"}
SEARCH_PATH = (Path("lakou.yml"), Path("/etc/lakou/lakou.yml"))


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lakou"


class CoreConfig(BaseModel):
    """Settings every component shares."""

    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where lakou keeps its state (SQLite database, caches, flow store).",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "Registry database URL (sqlite:///path or postgresql://user:pass@host:port/db). "
            "Default: SQLite in data_dir. Overridden by $LAKOU_DATABASE_URL."
        ),
    )
    language: str = Field(default="en", description="Language of CLI output: en, fr or es.")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value.replace("-", "_").split("_")[0].split(".")[0].lower() not in LANGUAGES:
            raise ValueError(f"{value!r} is not a language lakou speaks ({', '.join(LANGUAGES)})")
        return value

    @field_validator("data_dir")
    @classmethod
    def _a_folder(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder: give a folder for lakou's state")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in ("sqlite", "postgresql", "postgres", "pgsql"):
            raise ValueError(
                "unsupported database URL (use sqlite:////abs/path or "
                "postgresql://user:pass@host:port/name)"
            )
        if scheme == "sqlite":
            path = value.split("://", 1)[1]
            folder = Path("/" + path.lstrip("/")).parent
            if path.startswith("/") and path != "/:memory:" and not folder.is_dir():
                raise ValueError(
                    f"the folder {folder} of the SQLite database does not exist: create it "
                    "first (lakou does not create a folder named only in a URL)"
                )
        return value

    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lakou.sqlite3').resolve()}"


# The sections of lakou.yml (the fields of lakou.config.LakouConfig, checked by a test).
SECTIONS = (
    "core",
    "registry",
    "portal",
    "routeserver",
    "flows",
    "territory",
    "paths",
    "whatif",
    "jobs",
)


class ConfigError(Exception):
    """The configuration cannot be used; the message names the source and the key."""


def find_config_file(explicit: str | Path | None, env: Mapping[str, str]) -> Path | None:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: configuration file not found")
        return path
    if env.get("LAKOU_CONFIG"):
        path = Path(env["LAKOU_CONFIG"])
        if not path.is_file():
            raise ConfigError(f"{path} (from $LAKOU_CONFIG): configuration file not found")
        return path
    for candidate in SEARCH_PATH:
        if candidate.is_file():
            return candidate
    return None


def _read_yaml(path: Path) -> dict[str, Any]:
    from lakou.inputs import InputError, load_yaml  # YAML only with a file to read

    try:
        data = load_yaml(path.read_bytes())
    except InputError as exc:
        raise ConfigError(exc.located(path)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    return data


def _env_overrides(env: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Nested overrides from ``LAKOU_SECTION__KEY`` and where each came from."""
    overrides: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, raw in sorted(env.items()):
        if not name.startswith(ENV_PREFIX) or name in ENV_RESERVED:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
        if len(parts) < 2 or not all(parts):
            continue  # not of the LAKOU_SECTION__KEY shape: someone else's variable
        from lakou import yamlload  # only with an override to read

        try:
            value = yamlload.safe_load(raw) if raw != "" else ""
        except yamlload.YAMLError:
            value = raw
        node = overrides
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"${name}: conflicts with another LAKOU_ variable")
        node[parts[-1]] = value
        origin[".".join(parts)] = f"${name}"
    if env.get("LAKOU_DATABASE_URL"):
        overrides.setdefault("core", {})["database_url"] = env["LAKOU_DATABASE_URL"]
        origin["core.database_url"] = "$LAKOU_DATABASE_URL"
    return overrides, origin


def deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it, mapping by mapping (files, then overrides)."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def describe_validation(
    exc: ValidationError,
    source: str,
    origin: Mapping[str, str] | None = None,
    within: str | None = None,
) -> str:
    """One line per problem, naming where it came from and the dotted key (``within``:
    the section ``exc`` is about, when a section was validated alone)."""
    lines = []
    for error in exc.errors():
        loc = (within, *error["loc"]) if within else error["loc"]
        key = ".".join(str(p) for p in loc) or "(top)"
        where = (origin or {}).get(key, source)
        if error["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key '{key}'")
        else:
            lines.append(f"{where}: {key}: {error['msg']}")
    return "\n".join(lines)


def read_config_data(
    path: str | Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str], str]:
    """The file's mapping with the environment's overrides laid over it, where each
    override came from, and the source's name (for messages)."""
    env = os.environ if env is None else env
    file = find_config_file(path, env)
    data = _read_yaml(file) if file else {}
    overrides, origin = _env_overrides(env)
    source = str(file) if file else "defaults"
    return deep_merge(data, overrides), origin, source


def load_sections(
    models: Mapping[str, type[BaseModel]],
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, BaseModel]:
    """The sections named in ``models`` (name -> model), validated; unknown section names
    in the file are refused like :func:`lakou.config.load_config` refuses them. Each
    section is validated by its own model (no model is built for the set asked: that
    cost a few milliseconds a call), with the messages the whole configuration gives."""
    data, origin, source = read_config_data(path, env)
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"{source}: unknown key '{unknown[0]}'")
    sections: dict[str, BaseModel] = {}
    problems = []
    for name, model in models.items():
        try:
            sections[name] = model.model_validate(data[name]) if name in data else model()
        except ValidationError as exc:
            problems.append(describe_validation(exc, source, origin, within=name))
    if problems:
        raise ConfigError("\n".join(problems))
    return sections
