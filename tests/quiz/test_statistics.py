"""Tests for trainer.quiz.statistics, against hand-computed examples."""

from __future__ import annotations

import math

import pytest

from trainer.quiz.statistics import (
    GAIN_RANGE,
    PERCENT_RANGE,
    ItemResponse,
    ParticipantGain,
    item_statistics,
    learning_gain,
    mean_interval,
)

# Six participants, four one-point items (1 = right, 0 = wrong):
#
#        h1 h2 h3 h4   total
#   p1    1  1  1  1     4
#   p2    1  1  1  0     3
#   p3    1  1  0  0     2
#   p4    1  0  0  1     2
#   p5    0  0  0  1     1
#   p6    0  0  0  1     1
#
# 27 % of 6 = 1.62 -> groups of 2: upper {p1, p2}, lower {p5, p6}.
TABLE = {
    "p1": (1, 1, 1, 1),
    "p2": (1, 1, 1, 0),
    "p3": (1, 1, 0, 0),
    "p4": (1, 0, 0, 1),
    "p5": (0, 0, 0, 1),
    "p6": (0, 0, 0, 1),
}
H1_CHOICES = {"p1": ("b",), "p2": ("b",), "p3": ("b",), "p4": ("b",), "p5": ("a",), "p6": ("c",)}


def table_responses() -> list[ItemResponse]:
    """The table above as item responses (h1 is a single-choice question; b is right)."""
    return [
        ItemResponse(
            participant=participant,
            question_hash=f"h{index + 1}",
            fraction=float(score),
            chosen=H1_CHOICES[participant] if index == 0 else (),
        )
        for participant, scores in TABLE.items()
        for index, score in enumerate(scores)
    ]


def test_facility_is_mean_fraction_in_percent() -> None:
    stats = item_statistics(table_responses())
    # h1: 4/6 = 66.67 %; h2: 3/6 = 50 %; h3: 2/6 = 33.33 %; h4: 4/6 = 66.67 %.
    assert stats["h1"].facility == pytest.approx(200 / 3)
    assert stats["h2"].facility == pytest.approx(50)
    assert stats["h3"].facility == pytest.approx(100 / 3)
    assert stats["h4"].facility == pytest.approx(200 / 3)
    assert stats["h1"].responses == 6


def test_discrimination_upper_minus_lower_27_percent() -> None:
    stats = item_statistics(table_responses())
    # h1: upper (1 + 1) / 2 - lower (0 + 0) / 2 = 1; likewise h2 and h3.
    # h4: upper (1 + 0) / 2 = 0.5, lower (1 + 1) / 2 = 1 -> -0.5.
    assert stats["h1"].discrimination == 1
    assert stats["h2"].discrimination == 1
    assert stats["h3"].discrimination == 1
    assert stats["h4"].discrimination == -0.5


def test_point_biserial_uses_the_rest_score() -> None:
    stats = item_statistics(table_responses())
    # h1: x = 1 1 1 1 0 0 (mean 2/3); rest = total - x = 3 2 1 1 1 1 (mean 1.5).
    #   sum dx*dr = 1/3 * (1.5 + 0.5 - 0.5 - 0.5) + (-2/3) * (-0.5 - 0.5) = 1/3 + 2/3 = 1
    #   sum dx^2 = 4 * 1/9 + 2 * 4/9 = 4/3; sum dr^2 = 2.25 + 0.25 + 4 * 0.25 = 3.5
    #   r = 1 / sqrt(4/3 * 3.5) = 0.46291
    assert stats["h1"].point_biserial == pytest.approx(1 / math.sqrt(4 / 3 * 3.5))
    assert stats["h1"].point_biserial == pytest.approx(0.46291, abs=1e-5)
    # h4: x = 1 0 0 1 1 1 (mean 2/3); rest = 3 3 2 1 0 0 (mean 1.5).
    #   sum dx*dr = 1/3 * (1.5 - 0.5 - 1.5 - 1.5) + (-2/3) * (1.5 + 0.5) = -2/3 - 4/3 = -2
    #   sum dr^2 = 2.25 + 2.25 + 0.25 + 0.25 + 2.25 + 2.25 = 9.5
    #   r = -2 / sqrt(4/3 * 9.5) = -0.56195
    assert stats["h4"].point_biserial == pytest.approx(-2 / math.sqrt(4 / 3 * 9.5))


def test_six_participants_are_too_few_to_flag() -> None:
    stats = item_statistics(table_responses())
    # h4 discriminates negatively (D = -0.5, r = -0.56), but 6 responses are too few to flag.
    assert stats["h4"].discrimination == -0.5
    assert stats["h4"].flags == ()
    assert all(s.too_few for s in stats.values())


