"""Enrolment the trainer controls: listed or join-code only, open or closed, a cap, a new join
code, and a join rate limit per address; each refusal says why, in the trainee's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from trainer.locales import gettext_for
from trainer.store.accounts import create_trainer
from trainer.store.results import participant_counts
from trainer.web.state import database

PASSWORD = "a long enough password"
CURRICULUM = Path("curriculum") / "canary.yaml"


def _set_yaml(content_root: Path, workshop: str, lines: str) -> None:
    """Add `lines` (YAML keys) to a workshop of the fixture curriculum."""
    path = content_root / CURRICULUM
    text = path.read_text(encoding="utf-8")
    marker = f"  - id: {workshop}\n"
    assert marker in text
    indented = "".join(f"    {line}\n" for line in lines.strip().splitlines())
    path.write_text(text.replace(marker, marker + indented), encoding="utf-8")


def _join(app: Flask, csrf: Callable[[str], str], *, workshop: str = "", code: str = "",
          name: str = "Amina", headers: dict[str, str] | None = None
          ) -> tuple[int, str, FlaskClient]:
    client = app.test_client()
    home = client.get("/", headers=headers).get_data(as_text=True)
    response = client.post("/join", data={"name": name, "workshop": workshop, "code": code,
                                          "csrf_token": csrf(home)}, headers=headers)
    return response.status_code, response.get_data(as_text=True), client


def _options(app: Flask) -> list[str]:
    page = app.test_client().get("/").get_data(as_text=True)
    return re.findall(r'<option[^>]* value="([^"]+)"', page)


def _joined(app: Flask, workshop: str) -> int:
    return participant_counts(database(app)).get(workshop, 0)


def _trainer(app: Flask, csrf: Callable[[str], str]) -> FlaskClient:
    create_trainer(database(app), "tess", PASSWORD)
    client = app.test_client()
    page = client.get("/trainer/login").get_data(as_text=True)
    client.post("/trainer/login", data={"username": "tess", "password": PASSWORD,
                                        "csrf_token": csrf(page)})
    return client


def _save(trainer: FlaskClient, csrf: Callable[[str], str], workshop: str,
          **fields: str) -> int:
    page = trainer.get(f"/trainer/workshops/{workshop}").get_data(as_text=True)
    data = {"csrf_token": csrf(page), **fields}
    return trainer.post(f"/trainer/workshops/{workshop}/enrolment", data=data).status_code


def test_a_join_code_only_workshop_is_not_listed_and_its_code_works(
        content_root: Path, make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    _set_yaml(content_root, "ws-alpha", "listed: false")
    app = make_app()
    assert _options(app) == ["ws-beta"]
    assert "Alpha workshop" not in app.test_client().get("/").get_data(as_text=True)
    # Its id, posted as if picked from the list, finds nothing.
    status, page, _client = _join(app, csrf, workshop="ws-alpha")
    assert status == 400
    assert "Choose your workshop from the list." in page
    status, _page, client = _join(app, csrf, code=" alpha17 ")
    assert status == 303
    assert "Alpha workshop" in client.get("/programme").get_data(as_text=True)
    assert _joined(app, "ws-alpha") == 1


def test_only_join_code_workshops_show_just_the_code_field(
        content_root: Path, make_app: Callable[..., Flask]) -> None:
    _set_yaml(content_root, "ws-alpha", "listed: false")
    _set_yaml(content_root, "ws-beta", "listed: false")
    page = make_app().test_client().get("/").get_data(as_text=True)
    assert 'name="workshop"' not in page
    assert "The join code from your trainer" in page


def test_a_closed_workshop_refuses_joins_in_the_trainees_language(
        content_root: Path, make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    _set_yaml(content_root, "ws-alpha", "enrolment: closed")
    app = make_app()
    assert "ws-alpha" not in _options(app)
    status, page, _client = _join(app, csrf, code="ALPHA17")
    assert status == 403
    assert "This workshop is not taking new participants. Ask your trainer." in page
    status, page, _client = _join(app, csrf, code="ALPHA17",
                                  headers={"Accept-Language": "fr"})
    assert status == 403
    assert "Cet atelier n’accepte plus de nouveaux participants." in page
    assert _joined(app, "ws-alpha") == 0


def test_a_full_workshop_refuses_joins(content_root: Path, make_app: Callable[..., Flask],
                                       csrf: Callable[[str], str]) -> None:
    _set_yaml(content_root, "ws-alpha", "max_participants: 2")
    app = make_app()
    assert [_join(app, csrf, workshop="ws-alpha", name=f"T{i}")[0] for i in range(2)] == [303] * 2
    status, page, _client = _join(app, csrf, workshop="ws-alpha", name="Third")
    assert status == 403
    assert "This workshop is full. Ask your trainer." in page
    status, page, _client = _join(app, csrf, code="ALPHA17", headers={"Accept-Language": "ar"})
    assert status == 403
    assert "حلقة العمل هذه مكتملة العدد" in page
    assert _joined(app, "ws-alpha") == 2


def test_the_trainer_overrides_the_yaml_on_the_dashboard(
        content_root: Path, make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    _set_yaml(content_root, "ws-alpha", "enrolment: closed")
    app = make_app()
    worker_two = make_app()  # another worker sees the saved settings at once
    trainer = _trainer(app, csrf)
    page = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    assert 'id="enrolment-title"' in page
    assert not re.search(r'<input[^>]*id="open"[^>]*checked', page)
    # Open it, join-code only, at most one participant.
    assert _save(trainer, csrf, "ws-alpha", open="y", max_participants="1") == 303
    assert "ws-alpha" not in _options(worker_two)
    assert _join(worker_two, csrf, code="ALPHA17")[0] == 303
    status, page, _client = _join(worker_two, csrf, code="ALPHA17", name="Second")
    assert (status, "This workshop is full." in page) == (403, True)
    # Listed, no cap: anyone can pick it again.
    assert _save(trainer, csrf, "ws-alpha", open="y", listed="y", max_participants="") == 303
    assert "ws-alpha" in _options(worker_two)
    assert _join(worker_two, csrf, workshop="ws-alpha", name="Third")[0] == 303
    # Closed from the dashboard.
    assert _save(trainer, csrf, "ws-alpha", listed="y") == 303
    assert _join(worker_two, csrf, code="ALPHA17", name="Fourth")[0] == 403
    assert _joined(app, "ws-alpha") == 2


@pytest.mark.parametrize("cap", ["-3", "0", "many", "1e9"])
def test_a_bad_cap_is_a_located_error_and_changes_nothing(
        make_app: Callable[..., Flask], csrf: Callable[[str], str], cap: str) -> None:
    app = make_app()
    trainer = _trainer(app, csrf)
    page = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    for language in ("en", "ar"):
        response = trainer.post("/trainer/workshops/ws-alpha/enrolment",
                                data={"csrf_token": csrf(page), "open": "y", "max_participants": cap},
                                headers={"Accept-Language": language})
        assert response.status_code == 400
        error = re.search(r'id="max_participants-error"[^>]*>([^<]*)<', response.get_data(as_text=True))
        assert error, response.get_data(as_text=True)
        # The same words for text that is not a number ("many", "1e9") as for one out of range,
        # in the page's language (WTForms' own Arabic said "not a valid real number").
        assert error.group(1).strip() == gettext_for(language)("Enter a number from 1 to 100000.")
    assert "ws-alpha" in _options(app)  # still listed and open, as the YAML says


def test_the_settings_need_a_trainer_and_a_csrf_token(
        make_app: Callable[..., Flask], csrf: Callable[[str], str],
        join: Callable[..., FlaskClient]) -> None:
    app = make_app()
    trainee = join()
    token = csrf(trainee.get("/").get_data(as_text=True))
    refused = trainee.post("/trainer/workshops/ws-alpha/enrolment", data={"csrf_token": token})
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/trainer/login")
    trainer = _trainer(app, csrf)
    assert trainer.post("/trainer/workshops/ws-alpha/enrolment", data={}).status_code == 400
    assert trainer.post("/trainer/workshops/ws-alpha/join-code", data={}).status_code == 400
    assert "ws-alpha" in _options(app)


def test_a_new_join_code_replaces_the_old_one(make_app: Callable[..., Flask],
                                              csrf: Callable[[str], str]) -> None:
    app = make_app()
    trainer = _trainer(app, csrf)
    page = trainer.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    rotated = trainer.post("/trainer/workshops/ws-alpha/join-code",
                           data={"csrf_token": csrf(page)}, follow_redirects=True)
    text = rotated.get_data(as_text=True)
    found = re.search(r'id="join-code">([A-Z0-9]+)<', text)
    assert found
    code = found.group(1)
    assert code != "ALPHA17"
    assert f"New join code: {code}" in text
    assert code in trainer.get("/trainer/").get_data(as_text=True)
    status, page, _client = _join(app, csrf, code="ALPHA17")
    assert status == 400
    assert "No workshop has this code." in page
    assert _join(app, csrf, code=code.lower())[0] == 303
    # A workshop without a code gets one too.
    page = trainer.get("/trainer/workshops/ws-beta").get_data(as_text=True)
    trainer.post("/trainer/workshops/ws-beta/join-code", data={"csrf_token": csrf(page)})
    beta = re.search(r'id="join-code">([A-Z0-9]+)<',
                     trainer.get("/trainer/workshops/ws-beta").get_data(as_text=True))
    assert beta
    assert beta.group(1) != code
    assert _join(app, csrf, code=beta.group(1))[0] == 303
    assert _joined(app, "ws-beta") == 1


def test_joins_from_one_address_are_throttled_after_the_limit(
        make_app: Callable[..., Flask], csrf: Callable[[str], str]) -> None:
    app = make_app(TRAINER_JOIN_LIMIT_PER_ADDRESS="7 per minute")
    # The loop of the report: GET / for a token, POST /join, from one address, a hundred times.
    statuses = [_join(app, csrf, workshop="ws-alpha", name=f"Bot {i}")[0] for i in range(100)]
    assert statuses == [303] * 7 + [429] * 93
    assert _joined(app, "ws-alpha") == 7
    status, page, client = _join(app, csrf, workshop="ws-alpha", name="Late",
                                 headers={"Accept-Language": "fr"})
    assert status == 429
    assert "Attendez une minute" in page
    # Another address is not held back; pages other than joining never are.
    other = app.test_client()
    other_token = csrf(other.get("/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
                       .get_data(as_text=True))
    assert other.post("/join", data={"name": "Other", "workshop": "ws-alpha",
                                     "csrf_token": other_token},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 303
    assert all(client.get("/ping").status_code == 200 for _ in range(20))
