"""The translators' glossaries (`modules/<lang>/_glossary.yaml`): is each term used as agreed?

A glossary lists, per language, an English term, the term the translations use, and two regular
expressions: `source`, matched on the English text (case-folded), and `target`, matched on the
translated text folded by the caller's `fold` (trainer.quiz.normalise.normalise_text: case,
accents, Arabic diacritics and hamza seats folded; content cannot import it, so it is passed in).
A complete translated entry whose English text uses a term but whose translation lacks the target
gets a warning located at that field of the translation file (`trainer check` lists it, `--strict`
fails on it). A term left in English in the translation (a publication's title) is a name: fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.content.loader import read_file
from trainer.content.translation.overlay import (
    CURRICULUM_SHAPE,
    MODULE_SHAPE,
    Shape,
    Translations,
    child_key,
    get_path,
)
from trainer.errors import ContentError, Issue

GLOSSARY_FILE = "_glossary.yaml"
_NOT_PROSE = frozenset({"accepted"})  # accepted answers are variants, not prose


@dataclass(frozen=True)
class Term:
    """One glossary entry: the English term, the agreed translation and their two patterns."""

    en: str
    term: str
    source: re.Pattern[str]
    target: re.Pattern[str]


@dataclass(frozen=True)
class GlossaryCheck:
    """What checking translations against a glossary found: warnings, and how many uses it checked."""

    issues: tuple[Issue, ...]
    checked: int


def load_glossary(root: Path | str, language: str) -> tuple[Term, ...]:
    """Return the terms of `modules/<language>/_glossary.yaml` (none when there is no such file).

    Raises ContentError, located, for a malformed file or pattern.
    """
    file = Path(root) / "modules" / language / GLOSSARY_FILE
    if not file.is_file():
        return ()
    data, source = read_file(file, str(file))
    terms: list[Term] = []
    problems: list[Issue] = []
    entries = data.get("terms") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise ContentError([source.issue(("terms",), "a glossary needs a list of `terms`")])
    for index, entry in enumerate(entries):
        try:
            terms.append(Term(str(entry["en"]), str(entry["term"]), re.compile(str(entry["source"])),
                              re.compile(str(entry["target"]))))
        except (KeyError, TypeError) as exc:
            problems.append(source.issue(("terms", index), f"each term needs en, term, source and "
                                         f"target ({exc})"))
        except re.error as exc:
            problems.append(source.issue(("terms", index), f"bad pattern: {exc}"))
    if problems:
        raise ContentError(problems)
    return tuple(terms)


def _entries(shape: Shape, src: Any, out: Any, key: str) -> Iterator[tuple[str, Shape, dict[str, Any],
                                                                           dict[str, Any]]]:
    """Yield (key, shape, source entry, translated entry) for an entry and every entry inside it."""
    yield key, shape, src, out
    for path, child in shape.children:
        src_node, out_node = get_path(src, path), get_path(out, path)
        if isinstance(src_node, Mapping):
            yield from _entries(child, src_node, out_node, child_key(key, path, None))
        elif src_node:
            for index, (one, other) in enumerate(zip(src_node, out_node, strict=True)):
                label = one["id"] if child.keyed else index
                yield from _entries(child, one, other, child_key(key, path, label))


def check_glossaries(
    root: Path | str, translations: Translations, fold: Callable[[str], str]
) -> GlossaryCheck:
    """Return a warning for every complete translated text that does not use a glossary term."""
    issues: list[Issue] = []
    checked = 0
    glossaries: dict[str, tuple[Term, ...]] = {}
    found: list[tuple[str, Shape, Any, Any, Any]] = [
        (lang, MODULE_SHAPE, result, translations.loaded[key].source, "module")
        for key, result in translations.translated.items() for lang in (key[1],)
    ] + [
        (lang, CURRICULUM_SHAPE, result, translations.curricula_loaded[key].source, "curriculum")
        for key, result in translations.curricula.items() for lang in (key[1],)
    ]
    for language, shape, result, source_map, root_key in found:
        if language not in glossaries:
            glossaries[language] = load_glossary(root, language)
        terms = glossaries[language]
        if not terms:
            continue
        shown = result.module if root_key == "module" else result.curriculum
        states = {item.key: item for item in result.items}
        for key, entry_shape, src, out in _entries(shape, result.source.model_dump(),
                                                   shown.model_dump(), root_key):
            item = states.get(key)
            if item is None or item.state != "complete" or item.loc is None:
                continue
            for name in entry_shape.fields:
                english, translated = src.get(name), out.get(name)
                if name in _NOT_PROSE or not isinstance(english, str) or not isinstance(translated, str):
                    continue
                folded_en, folded = english.casefold(), fold(translated)
                for term in terms:
                    if not term.source.search(folded_en) or term.source.search(translated.casefold()):
                        continue
                    checked += 1
                    if not term.target.search(folded):
                        issues.append(source_map.issue(
                            (*item.loc, name), f"glossary: the source says '{term.en}'; use "
                            f"'{term.term}' (modules/{language}/{GLOSSARY_FILE})", severity="warning"))
    return GlossaryCheck(tuple(sorted(issues, key=lambda i: (i.path, i.line, i.column))), checked)
