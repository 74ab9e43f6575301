"""Flask's signed-cookie sessions, with each worker remembering the cookies it verified lately.

Verifying a session cookie (HMAC key derivation and check, base64, zlib, JSON) was a fifth of the
CPU of a cached quiz page view, and a trainee sends the same cookie with every page until the
session changes. So a verified cookie's data is kept for `VERIFIED_TTL_S` in the app's caches
(trainer.web.caches: one set per app, one app per worker), keyed by the exact cookie string: the
same string verifies the same way, and never past
the cookie's own expiry. Entries are deep copies both ways, so a request that changes its session
in place (a flashed message) cannot change what the next request with that cookie gets.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, MutableMapping
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from trainer.web.caches import caches

VERIFIED_TTL_S = 60.0
# The language a visitor picked with the switcher (trainer.web.i18n.LANGUAGE_KEY) outlives signing
# in and out.
KEPT_ON_SIGN_IN = ("language",)


class RecentCookieSessionInterface(SecureCookieSessionInterface):
    """SecureCookieSessionInterface that skips verifying a cookie it verified a moment ago."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the request's session: from the worker's recent verifications, or verified."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        verified = caches(app).verified_cookies
        found = verified.get(value)
        if found is not None:
            return self.session_class(copy.deepcopy(found))
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        left = signed_at.timestamp() + max_age - time.time()
        verified.put(value, copy.deepcopy(data), ttl=min(VERIFIED_TTL_S, left))
        return self.session_class(data)


def register_sessions(app: Flask) -> None:
    """Use the session interface that remembers verified cookies (in the app's own caches)."""
    app.session_interface = RecentCookieSessionInterface()


def rotate_session(session: MutableMapping[str, Any], kept: Iterable[str]) -> None:
    """Start a fresh session: drop everything but the `kept` keys (the interface language).

    Signing in (a trainee joining, a trainer logging in) and out goes through here, so nothing a
    visitor had in the session before carries over but what is named.
    """
    carried = {key: session[key] for key in kept if key in session}
    session.clear()
    session.update(carried)
