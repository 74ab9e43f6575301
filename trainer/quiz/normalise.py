"""Reading typed answers: text normalisation for short answers and number parsing for numeric ones.

Both rules are ported exactly to `trainer/export/js/grading.js` (the SCORM package and the offline
site grade in the browser); tests/quiz/test_grading_js.py checks that they agree on every grading
vector and on every assigned code point. Change both together.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["format_number", "normalise_text", "parse_number"]

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

# Spelling variants that learners type interchangeably. French: typographic apostrophes and hyphens
# are the keyboard's ' and -, and œ æ are written oe ae. Arabic, applied after NFKD has split أ إ آ ؤ ئ
# into a base letter and a hamza or madda mark (dropped with the other marks): the remaining alef
# variants become bare alef, taa marbuta becomes haa, alef maqsura (and Farsi yeh, which Persian
# keyboards type for it) becomes yaa; tatweel and invisible direction marks go; Arabic-Indic and
# Eastern Arabic-Indic digits become 0-9.
_SPELLING_FOLD: dict[int, str | None] = {
    0x2019: "'",  # ’ right single quotation mark, the typographic apostrophe
    0x02BC: "'",  # ʼ modifier letter apostrophe
    0x2010: "-",  # ‐ hyphen
    0x2011: "-",  # ‑ non-breaking hyphen
    0x0153: "oe",  # œ
    0x0152: "oe",  # Œ
    0x00E6: "ae",  # æ
    0x00C6: "ae",  # Æ
    0x0671: "\u0627",  # ٱ alef wasla
    0x0672: "\u0627",  # ٲ alef with wavy hamza above
    0x0673: "\u0627",  # ٳ alef with wavy hamza below
    0x0629: "\u0647",  # ة taa marbuta -> ه
    0x0649: "\u064a",  # ى alef maqsura -> ي
    0x06CC: "\u064a",  # ی Farsi yeh -> ي
    0x0640: None,  # ـ tatweel
    0x061C: None,  # Arabic letter mark
    0x200E: None,  # left-to-right mark
    0x200F: None,  # right-to-left mark
    **dict.fromkeys(range(0x202A, 0x202F), None),  # bidi embeddings and overrides
    **dict.fromkeys(range(0x2066, 0x206A), None),  # bidi isolates
    **{0x0660 + d: str(d) for d in range(10)},  # ٠-٩
    **{0x06F0 + d: str(d) for d in range(10)},  # ۰-۹
}
# In numbers also: the Arabic decimal separator ٫ is a decimal point, the thousands separator ٬ a
# group separator like a space.
_ARABIC_NUMBER = {**_SPELLING_FOLD, 0x066B: ".", 0x066C: " "}


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _is_space(char: str) -> bool:
    return _WHITESPACE_RUN.fullmatch(char) is not None


def normalise_text(text: str) -> str:
    """Return `text` for comparison: accents, case, spacing and end punctuation removed.

    Steps, in order: Unicode NFKD; drop combining marks (category M*: accents, and Arabic harakat,
    tanween, shadda, sukun, superscript alef, and the hamza and madda NFKD splits off أ إ آ ؤ ئ);
    fold spelling variants (’ ʼ → ', ‐ ‑ → -, œ æ → oe ae; ٱ ٲ ٳ → ا, ة → ه, ى and ی → ي; tatweel
    and direction marks removed; ٠-٩ and ۰-۹ → 0-9); case-fold; collapse runs of whitespace to one
    space; strip whitespace and punctuation (category P*) from both ends.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not _is_mark(char))
    folded = bare.translate(_SPELLING_FOLD).casefold()
    collapsed = _WHITESPACE_RUN.sub(" ", folded)
    start, end = 0, len(collapsed)
    while start < end and (_is_space(collapsed[start]) or _is_punctuation(collapsed[start])):
        start += 1
    while end > start and (_is_space(collapsed[end - 1]) or _is_punctuation(collapsed[end - 1])):
        end -= 1
    return collapsed[start:end]


def distinct_answers(answers: Iterable[str]) -> list[str]:
    """Return `answers` without those that grade as an earlier one (the same `normalise_text`):
    "l’autorité" and "l'autorité" are one answer to trainer, two spellings to Moodle."""
    found: dict[str, str] = {}
    for answer in answers:
        found.setdefault(normalise_text(answer), answer)
    return list(found.values())


def parse_number(text: str) -> float | None:
    """Read a typed number; return None when it is not one.

    Accepted: optional sign (`+`, `-`, `−`), digits with optional thousands groups separated by a
    space, no-break space or thin space (`1 500 000`), an optional decimal part after `.` or `,`
    (`0,5`, `,5`), then optional text without digits, taken as a unit and ignored (`30 days`).
    Full-width digits are read as digits (NFKD), and so are Arabic-Indic (٠-٩) and Eastern
    Arabic-Indic (۰-۹) digits, with the Arabic decimal separator `٫` as a decimal point and the
    Arabic thousands separator `٬` as a group separator (`١٬٥٠٠٫٥` = 1500.5); tatweel and direction
    marks are ignored. Refused: `1,500,000` (a comma is a decimal separator), `20 16`, `1e3`,
    `2016 or 2017`, words.
    """
    arabic = unicodedata.normalize("NFKD", text).translate(_ARABIC_NUMBER)
    trimmed = _WHITESPACE_RUN.sub(" ", arabic).strip(" ")
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


def format_number(value: float) -> str:
    """Return a number as an author writes it: 6, 2016, 0.5, 1500000 (never 6.0 or 1.5e+06).

    The one way every output (grading's right answers, print, packages, question banks) writes
    the content's numbers; `parse_number` reads them back.
    """
    return f"{value:.12g}"
