"""The `learn` blueprint's routes: a trainee joins, sees the programme, reads, takes quizzes.

Routes (GET shows, POST changes; every POST carries a CSRF token):
  GET  /                          start page: join a workshop (or continue)
  POST /join                      create a participant and a session
  POST /leave                     end the session
  GET  /programme                 the curriculum with the trainee's progress
  GET  /modules/<id>              read a module
  POST /modules/<id>/start        start (or resume) the module's quiz → /attempts/<id>
  POST /tests/<pre|post>/start    start (or resume) the pre-test or post-test
  GET  /attempts/<id>             the quiz form, or the result once submitted
  POST /attempts/<id>             submit (single-shot) → 303 to the result
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from trainer.content.models import Curriculum, Module, Workshop
from trainer.locales import format_dates
from trainer.services import attempts as quiz
from trainer.services.progress import module_progress, post_test_open, test_progress
from trainer.services.review import review
from trainer.store.attempts import (
    attempt_state,
    create_participant,
    discard_open_attempt,
    find_attempt,
    participant_attempts,
    start_attempt,
    submit_attempt,
)
from trainer.store.models import Attempt, AttemptKind
from trainer.web.errors import CSRF_MESSAGE, PageResult, render_error
from trainer.web.forms import ActionForm, JoinForm
from trainer.web.i18n import LANGUAGE_KEY, interface_language
from trainer.web.learn.pages import cached_quiz_page, present, quiz_form_or_none, render_quiz
from trainer.web.learn.participants import (
    NotSignedIn,
    Trainee,
    current_trainee,
    redirect_home,
    require_trainee,
    sign_in,
    sign_out,
)
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("learn", __name__)


TESTS = {"pre": AttemptKind.PRE, "post": AttemptKind.POST}


@bp.errorhandler(NotSignedIn)
def not_signed_in(_error: NotSignedIn) -> WerkzeugResponse:
    """Send a visitor without a trainee session to the start page."""
    flash(_("Join your workshop to continue."), "warning")
    return redirect_home()


@bp.errorhandler(CSRFError)
def csrf_expired(error: CSRFError) -> PageResult:
    """Re-show a quiz with the answers kept when its CSRF token expired; else a 400 page."""
    if request.endpoint == "learn.submit" and request.view_args:
        trainee = current_trainee()
        attempt = trainee and find_attempt(database(), trainee.participant.id,
                                           str(request.view_args.get("public_id", "")))
        if trainee and attempt and not attempt.submitted:
            built = quiz_form_or_none(attempt, request.form)
            if built is not None:
                logger.info("expired CSRF token on a quiz submission; answers re-shown")
                return render_quiz(trainee, attempt, *built, expired=True), 400
    del error
    return render_error(400, str(CSRF_MESSAGE))


# -- joining ------------------------------------------------------------------------------------


def workshop_label(workshop: Workshop) -> str:
    """Return how a workshop is listed on the start page: title, place and dates."""
    _curriculum, workshop = catalogue().workshop_in(workshop.id, interface_language())
    place = workshop.city or workshop.country or workshop.region
    return f"{workshop.title} — {place}, {format_dates(workshop.start, workshop.end, interface_language())}"


def _join_form(formdata: object = None) -> JoinForm:
    form = JoinForm(formdata=formdata) if formdata is not None else JoinForm()
    choices = [SelectChoice("", _("Choose your workshop…"))]
    for _curriculum, workshop in catalogue().workshops():
        choices.append(SelectChoice(workshop.id, workshop_label(workshop)))
    form.workshop.choices = choices
    if len(choices) == 2 and not form.workshop.data:
        form.workshop.data = choices[1].value
    return form


@bp.get("/")
def home() -> PageResult:
    """Show the start page: join a workshop, or continue as the trainee already signed in."""
    return render_template("learn/home.html", form=_join_form(), trainee=current_trainee(),
                           leave_form=ActionForm())


@bp.post("/join")
def join() -> PageResult:
    """Create a participant in the chosen workshop and start their session."""
    form = _join_form(request.form)
    found: tuple[Curriculum, Workshop] | None = None
    if form.validate():
        if form.code.data:
            found = catalogue().workshop_by_code(form.code.data)
            if found is None:
                form.code.errors = [_("No workshop has this code. Check it with your trainer.")]
        elif form.workshop.data:
            try:
                found = catalogue().workshop(form.workshop.data)
            except KeyError:
                form.workshop.errors = [_("Choose your workshop from the list.")]
        else:
            form.workshop.errors = [_("Choose your workshop, or enter its join code.")]
    if found is None:
        return render_template("learn/home.html", form=form, trainee=None,
                               leave_form=ActionForm()), 400
    _curriculum, workshop = found
    participant = create_participant(database(), workshop.id, form.name.data or "")
    sign_in(participant)
    logger.info("participant %s joined workshop %s", participant.public_id, workshop.id)
    _say_the_workshop_language(workshop)
    return redirect(url_for("learn.programme"), code=303)


def _say_the_workshop_language(workshop: Workshop) -> None:
    """Flash a notice (with the switcher) when the workshop's language replaces the browser's."""
    supported = tuple(current_app.config["TRAINER_LANGUAGES"])
    if session.get(LANGUAGE_KEY) in supported or workshop.language not in supported:
        return
    browser = (request.accept_languages.best_match(supported)
               or current_app.config["BABEL_DEFAULT_LOCALE"])
    if browser != workshop.language:
        flash(workshop.language, "language")  # base.html words it in the new interface language


@bp.post("/leave")
def leave() -> WerkzeugResponse:
    """End the trainee's session on this device."""
    sign_out()
    flash(_("You have left the workshop on this device."), "info")
    return redirect(url_for("learn.home"), code=303)


