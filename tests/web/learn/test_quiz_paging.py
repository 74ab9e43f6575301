"""A quiz shown a few questions at a time (`quiz.questions_per_page`): answers saved on every
page change, each page's save leaving the other pages' answers alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from trainer.store.models import Attempt
from trainer.web.state import database


@pytest.fixture
def content_root(content_root: Path) -> Path:
    """The canary content, its module quiz shown three questions per page."""
    module = content_root / "modules" / "canary-kinds.yaml"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("  shuffle: true\n", "  shuffle: true\n  questions_per_page: 3\n",
                                   1), encoding="utf-8")
    return content_root


def _draft(app: Flask, url: str) -> dict[str, Any]:
    with database(app).read() as session:
        found = session.scalar(select(Attempt.draft_answers)
                               .where(Attempt.public_id == url.rsplit("/", 1)[-1]))
    return dict(found or {})


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_pages_save_their_own_answers_and_move_on(open_quiz: Callable[..., Any], app: Flask,
                                                  parse_quiz: Any) -> None:
    client, url, first = open_quiz()
    assert "Page 1 of 3" in first.html
    assert first.names() == ["q1", "q2", "q3"]
    assert f'href="{url}?page=2#question-5"' in first.html  # the navigator spans the pages
    alpha = first.choice("q1", "Option alpha")
    moved = client.post(f"{url}/save", data={"csrf_token": _token(first.html), "page": "1",
                                             "q1": alpha, "go": "next"})
    assert moved.status_code == 303
    assert moved.headers["Location"].endswith(f"{url}?page=2")
    second = parse_quiz(client.get(f"{url}?page=2").get_data(as_text=True))
    assert second.names() == ["q4", "q5", "q6-1", "q6-2", "q6-3"]
    assert "1 of 7 answered" in second.html
    client.post(f"{url}/save", data={"csrf_token": _token(second.html), "page": "2",
                                     "q4": "dual criminality", "go": "prev"})
    assert _draft(app, url) == {"q1": alpha, "q4": "dual criminality"}
    # Page 1 saved again with q1 cleared: page 2's answer stays.
    client.post(f"{url}/save", data={"csrf_token": _token(first.html), "page": "1"})
    assert _draft(app, url) == {"q4": "dual criminality"}
    review = client.get(f"{url}/review").get_data(as_text=True)
    assert f'href="{url}?page=3#question-7"' in review
    assert "Page 1 of 3" in client.get(f"{url}?page=99").get_data(as_text=True)
