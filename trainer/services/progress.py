"""A trainee's progress through a programme, computed from their stored attempts.

Order, as a workshop runs it: the pre-test first (module quizzes open once it is submitted), then
the modules, then the post-test (open once every module quiz has been submitted at least once).
Reading is never locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from trainer.store.models import Attempt, AttemptKind

State = Literal["not_started", "in_progress", "passed", "failed"]


@dataclass(frozen=True)
class StepProgress:
    """Where a trainee stands on one step (a module quiz, the pre-test or the post-test)."""

    state: State
    best_percent: float | None = None
    submitted: int = 0
    open_attempt: str | None = None
    latest_result: str | None = None

    @property
    def done(self) -> bool:
        """Return whether at least one attempt was submitted."""
        return self.submitted > 0


def _progress(attempts: Sequence[Attempt]) -> StepProgress:
    submitted = [a for a in attempts if a.submitted]
    open_attempts = [a for a in attempts if not a.submitted]
    open_id = open_attempts[-1].public_id if open_attempts else None
    if not submitted:
        return StepProgress("in_progress" if open_id else "not_started", open_attempt=open_id)
    best = max(submitted, key=lambda a: (a.percent or 0.0, a.id))
    state: State = "passed" if any(a.passed for a in submitted) else "failed"
    return StepProgress(state, best.percent, len(submitted), open_id, submitted[-1].public_id)


def module_progress(attempts: Sequence[Attempt], module_id: str) -> StepProgress:
    """Return the progress on one module's quiz."""
    return _progress([a for a in attempts
                      if a.kind == AttemptKind.MODULE.value and a.module_id == module_id])


def test_progress(attempts: Sequence[Attempt], kind: AttemptKind) -> StepProgress:
    """Return the progress on the pre-test or the post-test."""
    return _progress([a for a in attempts if a.kind == kind.value])


def post_test_open(attempts: Sequence[Attempt], module_ids: Sequence[str]) -> bool:
    """Return whether the post-test may start: the pre-test and every module quiz submitted."""
    return test_progress(attempts, AttemptKind.PRE).done and all(
        module_progress(attempts, module_id).done for module_id in module_ids)
