"""Build a workshop handbook: print HTML from Jinja templates, then PDF through `pdf.py`.

Two editions: the participant edition (reading, case studies, a worksheet per module, never an
answer, explanation, feedback or facilitator note) and the facilitator edition (all of that plus
timings, facilitator notes and an answer key per module). What reaches the HTML is decided here,
not hidden by CSS: the participant edition's HTML simply does not contain the answers.

Every boilerplate string of the handbook is in `labels()` and goes through a gettext-style
function, so a translation catalogue can be plugged in (`gettext=`). Author text is the sanitised
HTML the catalogue rendered once at load. Layout uses CSS logical properties, and the `<html>`
element carries `lang` and `dir`, so a right-to-left handbook needs no second stylesheet.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from trainer.content.catalogue import MODULES_DIR, Catalogue
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    MultipleChoice,
    Option,
    Ordering,
    Question,
    SectionKind,
    SingleChoice,
    TrueFalse,
    Workshop,
    content_hash,
)
from trainer.content.translation.marks import marked_runs, source_title_runs
from trainer.errors import ExportError
from trainer.export.layout_pool import PartRenderer, PartRequest
from trainer.export.part_cache import CachedPart, PartCache, part_key
from trainer.export.print_templates import css_content, css_string, print_environment
from trainer.export.rendered import MAX_PAGES, STATIC_DIR, Rendered, StageCallback
from trainer.locales import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    base_language,
    format_dates,
    gettext_for,
    language_name_in,
    text_direction,
    without_label,
)
from trainer.quiz.normalise import format_number
from trainer.quiz.shuffle import option_order

if TYPE_CHECKING:
    from trainer.export.assembly import Blank, Piece

__all__ = [
    "Edition",
    "Paper",
    "PartSpec",
    "build_handbook",
    "handbook_assets",
    "handbook_filename",
    "handbook_html",
    "labels",
    "render_handbook",
    "render_parts",
    "warm_up",
]

logger = logging.getLogger(__name__)

ASSETS_DIR = "assets"
# Dates in international (day month year) order for English, as UN documents write them.
Gettext = Callable[[str], str]


class Edition(StrEnum):
    """Who the handbook is for."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"


class Paper(StrEnum):
    """Page size."""

    A4 = "a4"
    LETTER = "letter"


def _identity(message: str) -> str:
    return message


