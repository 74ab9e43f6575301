"""A workshop's results: the data the dashboard shows, its SVG charts, and the results PDF.

`WorkshopResults` is built by the web layer from stored attempts (trainer.services.results);
here it is only shown. The numbers in it come from trainer.quiz.statistics (learning gain, item
analysis), never recomputed. Charts are SVG written by a Jinja template, with a title, a
description and text labels on every mark, so they read without colour and print well; the same
SVG is inlined in the dashboard pages and in the PDF.

The report is written in a `language` (the workshop's, from the dashboard): its boilerplate through
that language's catalog (`trainer.locales`), its dates in that language, and `dir="rtl"` for
Arabic. Content text (titles, prompts, objectives) stays in the curriculum's language and is
marked with it, so it keeps its own direction inside a report in another language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date, format_time
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from trainer.content.models import Curriculum, Workshop
from trainer.content.translation.marks import lang_attributes
from trainer.errors import ExportError
from trainer.export.pdf import STATIC_DIR, render_document
from trainer.export.print_templates import css_content, print_environment
from trainer.locales import (
    base_language,
    decimal_sign,
    direction_of,
    format_dates,
    gettext_for,
    text_direction,
    translations,
)
from trainer.quiz.scoring import round_percent
from trainer.quiz.statistics import (
    MIN_FLAG_RESPONSES,
    CounterbalancedDesign,
    GainSummary,
    Interval,
    ItemStatistics,
    ParticipantGain,
)

__all__ = [
    "ChartRow",
    "ChoiceCount",
    "ItemRow",
    "ItemSection",
    "ModuleColumn",
    "ObjectiveGain",
    "ParticipantRow",
    "StepResult",
    "TypedAnswer",
    "WorkshopResults",
    "build_report",
    "dumbbell_chart",
    "format_gain",
    "format_interval",
    "format_percent",
    "format_stat",
    "gain_description",
    "gain_rows",
    "number_formats",
    "page_footer_css",
    "print_chart",
    "report_filename",
    "report_html",
]

logger = logging.getLogger(__name__)

REPORT_MAX_PAGES = 200

Gettext = Callable[[str], str]
# Dates in British English ("18 May 2017, 12:00"), as the handbook writes them.
_DATE_LOCALES = {"en": "en_GB"}


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
    language: str | None = None  # of its title, when not the curriculum's


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
    form_order: str = ""  # "AB" or "BA" with parallel forms (the order they take them in)

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
class TypedAnswer:
    """An answer typed to a short-answer or numeric question, with how many typed it."""

    text: str
    count: int
    share: float  # percent of the typed answers
    accepted: bool  # graded right


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
    typed: tuple[TypedAnswer, ...] = ()
    typed_other: int = 0  # typed answers beyond those listed
    form: str = ""  # "A" or "B" for a question of a parallel test form


@dataclass(frozen=True)
class ItemSection:
    """Item analysis of one test or one module quiz."""

    key: str
    title: str
    participants: int
    items: tuple[ItemRow, ...]
    language: str | None = None  # of its title, prompts and options, when not the curriculum's


@dataclass(frozen=True)
class ObjectiveGain:
    """Learning gain on the questions of one learning objective."""

    key: str
    module_title: str
    text: str
    summary: GainSummary
    language: str | None = None  # of its texts, when not the curriculum's


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
    design: CounterbalancedDesign | None = None  # with parallel forms
    min_flag_responses: int = MIN_FLAG_RESPONSES

    @property
    def dates(self) -> str:
        """Return the workshop's dates for people (in English; `dates_in` for another language)."""
        return self.dates_in("en")

    def dates_in(self, language: str) -> str:
        """Return the workshop's dates for people, in `language`."""
        return format_dates(self.workshop.start, self.workshop.end, base_language(language))

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

    def too_few(self) -> int:
        """Return how many analysed question versions have too few responses to be flagged."""
        return sum(1 for section in self.items for item in section.items if item.stats.too_few)


# -- number formatting: one place, so the page, the PDF and the tests agree ----------------------
# Each takes the `locale` of the page or report it is written in: its decimal sign ("66,7" in
# French; "66.7" in English and Arabic). The CSV files keep the point, for spreadsheets.


def _in_locale(text: str, locale: str) -> str:
    sign = decimal_sign(locale)
    return text if sign == "." else text.replace(".", sign)


