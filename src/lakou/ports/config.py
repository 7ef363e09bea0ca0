"""Port traffic settings: the switches to poll and how, read from a YAML file.

The file (``lakou ports collect --switches switches.yml``) holds a list ``switches`` and
optional top-level settings; unknown keys are refused with the file and the key named, so
a mistyped ``comunity`` never silently falls back to a default. Credentials may be given
as ``env:NAME`` to be read from the environment rather than written in the file.
The defaults below are the documentation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_yaml


class ConfigError(ValueError):
    """The switches file is unreadable or wrong: the message names the file and place."""


class Switch(BaseModel):
    """One switch (SNMP agent) to poll."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", description="Name shown in reports (default: host).")
    host: str = Field(description="Agent address (IPv4, IPv6 or name).")
    port: int = Field(default=161, ge=1, le=65535, description="Agent UDP port.")
    version: Literal["2c", "3"] = Field(default="2c", description="SNMP version.")
    community: str = Field(default="", description="v2c community (or env:NAME).")
    user: str = Field(default="", description="v3 security name.")
    auth_protocol: Literal["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"] = Field(
        default="SHA", description="v3 authentication protocol."
    )
    auth_password: str = Field(default="", description="v3 authentication pass phrase.")
    priv_protocol: Literal["DES", "AES", "AES-192", "AES-256"] = Field(
        default="AES", description="v3 privacy protocol."
    )
    priv_password: str = Field(default="", description="v3 privacy pass phrase.")
    timeout: float = Field(
        default=2.0, gt=0, description="Seconds to wait for one answer before a retry."
    )
    retries: int = Field(default=1, ge=0, description="Retries of one request.")
    max_repetitions: int = Field(
        default=40, ge=1, le=200, description="Rows asked in one GETBULK request."
    )
    counters_from: Literal["snmp", "sflow"] = Field(
        default="snmp",
        description=(
            "Which source makes the stored series when the switch also sends sFlow counter "
            "samples; the other one is kept as a cross-check."
        ),
    )
    sflow_agent: str = Field(
        default="", description="sFlow agent address of this switch (default: host)."
    )

    poll: bool = Field(
        default=True, description="Poll over SNMP (false: only its sFlow counter samples)."
    )

    @model_validator(mode="after")
    def _credentials(self) -> Switch:
        if not self.name:
            self.name = self.host if self.port == 161 else f"{self.host}:{self.port}"
        if not self.poll:
            return self
        if self.version == "2c" and not self.community:
            raise ValueError(_("SNMP v2c needs a community"))
        if self.version == "3" and not (self.user and self.auth_password and self.priv_password):
            raise ValueError(_("SNMP v3 (authPriv) needs user, auth_password and priv_password"))
        return self

    def secret(self, value: str) -> str:
        """Resolve ``env:NAME`` to the environment variable's value."""
        if value.startswith("env:"):
            name = value[4:]
            if name not in os.environ:
                raise ConfigError(
                    _("switch {switch}: environment variable {name} is not set").format(
                        switch=self.name, name=name
                    )
                )
            return os.environ[name]
        return value


class PortsConfig(BaseModel):
    """The whole switches file."""

    model_config = ConfigDict(extra="forbid")

    interval: int = Field(default=60, ge=5, description="Seconds between two polls.")
    workers: int = Field(default=32, ge=1, description="Switches polled at once (one thread each).")
    store: str = Field(default="", description="Port store directory (default: beside flows).")
    retention_days: dict[str, int] = Field(
        default={"raw": 35, "hour": 400, "day": 3650},
        description="Days kept per level: raw polls, hourly and daily roll-ups.",
    )
    switches: list[Switch] = Field(default_factory=list, description="Switches to poll.")
    members: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Member name -> its ports as SWITCH:IFNAME or SWITCH:IFINDEX (a LAG by its own "
            "interface, not its members', so nothing is counted twice)."
        ),
    )

    @model_validator(mode="after")
    def _known_switches(self) -> PortsConfig:
        names = {s.name for s in self.switches}
        if len(names) != len(self.switches):
            raise ValueError(_("two switches have the same name"))
        for member, ports in self.members.items():
            for port in ports:
                switch, sep, interface = port.rpartition(":")
                if not sep or switch not in names or not interface:
                    raise ValueError(
                        _("member {member}: {port} is not SWITCH:PORT of a listed switch").format(
                            member=member, port=port
                        )
                    )
        return self

    def member_of(self, switch: str, ifindex: int, name: str) -> str:
        """The member a port belongs to ('' when none)."""
        for member, ports in self.members.items():
            if f"{switch}:{ifindex}" in ports or f"{switch}:{name}" in ports:
                return member
        return ""


def load(path: Path) -> PortsConfig:
    """Read a switches file; any mistake raises :class:`ConfigError` naming file and place."""
    try:
        data = load_yaml(path.read_bytes()) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from None
    except InputError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {_('expected a mapping with a list of switches')}")
    try:
        return PortsConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {place}: {err['msg']}") from None


def parse_target(target: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[V6]:PORT`` or a bare IPv6 address -> (host, port)."""
    if target.startswith("["):
        host, _sep, rest = target[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else 161
    if target.count(":") == 1:
        host, port = target.split(":")
        return host, int(port)
    return target, 161
