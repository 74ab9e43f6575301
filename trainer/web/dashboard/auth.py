"""Trainer sign-in for the dashboard: Flask-Login, server sessions, login limits, safe `next=`.

Trainers and trainees share Flask's signed session cookie but never a key in it: a trainee is
`session["participant"]` (trainer.web.learn.participants), a trainer is Flask-Login's `_user_id`,
`_fresh` and `_id`, beside the server session's token (trainer.web.sessions). Logging in clears
the whole session first (SECURITY.md 12), so nothing set before the login, by anyone, survives
it, except the interface language chosen with the switcher, which is put back explicitly. No
"remember me" cookie: a trainer session ends with the browser session, at logout (for every copy
of the cookie: the server session is revoked), after TRAINER_SESSION_IDLE_TIMEOUT without a
request, TRAINER_SESSION_LIFETIME after logging in, at "log out everywhere" and when the
trainer's password is changed.

Login attempts are limited per client address and per username (SECURITY.md 15) by the app's
one limiter (trainer.web.limits).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, login_user, logout_user
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from trainer.store.accounts import MAX_PASSWORD_LENGTH, USERNAME_LENGTH, Trainer, get_trainer
from trainer.store.web_sessions import Audience, purge_sessions, revoke_trainer_sessions
from trainer.web import sessions
from trainer.web.forms import StrictForm, at_most
from trainer.web.limits import limiter
from trainer.web.state import database, now

F = TypeVar("F", bound=Callable[..., Any])

LOGIN_LIMIT_PER_ADDRESS = "10 per minute;60 per hour"
LOGIN_LIMIT_PER_USERNAME = "5 per minute;30 per hour"

login_manager = LoginManager()


@dataclass(frozen=True)
class TrainerUser(UserMixin):  # type: ignore[misc]
    """The signed-in trainer, as Flask-Login sees them."""

    trainer_id: int
    username: str

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session."""
        return str(self.trainer_id)


class LoginForm(StrictForm):
    """A trainer's username and password, and where to go afterwards."""

    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Enter your username.")),
                                    at_most(USERNAME_LENGTH)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false",
                   "maxlength": USERNAME_LENGTH},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                    at_most(MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _load_user(user_id: str) -> TrainerUser | None:
    """Return the trainer whose running server session this request carries, else None."""
    if not user_id.isdigit():
        return None
    held = sessions.holder()
    if held is None or held.trainer_id != int(user_id):
        return None  # logged out, ended everywhere, idle or too old: anonymous
    trainer = get_trainer(database(), int(user_id))
    return TrainerUser(trainer.id, trainer.username) if trainer else None


def _username_key() -> str:
    """Rate-limit key for the username being tried (so one account is not guessed slowly)."""
    name = str(request.form.get("username", ""))[:USERNAME_LENGTH].strip().casefold()
    return f"username:{name}"


def login_limit_per_address() -> str:
    """Return the login limit per client address (config TRAINER_LOGIN_LIMIT_PER_ADDRESS)."""
    return str(current_app.config.get("TRAINER_LOGIN_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS))


def login_limit_per_username() -> str:
    """Return the login limit per username (config TRAINER_LOGIN_LIMIT_PER_USERNAME)."""
    return str(current_app.config.get("TRAINER_LOGIN_LIMIT_PER_USERNAME",
                                      LOGIN_LIMIT_PER_USERNAME))


def limit_login(view: F) -> F:
    """Decorate the login view with both limits (POST only: showing the form is free)."""
    by_username = limiter.limit(login_limit_per_username, key_func=_username_key,
                                methods=["POST"], scope="trainer-login-username")
    by_address = limiter.limit(login_limit_per_address, methods=["POST"],
                               scope="trainer-login-address")
    return cast(F, by_address(by_username(view)))


def register_auth(app: Flask) -> None:
    """Set up Flask-Login (trainer sessions); the login limits are trainer.web.limits'."""
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "trainer.login"
    login_manager.login_message = _l("Log in as a trainer to see this page.")
    login_manager.login_message_category = "info"
    # "basic": a session seen from another browser is marked not fresh; "strong" would clear the
    # whole session, a trainee's progress on a shared device with it.
    login_manager.session_protection = "basic"
    # No "remember me" cookie is ever set (login_user is never asked to): Flask-Login's hook that
    # refreshes one would only read the session on every response (and add Vary: Cookie to /ping).
    after = app.after_request_funcs.get(None, [])
    after[:] = [hook for hook in after if getattr(hook, "__self__", None) is not login_manager]


def sign_in_trainer(trainer: Trainer) -> None:
    """Start a fresh session for a trainer: everything in the old session is dropped, but the
    interface language; a server session is recorded (TRAINER_SESSION_LIFETIME, idle limit)."""
    purge_sessions(database(), now=now())  # sessions ended over a week ago (a trainer logs in rarely)
    sessions.begin(Audience.TRAINER, lifetime_s=sessions.trainer_session_lifetime_s(),
                   trainer_id=trainer.id)
    login_user(TrainerUser(trainer.id, trainer.username))
    session.permanent = False


def sign_out_trainer() -> None:
    """End the trainer's session on the server (every copy of its cookie); the language stays."""
    logout_user()
    sessions.end()


def sign_out_everywhere(trainer_id: int) -> int:
    """End every session of this trainer, in every browser, this one too; return how many."""
    ended = revoke_trainer_sessions(database(), trainer_id, now=now())
    logout_user()
    sessions.forget()
    return ended


def safe_next(target: str | None) -> str:
    """Return `target` when it is a path on this site, else the dashboard (SECURITY.md 16).

    Refused: absolute URLs (`https://evil`), scheme-relative ones (`//evil`), backslash tricks that
    browsers read as `//` (`/\\evil`), anything with a scheme, host or control character.
    """
    fallback = url_for("trainer.index")
    if not target or not target.startswith("/") or len(target) > 2000:
        return fallback
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return fallback
    if target.startswith("//"):
        return fallback
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
