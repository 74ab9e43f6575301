"""One simulated trainee for bench/load.py: join, take the pre-test, open a module, submit its quiz.

Standard library only (http.client, one connection per request like a browser without keep-alive
against sync workers). Every request is recorded with its start and end time and its status or
error. A trainee who gets no answer, or a 502/503, presses again after a pause, as a person would;
a submission counts as acknowledged when the server answered it with 303 to the attempt's page.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

COOKIE = "trainer_session"
RETRY_STATUSES = {502, 503, 504}
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
MODULE_LINK = re.compile(r'href="/modules/([a-z0-9][a-z0-9-]*)"')
ATTEMPT_PATH = re.compile(r"/attempts/([A-Za-z0-9_-]+)$")


@dataclass
class Outcome:
    """One HTTP request as the client saw it."""

    label: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer (connection refused, reset, timed out)
    error: str = ""


@dataclass
class Journal:
    """What all trainees saw, shared between threads."""

    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)  # attempt public ids answered with 303
    submitted: set[str] = field(default_factory=set)  # attempt public ids answers were sent for
    submit_posts: int = 0
    double_starts: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        """Keep one request's outcome."""
        with self.lock:
            self.outcomes.append(outcome)

    def problem(self, text: str) -> None:
        """Note something the trainee saw that should not happen."""
        with self.lock:
            self.problems.append(text)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, Location (if any) and body."""

    status: int
    location: str
    body: str


class GaveUp(Exception):  # noqa: N818 - a trainee giving up, not a bug
    """The trainee stopped: too many failures or out of time."""


class QuizFormParser(HTMLParser):
    """Collect a quiz form's radio buttons, checkboxes and text inputs (selects are left blank)."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note each answer control."""
        found = {k: v or "" for k, v in attrs}
        name = found.get("name", "")
        if tag != "input" or not name or name == "csrf_token":
            return
        kind = found.get("type", "text")
        if kind in ("radio", "checkbox"):
            self.choices.setdefault(name, []).append(found.get("value", ""))
        elif kind in ("text", "number") and name not in self.texts:
            self.texts.append(name)


def quiz_answers(html: str, rng: random.Random) -> list[tuple[str, str]]:
    """Return form pairs answering a quiz page: one choice per question, a word per text box.

    Matching and ordering selects stay blank (allowed: an unanswered question scores 0).
    """
    parser = QuizFormParser()
    parser.feed(html)
    pairs = [(name, rng.choice(values)) for name, values in parser.choices.items()]
    pairs.extend((name, rng.choice(["1", "dual criminality", "30"])) for name in parser.texts)
    return pairs


