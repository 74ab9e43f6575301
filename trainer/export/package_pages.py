"""The pages shared by the SCORM package and the offline site: one HTML page per module, its quiz
data script, and the shared CSS and JavaScript.

A module page holds the reading and the quiz form, rendered here with Jinja from the sanitised HTML
the catalogue made at load (nothing here renders Markdown). The quiz data script holds each question
as its model (answer keys included: a package has no server, so grading happens in the browser with
`js/grading.js`, the port of `trainer.quiz.grading`). Pages carry a Content-Security-Policy and no
inline script, so they run under the same rules as the web app.

Every file name is made here from positions (`m01/index.html`, `m01/img-1.png`), never from author
strings. Images in author Markdown are copied into the package when they are project assets; any
other image (remote, outside the assets folder, an unknown type) is replaced by its alt text, since a
package must work with no network.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from trainer import __version__
from trainer.content.catalogue import Catalogue
from trainer.content.models import (
    Curriculum,
    Matching,
    Module,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
)
from trainer.content.translation.marks import lang_attributes, marked_runs, source_title_runs
from trainer.export.print_templates import css_string
from trainer.locales import decimal_sign, gettext_for, text_direction, without_label
from trainer.quiz.normalise import format_number

Mode = Literal["scorm", "site"]

_HERE = Path(__file__).resolve().parent
TEMPLATES = _HERE / "templates" / "package"
STATIC = _HERE / "static" / "package"
SCRIPTS = _HERE / "js"
SHARED = "shared"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
_IMAGE_TYPES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".webp": ".webp"}
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\b(src|alt)="([^"]*)"')

def ui_text(language: str = "en") -> dict[str, str]:
    """Return the words of a package's pages and player in `language` (from the interface catalogs,
    trainer/locales; English for a language without one). Keys starting with `js_` are the
    player's, shipped to the browser as `shared/strings.js`; `{}` and `{name}` are filled in."""
    _ = gettext_for(language)
    return {
    "skip": _("Skip to content"),
    "all_modules": _("All modules"),
    "module": _("Module"),
    "minutes": _("{} minutes"),
    "objectives": _("What you will be able to do"),
    "contents": _("Contents"),
    "quiz": _("Quiz"),
    "case_study": _("Case study"),
    "quiz_intro": _("{count} questions. You pass with {mark}% of the points. "
                  "You see the right answers and explanations after you submit."),
    "needs_js": _("The quiz needs JavaScript, which is turned off in this browser."),
    "question_n": _("Question {} of {}"),
    "points": _("{} pt"),
    "read_case": _("Read the case study first: {}"),
    "choose_all": _("Choose all that apply."),
    "your_answer": _("Your answer"),
    "type_answer": _("Type your answer"),
    "choose": _("Choose…"),
    "order_hint": _("Put the items in the right order with the arrow buttons."),
    "move_up": _("Move up: {}"),
    "move_down": _("Move down: {}"),
    "right_answer": _("Right answer:"),
    "why": _("Why:"),
    "submit": _("Submit answers"),
    "your_result": _("Your result"),
    "retry": _("Try again"),
    "sources": _("Sources"),
    "modules": _("Modules"),
    "questions": _("{} questions"),
    "site_intro": _("This site works with no internet. Your answers and results stay in this "
                  "browser on this device until you export them for your trainer."),
    "export_title": _("Send your results to your trainer"),
    "export_intro": _("Type your name, then save the results file and give it to your trainer "
                    "(for example on a USB stick or by e-mail)."),
    "your_name": _("Your name"),
    "export_button": _("Save my results file"),
    "test": _("Test"),
    "test_intro": _("{count} questions, taken once. You see the right answers and explanations "
                  "after you submit."),
    "pre_test_note": _("Take it first: it shows what you knew before the workshop."),
    "post_test_note": _("Opens once you have taken the pre-test and every module quiz."),
    "open_test": _("Open the test"),
    "case_in_module": _("Read the case study (in its module): {}"),
        # The marks the stylesheet puts after an answer (shared/strings.css).
        "mark_right": _("right"),
        "mark_wrong": _("wrong"),
        "mark_missed": _("right answer"),
        # The player's words (trainer/export/js/*.js read them from window.TrainerStrings).
        "js_correct": _("Correct."),
        "js_partial": _("Partly right."),
        "js_wrong": _("Not right."),
        "js_unanswered": _("Not answered."),
        "js_score": _("You scored {earned} of {max} points ({percent}%)."),
        "js_passed": _("You passed."),
        "js_need": _("You need {mark}% to pass."),
        "js_module_passed": _("Passed — latest score {percent}%"),
        "js_module_not_passed": _("Not passed yet — latest score {percent}%"),
        "js_test_taken": _("Taken — score {percent}%"),
        "js_test_passed": _("Taken — score {percent}% (passed)"),
        "js_test_not_passed": _("Taken — score {percent}% (not passed)"),
        "js_name_first": _("Type your name first, so your trainer knows whose results these are."),
        "js_nothing_yet": _("There is nothing to export yet: take the pre-test or a module quiz "
                            "first."),
        "js_saved": _("Saved {count} result(s) as {file} (look in your Downloads folder)."),
        "js_pre_first": _("Take the pre-test first: it shows what you knew before the workshop."),
        "js_go_pre": _("Go to the pre-test"),
        "js_post_locked": _("The post-test opens once you have taken every module quiz "
                            "({count} still to do)."),
        "js_all_modules": _("All modules"),
        "js_kept": _("Your answers are kept in this browser on this device."),
        "js_not_kept": _("This browser does not let the page keep your answers: export is not "
                         "possible."),
        "js_no_lms": _("No learning platform found: your answers are not recorded."),
        "js_no_session": _("The learning platform did not start a session: your answers are not "
                           "recorded."),
        # Not words: the decimal sign of the language, for the numbers the player writes.
        "js_decimal": decimal_sign(language),
    }


