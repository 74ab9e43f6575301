"""Dashboard pages for one participant: attempts, reviews, rename, merge, remove, resume codes.

Routes (blueprint `trainer`; GET shows, POST changes, every POST with its CSRF token):
  GET  /trainer/workshops/<w>/participants/<p>                      attempts and pre/post figures
  GET  /trainer/workshops/<w>/participants/<p>/attempts/<a>         the attempt as reviewed
  POST /trainer/workshops/<w>/participants/<p>/rename               a new display name
  POST /trainer/workshops/<w>/participants/<p>/resume-code          issue a new code, or revoke
  GET  /trainer/workshops/<w>/participants/<p>/merge?other=<p2>     the merge confirmation page
  POST /trainer/workshops/<w>/participants/<p>/merge                merge <other> into <p>
  GET  /trainer/workshops/<w>/participants/<p>/remove               the removal confirmation page
  POST /trainer/workshops/<w>/participants/<p>/remove               remove them and all their data
  GET  /trainer/audit                                               the audit log

Every change is recorded in the audit log with the trainer's username (trainer.store.participants).
A new resume code is shown once, on the participant page after the change (kept in the trainer's
session until then): the store keeps only its hash.
"""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from trainer.content.models import Curriculum, Workshop
from trainer.services.attempts import attempt_title
from trainer.services.participants import ParticipantDetail, participant_detail
from trainer.services.review import review
from trainer.store.live import participant_live_sessions
from trainer.store.models import Participant
from trainer.store.participants import (
    ParticipantNotFound,
    audit_events,
    merge_participants,
    remove_participant,
    rename_participant,
    set_resume_code,
)
from trainer.store.results import (
    find_participant_attempt,
    find_workshop_participant,
    workshop_participants,
)
from trainer.web.dashboard.blueprint import bp, find_workshop
from trainer.web.dashboard.jobs import forget_participant_files
from trainer.web.errors import PageResult
from trainer.web.forms import ActionForm, MergeForm, RenameForm
from trainer.web.i18n import interface_language
from trainer.web.learn.codes import issue_code
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

NEW_CODE_KEY = "trainer_new_resume_code"  # {participant public id: code}, shown once


def _participant(workshop_id: str, public_id: str) -> Participant:
    found = find_workshop_participant(database(), workshop_id, public_id)
    if found is None:
        abort(404)
    return found


def _detail(curriculum: Curriculum, workshop: Workshop, found: Participant) -> ParticipantDetail:
    """Return what the participant page shows of `found`, live sessions included."""
    return participant_detail(catalogue(), curriculum, workshop, found, interface_language(),
                              live=participant_live_sessions(database(), found.id))


def _trainer() -> str:
    return str(current_user.username)


def _merge_form(workshop_id: str, participant: Participant, formdata: object = None
                ) -> MergeForm:
    form = MergeForm(formdata=formdata) if formdata is not None else MergeForm()
    others = [p for p in workshop_participants(database(), workshop_id)
              if p.public_id != participant.public_id]
    form.other.choices = [SelectChoice("", _("Choose a participant…"))] + [
        SelectChoice(p.public_id, _("%(name)s (joined %(date)s)", name=p.display_name,
                                    date=p.created_at.date().isoformat()))
        for p in others]
    return form


@bp.get("/workshops/<workshop_id>/participants/<public_id>")
def participant(workshop_id: str, public_id: str) -> PageResult:
    """Show a participant: every attempt, their pre/post figures and what can be changed."""
    curriculum, workshop = find_workshop(workshop_id)
    found = _participant(workshop.id, public_id)
    detail = _detail(curriculum, workshop, found)
    shown = session.get(NEW_CODE_KEY)
    new_code = None
    if isinstance(shown, dict) and public_id in shown:
        new_code = shown.pop(public_id)
        session[NEW_CODE_KEY] = shown
    rename = RenameForm(formdata=None)
    rename.name.data = found.display_name
    return render_template(
        "trainer/participant.html", curriculum=curriculum, workshop=workshop, d=detail,
        rename_form=rename, merge_form=_merge_form(workshop.id, found, None),
        action_form=ActionForm(), new_code=new_code)


@bp.get("/workshops/<workshop_id>/participants/<public_id>/attempts/<attempt_id>")
def attempt_review(workshop_id: str, public_id: str, attempt_id: str) -> PageResult:
    """Show a submitted attempt as the trainee saw it after submitting."""
    curriculum, workshop = find_workshop(workshop_id)
    found = _participant(workshop.id, public_id)
    attempt = find_participant_attempt(database(), workshop.id, public_id, attempt_id)
    if attempt is None or not attempt.submitted:
        abort(404)
    language = interface_language()
    return render_template(
        "trainer/attempt_review.html", curriculum=curriculum, workshop=workshop,
        participant=found, attempt=attempt,
        title=attempt_title(catalogue(), curriculum, attempt, language),
        review=review(catalogue(), attempt, language))


@bp.post("/workshops/<workshop_id>/participants/<public_id>/rename")
def rename(workshop_id: str, public_id: str) -> PageResult:
    """Give a participant a new display name."""
    curriculum, workshop = find_workshop(workshop_id)
    found = _participant(workshop.id, public_id)
    form = RenameForm(request.form)
    if not form.validate():
        detail = _detail(curriculum, workshop, found)
        return render_template(
            "trainer/participant.html", curriculum=curriculum, workshop=workshop, d=detail,
            rename_form=form, merge_form=_merge_form(workshop.id, found, None),
            action_form=ActionForm(), new_code=None), 400
    try:
        rename_participant(database(), workshop.id, public_id, form.name.data or "", _trainer())
    except ParticipantNotFound:
        abort(404)
    forget_participant_files(workshop.id)
    flash(_("Renamed to %(name)s.", name=" ".join((form.name.data or "").split())), "info")
    return redirect(url_for("trainer.participant", workshop_id=workshop.id,
                            public_id=public_id), code=303)


