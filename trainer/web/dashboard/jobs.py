"""Handbooks and all certificates of a workshop from the dashboard, without a blind wait.

Routes (blueprint `trainer`):
  GET  /trainer/workshops/<w>/handbook/<edition>.pdf          the PDF when made, else start it and
                                                              go to its status page (?language=)
  GET  /trainer/workshops/<w>/handbook/<edition>/status       working page: refreshes itself with
                                                              a meta refresh, or polls as JSON with
                                                              JavaScript; a link once it is made
  POST /trainer/workshops/<w>/handbook/<edition>/status       try again after a failure
  GET  /trainer/workshops/<w>/certificates.zip                the same for every certificate
  GET  /trainer/workshops/<w>/certificates/status
  POST /trainer/workshops/<w>/certificates/status

The jobs (one render per name at most, across workers; finished files kept in the instance
folder's `exports/` until the content changes) are trainer.services.jobs and
trainer.services.exports. A removal, merge or rename deletes the workshop's certificate files
(`forget_participant_files`), which hold names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.content.models import Curriculum, Workshop
from trainer.export.certificate import build_certificate
from trainer.export.handbook import Edition, build_handbook, handbook_filename
from trainer.services.exports import (
    certificate_bundle,
    certificates_family,
    certificates_render,
    handbook_job,
    handbook_render,
)
from trainer.services.jobs import Exports, JobStatus, Render
from trainer.store.results import workshop_participants
from trainer.web.dashboard.blueprint import (
    app_certificate_key,
    asked_language,
    bp,
    find_workshop,
    pdf_time_limit,
    workshop_language,
)
from trainer.web.errors import PageResult
from trainer.web.forms import ActionForm
from trainer.web.state import catalogue, database

EXPORTS_FOLDER = "exports"
REFRESH_S = 2  # how often the working page reloads itself without JavaScript


def exports() -> Exports:
    """Return the app's exports folder (in the instance folder, shared by every worker)."""
    return Exports(current_app.config.get("TRAINER_EXPORTS_PATH")
                   or f"{current_app.instance_path}/{EXPORTS_FOLDER}")


def forget_participant_files(workshop_id: str) -> None:
    """Delete the workshop's finished files that hold participants' names (certificates)."""
    _curriculum, workshop = find_workshop(workshop_id)
    exports().forget(certificates_family(workshop))


# -- handbooks --------------------------------------------------------------------------------


def _handbook(workshop_id: str, edition: str) -> tuple[Curriculum, Workshop, Edition, str, str]:
    curriculum, workshop = find_workshop(workshop_id)
    if edition not in {e.value for e in Edition}:
        abort(404)
    language = asked_language(workshop)
    name = handbook_job(catalogue(), curriculum, workshop, Edition(edition), language)
    return curriculum, workshop, Edition(edition), language, name


def _handbook_start(curriculum: Curriculum, workshop: Workshop, edition: Edition,
                    language: str) -> Render:
    return handbook_render(catalogue(), curriculum, workshop, edition, language, pdf_time_limit(),
                           build=build_handbook)


def _handbook_filename(curriculum: Curriculum, workshop: Workshop, edition: Edition,
                       language: str) -> str:
    filename = handbook_filename(curriculum, workshop, edition.value)
    if language != workshop_language(workshop):
        filename = filename.removesuffix(".pdf") + f"-{language}.pdf"
    return filename


def _language_args(language: str, workshop: Workshop) -> dict[str, Any]:
    return {} if language == workshop_language(workshop) else {"language": language}


@bp.get("/workshops/<workshop_id>/handbook/<edition>.pdf")
def handbook(workshop_id: str, edition: str) -> WerkzeugResponse:
    """Download the handbook when it is made; else start making it and show its progress."""
    curriculum, workshop, kind, language, name = _handbook(workshop_id, edition)
    status = exports().start(name, _handbook_start(curriculum, workshop, kind, language))
    if status.state == "done":
        return _send(name, _handbook_filename(curriculum, workshop, kind, language),
                     "application/pdf")
    return redirect(url_for("trainer.handbook_status", workshop_id=workshop.id,
                            edition=kind.value, **_language_args(language, workshop)), code=303)


