"""``--help`` speaks the user's language: lakou's own help texts and click's words."""

from __future__ import annotations

from click.testing import CliRunner

from lakou.cli import main
from lakou.cli.helptext import help_texts, paragraphs, translate_text
from lakou.i18n import language


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="lakou")
    assert result.exit_code == 0, result.output
    return result.output


def test_main_help_in_three_languages() -> None:
    french = _help("-L", "fr")
    assert french.startswith("Utilisation : lakou")
    assert "Langue de la sortie : en, fr ou es." in french
    assert "Afficher ce message et quitter." in french and "Commandes" in french
    spanish = _help("-L", "es")
    assert spanish.startswith("Uso: lakou") and "Mostrar este mensaje y salir." in spanish
    english = _help("-L", "en")
    assert english.startswith("Usage: lakou") and "Show this message and exit." in english


def test_a_group_loaded_after_the_language_is_chosen_switches_back_and_forth() -> None:
    # the same command objects serve each invocation: English is kept to translate again
    assert "Uso: lakou flows replay" in _help("-L", "es", "flows", "replay")
    assert "Usage: lakou flows replay" in _help("-L", "en", "flows", "replay")
    assert "[par défaut :" in _help("-L", "fr", "watch", "run")  # click's "[default: 25]"


def test_paragraphs_are_msgids_on_one_line() -> None:
    text = "Build a route-server\n  configuration.\n\n\bkeep\n  as is\n\nSecond one."
    assert list(paragraphs(text)) == ["Build a route-server configuration.", "Second one."]
    with language("fr"):
        assert translate_text("Language of the output:\n en, fr or es.") == (
            "Langue de la sortie : en, fr ou es."
        )
        assert translate_text("Not in any catalogue.\n\nNor this.") == (
            "Not in any catalogue.\n\nNor this."
        )
    assert "Language of the output: en, fr or es." in set(help_texts(main))
