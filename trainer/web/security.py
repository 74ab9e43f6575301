"""What every request and response goes through: host, origin, form shape, CSRF, headers.

SECURITY.md 12-14 and 18, for every route at once (a new route, such as a draft save, cannot
forget them):

- **Host**: Flask's TRUSTED_HOSTS (config; TRAINER_TRUSTED_HOSTS in the environment); a request
  for any other host gets 400 before a view runs.
- **Origin**: a POST (any method but GET, HEAD, OPTIONS) whose `Origin` header, or without one
  its `Referer`, names another host gets 400 before the body is read, so nothing changes. A
  request with neither (an old browser, a script) still needs its CSRF token.
- **Form shape**: a body with more fields than MAX_FORM_PARTS is refused (413) before it is
  parsed, urlencoded bodies too (Werkzeug counts only multipart parts); unless configured,
  MAX_FORM_PARTS is the most answer fields any quiz of the content sends plus FORM_PARTS_MARGIN.
  Every form of the app derives from `StrictForm` (trainer.web.forms): a field sent more times
  than it takes values (a radio button twice, one checkbox twice, the CSRF token twice) is a
  400 before the form is read, so nothing is stored.
- **CSRF** on every POST (Flask-WTF).
- **Headers**: the CSP and friends on every response, `Cache-Control: no-store` on pages, and
  Strict-Transport-Security (max-age TRAINER_HSTS_MAX_AGE) when cookies are secure (HTTPS).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, SecurityError
from werkzeug.formparser import FormDataParser
from wtforms import Form
from wtforms.fields import FieldList, SelectMultipleField

from trainer.services.enrolment import largest_quiz_form
from trainer.settings import Config, is_production
from trainer.web import state

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Form fields beyond the largest quiz's answers: the CSRF token and whatever a page adds.
FORM_PARTS_MARGIN = 32
# Never fewer: the dashboard's results import takes up to 50 files and its CSRF token in one
# request (trainer.web.dashboard.importing.MAX_FILES), and says so itself when given more.
MIN_FORM_PARTS = 64

csrf = CSRFProtect()


class ForeignOrigin(BadRequest):
    """A state-changing request sent from a page of another site."""

    description = "This request came from another site."


class RepeatedField(BadRequest):
    """A form field sent more times than it takes values."""

    description = "A form field was sent more than once."


class CountingFormDataParser(FormDataParser):
    """Werkzeug's form parser, refusing a urlencoded body of more than `max_form_parts` fields
    before parsing it (Werkzeug applies the limit to multipart bodies only)."""

    def _parse_urlencoded(self, stream: IO[bytes], mimetype: str, content_length: int | None,
                          options: dict[str, str]) -> Any:
        body = stream.read()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)


class TrainerRequest(Request):
    """Flask's request, with the counting form parser."""

    form_data_parser_class = CountingFormDataParser


def check_form_shape(form: Form, formdata: Any) -> None:
    """Raise RepeatedField when `formdata` repeats a value of any field of `form`.

    A single-valued field (text, radio, select, hidden, the CSRF token) takes one value; a
    multi-valued one (checkboxes) takes each of its values once. Called by `StrictForm` before
    the form reads anything.
    """
    if formdata is None or not hasattr(formdata, "getlist"):
        return
    for field in form:
        values = formdata.getlist(field.name)
        if len(values) < 2:
            continue
        if isinstance(field, FieldList):
            continue
        if isinstance(field, SelectMultipleField):
            if len(set(values)) != len(values):
                raise RepeatedField()
            continue
        raise RepeatedField()


class StrictMeta:
    """WTForms Meta mixin: check the form's shape (`check_form_shape`) as its data is wrapped."""

    def wrap_formdata(self, form: Form, formdata: Any) -> Any:
        """Return the form data as the next Meta does, after checking its shape."""
        wrapped = super().wrap_formdata(form, formdata)  # type: ignore[misc]
        check_form_shape(form, wrapped)
        return wrapped


