"""Sessions: Flask's signed cookie carrying a server-side session token, and the checks on it.

Who is signed in lives in the database (trainer.store.web_sessions): signing in (a trainee joining,
a trainer logging in: `begin`) records a session and puts its random token in the cookie under
`SESSION_TOKEN_KEY`; signing out (`end`) revokes it. `holder()` says who holds the request's
session, reading its row once per request and never from a worker cache, so a logout, a "log out
everywhere" or a password change holds at once on every worker and host; a cookie captured
before is anonymous afterwards. A trainer session also ends after TRAINER_SESSION_IDLE_TIMEOUT
without a request and TRAINER_SESSION_LIFETIME after logging in; a trainee's at the date
`begin` is given (the workshop's end plus a grace).

The cookie itself:

Verifying a session cookie (HMAC key derivation and check, base64, zlib, JSON) was a fifth of the
CPU of a cached quiz page view, and a trainee sends the same cookie with every page until the
session changes. So a verified cookie's data is kept for `VERIFIED_TTL_S` in the app's caches
(trainer.web.caches: one set per app, one app per worker), keyed by the exact cookie string: the
same string verifies the same way, and never past the cookie's own expiry. Entries are copies
both ways (`_copied`), so a request that changes its session in place (a flashed message) cannot
change what the next request with that cookie gets.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, MutableMapping
from typing import Any

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from trainer.store.web_sessions import (
    Audience,
    SessionHolder,
    check_session,
    revoke_session,
    start_session,
)
from trainer.web.caches import caches
from trainer.web.state import database, now

VERIFIED_TTL_S = 60.0
# The language a visitor picked with the switcher (trainer.web.i18n.LANGUAGE_KEY) outlives signing
# in and out.
KEPT_ON_SIGN_IN = ("language",)
SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key
_HOLDER = "trainer_session_holder"


class RecentCookieSessionInterface(SecureCookieSessionInterface):
    """SecureCookieSessionInterface that skips verifying a cookie it verified a moment ago."""

    _serializer: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return Flask's serializer, made once per secret key (making one, with its JSON probe,
        cost a third of a `/ping`)."""
        key = (app.secret_key, app.config.get("SECRET_KEY_FALLBACKS"))
        found = self._serializer
        if found is None or found[0] != key:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                serializer.signer = _app_timed_signer(app)
            found = self._serializer = (key, serializer)
        return found[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the request's session: from the worker's recent verifications, or verified."""
        value = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not value:
            if not app.secret_key:
                return None
            return self.session_class()
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        verified = caches(app).verified_cookies
        found = verified.get(value)
        if found is not None:
            return self.session_class(_copied(found))
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        left = signed_at.timestamp() + max_age - now(app)
        verified.put(value, _copied(data), ttl=min(VERIFIED_TTL_S, left))
        return self.session_class(data)


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of session data that shares nothing mutable with it.

    Session data is what Flask's tagged JSON gives back: dicts, lists and tuples of strings,
    numbers and other values never changed in place (Markup, datetime, bytes, UUID). Only the
    containers are copied: 2.3 µs for a trainee's session, where `copy.deepcopy` took 4.3 µs.
    """
    return {key: _copied_value(value) for key, value in data.items()}


def _copied_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copied_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copied_value(item) for item in value)
    if isinstance(value, (str, int, float, bool, type(None), bytes)):
        return value
    return copy.deepcopy(value)


def _app_timed_signer(app: Flask) -> type[TimestampSigner]:
    """Return itsdangerous' signer dating cookies (and checking their age) by the app's clock."""

    class AppTimedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now(app))

    return AppTimedSigner


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


def begin(audience: Audience, *, lifetime_s: float, trainer_id: int | None = None,
          participant_id: int | None = None) -> None:
    """Start a fresh session for a trainer or a trainee: a new cookie naming a new server row.

    Whatever the browser's session held before is dropped but the `KEPT_ON_SIGN_IN` keys, and
    any server session it named is ended first.
    """
    end()
    token = start_session(database(), audience, lifetime_s=lifetime_s, trainer_id=trainer_id,
                          participant_id=participant_id, now=now())
    session[SESSION_TOKEN_KEY] = token
    g.pop(_HOLDER, None)


def end() -> None:
    """End the request's server session, if any, and start a fresh cookie session."""
    token = session.get(SESSION_TOKEN_KEY)
    if isinstance(token, str):
        revoke_session(database(), token, now=now())
    rotate_session(session, KEPT_ON_SIGN_IN)
    g.pop(_HOLDER, None)


def forget() -> None:
    """Drop a session that is no longer valid from this browser's cookie (no database write)."""
    rotate_session(session, KEPT_ON_SIGN_IN)
    g.pop(_HOLDER, None)


def trainer_session_lifetime_s() -> float:
    """Return the absolute lifetime of a trainer session, in seconds (config)."""
    return float(current_app.config["TRAINER_SESSION_LIFETIME"].total_seconds())


def holder() -> SessionHolder | None:
    """Return who holds this request's session (read once per request), or None."""
    if _HOLDER in g:
        found: SessionHolder | None = g.get(_HOLDER)
        return found
    token = session.get(SESSION_TOKEN_KEY)
    result = None
    if isinstance(token, str):
        result = check_session(
            database(), token,
            trainer_idle_s=current_app.config["TRAINER_SESSION_IDLE_TIMEOUT"].total_seconds(),
            trainer_absolute_s=trainer_session_lifetime_s(), now=now())
    setattr(g, _HOLDER, result)
    return result
