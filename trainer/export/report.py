"""A workshop's results: the data the dashboard shows, its SVG charts, and the results PDF.

`WorkshopResults` is built by the web layer from stored attempts (trainer.web.dashboard_results);
here it is only shown. The numbers in it come from trainer.quiz.statistics (learning gain, item
analysis), never recomputed. Charts are SVG written by a Jinja template, with a title, a
description and text labels on every mark, so they read without colour and print well; the same
SVG is inlined in the dashboard pages and in the PDF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from trainer.content.models import Curriculum, Workshop
from trainer.errors import ExportError
from trainer.export.handbook import format_dates
from trainer.export.pdf import STATIC_DIR, render_document
from trainer.quiz.statistics import GainSummary, ItemStatistics, ParticipantGain

__all__ = [
    "ChartRow",
    "ChoiceCount",
    "ItemRow",
    "ItemSection",
    "ModuleColumn",
    "ObjectiveGain",
    "ParticipantRow",
    "StepResult",
    "WorkshopResults",
    "build_report",
    "dumbbell_chart",
    "format_gain",
    "format_percent",
    "format_stat",
    "gain_description",
    "gain_rows",
    "report_filename",
    "report_html",
]

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
REPORT_MAX_PAGES = 200

Gettext = Callable[[str], str]


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class StepResult:
    """One cell of the participant grid: a module quiz, the pre-test or the post-test."""

    state: str  # "not_started", "in_progress", "passed" or "failed"
    percent: float | None = None  # the best submitted percent
    attempts: int = 0


@dataclass(frozen=True)
class ModuleColumn:
    """A module of the workshop, as a column of the grid."""

    id: str
    title: str
    pass_mark: float


@dataclass(frozen=True)
class ParticipantRow:
    """A participant with their results on every step and their learning gain."""

    key: str
    public_id: str
    name: str
    joined: datetime
    pre: StepResult
    modules: tuple[StepResult, ...]
    post: StepResult
    gain: ParticipantGain | None

    @property
    def certificate(self) -> bool:
        """Return whether the participant passed the post-test (and so gets a certificate)."""
        return self.post.state == "passed"


@dataclass(frozen=True)
class ChoiceCount:
    """How often one option of a choice question was chosen."""

    id: str
    label: str
    correct: bool
    count: int
    share: float  # percent of the responses


@dataclass(frozen=True)
class ItemRow:
    """The analysis of one version of one question."""

    number: int
    module_id: str
    question_id: str
    kind: str
    prompt: str
    version: int
    versions: int
    current: bool
    stats: ItemStatistics
    choices: tuple[ChoiceCount, ...]
    unanswered: int


@dataclass(frozen=True)
class ItemSection:
    """Item analysis of one test or one module quiz."""

    key: str
    title: str
    participants: int
    items: tuple[ItemRow, ...]


@dataclass(frozen=True)
class ObjectiveGain:
    """Learning gain on the questions of one learning objective."""

    key: str
    module_title: str
    text: str
    summary: GainSummary


@dataclass(frozen=True)
class WorkshopResults:
    """Everything the dashboard and the results report show about a workshop."""

    curriculum: Curriculum
    workshop: Workshop
    modules: tuple[ModuleColumn, ...]
    participants: tuple[ParticipantRow, ...]
    gain: GainSummary
    objectives: tuple[ObjectiveGain, ...]
    items: tuple[ItemSection, ...]
    generated: datetime

    @property
    def dates(self) -> str:
        """Return the workshop's dates for people."""
        return format_dates(self.workshop.start, self.workshop.end, "en")

    @property
    def place(self) -> str:
        """Return where the workshop was held, as far as it is known."""
        parts = [p for p in (self.workshop.city, self.workshop.country) if p]
        return ", ".join(parts) or self.workshop.region

    def count(self, what: str) -> int:
        """Return how many participants took the pre-test, the post-test, or earned a certificate."""
        if what == "pre":
            return sum(1 for p in self.participants if p.pre.attempts)
        if what == "post":
            return sum(1 for p in self.participants if p.post.attempts)
        if what == "certificates":
            return sum(1 for p in self.participants if p.certificate)
        raise ValueError(what)

    def flagged(self) -> int:
        """Return how many analysed question versions carry a flag."""
        return sum(1 for section in self.items for item in section.items if item.stats.flags)


# -- number formatting: one place, so the page, the PDF and the tests agree ----------------------


def format_percent(value: float | None) -> str:
    """Return a percent with one decimal ("66.7"), or an em dash when there is none."""
    return "—" if value is None else f"{value:.1f}"


def format_gain(value: float | None) -> str:
    """Return a normalised gain with two decimals ("0.67", "−0.25"), or an em dash."""
    if value is None:
        return "—"
    shown = f"{value:.2f}"
    return "\u2212" + shown[1:] if shown.startswith("-") else shown


