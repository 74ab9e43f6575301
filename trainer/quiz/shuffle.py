"""Seeded, reproducible shuffling of options and questions. Pure.

The same seed (e.g. an attempt's id) gives the same order on every run, machine and process:
`random.Random` seeded with a string hashes it with SHA-512, independent of PYTHONHASHSEED. A page
reloaded mid-attempt therefore shows the options in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from trainer.content.models import Matching, Numeric, Ordering, Question, ShortAnswer

__all__ = ["choice_ids", "option_order", "question_order"]


def choice_ids(question: Question) -> list[str]:
    """Return the ids a learner chooses among, in authored order ([] for typed answers).

    Options for choice kinds; pair ids then distractor ids (the matches offered for every prompt)
    for matching; item ids for ordering.
    """
    if isinstance(question, ShortAnswer | Numeric):
        return []
    if isinstance(question, Matching):
        return [pair.id for pair in question.pairs] + [d.id for d in question.distractors]
    if isinstance(question, Ordering):
        return [item.id for item in question.items]
    return [option.id for option in question.options]


def option_order(question: Question, seed: str) -> list[str]:
    """Return `choice_ids(question)` shuffled deterministically from `seed` and the question id.

    An ordering question of two or more items never starts in its right order (that would give
    the answer away): if the shuffle lands on it, the order is rotated by one place.
    """
    ids = choice_ids(question)
    # S311: this is presentation order, not security; a reproducible generator is the point.
    random.Random(f"{seed}\x1f{question.id}").shuffle(ids)  # noqa: S311
    if isinstance(question, Ordering) and len(ids) >= 2 and ids == choice_ids(question):
        ids = ids[1:] + ids[:1]
    return ids


def question_order(question_ids: Sequence[str], seed: str) -> list[str]:
    """Return `question_ids` shuffled deterministically from `seed`."""
    ids = list(question_ids)
    random.Random(f"{seed}\x1fquestions").shuffle(ids)  # noqa: S311
    return ids