def format_percent(value: float | None, locale: str = "en") -> str:
    """Return a percent with one decimal ("66.7", "66,7"), or an em dash when there is none.

    Rounded by the one rule for percentages (trainer.quiz.scoring.round_percent: half up), so
    a cohort mean of 37.25 reads 37.3 here as in the CSV.
    """
    return "—" if value is None else _in_locale(f"{round_percent(value):.1f}", locale)


def format_gain(value: float | None, locale: str = "en") -> str:
    """Return a normalised gain with two decimals ("0.67", "−0.25", "0,67"), or an em dash."""
    if value is None:
        return "—"
    shown = _in_locale(f"{value:.2f}", locale)
    return "\u2212" + shown[1:] if shown.startswith("-") else shown


def format_interval(interval: Interval | None, gain: bool = False, locale: str = "en") -> str:
    """Return a 95 % interval as "38.2–51.8" (percents) or "0.12–0.40" (gains), or an em dash."""
    if interval is None or interval.low is None or interval.high is None:
        return "—"
    def shown(value: float) -> str:
        text = format_gain(value, locale) if gain else format_percent(value, locale)
        return "\u2212" + text[1:] if text.startswith("-") else text

    return f"{shown(interval.low)}–{shown(interval.high)}"


def format_stat(value: float | None, locale: str = "en") -> str:
    """Return a discrimination index or correlation with two decimals, or an em dash."""
    return format_gain(value, locale)


@functools.lru_cache(maxsize=8)
def number_formats(locale: str) -> Mapping[str, Callable[..., str]]:
    """Return the four formats above in `locale`, named as pages and reports use them (made once
    per locale: every dashboard page asks for them)."""
    return {"percent": functools.partial(format_percent, locale=locale),
            "gain": functools.partial(format_gain, locale=locale),
            "stat": functools.partial(format_stat, locale=locale),
            "interval": functools.partial(format_interval, locale=locale)}


def _report_filter(name: str) -> Callable[..., str]:
    @pass_context
    def shown(context: Context, value: Any, *args: Any) -> str:
        return number_formats(str(context.get("lang") or "en"))[name](value, *args)

    return shown


# -- charts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    """One row of a pre/post chart: a label, two percents and the text shown at its end."""

    label: str
    pre: float
    post: float
    note: str
    emphasis: bool = False


# Names may be in any script: `<bdi dir="{{ name|dir }}">` isolates them (WeasyPrint ignores "auto").
# The number filters format in the language the template is rendered in (its `lang`).
_environment = print_environment(
    {"dir": direction_of, **{name: _report_filter(name) for name in ("percent", "gain", "stat",
                                                                     "interval")}}
)


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


