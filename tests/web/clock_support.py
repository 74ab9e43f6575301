"""A clock the web tests move by hand: session and cache lifetimes without sleeping."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from itsdangerous import TimestampSigner

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


def let_csrf_tokens_age(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """From now on, date and check CSRF tokens as if `seconds` had passed (instead of sleeping).

    Flask-WTF signs its tokens with itsdangerous' TimestampSigner, which reads time.time() in whole
    seconds; the app's own session signer keeps the app's clock (trainer.web.sessions overrides
    get_timestamp), so only the tokens' clock moves.
    """
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda _signer: int(time.time() + seconds))
