"""trainer.services.certificates: what a certificate names, in the workshop's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trainer.content.catalogue import load_catalogue
from trainer.services.certificates import module_title


def test_certificate_module_titles_are_translated_when_a_translation_is_current(
        sample_without: Callable[..., Path]) -> None:
    catalogue = load_catalogue(sample_without("fr/effective-central-authority"))
    french = module_title(catalogue, "mandate-2322", "fr")
    assert french.language == "fr"
    assert french.text == catalogue.module_in("mandate-2322", "fr").title
    # Every sample module is translated into French and Arabic: none is into German.
    untranslated = module_title(catalogue, "effective-central-authority", "de")
    assert untranslated.language == "en"
    assert untranslated.text == catalogue.module("effective-central-authority").title
