"""One set of worker caches per app (trainer.web.caches), with lifetimes on an injectable clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from trainer.web.caches import WorkerCaches, caches, register_caches


def test_each_app_has_its_own_caches(make_app: Callable[..., Flask]) -> None:
    first, second = make_app(), make_app()
    caches(first).signed_tokens.put("raw", "signed")
    assert caches(first) is not caches(second)
    assert caches(second).signed_tokens.get("raw") is None
    assert caches(first).signed_tokens.get("raw") == "signed"


def test_lifetimes_follow_the_injected_clock() -> None:
    now = [1000.0]
    worker = WorkerCaches(lambda: now[0])
    worker.verified_cookies.put("cookie", {"participant": "p"}, ttl=60.0)
    worker.signed_tokens.put("raw", "signed", ttl=300.0)
    now[0] += 61.0
    assert worker.verified_cookies.get("cookie") is None
    assert worker.signed_tokens.get("raw") == "signed"
    now[0] += 240.0
    assert worker.signed_tokens.get("raw") is None


def test_clear_empties_every_cache(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    register_caches(app)
    worker = caches(app)
    filled: list[Any] = [worker.verified_cookies, worker.shown, worker.presented,
                         worker.questions_html, worker.quiz_pages, worker.signed_tokens]
    for index, cache in enumerate(filled):
        cache.put(("key", index), "value")
    worker.clear()
    assert all(len(cache) == 0 for cache in filled)


def test_a_quiz_view_fills_the_apps_caches(open_quiz: Callable[..., Any]) -> None:
    client, url, _page = open_quiz()
    app: Flask = client.application
    worker = caches(app)
    counts = (len(worker.presented), len(worker.quiz_pages), len(worker.shown))
    assert all(counts)
    assert client.get(url).status_code == 200
    # Served again from the entries the first view made: nothing new presented or rendered.
    assert (len(worker.presented), len(worker.quiz_pages), len(worker.shown)) == counts
