"""What the presenter, the screen and the phones share: a session as presented, its bars, polling."""

from __future__ import annotations

import functools
import hashlib
import hmac

import segno
from flask import Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from trainer.content.models import Question
from trainer.services import live as live_service
from trainer.services.attempts import PresentedAttempt, PresentedQuestion
from trainer.store.live import LiveSession, StoredAnswer, find_live_session
from trainer.web.caches import caches
from trainer.web.i18n import interface_language
from trainer.web.learn.pages import interface_words
from trainer.web.state import catalogue, database

POLL_SECONDS = 1.5  # how often the script asks whether anything changed
REFRESH_SECONDS = 4  # without JavaScript: how often the page reloads itself
QR_CACHE_SIZE = 64


def find_or_404(room_code: str) -> LiveSession:
    """Return the live session with this room code, or answer 404."""
    found = find_live_session(database(), room_code)
    if found is None:
        abort(404)
    return found


def presented(live: LiveSession) -> PresentedAttempt | None:
    """Return the session's questions in the interface language (None: the content changed).

    A session's questions never change once it starts, so each worker keeps them as presented
    in its `presented` cache (keys "live-<room code>", never an attempt's public id).
    """
    language = interface_language()
    key = (f"live-{live.room_code}", language)
    found = caches().presented.get(key)
    if found is None:
        made = live_service.present_live(catalogue(), live, language, words=interface_words(),
                                         cache=caches().shown)
        found = caches().presented.put(key, made) if made is not None else None
    return found


def current_item(live: LiveSession, shown: PresentedAttempt) -> PresentedQuestion:
    """Return the question the session is at."""
    return shown.questions[min(live.position, len(shown.questions) - 1)]


def distribution_words() -> live_service.DistributionWords:
    """Return the words of the distribution bars in the interface language."""
    return live_service.DistributionWords(correct=_("All right"), partial=_("Partly right"),
                                          wrong=_("Wrong"), other=_("Other answers"))


def answers_label(count: int) -> str:
    """Return "N answers" in the interface language."""
    return str(ngettext("%(num)d answer", "%(num)d answers", count))


def chart(question: Question, order: tuple[str, ...], answers: list[StoredAnswer], *,
          chart_id: str, sizes: tuple[str, ...] = ("page", "phone")) -> Markup:
    """Return the distribution chart of one question's answers, drawn for each of `sizes`.

    An SVG cannot reflow, so a page that may be read on a laptop or a phone gets one chart per
    width, and live.css shows the one that fits ("page" wide, "phone" narrow).
    """
    bars = live_service.distribution(catalogue(), question, order,
                                     [a.answer.response for a in answers], distribution_words())
    return Markup("").join(live_service.distribution_chart(
        bars, chart_id=f"{chart_id}-{size}", title=_("How the room answered"),
        right_label=_("right answer"), answers_label=answers_label, size=size) for size in sizes)


def count_text(count: int, members: int) -> str:
    """Return "18 of 27 answered" in the interface language."""
    # Worded without a plural form, so one string fits every count in every language.
    return str(_("%(count)d of %(total)d answered", count=count, total=members))


def not_modified_or(etag: str, body: dict[str, object]) -> Response:
    """Answer 304 when the client has `etag`, else `body` as JSON with that ETag."""
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        response = Response(status=304)
    else:
        response = jsonify(body)
    response.headers["ETag"] = quoted
    response.headers["Cache-Control"] = "no-cache"
    return response


def poll_token(room_code: str) -> str:
    """Return the token that lets a phone poll a session's version without its session cookie.

    Only pages shown to the session's own participants carry it. The poll then needs neither the
    cookie nor the participant (the hottest request of a room: 200 phones every 1.5 s), only this
    HMAC, and answers nothing but a version number.
    """
    key = current_app.secret_key
    secret = key.encode() if isinstance(key, str) else bytes(key or b"")
    return hmac.new(secret, f"live-poll:{room_code}".encode(), hashlib.sha256).hexdigest()[:32]


def poll_token_valid(room_code: str, token: str) -> bool:
    """Return whether `token` is the poll token of this room code."""
    return hmac.compare_digest(poll_token(room_code), token)


# A memo of a pure function of its arguments (like web.forms' quiz form classes): nothing of the
# app's data, so nothing to keep per app (trainer.web.caches) or to invalidate.
@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def qr_svg(url: str, label: str) -> Markup:
    """Return a QR code of `url` as inline SVG (made here, with segno: no service, no network)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=8, dark="#000000", light="#ffffff", border=2, title=label,
                          svgclass="qr", omitsize=True)
    labelled = Markup('<svg role="img" aria-label="{}" ').format(label)
    return Markup(svg).replace("<svg ", labelled, 1)  # noqa: S704 - segno's SVG of our own URL
