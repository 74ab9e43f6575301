"""The author preview: every module as its author sees it (answers, feedback, facilitator notes),
reloaded in the browser within a second of a file being saved.

This view shows answer keys, so it is never part of the trainee app: `trainer preview` builds its
own small app with `create_preview_app` and serves it on 127.0.0.1 only. `register_author_preview`
mounts the blueprint on an app that should have it (a local app only, never production).

Live reload: each page carries the content version it was built from; static/author/preview.js
polls `/author/version` and reloads the page when the version moves (no inline script: CSP). A
poll looks at the files' sizes and modification times; when something changed it reloads the
catalogue with `load_catalogue(root, previous=...)`, which re-reads only the changed files. A file
with errors does not stop the preview: the pages show the located error list until it is fixed.

Languages: the preview's own words follow the interface language (the switcher, else
`Accept-Language`), like the rest of the site. A module's translations are shown on its page with
`?lang=fr` (a tab per language): the translated module as learners get it, with every entry that
falls back to the source text (missing or stale, `TranslatedModule.fallback`) marked as such, so a
translator sees what is left to do. Translation files (`modules/<lang>/*.yaml`) reload live too.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from trainer import locales
from trainer.content.catalogue import CURRICULUM_DIR, MODULES_DIR, Catalogue, load_catalogue
from trainer.content.lint import lint_curricula, lint_module
from trainer.content.loader import SourceMap
from trainer.content.models import Module
from trainer.content.translation.marks import marked_runs, source_title_runs
from trainer.content.translation.overlay import TranslatedModule, translation_files
from trainer.errors import ContentError, Issue
from trainer.web import i18n, security

logger = logging.getLogger(__name__)

PREVIEW = "trainer.author_preview"
ASSETS_DIR = "assets"
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})

bp = Blueprint("author", __name__, url_prefix="/author", static_folder="../static/author",
               static_url_path="/static")

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows at one version: a catalogue and its warnings, or the errors."""

    version: int
    catalogue: Catalogue | None
    issues: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    reread: int


class PreviewState:
    """The content root being previewed, reloaded when its files change (thread-safe)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._fingerprint: Fingerprint | None = None
        self._last_good: Catalogue | None = None
        self._snapshot = Snapshot(0, None, (), (), 0)
        # Warnings per module, kept while the module's file is unchanged: the catalogue reuses
        # the SourceMap object of an unchanged file, so identity says "not re-read".
        self._warnings: dict[str, tuple[SourceMap, list[Issue]]] = {}

    def fingerprint(self) -> Fingerprint:
        """Return name, size and modification time of every content file."""
        found: list[tuple[str, int, int]] = []
        for folder in (MODULES_DIR, CURRICULUM_DIR):
            for file in sorted((self.root / folder).glob("*.yaml")):
                try:
                    stat = file.stat()
                except OSError:  # deleted between listing and stat: the next poll sees it
                    continue
                found.append((f"{folder}/{file.name}", stat.st_size, stat.st_mtime_ns))
        for language, file in translation_files(self.root):
            try:
                stat = file.stat()
            except OSError:
                continue
            found.append((f"{MODULES_DIR}/{language}/{file.name}", stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    def current(self) -> Snapshot:
        """Return the snapshot for the files as they are now, reloading what changed."""
        with self._lock:
            fingerprint = self.fingerprint()
            if fingerprint != self._fingerprint:
                self._fingerprint = fingerprint
                self._snapshot = self._load(self._snapshot.version + 1)
            return self._snapshot

    def _load(self, version: int) -> Snapshot:
        try:
            catalogue = load_catalogue(self.root, previous=self._last_good)
        except ContentError as exc:
            logger.info("preview: %d problems in %s", len(exc.issues), self.root)
            return Snapshot(version, None, exc.issues, (), 0)
        self._last_good = catalogue
        logger.info("preview: version %d, %d files re-read", version, catalogue.reread)
        return Snapshot(version, catalogue, (), self._lint(catalogue), catalogue.reread)

    def _lint(self, catalogue: Catalogue) -> tuple[Issue, ...]:
        """Return the warnings of every module, linting only the modules that were re-read."""
        fresh: dict[str, tuple[SourceMap, list[Issue]]] = {}
        for module_id, module in catalogue.modules.items():
            source = catalogue.sources[module_id]
            cached = self._warnings.get(module_id)
            if cached is not None and cached[0] is source:
                fresh[module_id] = cached
            else:
                fresh[module_id] = (source, lint_module(module, source))
        self._warnings = fresh
        found = [issue for _, issues in fresh.values() for issue in issues]
        found += lint_curricula(catalogue)
        return tuple(sorted(found, key=lambda i: (i.path, i.line, i.column)))


def preview_state() -> PreviewState:
    """Return the preview state of the current app."""
    found: PreviewState = current_app.extensions[PREVIEW]
    return found


def register_author_preview(app: Flask, root: Path) -> None:
    """Mount the author preview of the content under `root` at /author/."""
    app.extensions[PREVIEW] = PreviewState(Path(root))
    app.register_blueprint(bp)


def create_preview_app(root: Path | str, config: dict[str, Any] | None = None) -> Flask:
    """Create the app `trainer preview` serves: the author preview and the security headers only."""
    app = Flask("trainer.web")
    # Nothing is kept between runs and no form is posted: a fresh key per process is enough.
    # The only form is the language switcher.
    app.config.update(SECRET_KEY=secrets.token_hex(32), MAX_CONTENT_LENGTH=64 * 1024,
                      BABEL_DEFAULT_LOCALE=locales.SOURCE_LANGUAGE,
                      TRAINER_LANGUAGES=locales.LANGUAGES)
    app.config.update(config or {})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    i18n.register_i18n(app)
    security.register_security(app)
    register_author_preview(app, Path(root))

    @app.route("/")
    def home() -> ResponseReturnValue:
        return index()

    return app


def _render(template: str, snapshot: Snapshot, status: int = 200, **context: Any
            ) -> ResponseReturnValue:
    catalogue = snapshot.catalogue

    def md(text: str | None) -> Markup:
        return Markup(catalogue.html(text)) if catalogue else Markup("")  # noqa: S704 - sanitised

    def inline(text: str | None) -> Markup:
        return Markup(catalogue.inline_html(text)) if catalogue else Markup("")  # noqa: S704

    if snapshot.catalogue is None:
        template, status = "author/errors.html", 200
    return render_template(template, snapshot=snapshot, catalogue=catalogue, md=md,
                           inline=inline, root=preview_state().root.resolve(),
                           language_names=locales.LANGUAGE_NAMES, **context), status


@bp.get("/")
def index() -> ResponseReturnValue:
    """List modules and curricula, with every teaching-quality warning."""
    return _render("author/index.html", preview_state().current())


@bp.get("/version")
def version() -> ResponseReturnValue:
    """Return the content version (the page reloads when it moves)."""
    snapshot = preview_state().current()
    return jsonify(version=snapshot.version, ok=snapshot.catalogue is not None)


@dataclass(frozen=True)
class ModuleView:
    """The module a page shows: the source, or a translation with the state of every entry."""

    module: Module
    source: Module
    translated: TranslatedModule | None
    languages: tuple[str, ...]  # the module's translations
    translation_issues: tuple[Issue, ...]

    @property
    def states(self) -> dict[str, str]:
        """Return the entries that fall back to the source text: key → "missing" or "stale"."""
        if self.translated is None:
            return {}
        return {item.key: item.state for item in self.translated.items
                if item.key in self.translated.fallback}

    def _language(self, key: str) -> str:
        """Return the language of an entry's text (a fallback entry of a translation is in the
        source's language)."""
        if self.translated is not None and key in self.translated.fallback:
            return self.source.language
        return self.module.language

    def text_lang(self, key: str) -> Markup:
        """Return ` lang=".." dir=".."` for an entry's text when it is not in the page's language."""
        return i18n.lang_attrs(self._language(key))

    def source_title(self, index: int) -> Markup:
        """Return the title of source `index`, the words a translation kept in the source's
        language marked, inside the element `text_lang("sources[<index>]")` marks."""
        return marked_runs(source_title_runs(self.source, self.module, index),
                           self._language(f"sources[{index}]"))


