"""Security headers on every response and CSRF protection on every POST (SECURITY.md 12-14)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect

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

csrf = CSRFProtect()


def register_security(app: Flask) -> None:
    """Protect every POST with a CSRF token and add the security headers to every response."""
    csrf.init_app(app)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            # Pages hold a trainee's own progress and answers: never keep them in a shared cache,
            # and have the Back button ask again (a submitted quiz then shows its result).
            response.headers.setdefault("Cache-Control", "no-store")
        return response