# -- programme and reading ----------------------------------------------------------------------


@bp.get("/programme")
def programme() -> PageResult:
    """Show the curriculum: pre-test, modules and post-test with the trainee's progress."""
    trainee = require_trainee()
    attempts = participant_attempts(database(), trainee.participant.id)
    language = interface_language()
    modules = [catalogue().module_in(m.id, language)
               for m in catalogue().curriculum_modules(trainee.curriculum, trainee.workshop)]
    module_ids = [m.id for m in modules]
    steps = [(m, module_progress(attempts, m.id)) for m in modules]
    pre = test_progress(attempts, AttemptKind.PRE)
    post = test_progress(attempts, AttemptKind.POST)
    return render_template(
        "learn/programme.html", trainee=trainee, steps=steps, pre=pre, post=post,
        post_open=post_test_open(attempts, module_ids), action_form=ActionForm(),
        passed=sum(1 for _m, p in steps if p.state == "passed"),
    )


def _trainee_module(trainee: Trainee, module_id: str) -> Module:
    modules = catalogue().curriculum_modules(trainee.curriculum, trainee.workshop)
    for module in modules:
        if module.id == module_id:
            # Shown in the interface language when translated: same ids and answer keys.
            return catalogue().module_in(module.id, interface_language())
    abort(404)


@bp.get("/modules/<module_id>")
def module(module_id: str) -> PageResult:
    """Show a module to read, with a button to take its quiz."""
    trainee = require_trainee()
    found = _trainee_module(trainee, module_id)
    attempts = participant_attempts(database(), trainee.participant.id)
    return render_template(
        "learn/module.html", trainee=trainee, module=found,
        progress=module_progress(attempts, found.id),
        pre_done=test_progress(attempts, AttemptKind.PRE).done,
        history=[a for a in attempts if a.module_id == found.id and a.submitted],
        action_form=ActionForm(),
    )


# -- starting attempts --------------------------------------------------------------------------


@bp.post("/modules/<module_id>/start")
def start_module(module_id: str) -> WerkzeugResponse:
    """Start the module's quiz (or return to the attempt already open)."""
    trainee = require_trainee()
    found = _trainee_module(trainee, module_id)
    attempts = participant_attempts(database(), trainee.participant.id)
    if not test_progress(attempts, AttemptKind.PRE).done:
        flash(_("Take the pre-test first: it shows what you knew before the workshop."),
              "warning")
        return redirect(url_for("learn.programme"), code=303)
    plan = quiz.plan_module(catalogue(), found)
    attempt = start_attempt(
        database(), participant_id=trainee.participant.id, kind=AttemptKind.MODULE,
        curriculum_id=trainee.curriculum.id, module_id=found.id,
        module_hash=catalogue().module_hashes[found.id], questions=plan.questions,
        tokens=plan.tokens, seed=plan.seed, pass_mark=plan.pass_mark,
    )
    return redirect(url_for("learn.attempt", public_id=attempt.public_id), code=303)


