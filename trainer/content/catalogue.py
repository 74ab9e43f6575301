"""Load a content root once and look things up: modules, questions, curricula, workshops, hashes.

A content root holds `modules/*.yaml` and `curriculum/*.yaml`. Loading reads every file, reports
every problem of every file at once (ContentError), renders all author Markdown to sanitised HTML
once, and computes a content hash for every module and question. The catalogue is immutable; a
reload builds a new one, re-reading only files whose size or modification time changed.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from trainer.content.checks import check_module_files
from trainer.content.loader import Loaded, SourceMap, load_curriculum, load_module
from trainer.content.markdown import render_inline, render_markdown
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    ModuleRole,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TestQuestionRef,
    TrueFalse,
    Workshop,
    content_hash,
)
from trainer.content.translation.overlay import Translations, load_translations
from trainer.content.validate import validate_content
from trainer.errors import ContentError, Issue

MODULES_DIR = "modules"
CURRICULUM_DIR = "curriculum"
TestName = Literal["pre", "post"]
FormName = Literal["a", "b"]
FORMS: tuple[FormName, ...] = ("a", "b")

_FileKey = tuple[int, int]


@dataclass(frozen=True)
class _ModuleEntry:
    """A module file as read: its (size, mtime) key, the loaded model and its content hashes."""

    key: _FileKey
    loaded: Loaded[Module]
    module_hash: str
    question_hashes: Mapping[str, str]


@dataclass(frozen=True)
class _FileCache:
    """What was read from each file, keyed by (size, mtime) so a reload re-reads only changes."""

    modules: Mapping[Path, _ModuleEntry] = field(default_factory=dict)
    curricula: Mapping[Path, tuple[_FileKey, Loaded[Curriculum]]] = field(default_factory=dict)
    html: Mapping[str, str] = field(default_factory=dict)
    inline: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """An immutable, validated view of one content root."""

    root: Path
    modules: Mapping[str, Module]
    curricula: Mapping[str, Curriculum]
    module_hashes: Mapping[str, str]
    question_hashes: Mapping[tuple[str, str], str]
    sources: Mapping[str, SourceMap]
    files: Mapping[str, Path]
    _html: Mapping[str, str]
    _inline: Mapping[str, str]
    _cache: _FileCache
    translations: Translations
    reread: int = 0

    @property
    def translation_warnings(self) -> list[Issue]:
        """Return the stale and missing translation entries (warnings; errors fail the load)."""
        return [i for i in self.translations.issues if i.severity == "warning"]

    def module_in(self, module_id: str, language: str) -> Module:
        """Return a module in `language` when translated (same ids and answer keys), else the source."""
        return self.translations.module(module_id, language)

    def curriculum_in(self, curriculum_id: str, language: str) -> Curriculum:
        """Return a curriculum in `language` when translated (same modules and tests), else the source."""
        return self.translations.curriculum(curriculum_id, language)

    def workshop_in(self, workshop_id: str, language: str) -> tuple[Curriculum, Workshop]:
        """Return a workshop and its curriculum with their text in `language` when translated."""
        curriculum, workshop = self.workshop(workshop_id)
        shown = self.curriculum_in(curriculum.id, language)
        return shown, next(w for w in shown.workshops if w.id == workshop.id)

    def module(self, module_id: str) -> Module:
        """Return the module with this id (KeyError when there is none)."""
        return self.modules[module_id]

    def question(self, module_id: str, question_id: str) -> Question:
        """Return a question of a module (KeyError when there is none)."""
        for question in self.modules[module_id].quiz.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def question_hash(self, module_id: str, question_id: str) -> str:
        """Return the content hash of a question."""
        return self.question_hashes[(module_id, question_id)]

    def curriculum(self, curriculum_id: str) -> Curriculum:
        """Return the curriculum with this id (KeyError when there is none)."""
        return self.curricula[curriculum_id]

    def workshops(self) -> Iterator[tuple[Curriculum, Workshop]]:
        """Yield every workshop with its curriculum, in file order."""
        for curriculum in self.curricula.values():
            for workshop in curriculum.workshops:
                yield curriculum, workshop

    def workshop(self, workshop_id: str) -> tuple[Curriculum, Workshop]:
        """Return a workshop and its curriculum (KeyError when there is none)."""
        for curriculum, workshop in self.workshops():
            if workshop.id == workshop_id:
                return curriculum, workshop
        raise KeyError(workshop_id)

    def workshop_by_code(self, code: str) -> tuple[Curriculum, Workshop] | None:
        """Return the workshop whose join code is `code` (case and spaces ignored), if any."""
        wanted = "".join(code.split()).upper()
        for curriculum, workshop in self.workshops():
            if workshop.join_code and workshop.join_code == wanted:
                return curriculum, workshop
        return None

    def curriculum_modules(self, curriculum: Curriculum, workshop: Workshop | None = None) -> list[Module]:
        """Return the modules of a curriculum in order, plus a workshop's extra modules."""
        ids = list(curriculum.modules) + (list(workshop.extra_modules) if workshop else [])
        return [self.modules[module_id] for module_id in ids]

    def test_questions(self, curriculum: Curriculum, which: TestName, pre_form: str | None = None
                       ) -> list[tuple[Module, Question]]:
        """Return the (module, question) pairs of a curriculum's pre-test or post-test.

        With parallel forms, `pre_form` is the participant's pre-test form ("a", the default, or
        "b"); their post-test is the other form.
        """
        return [(self.modules[r.module], self.question(r.module, r.question))
                for r in refs_of_test(curriculum, which, pre_form)]

    def practice_modules(self) -> dict[str, Module]:
        """Return the modules that are not assessment banks."""
        return {k: m for k, m in self.modules.items() if m.role is ModuleRole.PRACTICE}

    def html(self, markdown: str | None) -> str:
        """Return the sanitised HTML of an author Markdown text (rendered once, at load)."""
        if not markdown:
            return ""
        found = self._html.get(markdown)
        return found if found is not None else render_markdown(markdown)

    def inline_html(self, markdown: str | None) -> str:
        """Return the sanitised inline HTML (no paragraph) of a short Markdown text."""
        if not markdown:
            return ""
        found = self._inline.get(markdown)
        return found if found is not None else render_inline(markdown)

    def summary(self) -> str:
        """Return a one-line summary: modules, questions by kind, curricula, workshops."""
        kinds = Counter(q.kind for m in self.modules.values() for q in m.quiz.questions)
        total = sum(kinds.values())
        by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        workshops = sum(len(c.workshops) for c in self.curricula.values())
        banks = len(self.modules) - len(self.practice_modules())
        bank_part = f" and {banks} assessment bank{'s' if banks != 1 else ''}" if banks else ""
        return (
            f"{len(self.modules) - banks} modules{bank_part}, {total} questions ({by_kind}), "
            f"{len(self.curricula)} curricula, {workshops} workshops"
        )


