"""The `learn` blueprint's routes: a trainee joins, sees the programme, reads, takes quizzes.

Routes (GET shows, POST changes; every POST carries a CSRF token):
  GET  /                          start page: join a workshop (or continue)
  POST /join                      create a participant and a session (rate-limited per address;
                                  refused when the workshop is closed or full)
  POST /leave                     end the session
  GET  /programme                 the curriculum with the trainee's progress
  GET  /modules/<id>              read a module
  POST /modules/<id>/start        start (or resume) the module's quiz → /attempts/<id>
  POST /tests/<pre|post>/start    start (or resume) the pre-test or post-test
  GET  /attempts/<id>             the quiz form (?page=N), or the result once submitted (?missed=1:
                                  only the questions not fully right)
  POST /attempts/<id>/save        store the draft answers (never grades): 303 back to the quiz, to
                                  another page or to the review; JSON for learn.js; 409 once
                                  submitted
  GET  /attempts/<id>/review      each question answered / not answered / needing attention, and
                                  the one "Submit for grading" button
  POST /attempts/<id>             submit (single-shot): grades the stored draft (or, when the form
                                  carries answers, those) → 303 to the result

The quiz form's own action is the save: pressing Enter in a text box saves, never grades.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from trainer.content.models import Curriculum, Module, Workshop
from trainer.locales import format_dates
from trainer.services import attempts as quiz
from trainer.services import drafts
from trainer.services.enrolment import effective_enrolment, find_by_code
from trainer.services.progress import module_progress, post_test_open, test_progress
from trainer.services.review import review
from trainer.store.attempts import (
    ParticipantGone,
    attempt_state,
    discard_open_attempt,
    find_attempt,
    join_workshop,
    participant_attempts,
    save_draft,
    start_attempt,
    submit_attempt,
    submit_draft,
)
from trainer.store.database import DatabaseUnavailable
from trainer.store.enrolment import EnrolmentOverride, enrolment_overrides
from trainer.store.models import Attempt, AttemptKind
from trainer.web.errors import CSRF_MESSAGE, PageResult, render_error
from trainer.web.forms import ActionForm, JoinForm, ResumeForm
from trainer.web.i18n import LANGUAGE_KEY, interface_language
from trainer.web.learn.codes import issue_code, remember_code, shown_code
from trainer.web.learn.pages import (
    cached_quiz_page,
    gradable,
    page_number,
    present,
    presented_from_cache,
    quiz_form,
    quiz_form_or_none,
    quiz_pages,
    render_quiz,
)
from trainer.web.learn.participants import (
    NotSignedIn,
    Trainee,
    current_trainee,
    redirect_home,
    require_trainee,
    sign_in,
    sign_out,
)
from trainer.web.limits import limiter
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("learn", __name__)


TESTS = {"pre": AttemptKind.PRE, "post": AttemptKind.POST}


@bp.errorhandler(NotSignedIn)
def not_signed_in(_error: NotSignedIn) -> WerkzeugResponse:
    """Send a visitor without a trainee session to the start page (learn.js's saves: a 401 that
    says so, the answers staying in the browser)."""
    if _wants_json():
        return _signed_out()
    flash(_("Join your workshop to continue."), "warning")
    return redirect_home()


@bp.errorhandler(ParticipantGone)
def participant_gone(_error: ParticipantGone) -> WerkzeugResponse:
    """End the session of a participant a trainer removed or merged (seen by another worker)."""
    sign_out()
    message = _("Your trainer has changed your record. Sign in again with your resume code.")
    if _wants_json():
        return _signed_out(message)
    flash(message, "warning")
    return redirect_home()


def _signed_out(message: str | None = None) -> WerkzeugResponse:
    """Tell learn.js that nobody is signed in any more: its save is kept in the browser."""
    if message is None:
        message = _("You are no longer signed in, so this was not saved. Your answers are kept in "
                    "this browser: sign in again, with your resume code, and open this quiz to "
                    "send them.")
    return _json(401, status="signed_out", message=message, url=url_for("learn.home"))


@bp.errorhandler(CSRFError)
def csrf_expired(error: CSRFError) -> PageResult:
    """Re-show a quiz with the answers kept when its CSRF token expired; else a 400 page."""
    if request.endpoint in ("learn.save", "learn.submit") and current_trainee() is None:
        return not_signed_in(NotSignedIn())  # left or ended: the token went with the session
    if request.endpoint == "learn.save" and _wants_json():
        return _json(400, status="expired", message=_(
            "Not saved: this page is too old. Your answers are kept on this device; reload the "
            "page to send them."))
    if request.endpoint in ("learn.submit", "learn.save") and request.view_args:
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


def _listed(overrides: Mapping[str, EnrolmentOverride] | None) -> list[Workshop]:
    """Return the workshops trainees pick from the list: listed and open (join-code only not).

    None for `overrides` (the database is out of reach): none, as which are listed is not known.
    """
    if overrides is None:
        return []
    found = []
    for _curriculum, workshop in catalogue().workshops():
        enrolment = effective_enrolment(workshop, overrides.get(workshop.id))
        if enrolment.listed and enrolment.open:
            found.append(workshop)
    return found


def _join_form(overrides: Mapping[str, EnrolmentOverride] | None, formdata: object = None
               ) -> JoinForm:
    form = JoinForm(formdata=formdata) if formdata is not None else JoinForm()
    choices = [SelectChoice("", _("Choose your workshop…"))]
    for workshop in _listed(overrides):
        choices.append(SelectChoice(workshop.id, workshop_label(workshop)))
    form.workshop.choices = choices
    if len(choices) == 2 and not form.workshop.data:
        form.workshop.data = choices[1].value
    if len(choices) == 1:  # every workshop is join-code only: the code is all there is to give
        form.code.label.text = _("The join code from your trainer")
    return form


def _join_page(form: JoinForm, status: int) -> PageResult:
    return render_template("learn/home.html", form=form, trainee=None, leave_form=ActionForm(),
                           resume_form=ResumeForm(formdata=None)), status


@bp.errorhandler(RateLimitExceeded)
def too_many_joins(_error: RateLimitExceeded) -> PageResult:
    """Show the start page again with a throttling message (429)."""
    form = _join_form(enrolment_overrides(database()))  # what was sent is not read again
    form.name.errors = [_("Too many people joined from this network just now. Wait a minute, "
                          "then try again.")]
    return _join_page(form, 429)


@bp.get("/")
def home() -> PageResult:
    """Show the start page: join a workshop, or continue as the trainee already signed in.

    It shows while the database is out of reach (a restart), with the join-code field only;
    joining then answers 503 "try again".
    """
    try:
        overrides: Mapping[str, EnrolmentOverride] | None = enrolment_overrides(database())
    except DatabaseUnavailable:
        overrides = None
    return render_template("learn/home.html", form=_join_form(overrides),
                           trainee=current_trainee(), leave_form=ActionForm(),
                           resume_form=ResumeForm(formdata=None))


def join_limit_per_address() -> str:
    """Return the join limit per client address (config TRAINER_JOIN_LIMIT_PER_ADDRESS)."""
    return str(current_app.config["TRAINER_JOIN_LIMIT_PER_ADDRESS"])


@bp.post("/join")
@limiter.limit(join_limit_per_address, scope="trainee-join-address")
def join() -> PageResult:
    """Create a participant in the chosen workshop and start their session.

    Refused (403, with the reason on the form) when the workshop's enrolment is closed or it is
    full; a join-code-only workshop is found by its code, never by its id from the list.
    """
    overrides = enrolment_overrides(database())
    form = _join_form(overrides, request.form)
    found: tuple[Curriculum, Workshop] | None = None
    if form.validate():
        if form.code.data:
            found = find_by_code(catalogue(), overrides, form.code.data)
            if found is None:
                form.code.errors = [_("No workshop has this code. Check it with your trainer.")]
        elif form.workshop.data:
            listed = {w.id: w for w in _listed(overrides)}
            if form.workshop.data in listed:
                found = catalogue().workshop(form.workshop.data)
            else:
                form.workshop.errors = [_("Choose your workshop from the list.")]
        else:
            form.workshop.errors = [_("Choose your workshop, or enter its join code.")]
    if found is None:
        return _join_page(form, 400)
    _curriculum, workshop = found
    enrolment = effective_enrolment(workshop, overrides.get(workshop.id))
    closed = [_("This workshop is not taking new participants. Ask your trainer.")]
    if not enrolment.open:
        (form.code if form.code.data else form.workshop).errors = closed
        return _join_page(form, 403)
    code, hashed = issue_code()
    participant = join_workshop(database(), workshop.id, form.name.data or "",
                                cap=enrolment.max_participants, resume_code_hash=hashed)
    if participant is None:
        (form.code if form.code.data else form.workshop).errors = [
            _("This workshop is full. Ask your trainer.")]
        return _join_page(form, 403)
    sign_in(participant)
    remember_code(code)
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
        passed=sum(1 for _m, p in steps if p.state == "passed"), resume_code=shown_code(trainee),
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
    plan = quiz.plan_test(catalogue(), trainee.curriculum, which, trainee.participant.pre_form)
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
    """Show the quiz of an open attempt (with its saved answers), or the result of a submitted one."""
    trainee = require_trainee()
    state = attempt_state(database(), trainee.participant.id, public_id)
    if state is None:
        abort(404)  # missing, or someone else's: the same answer either way
    if not state.submitted:
        page = cached_quiz_page(trainee, public_id, state.draft_seq)
        if page is not None:
            return page
    found = _own_attempt(trainee, public_id)
    title = quiz.attempt_title(catalogue(), trainee.curriculum, found, interface_language())
    if found.submitted:
        reviewed = review(catalogue(), found, interface_language())
        missed_only = request.args.get("missed") == "1"
        return render_template(
            "learn/result.html", trainee=trainee, attempt=found, title=title, review=reviewed,
            shown=[item for item in reviewed
                   if not missed_only or item.stored.status != "correct"],
            missed_only=missed_only, action_form=ActionForm())
    presented = present(found)
    if presented is None:
        return _changed(trainee, found, title)
    return render_quiz(trainee, found, presented, None)


def _presented(trainee: Trainee, public_id: str) -> quiz.PresentedAttempt | None:
    """Return one's own open attempt as shown (None: its content changed), from the worker's
    cache when it is there: the caller has checked whose attempt it is (`attempt_state`)."""
    return presented_from_cache(public_id) or present(_own_attempt(trainee, public_id))


def _changed(trainee: Trainee, found: Attempt, title: str) -> PageResult:
    return render_template("learn/changed.html", trainee=trainee, attempt=found,
                           title=title, action_form=ActionForm()), 409


def _json(code: int, **data: object) -> WerkzeugResponse:
    response = jsonify(data)
    response.status_code = code
    return response


def _wants_json() -> bool:
    """Whether the request comes from learn.js (which asks for JSON), not a plain form post."""
    if "json" not in request.headers.get("Accept", ""):
        return False  # a browser's form post: no need to parse its Accept header
    return request.accept_mimetypes.best == "application/json"


SEQ_MAX = 2**62


def _seq_number(raw: str) -> int:
    if len(raw) > len(str(SEQ_MAX)) or not raw.isdigit() or not 0 < int(raw) < SEQ_MAX:
        abort(400)
    return int(raw)


def _posted_seq() -> int | None:
    raw = request.form.get("seq", "")
    return _seq_number(raw) if raw else None


def _posted_fields() -> dict[str, int | None] | None:
    """Return the field names a save speaks for, each with the sequence number of its change
    when given (`fields`: "q1:1765 q3" separated by spaces, sent by learn.js), or None when the
    form does not say (a whole page: every field of it)."""
    values = request.form.getlist("fields")
    if not values:
        return None
    if len(values) > 1:
        abort(400)
    found: dict[str, int | None] = {}
    for item in values[0].split():
        name, _, raw = item.partition(":")
        found[name] = _seq_number(raw) if raw else None
    return found


@bp.post("/attempts/<public_id>/save")
def save(public_id: str) -> PageResult:
    """Store the answers of the posted page as the attempt's draft; never grades."""
    trainee = require_trainee()
    state = attempt_state(database(), trainee.participant.id, public_id)
    if state is None:
        abort(404)  # missing, or someone else's: the same answer either way
    presented = None
    if not state.submitted:
        presented = _presented(trainee, public_id)
    if presented is None:
        quiz_url = url_for("learn.attempt", public_id=public_id)
        if _wants_json():
            return _json(409, status="submitted" if state.submitted else "changed",
                         message=_("This attempt is closed: nothing was saved."), url=quiz_url)
        if state.submitted:
            flash(_("This attempt was already submitted: nothing was saved."), "warning")
        return redirect(quiz_url, code=303)
    pages = quiz_pages(presented)
    page = page_number(request.form.get("page", "1"), len(pages))
    # Page "0": a page re-shown with every question (after an expired token) speaks for them all.
    shown = presented.questions if request.form.get("page") == "0" else pages[page - 1]
    replaced = drafts.field_names(shown)
    changed = _posted_fields()
    if changed is not None:
        # learn.js names the fields it speaks for, with when each was changed: the questions
        # changed in this browser since the last confirmed save, on any page. The rest stay as
        # stored (what another tab or device saved).
        shown = presented.questions
        replaced = [name for name in drafts.field_names(shown) if name in changed]
    answers = drafts.clean_answers(shown, request.form.to_dict(flat=False))
    numbers = {name: number for name, number in (changed or {}).items() if number is not None}
    saved = save_draft(database(), state.id, _posted_seq(), answers, replaced, numbers)
    if saved.status in ("submitted", "missing"):
        quiz_url = url_for("learn.attempt", public_id=public_id)
        if _wants_json():
            return _json(409, status="submitted", url=quiz_url,
                           message=_("This attempt is closed: nothing was saved."))
        flash(_("This attempt was already submitted: nothing was saved."), "warning")
        return redirect(quiz_url, code=303)
    if _wants_json():
        states = drafts.question_states(presented, saved.answers or {})
        return _json(
            200, status=saved.status, seq=saved.seq,
            message=_("Saved at %(time)s", time=format_datetime(saved.saved_at, "HH:mm")),
            answered=sum(1 for s in states if s.state == "answered"),
            total=len(states), states={str(s.number): s.state for s in states})
    go = request.form.get("go", "")
    if go == "review":
        return redirect(url_for("learn.review_page", public_id=public_id), code=303)
    target = page + 1 if go == "next" else page - 1 if go == "prev" else page
    target = min(max(target, 1), len(pages))
    return redirect(url_for("learn.attempt", public_id=public_id,
                            page=target if len(pages) > 1 else None), code=303)


