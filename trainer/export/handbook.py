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
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from enum import StrEnum
from pathlib import Path
from typing import Any

from markupsafe import Markup

from trainer.content.catalogue import MODULES_DIR, Catalogue
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    Ordering,
    Question,
    SectionKind,
    Workshop,
    content_hash,
)
from trainer.export.pdf import (
    MAX_PAGES,
    STATIC_DIR,
    Rendered,
    StageCallback,
    render_document,
)
from trainer.export.print_templates import css_content, print_environment
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

__all__ = [
    "Edition",
    "Paper",
    "build_handbook",
    "format_dates",
    "handbook_assets",
    "handbook_filename",
    "handbook_html",
    "labels",
    "render_handbook",
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


def _shuffled(seed: str, ids: Sequence[str]) -> list[int]:
    """Return a deterministic permutation of range(len(ids)) that differs from the identity."""
    order = sorted(range(len(ids)),
                   key=lambda i: hashlib.sha256(f"{seed}\0{ids[i]}".encode()).digest())
    if len(order) > 1 and order == sorted(order):
        # A "shuffle" that keeps the right order would give the answer away in print.
        order = order[1:] + order[:1]
    return order


def _question_view(catalogue: Catalogue, module: Module, number: int, index: int,
                   question: Question, letters: tuple[str, ...]) -> QuestionView:
    seed = catalogue.question_hashes.get((module.id, question.id), question.id)
    base = QuestionView(question, f"{number}.{index}", f"q-{module.id}-{question.id}", letters)
    if isinstance(question, Matching):
        texts = [(p.id, p.match) for p in question.pairs]
        texts += [(d.id, d.text) for d in question.distractors]
        order = _shuffled(seed, [item_id for item_id, _ in texts])
        letter_of = {texts[i][0]: letters[pos] for pos, i in enumerate(order)}
        matches = tuple((letters[pos], Markup(catalogue.inline_html(texts[i][1])))  # noqa: S704
                        for pos, i in enumerate(order))
        return replace(base, matches=matches,
                       match_of=tuple((p.id, letter_of[p.id]) for p in question.pairs),
                       unused_letters=tuple(letter_of[d.id] for d in question.distractors))
    if isinstance(question, Ordering):
        order = _shuffled(seed, [item.id for item in question.items])
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
        questions = tuple(_question_view(catalogue, module, number, index, question, letters)
                          for index, question in enumerate(module.quiz.questions, start=1))
        cases = tuple((s.id, s.title) for s in module.sections if s.kind == SectionKind.CASE_STUDY)
        views.append(ModuleView(module, number, f"m-{module.id}", questions, cases))
    return views


def _language_name(code: str, locale: str) -> str:
    """Return a language's name as a heading or table cell shows it (capitalised)."""
    name = language_name_in(code, locale)
    return name[:1].upper() + name[1:]




_LATIN_WORD = re.compile(r"[A-Za-z0-9&'.\-]+[,،]?")


def _marked(text: str, language: str, page: str) -> Markup:
    """Return `text` in a span with its own `lang` and `dir` when its language is not the page's."""
    if language == page:
        return Markup("{}").format(text)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(language, text_direction(language), text)


def source_title(source: Module, shown: Module, index: int, page: str) -> Markup:
    """Return the title of source `index` of a module as shown in a `page`-language handbook, with
    the part a translation kept in the source's language marked as such: a publication's title
    that exists only in English, followed perhaps by a translated date ("… (septembre 2015)")."""
    title, original = shown.sources[index].title, source.sources[index].title
    if shown.language == source.language or title == original:
        return _marked(title, source.language, page)
    words, kept = title.split(" "), original.split(" ")
    run = SequenceMatcher(None, words, kept, autojunk=False).find_longest_match(
        0, len(words), 0, len(kept))
    if run.size < 3:  # a translated title (perhaps with a name in it): the translation's language
        return _marked(title, shown.language, page)
    start, end = run.a, run.a + run.size
    if text_direction(shown.language) != text_direction(source.language):
        # Latin-script names next to the kept title in an Arabic one are the title's too
        # ("LexisNexis UK، Grounds for refusing …").
        while start > 0 and _LATIN_WORD.fullmatch(words[start - 1]):
            start -= 1
    parts = [(" ".join(words[:start]), shown.language),
             (" ".join(words[start:end]), source.language),
             (" ".join(words[end:]), shown.language)]
    return Markup(" ").join(_marked(text, code, page) for text, code in parts if text)


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


_environment = print_environment({"number": format_number, "without_label": without_label})


def handbook_html(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                  edition: Edition | str = Edition.PARTICIPANT, paper: Paper | str = Paper.A4,
                  *, gettext: Gettext | None = None, language: str | None = None) -> str:
    """Return the print HTML of a workshop's handbook (what `build_handbook` renders).

    `language` (default: the curriculum's; the CLI and the dashboard pass the workshop's) picks
    the translated modules (same ids and answer keys; untranslated ones stay in their source
    language, marked with their own `lang`) and, unless `gettext` is given, the boilerplate's
    catalog (trainer.locales).
    """
    edition, paper = Edition(edition), Paper(paper)
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

    template = _environment.get_template("handbook/handbook.html")
    return template.render(
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
        direction=text_direction(language),
        dates=format_dates(workshop.start, workshop.end, language),
        venue=", ".join(part for part in (shown_workshop.city, shown_workshop.country) if part),
        workshop_language=_language_name(workshop.language, language),
        sources=_sources(catalogue, modules, language),
        version=version,
        stylesheet=(STATIC_DIR / "handbook.css").as_uri(),
        page_css=Markup(_page_css(text["page_of"], paper, text_direction(language))),  # noqa: S704 - built from escaped parts
    )


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
                    on_stage: StageCallback | None = None) -> Rendered:
    """Return a workshop's handbook as a Rendered PDF (bytes and page count); see build_handbook."""
    if on_stage is not None:
        on_stage("html")
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


def build_handbook(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                   edition: Edition | str = Edition.PARTICIPANT, paper: Paper | str = Paper.A4,
                   *, gettext: Gettext | None = None, language: str | None = None,
                   time_limit: float | None = None, max_pages: int = MAX_PAGES,
                   on_stage: StageCallback | None = None) -> bytes:
    """Return the PDF of a workshop's handbook; raise ExportError when it cannot be made.

    `on_stage` is called with "html", "layout" and "write" as the work progresses. With
    `time_limit` (seconds) the PDF is laid out in a separate process, stopped when time is up
    (what the web app uses). `language` (default: the curriculum's) is the handbook's language:
    translated modules and boilerplate; `gettext` overrides the boilerplate's catalog.
    """
    return render_handbook(catalogue, curriculum, workshop, edition, paper, gettext=gettext,
                           language=language, time_limit=time_limit, max_pages=max_pages,
                           on_stage=on_stage).pdf
