"""Quiz pages of the `learn` blueprint: presenting an attempt and rendering its page, from the
worker's caches when nothing about the page changed.

What an attempt shows depends only on the attempt (questions, tokens, seed, all fixed when it
starts), the catalogue and the interface language, so each worker keeps the most recent ones
(trainer.web.caches): presenting and rendering the questions is most of the time a quiz page takes.

A whole quiz page is the same on every view but for its CSRF tokens (the session's, signed with
a timestamp), so it is kept per attempt, trainee, interface language, path and draft (its
sequence number: a stored draft never changes, a newer save gets a higher number), cut where the
tokens go; a view then only checks that the attempt is the trainee's and still open,
and joins the parts with a fresh token. Pages with flashed messages are never cached or served
from the cache. Anything else templates/learn/quiz.html adds must depend only on that key (the
rule is repeated at the top of the template, where it is edited).

Signing the session's CSRF token (HMAC and a timestamp) is redone for every page by Flask-WTF;
a worker keeps each session's signed token for a few minutes and gives it to the pages it serves
meanwhile (Flask-WTF returns what is in `g` under the field name). The token is then up to
SIGNED_TOKEN_TTL_S older when the page is served, against a 12-hour validity.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from trainer.services import attempts as quiz_attempts
from trainer.services import drafts
from trainer.services.attempts import (
    GradingPlan,
    InterfaceWords,
    PresentedAttempt,
    PresentedQuestion,
)
from trainer.services.drafts import ANSWER_MAX
from trainer.store.attempts import attempt_plan
from trainer.store.models import Attempt
from trainer.web.caches import caches
from trainer.web.forms import ActionForm, QuizForm, build_quiz_form
from trainer.web.i18n import interface_language
from trainer.web.learn.participants import Trainee
from trainer.web.state import catalogue, database

SIGNED_TOKEN_TTL_S = 300.0
_TOKEN_SLOT = f"\x00csrf-{secrets.token_hex(8)}\x00"


def _page_key(trainee: Trainee, public_id: str, draft_seq: int | None
              ) -> tuple[str, int, str, str, int]:
    # A draft is fixed by its sequence number (a save only ever stores a higher one), so the
    # page showing it depends only on this key.
    return (public_id, trainee.participant.id, interface_language(), request.full_path,
            -1 if draft_seq is None else draft_seq)


def interface_words() -> InterfaceWords:
    """Return the interface's words a presented quiz needs, in this request's language."""
    return InterfaceWords(locale=str(get_locale()),
                          position=lambda number: _("Position %(number)d", number=number))


def _page_csrf_token() -> str:
    """Return this request's signed CSRF token, reusing the worker's recent signature of it."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(name)
    if isinstance(raw, str) and name not in g:
        found = caches().signed_tokens.get(raw)
        if found is not None:
            setattr(g, name, found)
            return found
    token = str(generate_csrf())
    raw = session.get(name)
    if isinstance(raw, str):
        caches().signed_tokens.put(raw, token, ttl=SIGNED_TOKEN_TTL_S)
    return token


def cached_quiz_page(trainee: Trainee, public_id: str, draft_seq: int | None) -> bytes | None:
    """Return the cached page of an open attempt (showing the draft `draft_seq`) with this
    request's CSRF token, else None."""
    if "_flashes" in session:
        return None
    parts = caches().quiz_pages.get(_page_key(trainee, public_id, draft_seq))
    return None if parts is None else _page_csrf_token().encode("ascii").join(parts)


def _render_cached(trainee: Trainee, attempt: Attempt, context: dict[str, object]
                   ) -> str | bytes:
    """Render an untouched quiz page, keeping it cut at its CSRF tokens for the next views.

    The parts are kept encoded: a page is about 35 KB of UTF-8 (typographic quotes, Arabic), and
    encoding it again on every view was a twentieth of a cached view's CPU.
    """
    if "_flashes" in session:
        return render_template("learn/quiz.html", **context)
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = _page_csrf_token()  # puts the session's raw token in place first
    setattr(g, name, _TOKEN_SLOT)  # what generate_csrf() returns while the page renders
    try:
        html = render_template("learn/quiz.html", **context)
    finally:
        setattr(g, name, token)
    parts = caches().quiz_pages.put(_page_key(trainee, attempt.public_id, attempt.draft_seq),
                                    tuple(part.encode() for part in html.split(_TOKEN_SLOT)))
    return token.encode("ascii").join(parts)


def present(attempt: Attempt) -> PresentedAttempt | None:
    """Return the attempt as shown in the interface language (None: its content changed)."""
    language = interface_language()
    key = (attempt.public_id, language)
    found = caches().presented.get(key)
    if found is None:
        presented = quiz_attempts.present(catalogue(), attempt, language, words=interface_words(),
                                          cache=caches().shown)
        found = caches().presented.put(key, presented) if presented is not None else None
    return found


