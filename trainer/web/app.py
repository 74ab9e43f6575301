"""The app factory: `create_app(config=None)` built from small `register_*` steps.

There is no module-level app. The catalogue is loaded once, here; the database engine is created
here too, so create the app after a fork (gunicorn without preload), never before.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _

from trainer.content.catalogue import load_catalogue
from trainer.quiz.scoring import round_percent
from trainer.settings import instance_path
from trainer.store.database import Database, database_url_for
from trainer.web import caches, errors, i18n, limits, security, sessions, state
from trainer.web.config import load_config
from trainer.web.dashboard import register_dashboard
from trainer.web.learn import resume as _resume_routes  # noqa: F401 - its routes on learn.bp
from trainer.web.learn import views as learn
from trainer.web.live import register_live

logger = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the web app; `config` overrides every other setting (tests pass their own).

    `INSTANCE_PATH` in `config` (or the TRAINER_INSTANCE_PATH environment variable) moves the
    instance folder, which holds the SQLite database, the secret key and an optional config.py.
    Raises ContentError when the content does not load, ConfigError when a setting is missing.
    """
    app = Flask("trainer.web", instance_path=str(instance_path(config)),
                instance_relative_config=True)
    register_config(app, config)
    caches.register_caches(app)
    state.register_clock(app)
    sessions.register_sessions(app)
    i18n.register_i18n(app)
    register_catalogue(app)
    security.register_security(app)
    limits.register_limits(app)
    register_store(app)
    register_templates(app)
    register_ping(app)
    register_blueprints(app)
    errors.register_errors(app)
    return app


def register_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Load the configuration (defaults → instance config.py → environment → overrides)."""
    load_config(app, overrides)
    # Jinja: strip the whitespace block tags leave behind (smaller pages).
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_catalogue(app: Flask) -> None:
    """Load and validate the content once; every request reads this immutable catalogue."""
    root = Path(app.config["TRAINER_CONTENT_ROOT"])
    catalogue = load_catalogue(root)
    app.extensions[state.CATALOGUE] = catalogue
    logger.info("content loaded from %s: %s", root, catalogue.summary())


def register_store(app: Flask) -> None:
    """Create the database engine (a pool kept open for this process)."""
    url = app.config.get("DATABASE_URL") or database_url_for(app.instance_path)
    app.config["DATABASE_URL"] = url
    app.extensions[state.DATABASE] = Database(url)


def register_templates(app: Flask) -> None:
    """Give every template the catalogue and locale-aware number and date formatting."""
    app.jinja_env.filters["number"] = format_decimal
    # A percentage as the result page shows it: the one rounding rule (half up, one decimal;
    # trainer.quiz.scoring.round_percent), in the interface's number format ("37.5", "40").
    app.jinja_env.filters["percent"] = _percent
    # The same with its sign, as the interface's language writes it ("40%", "40 %" in French).
    app.jinja_env.filters["percent_sign"] = lambda value: _("%(percent)s%%",
                                                            percent=_percent(value))

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {"catalogue": state.catalogue(app), "format_datetime": format_datetime}


def _percent(value: float) -> str:
    return str(format_decimal(round_percent(value)))


def register_ping(app: Flask) -> None:
    """Answer `GET /ping` with "ok" (no database): liveness for load balancers and benchmarks.

    `GET /healthz` also asks the database: 200 "ok", or 503 when this worker cannot reach it, so a
    load balancer stops sending trainees to a host that would only answer "try again".
    """
    plain = {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/ping")
    def ping() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, plain

    @app.get("/healthz")
    def healthz() -> tuple[str, int, dict[str, str]]:
        if state.database(app).ping():
            return "ok", 200, plain
        return "database unavailable", 503, plain


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    app.register_blueprint(learn.bp)
    register_dashboard(app)  # with Flask-Login
    register_live(app)  # the facilitator's live sessions and the phones' /live
