"""The results file a participant exports from the offline site: a strict, validating parser.

`parse_results_file(data)` turns the file's bytes into a frozen `ResultsFile`, or raises
`ResultsFileError` listing every problem (`attempts[0].answers[2].response: ...`). It is pure: no
I/O, no catalogue. The format is documented in docs/results-file.md.

Version 2 (the current site) adds what makes an import idempotent and covers the whole curriculum:
`learner` (a random id the browser keeps), an `id` and a `kind` (module quiz, pre-test, post-test)
per attempt, and the `module` of every answer. Version 1 files (module quizzes only, no ids) still
parse; the parser fills `kind` and each answer's `module` in, and leaves `learner` and `id` None.

The file comes from a browser the trainer does not control, so nothing in it is trusted: the scores
it states are the browser's claim. An importer must look up each module and question hash in the
catalogue and re-grade the stored `response` with `trainer.quiz.grading.grade`; a hash that does not
match the current content means the attempt was taken against other content.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from trainer.content.models import SLUG_PATTERN
from trainer.errors import TrainerError

__all__ = ["FORMAT", "MAX_BYTES", "VERSIONS", "Answer", "Attempt", "ResultsFile",
           "ResultsFileError", "parse_results_file"]

FORMAT = "trainer-results"
MAX_BYTES = 2 * 1024 * 1024
MAX_ATTEMPTS = 500
MAX_ANSWERS = 200
MAX_TEXT = 2000
VERSIONS = (1, 2)

Id = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
RandomId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True,
                                        pattern=r"^[^\x00-\x1f\x7f]+$")]
Points = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
Choice = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Response = (Choice | Annotated[list[Id], Field(max_length=50)]
            | Annotated[dict[Id, Choice], Field(max_length=50)] | None)


class ResultsFileError(TrainerError):
    """A results file that is not one, or not a valid one; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Answer(_Strict):
    """One question of an attempt: the learner's response and the browser's grade of it."""

    module: Id | None = None
    question: Id
    question_hash: Hash
    response: Response
    earned: Points
    max: Points
    status: Literal["correct", "partial", "wrong", "unanswered"]


class Attempt(_Strict):
    """One submitted module quiz, pre-test or post-test."""

    id: RandomId | None = None
    kind: Literal["module", "pre", "post"] = "module"
    module: Id | None
    module_hash: Hash | None
    started_at: datetime
    submitted_at: datetime
    earned: Points
    max: Points
    percent: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    passed: bool
    answers: Annotated[list[Answer], Field(min_length=1, max_length=MAX_ANSWERS)]


class ResultsFile(_Strict):
    """A participant's exported results from the offline site of one curriculum."""

    format: Literal["trainer-results"]
    version: Literal[1, 2]
    curriculum: Id
    workshop: Id | None
    learner: RandomId | None = None
    participant: Name
    exported_at: datetime
    attempts: Annotated[list[Attempt], Field(max_length=MAX_ATTEMPTS)]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise ValueError(f"duplicate key {duplicated[0]!r}")
    return dict(pairs)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _timestamps(data: object) -> object:
    """Turn ISO 8601 texts of the timestamp fields into datetimes (strict mode takes no text)."""
    if isinstance(data, dict):
        return {key: (_datetime(value) if key.endswith("_at") else _timestamps(value))
                for key, value in data.items()}
    if isinstance(data, list):
        return [_timestamps(value) for value in data]
    return data


def _datetime(value: object) -> object:
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if parsed.tzinfo is not None else value
    return value


def parse_results_file(data: bytes) -> ResultsFile:
    """Parse and validate a results file; raise ResultsFileError listing every problem."""
    if len(data) > MAX_BYTES:
        raise ResultsFileError([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB"])
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ResultsFileError(["the file is not UTF-8 text"]) from None
    except RecursionError:
        raise ResultsFileError(["the file nests too deeply"]) from None
    except ValueError as exc:
        raise ResultsFileError([f"not a results file (invalid JSON: {exc})"]) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ResultsFileError([f'not a results file (no "format": "{FORMAT}")'])
    if isinstance(raw.get("version"), bool):  # True == 1 to Python; not to this format
        raise ResultsFileError(["version: expected the number 1 or 2"])
    try:
        parsed = ResultsFile.model_validate(_timestamps(raw))
    except ValidationError as exc:
        raise ResultsFileError(
            [f"{_where(e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()]
        ) from None
    problems = _version_problems(parsed)
    problems += [
        f"attempts[{i}]: earned {a.earned} is more than max {a.max}"
        for i, a in enumerate(parsed.attempts) if a.earned > a.max + 1e-9
    ]
    problems += [
        f"attempts[{i}].answers[{j}]: earned {b.earned} is more than max {b.max}"
        for i, a in enumerate(parsed.attempts) for j, b in enumerate(a.answers)
        if b.earned > b.max + 1e-9 or not math.isfinite(b.earned)
    ]
    if problems:
        raise ResultsFileError(problems)
    return _filled_in(parsed)


def _version_problems(parsed: ResultsFile) -> list[str]:
    """Return what the file's version requires or forbids beyond the shared shape."""
    problems: list[str] = []
    if parsed.version == 1:
        if "learner" in parsed.model_fields_set:
            problems.append("learner: not in version 1 (use version 2)")
        for i, attempt in enumerate(parsed.attempts):
            problems += [f"attempts[{i}].{name}: not in version 1 (use version 2)"
                         for name in ("id", "kind") if name in attempt.model_fields_set]
            if attempt.module is None or attempt.module_hash is None:
                problems.append(f"attempts[{i}]: a version 1 attempt needs module and module_hash")
            problems += [f"attempts[{i}].answers[{j}].module: not in version 1 (use version 2)"
                         for j, answer in enumerate(attempt.answers)
                         if "module" in answer.model_fields_set]
        return problems
    if parsed.learner is None:
        problems.append("learner: required in version 2")
    seen: set[str] = set()
    for i, attempt in enumerate(parsed.attempts):
        where = f"attempts[{i}]"
        problems += [f"{where}.{name}: required in version 2" for name in ("id", "kind")
                     if name not in attempt.model_fields_set]
        if attempt.id is not None:
            if attempt.id in seen:
                problems.append(f"{where}.id: {attempt.id!r} is used by an earlier attempt")
            seen.add(attempt.id)
        if attempt.kind == "module" and (attempt.module is None or attempt.module_hash is None):
            problems.append(f"{where}: a module attempt needs module and module_hash")
        if attempt.kind != "module" and (attempt.module is not None
                                         or attempt.module_hash is not None):
            problems.append(f"{where}: a {attempt.kind}-test has no module or module_hash "
                            "(its answers name their modules)")
        for j, answer in enumerate(attempt.answers):
            if answer.module is None:
                problems.append(f"{where}.answers[{j}].module: required in version 2")
            elif attempt.kind == "module" and answer.module != attempt.module:
                problems.append(f"{where}.answers[{j}].module: {answer.module!r} is not the "
                                f"attempt's module {attempt.module!r}")
    return problems


def _filled_in(parsed: ResultsFile) -> ResultsFile:
    """Give every answer of a version 1 file its attempt's module, as version 2 states it."""
    if parsed.version != 1:
        return parsed
    attempts = [
        attempt.model_copy(update={"answers": [
            answer.model_copy(update={"module": attempt.module}) for answer in attempt.answers]})
        for attempt in parsed.attempts
    ]
    return parsed.model_copy(update={"attempts": attempts})
