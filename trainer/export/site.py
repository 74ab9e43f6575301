"""The offline static site of a curriculum: open `index.html` from a USB stick, no server, no network.

`build_site(catalogue, curriculum, workshop)` returns the site's files: `index.html` (the pre-test,
the modules, the post-test and the results export), one folder per module (the same page as the
SCORM package, reporting to the browser's localStorage instead of an LMS), `pre/` and `post/` (the
curriculum's tests, with the same player and grader) and `shared/` (CSS, the grader, the player,
the site data). The order is the web app's (trainer.services.progress): module quizzes open once the
pre-test is submitted, the post-test once every module quiz has been; each test is taken once;
reading is never locked. Results are exported by the participant as a JSON file
(docs/results-file.md) that the trainer imports (`trainer import-results` or the dashboard). As
in a SCORM package, the answer keys are in the files: the site is for practice.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Workshop
from trainer.errors import ExportError
from trainer.export.package_pages import (
    SHARED,
    PackageFile,
    data_script,
    generator_note,
    iter_names,
    module_files,
    module_folder,
    render_page,
    shared_files,
    test_files,
)

__all__ = ["build_site", "site_zip", "write_site"]

_ZIP_TIME = (2016, 12, 12, 0, 0, 0)


def _workshop_line(curriculum: Curriculum, workshop: Workshop | None) -> str:
    if workshop is None:
        return curriculum.audience
    place = workshop.city or workshop.country or workshop.region
    return f"{workshop.title} · {place}"


def build_site(catalogue: Catalogue, curriculum: Curriculum,
               workshop: Workshop | None = None, language: str | None = None) -> list[PackageFile]:
    """Return every file of the offline site of `curriculum` (plus a workshop's extra modules).

    `language` (default: the workshop's, else the curriculum's): the site's language: its
    interface words, the player's, and the modules and curriculum text where translated (others
    keep their own language, marked with their own lang and dir).
    """
    language = language or (workshop.language if workshop else curriculum.language)
    modules = [catalogue.module_in(m.id, language)
               for m in catalogue.curriculum_modules(curriculum, workshop)]
    shown = catalogue.curriculum_in(curriculum.id, language)
    if workshop is not None:
        workshop = next(w for w in shown.workshops if w.id == workshop.id)
    footer = generator_note(language)
    files: list[PackageFile] = []
    for position, module in enumerate(modules):
        files.extend(module_files(catalogue, module, position, "site", footer, language))
    folders = {m.id: module_folder(i) for i, m in enumerate(modules)}
    for which in ("pre", "post"):
        files.extend(test_files(catalogue, shown, which, folders, footer, language))
    site_data = {
        "curriculum": curriculum.id,
        "workshop": workshop.id if workshop else None,
        "modules": [
            {"id": m.id, "hash": catalogue.module_hashes[m.id], "folder": module_folder(i)}
            for i, m in enumerate(modules)
        ],
        "tests": ["pre", "post"],
    }
    files.append(PackageFile(f"{SHARED}/site-data.js", data_script("TrainerSiteData", site_data)))
    files.extend(shared_files("site", language))
    index = render_page(
        "index.html", language, up="", mode="site", curriculum=shown,
        summary=Markup(catalogue.html(shown.summary)),  # noqa: S704 - sanitised at load
        workshop_line=_workshop_line(shown, workshop), footer=footer,
        modules=[{"module": m, "folder": module_folder(i)} for i, m in enumerate(modules)],
        scripts=[f"{SHARED}/strings.js", f"{SHARED}/site-data.js", f"{SHARED}/site_store.js",
                 f"{SHARED}/site_index.js"],
    )
    files.insert(0, PackageFile("index.html", index))
    list(iter_names(files))
    return files


def write_site(files: Sequence[PackageFile], target: Path) -> None:
    """Write the site into `target` (created; refused when it holds anything already)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder; choose a new one")
    for file in files:
        path = target / file.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.data)


def site_zip(files: Sequence[PackageFile]) -> bytes:
    """Return the site as a zip (a participant unzips it and opens index.html)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.data)
    return buffer.getvalue()
