"""The interface catalogs: every string extracted, translated into French and Arabic, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from trainer import locales

TRANSLATED = [language for language in locales.LANGUAGES if language != locales.SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%%|\{[a-z_]+\}")


def _catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_template_holds_every_string_of_the_code_and_templates(repo_root: Path) -> None:
    with (repo_root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = dict(DEFAULT_KEYWORDS) | {"_l": None}
    found = {message for _file, _line, message, _comments, _context in
             extract_from_dir(str(repo_root), method_map, options_map, keywords)}
    # A msgid used both alone and with a plural is one entry, keyed by its singular.
    extracted = {m if isinstance(m, str) else m[0] for m in found}
    template = {m.id if isinstance(m.id, str) else m.id[0]
                for m in _catalog(locales.LOCALES_DIR / "messages.pot") if m.id}
    missing = sorted(extracted - template)
    assert not missing, ("strings not in trainer/locales/messages.pot (run `make messages`, then "
                         f"translate them): {missing}")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language: str) -> None:
    template = _catalog(locales.LOCALES_DIR / "messages.pot")
    catalog = _catalog(locales.catalog_path(language), language)
    problems = []
    for source in template:
        if not source.id:
            continue
        found = catalog.get(source.id)
        if found is None or found.fuzzy:
            problems.append(f"untranslated: {source.id!r}")
            continue
        forms = found.string if isinstance(found.string, tuple) else (found.string,)
        if isinstance(source.id, tuple) and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} plural forms, {catalog.num_plurals} needed: {source.id!r}")
        if not all(forms):
            problems.append(f"empty translation: {source.id!r}")
    assert not problems, f"{language}: " + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = _catalog(locales.catalog_path(language), language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            wanted = _placeholders(plural)
            # A plural form may leave out the count ("نقطتان": two points), nothing else.
            allowed = set(wanted) | set(_placeholders(singular))
            needed = set(wanted) - {"%(num)d", "%(num)s"}
            for form in message.string:
                got = set(_placeholders(form))
                if not got <= allowed or not needed <= got:
                    problems.append(f"{message.id!r}: {form!r}")
        elif _placeholders(message.id) != _placeholders(message.string):
            problems.append(f"{message.id!r}: {message.string!r}")
    assert not problems, f"{language}: " + "\n".join(problems)


def test_catalogs_compile_and_translate() -> None:
    french, arabic = locales.translations("fr"), locales.translations("ar")
    assert french.gettext("Contents") == "Sommaire"
    assert arabic.gettext("Answer key") == "مفتاح الإجابات"
    assert locales.translations("en").gettext("Contents") == "Contents"
    assert locales.translations("fr-CA") is french


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 سؤال"), (1, "سؤال واحد"), (2, "سؤالان"), (3, "3 أسئلة"), (11, "11 سؤالًا"),
    (100, "100 سؤال"),
])
def test_arabic_plurals_follow_cldr(count: int, expected: str) -> None:
    text = locales.translations("ar").ngettext("%(num)d question", "%(num)d questions", count)
    assert text % {"num": count} == expected


def test_fractional_counts_pick_a_form_without_warnings() -> None:
    # Points can be 0.5 or 1.5; gettext's own plural expressions only take integers.
    arabic = locales.translations("ar").ngettext("%(num)s point", "%(num)s points", 1.5)
    french = locales.translations("fr").ngettext("%(num)s point", "%(num)s points", 1.5)
    assert arabic == "%(num)s نقطة"
    assert french == "%(num)s point"
