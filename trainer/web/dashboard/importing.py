"""Dashboard upload of the offline site's results files (routes on the `trainer` blueprint).

  GET  /trainer/workshops/<id>/import    the upload form
  POST /trainer/workshops/<id>/import    import one or more files → the report (same page)

Trainer-only like every route of the blueprint (its before_request sends anyone else to the
login form before the body is read). The body limit of this route is larger than the app's
(a results file may hold up to 2 MiB), so the limit is set before anything reads the body, and the
CSRF check (SECURITY.md 13) runs here, after it, instead of before every request: a body over the
limit is a 413, never parsed. Importing is `trainer.services.results_import.import_results`, the
function `trainer import-results` calls.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage, ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from trainer.content.models import Curriculum
from trainer.interchange.results_check import Refusal
from trainer.interchange.results_file import MAX_BYTES
from trainer.services.results_import import ImportReport, import_results
from trainer.store.imports import is_offline
from trainer.web.dashboard.blueprint import bp, find_workshop
from trainer.web.errors import PageResult, render_error
from trainer.web.security import csrf
from trainer.web.state import catalogue, database

UPLOAD_LIMIT = 8 * 1024 * 1024  # bytes per request (config TRAINER_IMPORT_MAX_BYTES)
MAX_FILES = 50

REASONS = {
    "unknown-module": _l("This module is not in the content."),
    "module-not-in-workshop": _l("This module is not part of this workshop."),
    "unknown-question": _l("This question is not in the content."),
    "repeated-question": _l("This question is answered twice in the attempt."),
    "question-not-in-step": _l("This question is not part of this quiz or test."),
    "stale-question": _l("This question has changed since the site was made: the attempt was "
                         "taken against another version and is not graded against this one. "
                         "Give the participant a new site."),
    "questions-missing": _l("The quiz or test now has questions this attempt does not answer: "
                            "it was taken against another version."),
    "impossible-times": _l("The attempt says it was submitted before it was started."),
    "test-repeated": _l("A participant takes this test once; the file's first one is kept."),
    "test-taken": _l("The participant already has this test (each is taken once)."),
}


@bp.app_template_test("offline_participant")
def offline_participant(public_id: object) -> bool:
    """Return whether a participant came from an offline results file (a template test)."""
    return isinstance(public_id, str) and is_offline(public_id)


def _what(curriculum: Curriculum, label: str) -> str:
    """Return an attempt's label ("module quiz ID", "pre-test") in the interface language."""
    if label == "pre-test":
        return curriculum.pre_test.title
    if label == "post-test":
        return curriculum.post_test.title
    module_id = label.removeprefix("module quiz ")
    module = catalogue().modules.get(module_id)
    return str(_("Module quiz: %(title)s", title=module.title if module else module_id))


def _reason(refusal: Refusal) -> str:
    found = REASONS.get(refusal.code)
    return str(found) if found is not None else refusal.message


def _files() -> list[FileStorage]:
    return [f for f in request.files.getlist("files") if f.filename]


def _too_large() -> tuple[str, int]:
    """Answer 413 without reading the body: the pages' own forms must not try to parse it."""
    request.form = ImmutableMultiDict()
    request.files = ImmutableMultiDict()
    return render_error(413, _("These files are larger than this page accepts (%(size)d MiB at "
                               "once). Import them in smaller groups.",
                               size=max(1, (request.max_content_length or 0) // (1024 * 1024))))


def _read(upload: FileStorage) -> bytes:
    return upload.stream.read(MAX_BYTES + 1)  # one byte more: the parser refuses what is over


@bp.route("/workshops/<workshop_id>/import", methods=["GET", "POST"])
def import_files(workshop_id: str) -> PageResult:
    """Show the upload form, or import the uploaded results files and show the report."""
    curriculum, workshop = find_workshop(workshop_id)
    context = {"curriculum": curriculum, "workshop": workshop, "what": _what,
               "reason": _reason, "max_files": MAX_FILES}
    if request.method == "GET":
        return render_template("trainer/import.html", reports=[], error=None, **context)
    limit = int(current_app.config.get("TRAINER_IMPORT_MAX_BYTES", UPLOAD_LIMIT))
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return _too_large()
    try:
        csrf.protect()
        uploads = _files()
    except RequestEntityTooLarge:
        return _too_large()
    error = None
    if not uploads:
        error = _("Choose one or more results files first.")
    elif len(uploads) > MAX_FILES:
        error = _("Import at most %(count)d files at once.", count=MAX_FILES)
    if error is not None:
        return render_template("trainer/import.html", reports=[], error=error, **context), 400
    reports: list[ImportReport] = [
        import_results(database(), catalogue(), _read(upload), workshop.id,
                       source=upload.filename or "results.json")
        for upload in uploads]
    return render_template("trainer/import.html", reports=reports, error=None, **context)


# Checked in the view instead, once the larger body limit is in place (see the module docstring).
csrf.exempt(f"{__name__}.import_files")
