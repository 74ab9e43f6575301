"""Tests for trainer.quiz.scoring: totals, percent and pass/fail."""

from __future__ import annotations

from trainer.quiz.grading import Result
from trainer.quiz.scoring import Score, score_attempt


def result(earned: float, points: float) -> Result:
    """Build a graded result with only the numbers scoring looks at."""
    status = "correct" if earned == points else "partial" if earned else "wrong"
    return Result(earned=earned, max=points, status=status, fraction=earned / points, right=())


def test_totals_and_percent() -> None:
    # 1 + 0.5 + 0 + 2 = 3.5 of 1 + 1 + 1 + 2 = 5 -> 70 %.
    score = score_attempt([result(1, 1), result(0.5, 1), result(0, 1), result(2, 2)], 70)
    assert score == Score(earned=3.5, max=5, percent=70.0, passed=True, pass_mark=70)


def test_just_below_the_pass_mark_fails() -> None:
    # 0.6667 + 1 + 0 = 1.6667 of 3 -> 55.5567 % -> 55.6 %.
    score = score_attempt([result(0.6667, 1), result(1, 1), result(0, 1)], 55.7)
    assert score.percent == 55.6
    assert score.passed is False


def test_rounded_percent_decides_so_what_is_shown_is_what_counts() -> None:
    # 0.6667 + 1 + 0.4 = 2.0667 of 3 -> 68.8900 % -> 68.9 %; and 69.96 % shows (and passes) as 70.0.
    assert score_attempt([result(0.6667, 1), result(1, 1), result(0.4, 1)], 70).percent == 68.9
    score = score_attempt([result(69.96, 100)], 70)
    assert (score.percent, score.passed) == (70.0, True)


def test_float_noise_is_removed_from_totals() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary; the total is 0.3.
    score = score_attempt([result(0.1, 1), result(0.2, 1)], 10)
    assert score.earned == 0.3
    assert score.percent == 15.0


def test_no_questions_scores_zero() -> None:
    assert score_attempt([], 50) == Score(earned=0, max=0, percent=0.0, passed=False, pass_mark=50)
    assert score_attempt([], 0).passed is True


def test_full_and_zero_marks() -> None:
    assert score_attempt([result(3, 3)], 100).passed is True
    assert score_attempt([result(0, 3)], 0).passed is True
    assert score_attempt([result(0, 3)], 1).percent == 0.0
