"""Quiz pages served again from the worker's cache: fresh CSRF tokens, owner only, open only."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


def test_a_repeat_view_is_the_same_page_with_a_token_that_works(
        open_quiz: Callable[..., Any], right_answers: Callable[..., Any]) -> None:
    client, url, first = open_quiz()
    again = client.get(url)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert again.headers["Cache-Control"] == "no-store"
    assert "\x00" not in html
    assert _without_tokens(html) == _without_tokens(first.html)
    assert TOKEN.findall(html)  # the quiz form's token, signed for this view
    answers = {**right_answers(first), "csrf_token": TOKEN.findall(html)[0]}
    submitted = client.post(url, data=answers)
    assert submitted.status_code == 303
    result = client.get(url).get_data(as_text=True)
    assert "Passed with 100%" in result
    assert "data-quiz" not in result  # a submitted attempt is never served from the cache


def test_a_cached_page_is_still_only_its_trainees(open_quiz: Callable[..., Any],
                                                  join: Callable[..., FlaskClient],
                                                  client: FlaskClient) -> None:
    alice, url, _page = open_quiz()
    assert alice.get(url).status_code == 200  # now cached
    bob = join("Bob")
    assert bob.get(url).status_code == 404
    assert client.get(url).status_code == 302  # no session: to the start page


def test_a_sessions_signed_token_is_reused_briefly_and_never_shared(
        open_quiz: Callable[..., Any], join: Callable[..., FlaskClient],
        right_answers: Callable[..., Any]) -> None:
    alice, alice_url, alice_page = open_quiz()
    bob, bob_url, _bob_page = open_quiz(join("Bob"))
    first = TOKEN.findall(alice.get(alice_url).get_data(as_text=True))
    again = TOKEN.findall(alice.get(alice_url).get_data(as_text=True))
    bobs = TOKEN.findall(bob.get(bob_url).get_data(as_text=True))
    assert first
    assert again == first  # signed once, served again within SIGNED_TOKEN_TTL_S
    assert set(bobs).isdisjoint(first)  # each session's own token
    stolen = alice.post(alice_url, data={**right_answers(alice_page), "csrf_token": bobs[0]})
    assert stolen.status_code == 400  # Bob's token does not pass for Alice's session
    kept = alice.post(alice_url, data={**right_answers(alice_page), "csrf_token": again[0]})
    assert kept.status_code == 303
