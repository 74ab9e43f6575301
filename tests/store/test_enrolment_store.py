"""The store's side of enrolment and sessions, on SQLite and PostgreSQL: a cap holds when a room
joins at once, join codes stay unique, sessions end as recorded."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from trainer.store import Database
from trainer.store.attempts import create_participant, join_workshop
from trainer.store.enrolment import (
    EnrolmentOverride,
    JoinCodeTaken,
    enrolment_overrides,
    save_enrolment,
    set_join_code,
)
from trainer.store.results import participant_counts
from trainer.store.web_sessions import (
    Audience,
    check_session,
    purge_sessions,
    revoke_session,
    start_session,
)


def test_a_cap_holds_when_a_room_joins_at_once(store: Database) -> None:
    with ThreadPoolExecutor(8) as pool:
        joined = list(pool.map(lambda i: join_workshop(store, "ws", f"T{i}", cap=5), range(24)))
    assert sum(1 for p in joined if p is not None) == 5
    assert participant_counts(store) == {"ws": 5}
    assert join_workshop(store, "other", "Free", cap=None) is not None


def test_forms_alternate_when_a_room_joins_at_once_without_a_cap(store: Database) -> None:
    """Without a cap, joins are still counted one at a time: half the room takes form A first.

    On PostgreSQL two joins counting the workshop's participants at the same moment would both
    see the same number, and so take the same form, unless the workshop is locked.
    """
    for round_ in range(4):
        barrier = threading.Barrier(8)

        def join(index: int, workshop: str = f"ws-{round_}", gate: threading.Barrier = barrier
                 ) -> str | None:
            gate.wait()
            joined = join_workshop(store, workshop, f"T{index}", cap=None)
            return None if joined is None else joined.pre_form

        with ThreadPoolExecutor(8) as pool:
            forms = Counter(pool.map(join, range(8)))
        assert forms == {"a": 4, "b": 4}, (round_, forms)


def test_overrides_are_kept_and_a_join_code_is_never_shared(store: Database) -> None:
    assert enrolment_overrides(store) == {}
    save_enrolment(store, "ws", listed=False, open_=True, max_participants=0)
    set_join_code(store, "ws", "ABCD2345")
    assert enrolment_overrides(store) == {
        "ws": EnrolmentOverride(listed=False, open=True, max_participants=0,
                                join_code="ABCD2345")}
    with pytest.raises(JoinCodeTaken):
        set_join_code(store, "other", "ABCD2345")
    set_join_code(store, "ws", "ABCD2345")  # its own code again: fine
    assert "other" not in enrolment_overrides(store)
    with pytest.raises(ValueError, match="cap"):
        save_enrolment(store, "ws", listed=True, open_=True, max_participants=-1)


def test_sessions_end_when_revoked_or_over(store: Database) -> None:
    participant = create_participant(store, "ws", "Amina")
    token = start_session(store, Audience.TRAINEE, lifetime_s=100, participant_id=participant.id,
                          now=1000.0)
    holder = check_session(store, token, now=1050.0)
    assert holder is not None
    assert holder.participant_id == participant.id
    assert check_session(store, token, now=1100.0) is None  # expired
    assert check_session(store, token + "x", now=1050.0) is None
    assert revoke_session(store, token, now=1060.0)
    assert check_session(store, token, now=1061.0) is None
    assert not revoke_session(store, token)  # once
    with pytest.raises(ValueError, match="names a trainer"):
        start_session(store, Audience.TRAINER, lifetime_s=10, participant_id=participant.id)
    # Ended over a week ago: deleted by the purge.
    assert purge_sessions(store, now=1100.0 + 8 * 24 * 3600) == 1
