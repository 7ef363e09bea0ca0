"""The shipped catalogues are the compiled join of the per-component parts."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

from lakou.i18n import LOCALE_DIR, _catalogue, language
from lakou.i18n import gettext as lakou_gettext

LANG_DIRS = sorted(p for p in LOCALE_DIR.glob("*/LC_MESSAGES") if list(p.glob("parts/*.po")))


def _messages(mo: Path) -> dict[object, str]:
    with mo.open("rb") as fh:
        catalog = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # header
    return catalog


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="Debian's gettext is not installed")
@pytest.mark.parametrize("lang_dir", LANG_DIRS, ids=lambda p: p.parent.name)
def test_compiled_catalogue_is_up_to_date(lang_dir: Path, tmp_path: Path) -> None:
    parts = sorted(str(p) for p in (lang_dir / "parts").glob("*.po"))
    joined = tmp_path / "django.po"
    subprocess.run(["msgcat", "--use-first", "--sort-output", "-o", joined, *parts], check=True)
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", fresh, joined], check=True)
    shipped = lang_dir / "django.mo"
    assert shipped.exists(), f"{shipped} missing: run scripts/compile-messages"
    assert _messages(shipped) == _messages(fresh), "stale catalogue: run scripts/compile-messages"


def test_french_is_shipped() -> None:
    assert (LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.mo").exists()
    _catalogue.cache_clear()
    with language("fr"):
        assert lakou_gettext("Exchanges") == "Points d'échange"
    with language("en"):
        assert lakou_gettext("Exchanges") == "Exchanges"
