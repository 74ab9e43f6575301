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
from trainer.quiz.scoring import round_percent
from trainer.quiz.statistics import MIN_FLAG_RESPONSES, CohortGain, Interval

__all__ = ["Cell", "gain_csv", "items_csv", "neutralise", "participants_csv", "write_csv"]

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
    return None if step.percent is None else round_percent(step.percent)


def participants_csv(results: WorkshopResults) -> str:
    """Return one row per participant: tests, gain, every module, certificate."""
    header = ["participant", "joined", "pre_test_percent", "post_test_percent", "normalised_gain"]
    for module in results.modules:
        header += [f"{module.id}_best_percent", f"{module.id}_passed"]
    header += ["post_test_passed", "certificate"]
    forms = results.design is not None
    if forms:
        header += ["test_forms"]  # AB: form A as pre-test, B as post-test; BA: the reverse
    rows: list[list[Cell]] = []
    for p in results.participants:
        gain = p.gain
        row: list[Cell] = [
            p.name, p.joined.strftime("%Y-%m-%d %H:%M"),
            round_percent(gain.pre) if gain else _percent(p.pre),
            round_percent(gain.post) if gain else _percent(p.post),
            None if gain is None or gain.gain is None else round(gain.gain, 4),
        ]
        for step in p.modules:
            row += [_percent(step), None if step.attempts == 0 else step.state == "passed"]
        row += [None if p.post.attempts == 0 else p.post.state == "passed", p.certificate]
        if forms:
            row += [p.form_order or None]
        rows.append(row)
    return write_csv(header, rows)


def items_csv(results: WorkshopResults) -> str:
    """Return one row per analysed question version, with its choice counts and typed answers.

    `too_few_to_flag` is "yes" below MIN_FLAG_RESPONSES responses (figures given, no flags);
    `option_rates` gives each option's share of the responses in percent (* = right);
    `typed_answers` the most frequent typed answers with their counts (* = accepted).
    """
    header = ["section", "number", "module", "question", "version", "prompt", "responses",
              "facility_percent", "discrimination_27", "point_biserial", "flags", "unanswered",
              "choices", "too_few_to_flag", "form", "option_rates", "typed_answers"]
    rows: list[list[Cell]] = []
    for section in results.items:
        for item in section.items:
            s = item.stats
            choices = "; ".join(
                f"{c.id}{'*' if c.correct else ''}={c.count}" for c in item.choices)
            rows.append([
                section.key, item.number, item.module_id, item.question_id, item.version,
                item.prompt, s.responses, round_percent(s.facility),
                None if s.discrimination is None else round(s.discrimination, 4),
                None if s.point_biserial is None else round(s.point_biserial, 4),
                " ".join(s.flags), item.unanswered, choices,
                s.responses < MIN_FLAG_RESPONSES, item.form or None,
                "; ".join(f"{c.id}{'*' if c.correct else ''}={round_percent(c.share):.1f}%"
                          for c in item.choices),
                "; ".join([f"\"{t.text}\"{'*' if t.accepted else ''}={t.count}" for t in item.typed]
                          + ([f"others={item.typed_other}"] if item.typed_other else [])),
            ])
    return write_csv(header, rows)


def _interval_row(scope: str, group: str, measure: str, interval: Interval | None) -> list[Cell]:
    if interval is None:
        return [scope, group, measure, 0, None, None, None, None]
    return [scope, group, measure, interval.n, round(interval.mean, 4),
            None if interval.low is None else round(interval.low, 4),
            None if interval.high is None else round(interval.high, 4),
            None if interval.low is None else interval.clipped]


def _cohort_rows(scope: str, group: str, cohort: CohortGain | None) -> list[list[Cell]]:
    if cohort is None:
        return [[scope, group, "participants", 0, None, None, None, None]]
    return [
        _interval_row(scope, group, "pre_percent", cohort.pre_interval),
        _interval_row(scope, group, "post_percent", cohort.post_interval),
        _interval_row(scope, group, "normalised_gain_mean", cohort.gain_interval),
        [scope, group, "class_gain", cohort.participants,
         None if cohort.class_gain is None else round(cohort.class_gain, 4), None, None, None],
    ]


def gain_csv(results: WorkshopResults) -> str:
    """Return the learning-gain figures, one per row, each with its n and 95 % t-based interval.

    Rows: the cohort; with parallel forms, each order (AB, BA) and each form (as pre-test, as
    post-test, overall); then each learning objective. `class_gain` (Hake) has no interval.
    `ci95_clipped`: the t interval ran past the scale (0-100 %, or a gain above 1) and was cut.
    """
    header = ["scope", "group", "measure", "n", "value", "ci95_low", "ci95_high", "ci95_clipped"]
    rows = _cohort_rows("cohort", "all", results.gain.cohort)
    if results.design is not None:
        for group in results.design.groups:
            name = group.order.upper()
            rows += [_interval_row("order", name, "pre_percent", group.pre),
                     _interval_row("order", name, "post_percent", group.post),
                     _interval_row("order", name, "normalised_gain_mean", group.gain)]
        for form in results.design.forms:
            name = form.form.upper()
            rows += [_interval_row("form", name, "as_pre_percent", form.as_pre),
                     _interval_row("form", name, "as_post_percent", form.as_post),
                     _interval_row("form", name, "percent", form.overall)]
    for objective in results.objectives:
        rows += _cohort_rows("objective", objective.key, objective.summary.cohort)
    return write_csv(header, rows)