@bp.post("/tests/<which>/start")
def start_test(which: str) -> WerkzeugResponse:
    """Start the pre-test or the post-test (each can be taken once)."""
    trainee = require_trainee()
    kind = TESTS.get(which)
    if kind is None:
        abort(404)
    attempts = participant_attempts(database(), trainee.participant.id)
    if kind is AttemptKind.POST:
        modules = catalogue().curriculum_modules(trainee.curriculum, trainee.workshop)
        if not post_test_open(attempts, [m.id for m in modules]):
            flash(_("The post-test opens once you have taken the pre-test and every module "
                    "quiz."), "warning")
            return redirect(url_for("learn.programme"), code=303)
    current = [a for a in attempts if a.kind == kind.value and not a.submitted]
    if current:
        full = find_attempt(database(), trainee.participant.id, current[0].public_id)
        if full is not None and present(full) is None:
            # The test changed since it was started: nothing was recorded, so start it afresh.
            discard_open_attempt(database(), full.id)
    plan = quiz.plan_test(catalogue(), trainee.curriculum, which)
    attempt = start_attempt(
        database(), participant_id=trainee.participant.id, kind=kind,
        curriculum_id=trainee.curriculum.id, module_id=None, module_hash=None,
        questions=plan.questions, tokens=plan.tokens, seed=plan.seed, pass_mark=plan.pass_mark,
    )
    return redirect(url_for("learn.attempt", public_id=attempt.public_id), code=303)


# -- taking and reviewing -----------------------------------------------------------------------


def _own_attempt(trainee: Trainee, public_id: str) -> Attempt:
    attempt = find_attempt(database(), trainee.participant.id, public_id)
    if attempt is None:
        abort(404)  # missing, or someone else's: the same answer either way
    return attempt


@bp.get("/attempts/<public_id>")
def attempt(public_id: str) -> PageResult:
    """Show the quiz of an open attempt, or the result of a submitted one."""
    trainee = require_trainee()
    state = attempt_state(database(), trainee.participant.id, public_id)
    if state is None:
        abort(404)  # missing, or someone else's: the same answer either way
    if not state.submitted:
        page = cached_quiz_page(trainee, public_id)
        if page is not None:
            return page
    found = _own_attempt(trainee, public_id)
    title = quiz.attempt_title(catalogue(), trainee.curriculum, found, interface_language())
    if found.submitted:
        return render_template("learn/result.html", trainee=trainee, attempt=found,
                               title=title, review=review(catalogue(), found, interface_language()),
                               action_form=ActionForm())
    presented = present(found)
    if presented is None:
        return render_template("learn/changed.html", trainee=trainee, attempt=found,
                               title=title, action_form=ActionForm()), 409
    return render_quiz(trainee, found, presented, None)


@bp.post("/attempts/<public_id>")
def submit(public_id: str) -> PageResult:
    """Grade and store the answers once; a second submission just shows the stored result."""
    trainee = require_trainee()
    found = _own_attempt(trainee, public_id)
    result_url = url_for("learn.attempt", public_id=found.public_id)
    if found.submitted:
        return redirect(result_url, code=303)
    built = quiz_form_or_none(found, request.form)
    if built is None:
        return redirect(result_url, code=303)  # shows the "quiz changed" page
    presented, form = built
    if not form.validate():
        return render_quiz(trainee, found, presented, form), 400
    graded, score = quiz.grade_answers(presented, form.data, found.tokens)
    recorded = submit_attempt(database(), found.id, graded, score)
    if recorded:
        logger.info("attempt %s submitted: %.1f%%", found.public_id, score.percent)
    return redirect(result_url, code=303)
