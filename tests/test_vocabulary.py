"""The field's vocabulary: one answer for every odd ASN or AS-SET, wherever it comes from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakou.vocabulary import ASN_MAX, is_as_set, parse_asn


@pytest.mark.parametrize(
    ("text", "asn"),
    [("64500", 64500), ("AS64500", 64500), ("as64500", 64500), (" AS1 ", 1), (64500, 64500),
     ("AS²", None), ("AS 1", None), ("0", None), (str(ASN_MAX + 1), None), ("1" * 5000, None),
     (True, None), ("AS-FOO", None), ("٣", None)],
)  # fmt: skip
def test_parse_asn(text: str | int, asn: int | None) -> None:
    assert parse_asn(text) == asn


@pytest.mark.parametrize(
    ("name", "ok"),
    [("AS-FOO", True), ("RIPE::AS-FOO", True), ("AS64500:AS-CUSTOMERS", True), ("AS64500", True),
     ("-h127.0.0.2", False), ("-h::AS-FOO", False), ("AS-FOO; rm", False), ("AS-FÖO", False),
     ("FOO", False), ("", False)],
)  # fmt: skip
def test_is_as_set(name: str, ok: bool) -> None:
    assert is_as_set(name) is ok


@given(st.text(max_size=30))
def test_an_as_set_never_looks_like_an_option(text: str) -> None:
    if is_as_set(text):
        assert not text.startswith("-") and text.isascii() and " " not in text