def test_flags_with_thirty_participants() -> None:
    # The table five times over: 30 participants, the same correlations; D of h4 with groups of
    # 8 (27 % of 30): upper 5 x p1 (1) + 3 x p2 (0) = 5/8, lower 8 of p5/p6 (1) = 1 -> -0.375.
    responses = [
        ItemResponse(f"{r.participant}-{copy}", r.question_hash, r.fraction, r.chosen)
        for copy in range(5) for r in table_responses()
    ]
    stats = item_statistics(responses)
    assert stats["h4"].responses == 30
    assert stats["h4"].discrimination == pytest.approx(-0.375)
    assert stats["h4"].flags == ("negative_discrimination",)
    assert stats["h1"].flags == ()
    assert stats["h3"].flags == ()
    assert not any(s.too_few for s in stats.values())


def test_too_easy_and_too_hard() -> None:
    everyone = [f"p{n}" for n in range(1, 21)]
    # "easy": 20 of 20 right -> 100 % > 95 %; "hard": 3 of 20 right -> 15 % < 20 %.
    # "edge": 19 of 20 right -> exactly 95 %, not flagged.
    responses = [
        ItemResponse(participant, "easy", 1.0) for participant in everyone
    ] + [
        ItemResponse(participant, "hard", 1.0 if index < 3 else 0.0)
        for index, participant in enumerate(everyone)
    ] + [
        ItemResponse(participant, "edge", 1.0 if index < 19 else 0.0)
        for index, participant in enumerate(everyone)
    ]  # fmt: skip
    stats = item_statistics(responses)
    assert "too_easy" in stats["easy"].flags
    assert stats["hard"].facility == pytest.approx(15)
    assert "too_hard" in stats["hard"].flags
    assert stats["edge"].facility == pytest.approx(95)
    assert "too_easy" not in stats["edge"].flags
    # Everyone right: the item score does not vary, so no correlation can be computed.
    assert stats["easy"].point_biserial is None
    assert stats["easy"].discrimination == 0


def test_choice_counts() -> None:
    stats = item_statistics(table_responses())
    assert stats["h1"].choice_counts == {"a": 1, "b": 4, "c": 1}
    assert stats["h2"].choice_counts == {}


def test_versions_of_a_question_are_never_mixed() -> None:
    responses = [
        ItemResponse("p1", "v1", 1.0, ("a",)),
        ItemResponse("p2", "v1", 1.0, ("a",)),
        ItemResponse("p3", "v2", 0.0, ("b",)),
    ]
    stats = item_statistics(responses)
    assert (stats["v1"].responses, stats["v1"].facility, stats["v1"].choice_counts) == (
        2, 100.0, {"a": 2}
    )  # fmt: skip
    assert (stats["v2"].responses, stats["v2"].facility, stats["v2"].choice_counts) == (
        1, 0.0, {"b": 1}
    )  # fmt: skip
    # One participant: no groups and no correlation.
    assert stats["v2"].discrimination is None
    assert stats["v2"].point_biserial is None


def test_partial_credit_and_points_weight_the_total() -> None:
    # Three participants; item "x" (2 points) and item "y" (1 point).
    #   q: x 1.0 (2 pts), y 0.0 -> total 2.0
    #   r: x 0.5 (1 pt),  y 1.0 -> total 2.0 (ties with q; ordered by id: q before r)
    #   s: x 0.0,         y 0.5 -> total 0.5
    # 27 % of 3 = 0.81 -> groups of 1: upper {q}, lower {s}.
    # x: D = 1.0 - 0.0 = 1; facility = (1 + 0.5 + 0) / 3 = 50 %.
    # y: D = 0.0 - 0.5 = -0.5.
    responses = [
        ItemResponse("q", "x", 1.0, points=2),
        ItemResponse("q", "y", 0.0),
        ItemResponse("r", "x", 0.5, points=2),
        ItemResponse("r", "y", 1.0),
        ItemResponse("s", "x", 0.0, points=2),
        ItemResponse("s", "y", 0.5),
    ]
    stats = item_statistics(responses)
    assert stats["x"].discrimination == 1
    assert stats["x"].facility == pytest.approx(50)
    assert stats["y"].discrimination == -0.5
    assert stats["y"].flags == ()  # 3 responses: too few to flag (figures above still computed)
    assert stats["y"].too_few


def test_two_answers_to_one_version_are_refused() -> None:
    with pytest.raises(ValueError, match="answered question h1 twice"):
        item_statistics([ItemResponse("p1", "h1", 1.0), ItemResponse("p1", "h1", 0.0)])


# Learning gain. One-point items, objectives o1 (item 1) and o2 (item 2):
#
#          pre      post     pre %  post %  g = (post - pre) / (100 - pre)
#   a      1 0      1 1       50     100    (100 - 50) / 50 = 1.0
#   b      0 0      1 0        0      50    50 / 100 = 0.5
#   c      1 1      1 0      100      50    None (pre = 100)
#   d      0 1      -         50       -    not counted: no post-test
#
# Cohort: pre (50 + 0 + 100) / 3 = 50; post (100 + 50 + 50) / 3 = 66.67;
# mean gain (1.0 + 0.5) / 2 = 0.75; class gain (66.67 - 50) / (100 - 50) = 0.3333.
PRE = {"a": (1, 0), "b": (0, 0), "c": (1, 1), "d": (0, 1)}
POST = {"a": (1, 1), "b": (1, 0), "c": (1, 0)}


