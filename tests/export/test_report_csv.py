"""CSV exports: formula cells neutralised (SECURITY.md 19), numbers kept as numbers."""

from __future__ import annotations

import csv
import io

import pytest

from trainer.export.csv_export import neutralise, write_csv


@pytest.mark.parametrize(("text", "expected"), [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("  =1+1", "'  =1+1"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Amina K.", "Amina K."),
    ("Jean-Luc", "Jean-Luc"),
    ("", ""),
])
def test_formula_starts_are_neutralised(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_written_csv_is_safe_text_and_plain_numbers() -> None:
    data = write_csv(["name", "gain", "count", "passed", "empty"],
                     [["=cmd|' /C calc'!A0", -0.25, 3, True, None],
                      ["@evil", 0.123456, 0, False, ""]])
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-0.25", "3", "yes", ""]
    assert rows[2] == ["'@evil", "0.1235", "0", "no", ""]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell


def test_header_cells_are_neutralised_too() -> None:
    rows = list(csv.reader(io.StringIO(write_csv(["=x"], []).lstrip("\ufeff"))))
    assert rows == [["'=x"]]
