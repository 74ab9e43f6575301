"""The glossaries (modules/<lang>/_glossary.yaml): every sample translation uses their terms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trainer.content.catalogue import load_catalogue
from trainer.content.loader import read_file
from trainer.content.translation.overlay import MODULE_SHAPE, Shape, load_translations
from trainer.quiz.normalise import normalise_text

LANGUAGES = ("fr", "ar")


def _fields(shape: Shape) -> set[str]:
    names = set(shape.fields)
    for _, child in shape.children:
        names |= _fields(child)
    return names


TEXT_FIELDS = _fields(MODULE_SHAPE) - {"accepted"}  # accepted answers are variants, not prose


def _texts(source: Any, translated: Any, where: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield (where, source text, translated text) for every text field of two mirrored dumps."""
    if isinstance(source, dict):
        for key, value in source.items():
            if key == "accepted":
                continue
            if key in TEXT_FIELDS and isinstance(value, str):
                yield f"{where}.{key}", value, translated[key]
            elif isinstance(value, dict | list):
                yield from _texts(value, translated[key], f"{where}.{key}")
    elif isinstance(source, list):
        for index, (ours, theirs) in enumerate(zip(source, translated, strict=True)):
            yield from _texts(ours, theirs, f"{where}[{index}]")


def _glossary(root: Path, language: str) -> list[dict[str, str]]:
    data, _ = read_file(root / "modules" / language / "_glossary.yaml", f"{language}/_glossary.yaml")
    assert data["language"] == language
    terms: list[dict[str, str]] = data["terms"]
    return terms


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_glossary_terms(sample_root: Path, language: str) -> None:
    catalogue = load_catalogue(sample_root)
    translations = load_translations(sample_root, catalogue)
    terms = _glossary(sample_root, language)
    assert len(terms) >= 12
    misses: list[str] = []
    checked = 0
    for (module_id, lang), found in translations.translated.items():
        if lang != language:
            continue
        pairs = _texts(found.source.model_dump(), found.module.model_dump())
        for where, source, translated in pairs:
            english, target = source.casefold(), normalise_text(translated)
            for term in terms:
                # A term left in English is a name (a publication's title), not a translation.
                if re.search(term["source"], english) and not re.search(
                    term["source"], translated.casefold()
                ):
                    checked += 1
                    if not re.search(term["target"], target):
                        misses.append(f"{module_id}{where}: '{term['en']}' is not '{term['term']}'")
    assert checked > 200
    assert misses == []


def test_glossary_targets_match_their_own_terms(sample_root: Path) -> None:
    for language in LANGUAGES:
        for term in _glossary(sample_root, language):
            assert re.search(term["target"], normalise_text(term["term"])), term
            assert re.search(term["source"], term["en"].casefold()), term
