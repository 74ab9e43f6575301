"""The workshop results report as PDF, and its SVG chart: content, numbers, safety."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime

import pypdf
import pytest

from trainer.content.catalogue import Catalogue
from trainer.export.report import (
    ChartRow,
    ItemRow,
    ItemSection,
    ModuleColumn,
    ParticipantRow,
    StepResult,
    WorkshopResults,
    build_report,
    dumbbell_chart,
    format_gain,
    format_interval,
    format_percent,
    format_stat,
    report_html,
)
from trainer.quiz.statistics import (
    Interval,
    ItemResponse,
    counterbalanced_design,
    item_statistics,
    learning_gain,
)


def _results(catalogue: Catalogue) -> WorkshopResults:
    curriculum = next(iter(catalogue.curricula.values()))
    workshop = curriculum.workshops[0]
    # Two participants, one 2-point question q1 and a 1-point question q2 in both tests.
    pre = [ItemResponse("p1", "h1", 0.5, points=2), ItemResponse("p1", "h2", 0.0),
           ItemResponse("p2", "h1", 0.0, points=2), ItemResponse("p2", "h2", 1.0)]
    post = [ItemResponse("p1", "h1", 1.0, points=2), ItemResponse("p1", "h2", 1.0),
            ItemResponse("p2", "h1", 0.5, points=2), ItemResponse("p2", "h2", 1.0)]
    gain = learning_gain(pre, post).overall  # p1 33.3 → 100, p2 33.3 → 66.7
    stats = item_statistics(pre)
    done = StepResult("passed", 100.0, 1)
    rows = tuple(
        ParticipantRow(key=g.participant, public_id=g.participant, name=name,
                       joined=datetime(2017, 5, 16, tzinfo=UTC),
                       pre=StepResult("failed", g.pre, 1), modules=(done,),
                       post=StepResult("passed", g.post, 1), gain=g)
        for g, name in zip(gain.participants, ["Amina Kéita", "عمر"], strict=True))
    items = tuple(ItemRow(number, "m", f"q{number}", "single", f"Prompt {number} <b>", 1, 1,
                          True, stats[h], (), 0)
                  for number, h in ((1, "h1"), (2, "h2")))
    return WorkshopResults(
        curriculum=curriculum, workshop=workshop,
        modules=(ModuleColumn("m", "Module title", 70),), participants=rows, gain=gain,
        objectives=(), items=(ItemSection("pre", "Pre-test", 2, items),),
        generated=datetime(2017, 5, 18, 12, 0, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def report(fixture_catalogue: Catalogue) -> tuple[bytes, str]:
    results = _results(fixture_catalogue)
    return build_report(results), report_html(results)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_report_states_the_cohort_and_each_participant(report: tuple[bytes, str]) -> None:
    pdf, html = report
    text = _text(pdf)
    assert "workshop results" in text.lower()  # the eyebrow is set in capitals
    assert "Amina Kéita" in text
    # Cohort: pre (33.3 + 33.3) / 2, post (100 + 66.7) / 2 = 83.3; ⟨g⟩ = 50 / 66.7 = 0.75.
    assert re.search(r"Mean pre-test score\s*33\.3 %", text)
    assert re.search(r"Mean post-test score\s*83\.3 %", text)
    assert "0.75" in text
    assert "Annex: item analysis" in text
    assert "Prompt 1 &lt;b&gt;" in html  # text is escaped, never markup


def test_small_group_intervals_are_cut_to_the_scale_and_say_so(
        fixture_catalogue: Catalogue) -> None:
    """Two participants: t(0.975, 1) = 12.71 makes the post-test interval 83.3 ± 211.8 and the
    gain's 0.75 ± 3.18; printed cut at 100 % and at 1, with the method and n beside them. The
    pre-test scores are equal (33.3 and 33.3): an interval of no width, not cut."""
    results = _results(fixture_catalogue)
    results = dataclasses.replace(
        results, design=counterbalanced_design(results.gain.participants, {"p2": "b"}))
    text = " ".join(_text(build_report(results)).split())
    assert "Mean pre-test score 33.3 % (33.3–33.3) " in text
    cut = "t-based, n = 2; cut to the 0–100 % scale"
    assert f"Mean post-test score 83.3 % (0.0–100.0 — {cut})" in text
    assert ("Mean of individual normalised gains 0.75 (\u22122.43–1.00 — t-based, n = 2; cut at 1, "
            "the highest gain possible)") in text
    assert "is cut at that bound, and says so beside it" in text
    assert "degrees of freedom" in text
    # The design: one participant in each order (no interval for one value); each form's mean
    # over its two sittings (form A: p1's 33.3 pre and p2's 66.7 post) with its interval, cut.
    assert "Counterbalanced forms" in text
    assert "one group took form A as pre-test and form B as post-test" in text
    assert re.search(r"A then B 1 33\.3 100\.0 1\.00 ", text)
    assert re.search(r"B then A 1 33\.3 66\.7 0\.50 ", text)
    assert f"Form A · All sittings 2 33.3 66.7 50.0 % (0.0–100.0 — {cut})" in text
    assert f"Form B · All sittings 2 33.3 100.0 66.7 % (0.0–100.0 — {cut})" in text
    for figure in ("\u2212128", "295", "\u22129", "103"):
        assert figure not in text


def test_report_is_a_safe_pdf(report: tuple[bytes, str]) -> None:
    pdf, _html = report
    assert pdf.startswith(b"%PDF")
    assert b"/JavaScript" not in pdf
    assert b"/EmbeddedFiles" not in pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 3 <= len(reader.pages) <= 6
    # The progress grid page is landscape.
    assert any(page.mediabox.width > page.mediabox.height for page in reader.pages)


def test_chart_is_accessible_svg_with_text_labels() -> None:
    svg = str(dumbbell_chart(
        [ChartRow("Amina <script>", 20, 80, "20 → 80"), ChartRow("Cohort", 10, 5, "loss",
                                                                   emphasis=True)],
        chart_id="c", title="Gain", description="Went up."))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Gain</title>' in svg
    assert '<desc id="c-desc">Went up.</desc>' in svg
    assert "Amina &lt;script&gt;" in svg
    assert "<script" not in svg
    assert "style=" not in svg  # the site's CSP forbids inline styles
    assert "20 → 80" in svg
    assert 'fill="#a12a1f"' in svg  # a loss is drawn in red (and its numbers say so)
    # 20 % and 80 % on a 190-520 axis.
    assert 'cx="256.0"' in svg
    assert 'cx="454.0"' in svg


def test_numbers_take_the_decimal_sign_of_the_report_language(
        fixture_catalogue: Catalogue) -> None:
    """A French report writes "83,3 %" and "0,75" (its text, table and chart alike); an Arabic
    one keeps the point its own strings use; the English one is unchanged."""
    results = _results(fixture_catalogue)
    french = _text(build_report(results, language="fr"))
    assert re.search(r"33,3 %", french)
    assert re.search(r"83,3 %", french)
    assert "0,75" in french
    assert not re.search(r"\d\.\d", french.replace("2017", "").replace("1.0", ""))
    html = report_html(results, language="fr")
    assert "83,3 → " in html or "100,0 → " in html or "33,3 → " in html  # the chart's notes
    arabic = report_html(results, language="ar")
    assert "83.3" in arabic
    assert "83,3" not in arabic
    assert "83.3" in report_html(results)


def test_the_number_formats_follow_the_locale() -> None:
    assert (format_percent(66.666, "fr"), format_gain(-0.25, "fr"), format_stat(0.5, "fr")) == (
        "66,7", "\u22120,25", "0,50")
    assert format_interval(Interval(10, 45.0, 38.25, 51.8), locale="fr") == "38,3–51,8"
    assert format_interval(Interval(10, 0.1, -0.1, 0.4), gain=True, locale="fr") == (
        "\u22120,10–0,40")
    assert (format_percent(66.666, "ar"), format_percent(66.666)) == ("66.7", "66.7")
    assert format_percent(None, "fr") == "—"
