"""Benchmark a live session under gunicorn: a room of phones polling while some answer.

Starts gunicorn with the repo's gunicorn.conf.py as it is (its default worker count) on
127.0.0.1, the sample content and a fresh SQLite database (or `--postgres URL`). Over HTTP, as
browsers would: `--phones` trainees join the sample workshop, a trainer logs in and starts a live
session of a module quiz, every phone opens the session page. Then it measures

  (a) GET /ping, the app's trivial route, and GET /live/<code>/state with the phone's ETag (the
      poll live.js sends: 304 while nothing changed), each in a closed loop by wrk at
      `--concurrency` connections spread over all the phones' cookies: requests/s, and the ratio
      poll/ping (target >= 0.8);
  (b) for each of `--questions` questions: the presenter opens answers, `--answering` phones post
      an answer (each with its own CSRF token and the question's choice tokens) at random moments
      of `--answer-window` seconds, as a room answers once the question is read, while all
      `--phones` poll every 1.5 s as live.js does; then the presenter reveals, and the time until
      the last phone's poll sees the new version is taken. Reports the p99 of the answer POSTs
      (target < 100 ms) and the worst reveal latency (target < 3 s).
  (c) one more question answered by all `--answering` phones in the same instant (a barrier):
      the worst burst, reported beside (b). Every answer is a durable commit (SQLite
      synchronous=FULL), one writer at a time, so the last of a burst waits for all the others.

The load generator for (a) is wrk (Debian: `apt-get install wrk`); (b) uses Python threads, one
per phone, sleeping between polls, so the server sees the rate of a real room, not a flood. Check
`uptime` first: on a busy machine the figures are noise. The last line states the figures.

    .venv/bin/python bench/live.py [--phones 200] [--answering 30] [--questions 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pages import OPTION, SELECT, Client, csrf, free_port

REPO = Path(__file__).resolve().parent.parent
RADIO = re.compile(r'<input id="[^"]+" name="(q\d+)" type="(?:radio|checkbox)" value="([^"]*)"')
TEXT = re.compile(r'<input id="[^"]+" name="(q\d+)" type="text"')
VERSION = re.compile(r'name="version" value="(\d+)"')
POSITION = re.compile(r'name="position" value="(\d+)"')
POLL = re.compile(r'data-poll="([^"]+)"')
WORKSHOP = "sahel-maghreb-2016"
PASSWORD = secrets.token_urlsafe(18)  # a throwaway account on a throwaway database
POLL_S = 1.5  # as trainer/web/live/shared.py POLL_SECONDS

WRK_SCRIPT = r"""
function init(args)
  reqs = {}
  for line in io.lines(args[1]) do
    local p, c, e = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    local h = {["Connection"] = "close"}
    if c ~= "" then h["Cookie"] = c end
    if e ~= "" then h["If-None-Match"] = e end
    table.insert(reqs, wrk.format("GET", p, h))
  end
  n = 0; bad = 0; expected = tonumber(args[2])
end
function request()
  n = n + 1
  return reqs[(n - 1) % #reqs + 1]
end
function response(status, headers, body)
  if status ~= expected then bad = bad + 1 end
end
function done(summary, latency, requests)
  local f = io.open(os.getenv("BENCH_OUT"), "w")
  f:write(string.format('{"requests": %d, "seconds": %f, "p99": %f, "errors": %d}',
    summary.requests, summary.duration / 1e6, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  f:close()
end
"""


def answer_form(html: str) -> dict[str, str]:
    """Fill a live question's form: the first choice, a number, distinct select options."""
    form = {"csrf_token": csrf(html), "position": POSITION.search(html).group(1)}  # type: ignore[union-attr]
    for name, value in RADIO.findall(html):
        form.setdefault(name, value)
    for name in TEXT.findall(html):
        form.setdefault(name, "42")
    for name, position, options in SELECT.findall(html):
        tokens = OPTION.findall(options)
        form[f"{name}-{position}"] = tokens[(int(position) - 1) % len(tokens)]
    return form


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    venv = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(venv / "gunicorn"), "--config", str(REPO / "gunicorn.conf.py"), "--bind",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "trainer.web:create_app()"],
        env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if Client(port).request("GET", "/ping")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def join(port: int, index: int) -> Client:
    phone = Client(port)
    home = phone.request("GET", "/")[2]
    status = phone.request("POST", "/join", {"csrf_token": csrf(home), "name": f"Phone {index}",
                                             "workshop": WORKSHOP})[0]
    if status != 303:
        raise RuntimeError(f"join failed: {status}")
    return phone


class Presenter:
    """The facilitator's browser: logs in, starts a session, presses buttons."""

    def __init__(self, port: int) -> None:
        self.client = Client(port)
        page = self.client.request("GET", "/trainer/login")[2]
        status = self.client.request("POST", "/trainer/login", {
            "csrf_token": csrf(page), "username": "bench", "password": PASSWORD})[0]
        if status != 303:
            raise RuntimeError(f"trainer login failed: {status}")
        page = self.client.request("GET", f"/trainer/live/workshops/{WORKSHOP}")[2]
        source = re.search(r'<option value="(module:[^"]+)"', page)
        if not source:
            raise RuntimeError("no module to start a session of")
        status, location, _, _ = self.client.request(
            "POST", f"/trainer/live/workshops/{WORKSHOP}",
            {"csrf_token": csrf(page), "source": source.group(1), "mode": "quiz"})
        if status != 303:
            raise RuntimeError(f"starting a session failed: {status}")
        self.code = location.rsplit("/", 1)[1]

    def press(self, action: str) -> None:
        page = self.client.request("GET", f"/trainer/live/{self.code}")[2]
        version = VERSION.search(page)
        if not version:
            raise RuntimeError("no buttons on the presenter page")
        status = self.client.request("POST", f"/trainer/live/{self.code}/{action}", {
            "csrf_token": csrf(page), "version": version.group(1)})[0]
        if status != 303:
            raise RuntimeError(f"{action} failed: {status}")


def wrk(work: Path, port: int, name: str, lines: list[str], concurrency: int, seconds: int,
        expected: int) -> tuple[float, float]:
    """Run wrk over `lines` (path, cookie, etag); return (requests/s, p99 ms)."""
    data = work / f"{name}.tsv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = work / "poll.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    out = work / f"{name}.json"
    subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s", "-s",
                    str(script), f"http://127.0.0.1:{port}", "--", str(data), str(expected)],
                   env=dict(os.environ, BENCH_OUT=str(out)), check=True,
                   stdout=subprocess.DEVNULL)
    found = json.loads(out.read_text(encoding="utf-8"))
    if found["errors"]:
        print(f"  {name}: {found['errors']} socket errors")
    return found["requests"] / found["seconds"], found["p99"]


