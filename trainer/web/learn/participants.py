"""The trainee in the current request: who they are (from the session) and where.

Trainees have no password: joining creates a participant record and signs them in with
`sign_in`, the one entry point for a trainee session (joining, and any other way of signing a
participant in): it records a server-side session (trainer.web.sessions) lasting until the
workshop's end date plus TRAINER_TRAINEE_SESSION_GRACE, and puts the participant's random public
id beside the session token in Flask's signed cookie. A trainee is signed in only while both
agree and the server session runs: leaving (`sign_out`) ends it for every copy of the cookie.
Views that need a trainee call `require_trainee()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g, redirect, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.content.models import Curriculum, Workshop
from trainer.services.enrolment import trainee_session_end
from trainer.store.attempts import get_participant
from trainer.store.models import Participant
from trainer.store.web_sessions import Audience
from trainer.web import sessions
from trainer.web.state import catalogue, database, now

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
    """Start a fresh trainee session for `participant` (keeping the interface language chosen).

    The one way a trainee is signed in: the session runs until the workshop's end date plus the
    grace (config TRAINER_TRAINEE_SESSION_GRACE), and never less than the grace from now.
    """
    moment = now()
    grace = current_app.config["TRAINER_TRAINEE_SESSION_GRACE"].total_seconds()
    try:
        _curriculum, workshop = catalogue().workshop(participant.workshop_id)
    except KeyError:
        ends = moment + grace
    else:
        ends = trainee_session_end(workshop, grace, moment)
    sessions.begin(Audience.TRAINEE, lifetime_s=ends - moment, participant_id=participant.id)
    session[SESSION_KEY] = participant.public_id
    session.permanent = True


def sign_out() -> None:
    """End the trainee session on the server (every copy of the cookie); the language stays."""
    sessions.end()


def current_trainee() -> Trainee | None:
    """Return the trainee of this request, if the session names one whose workshop exists."""
    if "trainee" in g:
        found: Trainee | None = g.trainee
        return found
    trainee = None
    public_id = session.get(SESSION_KEY)
    if isinstance(public_id, str):
        held = sessions.holder()
        participant = None
        if held is not None and held.participant_id is not None:
            participant = get_participant(database(), public_id)
        if participant is not None and held is not None and participant.id == held.participant_id:
            try:
                curriculum, workshop = catalogue().workshop(participant.workshop_id)
            except KeyError:
                # The workshop was removed from the YAML: the old session no longer leads anywhere.
                sign_out()
            else:
                trainee = Trainee(participant, curriculum, workshop)
        else:
            sessions.forget()  # ended (left, expired) or never valid: anonymous from now on
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
