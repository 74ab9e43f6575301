"""Draft saves in the store: ordered by sequence number, merged per page, refused once submitted,
and written together (group commit) when many arrive at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from trainer.store import Database
from trainer.store.attempts import (
    AttemptScore,
    GradedResponse,
    PlannedQuestion,
    create_participant,
    save_draft,
    start_attempt,
    submit_attempt,
    submit_draft,
)
from trainer.store.models import Attempt, AttemptKind

QUESTIONS = [PlannedQuestion("m", "q1", "h" * 64)]
SCORE = AttemptScore(1, 1, 100, True)


def _attempt(store: Database, name: str = "Amina") -> int:
    participant = create_participant(store, "ws", name)
    return start_attempt(store, participant_id=participant.id, kind=AttemptKind.MODULE,
                         curriculum_id="c", module_id="m", module_hash="x" * 64,
                         questions=QUESTIONS, tokens={"m/q1": {"a": "0badc0de"}}, seed=7,
                         pass_mark=70).id


def _draft(store: Database, attempt_id: int) -> tuple[int | None, dict[str, object] | None]:
    with store.read() as session:
        row = session.execute(select(Attempt.draft_seq, Attempt.draft_answers)
                              .where(Attempt.id == attempt_id)).one()
    return row[0], row[1]


def test_saves_are_ordered_merged_and_closed_by_the_submission(store: Database) -> None:
    attempt = _attempt(store)
    assert save_draft(store, attempt, 5, {"q1": "a", "q2": "b"}).status == "saved"
    assert save_draft(store, attempt, 4, {"q1": "old"}).status == "stale"
    assert save_draft(store, attempt, 5, {"q1": "a", "q2": "b"}).status == "saved"  # a retry
    page = save_draft(store, attempt, 6, {"q3": "c"}, replaced={"q2", "q3"})
    assert page.answers == {"q1": "a", "q3": "c"}
    unnumbered = save_draft(store, attempt, None, {"q1": "z"}, replaced={"q1"})
    assert unnumbered.seq is not None
    assert unnumbered.seq > 6
    graded = [GradedResponse("m", "q1", "h" * 64, "z", 1, 1, "correct")]
    seen: list[dict[str, object]] = []

    def grader(draft: dict[str, object], tokens: dict[str, dict[str, str]]
               ) -> tuple[list[GradedResponse], AttemptScore]:
        seen.append(draft)
        assert tokens == {"m/q1": {"a": "0badc0de"}}  # the attempt's own, read with its draft
        return graded, SCORE

    assert submit_draft(store, attempt, grader) is True
    assert seen == [{"q1": "z", "q3": "c"}]
    assert submit_draft(store, attempt, grader) is False
    assert submit_attempt(store, attempt, graded, SCORE) is False
    late = save_draft(store, attempt, 10**12, {"q1": "late"})
    assert late.status == "submitted"
    assert _draft(store, attempt)[1] == {"q1": "z", "q3": "c"}


def test_many_saves_at_once_each_get_their_own_answer(store: Database) -> None:
    attempts = [_attempt(store, f"T{n}") for n in range(4)]
    start = threading.Barrier(32)

    def one(n: int) -> str:
        start.wait()
        return save_draft(store, attempts[n % 4], 100 + n, {"q1": str(n)}).status

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(one, range(32)))
    assert set(statuses) <= {"saved", "stale"}
    for index, attempt in enumerate(attempts):
        newest = max(n for n in range(32) if n % 4 == index)
        assert _draft(store, attempt) == (100 + newest, {"q1": str(newest)})


def test_a_save_writes_only_the_fields_it_is_newest_for(store: Database) -> None:
    attempt = _attempt(store)
    # Tab A changed q1 (at 100), tab B q2 (at 200); B's save arrives first.
    assert save_draft(store, attempt, 200, {"q2": "b"}, replaced={"q2"}).status == "saved"
    late = save_draft(store, attempt, 100, {"q1": "a"}, replaced={"q1"})
    assert late.status == "saved"  # older, but no newer save spoke for q1
    assert late.answers == {"q1": "a", "q2": "b"}
    assert late.seq == 201  # the draft changed: its number grows (cached pages are keyed by it)
    # An older save never overwrites a newer answer, nor clears it.
    assert save_draft(store, attempt, 150, {}, replaced={"q2"}).status == "stale"
    assert save_draft(store, attempt, 150, {"q2": "old"}, replaced={"q2"}).status == "stale"
    assert _draft(store, attempt) == (201, {"q1": "a", "q2": "b"})
    # A save that gathers changes made at different moments: each field has its own number.
    gathered = save_draft(store, attempt, 300, {"q1": "a2", "q2": "b2"}, replaced={"q1", "q2"},
                          numbers={"q1": 90, "q2": 300})
    assert gathered.answers == {"q1": "a", "q2": "b2"}  # q1 was written at 100 already
    # A retry of a stored save changes nothing and is not "stale".
    assert save_draft(store, attempt, 300, {"q2": "b2"}, replaced={"q2"}).status == "saved"
    # A save speaking for every field sets one floor: older saves of any field are stale.
    assert save_draft(store, attempt, 400, {"q3": "c"}).answers == {"q3": "c"}
    assert save_draft(store, attempt, 350, {"q9": "x"}, replaced={"q9"}).status == "stale"
    assert _draft(store, attempt) == (400, {"q3": "c"})


def test_a_draft_saved_before_per_field_numbers_counts_as_written_at_its_number(
        store: Database) -> None:
    attempt = _attempt(store)
    save_draft(store, attempt, 500, {"q1": "a"}, replaced={"q1"})
    # As the migration leaves a draft saved before it:
    store.write(lambda session: setattr(session.get_one(Attempt, attempt), "draft_seqs", None))
    assert save_draft(store, attempt, 400, {"q2": "b"}, replaced={"q2"}).status == "stale"
    assert save_draft(store, attempt, 600, {"q2": "b"}, replaced={"q2"}).answers == {
        "q1": "a", "q2": "b"}
