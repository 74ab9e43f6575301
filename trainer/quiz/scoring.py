"""Add up graded questions into an attempt's score and decide pass or fail. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trainer.quiz.grading import Result, round_half_up

__all__ = ["PERCENT_DECIMALS", "Score", "round_percent", "score_attempt"]

# The one rounding rule for percentages, wherever they are shown (result page, programme,
# dashboard, CSV, PDF): half up to one decimal. 37.5 stays 37.5 (never 38), 37.25 is 37.3.
PERCENT_DECIMALS = 1


def round_percent(value: float) -> float:
    """Return a percentage rounded by the one rule: half up, to one decimal."""
    return round_half_up(value, PERCENT_DECIMALS)


@dataclass(frozen=True, slots=True)
class Score:
    """An attempt's total: points earned of the maximum, percent (0-100, 1 decimal), passed."""

    earned: float
    max: float
    percent: float
    passed: bool
    pass_mark: float


def score_attempt(results: Iterable[Result], pass_mark: float) -> Score:
    """Total `results` and compare the percent with `pass_mark` (0-100).

    `passed` compares the rounded percent, the one the learner is shown, so a displayed 70.0 %
    always passes a pass mark of 70. An attempt with no points to earn scores 0 %.
    """
    collected = list(results)
    earned = round_half_up(sum(result.earned for result in collected), 4)
    maximum = round_half_up(sum(result.max for result in collected), 4)
    percent = round_percent(100 * earned / maximum) if maximum > 0 else 0.0
    return Score(
        earned=earned, max=maximum, percent=percent, passed=percent >= pass_mark, pass_mark=pass_mark
    )