class Trainee:
    """A browser of one trainee: a session cookie, a CSRF token, retries, a deadline."""

    def __init__(self, number: int, host: str, port: int, journal: Journal, *, deadline: float,
                 rng: random.Random, timeout: float = 30.0) -> None:
        self.number = number
        self.host, self.port = host, port
        self.journal = journal
        self.deadline = deadline
        self.rng = rng
        self.timeout = timeout
        self.cookie = ""
        self.cookie_lock = threading.Lock()

    # -- HTTP ----------------------------------------------------------------------------------

    def _once(self, method: str, path: str, form: list[tuple[str, str]] | None,
              label: str) -> Answer | None:
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Connection": "close"}
        with self.cookie_lock:
            if self.cookie:
                headers["Cookie"] = f"{COOKIE}={self.cookie}"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
                    with self.cookie_lock:
                        self.cookie = value.split(";", 1)[0].split("=", 1)[1]
            location = urlsplit(response.getheader("Location") or "").path
        except (OSError, http.client.HTTPException) as exc:
            self.journal.record(Outcome(label, started, time.monotonic(), None,
                                        type(exc).__name__))
            return None
        finally:
            connection.close()
        self.journal.record(Outcome(label, started, time.monotonic(), response.status))
        return Answer(response.status, location, text)

    def request(self, method: str, path: str, label: str,
                form: list[tuple[str, str]] | None = None, *, expect: int) -> Answer:
        """Send a request until it gets a real answer, as a person pressing again would."""
        for attempt in range(8):
            if time.monotonic() > self.deadline:
                raise GaveUp(f"trainee {self.number}: out of time at {label}")
            answer = self._once(method, path, form, label)
            if answer is not None and answer.status not in RETRY_STATUSES:
                if answer.status != expect:
                    self.journal.problem(f"trainee {self.number}: {label} answered "
                                         f"{answer.status}, expected {expect}")
                    raise GaveUp(f"trainee {self.number}: {label} → {answer.status}")
                return answer
            time.sleep(min(0.2 * 2**attempt, 2.0) * (0.5 + self.rng.random()))
        raise GaveUp(f"trainee {self.number}: {label} kept failing")

    def token(self, html: str) -> str:
        """Return the page's CSRF token."""
        found = TOKEN.search(html)
        if found is None:
            raise GaveUp(f"trainee {self.number}: no CSRF token on the page")
        return found.group(1)

    # -- the visit -----------------------------------------------------------------------------

    def run(self, join_code: str, *, double_start: bool, double_submit: bool,
            replay: bool) -> None:
        """Join, take the pre-test, open a module, take its quiz; double-submit or replay."""
        home = self.request("GET", "/", "GET /", expect=200)
        self.request("POST", "/join", "POST /join", expect=303, form=[
            ("csrf_token", self.token(home.body)), ("name", f"Load trainee {self.number}"),
            ("workshop", ""), ("code", join_code)])
        programme = self.request("GET", "/programme", "GET /programme", expect=200)
        modules = MODULE_LINK.findall(programme.body)
        started = self.request("POST", "/tests/pre/start", "POST /tests/pre/start", expect=303,
                               form=[("csrf_token", self.token(programme.body))])
        self.take_quiz(started.location, double_submit=False, replay=False)
        if not modules:
            raise GaveUp(f"trainee {self.number}: no module on the programme")
        module_id = self.rng.choice(modules)
        page = self.request("GET", f"/modules/{module_id}", "GET /modules/<id>", expect=200)
        form = [("csrf_token", self.token(page.body))]
        label = "POST /modules/<id>/start"
        if double_start:
            first, second = self.in_parallel(lambda: self.request(
                "POST", f"/modules/{module_id}/start", label, form, expect=303), 2)
            with self.journal.lock:
                self.journal.double_starts.append((first.location, second.location))
            location = first.location
        else:
            location = self.request("POST", f"/modules/{module_id}/start", label, form,
                                    expect=303).location
        self.take_quiz(location, double_submit=double_submit, replay=replay)

    def take_quiz(self, location: str, *, double_submit: bool, replay: bool) -> None:
        """Open an attempt, submit answers (twice at once, or again later), read the result."""
        found = ATTEMPT_PATH.search(location)
        if found is None:
            raise GaveUp(f"trainee {self.number}: a start led to {location!r}")
        public_id = found.group(1)
        page = self.request("GET", location, "GET /attempts/<id>", expect=200)
        form = [("csrf_token", self.token(page.body)), *quiz_answers(page.body, self.rng)]
        with self.journal.lock:
            self.journal.submitted.add(public_id)

        def submit() -> Answer:
            with self.journal.lock:
                self.journal.submit_posts += 1
            return self.request("POST", location, "POST /attempts/<id>", form, expect=303)

        answers = self.in_parallel(submit, 2) if double_submit else [submit()]
        if replay:
            time.sleep(self.rng.random() * 0.5)
            answers.append(submit())
        if all(a.location == location for a in answers):
            with self.journal.lock:
                self.journal.acknowledged.add(public_id)
        else:
            self.journal.problem(f"trainee {self.number}: a submission redirected elsewhere")
        self.request("GET", location, "GET /attempts/<id> (result)", expect=200)

    def in_parallel(self, send: object, copies: int) -> list[Answer]:
        """Send the same request `copies` times at once (a double click); return the answers."""
        results: list[Answer | BaseException] = []
        lock = threading.Lock()

        def one() -> None:
            try:
                answer = send()  # type: ignore[operator]
            except BaseException as exc:  # noqa: BLE001 - handed back to the trainee's thread
                answer = exc
            with lock:
                results.append(answer)

        threads = [threading.Thread(target=one) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, Answer)]
