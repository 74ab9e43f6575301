"""Live sessions in the workshop room (blueprints `presenter` and `live`).

Modules: presenter.py (the facilitator: start, present, the room's screen, results; trainer
login required, the dashboard's rule), room.py (trainees' phones at /live: participants of the
session's workshop only), shared.py (what both show: the session as presented, its distribution,
the state poll). The state machine, distributions and grading are Flask-free in
trainer.services.live; the session and its answers are stored by trainer.store.live, so every
worker serves every phone.
"""

from __future__ import annotations

from flask import Flask

from trainer.web.live import presenter, room

__all__ = ["register_live"]


def register_live(app: Flask) -> None:
    """Mount the presenter's pages and the phones' pages."""
    app.register_blueprint(presenter.bp)
    app.register_blueprint(room.bp)
