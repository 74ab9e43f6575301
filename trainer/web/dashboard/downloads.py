"""Dashboard downloads: results and item CSVs, the results report, one participant's certificate,
and the workshop's e-learning packages (SCORM, offline site, Moodle XML bank; `?language=`).

Handbooks and all certificates at once take longer: they are jobs (trainer.web.dashboard.jobs).

The PDFs are written in the workshop's language (its `language:` in the curriculum), whatever the
language of the dashboard: the report and certificates are for that workshop's people. A trainer
may ask for the handbook in another interface language (`?language=`).
"""

from __future__ import annotations

import logging

from flask import Response, abort
from flask_babel import gettext as _

from trainer.errors import ExportError
from trainer.export.certificate import build_certificate, certificate_filename
from trainer.export.csv_export import gain_csv, items_csv, participants_csv
from trainer.export.report import build_report, report_filename
from trainer.locales import gettext_for
from trainer.services.certificates import certificate_data
from trainer.services.packages import PackageKind, workshop_package
from trainer.store.results import find_workshop_participant
from trainer.web.caches import caches
from trainer.web.dashboard.blueprint import (
    app_certificate_key,
    asked_language,
    bp,
    find_workshop,
    pdf_time_limit,
    workshop_language,
    workshop_results,
)
from trainer.web.errors import render_error
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)


def _download(body: str | bytes, filename: str, content_type: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/workshops/<workshop_id>/results.csv")
def results_csv(workshop_id: str) -> Response:
    """Download one row per participant (formula-safe CSV)."""
    results = workshop_results(workshop_id)
    return _download(participants_csv(results), f"{results.workshop.id}-results.csv",
                     "text/csv; charset=utf-8")


@bp.get("/workshops/<workshop_id>/gain.csv")
def gain_figures_csv(workshop_id: str) -> Response:
    """Download the learning-gain figures with their n and 95 % intervals as CSV."""
    results = workshop_results(workshop_id)
    return _download(gain_csv(results), f"{results.workshop.id}-gain.csv",
                     "text/csv; charset=utf-8")


@bp.get("/workshops/<workshop_id>/items.csv")
def item_analysis_csv(workshop_id: str) -> Response:
    """Download the item analysis, one row per question version (formula-safe CSV)."""
    results = workshop_results(workshop_id)
    return _download(items_csv(results), f"{results.workshop.id}-items.csv",
                     "text/csv; charset=utf-8")


def _pdf_failed(what: str, error: ExportError) -> tuple[str, int]:
    logger.error("%s failed: %s", what, error)
    return render_error(500, _("The PDF could not be made. Try again; if it keeps failing, "
                               "tell whoever runs this site."))


@bp.get("/workshops/<workshop_id>/report.pdf")
def report_pdf(workshop_id: str) -> Response | tuple[str, int]:
    """Download the results report (summary, gain chart, grid, item analysis annex)."""
    _curriculum, workshop = find_workshop(workshop_id)
    language = workshop_language(workshop)
    results = workshop_results(workshop_id, language)  # its texts in the report's language
    try:
        pdf = build_report(results, language=language, time_limit=pdf_time_limit())
    except ExportError as exc:
        return _pdf_failed("results report", exc)
    return _download(pdf, report_filename(results), "application/pdf")


@bp.get("/workshops/<workshop_id>/certificates/<public_id>.pdf")
def certificate(workshop_id: str, public_id: str) -> Response | tuple[str, int]:
    """Download the certificate of a participant who passed the post-test (else 404)."""
    curriculum, found = find_workshop(workshop_id)
    participant = find_workshop_participant(database(), found.id, public_id)
    if participant is None:
        abort(404)
    language = workshop_language(found)
    data = certificate_data(app_certificate_key(), catalogue(), curriculum, found, participant, language)
    if data is None:
        abort(404)
    try:
        pdf = build_certificate(data, gettext=gettext_for(language), time_limit=pdf_time_limit())
    except ExportError as exc:
        return _pdf_failed("certificate", exc)
    return _download(pdf, certificate_filename(found.id, participant.display_name),
                     "application/pdf")


@bp.get("/workshops/<workshop_id>/packages/<kind>")
def package(workshop_id: str, kind: str) -> Response | tuple[str, int]:
    """Download the workshop's SCORM package, offline site or Moodle XML bank, in its language
    or in `?language=`; made once per worker, then kept."""
    curriculum, workshop = find_workshop(workshop_id)
    if kind not in {k.value for k in PackageKind}:
        abort(404)
    language = asked_language(workshop)
    key = (kind, workshop.id, language)
    found = caches().packages.get(key)
    if found is None:
        try:
            found = caches().packages.put(key, workshop_package(
                catalogue(), curriculum, workshop, PackageKind(kind), language))
        except ExportError as error:
            logger.error("package %s of %s failed: %s", kind, workshop.id, error)
            return render_error(500, _("The package could not be made. Try again; if it keeps "
                                       "failing, tell whoever runs this site."))
    return _download(found.body, found.filename, found.media_type)
