"""The facilitator's side of a live session (blueprint `presenter`, url_prefix /trainer/live).

Routes (trainer login required, as on the whole dashboard; GET shows, POST changes):
  GET  /trainer/live/workshops/<id>          the workshop's live sessions, and "start one"
  POST /trainer/live/workshops/<id>          start a session → its presenter view
  GET  /trainer/live/<code>                  presenter view: question, count, buttons
  POST /trainer/live/<code>/<action>         open, close, reveal, next, previous, end
  GET  /trainer/live/<code>/screen           the room's screen (projector, 16:9)
  GET  /trainer/live/<code>/state            poll: version and counts (ETag, 304)
  GET  /trainer/live/<code>/results          questions, distributions, participation, scores
  GET  /trainer/live/<code>/results.csv      one row per answer (formula-safe)
  GET  /trainer/live/workshops/<id>/answers.csv   every session's answers

Every button posts the version of the session it was shown with: a second window or a double
click on "Next" that comes after another change is refused, not applied twice.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.export.csv_export import Cell, write_csv
from trainer.export.report import number_formats
from trainer.services import live as live_service
from trainer.services.results import plain_text
from trainer.store.live import (
    LiveSession,
    change_state,
    create_live_session,
    live_answers,
    live_counts,
    workshop_live_sessions,
)
from trainer.store.results import workshop_participants
from trainer.web.dashboard.blueprint import find_workshop
from trainer.web.errors import PageResult, render_error
from trainer.web.forms import ActionForm, StrictForm
from trainer.web.i18n import interface_language
from trainer.web.live import shared
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("presenter", __name__, url_prefix="/trainer/live")

ACTION_MESSAGES = {
    "open": _l("Answers are open."),
    "close": _l("Answers are closed."),
    "reveal": _l("The right answer is shown."),
    "next": _l("Next question."),
    "previous": _l("Previous question."),
    "end": _l("The session has ended."),
}


@bp.before_request
def require_trainer() -> WerkzeugResponse | None:
    """Send anyone who is not a signed-in trainer to the login form (the dashboard's rule)."""
    if current_user.is_authenticated:
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("trainer.login", next=target) if target else url_for("trainer.login"))


@bp.context_processor
def presenter_globals() -> dict[str, object]:
    """Give the presenter's pages the dashboard's logout form."""
    return {"logout_form": ActionForm(formdata=None)}


