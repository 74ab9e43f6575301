"""Load and fault test: gunicorn with 4 workers, 200 trainees, a worker killed, PostgreSQL restarted.

Run: .venv/bin/python bench/load.py [--backend sqlite|postgresql|both] [--trainees 200] [--json]
(`make bench` runs it with the defaults: both backends). Everything stays on 127.0.0.1.

For each backend: migrate a fresh database (SQLite file, or a throwaway PostgreSQL server with
durable settings), start `gunicorn -c gunicorn.conf.py 'trainer.web:create_app()'` with 4 workers,
and let simulated trainees (bench/load_trainee.py) join, take the pre-test, open a module and
submit its quiz; some click "Start" twice at once, some submit twice at once, some replay a
submission later. Mid-run one worker gets SIGKILL and, on PostgreSQL, the server is restarted.
Then what the clients were told is compared with what the database holds. The run fails (exit 1)
unless every acknowledged submission is stored exactly once with all its answers, nothing is
stored twice, and no request got a 500 or no answer at all except those in flight on the killed
worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

from load_trainee import GaveUp, Journal, Trainee  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from trainer.content.catalogue import load_catalogue  # noqa: E402
from trainer.store.database import Database  # noqa: E402
from trainer.store.migrate import upgrade  # noqa: E402
from trainer.store.models import Attempt, Participant, Response  # noqa: E402

HOST = "127.0.0.1"
APP = "trainer.web:create_app()"
# A request still unanswered this long after the kill was not in flight on the killed worker.
KILL_GRACE_S = 0.5


@dataclass(frozen=True)
class Scenario:
    """How many trainees, how they misbehave, and which faults to inject."""

    trainees: int = 200
    concurrency: int = 32
    workers: int = 4
    time_limit_s: float = 300.0
    double_start_share: float = 0.1
    double_submit_share: float = 0.15
    replay_share: float = 0.1
    kill_worker_at: float | None = 0.3  # share of trainees finished when a worker is killed
    restart_database_at: float | None = 0.6  # the same, for the PostgreSQL restart
    seed: int = 20160


@dataclass
class Faults:
    """When the faults happened (monotonic clock)."""

    killed_pid: int | None = None
    killed_at: float | None = None
    worker_replaced_after_s: float | None = None
    restart_started: float | None = None
    restart_took_s: float | None = None


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py` on 127.0.0.1 with a given database; stopped on exit."""

    def __init__(self, database_url: str, workers: int, workdir: Path) -> None:
        self.port = _free_port()
        self.workers = workers
        self.log = workdir / "gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TRAINER_ENV": "production",
            "TRAINER_CONTENT_ROOT": str(REPO),
            "TRAINER_INSTANCE_PATH": str(workdir / "instance"),
            "TRAINER_BIND": f"{HOST}:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "TRAINER_ACCESS_LOG": str(workdir / "access.log"),
            # Every simulated trainee joins from 127.0.0.1: lift the per-address join limit.
            "TRAINER_JOIN_LIMIT_PER_ADDRESS": "100000 per minute",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"), APP],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until every worker is up and the home page answers."""
        import http.client  # noqa: PLC0415

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}:\n{self.log_tail()}")
            if len(self.worker_pids()) == self.workers:
                try:
                    connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                    connection.request("GET", "/")
                    if connection.getresponse().status == 200:
                        return
                except OSError:
                    pass
                finally:
                    connection.close()
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not get ready; see {self.log}:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's worker processes."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 is the parent pid; the name in parentheses may hold spaces.
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def kill_worker(self, rng: random.Random, faults: Faults) -> None:
        """SIGKILL one worker mid-run and time how long the master takes to replace it."""
        before = self.worker_pids()
        victim = rng.choice(before)
        faults.killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        faults.killed_pid = victim
        while time.monotonic() - faults.killed_at < 30:
            now = self.worker_pids()
            if victim not in now and len(now) == self.workers:
                faults.worker_replaced_after_s = time.monotonic() - faults.killed_at
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop gunicorn gracefully (SIGTERM), or kill it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of gunicorn's log."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def join_codes() -> list[str]:
    """Return the join codes of the sample curriculum's workshops."""
    catalogue = load_catalogue(REPO)
    codes = [w.join_code for _c, w in catalogue.workshops() if getattr(w, "join_code", None)]
    if not codes:
        raise RuntimeError("the sample curriculum has no workshop with a join code")
    return [str(c) for c in codes]


