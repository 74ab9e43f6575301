"""Blueprint `trainer` (url_prefix /trainer): the dashboard trainers run their workshops from.

Routes (every one but the login form needs a trainer session; GET shows, POST changes):
  GET  /trainer/login                                    the login form (?next= a path here)
  POST /trainer/login                                    log in (rate-limited) → next or dashboard
  POST /trainer/logout                                   log out
  GET  /trainer/                                         the workshops, with join codes
  GET  /trainer/workshops/<id>                           participants × steps grid, summary
  GET  /trainer/workshops/<id>/gain                      learning gain: table and chart
  GET  /trainer/workshops/<id>/items                     item analysis of the tests and modules
  GET  /trainer/workshops/<id>/results.csv               one row per participant
  GET  /trainer/workshops/<id>/items.csv                 one row per question version
  GET  /trainer/workshops/<id>/report.pdf                the results report
  GET  /trainer/workshops/<id>/certificates/<pid>.pdf    a participant's certificate
  GET  /trainer/workshops/<id>/handbook/<edition>.pdf    participant or facilitator handbook
                                                         (?language=en|fr|ar, else the workshop's)

The PDFs are written in the workshop's language (its `language:` in the curriculum), whatever the
language of the dashboard: the report and certificates are for that workshop's people. A trainer
may ask for the handbook in another interface language.

Anyone without a trainer session (a trainee too) is sent to the login form; the check runs
before every view of the blueprint, so a new route cannot forget it (SECURITY.md 17).
"""

from __future__ import annotations

import logging

from babel import Locale, UnknownLocaleError
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.content.models import Curriculum, Workshop
from trainer.errors import ExportError
from trainer.export.certificate import build_certificate, certificate_filename
from trainer.export.csv_export import items_csv, participants_csv
from trainer.export.handbook import Edition, build_handbook, handbook_filename
from trainer.export.report import (
    WorkshopResults,
    build_report,
    dumbbell_chart,
    format_gain,
    format_percent,
    format_stat,
    gain_description,
    gain_rows,
    report_filename,
)
from trainer.locales import LANGUAGE_NAMES, base_language, gettext_for
from trainer.store.accounts import authenticate
from trainer.store.results import find_workshop_participant, participant_counts, workshop_participants
from trainer.web.dashboard_auth import (
    LoginForm,
    limit_login,
    register_auth,
    safe_next,
    sign_in_trainer,
    sign_out_trainer,
)
from trainer.web.dashboard_certificates import certificate_data
from trainer.web.dashboard_results import build_results
from trainer.web.errors import render_error
from trainer.web.forms import ActionForm
from trainer.web.i18n import interface_language
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("trainer", __name__, url_prefix="/trainer")

PDF_TIME_LIMIT = 90.0  # seconds; a PDF taking longer is stopped (SECURITY.md 10)
PageResult = str | tuple[str, int] | WerkzeugResponse


def register_trainer(app: Flask) -> None:
    """Set up trainer sign-in and login throttling, and mount the dashboard."""
    register_auth(app)
    app.register_blueprint(bp)


@bp.before_request
def require_trainer() -> WerkzeugResponse | None:
    """Send anyone who is not a signed-in trainer to the login form."""
    if request.endpoint in {"trainer.login"}:
        return None
    if current_user.is_authenticated:
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("trainer.login", next=target) if target else url_for("trainer.login"))


@bp.errorhandler(RateLimitExceeded)
def too_many_logins(_error: RateLimitExceeded) -> tuple[str, int]:
    """Show the login form again with a throttling message (429)."""
    form = LoginForm(formdata=None)
    form.next.data = safe_next(request.form.get("next"))
    message = _("Too many login attempts. Wait a minute, then try again.")
    return render_template("trainer/login.html", form=form, error=message), 429


@bp.context_processor
def dashboard_globals() -> dict[str, object]:
    """Give every dashboard page the logout form and the number formats of the report."""
    # formdata=None: never read the request body here (a 413 page must not parse what it refused).
    return {"logout_form": ActionForm(formdata=None), "fmt_percent": format_percent, "fmt_gain": format_gain,
            "fmt_stat": format_stat, "workshop_language": workshop_language,
            "language_names": LANGUAGE_NAMES, "language_name": language_name}


# -- signing in and out ---------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limit_login
def login() -> PageResult:
    """Show the login form, or log a trainer in."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data)
        return render_template("trainer/login.html", form=form, error=None)
    error = None
    if form.validate():
        trainer = authenticate(database(), form.username.data or "", form.password.data or "")
        if trainer is not None:
            sign_in_trainer(trainer)
            logger.info("trainer %r logged in", trainer.username)
            return redirect(safe_next(form.next.data), code=303)
        # One message for an unknown user and a wrong password (SECURITY.md 15).
        error = _("Wrong username or password.")
        logger.info("failed trainer login from %s", request.remote_addr)
    form.password.data = ""
    return render_template("trainer/login.html", form=form, error=error), 400


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the trainer's session."""
    sign_out_trainer()
    flash(_("You have logged out."), "info")
    return redirect(url_for("trainer.login"), code=303)


# -- pages ----------------------------------------------------------------------------------------


def _workshop(workshop_id: str) -> tuple[Curriculum, Workshop]:
    try:
        return catalogue().workshop(workshop_id)
    except KeyError:
        abort(404)


