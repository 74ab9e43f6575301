"""Benchmark the trainee web app under gunicorn: hello vs quiz page vs graded submission.

Starts gunicorn (2 workers, the repo's gunicorn.conf.py) on 127.0.0.1 with the sample content and a
fresh SQLite database, prepares trainees with open quiz attempts over HTTP, then measures requests/s
and p50/p99 latency for (a) GET /ping, (b) GET of a quiz page, (c) POST of a graded submission
(written to SQLite), each at concurrency 16 and 64, bounded in time and count. Prints the ratios
quiz/hello and submit/hello against the targets (quiz >= 0.6x, submit >= 0.15x, p99 < 100 ms).

    .venv/bin/python bench/serve.py [--seconds 5] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RADIO = re.compile(r'name="(q\d+)" type="radio" value="([0-9a-f]{8})"')
MODULE_LINK = re.compile(r'href="/modules/([a-z0-9-]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_local = threading.local()


def _connection(port: int) -> http.client.HTTPConnection:
    """Return this thread's keep-alive connection to the server."""
    found: http.client.HTTPConnection | None = getattr(_local, "connection", None)
    if found is None:
        found = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        _local.connection = found
    return found


@dataclass
class Client:
    """A trainee's HTTP client: one session cookie; each thread keeps its connection open."""

    port: int
    cookie: str = ""

    def request(self, method: str, path: str, body: dict[str, str] | None = None
                ) -> tuple[int, str, str]:
        try:
            return self._request(method, path, body)
        except (http.client.HTTPException, OSError):
            _local.connection = None  # the server closed it: reconnect once
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: dict[str, str] | None
                 ) -> tuple[int, str, str]:
        connection = _connection(self.port)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("trainer_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text


def csrf(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token")
    return found.group(1)


def answers(html: str) -> dict[str, str]:
    chosen: dict[str, str] = {"csrf_token": csrf(html)}
    for name, token in RADIO.findall(html):
        chosen.setdefault(name, token)
    return chosen


@dataclass
class OpenQuiz:
    client: Client
    url: str
    form: dict[str, str]


def prepare_trainee(port: int, index: int, modules: int) -> list[OpenQuiz]:
    """Join, take the pre-test, and open `modules` module quizzes; return them."""
    client = Client(port)
    _, _, home = client.request("GET", "/")
    status, _, _ = client.request("POST", "/join", {
        "csrf_token": csrf(home), "name": f"Bench {index}", "workshop": "sahel-maghreb-2016"})
    if status != 303:
        raise RuntimeError(f"join failed: {status}")
    _, _, programme = client.request("GET", "/programme")
    _, pre, _ = client.request("POST", "/tests/pre/start", {"csrf_token": csrf(programme)})
    _, _, pre_page = client.request("GET", pre)
    client.request("POST", pre, answers(pre_page))
    quizzes = []
    for module in MODULE_LINK.findall(programme)[:modules]:
        _, url, _ = client.request("POST", f"/modules/{module}/start",
                                   {"csrf_token": csrf(programme)})
        _, _, page = client.request("GET", url)
        quizzes.append(OpenQuiz(client, url, answers(page)))
    return quizzes


@dataclass
class Run:
    name: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1] * 1000


def measure(name: str, concurrency: int, seconds: float,
            task: Callable[[int], bool], limit: int) -> Run:
    """Run `task` from `concurrency` threads until `seconds` pass or `limit` tasks ran."""
    run = Run(name, concurrency)
    lock = threading.Lock()
    counter = iter(range(limit))
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            started = time.perf_counter()
            ok = task(index)
            elapsed = time.perf_counter() - started
            with lock:
                run.latencies.append(elapsed)
                run.errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound per measurement")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
               SECRET_KEY=secrets.token_urlsafe(32), TRAINER_CONTENT_ROOT=str(REPO),
               TRAINER_INSTANCE_PATH=str(work / "instance"), TRAINER_ENV="production")
    venv = Path(sys.executable).parent
    subprocess.run([str(venv / "trainer"), "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [str(venv / "gunicorn"), "--config", str(REPO / "gunicorn.conf.py"),
         "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "trainer.web:create_app()"],
        env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/ping")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}, SQLite in {work}")
        trainees = 64
        modules = 6
        print(f"preparing {trainees} trainees with {modules} open quizzes each ...", flush=True)
        pool: list[OpenQuiz] = []
        prepared = measure("prepare", 16, 600, lambda i: bool(
            pool.extend(prepare_trainee(port, i, modules)) or True), trainees)
        quizzes = pool
        print(f"  {len(quizzes)} open quizzes in {prepared.seconds:.1f}s")
        runs: list[Run] = []
        for concurrency in (16, 64):
            runs.append(measure("hello", concurrency, args.seconds,
                                lambda i: Client(port).request("GET", "/ping")[0] == 200,
                                10**9))
            runs.append(measure("quiz", concurrency, args.seconds, lambda i: quizzes[
                i % len(quizzes)].client.request("GET", quizzes[i % len(quizzes)].url)[0] == 200,
                10**9))
        submit_runs: list[Run] = []
        remaining = list(quizzes)
        for concurrency in (16, 64):
            share = remaining[: len(remaining) // 2] if concurrency == 16 else remaining
            remaining = remaining[len(share):] if concurrency == 16 else []
            run = measure("submit", concurrency, args.seconds, lambda i, s=share: s[i].client.request(
                "POST", s[i].url, s[i].form)[0] == 303, len(share))
            submit_runs.append(run)
        runs.extend(submit_runs)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    print(f"\n{'route':8} {'conc':>4} {'req':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for run in runs:
        print(f"{run.name:8} {run.concurrency:>4} {len(run.latencies):>6} {run.rate:>8.0f} "
              f"{run.quantile(50):>8.1f} {run.quantile(99):>8.1f} {run.errors:>6}")
    failed = False
    for concurrency in (16, 64):
        by = {r.name: r for r in runs if r.concurrency == concurrency}
        quiz_ratio = by["quiz"].rate / by["hello"].rate
        submit_ratio = by["submit"].rate / by["hello"].rate
        print(f"c={concurrency}: quiz/hello {quiz_ratio:.2f} (target >= 0.6), "
              f"submit/hello {submit_ratio:.2f} (target >= 0.15)")
        if concurrency == 64:
            worst = max(by[name].quantile(99) for name in ("hello", "quiz", "submit"))
            print(f"c=64: worst p99 {worst:.1f} ms (target < 100 ms)")
            failed = worst >= 100 or quiz_ratio < 0.6 or submit_ratio < 0.15
        failed = failed or any(r.errors for r in by.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
