"""Reading typed answers: text normalisation for short answers and number parsing for numeric ones.

Both rules are ported exactly to `trainer/export/js/grading.js` (the SCORM package and the offline
site grade in the browser); tests/quiz/test_grading_js.py checks that they agree on every grading
vector and on every assigned code point. Change both together.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["normalise_text", "parse_number"]

# Spelled out rather than `\s` because Python's and JavaScript's ideas of whitespace differ.
_WHITESPACE = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE_RUN = re.compile(f"[{_WHITESPACE}]+")
_NUMBER = re.compile(
    r"(?P<sign>[+\-\u2212]?)"
    r"(?P<whole>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)?"
    r"(?:[.,](?P<fraction>[0-9]+))?"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_DIGIT = re.compile("[0-9]")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _is_space(char: str) -> bool:
    return _WHITESPACE_RUN.fullmatch(char) is not None


def normalise_text(text: str) -> str:
    """Return `text` for comparison: accents, case, spacing and end punctuation removed.

    Steps, in order: Unicode NFKD; drop combining marks (category M*); case-fold; collapse runs of
    whitespace to one space; strip whitespace and punctuation (category P*) from both ends.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in decomposed if not _is_mark(char)).casefold()
    collapsed = _WHITESPACE_RUN.sub(" ", folded)
    start, end = 0, len(collapsed)
    while start < end and (_is_space(collapsed[start]) or _is_punctuation(collapsed[start])):
        start += 1
    while end > start and (_is_space(collapsed[end - 1]) or _is_punctuation(collapsed[end - 1])):
        end -= 1
    return collapsed[start:end]


def parse_number(text: str) -> float | None:
    """Read a typed number; return None when it is not one.

    Accepted: optional sign (`+`, `-`, `−`), digits with optional thousands groups separated by a
    space, no-break space or thin space (`1 500 000`), an optional decimal part after `.` or `,`
    (`0,5`, `,5`), then optional text without digits, taken as a unit and ignored (`30 days`).
    Full-width digits are read as digits (NFKD). Refused: `1,500,000` (a comma is a decimal
    separator), `20 16`, `1e3`, `2016 or 2017`, words.
    """
    trimmed = _WHITESPACE_RUN.sub(" ", unicodedata.normalize("NFKD", text)).strip(" ")
    match = _NUMBER.fullmatch(trimmed)
    if match is None:
        return None
    whole, fraction = match["whole"], match["fraction"]
    if whole is None and fraction is None:
        return None
    if _DIGIT.search(match["rest"]):
        return None
    digits = (whole or "0").replace(" ", "") + "." + (fraction or "0")
    value = float(digits)
    if math.isinf(value):
        return None
    return -value if match["sign"] in ("-", "\u2212") else value
