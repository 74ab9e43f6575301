"""Safe, strict YAML → content models, with `file:line:column: path: message` for every problem.

One pass over the YAML *events* of PyYAML's C parser (the pure-Python parser when libyaml is
missing) builds plain data directly, so nothing is ever constructed from a tag and every value keeps
its position. Refused while reading: tags, anchors, aliases, merge keys, duplicate keys, more than one
document, files over 1 MiB, nesting deeper than 32, more than 50,000 events, scalars over 64 KiB,
invalid UTF-8 and NUL bytes.

Scalars are kept exactly as written (text stays text: `NO`, `010`, `12:30`, `2024-01-01` are strings);
only the schema turns a scalar into a number, a boolean or a date, in pydantic. An empty plain scalar
(`key:` with nothing after it) is null.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from trainer.content import models
from trainer.content.models import QUESTION_KINDS, Curriculum, Module
from trainer.content.translation.models import SOURCE_HASH_PATTERN
from trainer.errors import ContentError, Issue

try:
    from yaml import CSafeLoader as _EventSource
except ImportError:  # pragma: no cover - libyaml missing: the pure-Python parser, same events
    from yaml import SafeLoader as _EventSource  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_EVENTS = 50_000
MAX_SCALAR_CHARS = 64 * 1024

Loc = tuple[str | int, ...]
Position = tuple[int, int]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where each value of a parsed file stands: data path → (line, column), both 1-based."""

    path: str
    positions: Mapping[Loc, Position]

    def locate(self, loc: Loc) -> Position:
        """Return the position of `loc`, or of its nearest ancestor that has one."""
        for end in range(len(loc), -1, -1):
            found = self.positions.get(loc[:end])
            if found is not None:
                return found
        return (1, 1)

    def issue(self, loc: Loc, message: str, *, severity: str = "error") -> Issue:
        """Return an issue located at `loc`."""
        line, column = self.locate(loc)
        return Issue(self.path, line, column, dotted(loc), message, severity)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Loaded(Generic[M]):
    """A model loaded from a file, with the file's source map for later located messages."""

    model: M
    source: SourceMap
    file: Path


def dotted(loc: Loc) -> str:
    """Return `quiz.questions[2].options[1].correct` for a data path."""
    out: list[str] = []
    for part in loc:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


