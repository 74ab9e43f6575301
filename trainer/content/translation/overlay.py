"""Content translations: `modules/<lang>/<id>.yaml` mirrors a module's ids and translates its text;
`curriculum/<lang>/<id>.yaml` does the same for a curriculum (title, audience, summary, its tests'
titles and its workshop editions' texts), under the same rules.

A translation holds text only. Ids, answer keys, points, objectives, cases, numbers and URLs stay in
the source module, so grading never depends on the language: a translated Module is the source
Module with its text replaced, item by item.

Every translated entry (the module header, each objective, section, question, option, pair,
distractor, ordering item and source) records in `source_hash` the hash of the source text it was
made from (`source_text_hash`). An entry is *complete* when that hash matches the source today,
*stale* when the source text changed since, and *missing* when it is absent or not stamped yet.
Only complete entries are used; the others fall back to the source text and are flagged, so a
learner never sees a translation of text that has since changed.

Problems are Issues located in the translation file: errors for what cannot be right (an id the
source does not have, a field the source does not have, a file in the wrong place), warnings for
work still to do (missing and stale entries), which `trainer check --strict` fails on.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol

from trainer.content.loader import Loaded, Loc, SourceMap, dotted, load_file
from trainer.content.models import Curriculum, Module
from trainer.content.translation.models import HASH_LENGTH, CurriculumTranslation, ModuleTranslation
from trainer.errors import ContentError, Issue, Severity

LANGUAGE_FOLDER = re.compile(r"^[a-z]{2}$")
ItemState = Literal["complete", "stale", "missing"]
STATES: tuple[ItemState, ...] = ("complete", "stale", "missing")


@dataclass(frozen=True)
class Shape:
    """How one kind of translatable entry is read: its text fields and its lists of entries."""

    name: str
    fields: tuple[str, ...]
    children: tuple[tuple[tuple[str, ...], Shape], ...] = ()
    keyed: bool = True


_OPTION = Shape("option", ("text", "feedback"))
_QUESTION = Shape(
    "question",
    ("prompt", "explanation", "feedback", "accepted", "unit"),
    (
        (("options",), _OPTION),
        (("pairs",), Shape("pair", ("prompt", "match"))),
        (("distractors",), Shape("distractor", ("text",))),
        (("items",), Shape("item", ("text",))),
    ),
)
MODULE_SHAPE = Shape(
    "module",
    ("title", "summary"),
    (
        (("objectives",), Shape("objective", ("text",))),
        (("sections",), Shape("section", ("title", "body", "facilitator_notes"))),
        (("quiz", "questions"), _QUESTION),
        (("sources",), Shape("source", ("title", "note"), keyed=False)),
    ),
)
_TEST = Shape("test", ("title",), keyed=False)
CURRICULUM_SHAPE = Shape(
    "curriculum",
    ("title", "audience", "author", "summary"),
    (
        # A child whose source is one mapping (not a list) is one entry, keyed by its name.
        (("pre_test",), _TEST),
        (("post_test",), _TEST),
        (("workshops",), Shape("workshop", ("title", "region", "city", "country", "dates_note"))),
    ),
)
"""The translatable text of a curriculum. A text field added to Curriculum, CurriculumTest or
Workshop is named here and in translation/models.py (tests/content/test_curriculum_translation.py
fails until it is, or is listed there as not translatable)."""


def source_text_hash(entry: Mapping[str, Any], shape: Shape) -> str:
    """Return the hash of an entry's source text: its text fields (absent ones included as null)."""
    texts = {name: entry[name] for name in shape.fields if name in entry}
    canonical = json.dumps(texts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class ItemStatus:
    """One translatable entry: its key (`questions.q-year.options.a`), state and source hash."""

    key: str
    state: ItemState
    source_hash: str
    loc: Loc | None
    """Where the entry is in the translation file (None when it is absent)."""


@dataclass(frozen=True)
class Problem:
    """A problem found while applying a translation, located in the translation's data."""

    loc: Loc
    message: str
    severity: Severity
    source_loc: Loc | None = None


class _EntryStates:
    """What a translated module and a translated curriculum share: the state of every entry."""

    items: tuple[ItemStatus, ...]

    def counts(self) -> dict[ItemState, int]:
        """Return how many entries are complete, stale and missing."""
        found = Counter(item.state for item in self.items)
        return {state: found[state] for state in STATES}

    @property
    def complete(self) -> bool:
        """Whether every entry is translated from the current source text."""
        return all(item.state == "complete" for item in self.items)

    @property
    def fallback(self) -> frozenset[str]:
        """The keys of entries shown in the source text (missing or stale)."""
        return frozenset(item.key for item in self.items if item.state != "complete")


@dataclass(frozen=True)
class TranslatedModule(_EntryStates):
    """A source module with a translation applied, and the state of every entry."""

    module: Module
    source: Module
    language: str
    items: tuple[ItemStatus, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class TranslatedCurriculum(_EntryStates):
    """A source curriculum with a translation applied, and the state of every entry."""

    curriculum: Curriculum
    source: Curriculum
    language: str
    items: tuple[ItemStatus, ...]
    problems: tuple[Problem, ...]


def _overlay(shape: Shape, source: Any, translation: Any, root_key: str) -> tuple[dict[str, Any], _Walker]:
    walker = _Walker()
    data = source.model_dump()
    output = copy.deepcopy(data)
    walker.entry(shape, data, translation.model_dump(), root_key, (), (), output)
    output["language"] = translation.language
    return output, walker


def apply_translation(source: Module, translation: ModuleTranslation) -> TranslatedModule:
    """Return `source` with the complete entries of `translation` applied (same ids, same answers)."""
    output, walker = _overlay(MODULE_SHAPE, source, translation, "module")
    return TranslatedModule(Module.model_validate(output), source, translation.language,
                            tuple(walker.items), tuple(walker.problems))


def apply_curriculum_translation(
    source: Curriculum, translation: CurriculumTranslation
) -> TranslatedCurriculum:
    """Return `source` with the complete entries of `translation` applied (same modules and tests)."""
    output, walker = _overlay(CURRICULUM_SHAPE, source, translation, "curriculum")
    return TranslatedCurriculum(Curriculum.model_validate(output), source, translation.language,
                                tuple(walker.items), tuple(walker.problems))


def get_path(data: Mapping[str, Any] | None, path: tuple[str, ...]) -> Any:
    """Return the value at `path` in nested mappings, or None."""
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def child_key(parent: str, path: tuple[str, ...], label: str | int | None) -> str:
    """Return an entry's status key (`questions.q-year.options.a`, `sources[2]`, `pre_test`)."""
    prefix = "" if parent in ("module", "curriculum") else f"{parent}."
    if label is None:
        return f"{prefix}{path[-1]}"
    if isinstance(label, int):
        return f"{prefix}{path[-1]}[{label}]"
    return f"{prefix}{path[-1]}.{label}"


@dataclass
class _Walker:
    """Walks a source module and its translation together, entry by entry."""

    items: list[ItemStatus] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, loc: Loc, message: str, severity: Severity, source_loc: Loc | None = None) -> None:
        self.problems.append(Problem(loc, message, severity, source_loc))

    def entry(
        self, shape: Shape, src: dict[str, Any], tr: dict[str, Any] | None, key: str,
        src_loc: Loc, tr_loc: Loc, out: dict[str, Any],
    ) -> None:
        """Check one entry against its source, record its state, and write complete text to `out`."""
        digest = source_text_hash(src, shape)
        if tr is None:
            self.items.append(ItemStatus(key, "missing", digest, None))
        else:
            self.items.append(ItemStatus(key, self.texts(shape, src, tr, tr_loc, src_loc, out, digest),
                                         digest, tr_loc))
        for path, child in shape.children:
            self.children(child, path, src, tr, key, src_loc, tr_loc, out)

    def texts(
        self, shape: Shape, src: dict[str, Any], tr: dict[str, Any], tr_loc: Loc, src_loc: Loc,
        out: dict[str, Any], digest: str,
    ) -> ItemState:
        what = f"{shape.name} '{src['id']}'" if "id" in src else shape.name
        state: ItemState = "complete"
        recorded = tr.get("source_hash")
        if recorded is None:
            state = "missing"
            self.problem((*tr_loc, "id") if "id" in tr else tr_loc,
                         f"{what} is not stamped: once it is translated, run `trainer translations "
                         f"stamp` (source_hash: {digest})", "warning", src_loc)
        elif recorded != digest:
            state = "stale"
            self.problem((*tr_loc, "source_hash"),
                         f"{what} is stale: its source text changed after it was translated; "
                         "update the translation, then run `trainer translations stamp`",
                         "warning", src_loc)
        usable: dict[str, Any] = {}
        for name in shape.fields:
            given = tr.get(name)
            if name not in src or src[name] is None:
                if given is not None:
                    self.problem((*tr_loc, name),
                                 f"the source {shape.name} has no '{name}' to translate: remove it",
                                 "error", src_loc)
                continue
            if given is None:
                self.problem(tr_loc, f"{what}: '{name}' is not translated", "warning",
                             (*src_loc, name))
                if state == "complete":
                    state = "missing"
                continue
            usable[name] = given
        if recorded == digest:
            out.update(usable)
        return state

    def children(
        self, shape: Shape, path: tuple[str, ...], src: dict[str, Any], tr: dict[str, Any] | None,
        key: str, src_loc: Loc, tr_loc: Loc, out: dict[str, Any],
    ) -> None:
        src_list = get_path(src, path)
        tr_list = get_path(tr, path) if tr is not None else None
        list_loc = (*tr_loc, *path)
        if isinstance(src_list, Mapping):
            # One entry (a curriculum's pre_test), not a list of them.
            single = tr_list if isinstance(tr_list, Mapping) else None
            if tr is not None and single is None:
                self.problem(tr_loc, f"'{dotted(path)}' is not translated", "warning", (*src_loc, *path))
            self.entry(shape, dict(src_list), dict(single) if single else None,
                       child_key(key, path, None), (*src_loc, *path), list_loc, get_path(out, path))
            return
        if src_list is None:
            if tr_list:
                self.problem(list_loc, f"the source has no '{path[-1]}' here: remove it", "error", src_loc)
            return
        out_list = get_path(out, path)
        matched = self.match(shape, src_list, tr_list or [], list_loc)
        if tr is not None and not tr_list and src_list:
            self.problem(list_loc, f"'{dotted(path)}' is not translated ({len(src_list)} "
                         f"{shape.name}s)", "warning", (*src_loc, *path))
            tr = None
        for index, entry in enumerate(src_list):
            label: str | int = entry["id"] if shape.keyed else index
            found = matched.get(label)
            child_src_loc = (*src_loc, *path, index)
            if found is None and tr is not None:
                what = f"{shape.name} '{label}'" if shape.keyed else f"{shape.name} {index + 1}"
                self.problem(list_loc, f"{what} is not translated", "warning", child_src_loc)
            self.entry(shape, entry, found[1] if found else None, child_key(key, path, label),
                       child_src_loc, (*list_loc, found[0] if found else index), out_list[index])

    def match(
        self, shape: Shape, src_list: list[dict[str, Any]], tr_list: list[dict[str, Any]], list_loc: Loc
    ) -> dict[str | int, tuple[int, dict[str, Any]]]:
        """Return translation entries by source id (or position); report extra and repeated ids."""
        if not shape.keyed:
            for index in range(len(src_list), len(tr_list)):
                self.problem((*list_loc, index), f"the source has only {len(src_list)} "
                             f"{shape.name}s: remove this one", "error")
            return {index: (index, entry) for index, entry in enumerate(tr_list[: len(src_list)])}
        ids = [entry["id"] for entry in src_list]
        found: dict[str | int, tuple[int, dict[str, Any]]] = {}
        for index, entry in enumerate(tr_list):
            entry_id = entry["id"]
            if entry_id in found:
                self.problem((*list_loc, index, "id"), f"{shape.name} '{entry_id}' is translated twice "
                             f"(first at index {found[entry_id][0]})", "error")
            elif entry_id not in ids:
                self.problem((*list_loc, index, "id"), f"extra {shape.name} '{entry_id}': the source has "
                             f"no such id (it has: {', '.join(ids)})", "error")
            else:
                found[entry_id] = (index, entry)
        return found


class SourceContent(Protocol):
    """What translations are checked against: a loaded catalogue has all three (Catalogue fits)."""

    @property
    def modules(self) -> Mapping[str, Module]:
        """The source modules, by id."""

    @property
    def curricula(self) -> Mapping[str, Curriculum]:
        """The source curricula, by id."""

    @property
    def sources(self) -> Mapping[str, SourceMap]:
        """Where each source entry stands in its file, by module id (`curriculum:<id>` for one)."""


@dataclass(frozen=True)
class Translations:
    """Every translation under a content root, applied to its source module or curriculum."""

    sources: Mapping[str, Module]
    translated: Mapping[tuple[str, str], TranslatedModule]
    loaded: Mapping[tuple[str, str], Loaded[ModuleTranslation]]
    issues: tuple[Issue, ...]
    curriculum_sources: Mapping[str, Curriculum] = field(default_factory=dict)
    curricula: Mapping[tuple[str, str], TranslatedCurriculum] = field(default_factory=dict)
    curricula_loaded: Mapping[tuple[str, str], Loaded[CurriculumTranslation]] = field(
        default_factory=dict
    )

    def languages(self, module_id: str) -> tuple[str, ...]:
        """Return the languages a module is translated into, sorted."""
        return tuple(sorted(lang for mid, lang in self.translated if mid == module_id))

    def module(self, module_id: str, language: str) -> Module:
        """Return the module in `language`, or the source module when it has no such translation.

        KeyError when there is no module `module_id`. Check `Module.language` to see which you got.
        """
        found = self.translated.get((module_id, language))
        return found.module if found is not None else self.sources[module_id]

    def get(self, module_id: str, language: str) -> TranslatedModule | None:
        """Return the translation of a module with the state of every entry, if there is one."""
        return self.translated.get((module_id, language))

    def curriculum(self, curriculum_id: str, language: str) -> Curriculum:
        """Return the curriculum in `language`, or the source curriculum when it has no such
        translation (KeyError when there is no curriculum `curriculum_id`)."""
        found = self.curricula.get((curriculum_id, language))
        return found.curriculum if found is not None else self.curriculum_sources[curriculum_id]

    def get_curriculum(self, curriculum_id: str, language: str) -> TranslatedCurriculum | None:
        """Return the translation of a curriculum with the state of every entry, if there is one."""
        return self.curricula.get((curriculum_id, language))

    def modules(self) -> Iterator[Module]:
        """Yield every translated module (for rendering their Markdown once, at load)."""
        for found in self.translated.values():
            yield found.module

    def translated_curricula(self) -> Iterator[Curriculum]:
        """Yield every translated curriculum (for rendering its Markdown once, at load)."""
        for found in self.curricula.values():
            yield found.curriculum


def _display(file: Path) -> str:
    # Same rule as catalogue.display_path; not imported, so the catalogue can import this module.
    relative = os.path.relpath(file)
    return str(file) if relative.startswith("..") else relative


def translation_files(root: Path, folder_name: str = "modules") -> Iterator[tuple[str, Path]]:
    """Yield (language, file) for every `modules/<xx>/*.yaml` (not `_*.yaml`) under a root, sorted
    (`curriculum/<xx>/*.yaml` with `folder_name="curriculum"`)."""
    folder = root / folder_name
    if not folder.is_dir():
        return
    for sub in sorted(folder.iterdir()):
        if sub.is_dir() and LANGUAGE_FOLDER.match(sub.name):
            for file in sorted(sub.glob("*.yaml")):
                # `_glossary.yaml` and other files starting with _ are the translators' own.
                if not file.name.startswith("_"):
                    yield sub.name, file


def load_translations(root: Path | str, content: SourceContent) -> Translations:
    """Load every translation under `root` and apply it to its source; collect every issue."""
    issues: list[Issue] = []
    translated: dict[tuple[str, str], TranslatedModule] = {}
    loaded_files: dict[tuple[str, str], Loaded[ModuleTranslation]] = {}
    for language, file in translation_files(Path(root)):
        try:
            loaded = load_file(ModuleTranslation, file, _display(file))
        except ContentError as exc:
            issues.extend(exc.issues)
            continue
        found = _check_place(loaded, language, content.modules, "modules")
        if found:
            issues.extend(found)
            continue
        module_id = loaded.model.id
        result = apply_translation(content.modules[module_id], loaded.model)
        translated[(module_id, language)] = result
        loaded_files[(module_id, language)] = loaded
        issues.extend(located_issues(result, loaded.source, content.sources.get(module_id)))
    curricula: dict[tuple[str, str], TranslatedCurriculum] = {}
    curricula_loaded: dict[tuple[str, str], Loaded[CurriculumTranslation]] = {}
    for language, file in translation_files(Path(root), "curriculum"):
        try:
            loaded_c = load_file(CurriculumTranslation, file, _display(file))
        except ContentError as exc:
            issues.extend(exc.issues)
            continue
        found = _check_place(loaded_c, language, content.curricula, "curriculum")
        if found:
            issues.extend(found)
            continue
        curriculum_id = loaded_c.model.id
        result_c = apply_curriculum_translation(content.curricula[curriculum_id], loaded_c.model)
        curricula[(curriculum_id, language)] = result_c
        curricula_loaded[(curriculum_id, language)] = loaded_c
        issues.extend(located_issues(result_c, loaded_c.source,
                                     content.sources.get(f"curriculum:{curriculum_id}")))
    return Translations(
        sources=MappingProxyType(dict(content.modules)),
        translated=MappingProxyType(translated),
        loaded=MappingProxyType(loaded_files),
        issues=tuple(sorted(issues, key=lambda i: (i.path, i.line, i.column))),
        curriculum_sources=MappingProxyType(dict(content.curricula)),
        curricula=MappingProxyType(curricula),
        curricula_loaded=MappingProxyType(curricula_loaded),
    )


def _check_place(
    loaded: Loaded[ModuleTranslation] | Loaded[CurriculumTranslation], language: str,
    known: Mapping[str, Module] | Mapping[str, Curriculum], folder: str,
) -> list[Issue]:
    model, source, stem = loaded.model, loaded.source, loaded.file.stem
    kind = "module" if folder == "modules" else "curriculum"
    issues: list[Issue] = []
    if stem not in known:
        issues.append(source.issue((), f"no {kind} '{stem}' to translate ({folder}/{stem}.yaml)"))
    elif model.id != stem:
        issues.append(source.issue(("id",), f"the id must be the file name, '{stem}'; got '{model.id}'"))
    if model.language != language:
        issues.append(source.issue(("language",), f"the file is in {folder}/{language}/: the language "
                                   f"must be '{language}'; got '{model.language}'"))
    elif stem in known and known[stem].language == language:
        issues.append(source.issue(("language",), f"{kind} '{stem}' is written in '{language}' already"))
    return issues


def located_issues(
    result: TranslatedModule | TranslatedCurriculum, translation: SourceMap, module: SourceMap | None = None
) -> list[Issue]:
    """Return a translation's problems as Issues in the translation file (citing the source)."""
    issues: list[Issue] = []
    for problem in result.problems:
        message = problem.message
        if module is not None and problem.source_loc is not None:
            line, _ = module.locate(problem.source_loc)
            message += f" (source: {module.path}:{line})"
        issues.append(translation.issue(problem.loc, message, severity=problem.severity))
    return issues


def translation_issues(translations: Translations) -> list[Issue]:
    """Return every problem of every translation (errors and warnings), in file and line order."""
    return list(translations.issues)
