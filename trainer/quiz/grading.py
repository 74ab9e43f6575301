"""Grade one response to one question: `grade(question, response) -> Result`. Pure, never raises.

Response shapes (`Response`), as a web form, the SCORM package or the offline site posts them:

- single, true_false: the chosen option id (`str`), or None.
- multiple: the list of chosen option ids.
- short_answer, numeric: the typed text (`str`).
- matching: `{pair_id: chosen_id}`; `chosen_id` is a pair id ("that pair's match") or a
  distractor id. A missing pair, `""` or None means that pair was not answered.
- ordering: the list of item ids in the learner's order.

None, `""`, `[]` and `{}` (and text that is blank once normalised) are "unanswered" (0 points).
A malformed response (a wrong type, a non-string id, an id the question does not have, or an id
given twice in a multiple-choice or ordering list) is "wrong" with 0 points, whatever else it has.
Ordering responses must list every item exactly once.

Partial-credit rules (the authoring guide quotes these):

- single choice, true/false: all or nothing (any option marked right earns full points).
- multiple choice: with R right options, each right option chosen earns +1/R and each wrong option
  chosen costs 1/R of the points; the total never goes below 0 (Moodle's rule). Choosing every
  option therefore earns (R - W)/R, where W is the number of wrong options.
- short answer: all or nothing. The answer is right when it equals an accepted answer after both
  are normalised: Unicode NFKD, accents (combining marks) removed, case folded, runs of spaces
  collapsed, spaces and punctuation trimmed at both ends (`normalise.normalise_text`).
- numeric: all or nothing. Right when |x - answer| <= tolerance, or min <= x <= max for a range
  (bounds included, with a relative slack of 1e-9 so that 0.4 is within 0.3 ± 0.1). Typed numbers
  may use `.` or `,` as decimal separator, spaces or thin spaces between thousands, and a unit after
  the number (`normalise.parse_number`); text that is not a number is wrong.
- matching: points x (pairs matched right / pairs).
- ordering, by the question's `scoring` (the grading methods of Moodle's ordering question type):
  `relative_to_next` (the default): points x (items followed by their right successor / (items - 1));
  `position`: points x (items in their right position / items); `longest_ordered_subset`:
  points x (length of the longest subsequence in the right relative order / items), and 0 when
  that subsequence has fewer than 2 items. An order shifted by one place (b c d e a) earns 3/4
  under `relative_to_next`, 0 under `position` and 4/5 under `longest_ordered_subset`.

Earned points are rounded half-up to 4 decimals (as JavaScript's `toFixed(4)` does, so the browser
port gives identical results). Status: "correct" when all points are earned, "partial" when some,
"wrong" when none, "unanswered" when nothing was given.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from trainer.content.models import (
    ChoiceQuestion,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
)
from trainer.quiz.normalise import format_number, normalise_text, parse_number

__all__ = [
    "NUMERIC_SLACK",
    "Response",
    "Result",
    "RightAnswer",
    "Status",
    "grade",
    "right_answer",
    "round_half_up",
]

Response = str | list[str] | dict[str, str] | None
"""A learner's response; see the module docstring for the shape each question kind takes."""

Status = Literal["correct", "partial", "wrong", "unanswered"]

RightAnswer = tuple[str, ...] | dict[str, str]
"""What was right, for display: see `Result.right`."""

NUMERIC_SLACK = 1e-9


@dataclass(frozen=True)
class Result:
    """The grade of one response.

    `right`: choice kinds, the right option ids (in option order); short_answer, the accepted
    answers (as written); numeric, `(low, high)` bounds of the accepted values as text (equal when
    one exact value is accepted); matching, `{pair_id: pair_id}` (each prompt takes its own match);
    ordering, the item ids in the right order.

    `chosen_correct`: which parts of the response were right. Choice kinds: for each (known) option
    the learner chose, whether it is a right option. Short answer and numeric: `{"answer": bool}`.
    Matching: for every pair id, whether the learner matched it right. Ordering by position: for
    every item id, whether it is in its right position; relative to next: for every item placed
    before another (except the right last item), whether its right successor follows it; longest
    ordered subset: for every item id, whether it is in the longest run kept. Empty for
    unanswered or malformed responses.
    """

    earned: float
    max: float
    status: Status
    fraction: float
    right: RightAnswer
    chosen_correct: dict[str, bool] = field(default_factory=dict)


