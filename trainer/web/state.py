"""What the app holds for every request: the catalogue (loaded once), the database, the clock.

The clock is the wall time the app's sessions are dated by (`now()`: time.time unless a test gave
the app another, with `register_clock`), so session lifetimes are tested without sleeping; the
caches' lifetimes have their own injectable (monotonic) clock (trainer.web.caches).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app

from trainer.content.catalogue import Catalogue
from trainer.store.database import Database

CATALOGUE = "trainer.catalogue"
DATABASE = "trainer.database"
CLOCK = "trainer.clock"


def catalogue(app: Flask | None = None) -> Catalogue:
    """Return the app's content catalogue."""
    found: Catalogue = (app or current_app).extensions[CATALOGUE]
    return found


def database(app: Flask | None = None) -> Database:
    """Return the app's database."""
    found: Database = (app or current_app).extensions[DATABASE]
    return found


def register_clock(app: Flask, clock: Callable[[], float] = time.time) -> None:
    """Date the app's sessions by `clock` (seconds since the epoch, as time.time)."""
    app.extensions[CLOCK] = clock


def now(app: Flask | None = None) -> float:
    """Return the app's time, in seconds since the epoch (time.time unless a test set a clock)."""
    clock: Callable[[], float] = (app or current_app).extensions.get(CLOCK, time.time)
    return clock()