class _Composer:
    """Build plain data (dict, list, str, None) from parser events, recording positions."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.events = _EventSource(text)
        self.count = 0
        self.positions: dict[Loc, Position] = {}
        self.issues: list[Issue] = []

    def fail(self, mark: Any, message: str, loc: Loc = ()) -> Issue:
        issue = Issue(self.path, mark.line + 1, mark.column + 1, dotted(loc), message)
        self.issues.append(issue)
        return issue

    def next_event(self) -> Any:
        self.count += 1
        event: Any = self.events.get_event()
        if self.count > MAX_EVENTS:
            self.fail(event.start_mark, f"too many YAML nodes (more than {MAX_EVENTS:,})")
            raise _Stop
        return event

    def document(self) -> Any:
        try:
            self.next_event()  # StreamStart
            event = self.next_event()
            if isinstance(event, yaml.StreamEndEvent):
                self.fail(event.start_mark, "the file is empty")
                raise _Stop
            data = self.node(self.next_event(), (), 0)
            self.next_event()  # DocumentEnd
            event = self.next_event()
            if not isinstance(event, yaml.StreamEndEvent):
                self.fail(event.start_mark, "only one YAML document is allowed per file")
            return data
        finally:
            self.events.dispose()

    def node(self, event: Any, loc: Loc, depth: int) -> Any:
        mark = event.start_mark
        self.positions[loc] = (mark.line + 1, mark.column + 1)
        # Anchors and aliases stop the read at once: a billion-laughs file is refused on its first line.
        if isinstance(event, yaml.AliasEvent):
            self.fail(mark, f"aliases (*{event.anchor}) are not allowed: write the value out", loc)
            raise _Stop
        if event.anchor is not None:
            self.fail(mark, f"anchors (&{event.anchor}) are not allowed: write the value out", loc)
            raise _Stop
        tag = event.tag
        if tag is not None and not (
            tag == "!" or isinstance(event, yaml.CollectionStartEvent) and event.implicit
        ):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(mark, f"tags ({shown}) are not allowed: remove the tag", loc)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, loc)
        if depth >= MAX_DEPTH:
            self.fail(mark, f"nesting is deeper than {MAX_DEPTH} levels", loc)
            raise _Stop
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(event := self.next_event(), yaml.SequenceEndEvent):
                items.append(self.node(event, (*loc, len(items)), depth + 1))
            return items
        return self.mapping(loc, depth)

    def scalar(self, event: Any, loc: Loc) -> str | None:
        value: str = event.value
        if len(value) > MAX_SCALAR_CHARS:
            self.fail(
                event.start_mark, f"value is longer than {MAX_SCALAR_CHARS:,} characters", loc
            )
            return None
        if not event.style and value == "":
            return None
        return value

    def mapping(self, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        while not isinstance(key_event := self.next_event(), yaml.MappingEndEvent):
            mark = key_event.start_mark
            if not isinstance(key_event, yaml.ScalarEvent):
                self.node(key_event, (*loc, "?"), depth + 1)
                self.fail(mark, "keys must be plain text", loc)
                self.node(self.next_event(), (*loc, "?"), depth + 1)
                continue
            key = key_event.value
            if key_event.anchor is not None or key_event.tag not in (None, "!"):
                self.fail(mark, "keys must be plain text (no anchors or tags)", loc)
            if key == "<<" and not key_event.style:
                self.fail(mark, "merge keys (<<) are not allowed: write the keys out", loc)
            if key in key_lines:
                self.fail(
                    mark,
                    f"duplicate key '{key}' (first defined at line {key_lines[key]})",
                    (*loc, key),
                )
                self.node(self.next_event(), (*loc, "?"), depth + 1)
                continue
            key_lines[key] = mark.line + 1
            value_loc = (*loc, key)
            result[key] = self.node(self.next_event(), value_loc, depth + 1)
            self.positions[value_loc] = (mark.line + 1, mark.column + 1)
        return result


class _Stop(Exception):
    """Reading cannot go on (a limit was hit); the issue is already recorded."""


def decode(raw: bytes, path: str) -> str:
    """Return the text of a YAML file, or raise ContentError for size, encoding or NUL bytes."""
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(
            [Issue(path, 1, 1, "", f"file is larger than 1 MiB ({len(raw):,} bytes)")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw[: exc.start].decode("utf-8", "replace"))
        raise ContentError(
            [
                Issue(
                    path,
                    line,
                    column,
                    "",
                    f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}): save the file as UTF-8",
                )
            ]
        ) from None
    text = text.removeprefix("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_col(text[:nul])
        raise ContentError([Issue(path, line, column, "", "NUL byte in file")])
    return text


def _line_col(before: str) -> Position:
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def parse_yaml(text: str, path: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document strictly into plain data and its source map, or raise ContentError."""
    composer = _Composer(text, path)
    data: Any = None
    try:
        data = composer.document()
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        if "mapping values are not allowed" in message:
            message = ("mapping values are not allowed here: a text that contains ': ' must be "
                       "quoted; put the whole value in double quotes, e.g. title: \"Case study: "
                       "the request\"")
        composer.issues.append(Issue(path, line, column, "", f"YAML syntax error: {message}"))
    except (yaml.YAMLError, ValueError, RecursionError, UnicodeError) as exc:
        composer.issues.append(Issue(path, 1, 1, "", f"cannot read YAML: {exc}"))
    if composer.issues:
        raise ContentError(composer.issues)
    return data, SourceMap(path, composer.positions)


