"""Text of translation files for translators: a new file's skeleton, and stamping source hashes.

Pure: functions take and return text; the CLI reads and writes the files. Stamping edits the file's
text in place (only the `source_hash:` lines), so a translator's layout and comments survive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any

from trainer.content.loader import Loc, SourceMap
from trainer.content.models import Curriculum, Module
from trainer.content.translation.overlay import (
    CURRICULUM_SHAPE,
    MODULE_SHAPE,
    Shape,
    TranslatedCurriculum,
    TranslatedModule,
    source_text_hash,
)
from trainer.errors import TrainerError

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*")
_RESERVED = re.compile(r"(?:true|false|yes|no|on|off|null|~|y|n|[-+.0-9][-+.0-9a-z_:]*)", re.IGNORECASE)
_ID_LINE = re.compile(r"^id:[ \t]*(?:[a-z0-9-]+|\"[a-z0-9-]+\"|'[a-z0-9-]+')[ \t]*(?:#.*)?$")
_HASH_VALUE = re.compile(r"^source_hash:[ \t]*(?:\"[0-9a-f]*\"|'[0-9a-f]*'|null|~|[0-9a-f]*)")


def _scalar(text: str, indent: int) -> str:
    """Return `text` as a YAML value after `key:` (plain, double-quoted or a literal block)."""
    if "\n" in text and not text.startswith((" ", "\n")):
        content = text.rstrip("\n")
        trailing = len(text) - len(content)
        chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
        pad = " " * indent
        body = "\n".join(pad + line if line else "" for line in content.split("\n"))
        return f" |{chomp}\n{body}" + "\n" * max(0, trailing - 1)
    plain = (
        _PLAIN.fullmatch(text) and not _RESERVED.fullmatch(text) and ": " not in text
        and " #" not in text and not text.endswith((":", " "))
    )
    return f" {text}" if plain else " " + json.dumps(text, ensure_ascii=False)


def _entry_lines(shape: Shape, entry: Mapping[str, Any], indent: int, stamped: bool) -> list[str]:
    """Return the lines of one entry's mapping, every line indented by `indent` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if shape.keyed and "id" in entry:
        # Quoted when YAML would read the id as something else ("true", "false"), as docs advise.
        lines.append(f"{pad}id:{_scalar(str(entry['id']), indent)}")
    if stamped:
        lines.append(f"{pad}source_hash: {source_text_hash(entry, shape)}")
    for name in shape.fields:
        value = entry.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            lines.append(f"{pad}{name}:")
            lines.extend(f"{pad}  -{_scalar(item, indent + 4)}" for item in value)
        else:
            lines.append(f"{pad}{name}:{_scalar(value, indent + 2)}")
    for path, child in shape.children:
        items: Any = entry
        for part in path:
            items = items.get(part) if isinstance(items, Mapping) else None
        if not items:
            continue
        depth = indent
        for part in path:
            lines.append(f"{' ' * depth}{part}:")
            depth += 2
        if isinstance(items, Mapping):  # one entry (a curriculum's pre_test), not a list
            lines.extend(_entry_lines(child, items, depth, stamped))
            continue
        for item in items:
            body = _entry_lines(child, item, depth + 2, stamped)
            body[0] = f"{' ' * depth}- {body[0][depth + 2:]}"
            lines.extend(body)
    return lines


def translation_skeleton(source: Module | Curriculum, language: str, *, stamped: bool = False) -> str:
    """Return a new translation file for a module or curriculum: every entry with its source text.

    Entries are not stamped (they count as missing until `trainer translations stamp`), unless
    `stamped`, which records the current source hashes as if the text were translated already.
    """
    data = source.model_dump()
    is_module = isinstance(source, Module)
    body = _entry_lines(MODULE_SHAPE if is_module else CURRICULUM_SHAPE, data, 0, stamped)
    where = f"modules/{source.id}.yaml" if is_module else f"curriculum/{source.id}.yaml"
    target = source.id if is_module else f"curriculum/{source.id}"
    header = [
        f"# Translation of {where} into '{language}'.",
        "# Translate the text of each entry; keep every id. Then record which source text you",
        f"# translated from: trainer translations stamp {target} {language} --all",
        "# (or name the entries you updated). See docs/translations.md.",
    ]
    return "\n".join([*header, body[0], f"language: {language}", *body[1:]]) + "\n"


def stamp_text(
    text: str, result: TranslatedModule | TranslatedCurriculum, source: SourceMap,
    keys: Collection[str] | None = None,
) -> tuple[str, list[str]]:
    """Return the file text with current source hashes recorded, and the keys stamped.

    `keys` names entries (`questions.q-year`, `sources[2]`, `module`); None stamps every entry
    present in the file that is not complete. Raises TrainerError for an unknown or absent entry.
    """
    by_key = {item.key: item for item in result.items}
    if keys is None:
        chosen = [item for item in result.items if item.loc is not None and item.state != "complete"]
    else:
        unknown = [key for key in keys if key not in by_key]
        if unknown:
            raise TrainerError(f"no such entry: {', '.join(unknown)} (see `trainer translations status "
                               "--items` for the keys)")
        absent = [key for key in keys if by_key[key].loc is None]
        if absent:
            raise TrainerError(f"not in the translation file yet: {', '.join(absent)}: add the "
                               "translated entry first")
        chosen = [by_key[key] for key in keys]
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, str, str]] = []
    stamped: list[str] = []
    for item in chosen:
        assert item.loc is not None  # noqa: S101 - filtered above
        edit = _edit(lines, source, item.loc, item.source_hash)
        if edit is not None:
            edits.append(edit)
            stamped.append(item.key)
    for index, kind, new in sorted(edits, reverse=True):
        if kind == "replace":
            lines[index] = new
        else:
            lines.insert(index, new)
    return "".join(lines), stamped


def _edit(lines: list[str], source: SourceMap, loc: Loc, digest: str) -> tuple[int, str, str] | None:
    """Return one edit (line index, replace or insert, new text) that records `digest`, if needed."""
    where = source.positions.get((*loc, "source_hash"))
    if where is not None:
        index, column = where[0] - 1, where[1] - 1
        line = lines[index]
        match = _HASH_VALUE.match(line[column:])
        if match is None:
            raise TrainerError(f"{source.path}:{where[0]}: cannot read this source_hash; write it "
                               "as `source_hash: <hash>` on one line")
        if match.group(0).endswith(digest):
            return None
        new = line[:column] + f"source_hash: {digest}" + line[column + match.end():]
        return index, "replace", new
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    id_at = source.positions.get((*loc, "id"))
    if id_at is not None:
        index, column = id_at[0] - 1, id_at[1] - 1
        if _ID_LINE.match(lines[index][column:].rstrip("\r\n")):
            return index + 1, "insert", " " * column + f"source_hash: {digest}{newline}"
    start = source.positions.get(loc)
    if start is None or lines[start[0] - 1][start[1] - 1] == "{":
        where_line = start[0] if start else 1
        raise TrainerError(f"{source.path}:{where_line}: cannot stamp an entry written in flow "
                           "style ({...}): write it as one key per line")
    # The entry's first key (a mapping under a key, `pre_test:`, is located at that key).
    keys = [at for path, at in source.positions.items()
            if len(path) == len(loc) + 1 and path[: len(loc)] == loc]
    start = min(keys, default=start)
    index, column = start[0] - 1, start[1] - 1
    first = lines[index]
    return index, "replace", (first[:column] + f"source_hash: {digest}{newline}" + " " * column
                              + first[column:])
