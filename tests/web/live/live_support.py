"""What the live tests do through HTTP: start a session, press a presenter button, answer on a
phone, find a phone's poll URL."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient


def start_session(trainer: FlaskClient, csrf: Callable[[str], str], *, source: str,
                  mode: str = "poll", picks: tuple[str, ...] = (),
                  workshop: str = "ws-alpha") -> str:
    """Start a live session from the dashboard; return its room code."""
    page = trainer.get(f"/trainer/live/workshops/{workshop}").get_data(as_text=True)
    response = trainer.post(f"/trainer/live/workshops/{workshop}", data={
        "csrf_token": csrf(page), "source": source, "mode": mode, "picks": list(picks)})
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"/trainer/live/([A-Z0-9]+)", response.headers["Location"])
    assert found
    return found.group(1)


def press(trainer: FlaskClient, csrf: Callable[[str], str], code: str, action: str) -> str:
    """Press a presenter button with the version shown; return the presenter page after it."""
    page = trainer.get(f"/trainer/live/{code}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    response = trainer.post(f"/trainer/live/{code}/{action}", data={
        "csrf_token": csrf(page), "version": version.group(1)}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def poll_url(client: FlaskClient, code: str) -> str:
    """Return the poll URL of a phone's page (it carries the room's poll token)."""
    found = re.search(r'data-poll="([^"]+)"', client.get(f"/live/{code}").get_data(as_text=True))
    assert found
    return found.group(1).replace("&amp;", "&")


def phone_answer(client: FlaskClient, code: str, parse_quiz: type, csrf: Callable[[str], str],
                 pick: Callable[[object], dict[str, object]]) -> object:
    """Open the phone page, fill it with `pick(page)`, post it; return the response."""
    html = client.get(f"/live/{code}").get_data(as_text=True)
    page = parse_quiz(html)
    position = re.search(r'name="position" value="(\d+)"', html)
    assert position, html
    return client.post(f"/live/{code}", data={"csrf_token": csrf(html),
                                              "position": position.group(1), **pick(page)})