def labels(_: Gettext = _identity) -> dict[str, str]:
    """Return every boilerplate string of the handbook, translated by `_` (one place for them)."""
    return {
        "contents": _("Contents"),
        "module": _("Module"),
        "module_n": _("Module {number}"),
        "page_of": _("Page {page} of {pages}"),
        "participant_edition": _("Participant edition"),
        "facilitator_edition": _("Facilitator edition"),
        "facilitator_warning": _("Contains the answers: keep it away from participants."),
        "region": _("Region"),
        "venue": _("Venue"),
        "dates": _("Dates"),
        "language": _("Language"),
        "edition": _("Edition"),
        "prepared_by": _("Prepared by {author}"),
        "about": _("About this handbook"),
        "audience": _("Audience:"),
        "sources": _("Sources"),
        "sources_pointer": _("Each module ends with its key sources; all the sources of this "
                             "handbook are listed together at the end, page"),
        "sources_intro": _("Every source the modules of this handbook rely on, in the order "
                           "the modules cite them."),
        "key_sources": _("Key sources"),
        "training_use": _(
            "For training use only. This handbook supports a capacity-building workshop; it is "
            "not legal advice and not an official text. Always check the instruments themselves."
        ),
        "facilitator_notice": _(
            "This facilitator edition contains timings, facilitator notes and the answer key. "
            "Do not hand it out to participants."
        ),
        "content_version": _("Content version {version}"),
        "objectives": _("Learning objectives"),
        "objectives_intro": _("By the end of this module you will be able to:"),
        "duration": _("Duration"),
        "minutes": _("{minutes} min"),
        "case_study": _("Case study"),
        "facilitator_note": _("Facilitator note"),
        "suggested_time": _("Suggested time: {minutes} min"),
        "worksheet": _("Worksheet"),
        "worksheet_intro": _("Answer in the spaces provided. Your facilitator will go through "
                             "the answers with the group."),
        "question": _("Question {number}"),
        "points": _("{points} pt"),
        "choose_one": _("Choose one answer."),
        "choose_all": _("Choose all the answers that apply."),
        "true_or_false": _("True or false?"),
        "write_answer": _("Write your answer."),
        "write_number": _("Write a number."),
        "match_intro": _("Write the letter of the matching description in each box. "
                         "Not every description is used."),
        "match_intro_all": _("Write the letter of the matching description in each box."),
        "order_intro": _("Number the steps in the right order (1 = first)."),
        "see_case": _("Refers to the case study “{title}”, page"),
        "answer_key": _("Answer key"),
        "answer_key_intro": _("Question numbers match the participants' worksheets. Each "
                              "entry gives the right answer, why, and what to say about "
                              "each wrong answer."),
        "answer": _("Answer"),
        "why": _("Why"),
        "if_chosen": _("If chosen"),
        "if_wrong": _("If the answer is wrong"),
        "accepted": _("Accepted answers"),
        "right_order": _("Right order"),
        "between": _("between {low} and {high}"),
        "plus_minus": _("{value} (± {tolerance})"),
        "assesses": _("Assesses"),
        "not_used": _("not used"),
        "alphabet": _("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    }


@dataclass(frozen=True)
class QuestionView:
    """A question with its number and the deterministic print order of its parts."""

    question: Question
    number: str
    anchor: str
    letters: tuple[str, ...]
    # choice kinds: the options in print order (written order, or seeded-shuffled with shuffle: true)
    options: tuple[Option, ...] = ()
    # matching: (letter, html) of every match and distractor, shuffled; pair id -> letter
    matches: tuple[tuple[str, Markup], ...] = ()
    match_of: tuple[tuple[str, str], ...] = ()
    unused_letters: tuple[str, ...] = ()
    # ordering: (letter, html, right position) shuffled; and the letters in the right order
    order_items: tuple[tuple[str, Markup, int], ...] = ()
    right_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleView:
    """A module with its number, anchors and question views."""

    module: Module
    number: int
    anchor: str
    questions: tuple[QuestionView, ...]
    case_titles: tuple[tuple[str, str], ...]


def _print_order(question: Question, seed: str, ids: Sequence[str]) -> list[int]:
    """Return the print order of `ids` (the question's choice ids) as positions into them.

    The quiz's own deterministic shuffle (`trainer.quiz.shuffle.option_order`), so the same seed
    prints the same order on every run. It never keeps an ordering question in its right order; a
    matching question's matches are likewise never left in the prompts' order (that would give
    the answers away in print).
    """
    position = {item: index for index, item in enumerate(ids)}
    order = [position[item] for item in option_order(question, seed)]
    if len(order) > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def _option_order(question: SingleChoice | MultipleChoice | TrueFalse, seed: str, shuffle: bool,
                  earlier: list[int]) -> tuple[Option, ...]:
    """Return a choice question's options in print order, as the web shows them.

    With `shuffle`, the order is trainer.quiz.shuffle.option_order seeded by the question's
    content hash (so the participant and facilitator editions agree, and the key matches), then
    rotated while the first right option would land where it did in the two previous questions
    (a key never reads "A, A, A") or the right options would be exactly the first ones.
    `earlier` holds the positions of the right answers printed so far in the module.
    """
    by_id = {option.id: option for option in question.options}
    ids = option_order(question, seed) if shuffle else [o.id for o in question.options]
    if shuffle:
        for _ in range(len(ids)):
            right = [i for i, option_id in enumerate(ids) if by_id[option_id].correct]
            run = len(earlier) >= 2 and earlier[-1] == earlier[-2] == right[0]
            first_n = len(right) < len(ids) and right == list(range(len(right))) and len(right) > 1
            if not (run or first_n):
                break
            ids = ids[1:] + ids[:1]
    ordered = tuple(by_id[option_id] for option_id in ids)
    earlier.append(next(i for i, option in enumerate(ordered) if option.correct))
    return ordered


def _question_view(catalogue: Catalogue, module: Module, number: int, index: int,
                   question: Question, letters: tuple[str, ...], earlier: list[int]) -> QuestionView:
    seed = catalogue.question_hashes.get((module.id, question.id), question.id)
    base = QuestionView(question, f"{number}.{index}", f"q-{module.id}-{question.id}", letters)
    if isinstance(question, SingleChoice | MultipleChoice | TrueFalse):
        return replace(base, options=_option_order(question, seed, module.quiz.shuffle, earlier))
    if isinstance(question, Matching):
        texts = [(p.id, p.match) for p in question.pairs]
        texts += [(d.id, d.text) for d in question.distractors]
        order = _print_order(question, seed, [item_id for item_id, _ in texts])
        letter_of = {texts[i][0]: letters[pos] for pos, i in enumerate(order)}
        matches = tuple((letters[pos], Markup(catalogue.inline_html(texts[i][1])))  # noqa: S704
                        for pos, i in enumerate(order))
        return replace(base, matches=matches,
                       match_of=tuple((p.id, letter_of[p.id]) for p in question.pairs),
                       unused_letters=tuple(letter_of[d.id] for d in question.distractors))
    if isinstance(question, Ordering):
        order = _print_order(question, seed, [item.id for item in question.items])
        items = tuple(
            (letters[pos], Markup(catalogue.inline_html(question.items[i].text)), i + 1)  # noqa: S704
            for pos, i in enumerate(order))
        by_position = sorted(items, key=lambda item: item[2])
        return replace(base, order_items=items,
                       right_order=tuple(letter for letter, _, _ in by_position))
    return base


def _module_views(catalogue: Catalogue, modules: Sequence[Module], letters: tuple[str, ...]
                  ) -> list[ModuleView]:
    views = []
    for number, module in enumerate(modules, start=1):
        earlier: list[int] = []
        questions = tuple(_question_view(catalogue, module, number, index, question, letters, earlier)
                          for index, question in enumerate(module.quiz.questions, start=1))
        cases = tuple((s.id, s.title) for s in module.sections if s.kind == SectionKind.CASE_STUDY)
        views.append(ModuleView(module, number, f"m-{module.id}", questions, cases))
    return views


def _language_name(code: str, locale: str) -> str:
    """Return a language's name as a heading or table cell shows it (capitalised)."""
    name = language_name_in(code, locale)
    return name[:1].upper() + name[1:]




def source_title(source: Module, shown: Module, index: int, page: str) -> Markup:
    """Return the title of source `index` of a module as shown in a `page`-language handbook, the
    part a translation kept in the source's language marked as such (`source_title_runs`)."""
    return marked_runs(source_title_runs(source, shown, index), page)


def _sources(catalogue: Catalogue, modules: Iterable[Module], language: str) -> list[Any]:
    """Return each distinct source once, with its title marked by `source_title`."""
    seen: set[tuple[str, str | None]] = set()
    found = []
    for module in modules:
        for index, source in enumerate(module.sources):
            if (source.title, source.url) in seen:
                continue
            seen.add((source.title, source.url))
            found.append((source, source_title(catalogue.modules[module.id], module, index, language)))
    return found


def _page_css(text: str, paper: Paper, direction: str = "ltr") -> str:
    """Return the @page rules that carry translated text (CSS cannot call gettext).

    Running heads sit on the outer edge: the curriculum on the verso, the module on the recto.
    A right-to-left book is bound on the right, so its recto is the left page: swap them.
    """
    size = "A4" if paper is Paper.A4 else "letter"
    footer = css_content(text)
    heads = ""
    if direction == "rtl":
        heads = ("@page main:left { @top-left { content: string(module-title); } }\n"
                 "@page main:right { @top-right { content: string(curriculum); } }\n")
    return (f"@page {{ size: {size}; }}\n"
            f"@page main {{ @bottom-center {{ content: {footer}; }} }}\n"
            f"@page front {{ @bottom-center {{ content: {footer}; }} }}\n" + heads)


# The print stylesheet, given to the layout processes with each part (parts do not link it).
PRINT_SHEETS = (STATIC_DIR / "handbook.css",)
_environment = print_environment({"number": format_number, "without_label": without_label})
# A cross-part link, rewritten into a named destination of the whole book when parts are assembled.
PART_LINK_SCHEME = "trainer-part:"
# Printed where a page number goes while only a part's page count is wanted (3 digits: MAX_PAGES).
_PLACEHOLDER_PAGE = "888"


@dataclass(frozen=True)
class PartSpec:
    """One part of a handbook laid out on its own: `kind` and, for a module's parts, its index.

    Kinds: "front" (cover, colophon, contents), "module" (a module's reading), "worksheet",
    "sources", "key" (the facilitator edition's answer key).
    """

    kind: str
    index: int = -1

    @property
    def name(self) -> str:
        """Return a short name for logs and tests: "front", "module-2", …"""
        return self.kind if self.index < 0 else f"{self.kind}-{self.index + 1}"


@dataclass(frozen=True)
class _Book:
    """Everything the handbook template needs, built once per handbook."""

    context: dict[str, Any]
    views: tuple[ModuleView, ...]
    facilitator: bool
    direction: str
    curriculum_title: str
    plan_id: str = ""  # the same for every workshop's edition in one language, edition, paper


def _book(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop, edition: Edition,
          paper: Paper, gettext: Gettext | None, language: str | None) -> _Book:
    language = language or curriculum.language
    if gettext is None and base_language(language) not in LANGUAGES:
        # No catalog for the boilerplate (`trainer check` warns about such a workshop): one
        # language throughout, English, rather than English headings around a Georgian date.
        logger.warning("no interface catalog for '%s': the handbook is in English", language)
        language = SOURCE_LANGUAGE
    text = labels(gettext or gettext_for(language))
    letters = tuple(text["alphabet"])
    modules = [catalogue.module_in(m.id, language)
               for m in catalogue.curriculum_modules(curriculum, workshop)]
    views = _module_views(catalogue, modules, letters)
    # The curriculum's and the workshop's own text in the handbook's language when translated.
    try:
        shown, shown_workshop = catalogue.workshop_in(workshop.id, language)
    except KeyError:  # a curriculum built by the caller, not in the catalogue: its own text
        shown, shown_workshop = curriculum, workshop
    version = hashlib.sha256("".join(
        [content_hash(curriculum)] + [catalogue.module_hashes[m.id] for m in modules]
    ).encode()).hexdigest()[:12]

    def md(markdown: str | None) -> Markup:
        return Markup(catalogue.html(markdown))  # noqa: S704 - sanitised by trainer.content

    def inline(markdown: str | None) -> Markup:
        return Markup(catalogue.inline_html(markdown))  # noqa: S704 - sanitised likewise

    def view_lang(view: ModuleView) -> Markup:
        """Mark a module written in another language than the handbook's boilerplate."""
        code = view.module.language
        if code == language:
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(code, text_direction(code))

    direction = text_direction(language)
    context: dict[str, Any] = dict(
        t=text,
        md=md,
        inline=inline,
        view_lang=view_lang,
        source_title=lambda module, index: source_title(catalogue.modules[module.id], module, index,
                                                        language),
        # Curriculum text in another language than the handbook's (no translation) runs in its own
        # direction: an English paragraph in an Arabic handbook is laid out left to right.
        curriculum_lang=(Markup("") if shown.language == language
                         else Markup(' lang="{}" dir="{}"').format(shown.language,
                                                                    text_direction(shown.language))),
        curriculum=shown,
        workshop=shown_workshop,
        modules=views,
        facilitator=edition is Edition.FACILITATOR,
        edition_label=text[f"{edition.value}_edition"],
        lang=language,
        direction=direction,
        dates=format_dates(workshop.start, workshop.end, language),
        venue=", ".join(part for part in (shown_workshop.city, shown_workshop.country) if part),
        workshop_language=_language_name(workshop.language, language),
        sources=_sources(catalogue, modules, language),
        version=version,
        stylesheet=(STATIC_DIR / "handbook.css").as_uri(),
        page_css=_page_css(text["page_of"], paper, direction),
    )
    plan_id = "\0".join([curriculum.id, language, edition.value, paper.value,
                          *(m.id for m in modules)])
    return _Book(context, tuple(views), edition is Edition.FACILITATOR, direction,
                 shown.title, plan_id)


_WHOLE = {"front": True, "main": True, "modules": True, "worksheets": True, "sources": True,
          "key": True}


def _local_ref(anchor: str) -> Markup:
    return Markup(' href="#{}"').format(anchor)


def _render(book: _Book, *, show: dict[str, bool], main_modules: Sequence[ModuleView],
            ref: Callable[[str], Markup], extra_css: str = "", linked: bool = True) -> str:
    """Return the handbook's HTML; without `linked`, its print stylesheet is left for the
    renderer to apply (`PRINT_SHEETS`: the parts' layout processes parse it once, not per part)."""
    template = _environment.get_template("handbook/handbook.html")
    context = dict(book.context)
    context["page_css"] = Markup(context["page_css"] + extra_css)  # noqa: S704 - escaped parts
    if not linked:
        context["stylesheet"] = None
    return template.render(**context, show=show, main_modules=main_modules, ref=ref)


def handbook_html(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                  edition: Edition | str = Edition.PARTICIPANT, paper: Paper | str = Paper.A4,
                  *, gettext: Gettext | None = None, language: str | None = None) -> str:
    """Return the print HTML of a workshop's handbook (what `build_handbook` renders).

    `language` (default: the curriculum's; the CLI and the dashboard pass the workshop's) picks
    the translated modules (same ids and answer keys; untranslated ones stay in their source
    language, marked with their own `lang`) and, unless `gettext` is given, the boilerplate's
    catalog (trainer.locales).
    """
    book = _book(catalogue, curriculum, workshop, Edition(edition), Paper(paper), gettext,
                 language)
    return _render(book, show=_WHOLE, main_modules=book.views, ref=_local_ref)


def _part_specs(book: _Book) -> list[PartSpec]:
    specs = [PartSpec("front")]
    for index in range(len(book.views)):
        specs += [PartSpec("module", index), PartSpec("worksheet", index)]
    specs.append(PartSpec("sources"))
    if book.facilitator:
        specs.append(PartSpec("key"))
    return specs


def _part_html(book: _Book, spec: PartSpec, *, side: str | None,
               numbers: dict[str, int] | None) -> str:
    """Return the HTML of one part: the whole book's head and CSS, only this part's body.

    The part starts on a page of `side` (None: the first page, like the book), prints no footer
    (assembly stamps "Page N of M" on every page at once), carries the running heads' strings its
    first page would have inherited, and prints `numbers` (anchor -> page) for the contents and
    cross-references, which link through PART_LINK_SCHEME to the other parts.
    """
    def ref(anchor: str) -> Markup:
        page = _PLACEHOLDER_PAGE if numbers is None else str(numbers.get(anchor, "?"))
        return Markup(' href="{}{}" data-page="{}"').format(PART_LINK_SCHEME, anchor, page)

    strings = [f"curriculum {css_string(book.curriculum_title)}"]
    if spec.kind == "worksheet":
        strings.append(f"module-title {css_string(book.views[spec.index].module.title)}")
    css = ["", "/* part of the handbook, laid out on its own */",
           "@page main { @bottom-center { content: none; } }",
           "@page front { @bottom-center { content: none; } }",
           # The contents' page numbers keep their own column (handbook.css), from data-page here.
           ".toc a::after { content: attr(data-page); }",
           ".sources-pointer a::after, .q-case a::after { content: \" \" attr(data-page) \".\"; }",
           "html { string-set: " + ", ".join(strings) + "; }"]
    if side is not None:
        css.append(f"html {{ break-before: {side}; }}")
    show = dict.fromkeys(_WHOLE, False)
    views: Sequence[ModuleView] = ()
    if spec.kind == "front":
        show["front"] = True
    else:
        show["main"] = True
        if spec.kind in ("module", "worksheet"):
            show[spec.kind + "s"] = True
            views = (book.views[spec.index],)
        else:
            show[spec.kind] = True
    return _render(book, show=show, main_modules=views, ref=ref, extra_css="\n".join(css) + "\n",
                   linked=False)


def _footer_html(book: _Book, pages: int) -> str:
    """Return the HTML of the footer overlay: "Page N of M" on each of the book's M pages.

    Assembly stamps it on the pages that want a footer (`_footer_flags`), so it depends on the
    page count alone: laid out from a guessed count before the last parts are measured, it is
    right whenever the count is. The print stylesheet comes from `PRINT_SHEETS`, as for the parts.
    """
    footer = css_content(book.context["t"]["page_of"])
    body = '<div style="page: foot; break-before: page"></div>' * pages
    page_css = book.context["page_css"].split("\n", 1)[0]  # the paper size only
    return (f'<!DOCTYPE html><html lang="{book.context["lang"]}" dir="{book.direction}"><head>'
            f'<meta charset="utf-8"><title>footers</title><style>{page_css}\n'
            f"@page foot {{ @bottom-center {{ content: {footer}; }} }}\n"
            f"</style></head><body>{body}</body></html>")


def handbook_assets(catalogue: Catalogue) -> list[Path]:
    """Return the folders a handbook may read files from: the print assets, the module images."""
    return [STATIC_DIR, catalogue.root / MODULES_DIR / ASSETS_DIR]


def handbook_filename(curriculum: Curriculum, workshop: Workshop,
                      edition: Edition | str = Edition.PARTICIPANT) -> str:
    """Return the default file name of a handbook: `<curriculum>-<workshop>-<edition>.pdf`."""
    return f"{curriculum.id}-{workshop.id}-{Edition(edition).value}.pdf"


def render_handbook(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                    edition: Edition | str = Edition.PARTICIPANT, paper: Paper | str = Paper.A4,
                    *, gettext: Gettext | None = None, language: str | None = None,
                    time_limit: float | None = None, max_pages: int = MAX_PAGES,
                    on_stage: StageCallback | None = None, cache: PartCache | None = None,
                    use_cache: bool = True, renderer: PartRenderer | None = None) -> Rendered:
    """Return a workshop's handbook as a Rendered PDF (bytes and page count); see build_handbook.

    By default the book is made of parts laid out on their own, in a process pool, and kept in
    `cache` (default: `PartCache()`, on disk): see `render_parts`. `use_cache=False` lays out the
    whole book as one document instead (the reference the parts are tested against). `renderer`
    is a pool the caller started early (`PartRenderer.start_soon`) and closes itself.
    """
    edition, paper = Edition(edition), Paper(paper)
    if on_stage is not None:
        on_stage("html")
    if use_cache:
        book = _book(catalogue, curriculum, workshop, edition, paper, gettext, language)
        if renderer is not None:
            rendered = render_parts(book, catalogue, cache or PartCache(), renderer,
                                    max_pages=max_pages, on_stage=on_stage)
        else:
            with PartRenderer(time_limit=time_limit) as own:
                rendered = render_parts(book, catalogue, cache or PartCache(), own,
                                        max_pages=max_pages, on_stage=on_stage)
    else:
        from trainer.export.pdf import render_document  # imports WeasyPrint: only when needed

        html = handbook_html(catalogue, curriculum, workshop, edition, paper,
                             gettext=gettext, language=language)
        rendered = render_document(
            html, handbook_assets(catalogue), base_url=catalogue.root / MODULES_DIR,
            max_pages=max_pages, time_limit=time_limit, on_stage=on_stage,
        )
    if rendered.refused:
        # Content passed `trainer check`, so a refused URL is an author's broken image link.
        logger.warning("%d resource(s) refused while rendering the handbook", len(rendered.refused))
    return rendered


@dataclass
class _Slot:
    """A part of the book being made: its latest layout and the HTML that layout was made from."""

    spec: PartSpec
    side: str | None  # the side it must start on (worksheets: wherever their module ends)
    numbered: bool  # prints page numbers of other parts (the front matter, worksheets)
    part: CachedPart | None = None
    html: str = ""
    guess: CachedPart | None = None  # what the plan remembers of it (no PDF) until laid out


def _side(page: int, direction: str) -> str:
    """Return the side of the spread of 1-based page `page`: the first page is a recto."""
    recto = "right" if direction == "ltr" else "left"
    verso = "left" if direction == "ltr" else "right"
    return recto if page % 2 else verso


def _measure(slot: _Slot) -> CachedPart | None:
    """Return what is known of a part's pages and anchors: its latest layout, else the plan's."""
    return slot.part if slot.part is not None else slot.guess


def _estimates(slots: Sequence[_Slot], book: _Book) -> list[CachedPart | None]:
    """Return what is known or guessed of each part's pages and anchors (None: nothing yet).

    A worksheet not measured yet is taken to be as long as the nearest worksheet that is, with
    its own anchor on its first page (the one anchor of a worksheet that other parts print the
    page of): a guess, so the parts after it can be laid out meanwhile, checked like every guess.
    """
    found: list[CachedPart | None] = [_measure(slot) for slot in slots]
    sheets = [index for index, slot in enumerate(slots) if slot.spec.kind == "worksheet"]
    measured = [index for index in sheets if found[index] is not None]
    for index in sheets:
        if found[index] is None and measured:
            nearest = min(measured, key=lambda other: (abs(other - index), other > index))
            model = found[nearest]
            assert model is not None  # noqa: S101 - measured
            anchor = f"w-{book.views[slots[index].spec.index].module.id}"
            found[index] = CachedPart(b"", model.pages, ((anchor, 0),))
    return found


def _places(slots: Sequence[_Slot], direction: str, estimates: Sequence[CachedPart | None]
            ) -> tuple[list[int | None], list[str | None]]:
    """Return the page each part starts on and its side, as far as the page counts known go."""
    starts: list[int | None] = []
    sides: list[str | None] = []
    page: int | None = 1
    for slot, estimate in zip(slots, estimates, strict=True):
        side = slot.side
        if page is not None:
            if slot.spec.kind == "worksheet":
                side = _side(page, direction)  # it follows its module's reading
            elif side is not None and _side(page, direction) != side:
                page += 1  # a blank page, as `break-before: recto` would leave
        starts.append(page)
        sides.append(side)
        page = None if page is None or estimate is None else page + len(estimate.pages)
    return starts, sides


# Contents entries a page of the contents takes, counted low (titles that wrap take two lines):
# the sample's 40 entries fill a page and a half of A4 or US letter.
CONTENTS_ENTRIES_PER_PAGE = 26


def _front_guess(book: _Book) -> CachedPart:
    """Guess the front matter's pages from its contents list: the cover, the page about the
    handbook, and the contents (an entry per module, section, worksheet, the sources, and in the
    facilitator's edition the key and a line per module).

    What later parts print depends only on the page the first module starts on, the recto after
    the front matter, so a guess one page off in a book of even front matter is still right; a
    wrong one costs the worksheets laid out from it, laid out again once the front matter is.
    """
    entries = sum(len(view.module.sections) + 2 for view in book.views) + 1
    if book.facilitator:
        entries += 1 + len(book.views)
    contents = max(1, -(-entries // CONTENTS_ENTRIES_PER_PAGE))
    return CachedPart(b"", (("cover", False),) + (("front", False),) * (1 + contents), ())


def _plan_guesses(slots: Sequence[_Slot], plan: dict[str, Any]) -> None:
    """Give each slot what the plan remembers of its part (page kinds, anchors), if anything."""
    for slot in slots:
        try:
            pages, anchors = plan[slot.spec.name]
            slot.guess = CachedPart(b"", tuple((str(name), bool(blank)) for name, blank in pages),
                                    tuple((str(name), int(at)) for name, at in anchors))
        except (KeyError, TypeError, ValueError):
            slot.guess = None


def render_parts(book: _Book, catalogue: Catalogue, cache: PartCache, renderer: PartRenderer,
                 *, max_pages: int = MAX_PAGES, on_stage: StageCallback | None = None) -> Rendered:
    """Return the handbook laid out part by part, reusing every part `cache` already holds.

    Parts: the front matter (cover, colophon, contents), each module's reading and its worksheet,
    the sources and the answer key. Modules, sources and key start on a right-hand page and print
    no page number of their own, so they are laid out once whatever comes before them, and shared
    by every workshop's edition in the same language. The front matter and the worksheets print
    page numbers of other parts: each is laid out once, with the real numbers, when the page
    counts before it (the front matter: all of them) are known.

    Parts go to the layout processes one at a time as processes come free: worksheets whose
    numbers are sure, then the other parts in book order, then guesses. A count not known yet
    is guessed: from the cache's plan (what each part measured last time, per curriculum,
    edition, language and paper: the same for every workshop), else, for a worksheet, as long
    as the nearest one laid out, and for the front matter from its contents list
    (`_front_guess`). So a free process lays out the front
    matter, the footers or a worksheet meanwhile; what was laid out from a guess is used only if
    the real counts give the same HTML, else laid out again. Footers are laid out once for the
    whole book ("Page N of M" on every page: they depend on the page count alone) and stamped
    on the pages that want one; the parts are joined (`assembly.join`) as soon as they are all
    final, while the footers are still being laid out if they are the last, then the footers
    stamped on and the book written (`assembly.finish`).
    """
    roots = tuple(Path(p).resolve() for p in handbook_assets(catalogue))
    base_url = catalogue.root / MODULES_DIR
    direction = book.direction
    if on_stage is not None:
        on_stage("layout")
    # Modules, sources and the key start on a recto (handbook.css: `break-before: recto`): the
    # left page of a right-to-left book, as its first page is.
    recto = _side(1, direction)
    slots = [_Slot(spec, None if spec.kind == "front" else recto,
                   spec.kind in ("front", "worksheet")) for spec in _part_specs(book)]
    plan_key = hashlib.sha256(f"handbook-plan-1\0{book.plan_id}".encode()).hexdigest()
    _plan_guesses(slots, cache.plan(plan_key) or {})
    if slots[0].guess is None:  # no plan yet: guessed, not laid out with placeholder numbers
        slots[0].guess = _front_guess(book)
    footer = _Slot(PartSpec("footers"), None, False)
    front = slots[0]
    keys: dict[tuple[str, bool], str] = {}
    known: dict[str, CachedPart | None] = {}  # key -> part laid out or cached (None: missing)
    flying: set[str] = set()  # keys being laid out

    def key_of(html: str, tagged: bool = True) -> str:
        if (html, tagged) not in keys:
            keys[html, tagged] = part_key(html, base_url, roots, tagged)
        return keys[html, tagged]

    def have(html: str, name: str, tagged: bool = True) -> CachedPart | None:
        """Return the part of `html` laid out in this run or held by the cache (looked up once)."""
        key = key_of(html, tagged)
        if key not in known and key not in flying:
            known[key] = cache.get(key, name)
        return known.get(key)

    made: dict[object, str] = {}
    joined: Any = None  # the parts joined (`assembly.join`), once they are all final

    def html_for(what: object, spec: PartSpec, side: str | None, numbers: dict[str, int]) -> str:
        """Return a numbered part's HTML (made once for the same numbers it prints)."""
        if what not in made:
            made[what] = _part_html(book, spec, side=side, numbers=numbers)
        return made[what]

    for slot in slots:
        if not slot.numbered:
            slot.html = _part_html(book, slot.spec, side=slot.side, numbers=None)
            slot.part = have(slot.html, slot.spec.name)
    # Parts printing no number, in book order: a worksheet can be laid out once the modules and
    # worksheets before it are measured, so modules in order let each worksheet follow its module
    # instead of all of them queueing after the last module (longest first left that tail).
    plain = [i for i, slot in enumerate(slots) if not slot.numbered]
    rounds = 8 * (len(slots) + 1)  # a book whose numbers never settle stops here
    while True:
        rounds -= 1
        if rounds < 0:
            raise ExportError("the handbook's page numbers did not settle")
        estimates = _estimates(slots, book)
        starts, sides = _places(slots, direction, estimates)
        numbers: dict[str, int] = {}
        for estimate, start in zip(estimates, starts, strict=True):
            if start is not None and estimate is not None:
                for name, at in estimate.anchors:
                    numbers.setdefault(name, start + at)
        complete = all(estimate is not None for estimate in estimates)
        # The HTML each numbered part should be laid out from, now (None: not known yet).
        wants: list[str | None] = []
        changed = False
        for index, slot in enumerate(slots):
            want = None
            if slot.spec.kind == "front" and complete:
                want = html_for((0, tuple(numbers.items())), slot.spec, None, numbers)
            elif slot.spec.kind == "worksheet" and starts[index] is not None:
                module = _measure(slots[index - 1])
                assert module is not None  # noqa: S101 - the worksheet's start is known
                want = html_for((index, sides[index], starts[index - 1], module.anchors),
                                slot.spec, sides[index], numbers)
            if want is not None and want != slot.html:
                hit = have(want, slot.spec.name)
                if hit is not None:
                    measured = _measure(slot)
                    changed = changed or measured is None or (
                        (measured.pages, measured.anchors) != (hit.pages, hit.anchors))
                    slot.part, slot.html = hit, want
            wants.append(want)
        if changed:
            continue  # a count may have moved what follows
        # Settled: laid out from the HTML it should have, everything before it settled too.
        settled = [not slot.numbered and slot.part is not None for slot in slots]
        for index, slot in enumerate(slots):
            if slot.spec.kind == "worksheet":
                settled[index] = all(settled[1:index]) and slot.html == wants[index]
        settled[0] = all(settled[1:]) and wants[0] is not None and front.html == wants[0]
        footer_want = None
        if complete:
            footer_want = _footer_html(book, len(_footer_flags(estimates, starts)))
            if footer.html != footer_want:
                hit = have(footer_want, "footers", tagged=False)
                if hit is not None:
                    footer.part, footer.html = hit, footer_want
        if all(settled) and footer.part is not None and footer.html == footer_want:
            break
        # Hand out work while processes are free: what is sure first, then guesses.
        tasks: list[tuple[int, str, str, bool]] = []  # (slot or -1: footers, html, name, tagged)
        for index in [*range(1, len(slots)), 0]:
            if (slots[index].numbered and wants[index] is not None
                    and slots[index].html != wants[index]
                    and all(settled[1:index if index else None])):
                tasks.append((index, wants[index] or "", slots[index].spec.name, True))
        tasks += [(index, slots[index].html, slots[index].spec.name, True) for index in plain
                  if slots[index].part is None]
        tasks += [(index, wants[index] or "", slots[index].spec.name, True)
                  for index in [*range(1, len(slots)), 0] if slots[index].numbered
                  and wants[index] is not None and slots[index].html != wants[index]]
        if footer_want is not None and footer.html != footer_want:
            tasks.append((-1, footer_want, "footers", False))
        for index, html, name, tagged in tasks:
            if renderer.in_flight >= renderer.processes:
                break
            key = key_of(html, tagged)
            if key in flying or known.get(key) is not None:
                continue
            flying.add(key)
            logger.debug("laying out %s (%d in flight)", name, renderer.in_flight)
            renderer.submit((index, html, key, name),
                            PartRequest(html, roots, base_url, tagged, max_pages, PRINT_SHEETS))
        if joined is None and all(settled) and len(_footer_flags(estimates, starts)) <= max_pages:
            # Every part is final and only the footers are being laid out: join the parts
            # meanwhile (the footers only need stamping on).
            joined = _join(slots, starts)
        tag, part = renderer.next_done()
        index, html, key, name = tag  # type: ignore[misc]
        flying.discard(key)
        logger.debug("laid out %s: %d pages", name, len(part.pages))
        known[key] = part
        cache.put(key, part)
        slot = footer if index < 0 else slots[index]
        if slot.part is None or slot.html != (footer_want if index < 0 else wants[index]):
            slot.part, slot.html = part, html
    if renderer.in_flight:  # guesses the real numbers proved wrong: not worth waiting for
        renderer.close(kill=True)
    estimates = _estimates(slots, book)
    starts, _ = _places(slots, direction, estimates)
    flags = _footer_flags(estimates, starts)
    if len(flags) > max_pages:
        raise ExportError(f"document has {len(flags)} pages, more than the limit of {max_pages}")
    cache.save_plan(plan_key, {slot.spec.name: [list(slot.part.pages), list(slot.part.anchors)]
                               for slot in slots if slot.part is not None})
    if on_stage is not None:
        on_stage("write")
    if joined is None:
        joined = _join(slots, starts)
    assert footer.part is not None  # noqa: S101 - settled above
    from trainer.export.assembly import finish

    pdf = finish(joined, overlay=footer.part.pdf, overlay_pages=flags)
    read = tuple(dict.fromkeys(item for slot in slots if slot.part for item in slot.part.read))
    refused = tuple(url for slot in slots if slot.part for url in slot.part.refused)
    return Rendered(pdf, len(flags), read, refused)


def _join(slots: Sequence[_Slot], starts: Sequence[int | None]) -> Any:
    """Return the book's final parts joined (`assembly.join`, not written yet).

    pikepdf is imported only now: a cold export has its first parts laid out meanwhile.
    """
    from trainer.export.assembly import join

    return join(_segments(slots, starts), link_scheme=PART_LINK_SCHEME)


def _segments(slots: Sequence[_Slot], starts: Sequence[int | None]) -> list[Piece | Blank]:
    """Return the parts of the book in order, with the blank pages left before them."""
    from trainer.export.assembly import Blank, Piece

    segments: list[Piece | Blank] = []
    page = 1
    for slot, start in zip(slots, starts, strict=True):
        assert slot.part is not None  # noqa: S101 - all settled
        assert start is not None  # noqa: S101 - likewise
        if start > page:
            segments.append(Blank(start - page))
        segments.append(Piece(slot.part.pdf, nest=slot.spec.kind == "worksheet"))
        page = start + len(slot.part.pages)
    return segments


def warm_up(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
            edition: Edition | str, paper: Paper | str, language: str,
            renderer: PartRenderer) -> None:
    """Have each of `renderer`'s processes lay out one module of this handbook (result unused).

    A process's first real part costs about a third more than its next (fonts, shaping and style
    caches filled): a warm layout server calls this when its processes have laid out nothing yet.
    """
    book = _book(catalogue, curriculum, workshop, Edition(edition), Paper(paper), None, language)
    roots = tuple(Path(p).resolve() for p in handbook_assets(catalogue))
    specs = [spec for spec in _part_specs(book) if spec.kind == "module"][:renderer.processes]
    renderer.render([PartRequest(_part_html(book, spec, side="right", numbers=None), roots,
                                 catalogue.root / MODULES_DIR, stylesheets=PRINT_SHEETS)
                     for spec in specs])


def _footer_flags(estimates: Sequence[CachedPart | None], starts: Sequence[int | None]
                  ) -> list[bool]:
    """Return, for every page of the book, whether it wants a "Page N of M" footer."""
    flags: list[bool] = []
    for measured, start in zip(estimates, starts, strict=True):
        assert start is not None  # noqa: S101 - callers check
        assert measured is not None  # noqa: S101 - likewise
        flags += [False] * (start - 1 - len(flags))  # blank pages left before a part
        flags += [not blank and name in ("main", "front") for name, blank in measured.pages]
    return flags


def build_handbook(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                   edition: Edition | str = Edition.PARTICIPANT, paper: Paper | str = Paper.A4,
                   *, gettext: Gettext | None = None, language: str | None = None,
                   time_limit: float | None = None, max_pages: int = MAX_PAGES,
                   on_stage: StageCallback | None = None, cache: PartCache | None = None,
                   use_cache: bool = True) -> bytes:
    """Return the PDF of a workshop's handbook; raise ExportError when it cannot be made.

    `on_stage` is called with "html", "layout" and "write" as the work progresses. With
    `time_limit` (seconds) the PDF is laid out in a separate process, stopped when time is up
    (what the web app uses). `language` (default: the curriculum's) is the handbook's language:
    translated modules and boilerplate; `gettext` overrides the boilerplate's catalog.
    """
    return render_handbook(catalogue, curriculum, workshop, edition, paper, gettext=gettext,
                           language=language, time_limit=time_limit, max_pages=max_pages,
                           on_stage=on_stage, cache=cache, use_cache=use_cache).pdf
