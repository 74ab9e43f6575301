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
    # In French: a decimal comma and a no-break space before the sign, on the score ring too.
    client.post("/language", data={"language": "fr", "next": url, "csrf_token": csrf(result)})
    ring = re.search(r'class="score__ring"[^>]*><bdi>([^<]*)</bdi>', client.get(url).get_data(
        as_text=True))
    assert ring is not None
    assert ring.group(1) == "37,5\u00a0%"
    assert "<td>37,5\u00a0%</td>" in client.get("/modules/canary-kinds").get_data(as_text=True)
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
    # A trainer reading the dashboard in French: a decimal comma; the CSV keeps the point.
    participant = trainer.get(link.group(1)).get_data(as_text=True)
    trainer.post("/language", data={"language": "fr", "next": link.group(1),
                                    "csrf_token": csrf(participant)})
    assert "37,5 %" in trainer.get(link.group(1)).get_data(as_text=True)
    assert "37,5" in trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    assert ",37.5," in trainer.get("/trainer/workshops/ws-alpha/results.csv").get_data(
        as_text=True)
    trainer.post("/language", data={"language": "en", "next": link.group(1),
                                    "csrf_token": csrf(participant)})
    report = trainer.get("/trainer/workshops/ws-alpha/report.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.data)).pages)
    assert "37.5" in text
    assert not re.search(r"(?<![\d.:])38(\.0)? ?%", text)


def test_option_and_typed_answer_shares_of_37_5_and_12_5_read_so_everywhere(
        app: Flask, join: Callable[..., FlaskClient],
        open_quiz: Callable[..., tuple[FlaskClient, str, Any]], post_answers: Callable[..., Any],
        csrf: Callable[[str], str]) -> None:
    """8 trainees: 3 pick one option (37.5 %), 1 another (12.5 %), 4 the third (50 %); the same
    split of typed answers. Jinja's round|int made these "38 %" and "12 %"."""
    picks = ["Option alpha"] * 3 + ["Option beta"] + ["Option gamma"] * 4
    typed = ["dual criminality"] * 3 + ["extradition"] + ["comity"] * 4
    for number, (label, text) in enumerate(zip(picks, typed, strict=True)):
        client, url, page = open_quiz(join(f"Trainee {number}"))
        assert post_answers(client, url, page, {"q1": page.choice("q1", label), "q4": text}
                            ).status_code == 303
    create_trainer(database(app), "tess", "a long enough password")
    trainer = app.test_client()
    token = csrf(trainer.get("/trainer/login").get_data(as_text=True))
    trainer.post("/trainer/login", data={"username": "tess", "password": "a long enough password",
                                         "csrf_token": token})
    items = trainer.get("/trainer/workshops/ws-alpha/items").get_data(as_text=True)
    shares = re.findall(r'class="choices-chosen__count">(\d+) · ([\d.]+) %<', items)
    assert ("3", "37.5") in shares  # an option and a typed answer
    assert ("1", "12.5") in shares
    assert shares.count(("3", "37.5")) == 2
    assert shares.count(("1", "12.5")) == 2
    assert not re.search(r"· (38|12|13) %", items)
    items_csv = trainer.get("/trainer/workshops/ws-alpha/items.csv").get_data(as_text=True)
    assert "a*=37.5%; b=12.5%; c=50.0%" in items_csv
    report = trainer.get("/trainer/workshops/ws-alpha/report.pdf")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.data)).pages)
    text = " ".join(text.split())
    assert ": 3 (37.5 %)" in text
    assert ": 1 (12.5 %)" in text
    assert not re.search(r": [13] \((38|12|13) %\)", text)
