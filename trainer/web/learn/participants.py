"""The trainee in the current request: who they are (from the signed session cookie) and where.

Trainees have no password: joining creates a participant record and puts its random public id in
Flask's signed session cookie. Views that need a trainee call `require_trainee()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, redirect, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.content.models import Curriculum, Workshop
from trainer.store.attempts import get_participant
from trainer.store.models import Participant
from trainer.web.sessions import KEPT_ON_SIGN_IN, rotate_session
from trainer.web.state import catalogue, database

SESSION_KEY = "participant"


@dataclass(frozen=True)
class Trainee:
    """The signed-in participant, with their workshop and its curriculum."""

    participant: Participant
    curriculum: Curriculum
    workshop: Workshop


class NotSignedIn(Exception):  # noqa: N818 - control flow, not an error
    """Raised by require_trainee when there is no trainee; the blueprint redirects home."""


def sign_in(participant: Participant) -> None:
    """Start a fresh trainee session for `participant` (keeping the interface language chosen)."""
    rotate_session(session, KEPT_ON_SIGN_IN)
    session[SESSION_KEY] = participant.public_id
    session.permanent = True


def sign_out() -> None:
    """End the trainee session (the interface language stays)."""
    rotate_session(session, KEPT_ON_SIGN_IN)


def current_trainee() -> Trainee | None:
    """Return the trainee of this request, if the session names one whose workshop exists."""
    if "trainee" in g:
        found: Trainee | None = g.trainee
        return found
    trainee = None
    public_id = session.get(SESSION_KEY)
    if isinstance(public_id, str):
        participant = get_participant(database(), public_id)
        if participant is not None:
            try:
                curriculum, workshop = catalogue().workshop(participant.workshop_id)
            except KeyError:
                # The workshop was removed from the YAML: the old session no longer leads anywhere.
                sign_out()
            else:
                trainee = Trainee(participant, curriculum, workshop)
        else:
            sign_out()
    g.trainee = trainee
    return trainee


def require_trainee() -> Trainee:
    """Return the trainee of this request, or raise NotSignedIn."""
    trainee = current_trainee()
    if trainee is None:
        raise NotSignedIn
    return trainee


def redirect_home() -> WerkzeugResponse:
    """Send someone without a session to the start page."""
    return redirect(url_for("learn.home"))


def not_found() -> None:
    """Answer 404 (used for other people's attempts as well as missing ones)."""
    abort(404)
