"""Benchmark durable SQLite commits from several processes: the WAL flushed inside the write lock
(synchronous=FULL, as `Database.write_core` did) against flushed after it (`_sync_wal`).

Each of N processes makes its own `Database` on one SQLite file in a temporary folder and commits
`--commits` one-row inserts with `write_core(durable=True)`; the two ways take turns, `--rounds`
times, and the commits a second of each (and their ratio) are printed. The disk is this machine's:
on tmpfs `fdatasync` costs nothing and both ways are the same.

    .venv/bin/python bench/sqlite_commits.py [--processes 2 5] [--commits 400] [--rounds 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, insert

from trainer.store.database import Database

_TABLE = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("v", Integer))
_INSERT = insert(_TABLE)


def _writer(url: str, commits: int, inside: bool) -> None:
    database = Database(url)
    if inside:
        database._wal_path = None  # noqa: SLF001 - the old way: FULL, flushed under the lock
    for number in range(commits):
        database.write_core(lambda statements, n=number: statements.run(_INSERT, {"v": n}))
    database.dispose()


def _rate(processes: int, commits: int, inside: bool) -> float:
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-commits-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        database = Database(url)
        _TABLE.metadata.create_all(database.engine)
        database.dispose()
        workers = [multiprocessing.Process(target=_writer, args=(url, commits, inside))
                   for _ in range(processes)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return processes * commits / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[2, 5])
    parser.add_argument("--commits", type=int, default=400, help="commits per process")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    for processes in args.processes:
        inside: list[float] = []
        after: list[float] = []
        for _ in range(args.rounds):
            inside.append(_rate(processes, args.commits, True))
            after.append(_rate(processes, args.commits, False))
        print(f"{processes} processes: flushed inside the lock {statistics.median(inside):7.0f} "
              f"commits/s, after it {statistics.median(after):7.0f} commits/s, ratio "
              f"{statistics.median(after) / statistics.median(inside):.2f}")


if __name__ == "__main__":
    main()