UI_TEXT = ui_text()
"""The English words (what a package in the source language shows)."""


def strings_css(language: str) -> bytes:
    """Return `shared/strings.css`: the marks after right, wrong and missed answers in `language`
    (a stylesheet cannot call gettext), the arrow pointing to the answer in either direction."""
    words = ui_text(language)
    arrow = "→" if text_direction(language) == "rtl" else "←"
    rules = [
        (".option.right::after, .pair.right .pair-prompt::after, "
         ".order-item.right .order-text::after", f" ✓ {words['mark_right']}"),
        (".option.wrong::after, .pair.wrong .pair-prompt::after, "
         ".order-item.wrong .order-text::after", f" ✗ {words['mark_wrong']}"),
        (".option.missed::after", f" {arrow} {words['mark_missed']}"),
    ]
    return "".join(f"{selector} {{ content: {css_string(text)}; }}\n"
                   for selector, text in rules).encode("utf-8")


def strings_script(language: str) -> bytes:
    """Return `shared/strings.js`: the player's words in `language` (window.TrainerStrings)."""
    words = ui_text(language)
    table = data_script("TrainerStrings", {key: value for key, value in words.items()
                                           if key.startswith("js_")})
    return table + (SCRIPTS / "say.js").read_bytes()


@dataclass(frozen=True)
class PackageFile:
    """One file of a package or site: its member name (made by the program) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class _Choice:
    index: int
    text: str


@dataclass(frozen=True)
class _Item:
    index: int
    text: str
    plain: str


@dataclass(frozen=True)
class _QuestionView:
    question: Question
    points: str
    choices: Sequence[_Choice]
    start_order: Sequence[_Item]
    answer_text: str
    case_anchor: str
    case_title: str
    language: str = "en"


def module_folder(position: int) -> str:
    """Return the folder name of the module at 0-based `position` (`m01`, `m02` ...)."""
    return f"m{position + 1:02d}"


def _stable_order(salt: str, keys: Sequence[str]) -> list[int]:
    """Return a deterministic scramble of range(len(keys)), never the identity when avoidable."""
    order = sorted(range(len(keys)),
                   key=lambda i: hashlib.sha256(f"{salt}\0{keys[i]}".encode()).hexdigest())
    if len(order) > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order




def _answer_text(question: Question) -> str:
    """Return the right answer as plain text, for kinds whose form cannot show it by marking."""
    if isinstance(question, ShortAnswer):
        return question.accepted[0]
    if isinstance(question, Numeric):
        unit = f" {question.unit}" if question.unit else ""
        if question.answer is not None:
            tolerance = f" ± {format_number(question.tolerance)}" if question.tolerance else ""
            return f"{format_number(question.answer)}{tolerance}{unit}"
        if question.range is not None:
            return f"{format_number(question.range.min)} – {format_number(question.range.max)}{unit}"
        return ""
    if isinstance(question, Matching):
        return "; ".join(f"{pair.prompt} → {pair.match}" for pair in question.pairs)
    if isinstance(question, Ordering):
        return " → ".join(item.text for item in question.items)
    return ""


def _question_view(module: Module, question: Question) -> _QuestionView:
    choices: list[_Choice] = []
    start: list[_Item] = []
    if isinstance(question, Matching):
        texts = [pair.match for pair in question.pairs] + [d.text for d in question.distractors]
        ids = [pair.id for pair in question.pairs] + [d.id for d in question.distractors]
        choices = [_Choice(i, texts[i]) for i in _stable_order(question.id, ids)]
    if isinstance(question, Ordering):
        ids = [item.id for item in question.items]
        start = [_Item(i, question.items[i].text, question.items[i].text)
                 for i in _stable_order(question.id, ids)]
    anchor, title = "", ""
    for position, section in enumerate(module.sections, start=1):
        if question.case is not None and section.id == question.case:
            anchor, title = f"s{position}", without_label(section.title)
    return _QuestionView(question, format_number(question.points), choices, start,
                         _answer_text(question), anchor, title, module.language)


class _Images:
    """Copies project asset images into the package and drops every other image to its alt text."""

    def __init__(self, assets: Path, folder: str) -> None:
        self.assets = assets.resolve()
        self.folder = folder
        self.files: list[PackageFile] = []
        self._names: dict[Path, str] = {}

    def rewrite(self, fragment: str) -> str:
        return _IMG.sub(self._replace, fragment)

    def _replace(self, match: re.Match[str]) -> str:
        attrs = {name: html.unescape(value) for name, value in _ATTR.findall(match.group(0))}
        name = self._copy(attrs.get("src", ""))
        alt = html.escape(attrs.get("alt", ""))
        if name is None:
            return f'<span class="img-alt">{alt}</span>' if alt else ""
        return f'<img src="{name}" alt="{alt}">'

    def _copy(self, src: str) -> str | None:
        if not src or ":" in src or src.startswith(("/", "\\")):
            return None
        relative = src.removeprefix("./").removeprefix("assets/")
        try:
            target = (self.assets / relative).resolve()
        except (OSError, ValueError):
            return None
        suffix = _IMAGE_TYPES.get(target.suffix.lower())
        if (suffix is None or not target.is_relative_to(self.assets) or not target.is_file()
                or target.stat().st_size > MAX_IMAGE_BYTES):
            return None
        if target not in self._names:
            name = f"img-{len(self._names) + 1}{suffix}"
            self._names[target] = name
            self.files.append(PackageFile(f"{self.folder}/{name}", target.read_bytes()))
        return self._names[target]


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["without_label"] = without_label
    environment.globals["Markup"] = Markup
    return environment


def quiz_data(catalogue: Catalogue, module: Module) -> dict[str, Any]:
    """Return what the player needs to grade and report a module's quiz (answer keys included)."""
    return {
        "kind": "module",
        "module": module.id,
        "module_hash": catalogue.module_hashes[module.id],
        "title": module.title,
        "pass_mark": module.quiz.pass_mark,
        "shuffle": module.quiz.shuffle,
        "questions": [
            {
                "module": module.id,
                "hash": catalogue.question_hash(module.id, question.id),
                "question": question.model_dump(mode="json"),
            }
            for question in module.quiz.questions
        ],
    }


