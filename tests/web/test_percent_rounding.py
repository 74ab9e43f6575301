"""One rounding rule for percentages: 3 of 8 points is 37.5 % on every page, CSV and PDF that
shows it (the result page's rule: half up to one decimal), never 38 %."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pypdf
from flask import Flask
from flask.testing import FlaskClient

from trainer.export.report import format_percent
from trainer.quiz.scoring import round_percent
from trainer.store.accounts import create_trainer
from trainer.web.state import database


def test_the_rule_rounds_half_up_to_one_decimal() -> None:
    assert round_percent(37.5) == 37.5
    assert round_percent(37.25) == 37.3  # half up, where Python's round() gives 37.2
    assert round_percent(66.66666) == 66.7
    assert format_percent(37.25) == "37.3"
    assert format_percent(None) == "—"


def test_three_of_eight_points_read_37_5_everywhere(
        app: Flask, open_quiz: Callable[..., tuple[FlaskClient, str, Any]],
        post_answers: Callable[..., Any], right_answers: Callable[[Any], dict[str, Any]],
        csrf: Callable[[str], str]) -> None:
    client, url, page = open_quiz()
    every = right_answers(page)
    assert post_answers(client, url, page, {k: every[k] for k in ("q1", "q3", "q4")}
                        ).status_code == 303
    result = client.get(url).get_data(as_text=True)
    assert "Not passed: 37.5%" in result
    module = client.get("/modules/canary-kinds").get_data(as_text=True)
    assert "37.5%" in module
    assert "38%" not in module
    programme = client.get("/programme").get_data(as_text=True)
    assert "37.5%" in programme
    create_trainer(database(app), "tess", "a long enough password")
    trainer = app.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    trainer.post("/trainer/login", data={"username": "tess", "password": "a long enough password",
                                         "csrf_token": token})
    grid = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    assert "37.5" in grid
    link = re.search(r'href="(/trainer/workshops/ws-alpha/participants/[^"]+)"', grid)
    assert link is not None
    assert "37.5 %" in trainer.get(link.group(1)).get_data(as_text=True)
    csv_text = trainer.get("/trainer/workshops/ws-alpha/results.csv").get_data(as_text=True)
    assert ",37.5," in csv_text
    report = trainer.get("/trainer/workshops/ws-alpha/report.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.data)).pages)
    assert "37.5" in text
    assert not re.search(r"(?<![\d.:])38(\.0)? ?%", text)
