"""CPU per request in one process, no server: a bare Flask hello app, the app's /ping, a repeat
quiz page view, a draft save ("Save my answers", a whole answer set) and a graded submission (as
the review page sends it: the saved draft is graded), as WSGI calls, best of `--rounds` rounds.

The gunicorn figures of bench/serve.py swing with whatever else the machine runs; these swing
less, and compare two releases fairly when run alternately (PYTHONPATH=<other checkout> runs the
other one with this virtualenv):

    .venv/bin/python bench/inprocess.py [--root CONTENT_ROOT] [--trainees 30] [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from flask import Flask
from pages import answers, csrf
from werkzeug.test import EnvironBuilder

import trainer
from trainer.store.migrate import upgrade
from trainer.web import create_app

WORKSHOP = "sahel-maghreb-2016"


def environ(path: str, cookie: str | None = None, form: dict[str, str] | None = None
            ) -> dict[str, Any]:
    headers = {"Cookie": f"trainer_session={cookie}"} if cookie else {}
    if form is None:
        return EnvironBuilder(path=path, headers=headers).get_environ()
    return EnvironBuilder(path=path, method="POST", headers=headers,
                          data=urllib.parse.urlencode(form),
                          content_type="application/x-www-form-urlencoded").get_environ()


def call(app: Flask, env: dict[str, Any]) -> str:
    status: list[str] = []
    b"".join(app.wsgi_app(dict(env), lambda s, _h, *_e: status.append(s)))
    return status[0]


def prepare(app: Flask, trainees: int) -> list[tuple[str, str, dict[str, str]]]:
    """Join `trainees` trainees, take their pre-test, open six module quizzes each."""
    quizzes = []
    for index in range(trainees):
        client = app.test_client()
        home = client.get("/").get_data(as_text=True)
        joined = client.post("/join", data={"csrf_token": csrf(home), "name": f"B{index}",
                                            "workshop": WORKSHOP})
        assert joined.status_code == 303, joined.status_code
        programme = client.get("/programme").get_data(as_text=True)
        pre = client.post("/tests/pre/start",
                          data={"csrf_token": csrf(programme)}).headers["Location"]
        client.post(pre, data=answers(client.get(pre).get_data(as_text=True)))
        for module in re.findall(r'href="/modules/([a-z0-9-]+)"', programme)[:6]:
            url = client.post(f"/modules/{module}/start",
                              data={"csrf_token": csrf(programme)}).headers["Location"]
            page = client.get(url).get_data(as_text=True)
            form = answers(page)
            # Saved as the trainee goes; the review page then submits the CSRF token only.
            assert client.post(f"{url}/save", data={**form, "go": "stay"}).status_code == 303
            cookie = client.get_cookie("trainer_session")
            assert cookie is not None
            quizzes.append((cookie.value, url, form))
    return quizzes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="trainer-inprocess-")
    url = f"sqlite:///{work}/bench.sqlite3"
    upgrade(url)
    app = create_app({"INSTANCE_PATH": work, "TRAINER_CONTENT_ROOT": args.root,
                      "DATABASE_URL": url, "SECRET_KEY": "x" * 40,
                      "TRAINER_JOIN_LIMIT_PER_ADDRESS": "100000 per minute"})
    hello = Flask("hello")

    @hello.get("/ping")
    def ping() -> str:
        return "ok"

    print(f"trainer from {Path(trainer.__file__).parent}; preparing {args.trainees} trainees")
    quizzes = prepare(app, args.trainees)
    room = quizzes[::6]
    pages = [environ(url, cookie) for cookie, url, _form in room]
    others = [quiz for quiz in quizzes if all(quiz[1] != r[1] for r in room)]
    # Saves go to attempts that stay open (a save to a submitted one writes nothing), submissions
    # to the rest.
    saving, others = others[: len(room)], others[len(room):]
    submissions = [environ(url, cookie, {"csrf_token": form["csrf_token"]})
                   for cookie, url, form in others]
    batch = len(submissions) // args.rounds

    def per_call(target: Flask, envs: list[dict[str, Any]], calls: int, expected: str) -> float:
        began = time.perf_counter()
        for number in range(calls):
            assert call(target, envs[number % len(envs)]).startswith(expected)
        return (time.perf_counter() - began) / calls * 1e6

    found: dict[str, list[float]] = {"hello": [], "ping": [], "quiz": [], "save": [],
                                     "submit": []}
    for round_ in range(args.rounds):
        found["hello"].append(per_call(hello, [environ("/ping")], 500, "200"))
        found["ping"].append(per_call(app, [environ("/ping")], 500, "200"))
        found["quiz"].append(per_call(app, pages, 300, "200"))
        # A request body is read once: one environ per save, made before the clock starts.
        saves = [environ(f"{url}/save", cookie, {**form, "go": "stay"})
                 for cookie, url, form in saving * (300 // len(saving) + 1)][:300]
        found["save"].append(per_call(app, saves, 300, "303"))
        found["submit"].append(per_call(
            app, submissions[round_ * batch:(round_ + 1) * batch], batch, "303"))
    best = {name: min(values) for name, values in found.items()}
    print("µs per request (best round): " + ", ".join(f"{k} {v:.0f}" for k, v in best.items()))


if __name__ == "__main__":
    main()
