"""The trainer dashboard (blueprint `trainer`, url_prefix /trainer): workshops, results, downloads.

Modules: blueprint.py (the blueprint, its login guard and shared helpers), auth.py (Flask-Login,
login throttling, server sessions), views.py (sign-in and pages), downloads.py (CSV and PDF),
importing.py (results files from the offline site), enrolment.py (who may join a workshop). Work
without Flask (results tables, certificate codes, imports) is in trainer.services.
"""

from __future__ import annotations

from flask import Flask

from trainer.web.dashboard import downloads, enrolment, importing, views
from trainer.web.dashboard.auth import register_auth
from trainer.web.dashboard.blueprint import bp

__all__ = ["register_dashboard"]

_ROUTES = (views, downloads, importing, enrolment)  # imported for their routes on `bp`


def register_dashboard(app: Flask) -> None:
    """Set up trainer sign-in and login throttling, and mount the dashboard."""
    register_auth(app)
    app.register_blueprint(bp)