class Room:
    """Every phone polling as live.js does; records when each first sees a new version."""

    def __init__(self, port: int, poll_path: str, phones: int) -> None:
        self.poll_path = poll_path
        self.pollers = [Client(port) for _phone in range(phones)]  # no cookie, as live.js
        self.versions: list[int] = [0] * phones
        self.seen_at: list[float] = [0.0] * phones
        self.etags: list[str] = [""] * phones
        self.stop = threading.Event()
        self.errors = 0
        self.threads = [threading.Thread(target=self._poll, args=(i,), daemon=True)
                        for i in range(phones)]

    def start(self) -> None:
        for index, thread in enumerate(self.threads):
            thread.start()
            if index % 20 == 19:
                time.sleep(POLL_S / 10)  # phones do not all poll in the same instant

    def _poll(self, index: int) -> None:
        client = self.pollers[index]
        while not self.stop.is_set():
            extra = {"If-None-Match": self.etags[index]} if self.etags[index] else {}
            try:
                status, _, text, headers = client.request("GET", self.poll_path, extra=extra)
            except OSError:
                self.errors += 1
                status, text, headers = 0, "", {}
            if status == 200:
                self.etags[index] = headers.get("etag", "")
                version = int(json.loads(text)["v"])
                if version != self.versions[index]:
                    self.versions[index] = version
                    self.seen_at[index] = time.monotonic()
            elif status != 304:
                self.errors += 1
            self.stop.wait(POLL_S)

    def all_see(self, version: int, since: float, timeout: float = 30.0) -> float:
        """Wait until every phone has seen `version`; return the latest seeing, after `since`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(v >= version for v in self.versions):
                return max(self.seen_at) - since
            time.sleep(0.02)
        raise RuntimeError("some phones never saw the reveal")

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(5)
        for client in self.pollers:
            client.close()


def current_version(presenter: Presenter) -> int:
    page = presenter.client.request("GET", f"/trainer/live/{presenter.code}/state")[2]
    return int(json.loads(page)["v"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--answering", type=int, default=30)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--answer-window", type=float, default=10.0,
                        help="seconds over which the answering phones answer a question")
    parser.add_argument("--concurrency", type=int, default=64, help="wrk connections for (a)")
    parser.add_argument("--seconds", type=int, default=3, help="one wrk window")
    parser.add_argument("--rounds", type=int, default=3, help="ping and poll windows in turn")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    port = free_port()
    env = dict(os.environ, DATABASE_URL=args.postgres or f"sqlite:///{work / 'bench.sqlite3'}",
               SECRET_KEY=secrets.token_urlsafe(32), TRAINER_CONTENT_ROOT=str(REPO),
               TRAINER_INSTANCE_PATH=str(work / "instance"), TRAINER_ENV="production")
    venv = Path(sys.executable).parent
    subprocess.run([str(venv / "trainer"), "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(venv / "trainer"), "create-trainer", "bench", "--password-stdin"],
                   env=env, input=PASSWORD.encode(), check=True, stdout=subprocess.DEVNULL)
    server = start_server(env, port)
    try:
        print(f"gunicorn (gunicorn.conf.py) on port {port}; preparing {args.phones} phones")
        with ThreadPoolExecutor(8) as pool:
            phones = list(pool.map(lambda i: join(port, i), range(args.phones)))
        presenter = Presenter(port)
        code = presenter.code

        def open_page(phone: Client) -> tuple[str, str]:
            page = phone.request("GET", f"/live/{code}")[2]  # in the room
            found = POLL.search(page)
            if not found:
                raise RuntimeError("no poll URL on the phone's page")
            url = found.group(1).replace("&amp;", "&")
            status, _, _, headers = Client(port).request("GET", url)
            if status != 200:
                raise RuntimeError(f"poll failed: {status}")
            return url, headers["etag"]

        with ThreadPoolExecutor(8) as pool:
            polls_of = list(pool.map(open_page, phones))
        poll_path = polls_of[0][0]
        for phone in phones:
            phone.close()

        # (a) closed-loop throughput: /ping against the 304 poll, in turns.
        ping_lines = ["/ping\t\t"]
        # As live.js polls: the page's poll URL (its token), no cookie, the last ETag.
        poll_lines = [f"{url}\t\t{etag}" for url, etag in polls_of]
        pings, polls, poll_p99s = [], [], []
        for _round in range(args.rounds):
            pings.append(wrk(work, port, "ping", ping_lines, args.concurrency, args.seconds,
                             200)[0])
            time.sleep(0.5)
            rate, p99 = wrk(work, port, "poll", poll_lines, args.concurrency, args.seconds, 304)
            polls.append(rate)
            poll_p99s.append(p99)
            time.sleep(0.5)
        ping_rate, poll_rate = statistics.median(pings), statistics.median(polls)
        print(f"(a) /ping {ping_rate:.0f} req/s; 304 poll {poll_rate:.0f} req/s "
              f"(p99 {statistics.median(poll_p99s):.1f} ms) at {args.concurrency} connections")

        # (b) the room: everyone polls every 1.5 s; some answer each question; then the reveal.
        room = Room(port, poll_path, len(phones))
        room.start()
        answer_ms: list[float] = []
        burst_ms: list[float] = []
        reveals: list[float] = []
        answering = [Client(port, cookie=p.cookie) for p in phones[:args.answering]]
        try:
            for number in range(args.questions + 1):
                presenter.press("open")
                forms = []
                for client in answering:
                    forms.append(answer_form(client.request("GET", f"/live/{code}")[2]))
                burst = number == args.questions
                barrier = threading.Barrier(len(answering))
                moments = [0.0 if burst else random.uniform(0, args.answer_window)
                           for _client in answering]

                def answer(pair: tuple[Client, dict[str, str], float],
                           barrier: threading.Barrier = barrier) -> float:
                    client, form, moment = pair
                    barrier.wait()
                    time.sleep(moment)
                    began = time.perf_counter()
                    status = client.request("POST", f"/live/{code}", form)[0]
                    took = (time.perf_counter() - began) * 1000
                    if status != 303:
                        raise RuntimeError(f"answer refused: {status}")
                    return took

                with ThreadPoolExecutor(len(answering)) as pool:
                    took = list(pool.map(answer, zip(answering, forms, moments, strict=True)))
                (burst_ms if burst else answer_ms).extend(took)
                time.sleep(POLL_S)
                version = current_version(presenter) + 1
                pressed = time.monotonic()
                presenter.press("reveal")
                reveals.append(room.all_see(version, pressed))
                print(f"({'c' if burst else 'b'}) question {number + 1}: {len(took)} answers "
                      f"{'at once' if burst else f'over {args.answer_window:g} s'}, p99 "
                      f"{quantile(took, 0.99):.1f} ms; last phone saw the reveal after "
                      f"{reveals[-1]:.2f} s")
                if number < args.questions:
                    presenter.press("next")
        finally:
            room.close()
            for client in answering:
                client.close()
        ratio = poll_rate / ping_rate if ping_rate else 0.0
        p99 = quantile(answer_ms, 0.99)
        worst = max(reveals)
        verdict = "met" if ratio >= 0.8 and p99 < 100 and worst < 3 else "NOT met"
        print(f"live: 304 poll {poll_rate:.0f} req/s vs /ping {ping_rate:.0f} req/s = "
              f"{ratio:.2f}x (target >= 0.8x); answer POST p99 {p99:.1f} ms over "
              f"{len(answer_ms)} answers with {args.phones} phones polling (target < 100 ms; "
              f"{len(burst_ms)} at once: p99 {quantile(burst_ms, 0.99):.0f} ms); "
              f"last phone sees a reveal after {worst:.2f} s at worst (target < 3 s); "
              f"poll errors {room.errors}; targets {verdict}")
        return 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


if __name__ == "__main__":
    sys.exit(main())
