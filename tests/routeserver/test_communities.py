from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakou.i18n import language
from lakou.routeserver.communities import (
    REASONS,
    Reason,
    describe_reason,
    parse_large_communities,
    parse_large_community,
    reasons_in,
)


def test_every_reason_has_words_in_french_and_english() -> None:
    for reason in Reason:
        with language("en"):
            en = describe_reason(reason)["text"]
        with language("fr"):
            fr = describe_reason(reason)["text"]
        assert en == REASONS[reason].text
        assert fr != en, reason


def test_reasons_only_from_this_route_server() -> None:
    lcs = parse_large_communities(
        "(59999, 1101, 8) (1, 1101, 3) (59999, 1000, 2) (59999, 1101, 99)"
    )
    assert reasons_in(lcs, 59999) == [Reason.NEXT_HOP_NOT_PEER, 99]
    assert describe_reason(99)["slug"] == "unknown"


def test_parse_large_community() -> None:
    assert parse_large_community("59999:1101:3") == (59999, 1101, 3)
    for bad in ("1:2", "a:b:c", "1:2:99999999999"):
        with pytest.raises(ValueError):
            parse_large_community(bad)


@given(st.text(max_size=60))
def test_parse_large_community_total(text: str) -> None:
    try:
        a, b, c = parse_large_community(text)
    except ValueError:
        return
    assert max(a, b, c) <= 2**32 - 1