def module_view(catalogue: Catalogue, module_id: str, language: str | None) -> ModuleView:
    """Return the source module, or its translation into `language` (404 when there is none)."""
    source = catalogue.module(module_id)
    languages = catalogue.translations.languages(module_id)
    translated = None
    issues: tuple[Issue, ...] = ()
    if language and language != source.language:
        translated = catalogue.translations.get(module_id, language)
        if translated is None:
            abort(404)
        loaded = catalogue.translations.loaded.get((module_id, language))
        path = loaded.source.path if loaded is not None else None
        issues = tuple(i for i in catalogue.translations.issues if i.path == path)
    shown = translated.module if translated is not None else source
    return ModuleView(shown, source, translated, languages, issues)


@bp.get("/module/<module_id>")
def module(module_id: str) -> ResponseReturnValue:
    """Show one module with answers, feedback, explanations and facilitator notes; with
    `?lang=xx`, its translation into xx, entries shown in the source text marked."""
    snapshot = preview_state().current()
    if snapshot.catalogue is not None and module_id not in snapshot.catalogue.modules:
        abort(404)
    view = None
    if snapshot.catalogue is not None:
        view = module_view(snapshot.catalogue, module_id, request.args.get("lang"))
    warnings = [w for w in snapshot.warnings
                if snapshot.catalogue and w.path == snapshot.catalogue.sources[module_id].path]
    return _render("author/module.html", snapshot, module_id=module_id, warnings=warnings,
                   view=view)


@bp.get("/curriculum/<curriculum_id>")
def curriculum(curriculum_id: str) -> ResponseReturnValue:
    """Show one curriculum: its modules, pre-test and post-test, and workshops."""
    snapshot = preview_state().current()
    if snapshot.catalogue is not None and curriculum_id not in snapshot.catalogue.curricula:
        abort(404)
    return _render("author/curriculum.html", snapshot, curriculum_id=curriculum_id)


@bp.get("/module/assets/<path:name>")
def asset(name: str) -> ResponseReturnValue:
    """Serve an image from modules/assets/ (Markdown writes `assets/…`, relative to the module)."""
    if Path(name).suffix.lower() not in IMAGE_TYPES:
        abort(404)
    folder = (preview_state().root / MODULES_DIR / ASSETS_DIR).resolve()
    target = (folder / name).resolve()
    # send_from_directory refuses `..`; the resolved check also refuses symlinks out.
    if not target.is_relative_to(folder) or not target.is_file():
        abort(404)
    return send_from_directory(folder, name)
