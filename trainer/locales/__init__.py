"""Interface catalogs: the English, French and Arabic text of the web app and the PDF boilerplate.

`messages.pot` is extracted from the code and templates (`babel.cfg` at the repository root);
`<lang>/LC_MESSAGES/messages.po` holds each translation. Nothing compiled is kept in the
repository: the first time a process needs a language, its `.po` is read and compiled in memory
(a few milliseconds), so a catalog edited in a checkout is used at the next start with no build step.

Rules of this package: it imports Babel only (no Flask, no Jinja), so the web app, the exports and
the CLI can all use it. Plurals follow CLDR through Babel, so a fractional count (1.5 points)
picks the right form instead of tripping `gettext`'s integer-only plural expressions.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.plural import PluralRule
from babel.support import NullTranslations, Translations

logger = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "fr", "ar")
# The endonyms shown in the language switcher: each language is offered in its own words.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "yi"})
_PLURAL_TAGS = ("zero", "one", "two", "few", "many", "other")
# Dates in English are written the British way ("16–20 May 2017"), as in UN documents.
_DATE_LOCALES = {"en": "en_GB"}

Gettext = Callable[[str], str]


def base_language(language: str) -> str:
    """Return the two-letter part of a language tag: "fr" for "fr-CA" or "fr_FR"."""
    return language.replace("_", "-").split("-")[0].lower()


def text_direction(language: str) -> str:
    """Return "rtl" for a right-to-left language, else "ltr"."""
    return "rtl" if base_language(language) in RTL_LANGUAGES else "ltr"


def direction_of(text: str, default: str = "ltr") -> str:
    """Return the direction of a text by its first strong letter (HTML's dir="auto", done here
    for WeasyPrint, which does not resolve "auto": "Amina K." is "ltr", "عمر" is "rtl")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def catalog_path(language: str) -> Path:
    """Return the `.po` file of a language."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _plural_function(language: str) -> Callable[[float | Decimal], int]:
    """Return n → plural form index, from CLDR rules (the order the catalog's forms are in)."""
    rule = PluralRule(Locale.parse(language).plural_form.rules)
    order = [tag for tag in _PLURAL_TAGS if tag in rule.tags or tag == "other"]

    def plural(n: float | Decimal) -> int:
        return order.index(rule(n if n >= 0 else -n))

    return plural


def translations(language: str) -> NullTranslations:
    """Return the compiled catalog of a language (NullTranslations for English or an unknown one)."""
    return _compiled(base_language(language))


@functools.cache
def _compiled(language: str) -> NullTranslations:
    path = catalog_path(language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    compiled = Translations(fp=buffer, domain=DOMAIN)
    compiled.plural = _plural_function(language)
    logger.debug("interface catalog %s compiled from %s", language, path)
    return compiled


def gettext_for(language: str) -> Gettext:
    """Return a gettext function for `language` (what the PDF exports take as `gettext=`)."""
    return translations(language).gettext


def _parse_date(value: str) -> tuple[date, bool]:
    """Return the date and whether its day is known (`YYYY-MM` dates have no day)."""
    parts = [int(part) for part in value.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1), len(parts) == 3


def format_dates(start: str, end: str, language: str = SOURCE_LANGUAGE) -> str:
    """Return a workshop's dates for people in `language`: "16–20 May 2017", "March 2016".

    `start` and `end` are the content's `YYYY-MM-DD` or `YYYY-MM` strings; the one function for
    the web pages, the handbooks, reports and certificates.
    """
    locale = _DATE_LOCALES.get(base_language(language), language)
    first, first_day = _parse_date(start)
    last, last_day = _parse_date(end)
    if first_day and last_day:
        if first == last:
            return format_date(first, "d MMMM y", locale=locale)
        return format_interval(first, last, "yMMMMd", locale=locale)
    if (first.year, first.month) == (last.year, last.month):
        return format_date(first, "MMMM y", locale=locale)
    return format_interval(first, last, "yMMMM", locale=locale)


@functools.lru_cache(maxsize=16)
def decimal_sign(language: str) -> str:
    """Return the decimal sign numbers take in `language` (CLDR's: "," in French; "." in English
    and in Arabic, whose interface writes Western digits)."""
    try:
        return str(Locale.parse(base_language(language) or SOURCE_LANGUAGE).number_symbols[
            "latn"]["decimal"])
    except (UnknownLocaleError, ValueError, KeyError):
        return "."


def language_name_in(code: str, language: str) -> str:
    """Return the name of language `code` written in `language` ("français", "الفرنسية").

    CLDR's name as it stands in a sentence (French and Spanish names are lower case); the
    endonym of LANGUAGE_NAMES, else the code, when CLDR has none.
    """
    try:
        name = Locale.parse(base_language(language)).languages.get(base_language(code))
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name) if name else LANGUAGE_NAMES.get(code, code)


def without_label(title: str, msgid: str = "Case study", *, capitalise: bool = False) -> str:
    """Return `title` without a leading label `msgid` in any interface language, for pages that
    print the label themselves: "Case study: briefing the Minister" → "briefing the Minister"
    (also "Étude de cas : …", "دراسة حالة: …"); `capitalise` for a heading of its own. A title
    that is only the label stays whole."""
    for language in LANGUAGES:
        label = translations(language).gettext(msgid)
        found = re.match(rf"\s*{re.escape(label)}\s*[:：]\s*", title, re.IGNORECASE)
        if found and found.end() < len(title):
            rest = title[found.end():]
            return rest[:1].upper() + rest[1:] if capitalise else rest
    return title