def gain_responses(table: dict[str, tuple[int, int]], test: str) -> list[ItemResponse]:
    """Responses of a test: item 1 assesses o1, item 2 assesses o2."""
    return [
        ItemResponse(participant, f"{test}-{index}", float(score), objective=f"o{index}")
        for participant, scores in table.items()
        for index, score in enumerate(scores, start=1)
    ]


def test_learning_gain_per_participant_and_cohort() -> None:
    result = learning_gain(gain_responses(PRE, "pre"), gain_responses(POST, "post"))
    assert result.overall.participants == (
        ParticipantGain("a", 50.0, 100.0, 1.0),
        ParticipantGain("b", 0.0, 50.0, 0.5),
        ParticipantGain("c", 100.0, 50.0, None),
    )
    cohort = result.overall.cohort
    assert cohort is not None
    assert cohort.participants == 3
    assert cohort.pre == pytest.approx(50)
    assert cohort.post == pytest.approx(200 / 3)
    assert cohort.mean_gain == pytest.approx(0.75)
    assert cohort.class_gain == pytest.approx(1 / 3)


def test_learning_gain_per_objective() -> None:
    result = learning_gain(gain_responses(PRE, "pre"), gain_responses(POST, "post"))
    # o1: a 100 -> 100 (None), b 0 -> 100 (1.0), c 100 -> 100 (None).
    #     pre mean 66.67, post 100, mean gain 1.0, class gain (100 - 66.67) / 33.33 = 1.0
    # o2: a 0 -> 100 (1.0), b 0 -> 0 (0.0), c 100 -> 0 (None).
    #     pre mean 33.33, post 33.33, mean gain 0.5, class gain 0.0
    assert sorted(result.by_objective) == ["o1", "o2"]
    o1, o2 = result.by_objective["o1"], result.by_objective["o2"]
    assert [gain.gain for gain in o1.participants] == [None, 1.0, None]
    assert o1.cohort is not None
    assert o1.cohort.participants == 3
    assert (o1.cohort.pre, o1.cohort.post) == (pytest.approx(200 / 3), 100.0)
    assert (o1.cohort.mean_gain, o1.cohort.class_gain) == (1.0, pytest.approx(1.0))
    assert [gain.gain for gain in o2.participants] == [1.0, 0.0, None]
    assert o2.cohort is not None
    assert (o2.cohort.pre, o2.cohort.post) == (pytest.approx(100 / 3), pytest.approx(100 / 3))
    assert o2.cohort.mean_gain == pytest.approx(0.5)
    assert o2.cohort.class_gain == pytest.approx(0.0)


def test_learning_gain_weights_points_and_handles_no_overlap() -> None:
    # Pre: 2-point item right, 1-point item wrong -> 2/3 = 66.67 %; post: both right -> 100 %.
    # g = (100 - 66.67) / (100 - 66.67) = 1.0
    pre = [ItemResponse("a", "x", 1.0, points=2), ItemResponse("a", "y", 0.0)]
    post = [ItemResponse("a", "x", 1.0, points=2), ItemResponse("a", "y", 1.0)]
    (gain,) = learning_gain(pre, post).overall.participants
    assert gain.pre == pytest.approx(200 / 3)
    assert gain.gain == pytest.approx(1.0)
    nobody = learning_gain(pre, [ItemResponse("b", "x", 1.0)])
    assert nobody.overall.participants == ()
    assert nobody.overall.cohort is None
    assert nobody.by_objective == {}


def test_a_small_group_interval_is_cut_to_the_scale_and_marked() -> None:
    # Three post-test scores 50, 100, 100: mean 83.3, s = 28.87, t(0.975, 2) = 4.303,
    # half-width 71.7: 11.6-155.0 as computed, shown 11.6-100.0.
    found = mean_interval([50.0, 100.0, 100.0], PERCENT_RANGE)
    assert found is not None
    assert (found.n, round(found.mean, 1), round(found.low or 0, 1), found.high) == (
        3, 83.3, 11.6, 100.0)
    assert found.clipped
    # Gains 1, 0.5, -0.5: mean 0.33, half-width 1.9 -> -1.56 kept (g has no floor), 2.23 cut to 1.
    gain = mean_interval([1.0, 0.5, -0.5], GAIN_RANGE)
    assert gain is not None
    assert gain.clipped
    assert gain.high == 1.0
    assert round(gain.low or 0, 2) == -1.56
    inside = mean_interval([40.0, 50.0, 60.0], PERCENT_RANGE)
    assert inside is not None
    assert not inside.clipped
    assert round(inside.low or 0, 1) == 25.2