def print_chart(rows: Sequence[ChartRow], *, chart_id: str, title: str, description: str,
                pre_label: str, post_label: str, direction: str = "ltr") -> Markup:
    """Return the gain chart as the PDF shows it: an HTML table with SVG marks, no SVG text.

    WeasyPrint draws SVG text letter by letter, without bidi, so an Arabic label would come out
    reversed; here every word is HTML. In a right-to-left report the axis runs from the right.
    """
    span, margin = 300.0, 12.0

    def x(percent: float) -> float:
        share = max(0.0, min(100.0, percent)) / 100.0
        if direction == "rtl":
            share = 1.0 - share
        return round(margin + (span - 2 * margin) * share, 1)

    marks = [{"label": row.label, "note": row.note, "emphasis": row.emphasis,
              "loss": row.post < row.pre, "pre_x": x(row.pre), "post_x": x(row.post)}
             for row in rows]
    html = _environment.get_template("report/chart_rows.html").render(
        chart_id=chart_id, title=title, description=description, rows=marks, span=span,
        width=80, ticks=[(f"{tick} %", x(tick)) for tick in (0, 25, 50, 75, 100)], direction=direction,
        pre_label=pre_label, post_label=post_label,
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def gain_rows(results: WorkshopResults, cohort_label: str = "Cohort mean",
              locale: str = "en") -> list[ChartRow]:
    """Return the chart rows of the per-participant gains, then the cohort mean."""
    names = {p.key: p.name for p in results.participants}
    percent, gain = format_percent, format_gain
    rows = [ChartRow(names.get(g.participant, g.participant), g.pre, g.post,
                     f"{percent(g.pre, locale)} → {percent(g.post, locale)}  "
                     f"g {gain(g.gain, locale)}")
            for g in results.gain.participants]
    cohort = results.gain.cohort
    if cohort is not None:
        rows.append(ChartRow(cohort_label, cohort.pre, cohort.post,
                             f"{percent(cohort.pre, locale)} → {percent(cohort.post, locale)}  "
                             f"⟨g⟩ {gain(cohort.class_gain, locale)}", emphasis=True))
    return rows


def gain_description(results: WorkshopResults, gettext: Gettext = _identity,
                     locale: str = "en") -> str:
    """Return the text alternative of the gain chart (in the language of `gettext`, its numbers
    in `locale`)."""
    _ = gettext
    cohort = results.gain.cohort
    if cohort is None:
        return _("No participant has taken both the pre-test and the post-test yet.")
    # Worded without a plural ("participants who took both tests: N") so one string fits every
    # count in every language, Arabic's six plural forms included.
    return _("Pre-test and post-test percent per participant (participants who took both tests: "
             "%(num)d). The cohort mean went from %(pre)s %% to %(post)s %% (class normalised "
             "gain %(class_gain)s, mean of individual gains %(mean_gain)s).") % {
        "num": cohort.participants, "pre": format_percent(cohort.pre, locale),
        "post": format_percent(cohort.post, locale),
        "class_gain": format_gain(cohort.class_gain, locale),
        "mean_gain": format_gain(cohort.mean_gain, locale)}


# -- the PDF --------------------------------------------------------------------------------------


def report_filename(results: WorkshopResults) -> str:
    """Return the default file name of a results report."""
    return f"{results.curriculum.id}-{results.workshop.id}-results.pdf"


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def page_footer_css(page_of: str, direction: str) -> str:
    """Return the @page rule of the translated page number ("Page {page} of {pages}").

    It sits in the bottom corner at the end of a line: right in a left-to-right report, left in a
    right-to-left one. Translated text cannot be written in a stylesheet, so the report writes it.
    """
    corner = "bottom-left" if direction == "rtl" else "bottom-right"
    return f"@page {{ @{corner} {{ content: {css_content(page_of)}; }} }}"


def report_html(results: WorkshopResults, *, gettext: Gettext | None = None,
                language: str = "en") -> str:
    """Return the print HTML of a workshop's results report in `language`.

    The boilerplate comes from `language`'s catalog unless `gettext` is given.
    """
    _ = gettext or gettext_for(language)
    direction = text_direction(language)
    chart = print_chart(
        gain_rows(results, _("Cohort mean"), language), chart_id="gain-chart",
        title=_("Learning gain: pre-test and post-test percent"),
        description=gain_description(results, _, language), pre_label=_("Pre-test"),
        post_label=_("Post-test"), direction=direction,
    )
    template = _environment.get_template("report/report.html")
    locale = _DATE_LOCALES.get(base_language(language), base_language(language))
    generated = _("%(date)s, %(time)s UTC") % {
        "date": format_date(results.generated.astimezone(UTC), "d MMMM y", locale=locale),
        "time": format_time(results.generated, "HH:mm", tzinfo=UTC, locale=locale)}
    plural = translations(language).ngettext if gettext is None else _english_plural
    return template.render(r=results, _=_, ngettext=plural, chart=chart, generated=generated,
                           lang=language, direction=direction,
                           page_css=Markup(page_footer_css(_("Page {page} of {pages}"),  # noqa: S704 - CSS strings escaped
                                                           direction)),
                           dates=results.dates_in(language),
                           content_lang=lang_attributes(results.curriculum.language, language),
                           lang_of=lambda code: lang_attributes(code or results.curriculum.language,
                                                                language))


def build_report(results: WorkshopResults, *, gettext: Gettext | None = None,
                 language: str = "en", time_limit: float | None = None) -> bytes:
    """Return the results report as PDF bytes; raise ExportError when it cannot be made."""
    html = report_html(results, gettext=gettext, language=language)
    rendered = render_document(html, [STATIC_DIR], max_pages=REPORT_MAX_PAGES,
                               time_limit=time_limit)
    if rendered.refused:
        logger.warning("%d resource(s) refused while rendering a results report",
                       len(rendered.refused))
    if rendered.pages < 1:
        raise ExportError("the results report came out empty")
    return rendered.pdf