@bp.route("/workshops/<workshop_id>/handbook/<edition>/status", methods=["GET", "POST"])
def handbook_status(workshop_id: str, edition: str) -> PageResult | Response:
    """Show how the handbook is coming on (JSON for the page's script); POST: try again."""
    curriculum, workshop, kind, language, name = _handbook(workshop_id, edition)
    args = _language_args(language, workshop)
    return _status_page(
        name, lambda: _handbook_start(curriculum, workshop, kind, language),
        download=url_for("trainer.handbook", workshop_id=workshop.id, edition=kind.value,
                         **args),
        here=url_for("trainer.handbook_status", workshop_id=workshop.id, edition=kind.value,
                     **args),
        curriculum=curriculum, workshop=workshop, what="handbook", edition=kind.value,
        language=language)


# -- all certificates -------------------------------------------------------------------------


def _bundle_start(curriculum: Curriculum, workshop: Workshop) -> tuple[str, Render, int]:
    participants = workshop_participants(database(), workshop.id)
    bundle = certificate_bundle(app_certificate_key(), catalogue(), curriculum, workshop,
                                participants, workshop_language(workshop))
    return (bundle.name, certificates_render(bundle, pdf_time_limit(), build=build_certificate),
            len(bundle.certificates))


@bp.get("/workshops/<workshop_id>/certificates.zip")
def certificates_zip(workshop_id: str) -> WerkzeugResponse:
    """Download every certificate of the workshop when made; else start and show progress."""
    curriculum, workshop = find_workshop(workshop_id)
    name, render, count = _bundle_start(curriculum, workshop)
    if count == 0:
        return redirect(url_for("trainer.certificates_status", workshop_id=workshop.id),
                        code=303)
    if exports().start(name, render).state == "done":
        return _send(name, f"certificates-{workshop.id}.zip", "application/zip")
    return redirect(url_for("trainer.certificates_status", workshop_id=workshop.id), code=303)


@bp.route("/workshops/<workshop_id>/certificates/status", methods=["GET", "POST"])
def certificates_status(workshop_id: str) -> PageResult | Response:
    """Show how the certificates are coming on (JSON for the page's script); POST: try again."""
    curriculum, workshop = find_workshop(workshop_id)
    name, render, count = _bundle_start(curriculum, workshop)
    return _status_page(
        name, lambda: render,
        download=url_for("trainer.certificates_zip", workshop_id=workshop.id),
        here=url_for("trainer.certificates_status", workshop_id=workshop.id),
        curriculum=curriculum, workshop=workshop, what="certificates", count=count)


# -- shared -------------------------------------------------------------------------------------


def _send(name: str, filename: str, mimetype: str) -> WerkzeugResponse:
    response = send_file(exports().path(name), mimetype=mimetype, max_age=0)
    # As every download of the dashboard names it (the file names are ASCII slugs).
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _status_page(name: str, render: Callable[[], Render], *, download: str, here: str,
                 **context: object) -> PageResult | Response:
    jobs = exports()
    if request.method == "POST" or jobs.status(name).state == "missing":
        # Asked again after a failure, or never started (or cut short by a worker's restart).
        status = jobs.start(name, render()) if context.get("count", 1) else JobStatus("none")
    else:
        status = jobs.status(name)
    if request.method == "POST":
        return redirect(here, code=303)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(state=status.state, stage=status.stage, done=status.done,
                       total=status.total, elapsed=status.elapsed(), download=download)
    code = 500 if status.state == "failed" else 200
    return render_template("trainer/job.html", status=status, download=download, here=here,
                           refresh=REFRESH_S, action_form=ActionForm(), **context), code