def test_files(catalogue: Catalogue, curriculum: Curriculum, which: Literal["pre", "post"],
               module_folders: dict[str, str], footer: str, language: str | None
               ) -> list[PackageFile]:
    """Return the page and quiz data of a curriculum's pre-test or post-test (offline site only).

    The questions come from several modules: a question's case study links to its module's page
    (`module_folders`: module id → folder), and its images are copied into the test's folder.
    `language` (default: the curriculum's): the questions' and the pages' language.
    """
    language = language or curriculum.language
    test = curriculum.pre_test if which == "pre" else curriculum.post_test
    images = _Images(catalogue.root / "modules" / "assets", which)

    def block(markdown: str | None) -> Markup:
        return Markup(images.rewrite(catalogue.html(markdown)))  # noqa: S704 - sanitised at load

    def inline(markdown: str | None) -> Markup:
        return Markup(images.rewrite(catalogue.inline_html(markdown)))  # noqa: S704

    pairs = [_in_language(catalogue, module, question, language)
             for module, question in catalogue.test_questions(curriculum, which)]
    data = {
        "kind": which, "module": None, "module_hash": None, "title": test.title,
        "pass_mark": test.pass_mark, "shuffle": False,
        "questions": [{"module": module.id, "hash": catalogue.question_hash(module.id, q.id),
                       "question": q.model_dump(mode="json")} for module, q in pairs],
    }
    scripts = ["../shared/strings.js", "../shared/grading.js", "quiz-data.js",
               "../shared/site-data.js", "../shared/site_store.js", "../shared/player.js"]
    page = _environment().get_template("test.html").render(
        lang=language, dir=text_direction(language), content_lang=_content_lang(language),
        up="../", mode="site", scripts=scripts, t=ui_text(language), test=test,
        which=which, questions=[_question_view(module, q) for module, q in pairs],
        # An assessment bank has no page of its own: its case studies are not linked.
        case_pages=[f"../{module_folders[module.id]}/index.html" if module.id in module_folders
                    else "" for module, _q in pairs],
        pass_mark=format_number(test.pass_mark), html=block, inline=inline, footer=footer,
    )
    return [
        PackageFile(f"{which}/index.html", page.encode("utf-8")),
        PackageFile(f"{which}/quiz-data.js", data_script("TrainerQuizData", data)),
        *images.files,
    ]


