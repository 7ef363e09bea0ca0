"""lakou.inputs: the checks of a stranger's document, named by the place."""

from __future__ import annotations

import pytest

from lakou.inputs import InputError, check_tree, load_json, load_yaml


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('{"a": [{"b": "x\\u0000y"}]}', "$.a[0].b"),  # an escape: the string scan runs
        ('{"a": {"k\\u001b": 1}}', "$.a"),
        ('{"a": ["ok", "del\x7f"]}', "$.a[1]"),  # a raw DEL byte: the scan runs too
        ('{"a": "\\ud800"}', "$.a"),
    ],
)
def test_refused_strings_are_named_by_their_path(text: str, place: str) -> None:
    with pytest.raises(InputError) as found:
        load_json(text)
    assert found.value.place == place


def test_depth_is_checked_without_the_string_scan() -> None:
    with pytest.raises(InputError) as found:
        load_json('{"x": ' + "[" * 70 + "]" * 70 + "}")
    assert "nested more than 64 levels deep" in str(found.value)
    assert found.value.place.startswith("$.x[0][0]")
    assert load_json('{"name": "Saint-Barthélemy", "n": [1, [2, [3]]]}')["n"][1][1] == [3]


def test_yaml_aliases_are_visited_once() -> None:
    doc = load_yaml("a: &x [1, 2]\nb: *x\nc: *x\n")
    assert doc["b"] is doc["c"]
    check_tree(doc)
