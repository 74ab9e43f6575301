"""The `trainer handbook` command: export a workshop's PDF handbook (participant or facilitator).

By default the handbooks are asked of the warm layout server of the content root
(`trainer.export.layout_client`), started on first use: it keeps WeasyPrint, the layout processes
and the content loaded between runs. Without it (`--no-server`, `TRAINER_LAYOUT_SERVER=0`, or
when it is absent, dead or refuses) the command lays out itself: the layout processes' server (it
imports WeasyPrint, half a second) is started first, before this command imports and loads the
content, so the two happen at once on two cores.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from trainer.cli.options import deprecated, root_option
from trainer.errors import ContentError, ExportError
from trainer.locales import LANGUAGES

if TYPE_CHECKING:
    from trainer.content.catalogue import Catalogue
    from trainer.content.models import Curriculum, Workshop
    from trainer.export.layout_pool import PartRenderer

# trainer.export.handbook's Edition and Paper values (importing it here would load the content
# layer before the layout server is started).
EDITIONS = ("participant", "facilitator")
PAPERS = ("a4", "letter")
# Imported on first use (PEP 562), once the layout server is starting; `_export` calls them as
# attributes of this module, so they can be replaced like any module attribute.
_LATER = {"load_catalogue": "trainer.content.catalogue",
          "handbook_filename": "trainer.export.handbook",
          "handbook_html": "trainer.export.handbook",
          "render_handbook": "trainer.export.handbook"}


def __getattr__(name: str) -> Any:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LATER[name]), name)
    globals()[name] = value
    return value

logger = logging.getLogger(__name__)

_STAGES = {"html": "building pages", "layout": "laying out",
           "write": "writing PDF"}


def _find_curriculum(catalogue: Catalogue, name: str) -> Curriculum:
    """Return the curriculum with id `name`, or (deprecated) the one loaded from file `name`."""
    if not name.endswith((".yaml", ".yml")):
        if name not in catalogue.curricula:
            known = ", ".join(sorted(catalogue.curricula)) or "none"
            raise click.BadParameter(f"no curriculum '{name}' in {catalogue.root} (curricula: "
                                     f"{known})", param_hint="CURRICULUM")
        return catalogue.curriculum(name)
    file = Path(name)
    wanted = file.resolve()
    for key, path in catalogue.files.items():
        if key.startswith("curriculum:") and path.resolve() == wanted:
            return catalogue.curriculum(key.removeprefix("curriculum:"))
    raise click.BadParameter(f"{file} is not a curriculum file of its content root",
                             param_hint="CURRICULUM")


def _find_workshop(curriculum: Curriculum, workshop_id: str | None) -> Workshop:
    if workshop_id is None:
        return curriculum.workshops[0]
    for workshop in curriculum.workshops:
        if workshop.id == workshop_id:
            return workshop
    known = ", ".join(w.id for w in curriculum.workshops)
    raise click.BadParameter(f"no workshop '{workshop_id}' in {curriculum.id} (workshops: {known})",
                             param_hint="--workshop")


def _write(target: Path, data: bytes) -> None:
    """Write then rename, so an interrupted export never leaves a truncated file behind."""
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)


@click.command()
@click.argument("curriculum_name", metavar="CURRICULUM")
@click.option("--workshop", "workshop_ids", metavar="ID", multiple=True,
              help="Workshop id (default: the curriculum's first workshop). Give it several "
                   "times for several editions in one run (see --output-dir).")
@click.option("--all-workshops", is_flag=True,
              help="One handbook for every workshop of the curriculum, in one run: the modules "
                   "they share are laid out once.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the handbooks of several workshops (default: the current one), "
                   "each under its default name.")
@click.option("--edition", type=click.Choice(EDITIONS), default=EDITIONS[0], show_default=True,
              help="The facilitator edition holds the answers: never hand it to participants.")
@click.option("--paper", type=click.Choice(PAPERS), default=PAPERS[0], show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Language of the handbook: translated modules and boilerplate "
                   "(default: the workshop's language).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write (default: <curriculum>-<workshop>-<edition>.pdf).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the print HTML of the handbook to this file instead of the PDF.")
@click.option("--no-cache", is_flag=True,
              help="Lay out the whole handbook as one document, without the part cache "
                   "(~/.cache/trainer/handbook, or $TRAINER_CACHE_DIR/handbook).")
@click.option("--no-server", is_flag=True,
              help="Lay out in this process, without the warm layout server of the content "
                   "root (also TRAINER_LAYOUT_SERVER=0).")
@root_option
def handbook(curriculum_name: str, workshop_ids: tuple[str, ...], all_workshops: bool,
             output_dir: Path | None, edition: str, paper: str, language: str | None,
             output: Path | None, html_file: Path | None, no_cache: bool, no_server: bool,
             root: Path) -> None:
    """Export the PDF handbook of a workshop of CURRICULUM (a curriculum id of the content root).

    Parts already laid out (modules, worksheets, front matter …) are reused from a disk cache;
    deleting the cache is always safe. Several workshops (`--workshop` more than once, or
    `--all-workshops`) are exported in one run, into `--output-dir`: the content is read once and
    the parts their handbooks share (the modules of editions in one language) are laid out once.
    A layout server kept warm between runs (one per user and content root, exiting after 10 idle
    minutes) does the work, unless --no-server is given.
    """
    started = time.perf_counter()
    several = all_workshops or len(workshop_ids) > 1
    if all_workshops and workshop_ids:
        raise click.UsageError("give --workshop or --all-workshops, not both")
    if several and (output is not None or html_file is not None):
        raise click.UsageError("several workshops are written into --output-dir: leave out "
                               "-o/--output and --html")
    if output_dir is not None and not several:
        raise click.UsageError("--output-dir is for several workshops: give -o/--output for one")
    by_file = curriculum_name.endswith((".yaml", ".yml"))
    if by_file:
        deprecated("naming the curriculum by its file", "its id (`trainer handbook ID --root DIR`)")
        if not Path(curriculum_name).is_file():
            raise click.BadParameter(f"no file {curriculum_name}", param_hint="CURRICULUM")
        root = Path(curriculum_name).resolve().parent.parent
    done: set[str] = set()
    if html_file is None and not no_cache and not no_server:
        from trainer.export.layout_client import server_enabled

        if server_enabled():
            folder = output_dir or Path()
            if several:
                folder.mkdir(parents=True, exist_ok=True)
            request = {"root": str(root.resolve()), "all": all_workshops,
                       "curriculum": None if by_file else curriculum_name,
                       "curriculum_file": str(Path(curriculum_name).resolve()) if by_file else None,
                       "workshops": list(dict.fromkeys(workshop_ids)), "edition": edition,
                       "paper": paper, "language": language}
            if _export_by_server(request, root, output, folder if several else None, language,
                                 started, done):
                return
    from trainer.export.layout_pool import PartRenderer

    renderer = PartRenderer()
    if html_file is None and not no_cache:
        renderer.start_soon()
    try:
        catalogue, curriculum = _load(curriculum_name, root)
        if all_workshops:
            workshops = list(curriculum.workshops)
        else:
            # A workshop named twice is exported once.
            workshops = [_find_workshop(curriculum, w)
                         for w in dict.fromkeys(workshop_ids) or (None,)]
        if several:
            folder = output_dir or Path()
            folder.mkdir(parents=True, exist_ok=True)
        # What the layout server wrote before it stopped answering is not laid out again.
        workshops = [workshop for workshop in workshops if workshop.id not in done]
        for number, workshop in enumerate(workshops):
            target = output
            if several:
                target = folder / _filename(curriculum, workshop, edition, language)
            # The first handbook's time counts from the start; each next one's from its own.
            _export(catalogue, curriculum, workshop, edition, paper, language, target,
                    html_file, no_cache, renderer,
                    started if number == 0 and not done else time.perf_counter())
    finally:
        renderer.close()


def _filename(curriculum: Curriculum, workshop: Workshop, edition: str, language: str | None
              ) -> str:
    """Return a handbook's default file name, naming its language when it is not the workshop's."""
    name = str(sys.modules[__name__].handbook_filename(curriculum, workshop, edition))
    return _with_language(name, workshop.language, language)


def _with_language(name: str, workshop_language: str, language: str | None) -> str:
    if language is not None and language != workshop_language:
        name = f"{name.removesuffix('.pdf')}-{language}.pdf"
    return name


def _export_by_server(request: dict[str, Any], root: Path, output: Path | None,
                      folder: Path | None, language: str | None, started: float, done: set[str]
                      ) -> bool:
    """Have the layout server make the handbooks; return whether it made them all.

    Each handbook it finishes is written (into `folder` under its default name naming its
    language, for several; else to `output` or its default name) and its workshop id added to
    `done`; when the server is unavailable, the caller lays out the rest itself.
    """
    from trainer.export.layout_client import LayoutClient, ServerUnavailable
    from trainer.export.part_cache import default_cache_dir

    with contextlib.ExitStack() as stack:
        bars = stack.enter_context(contextlib.ExitStack())  # the current handbook's bar
        bar: Any = None
        try:
            client = stack.enter_context(LayoutClient.connect(root, default_cache_dir()))
            for header, pdf in client.export(request):
                if "stage" in header:
                    if bar is None:
                        bar = bars.enter_context(click.progressbar(
                            list(_STAGES), label=f"Handbook {header['workshop']}",
                            file=sys.stderr, show_eta=False,
                            item_show_func=lambda stage: _STAGES.get(stage or "", "")))
                    bar.update(1, header["stage"])
                    continue
                bars.close()
                bar = None
                name = str(header["name"])
                target = output or Path(name)
                if folder is not None:
                    target = folder / _with_language(name, str(header["language"]), language)
                _write(target, pdf)
                elapsed = time.perf_counter() - started
                click.echo(f"wrote {target} ({header['pages']} pages, {request['edition']} "
                           f"edition, {elapsed:.1f} s)")
                done.add(str(header["done"]))
                started = time.perf_counter()
        except ServerUnavailable as exc:
            logger.info("laying out without the layout server: %s", exc)
            return False
    return True


def _load(curriculum_name: str, root: Path) -> tuple[Catalogue, Curriculum]:
    """Load the content and find the curriculum, or stop with the content's problems listed."""
    this = sys.modules[__name__]
    try:
        catalogue = this.load_catalogue(root)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise click.ClickException(f"{len(exc.issues)} content problem(s): fix them first "
                                   "(see `trainer check`).") from None
    return catalogue, _find_curriculum(catalogue, curriculum_name)


def _export(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop, edition: str,
            paper: str, language: str | None, output: Path | None, html_file: Path | None,
            no_cache: bool, renderer: PartRenderer, started: float) -> None:
    this = sys.modules[__name__]
    # The bar goes to stderr so stdout carries only the result line (scripts read it).
    with click.progressbar(list(_STAGES), label=f"Handbook {workshop.id}", file=sys.stderr,
                           item_show_func=lambda stage: _STAGES.get(stage or "", ""),
                           show_eta=False) as bar:
        def advance(stage: str) -> None:
            bar.update(1, stage)

        if html_file is not None:
            html = this.handbook_html(catalogue, curriculum, workshop, edition, paper,
                                 language=language or workshop.language)
            _write(html_file, html.encode("utf-8"))
            click.echo(f"wrote {html_file} (print HTML, {edition} edition)")
            return
        try:
            rendered = this.render_handbook(catalogue, curriculum, workshop, edition, paper,
                                       language=language or workshop.language, on_stage=advance,
                                       use_cache=not no_cache, renderer=renderer)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
    target = output or Path(this.handbook_filename(curriculum, workshop, edition))
    _write(target, rendered.pdf)
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {target} ({rendered.pages} pages, {edition} edition, {elapsed:.1f} s)")