def round_half_up(value: float, decimals: int) -> float:
    """Round half-up on the exact binary value, as JavaScript's `Number.prototype.toFixed` does."""
    return float(Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


_Outcome = tuple[float, dict[str, bool]] | None
"""(fraction of the points, per-part marks), or None when the response is blank."""
_MALFORMED: _Outcome = (0.0, {})


def _is_blank(response: object) -> bool:
    return response is None or (isinstance(response, str | list | tuple | dict) and not response)


def _string_list(response: object) -> list[str] | None:
    """Return the response as a list of distinct strings, or None when it is not one."""
    if not isinstance(response, list | tuple):
        return None
    items = list(response)
    if not all(isinstance(item, str) for item in items) or len(set(items)) != len(items):
        return None
    return items


def _grade_choice(question: ChoiceQuestion, response: object) -> _Outcome:
    right_ids = [option.id for option in question.options if option.correct]
    option_ids = {option.id for option in question.options}
    if isinstance(question, MultipleChoice):
        chosen = _string_list(response)
        if chosen is None or not set(chosen) <= option_ids:
            return _MALFORMED
        marks = {option_id: option_id in right_ids for option_id in chosen}
        right_count = sum(marks.values())
        wrong_count = len(marks) - right_count
        # No right option at all is refused by validation; grade it as never right, not a crash.
        fraction = max(0.0, (right_count - wrong_count) / len(right_ids)) if right_ids else 0.0
        return fraction, marks
    if not isinstance(response, str) or response not in option_ids:
        return _MALFORMED
    is_right = response in right_ids
    return (1.0 if is_right else 0.0), {response: is_right}


def _grade_short_answer(question: ShortAnswer, response: object) -> _Outcome:
    if not isinstance(response, str):
        return _MALFORMED
    typed = normalise_text(response)
    if not typed:
        return None
    is_right = any(typed == _accepted_form(answer) for answer in question.accepted)
    return (1.0 if is_right else 0.0), {"answer": is_right}


@functools.lru_cache(maxsize=4096)
def _accepted_form(answer: str) -> str:
    """Return an authored accepted answer normalised (the same few strings, graded again and again)."""
    return normalise_text(answer)


def _numeric_bounds(question: Numeric) -> list[tuple[float, float]]:
    bounds: list[tuple[float, float]] = []
    if question.answer is not None:
        tolerance = abs(question.tolerance)
        bounds.append((question.answer - tolerance, question.answer + tolerance))
    if question.range is not None:
        bounds.append((question.range.min, question.range.max))
    return bounds


def _within(value: float, low: float, high: float) -> bool:
    # The slack keeps written bounds inclusive despite binary floats (0.3 + 0.1 > 0.4).
    return low - NUMERIC_SLACK * max(1.0, abs(low)) <= value <= high + NUMERIC_SLACK * max(1.0, abs(high))


def _grade_numeric(question: Numeric, response: object) -> _Outcome:
    if not isinstance(response, str):
        return _MALFORMED
    if not normalise_text(response):
        return None
    value = parse_number(response)
    is_right = value is not None and any(_within(value, low, high) for low, high in _numeric_bounds(question))
    return (1.0 if is_right else 0.0), {"answer": is_right}


def _grade_matching(question: Matching, response: object) -> _Outcome:
    pair_ids = [pair.id for pair in question.pairs]
    choice_ids = set(pair_ids) | {distractor.id for distractor in question.distractors}
    if not isinstance(response, Mapping) or not set(response) <= set(pair_ids):
        return _MALFORMED
    given: dict[str, str] = {}
    for pair_id, chosen in response.items():
        if chosen is None or chosen == "":
            continue
        if not isinstance(chosen, str) or chosen not in choice_ids:
            return _MALFORMED
        given[pair_id] = chosen
    if not given:
        return None
    marks = {pair_id: given.get(pair_id) == pair_id for pair_id in pair_ids}
    return sum(marks.values()) / len(pair_ids), marks


def _grade_ordering(question: Ordering, response: object) -> _Outcome:
    right = [item.id for item in question.items]
    order = _string_list(response)
    if order is None or sorted(order) != sorted(right):
        return _MALFORMED
    if question.scoring == "position":
        marks = {item_id: placed == item_id for item_id, placed in zip(right, order, strict=True)}
        return sum(marks.values()) / len(right), marks
    if question.scoring == "longest_ordered_subset":
        kept = _longest_ordered_subset([right.index(item_id) for item_id in order])
        marks = {item_id: right.index(item_id) in kept for item_id in right}
        return (len(kept) / len(right) if len(kept) >= 2 else 0.0), marks
    successor = dict(zip(right, right[1:], strict=False))
    marks = {item_id: successor[item_id] == following
             for item_id, following in zip(order, order[1:], strict=False)
             if item_id in successor}
    return sum(marks.values()) / (len(right) - 1), marks


def _longest_ordered_subset(ranks: list[int]) -> set[int]:
    """Return the ranks of a longest increasing subsequence of `ranks` (the first one found).

    The O(n²) table is plenty for at most 20 items, and simple enough to port exactly to JS.
    """
    length = [1] * len(ranks)
    previous = [-1] * len(ranks)
    for i in range(len(ranks)):
        for j in range(i):
            if ranks[j] < ranks[i] and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    end = max(range(len(ranks)), key=lambda i: (length[i], -i)) if ranks else -1
    kept: set[int] = set()
    while end >= 0:
        kept.add(ranks[end])
        end = previous[end]
    return kept


def right_answer(question: Question) -> RightAnswer:
    """Return what is right for `question`, for display (see `Result.right`)."""
    if isinstance(question, ShortAnswer):
        return tuple(question.accepted)
    if isinstance(question, Numeric):
        bounds = _numeric_bounds(question)
        return (format_number(bounds[0][0]), format_number(bounds[0][1])) if bounds else ()
    if isinstance(question, Matching):
        return {pair.id: pair.id for pair in question.pairs}
    if isinstance(question, Ordering):
        return tuple(item.id for item in question.items)
    return tuple(option.id for option in question.options if option.correct)


def _outcome(question: Question, response: object) -> _Outcome:
    if isinstance(question, ShortAnswer):
        return _grade_short_answer(question, response)
    if isinstance(question, Numeric):
        return _grade_numeric(question, response)
    if isinstance(question, Matching):
        return _grade_matching(question, response)
    if isinstance(question, Ordering):
        return _grade_ordering(question, response)
    return _grade_choice(question, response)


def grade(question: Question, response: object) -> Result:
    """Grade `response` (a `Response`, or any garbage a form may post) to `question`."""
    outcome = None if _is_blank(response) else _outcome(question, response)
    status: Status
    marks: dict[str, bool]
    if outcome is None:
        fraction, marks, status = 0.0, {}, "unanswered"
    else:
        fraction, marks = outcome
        status = "correct" if fraction >= 1 else "partial" if fraction > 0 else "wrong"
    return Result(
        earned=round_half_up(question.points * fraction, 4),
        max=question.points,
        status=status,
        fraction=fraction,
        right=right_answer(question),
        chosen_correct=marks,
    )