def drive(gunicorn: Gunicorn, scenario: Scenario, journal: Journal, faults: Faults,
          restart_database: Callable[[], None] | None) -> tuple[float, int, list[str]]:
    """Run every trainee against the server while injecting the faults; return time and results."""
    rng = random.Random(scenario.seed)
    codes = join_codes()
    started = time.monotonic()
    deadline = started + scenario.time_limit_s
    finished = 0
    failures: list[str] = []
    lock = threading.Lock()

    def trainee(number: int) -> None:
        nonlocal finished
        own = random.Random(scenario.seed * 1000 + number)
        visitor = Trainee(number, HOST, gunicorn.port, journal, deadline=deadline, rng=own)
        try:
            visitor.run(own.choice(codes),
                        double_start=own.random() < scenario.double_start_share,
                        double_submit=own.random() < scenario.double_submit_share,
                        replay=own.random() < scenario.replay_share)
        except GaveUp as exc:
            with lock:
                failures.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug in the client is a failed trainee too
            with lock:
                failures.append(f"trainee {number}: {type(exc).__name__}: {exc}")
        with lock:
            finished += 1

    def injector() -> None:
        plan: list[tuple[float, Callable[[], None]]] = []
        if scenario.kill_worker_at is not None:
            plan.append((scenario.kill_worker_at, lambda: gunicorn.kill_worker(rng, faults)))
        if scenario.restart_database_at is not None and restart_database is not None:
            def restart() -> None:
                faults.restart_started = time.monotonic()
                restart_database()
                faults.restart_took_s = time.monotonic() - faults.restart_started
            plan.append((scenario.restart_database_at, restart))
        for share, action in sorted(plan, key=lambda p: p[0]):
            while finished < share * scenario.trainees and time.monotonic() < deadline:
                time.sleep(0.02)
            if finished < scenario.trainees:
                action()

    fault_thread = threading.Thread(target=injector, daemon=True)
    fault_thread.start()
    with ThreadPoolExecutor(max_workers=scenario.concurrency) as pool:
        list(pool.map(trainee, range(1, scenario.trainees + 1)))
    fault_thread.join(timeout=60)
    return time.monotonic() - started, finished, failures


def compare(database_url: str, journal: Journal) -> dict[str, Any]:
    """Compare what the clients were told with what the database holds."""
    database = Database(database_url)
    try:
        with database.read() as session:
            attempts = {a.public_id: a for a in session.scalars(select(Attempt))}
            responses: dict[int, int] = dict(session.execute(
                select(Response.attempt_id, func.count()).group_by(Response.attempt_id)).all())
            participants = session.scalar(select(func.count()).select_from(Participant)) or 0
            names = session.execute(select(Participant.display_name, func.count())
                                    .group_by(Participant.display_name)
                                    .having(func.count() > 1)).all()
    finally:
        database.dispose()
    stored = {p for p, a in attempts.items() if a.submitted_at is not None}
    complete = {p for p in stored if responses.get(attempts[p].id, 0) == len(attempts[p].questions)}
    per_test = Counter((a.participant_id, a.kind, a.module_id) for a in attempts.values()
                       if a.submitted_at is not None)
    return {
        "submissions_sent": len(journal.submitted),
        "submission_posts": journal.submit_posts,
        "acknowledged": len(journal.acknowledged),
        "stored": len(stored),
        "acknowledged_not_stored": sorted(journal.acknowledged - stored),
        "stored_incomplete": sorted(stored - complete),
        "stored_not_acknowledged": len(stored - journal.acknowledged),
        "stored_never_sent": sorted(stored - journal.submitted),
        "duplicate_submissions": sum(n - 1 for n in per_test.values() if n > 1),
        "double_starts_split": sum(1 for a, b in journal.double_starts if a != b),
        "participants": participants,
        "participants_joined_twice": sum(n - 1 for _name, n in names),
    }