def data_script(variable: str, payload: object) -> bytes:
    """Return a script that assigns JSON to a window property (no inline script in the pages)."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    # ensure_ascii already escapes U+2028/2029; `<` is escaped so the text never reads as markup.
    text = text.replace("<", "\\u003c")
    return f"window.{variable} = {text};\n".encode("ascii")


def module_files(catalogue: Catalogue, module: Module, position: int, mode: Mode,
                 footer: str, language: str | None = None) -> list[PackageFile]:
    """Return the page, quiz data and images of one module, under its generated folder.

    `language` (default: the module's): the interface words' language; pass the module as
    translated (`Catalogue.module_in`). A module in another language is marked with its own."""
    language = language or module.language
    folder = module_folder(position)
    images = _Images(catalogue.root / "modules" / "assets", folder)

    def block(markdown: str | None) -> Markup:
        return Markup(images.rewrite(catalogue.html(markdown)))  # noqa: S704 - sanitised at load

    def inline(markdown: str | None) -> Markup:
        return Markup(images.rewrite(catalogue.inline_html(markdown)))  # noqa: S704

    scripts = ["../shared/strings.js", "../shared/grading.js", "quiz-data.js"]
    if mode == "scorm":
        scripts.append("../shared/scorm_api.js")
    else:
        scripts += ["../shared/site-data.js", "../shared/site_store.js"]
    scripts.append("../shared/player.js")

    def source_title(index: int) -> Markup:
        # Marked against the module's language: the list of sources carries it.
        return marked_runs(source_title_runs(catalogue.modules[module.id], module, index),
                           module.language)

    page = _environment().get_template("module.html").render(
        lang=language, dir=text_direction(language), content_lang=_content_lang(language),
        up="../", mode=mode, scripts=scripts, t=ui_text(language), module=module,
        source_title=source_title,
        questions=[_question_view(module, q) for q in module.quiz.questions],
        pass_mark=format_number(module.quiz.pass_mark), html=block, inline=inline, footer=footer,
    )
    return [
        PackageFile(f"{folder}/index.html", page.encode("utf-8")),
        PackageFile(f"{folder}/quiz-data.js", data_script("TrainerQuizData", quiz_data(catalogue, module))),
        *images.files,
    ]


def shared_files(mode: Mode, language: str = "en") -> list[PackageFile]:
    """Return the CSS and JavaScript every page of a package (or of the site) loads, the player's
    words in `language` included."""
    names = ["grading.js", "player.js"]
    names += ["scorm_api.js"] if mode == "scorm" else ["site_store.js", "site_index.js"]
    files = [PackageFile(f"{SHARED}/package.css", (STATIC / "package.css").read_bytes()),
             PackageFile(f"{SHARED}/strings.css", strings_css(language)),
             PackageFile(f"{SHARED}/strings.js", strings_script(language))]
    files += [PackageFile(f"{SHARED}/{name}", (SCRIPTS / name).read_bytes()) for name in names]
    return files


def render_page(template: str, language: str = "en", **context: Any) -> bytes:
    """Render another package template (the site's index page) with the UI text in `language`."""
    return _environment().get_template(template).render(
        t=ui_text(language), lang=language, dir=text_direction(language),
        content_lang=_content_lang(language), **context).encode("utf-8")


def _content_lang(page: str) -> Callable[[str | None], Markup]:
    """Return the template function marking text in another language than the page's."""
    return functools.partial(lang_attributes, page=page)


def _in_language(catalogue: Catalogue, module: Module, question: Question, language: str
                 ) -> tuple[Module, Question]:
    """Return a module and one of its questions in `language` when translated (same ids)."""
    shown = catalogue.module_in(module.id, language)
    return shown, next(q for q in shown.quiz.questions if q.id == question.id)


def generator_note(language: str = "en") -> str:
    """Return the footer line that says what made the package, in `language`."""
    _ = gettext_for(language)
    return _("Made with trainer {version}.").format(version=__version__)


def iter_names(files: Sequence[PackageFile]) -> Iterator[str]:
    """Yield the member names of `files`, refusing duplicates (a program error, never content)."""
    seen: set[str] = set()
    for file in files:
        if file.name in seen:
            raise ValueError(f"duplicate package member {file.name}")
        seen.add(file.name)
        yield file.name
