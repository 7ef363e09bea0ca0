"""``--help`` in the user's language.

Commands keep their help in English, where click reads it (docstrings and ``help=``
strings); the catalogues hold the French and Spanish. :func:`translate_help` translates a
command and its options in place, once the language is known (``-L`` is read before any
command group is loaded, see :class:`lakou.cli.LazyGroup`), paragraph by paragraph with
spaces collapsed, so a msgid is the paragraph as one line. The words click adds itself
("Usage:", "Options", "[default: ...]", "[required]") are translated by the formatter of
:class:`HelpContext`. Text without a translation stays English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import click

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_

# The words click writes around lakou's help (its own catalogue is not lakou's).
CLICK_WORDS = (N_("Usage:"), N_("Options"), N_("Commands"), N_("default:"), N_("required"))
_EXTRA = re.compile(r"\s+\[([^\[\]]*)\]$")
_TRANSLATED = "_lakou_help_language"


def paragraphs(text: str) -> Iterator[str]:
    """The msgids of a help text: its paragraphs, each on one line (``\\b`` blocks kept)."""
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.startswith("\b"):
            continue
        yield " ".join(block.split())


def translate_text(text: str | None) -> str | None:
    """``text`` with each paragraph translated (an untranslated one is kept as written)."""
    if not text:
        return text
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.startswith("\b"):
            out.append(block)
            continue
        msgid = " ".join(block.split())
        translated = _(msgid)
        out.append(block if translated == msgid else translated)
    return "\n\n".join(out)


def help_texts(command: click.Command) -> Iterator[str]:
    """Every msgid of ``command``'s help, its options' and its subcommands' (for the test
    that each has its French and Spanish)."""
    english = getattr(command, "_lakou_help_english", None) or {
        "help": command.help,
        "short_help": command.short_help,
        "params": [getattr(p, "help", None) for p in command.params],
    }
    for text in (english["help"], english["short_help"], *english["params"]):
        if text:
            yield from paragraphs(text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from help_texts(sub)


def translate_help(command: click.Command, language: str) -> None:
    """Translate ``command``, its options and subcommands in place, into the current
    language (``language`` names it, so a second call for the same one does nothing)."""
    original = getattr(command, "_lakou_help_english", None)
    if original is None:
        original = {
            "help": command.help,
            "short_help": command.short_help,
            "params": [getattr(p, "help", None) for p in command.params],
        }
        command._lakou_help_english = original  # type: ignore[attr-defined]
    if getattr(command, _TRANSLATED, None) != language:
        command.help = translate_text(original["help"])
        command.short_help = translate_text(original["short_help"])
        for param, text in zip(command.params, original["params"], strict=True):
            if text:
                param.help = translate_text(text)  # type: ignore[attr-defined]
        setattr(command, _TRANSLATED, language)
    command.context_class = HelpContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub, language)


class TranslatedFormatter(click.HelpFormatter):
    """click's formatter with click's own words in the user's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_("Usage:") + " ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl([(a, _extras(b)) for a, b in rows], col_max, col_spacing)


def _extras(text: str) -> str:
    """``help  [default: 25; required]`` with its help and click's words translated."""
    found = _EXTRA.search(text)
    head = text[: found.start()] if found else text
    head = translate_text(head) or head  # click's own options (--help) are made late
    if not found:
        return head
    words = found.group(1).replace("default:", _("default:")).replace("required", _("required"))
    return f"{head}  [{words}]"


class HelpContext(click.Context):
    formatter_class = TranslatedFormatter
