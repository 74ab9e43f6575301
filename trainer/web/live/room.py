"""Trainees' phones in a live session (blueprint `live`).

Routes (participants of the session's workshop only: no session → the start page, another
workshop's participant → 403):
  GET  /live                 the workshop's running session (or ?code=ROOM from the start page)
  GET  /live/<code>          the current question: answer it, see "answer received", the reveal
  POST /live/<code>          answer (again, until answers close); an answer after the close, or
                             to a question that is no longer current, is refused
  GET  /live/<code>/state    poll: the session's version (ETag; 304 while nothing changed)

Without JavaScript the page reloads itself every few seconds, except while a question is open and
not yet answered (a reload would lose what is being typed).
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.services import live as live_service
from trainer.services.drafts import ANSWER_MAX
from trainer.store.attempts import participant_attempts
from trainer.store.live import (
    LiveSession,
    current_live_session,
    find_live_session,
    join_live_session,
    live_answer_of,
    live_answers,
    live_session_of_version,
    record_live_answer,
)
from trainer.web.errors import PageResult, render_error
from trainer.web.forms import build_quiz_form
from trainer.web.learn.participants import NotSignedIn, Trainee, require_trainee
from trainer.web.live import shared
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("live", __name__, url_prefix="/live")


@bp.errorhandler(NotSignedIn)
def not_signed_in(_error: NotSignedIn) -> WerkzeugResponse:
    """Send a visitor without a trainee session to the start page to join their workshop."""
    flash(_("Join your workshop first, then open the live session again."), "warning")
    return redirect(url_for("learn.home"))


def _room(code: str) -> tuple[Trainee, LiveSession]:
    """Return the trainee and the session, or stop with the 404 or 403 page."""
    trainee = require_trainee()
    live = find_live_session(database(), code)
    if live is None:
        abort(make_response(render_error(
            404, _("No live session has this room code. Check it on the screen."))))
    if live.workshop_id != trainee.participant.workshop_id:
        abort(make_response(render_error(403, _("This live session is for another workshop."))))
    return trainee, live


@bp.get("")
def waiting() -> PageResult:
    """Go to the workshop's running session (or the room code typed), else say there is none."""
    trainee = require_trainee()
    code = " ".join((request.args.get("code") or "").split()).upper()
    if code:
        if find_live_session(database(), code) is None:
            flash(_("No live session has this room code. Check it on the screen."), "warning")
            return redirect(url_for("learn.home"), code=303)
        return redirect(url_for("live.room", code=code), code=303)
    live = current_live_session(database(), trainee.participant.workshop_id)
    if live is not None:
        return redirect(url_for("live.room", code=live.room_code), code=303)
    return render_template("live/none.html", trainee=trainee,
                           refresh_seconds=shared.REFRESH_SECONDS * 4)  # time to type a code


def _test_taken(trainee: Trainee, live: LiveSession) -> bool:
    """Return whether this session is a test the trainee has already taken (one attempt each)."""
    if live.source not in live_service.TEST_KINDS:
        return False
    return any(a.kind == live.source for a in participant_attempts(database(),
                                                                   trainee.participant.id))


def _page(trainee: Trainee, live: LiveSession, form: object = None, status: int = 200
          ) -> PageResult:
    join_live_session(database(), live.id, trainee.participant.id)
    shown = shared.presented(live)
    context: dict[str, object] = {
        "trainee": trainee, "live": live, "shown": shown, "version": live.version,
        "poll_url": url_for("live.state", code=live.room_code,
                            t=shared.poll_token(live.room_code)),
        "poll_seconds": shared.POLL_SECONDS, "refresh_seconds": shared.REFRESH_SECONDS,
        "test_taken": _test_taken(trainee, live), "answer_max": ANSWER_MAX}
    if shown is None or live.phase == "ended":
        context["refresh"] = False
        return render_template("live/phone.html", **context), status
    item = shared.current_item(live, shown)
    mine = live_answer_of(database(), live.id, trainee.participant.id, live.position)
    key = f"{item.module.id}/{item.question.id}"
    values = (live_service.field_values(item, mine.response, live.tokens.get(key, {}))
              if mine is not None else {})
    errors: dict[str, list[str]] = {}
    if form is not None:
        names = item.field_names
        values = {name: form[name].data for name in names}  # type: ignore[index]
        errors = {name: form[name].errors for name in names if form[name].errors}  # type: ignore[index]
    context.update(item=item, mine=mine, values=values, errors=errors,
                   single=type(shown)((item,), shown.pass_mark),
                   total=len(shown.questions),
                   refresh=not (live.phase == "open" and mine is None and not context["test_taken"]))
    if live.phase == "revealed":
        answers, _members = live_answers(database(), live.id)
        here = [a for a in answers if a.answer.position == live.position]
        context.update(key=live_service.answer_key(catalogue(), item.question),
                       explanation=catalogue().html(item.question.explanation),
                       chart=shared.chart(item.question, item.order, here,
                                          chart_id="live-chart", sizes=("phone",)))
    return render_template("live/phone.html", **context), status


@bp.get("/<code>")
def room(code: str) -> PageResult:
    """Show the session's current question to a participant, with their answer if given."""
    trainee, live = _room(code)
    return _page(trainee, live)


@bp.post("/<code>")
def answer(code: str) -> PageResult:
    """Record the participant's answer to the open question (replacing an earlier one)."""
    trainee, live = _room(code)
    back = redirect(url_for("live.room", code=live.room_code), code=303)
    shown = shared.presented(live)
    position = request.form.get("position", "")
    if (shown is None or live.phase != "open" or position != str(live.position)
            or _test_taken(trainee, live)):
        flash(_("Answers to that question are closed: your answer was not recorded."), "warning")
        return back
    item = shared.current_item(live, shown)
    form = build_quiz_form([item.fields], request.form)
    if not form.validate():
        return _page(trainee, live, form, 400)
    graded = live_service.grade_live_answer(item, form.data, live.tokens)
    if not record_live_answer(database(), live.id, trainee.participant.id, live.position, graded):
        flash(_("Answers to that question are closed: your answer was not recorded."), "warning")
    return back


@bp.get("/<code>/state")
def state(code: str) -> Response:
    """Tell the phone's script whether the session changed (ETag; 304 while it has not).

    Authorised by the poll token of the phone's page (shared.poll_token), not the session
    cookie, which the script does not send: the room's most frequent request stays as cheap as
    /ping. Without the token: 403.
    """
    if not shared.poll_token_valid(code, request.args.get("t", "")):
        return Response(status=403)
    found = live_session_of_version(database(), code)
    if found is None:
        return Response(status=404)
    return shared.not_modified_or(str(found[0]), {"v": found[0]})
