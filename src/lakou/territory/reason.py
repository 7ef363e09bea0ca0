"""Why a network has its class, kept as a sentence to translate rather than a sentence.

The classifier (:mod:`lakou.territory.classify`) says why in words; the inventory stores
the words in the language of the build (for the CLI and the CSV) and also the English
template and its values, so a reader in another language (the portal's visitor) gets the
reason in theirs. Only the classifier's own templates are rendered back from a file: an
inventory is a file from outside, and a template from it is never used as a format string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from lakou.i18n import gettext

_NAME = re.compile(r"[a-z_]{1,20}")
Value = Union[str, "Reason"]


@dataclass(frozen=True)
class Reason:
    """``template`` (an English msgid with ``{name}`` fields) and the values of its fields,
    themselves text or reasons (``{where}`` may be "registered in {country}")."""

    template: str
    args: Mapping[str, Value] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = gettext) -> str:
        values = {
            k: v.render(translate) if isinstance(v, Reason) else v for k, v in self.args.items()
        }
        return translate(self.template).format_map(values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "args": {k: v.as_dict() if isinstance(v, Reason) else v for k, v in self.args.items()},
        }

    @classmethod
    def from_dict(cls, doc: Any, known: frozenset[str], depth: int = 0) -> Reason | None:
        """The reason a file holds, or None when it is not one of ``known`` templates with
        plain values (the reader then shows the stored words)."""
        if depth > 2 or not isinstance(doc, dict) or doc.get("template") not in known:
            return None
        args: dict[str, Value] = {}
        raw = doc.get("args") or {}
        if not isinstance(raw, dict):
            return None
        for key, value in raw.items():
            if not (isinstance(key, str) and _NAME.fullmatch(key)):
                return None
            if isinstance(value, dict):
                nested = cls.from_dict(value, known, depth + 1)
                if nested is None:
                    return None
                args[key] = nested
            elif isinstance(value, str | int | float):
                args[key] = str(value)
            else:
                return None
        reason = cls(str(doc["template"]), args)
        try:
            reason.render(lambda text: text)  # every field of the template has a value
        except (KeyError, IndexError, ValueError):
            return None
        return reason
