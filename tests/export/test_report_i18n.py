"""The results report in French and Arabic: boilerplate, dates, page numbers, direction, chart."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, datetime

import pdfplumber
import pypdf
import pytest
from test_report_pdf import _results

from trainer.content.catalogue import Catalogue
from trainer.export.report import build_report, page_footer_css, report_html

ARABIC = re.compile(r"[\u0600-\u06ff]")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(unicodedata.normalize("NFKC", "\n".join(
        page.extract_text() for page in reader.pages)).split())


@pytest.fixture(scope="module")
def arabic(fixture_catalogue: Catalogue) -> tuple[bytes, str]:
    results = _results(fixture_catalogue)
    return build_report(results, language="ar"), report_html(results, language="ar")


def test_an_arabic_report_is_rtl_with_the_english_content_marked(arabic: tuple[bytes, str]
                                                                ) -> None:
    _pdf, html = arabic
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 lang="en" dir="ltr">Northern regional workshop</h1>' in html
    # The page number goes to the bottom left, in words of the report's language.
    assert '@page { @bottom-left { content: "الصفحة " counter(page) " من " counter(pages); } }' in html
    # The chart's words are HTML (WeasyPrint's SVG text has no bidi): names keep their order.
    assert "<th scope=\"row\"><bdi dir=\"rtl\">عمر</bdi></th>" in html
    assert not re.search(r"<text[^>]*>[^<]*[\u0600-\u06ff]", html)


def test_an_arabic_report_reads_in_arabic_from_an_arabic_font(arabic: tuple[bytes, str]) -> None:
    pdf, _html = arabic
    text = _text(pdf)
    for phrase in ("نتائج حلقة العمل", "ملخص", "مكسب التعلّم", "متوسط المجموعة", "عمر",
                   "حسب المشارك", "تحليل البنود", "مايو"):
        assert phrase in text, phrase
    assert text.count("الصفحة") == len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        arabic_chars = [c for c in page.chars
                        if ARABIC.match(unicodedata.normalize("NFKC", c["text"]) or " ")]
        assert all("Arabic" in c["fontname"] for c in arabic_chars)
        # Right to left: the "Summary" heading starts at the right margin.
        heading = [c for c in arabic_chars if float(c["size"]) > 12 and float(c["top"]) < 200]
        assert heading
        assert min(float(c["x0"]) for c in heading) > page.width / 2


def test_a_french_report_has_french_dates_and_words(fixture_catalogue: Catalogue) -> None:
    results = _results(fixture_catalogue)
    html = report_html(results, language="fr")
    assert '<html lang="fr" dir="ltr">' in html
    assert "Rapport établi le 18 mai 2017 à 12:00 UTC" in html
    assert "Page " in html
    assert " sur " in html
    text = _text(build_report(results, language="fr"))
    assert "Synthèse" in text
    assert "Moyenne du groupe" in text
    assert "(2 participants)" in text


def test_the_english_report_is_unchanged_in_words(fixture_catalogue: Catalogue) -> None:
    results = _results(fixture_catalogue)
    html = report_html(results)
    assert '<html lang="en" dir="ltr">' in html
    assert "Report generated 18 May 2017, 12:00 UTC" in html
    assert '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }' in html
    assert results.generated == datetime(2017, 5, 18, 12, 0, tzinfo=UTC)


def test_page_footer_css_escapes_quotes() -> None:
    assert page_footer_css('A "b" {page}\\', "ltr") == (
        '@page { @bottom-right { content: "A \\"b\\" " counter(page) "\\\\"; } }')
