"""Trainer sign-in for the dashboard: Flask-Login, Flask-Limiter on the login form, safe `next=`.

Trainers and trainees share Flask's signed session cookie but never a key in it: a trainee is
`session["participant"]` (trainer.web.learn.participants), a trainer is Flask-Login's `_user_id`,
`_fresh` and `_id`. Logging in clears the whole session first (SECURITY.md 12), so nothing set
before the login, by anyone, survives it, except the interface language chosen with the switcher,
which is put back explicitly. No "remember me" cookie: a trainer session ends with the
browser session or after PERMANENT_SESSION_LIFETIME.

Login attempts are limited per client address and per username (SECURITY.md 15), in the storage
named by RATELIMIT_STORAGE_URI (default: this process's memory; use Redis or Memcached when
several workers serve the site, so the limit holds across them). Behind a reverse proxy, set up
werkzeug's ProxyFix so the client address is the real one.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from trainer.store.accounts import MAX_PASSWORD_LENGTH, USERNAME_LENGTH, Trainer, get_trainer
from trainer.web.sessions import KEPT_ON_SIGN_IN, rotate_session
from trainer.web.state import database

F = TypeVar("F", bound=Callable[..., Any])

LOGIN_LIMIT_PER_ADDRESS = "10 per minute;60 per hour"
LOGIN_LIMIT_PER_USERNAME = "5 per minute;30 per hour"

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


@dataclass(frozen=True)
class TrainerUser(UserMixin):  # type: ignore[misc]
    """The signed-in trainer, as Flask-Login sees them."""

    trainer_id: int
    username: str

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the session."""
        return str(self.trainer_id)


class LoginForm(FlaskForm):  # type: ignore[misc]
    """A trainer's username and password, and where to go afterwards."""

    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Enter your username.")),
                                    Length(max=USERNAME_LENGTH)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false",
                   "maxlength": USERNAME_LENGTH},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                    Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _load_user(user_id: str) -> TrainerUser | None:
    if not user_id.isdigit():
        return None
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
    """Set up Flask-Login (trainer sessions) and Flask-Limiter (login throttling)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "trainer.login"
    login_manager.login_message = _l("Log in as a trainer to see this page.")
    login_manager.login_message_category = "info"
    # "basic": a session seen from another browser is marked not fresh; "strong" would clear the
    # whole session, a trainee's progress on a shared device with it.
    login_manager.session_protection = "basic"
    limiter.init_app(app)


def sign_in_trainer(trainer: Trainer) -> None:
    """Start a fresh session for a trainer: everything in the old session is dropped, but the
    interface language."""
    rotate_session(session, KEPT_ON_SIGN_IN)
    login_user(TrainerUser(trainer.id, trainer.username))
    session.permanent = False


def sign_out_trainer() -> None:
    """End the trainer's session (the interface language stays)."""
    logout_user()
    rotate_session(session, KEPT_ON_SIGN_IN)


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