def presented_from_cache(public_id: str) -> PresentedAttempt | None:
    """Return the attempt as shown in the interface language if this worker has it, else None."""
    return caches().presented.get((public_id, interface_language()))


def gradable(attempt_id: int, public_id: str) -> PresentedAttempt | GradingPlan | None:
    """Return an open attempt as grading needs it (None: its content changed): as presented when
    this worker keeps it, else its grading plan, without presenting it (a submission of an
    attempt presented long ago, or by another worker). The caller has checked whose it is."""
    found = presented_from_cache(public_id)
    if found is not None:
        return found
    plan = attempt_plan(database(), attempt_id)
    if plan is None:
        return None
    return quiz_attempts.grading_plan(catalogue(), plan.questions, plan.tokens, plan.pass_mark,
                                      interface_language())


def quiz_form_or_none(attempt: Attempt, formdata: object = None
                      ) -> tuple[PresentedAttempt, QuizForm] | None:
    """Return the attempt as shown and its form (bound to `formdata`), or None when it changed."""
    presented = present(attempt)
    if presented is None:
        return None
    return presented, quiz_form(presented, formdata)


def quiz_form(presented: PresentedAttempt, formdata: object = None) -> QuizForm:
    """Return the form of an attempt as shown, bound to `formdata`."""
    return build_quiz_form([q.fields for q in presented.questions], formdata)


def _questions_html(attempt: Attempt, presented: PresentedAttempt,
                    questions: tuple[PresentedQuestion, ...], page: int,
                    values: Mapping[str, Any], errors: Mapping[str, list[str]]) -> Markup:
    """Render the questions of a page; untouched ones (no values, no errors) come from the cache."""
    key = (attempt.public_id, str(get_locale()), page)
    untouched = not values and not errors
    if untouched:
        cached = caches().questions_html.get(key)
        if cached is not None:
            return cached
    html = Markup(render_template(  # noqa: S704 - a rendered, autoescaped template
        "learn/_questions.html", presented=presented, questions=questions, values=values,
        errors=errors, answer_max=ANSWER_MAX))
    return caches().questions_html.put(key, html) if untouched else html


def per_page(presented: PresentedAttempt) -> int | None:
    """Return how many questions an attempt shows per page (None: all on one page)."""
    first = presented.questions[0] if presented.questions else None
    if first is None or len({item.module.id for item in presented.questions}) != 1:
        return None  # pre- and post-tests draw on several modules: one page
    return first.module.quiz.questions_per_page


def quiz_pages(presented: PresentedAttempt) -> list[tuple[PresentedQuestion, ...]]:
    """Return the attempt's questions cut into its pages."""
    return drafts.pages(presented, per_page(presented))


def page_number(value: object, count: int) -> int:
    """Return a requested page number within 1..count (1 for anything that is not one)."""
    try:
        number = int(str(value))
    except ValueError:
        return 1
    return number if 1 <= number <= count else 1


def render_quiz(trainee: Trainee, attempt: Attempt, presented: PresentedAttempt,
                form: QuizForm | None, *, expired: bool = False) -> str | bytes:
    """Render a quiz page; `form` None shows the stored draft (if any), else the posted form."""
    all_pages = quiz_pages(presented)
    page = 1
    if form is None:
        page = page_number(request.args.get("page", "1"), len(all_pages))
        values: Mapping[str, Any] = attempt.draft_answers or {}
        errors: dict[str, list[str]] = {}
        shown = all_pages[page - 1]
    else:
        # A posted form (refused, or re-shown after an expired token) shows every question.
        names = drafts.field_names(presented.questions)
        values = {name: form[name].data for name in names if form[name].data}
        errors = {name: form[name].errors for name in names if form[name].errors}
        shown = presented.questions
        all_pages = [presented.questions]
    states = drafts.question_states(presented, values)
    context: dict[str, object] = {
        "trainee": trainee, "attempt": attempt, "presented": presented,
        "form": form or ActionForm(), "expired": expired,
        "questions_html": _questions_html(attempt, presented, shown, page, values, errors),
        "page": page, "page_count": len(all_pages), "shows_all": form is not None,
        "page_of": {item.number: index for index, questions in enumerate(all_pages, start=1)
                    for item in questions},
        "states": states, "answered": sum(1 for s in states if s.state == "answered"),
        "title": quiz_attempts.attempt_title(catalogue(), trainee.curriculum, attempt,
                                    interface_language())}
    if form is None and not expired:
        return _render_cached(trainee, attempt, context)
    return render_template("learn/quiz.html", **context)
