"""Every ``--help`` of lakou is in French and Spanish, every paragraph of it (and every
option description ``lakou config dump`` writes).

The msgids are the ones :func:`lakou.cli.helptext.help_texts` yields for ``lakou`` itself
and for every command group of :data:`lakou.cli.COMMAND_GROUPS` (loaded as ``lakou GROUP
--help`` loads it), plus the groups' one-line helps of ``lakou --help`` and the words click
writes itself. Each is looked up in the compiled catalogues; a help text added without its
translations fails here, named.
"""

from __future__ import annotations

import ast
import gettext
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

import lakou.cli
from lakou.cli import COMMAND_GROUPS, main
from lakou.cli.helptext import CLICK_WORDS, help_texts, paragraphs
from lakou.config import DUMP_HEADER, descriptions
from lakou.i18n import LOCALE_DIR

# click's own help of --help and --version (its catalogue is not lakou's)
CLICK_OPTIONS = ("Show this message and exit.", "Show the version and exit.")


def _catalogue(lang: str) -> dict[object, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined,no-any-return]


def _group(module: str) -> click.Command:
    command: click.Command = importlib.import_module(module).cli
    return command


def help_msgids() -> set[str]:
    found = set(help_texts(main)) | set(CLICK_WORDS) | set(CLICK_OPTIONS)
    for module, one_line in COMMAND_GROUPS.values():
        found.add(one_line)
        found |= set(help_texts(_group(module)))
    return found


def test_every_group_has_help_to_translate() -> None:
    # the collection itself works: each group brings its own paragraphs
    for name, (module, _one_line) in COMMAND_GROUPS.items():
        assert list(help_texts(_group(module))), f"lakou {name} has no help at all"
    assert len(help_msgids()) > 250


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_help_text_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    missing = sorted(m for m in help_msgids() if not catalogue.get(m))
    assert missing == [], f"{lang}: {len(missing)} help texts untranslated:\n" + "\n".join(missing)


def _own_texts(command: click.Command) -> Iterator[tuple[click.Command, list[str]]]:
    """Each command with the msgids of its own help (not its subcommands')."""
    english = getattr(command, "_lakou_help_english", None) or {
        "help": command.help,
        "short_help": command.short_help,
        "params": [getattr(p, "help", None) for p in command.params],
    }
    texts = (english["help"], english["short_help"], *english["params"])
    yield command, [m for t in texts if t for m in paragraphs(t)]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _own_texts(sub)


def _metavars(command: click.Command) -> set[str]:
    """The words the usage line shows as they are: argument names and metavars."""
    words: set[str] = set()
    for param in command.params:
        shown = param.human_readable_name if isinstance(param, click.Argument) else param.metavar
        words |= set(re.findall(r"[A-Z][A-Z_]+", shown or ""))
    return words


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translations_keep_option_names_metavars_and_placeholders(lang: str) -> None:
    # ``--force``, ``FILE``, ``NAME``, ``{n}``, ``%(x)s`` are typed or filled, not translated
    catalogue = _catalogue(lang)
    commands = list(_own_texts(main))
    for module, _one_line in COMMAND_GROUPS.values():
        commands.extend(_own_texts(_group(module)))
    options = {o for command, _ in commands for p in command.params for o in p.opts}
    wrong, checked = [], 0
    for command, msgids in commands:
        typed = options | _metavars(command)
        for msgid in msgids:
            words = re.findall(r"--[a-z][a-z0-9-]*|\b[A-Z][A-Z_]+\b", msgid)
            tokens = {t for t in words if t in typed}
            tokens |= set(re.findall(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]", msgid))
            checked += len(tokens)
            lost = sorted(t for t in tokens if t not in catalogue.get(msgid, ""))
            if lost:
                wrong.append(f"{command.name}: {msgid!r} loses {lost}")
    assert checked > 20  # the options and metavars are found in the help
    assert wrong == [], f"{lang}:\n" + "\n".join(wrong)


def test_help_is_written_in_english_and_translated_when_shown() -> None:
    # help=_("...") would be translated once, in the language active at import, and that
    # text taken for the English one: help texts are plain strings or N_("...")
    cli_dir = Path(lakou.cli.__file__).parent
    early = []
    for path in sorted(cli_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for keyword in getattr(node, "keywords", []) if isinstance(node, ast.Call) else []:
                value = keyword.value
                if (
                    keyword.arg in {"help", "short_help", "epilog"}
                    and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id in {"_", "gettext"}
                ):
                    early.append(f"{path.name}:{node.lineno}")
    assert early == [], f"help translated at import: {early}"


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_option_description_of_config_dump_is_translated(lang: str) -> None:
    # ``lakou config dump`` writes each option's description above it, as a comment
    found = {DUMP_HEADER, *descriptions()}
    assert len(found) > 100
    catalogue = _catalogue(lang)
    missing = sorted(m for m in found if not catalogue.get(m))
    assert missing == [], f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing)


def test_config_dump_speaks_the_users_language() -> None:
    from click.testing import CliRunner

    french = CliRunner().invoke(main, ["-L", "fr", "config", "dump"], prog_name="lakou")
    assert french.exit_code == 0, french.output
    assert french.output.startswith("# configuration effective de lakou")
    assert "# Langue de la sortie en ligne de commande : en, fr ou es." in french.output
    assert "  language: " in french.output  # the keys stay as the file spells them
