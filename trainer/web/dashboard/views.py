"""The dashboard trainers run their workshops from: sign-in and pages (blueprint `trainer`).

Routes (every one but the login form needs a trainer session; GET shows, POST changes):
  GET  /trainer/login                                    the login form (?next= a path here)
  POST /trainer/login                                    log in (rate-limited) → next or dashboard
  POST /trainer/logout                                   log out
  POST /trainer/logout-everywhere                        end every session of this trainer
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

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.export.report import dumbbell_chart, gain_description, gain_rows
from trainer.store.accounts import authenticate
from trainer.store.results import participant_counts
from trainer.web.dashboard.auth import (
    LoginForm,
    limit_login,
    safe_next,
    sign_in_trainer,
    sign_out_everywhere,
    sign_out_trainer,
)
from trainer.web.dashboard.blueprint import bp, workshop_results
from trainer.web.dashboard.enrolment import enrolment_form
from trainer.web.errors import PageResult
from trainer.web.forms import ActionForm
from trainer.web.i18n import interface_language
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)


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


@bp.post("/logout-everywhere")
def logout_everywhere() -> WerkzeugResponse:
    """End every session of the trainer: other browsers and devices, and this one."""
    name = current_user.username
    ended = sign_out_everywhere(int(current_user.trainer_id))
    logger.info("trainer %r logged out everywhere (%d sessions)", name, ended)
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for("trainer.login"), code=303)


# -- pages ------------------------------------------------------------------------------------------


@bp.get("/")
def index() -> PageResult:
    """List the workshops of every curriculum, with join codes and participant counts."""
    counts = participant_counts(database())
    groups = [(c, list(c.workshops)) for c in catalogue().curricula.values()]
    return render_template("trainer/index.html", groups=groups, counts=counts)


@bp.get("/workshops/<workshop_id>")
def workshop(workshop_id: str) -> PageResult:
    """Show a workshop: join code, summary, the participant × step grid, enrolment settings."""
    results = workshop_results(workshop_id, interface_language())
    return render_template("trainer/workshop.html", r=results, tab="overview",
                           enrolment=enrolment_form(results.workshop), code_form=ActionForm())


@bp.get("/workshops/<workshop_id>/gain")
def gain(workshop_id: str) -> PageResult:
    """Show the learning gain per participant, per objective and for the cohort."""
    results = workshop_results(workshop_id, interface_language())
    chart = dumbbell_chart(
        gain_rows(results, _("Cohort mean"), interface_language()), chart_id="gain-chart",
        title=_("Learning gain: pre-test and post-test percent"),
        description=gain_description(results, _, interface_language()), pre_label=_("Pre-test"),
        post_label=_("Post-test"),
    )
    return render_template("trainer/gain.html", r=results, chart=chart, tab="gain")


@bp.get("/workshops/<workshop_id>/items")
def items(workshop_id: str) -> PageResult:
    """Show the item analysis of the pre-test, the post-test and every module quiz."""
    return render_template("trainer/items.html",
                           r=workshop_results(workshop_id, interface_language()), tab="items")


