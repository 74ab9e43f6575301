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
  "too_hard" (facility < 20 %). Only with MIN_FLAG_RESPONSES (10) responses or more: below that,
  one participant moves facility by 10 points or more and D rests on one or two people, so the
  figures are shown (with their n) but nothing is flagged (`too_few` says so).

A participant's total score is the sum of fraction x points over all responses given.

Learning gain: each participant's pre-test and post-test percent (points earned / points
possible), and the normalised gain g = (post - pre) / (100 - pre), None when pre = 100. Cohort
summaries give the mean pre and post percent, the mean of the individual gains (participants with
a defined gain), and the class gain computed on the means (Hake's <g>). The same is computed per
objective from the responses tagged with that objective.

Intervals: every mean (pre, post, individual gain) comes with a 95 % confidence interval, t-based:
mean ± t(0.975, n − 1) · s / √n with s the sample standard deviation (n − 1); none below 2 values.
The t quantile is computed here (Student's t CDF through the regularised incomplete beta
function, inverted by bisection), so no statistics package is needed. On a small group the t
interval can run past what the scale allows (a mean percent below 0 or above 100, a mean
normalised gain above 1): it is then cut at the bound and marked `clipped`, so the page can say
so. Cutting a confidence interval to the set of possible values keeps its coverage (the true mean
is always in that set) and only drops values nobody could score. A normalised gain has no lower
bound of its own (a participant at 90 % who falls to 0 has g = −9), so a negative lower bound is
kept: it says the data are also consistent with scores falling.

Counterbalanced forms: with two parallel forms, participants who took A then B and those who took
B then A are summarised apart (n, mean pre, post and gain with intervals), and each form's mean
over every sitting (as pre-test and as post-test); the cohort gain averages both orders, so a
difference in difficulty between the forms cancels out.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "GAIN_RANGE",
    "MIN_FLAG_RESPONSES",
    "PERCENT_RANGE",
    "CohortGain",
    "CounterbalancedDesign",
    "FormMean",
    "Interval",
    "OrderGroup",
    "GainSummary",
    "ItemResponse",
    "ItemStatistics",
    "LearningGain",
    "ParticipantGain",
    "counterbalanced_design",
    "item_statistics",
    "learning_gain",
    "mean_interval",
    "t_quantile",
]

UPPER_LOWER_SHARE = 0.27
TOO_EASY_ABOVE = 95.0
TOO_HARD_BELOW = 20.0
MIN_FLAG_RESPONSES = 10
CONFIDENCE = 0.95
PERCENT_RANGE: tuple[float | None, float | None] = (0.0, 100.0)
GAIN_RANGE: tuple[float | None, float | None] = (None, 1.0)  # g <= 1; no lower bound


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
    too_few: bool = False  # fewer than MIN_FLAG_RESPONSES responses: shown, never flagged


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean over `n` values with its 95 % t-based confidence interval (None below 2 values).

    `clipped`: the t interval ran past the scale's possible range and was cut at its bound.
    """

    n: int
    mean: float
    low: float | None
    high: float | None
    clipped: bool = False


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
    pre_interval: Interval | None = None
    post_interval: Interval | None = None
    gain_interval: Interval | None = None  # over the participants with a defined gain


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


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Return the regularised incomplete beta function I_x(a, b) (continued fraction, Lentz)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):  # the continued fraction converges fast below this point
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x)) / a
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * result


def _t_cdf(t: float, df: int) -> float:
    """Return P(T <= t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(probability: float, df: int) -> float:
    """Return the `probability` quantile (0.5-1) of Student's t with `df` >= 1 degrees of freedom."""
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < probability:
        high *= 2.0
    for _ in range(100):
        middle = (low + high) / 2.0
        low, high = (middle, high) if _t_cdf(middle, df) < probability else (low, middle)
    return (low + high) / 2.0


def mean_interval(values: Sequence[float],
                  scale: tuple[float | None, float | None] = (None, None)) -> Interval | None:
    """Return the mean of `values` with its 95 % t-based interval (None for no values).

    `scale` is the possible range of the values (None: unbounded on that side): the interval is
    cut to it, and marked clipped when it had to be.
    """
    if not values:
        return None
    n, mean = len(values), _mean(values)
    if n < 2:
        return Interval(n, mean, None, None)
    deviation = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile(1 - (1 - CONFIDENCE) / 2, n - 1) * deviation / math.sqrt(n)
    low, high = mean - half, mean + half
    floor, ceiling = scale
    clipped = (floor is not None and low < floor) or (ceiling is not None and high > ceiling)
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    return Interval(n, mean, low, high, clipped)


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


def _flags(facility: float, discrimination: float | None, point_biserial: float | None,
           responses: int) -> tuple[str, ...]:
    if responses < MIN_FLAG_RESPONSES:
        return ()
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
            flags=_flags(facility, discrimination, point_biserial, len(items)),
            too_few=len(items) < MIN_FLAG_RESPONSES,
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
        pre_interval=mean_interval([gain.pre for gain in gains], PERCENT_RANGE),
        post_interval=mean_interval([gain.post for gain in gains], PERCENT_RANGE),
        gain_interval=mean_interval(defined, GAIN_RANGE),
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


@dataclass(frozen=True, slots=True)
class OrderGroup:
    """The participants who took the forms in one order ("ab": A as pre-test, B as post-test)."""

    order: str
    participants: int
    pre: Interval | None
    post: Interval | None
    gain: Interval | None  # mean of the individual normalised gains (defined ones)


@dataclass(frozen=True, slots=True)
class FormMean:
    """One form's mean percent: as pre-test, as post-test, and over every sitting."""

    form: str
    as_pre: Interval | None
    as_post: Interval | None
    overall: Interval | None


@dataclass(frozen=True, slots=True)
class CounterbalancedDesign:
    """A counterbalanced two-form design: each order's figures and each form's means."""

    groups: tuple[OrderGroup, ...]
    forms: tuple[FormMean, ...]


def counterbalanced_design(gains: Sequence[ParticipantGain], pre_forms: dict[str, str]
                           ) -> CounterbalancedDesign:
    """Summarise `gains` by the order each participant took the forms in.

    `pre_forms` maps a participant to the form ("a" or "b") they took as pre-test; the post-test
    was the other. Participants missing from it count as "a" (the default assignment).
    """
    first = {g.participant: "b" if pre_forms.get(g.participant) == "b" else "a" for g in gains}
    groups = []
    for order, pre_form in (("ab", "a"), ("ba", "b")):
        members = [g for g in gains if first[g.participant] == pre_form]
        groups.append(OrderGroup(
            order=order, participants=len(members),
            pre=mean_interval([g.pre for g in members], PERCENT_RANGE),
            post=mean_interval([g.post for g in members], PERCENT_RANGE),
            gain=mean_interval([g.gain for g in members if g.gain is not None], GAIN_RANGE),
        ))
    forms = []
    for form in ("a", "b"):
        as_pre = [g.pre for g in gains if first[g.participant] == form]
        as_post = [g.post for g in gains if first[g.participant] != form]
        forms.append(FormMean(form, mean_interval(as_pre, PERCENT_RANGE),
                              mean_interval(as_post, PERCENT_RANGE),
                              mean_interval(as_pre + as_post, PERCENT_RANGE)))
    return CounterbalancedDesign(tuple(groups), tuple(forms))
