"""Reading a stranger's file: JSON and YAML parsed with their limits checked first.

Every reader of an outside document (IX-F, clients.yml, members files, RPKI JSON, traceroute
JSON, what-if scenarios) parses it here, so the same attacks get the same specific answer: a
document nested deeper than ``MAX_DEPTH``, a number too long for Python to read, text that is
not UTF-8, and strings the database or a terminal cannot take (a lone surrogate such as
``"\\ud800"``, NUL, ESC and the other control characters except tab and line breaks). The
error, :class:`InputError`, names the place (line and column, byte offset or JSON path) so the
caller can add the file and the command line can print one line.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

import yaml

from lakou import yamlload
from lakou.i18n import gettext as _

MAX_DEPTH = 64  # no real IX-F, clients.yml or scenario nests more than about ten levels
# Characters refused in any string read from outside: C0 controls except tab, LF and CR,
# DEL, and the surrogates (a lone one cannot be encoded as UTF-8 nor stored).
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DIGITS = re.compile(rb"-?[0-9]{400,}")
# JSON escapes that could decode to a refused character (tab, LF and CR too: the fast
# check below may send a clean document to check_tree, never a dirty one past it)
_BAD_ESCAPE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|007[fF]|[dD][89a-fA-F][0-9a-fA-F]{2})")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class InputError(ValueError):
    """A document lakou refuses; ``place`` says where (``line 3, column 5``, ``$.a[2]``)."""

    def __init__(
        self, place: str, problem: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(f"{place}: {problem}" if place else problem)
        self.place = place
        self.problem = problem
        self.line = line
        self.column = column

    def located(self, file: object) -> str:
        """``file:line: problem (column c)`` or ``file: $.path: problem``, the one-line form."""
        if self.line is not None:
            return _("%(file)s:%(line)d: %(problem)s (column %(column)d)") % {
                "file": file,
                "line": self.line,
                "problem": self.problem,
                "column": self.column or 0,
            }
        return f"{file}: {self}"


def bad_character(text: str) -> str | None:
    """A description of the first character lakou refuses in ``text``, else None."""
    found = _BAD_CHAR.search(text)
    if found is None:
        return None
    code = ord(found[0])
    if 0xD800 <= code <= 0xDFFF:
        return _("a lone surrogate (U+%(code)04X) at character %(n)d, not valid Unicode") % {
            "code": code,
            "n": found.start(),
        }
    return _("a control character (U+%(code)04X) at character %(n)d") % {
        "code": code,
        "n": found.start(),
    }


def json_path(parts: list[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def check_tree(doc: Any, max_depth: int = MAX_DEPTH, strings: bool = True) -> None:
    """Refuse a parsed document nested too deep or holding a string lakou cannot store
    (``strings=False``: the caller knows no string can hold one, only the depth counts).
    The path is rebuilt only for the error, from each node's parent."""
    # (node, depth, key in its parent, the parent's entry): no path list per node
    stack: list[tuple[Any, int, Any, Any]] = [(doc, 0, None, None)]
    seen: set[int] = set()  # YAML aliases share a node: visit it once ("billion laughs")
    while stack:
        entry = stack.pop()
        node, depth = entry[0], entry[1]
        if depth > max_depth:
            raise InputError(
                json_path(_path_of(entry)[: max_depth + 1]),
                _("nested more than %(n)d levels deep") % {"n": max_depth},
            )
        if isinstance(node, str):
            if strings:
                problem = bad_character(node)
                if problem:
                    raise InputError(json_path(_path_of(entry)), problem)
        elif isinstance(node, dict):
            if id(node) in seen:
                continue
            seen.add(id(node))
            for key, value in node.items():
                if strings and isinstance(key, str):
                    problem = bad_character(key)
                    if problem:
                        raise InputError(json_path(_path_of(entry)), _("a key holds %s") % problem)
                if isinstance(value, (dict, list)) or (strings and isinstance(value, str)):
                    stack.append((value, depth + 1, str(key), entry))
        elif isinstance(node, list):
            if id(node) in seen:
                continue
            seen.add(id(node))
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)) or (strings and isinstance(value, str)):
                    stack.append((value, depth + 1, index, entry))


def _path_of(entry: tuple[Any, int, Any, Any]) -> list[str | int]:
    path: list[str | int] = []
    while entry[3] is not None:
        path.append(entry[2])
        entry = entry[3]
    return path[::-1]