class _Checkboxes(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartForm(StrictForm):
    """Start a live session: what to ask, and whether it is graded."""

    source = SelectField(_l("Questions"), choices=[], validate_choice=False)
    picks = _Checkboxes(_l("Questions to ask (for “hand-picked questions”)"), choices=[],
                        validate_choice=False)
    mode = RadioField(_l("Mode"), default="poll", choices=[
        SelectChoice("poll", _l("Poll: answers are not graded; the right answer only when you "
                                "reveal it")),
        SelectChoice("quiz", _l("Quiz: graded, a score per participant"))])


def _start_form(workshop_id: str, formdata: object = None) -> StartForm:
    curriculum, workshop = find_workshop(workshop_id)
    form = StartForm(formdata=formdata) if formdata is not None else StartForm()
    modules = catalogue().curriculum_modules(curriculum, workshop)
    form.source.choices = (
        [SelectChoice(f"module:{m.id}", _("Quiz of “%(title)s”", title=m.title)) for m in modules]
        + [SelectChoice("pre", _("Pre-test: %(title)s", title=curriculum.pre_test.title)),
           SelectChoice("post", _("Post-test: %(title)s", title=curriculum.post_test.title)),
           SelectChoice("pick", _("Hand-picked questions (tick them below)"))])
    form.picks.choices = [
        SelectChoice(f"{m.id}/{q.id}", f"{m.title} — {plain_text(catalogue(), q.prompt, 90)}")
        for m in modules for q in m.quiz.questions]
    return form


@bp.get("/workshops/<workshop_id>")
def sessions(workshop_id: str) -> PageResult:
    """List a workshop's live sessions, with the form that starts one."""
    curriculum, workshop = find_workshop(workshop_id)
    return render_template("live/sessions.html", curriculum=curriculum, workshop=workshop,
                           sessions=workshop_live_sessions(database(), workshop.id),
                           form=_start_form(workshop_id))


@bp.post("/workshops/<workshop_id>")
def start(workshop_id: str) -> PageResult:
    """Start a live session of the workshop and open its presenter view."""
    curriculum, workshop = find_workshop(workshop_id)
    form = _start_form(workshop_id, request.form)
    source = form.source.data or ""
    module_id = source.partition(":")[2] if source.startswith("module:") else None
    plan = None
    if form.validate() and form.mode.data in ("poll", "quiz"):
        try:
            plan = live_service.plan_live(catalogue(), curriculum, workshop,
                                          "module" if module_id else source, module_id,
                                          form.picks.data or [])
        except ValueError:
            if source == "pick":
                form.picks.errors = [_("Tick at least one question of this workshop.")]
            else:
                form.source.errors = [_("Choose what to ask from the list.")]
    if plan is None:
        return render_template("live/sessions.html", curriculum=curriculum, workshop=workshop,
                               sessions=workshop_live_sessions(database(), workshop.id),
                               form=form), 400
    live = create_live_session(
        database(), workshop_id=workshop.id, curriculum_id=curriculum.id,
        source="module" if module_id else source, module_id=module_id, mode=form.mode.data,
        questions=plan.questions, tokens=plan.tokens, seed=plan.seed, pass_mark=plan.pass_mark)
    logger.info("live session %s started for %s by %s", live.room_code, workshop.id,
                current_user.username)
    return redirect(url_for("presenter.present", code=live.room_code), code=303)


def _session_title(live: LiveSession) -> str:
    """Return what a session asks: a module's title, a test's, or "Hand-picked questions"."""
    curriculum, _workshop = find_workshop(live.workshop_id)
    if live.source == "pre":
        return curriculum.pre_test.title
    if live.source == "post":
        return curriculum.post_test.title
    if live.module_id and live.module_id in catalogue().modules:
        return catalogue().modules[live.module_id].title
    return str(_("Hand-picked questions"))


def _room_url(live: LiveSession) -> str:
    base = current_app.config.get("TRAINER_PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("live.room", code=live.room_code)


def _loopback_host(url: str) -> str | None:
    """Return the host of `url` when it names this computer only (phones cannot reach it)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def _view_context(live: LiveSession, *, sizes: tuple[str, ...]) -> dict[str, object]:
    """Return what the presenter and the screen show of the current question."""
    shown = shared.presented(live)
    counts = live_counts(database(), live.room_code) or (live.version, 0, 0)
    room_url = _room_url(live)
    context: dict[str, object] = {
        "live": live, "title": _session_title(live), "shown": shown, "count": counts[1],
        "members": counts[2], "count_text": shared.count_text(counts[1], counts[2]),
        "room_url": room_url, "loopback_host": _loopback_host(room_url),
        "poll_url": url_for("presenter.state", code=live.room_code),
        "poll_seconds": shared.POLL_SECONDS, "refresh_seconds": shared.REFRESH_SECONDS,
        "version": live.version}
    if shown is not None:
        item = shared.current_item(live, shown)
        answers, _members = live_answers(database(), live.id)
        here = [a for a in answers if a.answer.position == live.position]
        context.update(
            item=item, key=live_service.answer_key(catalogue(), item.question),
            chart=shared.chart(item.question, item.order, here,
                               chart_id="live-chart", sizes=sizes))
    return context


@bp.get("/<code>")
def present(code: str) -> PageResult:
    """Show the presenter view: the current question, answers received, the buttons."""
    live = shared.find_or_404(code)
    return render_template("live/presenter.html", action_form=ActionForm(),
                           screen_url=url_for("presenter.screen", code=live.room_code),
                           **_view_context(live, sizes=("page", "phone")))


@bp.post("/<code>/<action>")
def act(code: str, action: str) -> WerkzeugResponse | tuple[str, int]:
    """Apply a button (open, close, reveal, next, previous, end) to the session's state."""
    live = shared.find_or_404(code)
    if action not in live_service.ACTIONS:
        return render_error(404)
    back = redirect(url_for("presenter.present", code=live.room_code), code=303)
    seen = request.form.get("version", "")
    if not seen.isdigit() or int(seen) != live.version:
        flash(_("The session changed in another window; here is where it is now."), "warning")
        return back
    try:
        phase, position = live_service.apply_action(action, live.phase, live.position,
                                                    len(live.questions))
    except live_service.InvalidAction:
        flash(_("That button does not apply now."), "warning")
        return back
    if not change_state(database(), live.id, live.version, phase=phase, position=position):
        flash(_("The session changed in another window; here is where it is now."), "warning")
        return back
    if phase == "ended" and live.source in live_service.TEST_KINDS:
        answers, _members = live_answers(database(), live.id)
        ids = {p.public_id: p.id for p in workshop_participants(database(), live.workshop_id)}
        recorded = live_service.record_test_attempts(database(), catalogue(), live, answers, ids)
        logger.info("live session %s recorded %d test attempts", live.room_code, recorded)
    flash(str(ACTION_MESSAGES[action]), "info")
    return back


@bp.get("/<code>/screen")
def screen(code: str) -> PageResult:
    """Show the room's screen: the question big, the join URL and QR code, the count, the chart."""
    live = shared.find_or_404(code)
    context = _view_context(live, sizes=("screen",))
    qr = shared.qr_svg(str(context["room_url"]), _("QR code of the address to answer on a phone"))
    return render_template("live/screen.html", qr=qr, **context)


@bp.get("/<code>/state")
def state(code: str) -> Response:
    """Tell the presenter's and the screen's script whether anything changed (ETag, else 304)."""
    counts = live_counts(database(), code.upper())
    if counts is None:
        return Response(status=404)
    version, count, members = counts
    return shared.not_modified_or(f"{version}-{count}-{members}", {
        "v": version, "count": count, "members": members,
        "text": shared.count_text(count, members)})


# -- results --------------------------------------------------------------------------------------


def _results(live: LiveSession) -> dict[str, object]:
    shown = shared.presented(live)
    answers, members = live_answers(database(), live.id)
    questions = []
    stats = live_service.live_item_statistics(answers) if live.mode == "quiz" else {}
    for position, item in enumerate(shown.questions if shown else ()):
        here = [a for a in answers if a.answer.position == position]
        questions.append({
            "item": item, "answers": here,
            "chart": shared.chart(item.question, item.order, here,
                                  chart_id=f"chart-{position + 1}"),
            "stats": stats.get(item.planned.question_hash)})
    participants = sorted({a.participant_public_id: a.participant_name for a in answers}.items(),
                          key=lambda pair: pair[1])
    max_points = sum(item.question.points for item in shown.questions) if shown else 0.0
    formats = number_formats(interface_language())
    return {"live": live, "title": _session_title(live), "questions": questions,
            "members": members, "participants": participants, "shown": shown,
            "scores": live_service.live_scores(answers, max_points) if live.mode == "quiz" else [],
            "fmt_percent": formats["percent"], "fmt_stat": formats["stat"]}


@bp.get("/<code>/results")
def results(code: str) -> PageResult:
    """Show a session's results: each question's distribution, who took part, quiz scores."""
    live = shared.find_or_404(code)
    return render_template("live/results.html", **_results(live))


CSV_HEADER = ["room_code", "mode", "source", "question_number", "module", "question",
              "participant_id", "participant", "answer", "points", "max_points", "status",
              "answered_at_utc"]


def _csv_rows(live: LiveSession) -> list[list[Cell]]:
    """Return a session's answers as CSV rows (CSV_HEADER)."""
    answers, _members = live_answers(database(), live.id)
    return [[live.room_code, live.mode, live.source, a.answer.position + 1, a.answer.module_id,
             a.answer.question_id, a.participant_public_id, a.participant_name,
             live_service.response_text(a.answer.response), a.answer.earned,
             a.answer.max_points, a.answer.status,
             a.answer.answered_at.strftime("%Y-%m-%d %H:%M:%S")] for a in answers]


def _csv(rows: list[list[Cell]], filename: str) -> Response:
    response = Response(write_csv(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<code>/results.csv")
def results_csv(code: str) -> Response:
    """Download one row per answer of a session: question, participant, answer as ids, points."""
    live = shared.find_or_404(code)
    return _csv(_csv_rows(live), f"{live.workshop_id}-live-{live.room_code}.csv")


@bp.get("/workshops/<workshop_id>/answers.csv")
def workshop_csv(workshop_id: str) -> Response:
    """Download every live answer of a workshop, oldest session first (formula-safe CSV)."""
    _curriculum, workshop = find_workshop(workshop_id)
    rows = [row for live in reversed(workshop_live_sessions(database(), workshop.id))
            for row in _csv_rows(live)]
    return _csv(rows, f"{workshop.id}-live-answers.csv")
