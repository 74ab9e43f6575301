"""Workshop results as CSV, safe to open in a spreadsheet (SECURITY.md 19).

A text cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab
or a carriage return, even after leading spaces) is prefixed with an apostrophe, OWASP's advice
for CSV injection: a participant called `=HYPERLINK(...)` stays text. Numbers the report computes
are written as plain numbers (a negative gain stays a number). The file is UTF-8 with a byte order
mark, so Excel shows accented and Arabic names right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from trainer.export.report import StepResult, WorkshopResults

__all__ = ["Cell", "items_csv", "neutralise", "participants_csv", "write_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def neutralise(text: str) -> str:
    """Return text a spreadsheet will not run as a formula."""
    if text.lstrip(" ").startswith(FORMULA_STARTS) or text.startswith(("\t", "\r")):
        return "'" + text
    return text


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
    return neutralise(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """Return CSV text (with a BOM) of a header and rows, every text cell neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _percent(step: StepResult) -> float | None:
    return None if step.percent is None else round(step.percent, 1)


def participants_csv(results: WorkshopResults) -> str:
    """Return one row per participant: tests, gain, every module, certificate."""
    header = ["participant", "joined", "pre_test_percent", "post_test_percent", "normalised_gain"]
    for module in results.modules:
        header += [f"{module.id}_best_percent", f"{module.id}_passed"]
    header += ["post_test_passed", "certificate"]
    rows: list[list[Cell]] = []
    for p in results.participants:
        gain = p.gain
        row: list[Cell] = [
            p.name, p.joined.strftime("%Y-%m-%d %H:%M"),
            round(gain.pre, 2) if gain else _percent(p.pre),
            round(gain.post, 2) if gain else _percent(p.post),
            None if gain is None or gain.gain is None else round(gain.gain, 4),
        ]
        for step in p.modules:
            row += [_percent(step), None if step.attempts == 0 else step.state == "passed"]
        row += [None if p.post.attempts == 0 else p.post.state == "passed", p.certificate]
        rows.append(row)
    return write_csv(header, rows)


def items_csv(results: WorkshopResults) -> str:
    """Return one row per analysed question version, with its choice counts."""
    header = ["section", "number", "module", "question", "version", "prompt", "responses",
              "facility_percent", "discrimination_27", "point_biserial", "flags", "unanswered",
              "choices"]
    rows: list[list[Cell]] = []
    for section in results.items:
        for item in section.items:
            s = item.stats
            choices = "; ".join(
                f"{c.id}{'*' if c.correct else ''}={c.count}" for c in item.choices)
            rows.append([
                section.key, item.number, item.module_id, item.question_id, item.version,
                item.prompt, s.responses, round(s.facility, 2),
                None if s.discrimination is None else round(s.discrimination, 4),
                None if s.point_biserial is None else round(s.point_biserial, 4),
                " ".join(s.flags), item.unanswered, choices,
            ])
    return write_csv(header, rows)
