"""Workshop dates as people read them: month-only dates never get an invented day."""

from __future__ import annotations

import pytest

from trainer.locales import format_dates


@pytest.mark.parametrize(
    ("start", "end", "locale", "expected"),
    [
        ("2016-03", "2016-03", "en", "March 2016"),
        ("2016-03", "2016-04", "en", "March\u2009–\u2009April 2016"),
        ("2016-12", "2017-01", "en", "December 2016\u2009–\u2009January 2017"),
        ("2017-05-16", "2017-05-20", "en", "16\u2009–\u200920 May 2017"),
        ("2017-05-16", "2017-05-16", "en", "16 May 2017"),
        ("2017-05-16", "2017-05-20", "fr", "16–20 mai 2017"),
        ("2016-03", "2016-03", "fr", "mars 2016"),
        ("2016-03", "2016-03", "ar", "مارس 2016"),
    ],
)
def test_format_dates(start: str, end: str, locale: str, expected: str) -> None:
    assert format_dates(start, end, locale) == expected


def test_month_only_dates_never_show_a_day() -> None:
    assert not any(ch.isdigit() for ch in format_dates("2016-03", "2016-04").replace("2016", ""))
