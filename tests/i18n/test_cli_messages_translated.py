"""The messages of the newcomer's path are in French and Spanish, every one.

The tour's commands (PeeringDB load/prefill, territory lookup, the demo's counts, the
route-server build and its warnings, IX-F and clients.yml imports and their reports,
flows, what-if routes, the paths report) collected with
xgettext from their modules, each looked up in the compiled catalogues. A new message
without its translations fails here, naming it.
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
MODULES = [
    "cli/peeringdb.py",
    "cli/demo.py",
    "cli/territory.py",
    "cli/whatif.py",
    "cli/rs.py",
    "cli/ixf.py",
    "cli/clients.py",
    "cli/member.py",
    "cli/paths.py",
    "cli/flows.py",
    "cli/config_cmd.py",
    "flows/report.py",
    "registry/arouteserver.py",
    "ixf/common.py",
    "ixf/reader.py",
    "registry/ixf/import_.py",
    "registry/ixf/bulk.py",
    "peeringdb/dump.py",
    "peeringdb/client.py",
    "peeringdb/schema.py",
    "peeringdb/prefill.py",
    "registry/peeringdb.py",
    "registry/slugs.py",
    "demo/registry.py",
    "demo/data.py",
    "routeserver/build.py",
    "routeserver/plan.py",
    "territory/lookup.py",
    "territory/table.py",
    "paths/analyze.py",
    "paths/report.py",
]


def _msgids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        ["xgettext", "-L", "Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext",
         "--keyword=gettext_noop", "-o", str(pot), *(str(SRC / m) for m in MODULES)],
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


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="Debian's gettext is not installed")
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_message_is_translated(lang: str, tmp_path: Path) -> None:
    messages = _msgids(tmp_path)
    assert len(messages) > 150
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    missing = sorted(m for m in messages if m not in catalogue)
    assert missing == [], f"{lang}: {len(missing)} untranslated: {missing[:10]}"


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