def _line_column(data: bytes, offset: int) -> tuple[str, int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return _("line %(line)d, column %(column)d") % {"line": line, "column": column}, line, column


def _deep_offset(data: bytes, max_depth: int) -> int:
    """Byte offset where brackets first nest deeper than ``max_depth`` (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for offset, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > max_depth:
                return offset
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return len(data)


def _too_long(raw: bytes, exc: ValueError) -> InputError:
    """The error for a number beyond Python's int digit limit, at its line and column."""
    problem = _("a number too long to read (%s)") % str(exc).split(":")[0]
    found = _DIGITS.search(raw)
    if found is None:
        return InputError("", problem)
    place, line, column = _line_column(raw, found.start())
    return InputError(place, problem, line, column)


def load_json(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON from outside; :class:`InputError` names the line, byte or JSON path."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("byte %(n)d") % {"n": exc.start}, _("not UTF-8 text; save the file as UTF-8")
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            _("line %(line)d, column %(column)d") % {"line": exc.lineno, "column": exc.colno},
            _("not valid JSON: %s") % exc.msg,
            exc.lineno,
            exc.colno,
        ) from None
    except RecursionError:
        place, line, column = _line_column(raw, _deep_offset(raw, max_depth))
        raise InputError(
            place, _("nested more than %(n)d levels deep") % {"n": max_depth}, line, column
        ) from None
    except ValueError as exc:  # a number beyond Python's int digit limit
        raise _too_long(raw, exc) from None
    if not _surely_clean(raw, max_depth):
        # without a \u escape or a DEL byte no string can hold a refused character
        # (json.loads refuses raw control characters in strings): then only the depth counts
        check_tree(doc, max_depth, strings=b"\\u" in raw or b"\x7f" in raw)
    return doc


def _surely_clean(raw: bytes, max_depth: int) -> bool:
    """True when JSON text that parsed cannot hold what :func:`check_tree` refuses.

    JSON strings cannot hold raw control characters (the parser refuses them), so a
    refused character can only come from DEL or a ``\\u`` escape; nesting is the depth
    of the brackets outside strings. False means "walk the tree" (the exact check), so a
    document this cannot vouch for costs what it did before, never less checking.
    """
    if b"\x7f" in raw or _BAD_ESCAPE.search(raw):
        return False
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return True
    if b"\\" in raw:
        return _depth(_JSON_STRING.sub(b"", raw)) <= max_depth
    if len(raw) < 1 << 16:
        return _depth(b"".join(raw.split(b'"')[::2])) <= max_depth
    import numpy as np  # a large document: the same count, vectorised

    data = np.frombuffer(raw, dtype=np.uint8)
    quotes = np.flatnonzero(data == 0x22)  # no backslash: every quote opens or closes
    opens = (data == 0x5B) | (data == 0x7B)
    brackets = np.flatnonzero(opens | (data == 0x5D) | (data == 0x7D))
    outside = np.searchsorted(quotes, brackets) % 2 == 0
    steps = np.where(opens[brackets], 1, -1)[outside]
    depth = np.cumsum(steps, dtype=np.int64)
    return int(depth.max(initial=0)) <= max_depth


def _depth(outside: bytes) -> int:
    """The deepest nesting of brackets in JSON text whose strings were taken out."""
    steps = outside.translate(_DEPTH_STEP, _NOT_BRACKETS)  # 1 opens, 255 closes
    return max(accumulate(1 if step == 1 else -1 for step in steps), default=0)


class _TooDeep(yaml.MarkedYAMLError):
    pass


class _DepthLoader(yaml.SafeLoader):
    """PyYAML's safe loader that stops at ``MAX_DEPTH`` levels with the line named."""

    max_depth = MAX_DEPTH
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise _TooDeep(
                    problem=_("nested more than %(n)d levels deep") % {"n": self.max_depth},
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _yaml_place(exc: yaml.YAMLError) -> tuple[str, int | None, int | None]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return "", None, None
    line, column = mark.line + 1, mark.column + 1
    return _("line %(line)d, column %(column)d") % {"line": line, "column": column}, line, column


_COLLECTION_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _fast_yaml(text: str, max_depth: int) -> tuple[bool, Any]:
    """libyaml's loader when it is safe and succeeds: ``(True, document)``, else ``(False, None)``.

    libyaml composes nodes recursively in C, so the depth is measured first on its event
    stream (an event per collection, scalar or alias: no node built) and only a document
    whose every node stands at most ``max_depth`` deep is composed there. Anything else (too
    deep, not valid YAML, a refused character, a huge integer) goes to the pure-Python
    loader, which gives the precise error with its place. What the pure loader builds,
    libyaml builds the same (PyYAML's safe constructor and resolver serve both); libyaml
    also reads some flow syntax the pure loader refuses (a ``?`` key in a flow mapping). A
    tab sends the text to the pure loader too: libyaml accepts tabs in places PyYAML refuses
    them (a differential test on damaged real files found it)."""
    if not yamlload.FAST or "\t" in text:  # libyaml takes tabs where PyYAML refuses some
        return False, None
    try:
        depth = deepest = 0
        for event in yaml.parse(text, Loader=yamlload.SafeLoader):
            if isinstance(event, _COLLECTION_STARTS):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, _COLLECTION_ENDS):
                depth -= 1
        if deepest + 1 > max_depth:  # a scalar in the deepest collection is one more node deep
            return False, None
        return True, yamlload.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return False, None


def load_yaml(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse YAML from outside (safe loader); :class:`InputError` names the line or path."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                _("byte %(n)d") % {"n": exc.start}, _("not UTF-8 text; save the file as UTF-8")
            ) from None
    fast, doc = _fast_yaml(data, max_depth)
    if fast:
        check_tree(doc, max_depth)
        return doc
    loader: _DepthLoader | None = None
    try:
        loader = _DepthLoader(data)  # checks the characters first (ReaderError)
        loader.max_depth = max_depth
        doc = loader.get_single_data()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (no mark)
        raise InputError(
            _("character %(n)d") % {"n": exc.position},
            _("not valid YAML: character U+%(code)04X is not allowed")
            % {"code": exc.character if isinstance(exc.character, int) else 0},
        ) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if not isinstance(exc, _TooDeep):
            problem = _("not valid YAML: %s") % problem
        place, line, column = _yaml_place(exc)
        raise InputError(place, problem, line, column) from None
    except RecursionError:
        raise InputError("", _("nested more than %(n)d levels deep") % {"n": max_depth}) from None
    except ValueError as exc:  # an integer beyond Python's digit limit
        raw = data.encode("utf-8", "surrogatepass")
        raise _too_long(raw, exc) from None
    finally:
        if loader is not None:
            loader.dispose()
    check_tree(doc, max_depth)
    return doc
