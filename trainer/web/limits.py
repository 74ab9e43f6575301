"""Rate limits where they are needed: trainer login and joining a workshop, nowhere else.

One Flask-Limiter for the app, in the storage named by RATELIMIT_STORAGE_URI (default: this
process's memory; use Redis or Memcached when several workers or hosts serve the site, so a limit
holds across them). Flask-Limiter checks every request in a `before_request` hook, adds headers
in an `after_request` one and resets its state in a teardown, though no page but the limited
ones has a limit: all three hooks are taken out again, and a limited view is checked by its own
decorator (`limiter.limit(...)` on the view function), which is all that ever applied a limit
here. So `/ping`, quiz pages and submissions pay nothing for it. Behind a reverse proxy, set up
werkzeug's ProxyFix so the client address is the real one.
"""

from __future__ import annotations

import functools

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

__all__ = ["limiter", "register_limits"]

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def register_limits(app: Flask) -> None:
    """Set up the limiter for `app` without its per-request hooks (see the module docstring)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if getattr(hook, "__self__", None) is not limiter]
    after = app.after_request_funcs.get(None, [])
    after[:] = [hook for hook in after
                if not (isinstance(hook, functools.partial) and limiter in hook.args)]
    # Its teardown resets its per-request state, which lives on the request context anyway.
    teardown = app.teardown_request_funcs.get(None, [])
    teardown[:] = [hook for hook in teardown if getattr(hook, "__self__", None) is not limiter]
