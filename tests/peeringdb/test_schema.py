"""Property tests: whatever bytes come back, the parser answers or says why."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.peeringdb.client import PeeringDBResponseError, _parse
from lakou.peeringdb.schema import OBJECTS, ObjectError, check_object, parse_timestamp

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_parser(body: bytes) -> None:
    try:
        objects = _parse("net", body, "GET test")
    except PeeringDBResponseError as exc:
        assert str(exc).startswith("GET test: ")
    else:
        assert isinstance(objects, list)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OBJECTS), JSON)
def test_random_json_objects_are_accepted_or_rejected_with_a_path(obj: str, value: object) -> None:
    body = json.dumps({"data": [value]}).encode()
    try:
        _parse(obj, body, "GET test")
    except PeeringDBResponseError as exc:
        assert "data[0]" in str(exc) or "not usable JSON" in str(exc)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "id": st.integers(1, 2**31 - 1),
            "status": st.sampled_from(["ok", "deleted", "pending"]),
            "updated": st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1)).map(
                lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
            ),
            "asn": st.integers(1, 4294967295),
            "name": st.text(st.characters(blacklist_characters="\x00"), max_size=100),
            "info_prefixes4": st.none() | st.integers(0, 10_000_000),
        }
    )
)
def test_well_formed_nets_pass(net: dict[str, object]) -> None:
    assert check_object("net", net, "x") == net


def test_timestamps() -> None:
    assert parse_timestamp("2016-06-08T15:55:16Z") == 1465401316
    assert parse_timestamp("2016-06-08T15:55:16+00:00") == 1465401316
    assert parse_timestamp("2016-06-08T15:55:16") == 1465401316
    with pytest.raises(ValueError):
        parse_timestamp("June 8th")


def test_error_path() -> None:
    with pytest.raises(ObjectError) as err:
        check_object(
            "ixpfx",
            {
                "id": 1,
                "status": "ok",
                "updated": "2016-01-01T00:00:00Z",
                "ixlan_id": 2,
                "protocol": "IPv5",
                "prefix": "x",
            },
            "data[7]",
        )
    assert err.value.path == "data[7].protocol"
