"""Interface language and text direction: Flask-Babel set up so every UI string is translatable.

A view says what language its page is in (`use_language`, usually the workshop's or the module's
language); the page's `lang` and `dir` follow it, and the interface is shown in that language when
a translation of the interface exists (trainer/web/translations), otherwise in English.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "yi"})


def text_direction(language: str) -> str:
    """Return "rtl" for a right-to-left language, else "ltr"."""
    return "rtl" if language.split("-")[0].split("_")[0] in RTL_LANGUAGES else "ltr"


def use_language(language: str) -> None:
    """Declare the content language of the page being built (call before rendering)."""
    g.page_language = language


def page_language() -> str:
    """Return the language of the current page (for `lang` and `dir`)."""
    found = g.get("page_language")
    return str(found) if found else str(get_locale() or "en")


def select_locale() -> str:
    """Pick the interface locale: the page's language when supported, else the browser's."""
    supported: tuple[str, ...] = tuple(current_app.config["TRAINER_LANGUAGES"])
    wanted = g.get("page_language")
    if wanted in supported:
        return str(wanted)
    best = request.accept_languages.best_match(supported) if request else None
    return best or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def register_i18n(app: Flask) -> None:
    """Set up Flask-Babel and put `page_lang`/`page_dir` into every template."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def language_context() -> dict[str, str]:
        language = page_language()
        return {"page_lang": language, "page_dir": text_direction(language)}
