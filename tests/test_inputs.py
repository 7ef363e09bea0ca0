"""lakou.inputs: the checks of a stranger's document, named by the place."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou import inputs
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


ROOT = Path(__file__).resolve().parent.parent


def _pure(text: str) -> object:
    """The pure-Python loader alone (what load_yaml gives when libyaml is absent)."""
    with mock.patch.object(inputs.yamlload, "FAST", False):
        return load_yaml(text)


@pytest.mark.skipif(not inputs.yamlload.FAST, reason="PyYAML built without libyaml")
def test_libyaml_and_the_pure_loader_build_the_same_documents() -> None:
    files = [p for p in ROOT.glob("**/*.y*ml") if ".git" not in p.parts and "_work" not in p.parts]
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            expected = _pure(text)
        except InputError as exc:
            with pytest.raises(InputError) as again:
                load_yaml(text)
            assert str(again.value) == str(exc), path
            continue
        assert load_yaml(text) == expected, path


@pytest.mark.skipif(not inputs.yamlload.FAST, reason="PyYAML built without libyaml")
@pytest.mark.parametrize(
    "text",
    [
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 70)),  # block nesting
        "[" * 65 + "]" * 65,  # exactly one too deep: a scalar-free sequence at 65
        "[" * 64 + "1" + "]" * 64,  # the scalar is the 65th node
        "a: [1, 2\n",  # not valid YAML
        "a: 1\na: \x07\n",  # a refused character
        "n: " + "9" * 5000 + "\n",  # an integer beyond Python's digit limit
    ],
)
def test_refusals_are_the_pure_loaders_word_for_word(text: str) -> None:
    with pytest.raises(InputError) as pure:
        _pure(text)
    with pytest.raises(InputError) as fast:
        load_yaml(text)
    assert str(fast.value) == str(pure.value)


def test_a_document_at_the_depth_limit_loads_with_either_loader() -> None:
    text = "[" * 63 + "1" + "]" * 63
    assert load_yaml(text) == _pure(text)


_YAML_FILES = sorted(
    p for p in ROOT.glob("**/*.y*ml") if ".git" not in p.parts and "_work" not in p.parts
)


@pytest.mark.skipif(not inputs.yamlload.FAST, reason="PyYAML built without libyaml")
@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_YAML_FILES),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(list("\t\n :-[]{},&*!|>'\"#%@`?x1"))),
        max_size=4,
    ),
)
def test_a_damaged_file_is_built_alike(path: Path, edits: list[tuple[int, str]]) -> None:
    """Random damage to real files: what the pure loader builds, libyaml builds the same;
    what it refuses, libyaml refuses with the same words, or builds the same as its own
    loader would (libyaml reads some flow syntax, such as ``?`` keys, that PyYAML refuses)."""
    text = path.read_text(encoding="utf-8")
    for where, char in edits:
        at = where % (len(text) + 1)
        text = text[:at] + char + text[at:]
    try:
        expected = _pure(text)
    except InputError as exc:
        try:
            built = load_yaml(text)
        except InputError as again:
            assert str(again) == str(exc)
            return
        assert built == inputs.yamlload.safe_load(text)
        return
    assert load_yaml(text) == expected
