"""Language-aware rules of trainer.quiz.normalise (French, Arabic), in Python and in grading.js."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from trainer.quiz.normalise import normalise_text, parse_number

GRADING_JS = Path(__file__).resolve().parents[2] / "trainer" / "export" / "js" / "grading.js"
RUNNER = Path(__file__).resolve().parent / "run_vectors.js"
NODE = shutil.which("node") or "/usr/bin/node"

TEXTS = [
    # French: accents and case; typographic apostrophes and hyphens; oe/ae ligatures.
    ("Entraide JUDICIAIRE", "entraide judiciaire"),
    ("Principe de spécialité", "principe de specialite"),
    ("L\u2019autorité centrale", "l'autorite centrale"),
    ("d\u02bcextrader", "d'extrader"),
    ("non\u2011refoulement", "non-refoulement"),
    ("non\u2010refoulement", "non-refoulement"),
    ("MANŒUVRE", "manoeuvre"),
    ("ex æquo", "ex aequo"),
    ("« Extrader ou poursuivre »", "extrader ou poursuivre"),
    # Arabic: each rule on its own.
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ٲٳ", "اا"),
    ("ؤ", "و"),
    ("ئ", "ي"),
    ("ة", "ه"),
    ("ى", "ي"),
    ("ی", "ي"),
    ("بَبًبُبٌبِبٍبّبْبٰ", "ببببببببب"),
    ("بـــب", "بب"),
    ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
    ("\u200fب\u200eب\u061cب\u2067ب\u2069", "بببب"),
    ("ﺍﻟﺴﻠﻄﺔ", "السلطه"),
    ("ﻻ", "لا"),
    # Whole terms, as a learner types them and as a translator writes them.
    ("السُّلْطَةُ المَرْكَزِيَّةُ", "السلطه المركزيه"),
    ("المساعدة القانونية المتبادلة", "المساعده القانونيه المتبادله"),
    ("مبدأ «إما التسليم وإما المحاكمة»", "مبدا «اما التسليم واما المحاكمه"),
    ("ازدواجيّة التجريم؟", "ازدواجيه التجريم"),
    ("تسليم المجرمين.", "تسليم المجرمين"),
    ("مسئول", "مسيول"),  # two spellings of one word stay two: hamza seats are not guessed
]

NUMBERS = [
    ("٢٠١٦", 2016.0),
    ("۲۰۱۶", 2016.0),
    ("٢٫٥", 2.5),
    ("٫٥", 0.5),
    ("٢,٥", 2.5),
    ("١٬٥٠٠٬٠٠٠", 1500000.0),
    ("١ ٥٠٠ ٠٠٠٫٢٥", 1500000.25),
    ("\u200f٥١\u200f", 51.0),
    ("٥١ دولة", 51.0),
    ("−٣", -3.0),
    ("٣٠ يـومـاً", 30.0),
    ("١٥٬٠٠", None),
    ("٥١ أو ٥٢", None),
    ("٫", None),
    ("خمسون", None),
]


@pytest.mark.parametrize(("typed", "expected"), TEXTS)
def test_normalise_text_languages(typed: str, expected: str) -> None:
    assert normalise_text(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), NUMBERS)
def test_parse_number_arabic(typed: str, expected: float | None) -> None:
    assert parse_number(typed) == expected


def test_fold_keeps_what_should_stay_different() -> None:
    assert normalise_text("السلطة") != normalise_text("السلطت")
    assert normalise_text("تسليم") != normalise_text("تسلم")
    assert normalise_text("l'extradition") != normalise_text("l extradition")


def _run_js(calls: list[list[Any]]) -> list[Any]:
    request = json.dumps({"script": str(GRADING_JS), "calls": calls})
    completed = subprocess.run(
        [NODE, str(RUNNER)], input=request, capture_output=True, text=True, check=True, timeout=60
    )
    results: list[Any] = json.loads(completed.stdout)
    return results


@pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")
def test_js_folds_and_parses_like_python() -> None:
    texts = [typed for typed, _ in TEXTS]
    numbers = [typed for typed, _ in NUMBERS]
    results = _run_js([["normaliseText", t] for t in texts] + [["parseNumber", n] for n in numbers])
    assert results[: len(texts)] == [normalise_text(t) for t in texts]
    assert results[len(texts) :] == [parse_number(n) for n in numbers]
