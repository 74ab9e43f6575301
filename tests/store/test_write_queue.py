"""Every write to a SQLite file queues for the one writer lock: attempts, accounts and imports."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from trainer.store import Database
from trainer.store.accounts import create_trainer
from trainer.store.attempts import create_participant
from trainer.store.database import one_writer


def _write_waits_for_the_lock(database: Database, write: Callable[[], object]) -> None:
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        with one_writer(database.url):
            held.set()
            release.wait(30)

    def run() -> None:
        write()
        done.set()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    writer = threading.Thread(target=run)
    writer.start()
    try:
        # While another writer holds the lock, this write has not happened (it would take a few
        # milliseconds without the queue); it completes once the lock is released.
        assert not done.wait(0.5)
    finally:
        release.set()
    holder.join(10)
    writer.join(30)
    assert done.is_set()


@pytest.mark.parametrize("what", ["account", "participant"])
def test_writes_of_every_kind_queue_on_sqlite(sqlite_store: Database, what: str) -> None:
    writes: dict[str, Callable[[], object]] = {
        "account": lambda: create_trainer(sqlite_store, "queued", "a long enough password"),
        "participant": lambda: create_participant(sqlite_store, "alpha", "Queued Person"),
    }
    _write_waits_for_the_lock(sqlite_store, writes[what])
