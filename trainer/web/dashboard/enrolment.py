"""Enrolment settings of a workshop, changed from its dashboard page (blueprint `trainer`).

Routes (trainer-only, like every route of the blueprint; CSRF on both POSTs):
  POST /trainer/workshops/<id>/enrolment    save: listed or join-code only, open or closed, cap
  POST /trainer/workshops/<id>/join-code    give the workshop a new join code (the old one stops)

The YAML gives the defaults (trainer.content.models.Workshop: `listed`, `enrolment`,
`max_participants`, `join_code`); what is saved here overrides them (trainer.store.enrolment),
for every worker and host at once.
"""

from __future__ import annotations

import logging

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField
from wtforms.validators import NumberRange, Optional

from trainer.content.models import Workshop
from trainer.services.enrolment import (
    Enrolment,
    all_join_codes,
    effective_enrolment,
    new_join_code,
)
from trainer.store.enrolment import (
    EnrolmentOverride,
    JoinCodeTaken,
    enrolment_overrides,
    save_enrolment,
    set_join_code,
)
from trainer.web.dashboard.blueprint import bp, find_workshop, workshop_results
from trainer.web.errors import PageResult
from trainer.web.forms import ActionForm, StrictForm, WholeNumberField
from trainer.web.i18n import interface_language
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

MAX_CAP = 100000
CAP_MESSAGE = _l("Enter a number from 1 to 100000.")


class EnrolmentForm(StrictForm):
    """A workshop's enrolment settings."""

    listed = BooleanField(_l("Listed on the start page"),
                          description=_l("Unticked: trainees join with the join code only."))
    open = BooleanField(_l("Open: new trainees can join"),
                        description=_l("Unticked: nobody new can join; those who joined carry on."))
    max_participants = WholeNumberField(
        _l("Most participants"), description=_l("Leave empty for no limit."),
        validators=[Optional(), NumberRange(min=1, max=MAX_CAP, message=CAP_MESSAGE)],
        invalid=CAP_MESSAGE,
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CAP},
    )


def _overrides() -> dict[str, EnrolmentOverride]:
    """Return the dashboard's overrides, read once per request."""
    if "enrolment_overrides" not in g:
        g.enrolment_overrides = enrolment_overrides(database())
    found: dict[str, EnrolmentOverride] = g.enrolment_overrides
    return found


def enrolment_of(workshop: Workshop) -> Enrolment:
    """Return a workshop's enrolment as it stands (the template global `enrolment_of`)."""
    return effective_enrolment(workshop, _overrides().get(workshop.id))


def enrolment_form(workshop: Workshop) -> EnrolmentForm:
    """Return the settings form filled with the workshop's current enrolment."""
    current = enrolment_of(workshop)
    form = EnrolmentForm(formdata=None)
    form.listed.data = current.listed
    form.open.data = current.open
    form.max_participants.data = current.max_participants
    return form


@bp.app_template_global("enrolment_of")
def _enrolment_global(workshop: Workshop) -> Enrolment:
    return enrolment_of(workshop)


@bp.post("/workshops/<workshop_id>/enrolment")
def save_workshop_enrolment(workshop_id: str) -> PageResult:
    """Save a workshop's enrolment settings and go back to its page."""
    _curriculum, workshop = find_workshop(workshop_id)
    form = EnrolmentForm()
    if not form.validate():
        return render_template("trainer/workshop.html",
                               r=workshop_results(workshop_id, interface_language()),
                               tab="overview", enrolment=form, code_form=ActionForm()), 400
    save_enrolment(database(), workshop.id, listed=bool(form.listed.data),
                   open_=bool(form.open.data), max_participants=form.max_participants.data or 0)
    logger.info("trainer %r changed the enrolment of %s", current_user.username, workshop.id)
    flash(_("Enrolment settings saved."), "info")
    return redirect(url_for("trainer.workshop", workshop_id=workshop.id, _anchor="enrolment-title"),
                    code=303)


@bp.post("/workshops/<workshop_id>/join-code")
def rotate_join_code(workshop_id: str) -> WerkzeugResponse:
    """Give a workshop a new random join code; the old one no longer lets anyone join."""
    _curriculum, workshop = find_workshop(workshop_id)
    for _try in range(5):
        code = new_join_code(all_join_codes(catalogue(), enrolment_overrides(database())))
        try:
            set_join_code(database(), workshop.id, code)
        except JoinCodeTaken:
            continue
        logger.info("trainer %r gave %s a new join code", current_user.username, workshop.id)
        flash(_("New join code: %(code)s. The old code no longer works.", code=code), "info")
        break
    return redirect(url_for("trainer.workshop", workshop_id=workshop.id, _anchor="enrolment-title"),
                    code=303)
