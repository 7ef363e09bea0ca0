"""Every message the CLI can print is in French and Spanish.

The modules are every one outside the web app's own (``portal/``, ``accounts/``, Django's
``admin``, ``apps``, ``models``, ``urls`` and ``views`` modules, migrations and template
tags, whose strings are Django's to show): the command groups, the engines they call, the
registry's modules they print from, configuration, inputs and vocabulary. Their messages
(``_``, ``gettext``, ``gettext_noop``, ``N_``, ``ngettext``) are collected with xgettext and
each looked up in the compiled catalogues. A new message without its translations fails
here, named; so does a new module, without anyone having to list it.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lakou.i18n import LOCALE_DIR, language
from lakou.i18n import gettext as lakou_gettext

SRC = Path(__file__).resolve().parents[2] / "src" / "lakou"
WEB_ONLY_DIRS = {"portal", "accounts", "migrations", "templatetags", "locale"}
WEB_ONLY_MODULES = {"admin.py", "apps.py", "models.py", "urls.py", "views.py"}


def cli_modules() -> list[Path]:
    """Every module whose messages a command may print (see the module's docstring)."""
    return [
        path
        for path in sorted(SRC.rglob("*.py"))
        if not set(path.relative_to(SRC).parts[:-1]) & WEB_ONLY_DIRS
        and path.name not in WEB_ONLY_MODULES
    ]


def _msgids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        ["xgettext", "-L", "Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext",
         "--keyword=gettext_noop", "--keyword=N_", "--keyword=ngettext:1,2", "-o", str(pot),
         *(str(m) for m in cli_modules())],
        check=True,
    )  # fmt: skip
    found = set()
    for block in pot.read_text(encoding="utf-8").split("\n\n")[1:]:
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
            text = "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode()
            if text:
                found.add(text)
    return found


def test_the_walk_finds_the_cli_and_its_engines_not_the_web_app() -> None:
    found = {str(p.relative_to(SRC)) for p in cli_modules()}
    assert {"cli/peeringdb.py", "cli/rs.py", "routeserver/build.py", "territory/lookup.py"} <= found
    assert {"whatif/graph.py", "ixf/reader.py", "vocabulary.py"} <= found
    assert not {"registry/models.py", "registry/views.py", "portal/urls.py"} & found


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="Debian's gettext is not installed")
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_message_is_translated(lang: str, tmp_path: Path) -> None:
    messages = _msgids(tmp_path)
    assert len(messages) > 900
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    # a plural message is in the catalogue under (msgid, 0)
    missing = sorted(m for m in messages if not (catalogue.get(m) or catalogue.get((m, 0))))
    assert missing == [], f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing)


def test_the_tours_words_in_three_languages() -> None:
    for lang, words in {
        "fr": ("aucun point d'échange", "rien à mesurer", "PeeringDB chargé depuis des fichiers"),
        "es": ("ningún punto de intercambio", "nada que medir", "PeeringDB cargado desde archivos"),
    }.items():
        with language(lang):
            assert lakou_gettext("no exchange with slug %(slug)r; the registry has none yet") != (
                "no exchange with slug %(slug)r; the registry has none yet"
            )
            shown = " ".join(
                lakou_gettext(m)
                for m in (
                    "no exchange with slug %(slug)r; the registry has: %(slugs)s",
                    "nothing to measure",
                    "PeeringDB loaded from files",
                )
            )
            for word in words:
                assert word in shown, (lang, word)
