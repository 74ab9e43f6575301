"""Item analysis and learning gain for the trainer dashboard. Pure: plain dataclasses in and out.

Item analysis (classical test theory), always per question *hash*, so two versions of a question
are never mixed:

- facility: mean fraction of the points earned, in % (0-100).
- discrimination: D = p_upper - p_lower, where the upper and lower groups are the 27 % of
  participants with the highest and lowest total scores (at least one each; participants with
  equal totals are ordered by id, so results are reproducible) and p is the group's mean fraction
  on the item. Range -1..1; None with fewer than two participants.
- point_biserial: Pearson correlation of the item score (fraction) with the rest score (the
  participant's total minus this item), so the item does not correlate with itself. With partial
  credit this is the item-rest correlation. None when either score does not vary.
- flags: "negative_discrimination" (D < 0 or point-biserial < 0), "too_easy" (facility > 95 %),
  "too_hard" (facility < 20 %).

A participant's total score is the sum of fraction x points over all responses given.

Learning gain: each participant's pre-test and post-test percent (points earned / points
possible), and the normalised gain g = (post - pre) / (100 - pre), None when pre = 100. Cohort
summaries give the mean pre and post percent, the mean of the individual gains (participants with
a defined gain), and the class gain computed on the means (Hake's <g>). The same is computed per
objective from the responses tagged with that objective.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CohortGain",
    "GainSummary",
    "ItemResponse",
    "ItemStatistics",
    "LearningGain",
    "ParticipantGain",
    "item_statistics",
    "learning_gain",
]

UPPER_LOWER_SHARE = 0.27
TOO_EASY_ABOVE = 95.0
TOO_HARD_BELOW = 20.0


@dataclass(frozen=True, slots=True)
class ItemResponse:
    """One participant's graded response to one question version.

    `fraction` is earned / max (0-1); `chosen` the option ids chosen (choice kinds); `points` the
    question's points (weights the total score); `objective` any key grouping questions for
    learning gain (e.g. "module-id/objective-id"), or None.
    """

    participant: str
    question_hash: str
    fraction: float
    chosen: tuple[str, ...] = ()
    points: float = 1.0
    objective: str | None = None


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    """Item analysis of one question version (see the module docstring for definitions)."""

    question_hash: str
    responses: int
    facility: float
    discrimination: float | None
    point_biserial: float | None
    choice_counts: dict[str, int]
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParticipantGain:
    """A participant's pre-test and post-test percent and normalised gain."""

    participant: str
    pre: float
    post: float
    gain: float | None


@dataclass(frozen=True, slots=True)
class CohortGain:
    """Averages over the participants who took both tests."""

    participants: int
    pre: float
    post: float
    mean_gain: float | None
    class_gain: float | None


@dataclass(frozen=True, slots=True)
class GainSummary:
    """Per-participant gains (sorted by participant) and their cohort averages."""

    participants: tuple[ParticipantGain, ...]
    cohort: CohortGain | None


@dataclass(frozen=True, slots=True)
class LearningGain:
    """Learning gain over all questions, and per objective."""

    overall: GainSummary
    by_objective: dict[str, GainSummary]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    mean_x, mean_y = _mean(xs), _mean(ys)
    dxs = [x - mean_x for x in xs]
    dys = [y - mean_y for y in ys]
    spread = math.fsum(dx * dx for dx in dxs) * math.fsum(dy * dy for dy in dys)
    if spread <= 0:
        return None
    return math.fsum(dx * dy for dx, dy in zip(dxs, dys, strict=True)) / math.sqrt(spread)


def _by_question(responses: Iterable[ItemResponse]) -> dict[str, dict[str, ItemResponse]]:
    """Group responses by question hash then participant; refuse two answers to one version."""
    grouped: dict[str, dict[str, ItemResponse]] = defaultdict(dict)
    for response in responses:
        answers = grouped[response.question_hash]
        if response.participant in answers:
            raise ValueError(
                f"participant {response.participant!r} answered question "
                f"{response.question_hash[:12]} twice; pass one attempt per participant"
            )
        answers[response.participant] = response
    return dict(grouped)