def validate_model(model_type: type[M], data: Any, source: SourceMap) -> M:
    """Return `model_type` built from `data`, or raise ContentError with every located problem."""
    if not isinstance(data, dict):
        raise ContentError([source.issue((), "the file must be a mapping of keys to values")])
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        issues = [_pydantic_issue(error, data, source, model_type) for error in exc.errors()]
        raise ContentError(_unique(issues)) from None


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: set[Issue] = set()
    return [i for i in issues if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


def _data_loc(loc: tuple[int | str, ...], data: Any) -> tuple[Loc, Any, bool]:
    """Map a pydantic error location to the data path, skipping union tags; report if found."""
    out: list[str | int] = []
    current = data
    found = True
    for part in loc:
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
                continue
            if current.get("kind") == part:  # discriminated-union tag: not part of the data
                continue
            out.append(part)
            found = False
            current = None
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            out.append(part)
            current = current[part]
        else:
            if isinstance(part, str) and part in _NON_DATA_PARTS:
                continue
            out.append(part)
            found = False
            current = None
    return tuple(out), current, found


# What to write, for each pattern a field must match: the regular expression itself tells an
# author nothing. tests/content/test_check_gaps.py checks that every pattern of the models is here.
PATTERN_MESSAGES = {
    models.SLUG_PATTERN: "not a valid id: use lower-case letters, digits and single hyphens",
    models.LANGUAGE_PATTERN: "not a language code: write a two-letter ISO 639-1 code such as en, "
                             "fr or ar",
    models.WORKSHOP_DATE_PATTERN: "not a date: write a date as YYYY-MM-DD or YYYY-MM (when only "
                                  "the month is known)",
    models.JOIN_CODE_PATTERN: "not a join code: use 4-12 capital letters or digits (for example "
                              "MALTA16)",
    models.URL_PATTERN: "not a web address: start it with http:// or https:// (for example "
                        "https://www.unodc.org/)",
    SOURCE_HASH_PATTERN: "not a source hash: leave `source_hash` out and let `trainer translations "
                         "stamp` write it",
}

# pydantic names these sub-validators in locations; they are not keys of the data.
_NON_DATA_PARTS = {"function-after", "function-before", "function-wrap", "str", "float", "int"}


# Fields a translation never holds: grading lives on ids in the source module.
_ANSWER_FIELDS = {"correct", "accepted", "answer", "tolerance", "range", "points", "pass_mark",
                  "shuffle", "objective", "case"}


def _pydantic_issue(error: Any, data: Any, source: SourceMap,
                    model_type: type[BaseModel] | None = None) -> Issue:
    loc, value, found = _data_loc(tuple(error["loc"]), data)
    kind = error["type"]
    message = error["msg"]
    if kind == "missing":
        message = "required field is missing"
        line, column = source.locate(loc[:-1])
        return Issue(source.path, line, column, dotted(loc), message)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent, _, _ = _data_loc(tuple(error["loc"])[:-1], data)
        message = f"unknown field '{key}'"
        translation = (model_type is not None
                       and model_type.__module__ == "trainer.content.translation.models")
        if translation and key in _ANSWER_FIELDS:
            message += (": answers stay in the source module (a translation holds only texts, so "
                        "it can never change grading): remove it")
        else:
            allowed = _allowed_keys(parent, data)
            close = difflib.get_close_matches(key, allowed, n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            fields = (_fields_at(model_type, parent, data)
                      or _model_fields(_node(parent, data), key, model_type))
            if fields:
                message += f"; the fields here are {', '.join(fields)}"
    elif kind in {"union_tag_invalid", "union_tag_not_found"}:
        kinds = ", ".join(QUESTION_KINDS)
        got = value.get("kind") if isinstance(value, dict) else None
        if got is None:
            message = f"a question needs a 'kind': one of {kinds}"
        else:
            message = f"unknown question kind '{got}': expected one of {kinds}"
            loc = (*loc, "kind")
    elif kind == "string_pattern_mismatch" and \
            str(error.get("ctx", {}).get("pattern")) in PATTERN_MESSAGES:
        message = PATTERN_MESSAGES[str(error["ctx"]["pattern"])]
    elif kind in {"dict_type", "model_type"}:
        message = f"expected a mapping of keys to values, got {_describe(value)}"
    elif kind == "list_type":
        message = f"expected a list, got {_describe(value)}"
    elif kind == "string_type" and value is None:
        message = "a value is required here"
    else:
        message = message[0].lower() + message[1:] if message else "invalid value"
    if (
        found
        and isinstance(value, str)
        and kind not in {"extra_forbidden", "list_type", "dict_type", "model_type"}
    ):
        shown = value if len(value) <= 40 else value[:37] + "..."
        message += f"; got '{shown}'"
    line, column = source.locate(loc)
    return Issue(source.path, line, column, dotted(loc), message)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _node(parent: Loc, data: Any) -> Any:
    node: Any = data
    for part in parent:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Return the pydantic models an annotation can hold (through Optional, lists, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [found for arg in get_args(annotation) for found in _models_in(arg)]


def _fields_at(model_type: type[BaseModel] | None, parent: Loc, data: Any) -> list[str]:
    """Return the fields of the model at `parent`, walking the model's own field types ([] when
    the walk is ambiguous); a union of question kinds is resolved by the node's `kind`."""
    if model_type is None:
        return []
    current: type[BaseModel] = model_type
    node: Any = data
    for part in parent:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        field = current.model_fields.get(str(part))
        node = node.get(part) if isinstance(node, dict) else None
        if field is None:
            return []
        options = _models_in(field.annotation)
        if len(options) > 1 and isinstance(node, dict) and "kind" in node:
            options = [o for o in options if "kind" in o.model_fields
                       and str(node["kind"]) in str(o.model_fields["kind"].annotation)]
        if len(options) != 1:
            return []
        current = options[0]
    return sorted(current.model_fields)


def _model_fields(node: Any, key: str, model_type: type[BaseModel] | None) -> list[str]:
    """Return the fields of the model a mapping with an unknown `key` most likely is (or [])."""
    if not isinstance(node, dict):
        return []
    module = sys.modules.get(model_type.__module__) if model_type is not None else None
    candidates = [value for value in vars(module or models).values()
                  if isinstance(value, type) and issubclass(value, BaseModel)
                  and value.__module__ == (module or models).__name__]
    present = {k for k in node if k != key}
    kind = node.get("kind")
    fitting = [c for c in candidates if present <= set(c.model_fields)
               and (kind is None or "kind" not in c.model_fields
                    or kind in str(c.model_fields["kind"].annotation))]
    if not fitting:
        return []
    best = min(fitting, key=lambda c: len(c.model_fields))
    return sorted(best.model_fields)


def _allowed_keys(parent: Loc, data: Any) -> list[str]:
    """Return field names to suggest for a misspelt key: known fields not already present."""
    node: Any = data
    for part in parent:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    present = set(node) if isinstance(node, dict) else set()
    return sorted(_ALL_FIELDS - present)


def _all_fields() -> set[str]:
    names: set[str] = set()
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
    return names


_ALL_FIELDS = _all_fields()


def read_file(file: Path, display: str) -> tuple[Any, SourceMap]:
    """Read and parse one YAML file, or raise ContentError (also for I/O problems)."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ContentError(
            [Issue(display, 1, 1, "", f"cannot read file: {exc.strerror}")]
        ) from None
    return parse_yaml(decode(raw, display), display)


def load_file(model_type: type[M], file: Path, display: str | None = None) -> Loaded[M]:
    """Load one YAML file as `model_type` (Module or Curriculum), or raise ContentError."""
    shown = display if display is not None else str(file)
    data, source = read_file(file, shown)
    return Loaded(validate_model(model_type, data, source), source, file)


def load_module(file: Path, display: str | None = None) -> Loaded[Module]:
    """Load a module file, or raise ContentError."""
    return load_file(Module, file, display)


def load_curriculum(file: Path, display: str | None = None) -> Loaded[Curriculum]:
    """Load a curriculum file, or raise ContentError."""
    return load_file(Curriculum, file, display)