@bp.get("/attempts/<public_id>/review")
def review_page(public_id: str) -> PageResult:
    """Show where each question of the saved draft stands, before the one-way submission."""
    trainee = require_trainee()
    found = _own_attempt(trainee, public_id)
    if found.submitted:
        return redirect(url_for("learn.attempt", public_id=found.public_id), code=303)
    title = quiz.attempt_title(catalogue(), trainee.curriculum, found, interface_language())
    presented = present(found)
    if presented is None:
        return _changed(trainee, found, title)
    pages = quiz_pages(presented)
    page_of = {item.number: index for index, page in enumerate(pages, start=1) for item in page}
    states = drafts.question_states(presented, found.draft_answers or {})
    return render_template(
        "learn/review.html", trainee=trainee, attempt=found, title=title, presented=presented,
        rows=list(zip(presented.questions, states, strict=True)), page_of=page_of,
        paged=len(pages) > 1, answered=sum(1 for s in states if s.state == "answered"),
        unanswered=[s.number for s in states if s.state == "unanswered"],
        attention=[s.number for s in states if s.state == "attention"],
        action_form=ActionForm())


@bp.post("/attempts/<public_id>")
def submit(public_id: str) -> PageResult:
    """Grade and store the answers once; a second submission just shows the stored result.

    From the review page the form carries no answers: the stored draft is graded, read under the
    same lock as the submission, so the last accepted save is what counts. A form that carries
    answers (a client posting them directly) is graded as posted.
    """
    trainee = require_trainee()
    state = attempt_state(database(), trainee.participant.id, public_id)
    if state is None:
        abort(404)  # missing, or someone else's: the same answer either way
    result_url = url_for("learn.attempt", public_id=public_id)
    if state.submitted:
        return redirect(result_url, code=303)
    graded_as = gradable(state.id, public_id)
    if graded_as is None:
        return redirect(result_url, code=303)  # shows the "quiz changed" page
    posted = request.form
    if not any(name in posted for name in drafts.field_names(graded_as.questions)):
        recorded = submit_draft(database(), state.id, lambda draft, tokens: quiz.grade_answers(
            graded_as, draft, tokens))
    else:
        presented = _presented(trainee, public_id)
        if presented is None:
            return redirect(result_url, code=303)
        found = _own_attempt(trainee, public_id)
        form = quiz_form(presented, request.form)
        if not form.validate():
            return render_quiz(trainee, found, presented, form), 400
        graded, score = quiz.grade_answers(presented, form.data, found.tokens)
        recorded = submit_attempt(database(), found.id, graded, score)
    if recorded:
        logger.info("attempt %s submitted", public_id)
    return redirect(result_url, code=303)
