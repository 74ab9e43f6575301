"""Interface language and text direction: Flask-Babel on the catalogs of `trainer.locales`.

The interface language of a request is, in order: the language the visitor chose with the
switcher (kept in the session), the language of the signed-in trainee's workshop, the browser's
`Accept-Language`, English. The page's `lang` and `dir` follow it. Content keeps its own language:
a module is shown translated when a translation exists (`Catalogue.module_in`), and any text
shown in another language than the page's is marked with `lang_attrs` so screen readers switch
voice and the text runs in its own direction.

Routes: POST /language (the switcher; CSRF-protected like every POST) → back to the same page.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlsplit

from babel import Locale
from babel.support import NullTranslations
from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from flask_babel import Babel, Domain, get_locale
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer import locales
from trainer.content.models import Curriculum, Module, Workshop
from trainer.content.translation.marks import lang_attributes, marked_runs, source_title_runs
from trainer.errors import StoreError
from trainer.locales import (
    LANGUAGE_NAMES,
    base_language,
    language_name_in,
    text_direction,
    without_label,
)
from trainer.web.learn.participants import current_trainee
from trainer.web.state import catalogue

logger = logging.getLogger(__name__)

LANGUAGE_KEY = "language"  # the session key of the switcher's choice (kept by sign_in)

bp = Blueprint("i18n", __name__)

__all__ = ["LANGUAGE_KEY", "content_lang", "curriculum_lang", "interface_language", "isolate",
           "lang_attrs", "register_i18n", "shown_workshop", "text_direction", "title_lang",
           "use_language"]


class CatalogDomain(Domain):  # type: ignore[misc]  # flask_babel has no type information
    """The `messages` domain, served from the catalogs compiled once per process."""

    def get_translations(self) -> NullTranslations:
        """Return the catalog of the request's interface language."""
        locale = get_locale()
        return locales.translations(str(locale) if locale else locales.SOURCE_LANGUAGE)


def _supported() -> tuple[str, ...]:
    return tuple(current_app.config["TRAINER_LANGUAGES"])


def _workshop_language() -> str | None:
    try:
        trainee = current_trainee()
    except StoreError:
        # The database is down (the 503 page is being built): fall back to the browser's choice.
        return None
    return base_language(trainee.workshop.language) if trainee else None


def select_locale() -> Locale:
    """Pick the interface language: switcher, then workshop, then Accept-Language, then default."""
    return _locale(_select_language())


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    """Return the babel Locale of a language code, made once (Flask-Babel would parse the code
    again on every request: a twentieth of a cached quiz page's view; it takes a Locale as is)."""
    return Locale.parse(code)


def _select_language() -> str:
    supported = _supported()
    chosen = session.get(LANGUAGE_KEY)
    if isinstance(chosen, str) and chosen in supported:
        return chosen
    workshop = _workshop_language()
    if workshop in supported:
        return str(workshop)
    best = request.accept_languages.best_match(supported)
    return best or str(current_app.config["BABEL_DEFAULT_LOCALE"])


def interface_language() -> str:
    """Return the interface language of the current request ("en", "fr", "ar")."""
    locale = get_locale()
    return str(locale) if locale else locales.SOURCE_LANGUAGE


def use_language(language: str) -> None:
    """Declare the language of the content a view shows (the interface language does not change)."""
    g.content_language = language


def lang_attrs(language: str | None) -> Markup:
    """Return ` lang=".." dir=".."` for text in `language` when it differs from the page's, else ""."""
    return lang_attributes(language, interface_language())


def _content_language(module: Module, key: str | None) -> str:
    language = module.language
    if key is not None:
        translated = catalogue().translations.get(module.id, module.language)
        if translated is not None and key in translated.fallback:
            language = translated.source.language
    return language


def content_lang(module: Module, key: str | None = None) -> Markup:
    """Return `lang_attrs` for a module's text: its language, or the source's for an entry that
    falls back (`key` as in TranslatedModule.fallback: "module", "sections.<id>", "questions.<id>",
    "questions.<id>.options.<id>" …)."""
    return lang_attrs(_content_language(module, key))