@bp.post("/workshops/<workshop_id>/participants/<public_id>/resume-code")
def resume_code(workshop_id: str, public_id: str) -> WerkzeugResponse:
    """Issue a participant a new resume code (shown once), or revoke theirs (`action=revoke`)."""
    _curriculum, workshop = find_workshop(workshop_id)
    _participant(workshop.id, public_id)
    if request.form.get("action") == "revoke":
        set_resume_code(database(), workshop.id, public_id, None, _trainer())
        flash(_("The resume code no longer works. Issue a new one when they need it."), "info")
    else:
        code, hashed = issue_code()
        set_resume_code(database(), workshop.id, public_id, hashed, _trainer())
        shown = session.get(NEW_CODE_KEY)
        session[NEW_CODE_KEY] = {**(shown if isinstance(shown, dict) else {}), public_id: code}
    return redirect(url_for("trainer.participant", workshop_id=workshop.id, public_id=public_id),
                    code=303)


@bp.route("/workshops/<workshop_id>/participants/<public_id>/merge", methods=["GET", "POST"])
def merge(workshop_id: str, public_id: str) -> PageResult:
    """Confirm (GET) and merge (POST) another participant of the workshop into this one."""
    curriculum, workshop = find_workshop(workshop_id)
    kept = _participant(workshop.id, public_id)
    formdata = request.form if request.method == "POST" else request.args
    form = _merge_form(workshop.id, kept, formdata)
    form.other.validate_choice = True
    other = None
    if form.other.data:
        other = find_workshop_participant(database(), workshop.id, form.other.data)
        if other is None and request.method == "POST":  # merged or removed since (a second click)
            return _nothing_merged(workshop.id, public_id)
    if other is None or other.public_id == kept.public_id or (
            request.method == "POST" and not form.validate()):
        if form.other.data and not form.other.errors:
            form.other.errors = [_("Choose another participant of this workshop.")]
        detail = _detail(curriculum, workshop, kept)
        rename = RenameForm(formdata=None)
        rename.name.data = kept.display_name
        return render_template(
            "trainer/participant.html", curriculum=curriculum, workshop=workshop, d=detail,
            rename_form=rename, merge_form=form, action_form=ActionForm(), new_code=None), 400
    if request.method == "GET":
        return render_template(
            "trainer/merge.html", curriculum=curriculum, workshop=workshop,
            kept=_detail(curriculum, workshop, kept), other=_detail(curriculum, workshop, other),
            form=form)
    try:
        outcome = merge_participants(database(), workshop.id, kept.public_id, other.public_id,
                                     _trainer())
    except ParticipantNotFound:
        return _nothing_merged(workshop.id, public_id)
    forget_participant_files(workshop.id)
    logger.info("trainer %s merged participant %s into %s", _trainer(), other.public_id,
                kept.public_id)
    flash(_("Merged: %(count)d attempts moved to %(name)s.", count=outcome.moved,
            name=kept.display_name), "info")
    return redirect(url_for("trainer.participant", workshop_id=workshop.id, public_id=public_id),
                    code=303)


def _nothing_merged(workshop_id: str, public_id: str) -> WerkzeugResponse:
    flash(_("That participant no longer exists: nothing was merged."), "warning")
    return redirect(url_for("trainer.participant", workshop_id=workshop_id, public_id=public_id),
                    code=303)


@bp.route("/workshops/<workshop_id>/participants/<public_id>/remove", methods=["GET", "POST"])
def remove(workshop_id: str, public_id: str) -> PageResult:
    """Confirm (GET) and remove (POST) a participant with every attempt and answer of theirs.

    Removing one who is already gone (a second click, another trainer) says so on the workshop
    page rather than answering "not found"."""
    curriculum, workshop = find_workshop(workshop_id)
    if request.method == "POST" and find_workshop_participant(
            database(), workshop.id, public_id) is None:
        return _nothing_removed(workshop.id)
    found = _participant(workshop.id, public_id)
    if request.method == "GET":
        detail = _detail(curriculum, workshop, found)
        return render_template("trainer/remove.html", curriculum=curriculum, workshop=workshop,
                               d=detail, action_form=ActionForm())
    try:
        count = remove_participant(database(), workshop.id, public_id, _trainer())
    except ParticipantNotFound:
        return _nothing_removed(workshop.id)
    forget_participant_files(workshop.id)
    logger.info("trainer %s removed participant #%d (%d attempts)", _trainer(), found.id, count)
    flash(_("Removed %(name)s and all their results.", name=found.display_name), "info")
    return redirect(url_for("trainer.workshop", workshop_id=workshop.id), code=303)


def _nothing_removed(workshop_id: str) -> WerkzeugResponse:
    flash(_("That participant is not in the workshop any more: there was nothing to remove."),
          "info")
    return redirect(url_for("trainer.workshop", workshop_id=workshop_id), code=303)


@bp.get("/audit")
def audit() -> PageResult:
    """Show the audit log: who changed which participant's records, and when."""
    names = {w.id: w.title for _c, w in catalogue().workshops()}
    return render_template("trainer/audit.html", events=audit_events(database()),
                           workshop_names=names)
