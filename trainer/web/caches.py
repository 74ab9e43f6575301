"""What each worker keeps between requests: one set of caches per app, on `app.extensions`.

One strategy for all of them: a `trainer.recent.Recent` (LRU, optional lifetimes, thread-safe)
made when the app is made, so a new app (a test, a preview reload) starts empty and nothing leaks
between apps; the clock is injectable so lifetimes are tested without sleeping. None of it is ever
the only copy of anything: losing any entry only costs the work of making it again.

| cache            | key                                               | holds                          |
|------------------|---------------------------------------------------|--------------------------------|
| verified_cookies | the session cookie string                         | its verified data (60 s)       |
| shown            | module, question, language shown, interface locale | a question's rendered parts    |
| presented        | attempt public id, language                       | the attempt's presented form   |
| questions_html   | attempt public id, interface locale, page         | the untouched questions' HTML  |
| quiz_pages       | attempt, participant, language, path, draft seq   | a quiz page cut at its tokens  |
| signed_tokens    | the session's raw CSRF token                      | its signed form (5 min)        |
| packages         | package kind, workshop, language                  | a trainer's package download   |

The catalogue of an app never changes, so no key names it. The quiz page rule: a cached page may
only hold what depends on its key (see templates/learn/quiz.html, where the rule is repeated);
pages with flashed messages are never cached. Quiz pages are kept encoded (UTF-8 bytes). The
store keeps its own participant cache on the `Database` (trainer.store.attempts), the same
`Recent`. Outside this set, on purpose (docs/architecture.md, "Caches"): memos of pure functions
(`functools.lru_cache`: quiz form classes, QR codes) and the last PDF renders of trainer.export.pdf
(per process: export may not import web, and its entries are checked against the files they read).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from trainer.recent import Recent
from trainer.services.attempts import PresentedAttempt, ShownCache
from trainer.services.packages import Package

CACHES = "trainer.caches"

VERIFIED_COOKIES_SIZE = 2048
SHOWN_SIZE = 4096
PRESENTED_SIZE = 512
QUESTIONS_HTML_SIZE = 512
QUIZ_PAGES_SIZE = 256
SIGNED_TOKENS_SIZE = 1024
PACKAGES_SIZE = 12  # about 150 KB each


@dataclass(frozen=True)
class WorkerCaches:
    """The caches of one app (one per worker process)."""

    clock: Callable[[], float] = time.monotonic
    verified_cookies: Recent[str, dict[str, Any]] = field(init=False)
    shown: ShownCache = field(init=False)
    presented: Recent[tuple[str, str], PresentedAttempt] = field(init=False)
    questions_html: Recent[tuple[str, str, int], Markup] = field(init=False)
    quiz_pages: Recent[tuple[str, int, str, str, int], tuple[bytes, ...]] = field(init=False)
    signed_tokens: Recent[str, str] = field(init=False)
    packages: Recent[tuple[str, str, str], Package] = field(init=False)

    def __post_init__(self) -> None:
        sizes = {"verified_cookies": VERIFIED_COOKIES_SIZE, "shown": SHOWN_SIZE,
                 "presented": PRESENTED_SIZE, "questions_html": QUESTIONS_HTML_SIZE,
                 "quiz_pages": QUIZ_PAGES_SIZE, "signed_tokens": SIGNED_TOKENS_SIZE,
                 "packages": PACKAGES_SIZE}
        for name, size in sizes.items():
            object.__setattr__(self, name, Recent(size, clock=self.clock))

    def clear(self) -> None:
        """Forget everything (after the content changed under a running app)."""
        for cache in (self.verified_cookies, self.shown, self.presented, self.questions_html,
                      self.quiz_pages, self.signed_tokens, self.packages):
            cache.clear()


def register_caches(app: Flask, clock: Callable[[], float] = time.monotonic) -> None:
    """Give the app its own, empty caches."""
    app.extensions[CACHES] = WorkerCaches(clock)


def caches(app: Flask | None = None) -> WorkerCaches:
    """Return the caches of `app` (default: the current app)."""
    found: WorkerCaches = (app or current_app).extensions[CACHES]
    return found
