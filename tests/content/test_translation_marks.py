"""Marking text in another language than the page's: `lang`/`dir` attributes, and the words of a
source's title that a translation keeps in the cited work's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.translation.marks import lang_attributes, marked_runs, source_title_runs


@pytest.fixture(scope="module")
def catalogue(sample_root: Path) -> Catalogue:
    return load_catalogue(sample_root)


def _runs(catalogue: Catalogue, module_id: str, language: str, title_start: str
          ) -> tuple[tuple[str, str], ...]:
    source = catalogue.modules[module_id]
    index = next(i for i, s in enumerate(source.sources) if s.title.startswith(title_start))
    return source_title_runs(source, catalogue.module_in(module_id, language), index)


def test_lang_attributes_compare_base_languages_and_escape() -> None:
    assert lang_attributes("en", "fr") == ' lang="en" dir="ltr"'
    assert lang_attributes("ar", "en") == ' lang="ar" dir="rtl"'
    assert lang_attributes("fr-CA", "fr") == ""
    assert lang_attributes(None, "fr") == ""
    assert marked_runs([("A <b>", "fr"), ("C & D", "en")], "fr") == (
        'A &lt;b&gt; <span lang="en" dir="ltr">C &amp; D</span>')


def test_a_title_kept_whole_is_in_the_source_language(catalogue: Catalogue) -> None:
    assert _runs(catalogue, "mla-extradition-guardrails", "fr", "Gherson") == (
        ("Gherson, What is dual criminality in extradition?", "en"),)
    # In Arabic, the Latin-script name before the Arabic comma belongs to the title.
    assert _runs(catalogue, "mla-extradition-guardrails", "ar", "Gherson") == (
        ("Gherson، What is dual criminality in extradition?", "en"),)


def test_a_translated_date_after_a_kept_title_is_the_translations(catalogue: Catalogue) -> None:
    assert _runs(catalogue, "mandate-2322", "fr", "Global Center") == (
        ("Global Center on Cooperative Security, Strengthening the Case: Good Criminal Justice "
         "Practices to Counter Terrorism", "en"),
        ("(septembre 2015)", "fr"))


def test_brackets_around_kept_words_are_kept_with_them(catalogue: Catalogue) -> None:
    # "(Mutual … Tool)": the words are compared without their punctuation.
    assert _runs(catalogue, "drafting-requests", "fr", "UNODC Mutual Legal Assistance")[-1] == (
        "(Mutual Legal Assistance Request Writer Tool)", "en")
    # A bracket the translation closes stays with the translation.
    arabic = _runs(catalogue, "effective-central-authority", "ar", "IIJ, L'IIJ")
    assert arabic[-1] == ("(28 أيلول/سبتمبر 2018)", "ar")


def test_a_cited_work_in_another_language_than_the_module_says_so(catalogue: Catalogue) -> None:
    # The English module cites a French page (`language: fr` on the source).
    english = _runs(catalogue, "effective-central-authority", "en", "IIJ, L'IIJ")
    assert english == (("IIJ, L'IIJ lance ses bonnes pratiques pour les autorités centrales "
                        "(28 September 2018)", "fr"),)
    arabic = _runs(catalogue, "effective-central-authority", "ar", "IIJ, L'IIJ")
    assert arabic[1] == ("L'IIJ lance ses bonnes pratiques pour les autorités centrales", "fr")
    assert {language for _text, language in _runs(
        catalogue, "effective-central-authority", "fr", "IIJ, L'IIJ")} == {"fr"}


def test_a_title_translated_whole_is_the_translations(catalogue: Catalogue) -> None:
    source = catalogue.modules["mandate-2322"]
    shown = catalogue.module_in("mandate-2322", "fr")
    translated = [source_title_runs(source, shown, index) for index in range(len(source.sources))
                  if shown.sources[index].title != source.sources[index].title]
    whole = [runs for runs in translated if len(runs) == 1]
    assert whole
    assert all(runs[0][1] == "fr" for runs in whole)