def form_taken(which: TestName, pre_form: str | None) -> FormName:
    """Return the form a participant whose pre-test form is `pre_form` takes as `which` test."""
    first: FormName = "b" if pre_form == "b" else "a"
    if which == "pre":
        return first
    return "a" if first == "b" else "b"


def refs_of_test(curriculum: Curriculum, which: TestName, pre_form: str | None = None
              ) -> list[TestQuestionRef]:
    """Return the question references of a pre-test or post-test (see `Catalogue.test_questions`)."""
    if curriculum.forms is not None:
        form = form_taken(which, pre_form)
        return list((curriculum.forms.a if form == "a" else curriculum.forms.b).questions)
    return list((curriculum.pre_test if which == "pre" else curriculum.post_test).questions)


def display_path(file: Path) -> str:
    """Return the path to show an author: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(file)
    return str(file) if relative.startswith("..") else relative


def _key(file: Path) -> _FileKey:
    stat = file.stat()
    return (stat.st_size, stat.st_mtime_ns)


def load_catalogue(
    root: Path | str, previous: Catalogue | None = None, *, translation_errors_fail: bool = True
) -> Catalogue:
    """Load and validate every file under `root`, or raise ContentError listing every problem.

    With `previous`, files whose size and modification time are unchanged are not read again.
    Translation errors fail the load unless `translation_errors_fail` is false (for tools that
    report on translations themselves); they stay in `catalogue.translations.issues` either way.
    """
    root = Path(root)
    issues: list[Issue] = []
    if not (root / MODULES_DIR).is_dir():
        raise ContentError(
            [
                Issue(
                    display_path(root),
                    1,
                    1,
                    "",
                    f"no '{MODULES_DIR}/' folder here: is this a content root?",
                )
            ]
        )
    cache = previous._cache if previous is not None and previous.root == root else _FileCache()
    reread = 0
    modules: dict[Path, _ModuleEntry] = {}
    for file in sorted((root / MODULES_DIR).glob("*.yaml")):
        key = _key(file)
        cached = cache.modules.get(file)
        if cached is not None and cached.key == key:
            modules[file] = cached
            continue
        reread += 1
        try:
            loaded = load_module(file, display_path(file))
        except ContentError as exc:
            issues.extend(exc.issues)
            continue
        questions = {q.id: content_hash(q) for q in loaded.model.quiz.questions}
        modules[file] = _ModuleEntry(key, loaded, content_hash(loaded.model), questions)
    curricula: dict[Path, tuple[_FileKey, Loaded[Curriculum]]] = {}
    for file in sorted((root / CURRICULUM_DIR).glob("*.yaml")):
        key = _key(file)
        cached_c = cache.curricula.get(file)
        if cached_c is not None and cached_c[0] == key:
            curricula[file] = cached_c
            continue
        reread += 1
        try:
            curricula[file] = (key, load_curriculum(file, display_path(file)))
        except ContentError as exc:
            issues.extend(exc.issues)
    loaded_curricula = [loaded for _, loaded in curricula.values()]
    for entry in modules.values():
        issues.extend(check_module_files(entry.loaded, root / MODULES_DIR))
    broken = {file.stem for file in (root / MODULES_DIR).glob("*.yaml")} - {
        e.loaded.model.id for e in modules.values()}
    issues.extend(_once_per_broken_module(
        validate_content([e.loaded for e in modules.values()], loaded_curricula), broken))
    if not issues:
        sources = _Sources(
            {e.loaded.model.id: e.loaded.model for e in modules.values()},
            {c.model.id: c.model for c in loaded_curricula},
            {e.loaded.model.id: e.loaded.source for e in modules.values()}
            | {f"curriculum:{c.model.id}": c.source for c in loaded_curricula},
        )
        translations = load_translations(root, sources)
        if translation_errors_fail:
            issues.extend(i for i in translations.issues if i.severity == "error")
    if issues:
        raise ContentError(sorted(issues, key=lambda i: (i.path, i.line, i.column)))
    return _build(root, list(modules.values()), curricula, cache, reread, translations)


def _once_per_broken_module(issues: list[Issue], broken: set[str]) -> list[Issue]:
    """Say once per curriculum that a module failed to load, not "no module" at each mention."""
    kept: list[Issue] = []
    said: set[tuple[str, str]] = set()
    for issue in issues:
        found = re.match(r"no module '([^']+)'", issue.message)
        if found is None or found.group(1) not in broken:
            kept.append(issue)
        elif (issue.path, found.group(1)) not in said:
            said.add((issue.path, found.group(1)))
            kept.append(replace(issue, message=f"module '{found.group(1)}' has errors (listed "
                                                "with its file): fix them first"))
    return kept


@dataclass(frozen=True)
class _Sources:
    """The source modules and curricula and their source maps: what translations are checked against."""

    modules: Mapping[str, Module]
    curricula: Mapping[str, Curriculum]
    sources: Mapping[str, SourceMap]


def _build(
    root: Path,
    entries: list[_ModuleEntry],
    curricula_files: dict[Path, tuple[_FileKey, Loaded[Curriculum]]],
    cache: _FileCache,
    reread: int,
    translations: Translations,
) -> Catalogue:
    module_hashes: dict[str, str] = {}
    question_hashes: dict[tuple[str, str], str] = {}
    sources: dict[str, SourceMap] = {}
    files: dict[str, Path] = {}
    for entry in entries:
        module_id = entry.loaded.model.id
        module_hashes[module_id] = entry.module_hash
        sources[module_id] = entry.loaded.source
        files[module_id] = entry.loaded.file
        for question_id, digest in entry.question_hashes.items():
            question_hashes[(module_id, question_id)] = digest
    modules = [entry.loaded.model for entry in entries] + list(translations.modules())
    curricula = [loaded for _, loaded in curricula_files.values()]
    all_curricula = [c.model for c in curricula] + list(translations.translated_curricula())
    for loaded_c in curricula:
        sources[f"curriculum:{loaded_c.model.id}"] = loaded_c.source
        files[f"curriculum:{loaded_c.model.id}"] = loaded_c.file
    # Reuse earlier renders; keep only the texts the content has now, so a preview's cache stays small.
    html: dict[str, str] = {}
    for text in _markdown_texts(modules, all_curricula):
        if text not in html:
            html[text] = cache.html.get(text) or render_markdown(text)
    inline: dict[str, str] = {}
    for text in _inline_texts(modules):
        if text not in inline:
            inline[text] = cache.inline.get(text) or render_inline(text)
    return Catalogue(
        root=root,
        modules=MappingProxyType({e.loaded.model.id: e.loaded.model for e in entries}),
        curricula=MappingProxyType({c.model.id: c.model for c in curricula}),
        module_hashes=MappingProxyType(module_hashes),
        question_hashes=MappingProxyType(question_hashes),
        sources=MappingProxyType(sources),
        files=MappingProxyType(files),
        _html=MappingProxyType(html),
        _inline=MappingProxyType(inline),
        _cache=_FileCache({e.loaded.file: e for e in entries}, curricula_files, html, inline),
        translations=translations,
        reread=reread,
    )


def _markdown_texts(modules: Iterable[Module], curricula: Iterable[Curriculum]) -> Iterator[str]:
    """Yield every author Markdown text (block-level) of the content."""
    for module in modules:
        yield module.summary
        for section in module.sections:
            yield section.body
            if section.facilitator_notes:
                yield section.facilitator_notes
        for question in module.quiz.questions:
            yield question.prompt
            if question.explanation:
                yield question.explanation
            if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
                yield from (o.feedback for o in question.options if o.feedback)
            if isinstance(question, ShortAnswer | Numeric) and question.feedback:
                yield question.feedback
    for curriculum in curricula:
        if curriculum.summary:
            yield curriculum.summary


def _inline_texts(modules: Iterable[Module]) -> Iterator[str]:
    """Yield the short texts shown inline: option texts, match texts, objectives."""
    for module in modules:
        yield from (o.text for o in module.objectives)
        for question in module.quiz.questions:
            if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
                yield from (o.text for o in question.options)
            elif isinstance(question, Matching):
                yield from (p.prompt for p in question.pairs)
                yield from (p.match for p in question.pairs)
                yield from (d.text for d in question.distractors)
            elif isinstance(question, Ordering):
                yield from (item.text for item in question.items)