def format_stat(value: float | None) -> str:
    """Return a discrimination index or correlation with two decimals, or an em dash."""
    return format_gain(value)


# -- charts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    """One row of a pre/post chart: a label, two percents and the text shown at its end."""

    label: str
    pre: float
    post: float
    note: str
    emphasis: bool = False


_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html", "svg"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["percent"] = format_percent
_environment.filters["gain"] = format_gain
_environment.filters["stat"] = format_stat


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def dumbbell_chart(rows: Sequence[ChartRow], *, chart_id: str, title: str, description: str,
                   pre_label: str = "Pre-test", post_label: str = "Post-test") -> Markup:
    """Return an SVG chart of pre-test → post-test percents, one row per label."""
    left, right, row_height, top = 190.0, 520.0, 30.0, 62.0
    width = right + 150.0

    def x(percent: float) -> float:
        return round(left + (right - left) * max(0.0, min(100.0, percent)) / 100.0, 1)

    marks = []
    for index, row in enumerate(rows):
        y = top + index * row_height + row_height / 2
        marks.append({
            "label": _short(row.label, 26), "full": row.label, "y": y,
            "pre_x": x(row.pre), "post_x": x(row.post), "note": row.note,
            "emphasis": row.emphasis, "loss": row.post < row.pre,
            "separator": row.emphasis and index > 0,
        })
    height = top + max(1, len(rows)) * row_height + 16
    svg = _environment.get_template("report/chart.svg").render(
        chart_id=chart_id, title=title, description=description, rows=marks,
        width=width, height=height, left=left, right=right, top=top, row_height=row_height,
        ticks=[(tick, x(tick)) for tick in (0, 25, 50, 75, 100)],
        pre_label=pre_label, post_label=post_label,
    )
    return Markup(svg)  # noqa: S704 - rendered by an autoescaping template


def gain_rows(results: WorkshopResults, cohort_label: str = "Cohort mean") -> list[ChartRow]:
    """Return the chart rows of the per-participant gains, then the cohort mean."""
    names = {p.key: p.name for p in results.participants}
    rows = [ChartRow(names.get(g.participant, g.participant), g.pre, g.post,
                     f"{format_percent(g.pre)} → {format_percent(g.post)}  g {format_gain(g.gain)}")
            for g in results.gain.participants]
    cohort = results.gain.cohort
    if cohort is not None:
        rows.append(ChartRow(cohort_label, cohort.pre, cohort.post,
                             f"{format_percent(cohort.pre)} → {format_percent(cohort.post)}  "
                             f"⟨g⟩ {format_gain(cohort.class_gain)}", emphasis=True))
    return rows


def gain_description(results: WorkshopResults) -> str:
    """Return the one-sentence text alternative of the gain chart."""
    cohort = results.gain.cohort
    if cohort is None:
        return "No participant has taken both the pre-test and the post-test yet."
    return (f"Pre-test and post-test percent of {cohort.participants} participant"
            f"{'s' if cohort.participants != 1 else ''}. The cohort mean went from "
            f"{format_percent(cohort.pre)} % to {format_percent(cohort.post)} % "
            f"(class normalised gain {format_gain(cohort.class_gain)}, mean of individual gains "
            f"{format_gain(cohort.mean_gain)}).")


# -- the PDF --------------------------------------------------------------------------------------


def report_filename(results: WorkshopResults) -> str:
    """Return the default file name of a results report."""
    return f"{results.curriculum.id}-{results.workshop.id}-results.pdf"


def report_html(results: WorkshopResults, *, gettext: Gettext = _identity) -> str:
    """Return the print HTML of a workshop's results report."""
    _ = gettext
    chart = dumbbell_chart(
        gain_rows(results, _("Cohort mean")), chart_id="gain-chart",
        title=_("Learning gain: pre-test and post-test percent"),
        description=gain_description(results), pre_label=_("Pre-test"),
        post_label=_("Post-test"),
    )
    template = _environment.get_template("report/report.html")
    return template.render(r=results, _=_, chart=chart,
                           generated=results.generated.strftime("%d %B %Y, %H:%M UTC"))


def build_report(results: WorkshopResults, *, gettext: Gettext = _identity,
                 time_limit: float | None = None) -> bytes:
    """Return the results report as PDF bytes; raise ExportError when it cannot be made."""
    html = report_html(results, gettext=gettext)
    rendered = render_document(html, [STATIC_DIR], max_pages=REPORT_MAX_PAGES,
                               time_limit=time_limit)
    if rendered.refused:
        logger.warning("%d resource(s) refused while rendering a results report",
                       len(rendered.refused))
    if rendered.pages < 1:
        raise ExportError("the results report came out empty")
    return rendered.pdf