def summarise(journal: Journal, elapsed: float, faults: Faults) -> dict[str, Any]:
    """Return request counts, rate, latency percentiles, errors and fault attribution."""
    outcomes = journal.outcomes
    answered = sorted(o.ended - o.started for o in outcomes if o.status is not None)

    def percentile(share: float) -> float:
        return round(1000 * answered[min(len(answered) - 1, int(share * len(answered)))], 1) \
            if answered else 0.0

    def in_flight_at_kill(o: Any) -> bool:
        return faults.killed_at is not None and o.started <= faults.killed_at <= o.ended + \
            KILL_GRACE_S and o.started <= faults.killed_at

    statuses = Counter(str(o.status) if o.status is not None else f"no answer ({o.error})"
                       for o in outcomes)
    unanswered = [o for o in outcomes if o.status is None]
    server_errors = [o for o in outcomes if o.status is not None and o.status >= 500]
    return {
        "requests": len(outcomes),
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(outcomes) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "statuses": dict(sorted(statuses.items())),
        "http_500": sum(1 for o in server_errors if o.status == 500),
        "unanswered_in_flight_on_killed_worker": sum(1 for o in unanswered if in_flight_at_kill(o)),
        "failures_not_explained_by_the_kill": sum(
            1 for o in [*unanswered, *(e for e in server_errors if e.status == 500)]
            if not in_flight_at_kill(o)),
        "http_503_retried": statuses.get("503", 0),
        "killed_worker": faults.killed_pid is not None,
        "worker_replaced_after_s": faults.worker_replaced_after_s and
        round(faults.worker_replaced_after_s, 2),
        "database_restarted": faults.restart_took_s is not None,
        "database_restart_s": faults.restart_took_s and round(faults.restart_took_s, 2),
    }


def run_scenario(database_url: str, scenario: Scenario, workdir: Path,
                 restart_database: Callable[[], None] | None = None) -> dict[str, Any]:
    """Migrate, serve, drive the trainees with faults, compare; return the report (with `ok`)."""
    upgrade(database_url)
    gunicorn = Gunicorn(database_url, scenario.workers, workdir)
    journal, faults = Journal(), Faults()
    try:
        gunicorn.wait_ready()
        elapsed, finished, failures = drive(gunicorn, scenario, journal, faults, restart_database)
    finally:
        gunicorn.stop()
    report = {"trainees": scenario.trainees, "finished": finished, "gave_up": failures[:10],
              "workers": scenario.workers, **summarise(journal, elapsed, faults),
              **compare(database_url, journal), "problems": journal.problems[:10]}
    report["ok"] = not (report["acknowledged_not_stored"] or report["stored_incomplete"]
                        or report["stored_never_sent"] or report["duplicate_submissions"]
                        or report["double_starts_split"] or report["failures_not_explained_by_the_kill"]
                        or failures or journal.problems or finished != scenario.trainees)
    return report


@contextmanager
def backend(name: str, workdir: Path) -> Iterator[tuple[str, Callable[[], None] | None]]:
    """Yield a fresh database URL for the backend, and how to restart its server (if any)."""
    if name == "sqlite":
        yield f"sqlite:///{workdir / 'trainer.sqlite3'}", None
        return
    from pg_server import ThrowawayPostgres  # noqa: PLC0415 - tests/pg_server.py

    server = ThrowawayPostgres(durable=True).start()
    try:
        yield server.create_database("trainer"), server.restart
    finally:
        server.stop()


@contextmanager
def _workdir(keep: Path | None, name: str) -> Iterator[str]:
    if keep is None:
        with tempfile.TemporaryDirectory(prefix=f"trainer-load-{name}-") as folder:
            yield folder
        return
    kept = keep / name
    kept.mkdir(parents=True, exist_ok=True)
    yield str(kept)


def main(argv: list[str] | None = None) -> int:
    """Run the scenario on each backend asked for; print the reports; exit 1 if one failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--trainees", type=int, default=Scenario.trainees)
    parser.add_argument("--concurrency", type=int, default=Scenario.concurrency)
    parser.add_argument("--workers", type=int, default=Scenario.workers)
    parser.add_argument("--time-limit", type=float, default=Scenario.time_limit_s)
    parser.add_argument("--no-faults", action="store_true", help="no worker kill, no restart")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--keep", type=Path, help="keep logs and SQLite files in this folder")
    args = parser.parse_args(argv)
    scenario = Scenario(trainees=args.trainees, concurrency=args.concurrency,
                        workers=args.workers, time_limit_s=args.time_limit)
    if args.no_faults:
        scenario = replace(scenario, kill_worker_at=None, restart_database_at=None)
    reports: dict[str, dict[str, Any]] = {}
    for name in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        with _workdir(args.keep, name) as folder, \
                backend(name, Path(folder)) as (url, restart):
            reports[name] = run_scenario(url, scenario, Path(folder), restart)
        if not args.json:
            print(f"\n== {name}: {scenario.trainees} trainees, {scenario.workers} workers ==")
            for key, value in reports[name].items():
                print(f"  {key:40} {value}")
    if args.json:
        print(json.dumps(reports, indent=2))
    return 0 if all(r["ok"] for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
