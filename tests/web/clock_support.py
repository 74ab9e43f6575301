"""A clock the web tests move by hand: session and cache lifetimes without sleeping."""

from __future__ import annotations

import time

from flask import Flask

from trainer.web.caches import register_caches
from trainer.web.state import register_clock


class Clock:
    """A clock a test moves by hand, for an app's sessions (wall time) and its caches' lifetimes."""

    def __init__(self) -> None:
        self.time = time.time()

    def __call__(self) -> float:
        """Return the time the test has set."""
        return self.time

    def advance(self, seconds: float) -> None:
        """Move the time on by `seconds`."""
        self.time += seconds

    def use(self, app: Flask) -> Flask:
        """Make `app` date its sessions and time its caches by this clock; return it."""
        register_clock(app, self)
        register_caches(app, self)
        return app
