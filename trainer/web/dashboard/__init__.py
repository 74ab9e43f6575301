"""The trainer dashboard (blueprint `trainer`, url_prefix /trainer): workshops, results, downloads.

Modules: blueprint.py (the blueprint, its login guard and shared helpers), auth.py (Flask-Login,
login throttling, server sessions), views.py (sign-in and pages), downloads.py (CSV and PDF),
importing.py (results files from the offline site), enrolment.py (who may join a workshop),
jobs.py (handbooks and all certificates, made in the background with a working page),
participants.py (one participant: attempts, reviews, rename, merge, remove, resume codes; the
audit log). Work without Flask (results tables, certificate codes, imports) is in trainer.services.
"""

from __future__ import annotations

from flask import Flask

from trainer.web.dashboard import downloads, enrolment, importing, jobs, participants, views
from trainer.web.dashboard.auth import register_auth
from trainer.web.dashboard.blueprint import bp

__all__ = ["register_dashboard"]

_ROUTES = (views, downloads, importing, enrolment, jobs, participants)  # imported for their routes


def register_dashboard(app: Flask) -> None:
    """Set up trainer sign-in and login throttling, and mount the dashboard."""
    register_auth(app)
    app.register_blueprint(bp)
