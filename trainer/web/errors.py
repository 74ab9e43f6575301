"""Friendly error pages (400, 403, 404, 405, 413, 500, 503) in the site's look, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.store.database import DatabaseUnavailable

logger = logging.getLogger(__name__)

# What a view returns: a page, a page with its status, or a response (a redirect, a download).
PageResult = str | bytes | tuple[str | bytes, int] | WerkzeugResponse

MESSAGES = {
    400: (_l("Something went wrong with that request"),
          _l("The page sent something we could not read. Go back, reload the page and try "
             "again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"),
          _l("There is nothing here. The link may be wrong, or the page belongs to someone "
             "else.")),
    405: (_l("Not allowed"), _l("This page cannot be used like that.")),
    413: (_l("Too much at once"),
          _l("What you sent is larger than this site accepts. Shorten your answers and try "
             "again.")),
    500: (_l("Something broke on our side"),
          _l("The problem has been logged. Try again in a moment; your earlier results are "
             "safe.")),
    503: (_l("The site is busy for a moment"),
          _l("It could not reach its database just now. Wait a few seconds, then go back and "
             "send the page again; your earlier results are safe.")),
}
# A client (or a person) may try again after this many seconds.
RETRY_AFTER_S = 5
CSRF_MESSAGE = _l("This form has expired or was not sent by this site. Reload the page and try "
                  "again.")


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """Render the error page for an HTTP status code."""
    title, default = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template("errors/error.html", code=code, title=title,
                           message=message or default), code


def register_errors(app: Flask) -> None:
    """Install the handlers that turn HTTP errors and crashes into friendly pages."""

    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError) -> tuple[str, int]:
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        if error.code is None or error.code < 400:
            return error
        response = make_response(render_error(error.code))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(DatabaseUnavailable)
    def database_unavailable(error: DatabaseUnavailable) -> Response:
        # The database is restarting or out of reach: a temporary state, not a bug (no 500).
        logger.warning("answered 503: %s", error)
        response = make_response(render_error(503))
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        logger.error("unhandled error: %s", error.original_exception or error)
        return render_error(500)