def _same_host(value: str) -> bool:
    """Return whether an Origin or Referer value names this request's host (any port as sent)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (a sandboxed frame, a data: page), or garbage
    return parts.netloc.lower() == request.host.lower()


def check_state_change() -> None:
    """Check a state-changing request: its origin (`check_origin`), then its CSRF token.

    Flask-WTF's own hook (off: WTF_CSRF_CHECK_DEFAULT) worked out each view's exemption before
    looking at the method, on every GET too; this one returns at once for GET, HEAD, OPTIONS.
    """
    if request.method in SAFE_METHODS:
        return
    check_origin()
    csrf.protect(apply_exemptions=True)
    if g.get("csrf_valid"):  # checked here (not an exempt view): the form has been parsed
        name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if len(request.form.getlist(name)) > 1:
            raise RepeatedField()  # forms that are no StrictForm (the language switcher) too


def check_origin() -> None:
    """Refuse a state-changing request whose Origin (or Referer) names another site (400).

    The scheme is not compared: behind a proxy that does not pass X-Forwarded-Proto the app
    sees http while the browser says https; a page of this very host over plain HTTP is a
    network attacker's, whom HSTS keeps out.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        origin = request.headers.get("Referer")
        if not origin:
            return
    if not _same_host(origin):
        logger.info("refused a %s to %s from origin %r", request.method, request.path, origin)
        raise ForeignOrigin()


def form_parts_limit(app: Flask) -> int | None:
    """Return MAX_FORM_PARTS: as configured, else from the largest quiz of the app's content."""
    configured = app.config.get("MAX_FORM_PARTS")
    if configured is not None or state.CATALOGUE not in app.extensions:
        return int(configured) if configured is not None else None
    return max(largest_quiz_form(state.catalogue(app)) + FORM_PARTS_MARGIN, MIN_FORM_PARTS)


def _header_adder(app: Flask) -> Callable[[Response], Response]:
    """Return the after_request hook adding the security headers a response does not set.

    The names a response has are read once (Werkzeug's `name in headers` raises and catches
    an exception for every absent name: most of the cost of `/ping`).
    """
    headers = dict(HEADERS)
    if app.config.get("SESSION_COOKIE_SECURE"):
        max_age = int(app.config.get("TRAINER_HSTS_MAX_AGE", Config.TRAINER_HSTS_MAX_AGE))
        headers["Strict-Transport-Security"] = f"max-age={max_age}"
    items = tuple((name.lower(), name, value) for name, value in headers.items())

    def add_security_headers(response: Response) -> Response:
        present = response.headers
        names = {name.lower() for name, _value in present}
        missing = [(name, value) for lower, name, value in items if lower not in names]
        if request.endpoint != "static" and "cache-control" not in names:
            # Pages hold a trainee's own progress and answers: never keep them in a shared cache,
            # and have the Back button ask again (a submitted quiz then shows its result).
            missing.append(("Cache-Control", "no-store"))
        # Straight onto the header list: these names and values are constants, checked once
        # (Headers.extend checks each value again, on every response).
        present._list.extend(missing)  # noqa: SLF001
        return response

    return add_security_headers


def untrusted_host(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """Answer a request for a host not in TRUSTED_HOSTS: a plain 400 (no page: no URL can be
    built for a host the site does not know)."""
    return "400 Bad Request: unknown host\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def register_security(app: Flask) -> None:
    """Check hosts, origins and form sizes, protect every POST with CSRF, add the headers."""
    app.request_class = TrainerRequest
    app.config["MAX_FORM_PARTS"] = form_parts_limit(app)
    hosts = app.config.get("TRUSTED_HOSTS")
    if is_production(app.config) and hosts and hosts == Config.TRUSTED_HOSTS:
        logger.warning("TRUSTED_HOSTS is %s: set TRAINER_TRUSTED_HOSTS to the site's host names, "
                       "or every other Host gets 400", ", ".join(hosts))
    app.register_error_handler(SecurityError, untrusted_host)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # check_state_change calls it, for POSTs only
    csrf.init_app(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    # Flask-WTF's hook only reads the setting above and returns, on every request: drop it.
    hooks[:] = [hook for hook in hooks if getattr(hook, "__module__", "") != "flask_wtf.csrf"]
    app.before_request(check_state_change)
    app.after_request(_header_adder(app))
