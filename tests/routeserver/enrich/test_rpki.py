"""ROAs from rpki-client and Routinator JSON; truncated and malformed files (stayrtr serving
them is ``tests/live/routeserver/enrich/test_rpki.py``)."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.enrich import Roa
from lakou.routeserver.enrich.rpki import RpkiFileError, parse_roas, read_rpki_json

RPKI_CLIENT = """{
  "metadata": {"buildmachine": "rpki.example", "buildtime": "2026-11-20T10:00:00Z",
               "roas": 3, "vrps": 3},
  "roas": [
    { "asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic", "expires": 1 },
    { "asn": 3333, "prefix": "193.0.0.0/21", "maxLength": 21, "ta": "ripe", "expires": 1 },
    { "asn": 13335, "prefix": "2606:4700::/32", "maxLength": 48, "ta": "arin", "expires": 1 }
  ]
}
"""

ROUTINATOR = """{"metadata": {"generated": 1, "generatedTime": "2026-11-20T10:00:00Z"},
"roas": [{"asn": "AS13335", "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic"},
{"asn": "AS3333", "prefix": "193.0.0.0/21", "maxLength": 21, "ta": "ripe"},
{"asn": "AS13335", "prefix": "2606:4700::/32", "maxLength": 48, "ta": "arin"}]}"""

EXPECTED = (
    Roa(13335, "1.1.1.0/24", 24, "apnic"),
    Roa(3333, "193.0.0.0/21", 21, "ripe"),
    Roa(13335, "2606:4700::/32", 48, "arin"),
)


@pytest.mark.parametrize("text", [RPKI_CLIENT, ROUTINATOR], ids=["rpki-client", "routinator"])
def test_both_formats(tmp_path: Path, text: str) -> None:
    path = tmp_path / "vrps.json"
    path.write_text(text)
    assert read_rpki_json(path) == EXPECTED


def test_truncated_at_every_offset_is_an_error_naming_the_place(tmp_path: Path) -> None:
    path = tmp_path / "vrps.json"
    data = RPKI_CLIENT.encode()
    complete = len(data.rstrip())
    for cut in range(complete):
        path.write_bytes(data[:cut])
        with pytest.raises(RpkiFileError) as info:
            read_rpki_json(path)
        message = str(info.value)
        assert str(path) in message
        assert "line" in message or "$" in message, message
    path.write_bytes(data[:complete])  # only trailing whitespace removed: still whole
    assert read_rpki_json(path) == EXPECTED


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"asn": "ASX", "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": -1, "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": True, "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": 1, "prefix": "1.1.1.1/24", "maxLength": 24}, "$.roas[1].prefix"),
        ({"asn": 1, "prefix": 17, "maxLength": 24}, "$.roas[1].prefix"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": 23}, "$.roas[1].maxLength"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": 33}, "$.roas[1].maxLength"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": "24"}, "$.roas[1].maxLength"),
        ("not an object", "$.roas[1]"),
    ],
)
def test_malformed_entry_names_its_json_path(entry: object, where: str) -> None:
    document = {"roas": [{"asn": 1, "prefix": "10.0.0.0/8", "maxLength": 8}, entry]}
    with pytest.raises(RpkiFileError, match=rf"vrps\.json: {re.escape(where)}"):
        parse_roas(document, "vrps.json")


def test_wrong_top_level() -> None:
    with pytest.raises(RpkiFileError, match=r"\$: expected"):
        parse_roas([1, 2], "x.json")
    with pytest.raises(RpkiFileError, match=r"\$\.roas: expected a list"):
        parse_roas({"roas": {}}, "x.json")


def test_unreadable_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(RpkiFileError, match="cannot read"):
        read_rpki_json(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"roas": ["\xff"]}')
    with pytest.raises(RpkiFileError, match="byte 11: not UTF-8"):
        read_rpki_json(bad)


@settings(max_examples=80)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        document = None
    with contextlib.suppress(RpkiFileError):
        parse_roas(document, "fuzz.json")
