"""The dashboard's blueprint `trainer` (url_prefix /trainer) and what all its views share.

Anyone without a trainer session (a trainee too) is sent to the login form; the check runs
before every view of the blueprint, so a new route cannot forget it (SECURITY.md 17). The views
live beside this module: views.py (sign-in and pages), downloads.py (CSV and PDF), importing.py
(results files); `trainer.web.dashboard.register_dashboard` mounts them all.
"""

from __future__ import annotations

import logging
import urllib.parse

from flask import (
    Blueprint,
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
from trainer.export.report import WorkshopResults, number_formats
from trainer.locales import LANGUAGE_NAMES, base_language, language_name_in
from trainer.services.certificates import certificate_key
from trainer.services.results import build_results
from trainer.store.results import workshop_participants
from trainer.web.dashboard.auth import LoginForm, safe_next
from trainer.web.forms import ActionForm
from trainer.web.i18n import interface_language
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

bp = Blueprint("trainer", __name__, url_prefix="/trainer")

PDF_TIME_LIMIT = 90.0  # seconds; a PDF taking longer is stopped (SECURITY.md 10)


@bp.before_request
def require_trainer() -> WerkzeugResponse | None:
    """Send anyone who is not a signed-in trainer to the login form."""
    if request.endpoint in {"trainer.login"}:
        return None
    if current_user.is_authenticated:
        return None
    if request.method == "GET":
        target: str | None = request.full_path.rstrip("?")
    elif request.endpoint == "trainer.logout":  # already ended: what was asked for
        flash(_("You have logged out."), "info")
        target = None
    else:
        # A form sent after the session ended (idle, logged out elsewhere): say that nothing
        # was done, and come back to the page it was sent from after logging in.
        flash(_("Your session has ended, so nothing was changed. Log in, then try again."),
              "warning")
        target = _page_sent_from()
    login = url_for("trainer.login", next=target) if target else url_for("trainer.login")
    return redirect(login)


def _page_sent_from() -> str | None:
    """Return the path (and query) of this request's Referer when it is a page of this site."""
    parts = urllib.parse.urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith(bp.url_prefix or "/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


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
    formats = number_formats(interface_language())
    return {"logout_form": ActionForm(formdata=None), "fmt_percent": formats["percent"],
            "fmt_gain": formats["gain"], "fmt_stat": formats["stat"],
            "fmt_interval": formats["interval"], "workshop_language": workshop_language,
            "language_names": LANGUAGE_NAMES, "language_name": language_name}


def find_workshop(workshop_id: str) -> tuple[Curriculum, Workshop]:
    """Return a workshop and its curriculum, or answer 404."""
    try:
        return catalogue().workshop(workshop_id)
    except KeyError:
        abort(404)


def workshop_results(workshop_id: str, language: str | None = None) -> WorkshopResults:
    """Return the results tables of a workshop (404 when there is no such workshop), their texts
    in `language` where translated (default: the source's, as the CSV files keep them)."""
    curriculum, workshop = find_workshop(workshop_id)
    participants = workshop_participants(database(), workshop.id)
    return build_results(catalogue(), curriculum, workshop, participants, language=language)



def languages() -> tuple[str, ...]:
    """Return the languages this site offers (its interface and PDFs)."""
    return tuple(current_app.config["TRAINER_LANGUAGES"])


def workshop_language(workshop: Workshop) -> str:
    """Return the language a workshop's PDFs are written in (English when it is not offered)."""
    language = base_language(workshop.language)
    return language if language in languages() else "en"


def asked_language(workshop: Workshop) -> str:
    """Return the language a download is asked for (`?language=`), else the workshop's; 404 for
    a language the app does not offer."""
    language = request.args.get("language") or workshop_language(workshop)
    if language not in languages():
        abort(404)
    return language


def language_name(code: str) -> str:
    """Return the name of a language in the interface language ("français", "الفرنسية")."""
    return language_name_in(code, interface_language())


def pdf_time_limit() -> float:
    """Return the time limit of one PDF render (config TRAINER_PDF_TIME_LIMIT)."""
    return float(current_app.config.get("TRAINER_PDF_TIME_LIMIT", PDF_TIME_LIMIT))


def app_certificate_key() -> bytes:
    """Return the key of certificate verification codes (configured, or the instance's)."""
    return certificate_key(current_app.config.get("TRAINER_CERTIFICATE_KEY"),
                           current_app.instance_path)