def source_title(module: Module, index: int) -> Markup:
    """Return the title of a module's source `index` with the words a translation kept in the
    source's language (a title that exists only in English) marked, inside an element marked
    with `content_lang(module, "sources[<index>]")`."""
    around = _content_language(module, f"sources[{index}]")
    return marked_runs(source_title_runs(catalogue().modules[module.id], module, index), around)


def curriculum_lang(curriculum: Curriculum, key: str | None = None) -> Markup:
    """Return `lang_attrs` for a curriculum's text: its language, or the source's for an entry that
    falls back (`key` as in TranslatedCurriculum.fallback: "curriculum", "pre_test", "post_test",
    "workshops.<id>")."""
    language = curriculum.language
    if key is not None:
        translated = catalogue().translations.get_curriculum(curriculum.id, curriculum.language)
        if translated is not None and key in translated.fallback:
            language = translated.source.language
    return lang_attrs(language)


def shown_workshop(workshop: Workshop) -> tuple[Curriculum, Workshop]:
    """Return a workshop and its curriculum with their text in the interface language (when
    translated; the source otherwise). Mark their text with `curriculum_lang`."""
    return catalogue().workshop_in(workshop.id, interface_language())


def title_lang(curriculum: Curriculum, module_id: str | None) -> Markup:
    """Return `lang_attrs` for an attempt's title: its module's title, or the curriculum's test."""
    if module_id and module_id in catalogue().modules:
        return content_lang(catalogue().module_in(module_id, interface_language()), "module")
    shown = catalogue().curriculum_in(curriculum.id, interface_language())
    return curriculum_lang(shown, "pre_test")


def isolate(value: object, attrs: Markup | None = None) -> Markup:
    """Wrap a name, id or number in <bdi> so it keeps its own direction inside translated text
    (`attrs`: its `lang_attrs` when it is in another language than the page's)."""
    return Markup("<bdi{}>{}</bdi>").format(attrs or Markup(""), value)


def code_text(value: object) -> Markup:
    """Wrap a command, address or setting name in <code> that stays left to right (English, as
    typed) inside translated text."""
    return Markup('<code dir="ltr" lang="en">{}</code>').format(value)


def _same_site(target: str | None) -> str | None:
    """Return `target` when it is a path on this site (never another host), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


@bp.post("/language")
def choose_language() -> WerkzeugResponse:
    """Keep the visitor's interface language in the session and go back to their page."""
    wanted = request.form.get("language", "")
    if wanted in _supported():
        session[LANGUAGE_KEY] = wanted
    # The author preview is an app of its own, without the trainee pages.
    home = url_for("learn.home") if "learn" in current_app.blueprints else "/"
    back = _same_site(request.form.get("next")) or home
    return redirect(back, code=303)


def register_i18n(app: Flask) -> None:
    """Set up Flask-Babel and give every template `page_lang`, `page_dir` and the switcher."""
    babel = Babel(app, locale_selector=select_locale)
    # Catalogs are compiled in memory from the .po files (see trainer.locales), not read as .mo.
    babel.domain_instance = CatalogDomain()
    app.register_blueprint(bp)

    @app.context_processor
    def language_context() -> dict[str, object]:
        language = interface_language()
        return {
            "page_lang": language,
            "page_dir": text_direction(language),
            "lang_attrs": lang_attrs,
            "language_choices": [(code, LANGUAGE_NAMES.get(code, code)) for code in _supported()],
            "content_lang": content_lang,
            "source_title": source_title,
            "curriculum_lang": curriculum_lang,
            "language_name": lambda code: language_name_in(code, language),
            "shown_workshop": shown_workshop,
            "title_lang": title_lang,
        }

    app.jinja_env.filters["bdi"] = isolate
    app.jinja_env.filters["code"] = code_text
    app.jinja_env.filters["without_label"] = without_label
