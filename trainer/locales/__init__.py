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
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from babel import Locale
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
