"""The IX-F vocabulary the registry's exporter and importers use, from :mod:`lakou.ixf`.

Kept so the registry's other importers (``clients.yml``) and views find the report and
the error where they always did; the definitions live in the Django-free package.
"""

from __future__ import annotations

from lakou.ixf import (
    EXPORT_VERSIONS,
    POLICIES,
    POLICY_ALIASES,
    REPORTED_KINDS,
    STATE_ALIASES,
    SUPPORTED_VERSIONS,
    UNTAGGED_VLAN_BASE,
    ImportReport,
    IxfError,
    join,
    path_of,
)

__all__ = [
    "EXPORT_VERSIONS",
    "POLICIES",
    "POLICY_ALIASES",
    "REPORTED_KINDS",
    "STATE_ALIASES",
    "SUPPORTED_VERSIONS",
    "UNTAGGED_VLAN_BASE",
    "ImportReport",
    "IxfError",
    "join",
    "path_of",
]
