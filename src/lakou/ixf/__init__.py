"""IX-F Member Export: lakou's one reader of the Euro-IX document, without Django.

The door of the component. :func:`load` parses, repairs (with a warning per repair),
optionally checks against the official schema, and reads a document (0.3 to 1.0) into
typed records (:class:`Document`), naming the JSON path of anything it refuses
(:class:`IxfError`). The registry's importer writes those records to the database; the
territory and flow engines turn them into :mod:`lakou.exchange` objects with
:func:`exchanges` and :func:`members_exchange`. The shapes the exporter writes (versions,
policies, the untagged-VLAN numbering) are in :mod:`lakou.ixf.common`.
:func:`validate_file` is ``lakou ixf validate``: the official schema's verdict on a file
as published, then lakou's rules (a :class:`Validation`); :func:`schema_dir` is the
schema folder given, else ``$LAKOU_IXF_SCHEMA_DIR``.
"""

from __future__ import annotations

from lakou.ixf.common import (
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
from lakou.ixf.exchanges import exchanges, members_exchange
from lakou.ixf.reader import (
    Duplicates,
    Progress,
    detect_version,
    load,
    parse_json,
    read_document,
    tolerate,
)
from lakou.ixf.records import (
    ConnectionDoc,
    Document,
    FamilyDoc,
    IxpDoc,
    MemberDoc,
    PortDoc,
    SwitchDoc,
    VlanDoc,
    VlanIfDoc,
)
from lakou.ixf.schema import schema_dir, schema_errors
from lakou.ixf.validation import Validation, validate_file

__all__ = [
    "EXPORT_VERSIONS",
    "POLICIES",
    "POLICY_ALIASES",
    "REPORTED_KINDS",
    "STATE_ALIASES",
    "SUPPORTED_VERSIONS",
    "UNTAGGED_VLAN_BASE",
    "ConnectionDoc",
    "Document",
    "Duplicates",
    "FamilyDoc",
    "ImportReport",
    "IxfError",
    "IxpDoc",
    "MemberDoc",
    "PortDoc",
    "Progress",
    "SwitchDoc",
    "Validation",
    "VlanDoc",
    "VlanIfDoc",
    "detect_version",
    "exchanges",
    "join",
    "load",
    "members_exchange",
    "parse_json",
    "path_of",
    "read_document",
    "schema_dir",
    "schema_errors",
    "tolerate",
    "validate_file",
]
