"""The French workshop of the sample (Sahel-Maghreb, code MALTA16), walked page by page as its
trainee and its trainer see it, in French and with the interface in Arabic: no English outside an
element marked lang="en" (a block that reads as English in French, a run of English words in
Arabic); the results (titles, questions, options) in the trainer's language, and the results
report in the workshop's, French.

A source whose title exists only in English keeps that title in the French and Arabic modules;
the title is marked lang="en" (dir="ltr"), on the web page as in the handbook, so that a screen
reader reads it with English sounds and, in Arabic, its "?" stays at its end.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from bench.pages import answers, csrf
from tests.language_support import blocks, english_runs, is_english
from trainer.content.catalogue import load_catalogue

HTML_LANG = re.compile(r'<html lang="([a-z]+)"')


@pytest.fixture
def app(sample_site: Flask) -> Flask:
    return sample_site


def _choose(client: FlaskClient, language: str, page: str) -> None:
    token = csrf(client.get(page).get_data(as_text=True))
    assert client.post("/language", data={"language": language, "next": page,
                                          "csrf_token": token}).status_code == 303


def _trainee_pages(client: FlaskClient) -> dict[str, str]:
    """Join MALTA16, take the pre-test, read every module and take its quiz (saved, reviewed,
    submitted), then the post-test; return every page by name."""
    pages: dict[str, str] = {}
    home = client.get("/").get_data(as_text=True)
    joined = client.post("/join", data={"name": "Amina K.", "code": "MALTA16",
                                        "csrf_token": csrf(home)})
    assert joined.status_code == 303
    pages["programme"] = client.get("/programme").get_data(as_text=True)

    def take(name: str, url: str) -> None:
        pages[f"{name} quiz"] = quiz = client.get(url).get_data(as_text=True)
        assert client.post(f"{url}/save", data={**answers(quiz), "go": "stay"}).status_code == 303
        pages[f"{name} review"] = review = client.get(f"{url}/review").get_data(as_text=True)
        assert client.post(url, data={"csrf_token": csrf(review)}).status_code == 303
        pages[f"{name} result"] = client.get(url).get_data(as_text=True)

    token = csrf(pages["programme"])
    take("pre-test", client.post("/tests/pre/start", data={"csrf_token": token}).headers["Location"])
    modules = dict.fromkeys(re.findall(r'href="/modules/([a-z0-9-]+)"', pages["programme"]))
    assert len(modules) >= 6
    for module in modules:
        pages[module] = client.get(f"/modules/{module}").get_data(as_text=True)
        take(module, client.post(f"/modules/{module}/start",
                                 data={"csrf_token": token}).headers["Location"])
    pages["programme after"] = client.get("/programme").get_data(as_text=True)
    started = client.post("/tests/post/start", data={"csrf_token": token})
    assert "/attempts/" in started.headers["Location"]
    take("post-test", started.headers["Location"])
    pages["resume code"] = client.get("/resume-code").get_data(as_text=True)
    return pages


def _trainer_pages(client: FlaskClient, language: str,
                   log_in: Callable[[FlaskClient], FlaskClient]) -> dict[str, str]:
    """Log in (interface in `language`) and follow every dashboard link (downloads and live left
    out)."""
    _choose(client, language, "/trainer/login")
    log_in(client)
    pages: dict[str, str] = {}
    todo, seen = deque(["/trainer/"]), set()
    while todo:
        path = todo.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (302, 303):
            todo.append(response.headers["Location"])
            continue
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        pages[path] = page = response.get_data(as_text=True)
        for href in re.findall(r'href="(/trainer/[^"#]*)"', page):
            href = html_lib.unescape(href)
            if not re.search(r"\.(pdf|csv|zip)$|logout|/live/", href):
                todo.append(href)
    return pages


def _english_outside_marks(pages: dict[str, str], language: str) -> dict[str, list[str]]:
    found = {name: blocks(page).unmarked_english if language == "fr" else english_runs(page)
             for name, page in pages.items()}
    return {name: english for name, english in found.items() if english}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_of_the_french_workshop_has_english_only_where_marked(
        app: Flask, language: str, sample_root: Path,
        log_in_trainer: Callable[[FlaskClient], FlaskClient]) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"
    if language == "ar":
        _choose(client, "ar", "/")
    pages = _trainee_pages(client)
    assert len(pages) > 30  # the pre-test, six modules and their quizzes, the post-test
    assert {name: HTML_LANG.search(page).group(1) for name, page in pages.items()  # type: ignore[union-attr]
            } == dict.fromkeys(pages, language)
    assert _english_outside_marks(pages, language) == {}
    # Every English title of a source, kept in a translated module, is marked as English.
    marked = "<span lang=\"en\" dir=\"ltr\">"
    comma = "," if language == "fr" else "،"
    assert f"{marked}Gherson{comma} What is dual criminality in extradition?</span>" in pages[
        "mla-extradition-guardrails"]
    assert f"{marked}LexisNexis UK{comma} Grounds for refusing assistance" in pages[
        "drafting-requests"]

    trainer_pages = _trainer_pages(app.test_client(), language, log_in_trainer)
    # The workshops, their gain and item pages, the trainee, each of their attempts.
    assert len(trainer_pages) > 15
    assert any("/attempts/" in path for path in trainer_pages)
    assert all(HTML_LANG.search(page).group(1) == language  # type: ignore[union-attr]
               for page in trainer_pages.values())
    assert _english_outside_marks(trainer_pages, language) == {}
    # The results are shown in the trainer's language too: module titles, questions, options.
    catalogue = load_catalogue(sample_root)
    items = trainer_pages["/trainer/workshops/sahel-maghreb-2016/items"]
    for module in catalogue.curriculum_modules(catalogue.curriculum("gcai")):
        assert str(escape(catalogue.module_in(module.id, language).title)) in items
    assert 'lang="en"' not in items.split("<main", 1)[1]  # nothing left in English to mark
    if language == "fr":
        # The results report is in the workshop's language, French, text and all.
        report = log_in_trainer(app.test_client())
        pdf = report.get("/trainer/workshops/sahel-maghreb-2016/report.pdf")
        assert pdf.status_code == 200
        pages = [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages]
        assert "Atelier régional Sahel-Maghreb" in pages[0]
        assert "Malte" in pages[0]
        english = [line for page in pages for line in page.splitlines() if is_english(line)]
        assert english == []