def _discrimination(answers: dict[str, ItemResponse], totals: dict[str, float]) -> float | None:
    if len(answers) < 2:
        return None
    group = max(1, math.floor(UPPER_LOWER_SHARE * len(answers) + 0.5))
    ranked = sorted(answers, key=lambda participant: (-totals[participant], participant))
    upper = [answers[participant].fraction for participant in ranked[:group]]
    lower = [answers[participant].fraction for participant in ranked[-group:]]
    return _mean(upper) - _mean(lower)


def _flags(facility: float, discrimination: float | None, point_biserial: float | None) -> tuple[str, ...]:
    flags: list[str] = []
    if (discrimination is not None and discrimination < 0) or (
        point_biserial is not None and point_biserial < 0
    ):
        flags.append("negative_discrimination")
    if facility > TOO_EASY_ABOVE:
        flags.append("too_easy")
    if facility < TOO_HARD_BELOW:
        flags.append("too_hard")
    return tuple(flags)


def item_statistics(responses: Iterable[ItemResponse]) -> dict[str, ItemStatistics]:
    """Analyse every question version in `responses` (one attempt per participant).

    Raises ValueError when a participant answered the same question version twice.
    """
    grouped = _by_question(responses)
    totals: dict[str, float] = defaultdict(float)
    for answers in grouped.values():
        for response in answers.values():
            totals[response.participant] += response.fraction * response.points
    statistics: dict[str, ItemStatistics] = {}
    for question_hash, answers in grouped.items():
        items = list(answers.values())
        scores = [response.fraction for response in items]
        rests = [totals[r.participant] - r.fraction * r.points for r in items]
        facility = 100 * _mean(scores)
        discrimination = _discrimination(answers, totals)
        point_biserial = _pearson(scores, rests)
        counts = Counter(option for response in items for option in set(response.chosen))
        statistics[question_hash] = ItemStatistics(
            question_hash=question_hash,
            responses=len(items),
            facility=facility,
            discrimination=discrimination,
            point_biserial=point_biserial,
            choice_counts=dict(sorted(counts.items())),
            flags=_flags(facility, discrimination, point_biserial),
        )
    return statistics


def _percents(responses: Iterable[ItemResponse]) -> dict[str, float]:
    """Return each participant's percent of the points possible over `responses`."""
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    for response in responses:
        earned[response.participant] += response.fraction * response.points
        possible[response.participant] += response.points
    return {p: 100 * earned[p] / possible[p] for p in possible if possible[p] > 0}


def _normalised_gain(pre: float, post: float) -> float | None:
    return None if pre >= 100 else (post - pre) / (100 - pre)


def _summary(pre: Sequence[ItemResponse], post: Sequence[ItemResponse]) -> GainSummary:
    pre_percents, post_percents = _percents(pre), _percents(post)
    gains = tuple(
        ParticipantGain(
            participant=participant,
            pre=pre_percents[participant],
            post=post_percents[participant],
            gain=_normalised_gain(pre_percents[participant], post_percents[participant]),
        )
        for participant in sorted(pre_percents.keys() & post_percents.keys())
    )
    if not gains:
        return GainSummary(participants=(), cohort=None)
    pre_mean = _mean([gain.pre for gain in gains])
    post_mean = _mean([gain.post for gain in gains])
    defined = [gain.gain for gain in gains if gain.gain is not None]
    cohort = CohortGain(
        participants=len(gains),
        pre=pre_mean,
        post=post_mean,
        mean_gain=_mean(defined) if defined else None,
        class_gain=_normalised_gain(pre_mean, post_mean),
    )
    return GainSummary(participants=gains, cohort=cohort)


def learning_gain(pre: Iterable[ItemResponse], post: Iterable[ItemResponse]) -> LearningGain:
    """Compare pre-test and post-test responses, per participant, per objective and cohort.

    Only participants with responses in both tests count (for an objective: responses tagged
    with it in both tests).
    """
    pre_list, post_list = list(pre), list(post)
    objectives = sorted(
        {r.objective for r in pre_list if r.objective is not None}
        & {r.objective for r in post_list if r.objective is not None}
    )
    return LearningGain(
        overall=_summary(pre_list, post_list),
        by_objective={
            objective: _summary(
                [r for r in pre_list if r.objective == objective],
                [r for r in post_list if r.objective == objective],
            )
            for objective in objectives
        },
    )
