"""A draft module made by an importer, and writing it (the module file and its images).

An importer fills what its source has (title, sections, questions, images) and leaves the rest as
placeholder texts the author replaces: the objective, the summary, and, when the source has no
questions, one placeholder question (a module needs a quiz). The draft is validated by the content
model before anything is written, so the file it writes passes `trainer check` (with warnings: it
is a draft). Nothing is overwritten without `force`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from trainer.content.loader import SourceMap
from trainer.content.models import Module, is_slug
from trainer.content.validate import check_module
from trainer.errors import ContentError, Issue, TrainerError

__all__ = [
    "PLACEHOLDER_OBJECTIVE",
    "PLACEHOLDER_QUESTION",
    "PLACEHOLDER_SECTION_BODY",
    "PLACEHOLDER_SUMMARY",
    "Draft",
    "Written",
    "draft_yaml",
    "finish_quiz",
    "question_problems",
    "skeleton",
    "slugify",
    "unique_id",
    "write_draft",
]

MAX_ID = 64
PLACEHOLDER_SUMMARY = "Write one or two sentences on what this module covers and who it is for."
PLACEHOLDER_OBJECTIVE = {"id": "write-objective",
                         "text": "Write what a participant can do after this module."}
PLACEHOLDER_SECTION_BODY = "Write the reading of this section here."
PLACEHOLDER_QUESTION: dict[str, Any] = {
    "id": "q-write-question",
    "kind": "short_answer",
    "prompt": "Write the first question here (see docs/authoring.md for the seven kinds).",
    "accepted": ["write the accepted answer here"],
}
_YAML_HEADER = "# yaml-language-server: $schema=../schema/module.schema.json\n"


@dataclass
class Draft:
    """What an importer made: the module's fields, its images, and what it could not keep."""

    source: str
    importer: str
    data: dict[str, Any]
    images: dict[str, bytes] = field(default_factory=dict)  # file name in modules/assets/<id>/
    notes: list[str] = field(default_factory=list)  # what to review, located in the source
    questions: int = 0  # questions read from the source (not the placeholder)
    next_steps: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # items left out, located in the source


@dataclass(frozen=True)
class Written:
    """What `write_draft` wrote."""

    module_file: Path
    image_files: tuple[Path, ...]


def slugify(text: str, fallback: str = "section") -> str:
    """Return an id made from `text`: lower-case ASCII letters, digits and single hyphens."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_ID].strip("-")
    return slug or fallback


def unique_id(wanted: str, taken: set[str]) -> str:
    """Return `wanted`, or `wanted-2`, `wanted-3` ... whichever is not in `taken`; add it there."""
    candidate = wanted
    number = 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = wanted[: MAX_ID - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(candidate)
    return candidate


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line texts as literal blocks (`|`), as authors write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer() and abs(value) < 1e15:  # 51, not 51.0, as an author writes it
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(float, _float)


def draft_yaml(module: Module, header: str) -> str:
    """Return the module file text: schema line, a comment header, then the module."""
    data = module.model_dump(mode="json", exclude_defaults=True)
    data["quiz"]["questions"] = [
        {"id": q["id"], "kind": q["kind"], **{k: v for k, v in q.items() if k not in ("id", "kind")}}
        for q in data["quiz"]["questions"]
    ]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return _YAML_HEADER + comment + "\n" + body


def _validate(draft: Draft) -> Module:
    try:
        return Module.model_validate(draft.data)
    except ValidationError as exc:
        issues = [Issue(draft.source, 1, 1, ".".join(str(p) for p in error["loc"]), error["msg"])
                  for error in exc.errors()]
        raise ContentError(issues) from None


def write_draft(draft: Draft, root: Path, *, force: bool = False) -> Written:
    """Write modules/<id>.yaml and modules/assets/<id>/ under `root`; refuse to overwrite."""
    module = _validate(draft)
    if not is_slug(module.id):
        raise TrainerError(f"'{module.id}' is not a module id: use lower-case letters, digits "
                           "and hyphens (--id)")
    modules = root / "modules"
    target = modules / f"{module.id}.yaml"
    assets = modules / "assets" / module.id
    existing = [target] if target.exists() else []
    existing += [assets / name for name in draft.images if (assets / name).exists()]
    if existing and not force:
        raise TrainerError(f"{existing[0]} exists already: choose another id with --id, or "
                           "overwrite with --force")
    header = (f"A draft imported from {Path(draft.source).name} by `trainer import "
              f"{draft.importer}`.\nReplace every 'Write ...' placeholder, then run "
              "`trainer check --strict`.")
    text = draft_yaml(module, header.replace("\n\n", "\n"))
    image_files: list[Path] = []
    if draft.images:
        assets.mkdir(parents=True, exist_ok=True)
        for name, data in draft.images.items():
            (assets / name).write_bytes(data)
            image_files.append(assets / name)
    modules.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return Written(target, tuple(image_files))


def skeleton(module_id: str, title: str, language: str = "en") -> dict[str, Any]:
    """Return the fields every draft starts from (placeholders for what a source lacks)."""
    return {
        "id": module_id,
        "title": title,
        "language": language,
        "summary": PLACEHOLDER_SUMMARY,
        "duration_minutes": 60,
        "objectives": [dict(PLACEHOLDER_OBJECTIVE)],
        "sections": [],
        "quiz": {"pass_mark": 70, "questions": []},
    }


def finish_quiz(data: dict[str, Any]) -> None:
    """Give a draft with no questions the placeholder question (a module needs a quiz)."""
    if not data["quiz"]["questions"]:
        data["quiz"]["questions"].append(dict(PLACEHOLDER_QUESTION))


def question_problems(question: dict[str, Any]) -> list[str]:
    """Return why a question read from a bank would not pass `trainer check` (empty: it would)."""
    data = skeleton("draft", "Draft")
    data["sections"] = [{"id": "reading", "title": "Reading", "body": PLACEHOLDER_SECTION_BODY}]
    data["quiz"]["questions"] = [question]
    try:
        module = Module.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(str(p) for p in e['loc'][3:]) or 'question'}: {e['msg']}"
                for e in exc.errors()]
    return [f"{issue.where.removeprefix('quiz.questions[0]').lstrip('.') or 'question'}: "
            f"{issue.message}" for issue in check_module(module, SourceMap("draft", {}))]