def _results(workshop_id: str) -> WorkshopResults:
    curriculum, workshop = _workshop(workshop_id)
    participants = workshop_participants(database(), workshop.id)
    return build_results(catalogue(), curriculum, workshop, participants)


@bp.get("/")
def index() -> PageResult:
    """List the workshops of every curriculum, with join codes and participant counts."""
    counts = participant_counts(database())
    groups = [(c, list(c.workshops)) for c in catalogue().curricula.values()]
    return render_template("trainer/index.html", groups=groups, counts=counts)


@bp.get("/workshops/<workshop_id>")
def workshop(workshop_id: str) -> PageResult:
    """Show a workshop: join code, summary and the participant × step grid."""
    return render_template("trainer/workshop.html", r=_results(workshop_id), tab="overview")


@bp.get("/workshops/<workshop_id>/gain")
def gain(workshop_id: str) -> PageResult:
    """Show the learning gain per participant, per objective and for the cohort."""
    results = _results(workshop_id)
    chart = dumbbell_chart(
        gain_rows(results, _("Cohort mean")), chart_id="gain-chart",
        title=_("Learning gain: pre-test and post-test percent"),
        description=gain_description(results, _), pre_label=_("Pre-test"),
        post_label=_("Post-test"),
    )
    return render_template("trainer/gain.html", r=results, chart=chart, tab="gain")


@bp.get("/workshops/<workshop_id>/items")
def items(workshop_id: str) -> PageResult:
    """Show the item analysis of the pre-test, the post-test and every module quiz."""
    return render_template("trainer/items.html", r=_results(workshop_id), tab="items")


# -- downloads ------------------------------------------------------------------------------------


def _download(body: str | bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/workshops/<workshop_id>/results.csv")
def results_csv(workshop_id: str) -> Response:
    """Download one row per participant (formula-safe CSV)."""
    results = _results(workshop_id)
    return _download(participants_csv(results), f"{results.workshop.id}-results.csv",
                     "text/csv; charset=utf-8")


@bp.get("/workshops/<workshop_id>/items.csv")
def item_analysis_csv(workshop_id: str) -> Response:
    """Download the item analysis, one row per question version (formula-safe CSV)."""
    results = _results(workshop_id)
    return _download(items_csv(results), f"{results.workshop.id}-items.csv",
                     "text/csv; charset=utf-8")


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["TRAINER_LANGUAGES"])


def workshop_language(workshop: Workshop) -> str:
    """Return the language a workshop's PDFs are written in (English when it is not offered)."""
    language = base_language(workshop.language)
    return language if language in _languages() else "en"


def language_name(code: str) -> str:
    """Return the name of a language in the interface language ("français", "الفرنسية")."""
    try:
        name = Locale.parse(interface_language()).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name) if name else LANGUAGE_NAMES.get(code, code)


def _pdf_failed(what: str, error: ExportError) -> tuple[str, int]:
    logger.error("%s failed: %s", what, error)
    return render_error(500, _("The PDF could not be made. Try again; if it keeps failing, "
                               "tell whoever runs this site."))


def _time_limit() -> float:
    return float(current_app.config.get("TRAINER_PDF_TIME_LIMIT", PDF_TIME_LIMIT))


@bp.get("/workshops/<workshop_id>/report.pdf")
def report_pdf(workshop_id: str) -> Response | tuple[str, int]:
    """Download the results report (summary, gain chart, grid, item analysis annex)."""
    results = _results(workshop_id)
    try:
        pdf = build_report(results, language=workshop_language(results.workshop),
                           time_limit=_time_limit())
    except ExportError as exc:
        return _pdf_failed("results report", exc)
    return _download(pdf, report_filename(results), "application/pdf")


@bp.get("/workshops/<workshop_id>/certificates/<public_id>.pdf")
def certificate(workshop_id: str, public_id: str) -> Response | tuple[str, int]:
    """Download the certificate of a participant who passed the post-test (else 404)."""
    curriculum, found = _workshop(workshop_id)
    participant = find_workshop_participant(database(), found.id, public_id)
    if participant is None:
        abort(404)
    language = workshop_language(found)
    data = certificate_data(current_app, catalogue(), curriculum, found, participant, language)
    if data is None:
        abort(404)
    try:
        pdf = build_certificate(data, gettext=gettext_for(language), time_limit=_time_limit())
    except ExportError as exc:
        return _pdf_failed("certificate", exc)
    return _download(pdf, certificate_filename(found.id, participant.display_name),
                     "application/pdf")


@bp.get("/workshops/<workshop_id>/handbook/<edition>.pdf")
def handbook(workshop_id: str, edition: str) -> Response | tuple[str, int]:
    """Download the workshop's participant or facilitator handbook, in its language or the one
    asked for (`?language=`)."""
    curriculum, found = _workshop(workshop_id)
    if edition not in {e.value for e in Edition}:
        abort(404)
    language = request.args.get("language") or workshop_language(found)
    if language not in _languages():
        abort(404)
    try:
        pdf = build_handbook(catalogue(), curriculum, found, Edition(edition), language=language,
                             time_limit=_time_limit())
    except ExportError as exc:
        return _pdf_failed("handbook", exc)
    filename = handbook_filename(curriculum, found, edition)
    if language != workshop_language(found):
        filename = filename.removesuffix(".pdf") + f"-{language}.pdf"
    return _download(pdf, filename, "application/pdf")


from trainer.web import dashboard_import  # noqa: E402, F401 - its routes join this blueprint
