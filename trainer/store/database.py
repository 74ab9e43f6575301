"""The engine and sessions: SQLite (default) or PostgreSQL, from a database URL.

SQLite connections get WAL, synchronous=FULL (NORMAL for `write_core`, which flushes the WAL itself
after the write lock is released when the write must be durable: `_sync_wal`), foreign keys and a
busy timeout on every connect, and write transactions start with BEGIN IMMEDIATE, so that several
workers queue for the write lock instead of failing with "database is locked" when a read
transaction tries to upgrade. The pool keeps connections open per process: closing the last
connection to a WAL database checkpoints it, which costs milliseconds per request. PostgreSQL gets
`pool_pre_ping`, and a write unit of work is retried when its connection drops, so callers must make
their writes idempotent (they are). A server that is briefly away (a restart) is waited for; one
that stays away raises DatabaseUnavailable, which the web app answers with 503.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, Executable, create_engine, event, text
from sqlalchemy.engine import URL, Row, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from trainer.errors import StoreError
from trainer.recent import Recent

logger = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
# How long a request waits out a database that is unreachable or busy before giving up with
# DatabaseUnavailable (a 503 "try again"). PostgreSQL: long enough for a restart or a failover.
# SQLite: short, as its busy timeout has already waited for the lock.
POSTGRES_WRITE_RETRY_S = 10.0
POSTGRES_READ_WAIT_S = 5.0
SQLITE_RETRY_S = 0.5
FIRST_PAUSE_S = 0.05
LONGEST_PAUSE_S = 1.0
_IMMEDIATE = "trainer_begin_immediate"
_SINGLE_STATEMENT = "trainer_single_statement"


def database_url_for(instance_path: Path | str) -> str:
    """Return the default database URL: a SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path).resolve() / 'trainer.sqlite3'}"


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def make_engine(url: str | URL, *, sqlite_synchronous: str = "FULL", **engine_options: Any
                ) -> Engine:
    """Create an engine for `url` with the project's connection settings.

    `sqlite_synchronous`: SQLite's synchronous setting for its connections (FULL: a commit is
    on disk when it returns; NORMAL: see `Database.write_core`'s `durable`).
    """
    if sqlite_synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"unknown synchronous setting {sqlite_synchronous!r}")
    parsed = make_url(url)
    if _is_sqlite(parsed):
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        options: dict[str, Any] = {"pool_size": 8, "max_overflow": 16, "pool_timeout": 30}
        if not database or database == ":memory:":
            options = {}
        options.update(engine_options)
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine, sqlite_synchronous)
        return engine
    options = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}
    options.update(engine_options)
    return create_engine(parsed, **options)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(_SINGLE_STATEMENT, False):
            return  # one SELECT is its own read transaction in SQLite's autocommit mode
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_IMMEDIATE, False) else "BEGIN")


class Statements(Protocol):
    """Prebuilt Core statements run in one write transaction (`Database.write_core`)."""

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Any:
        """Return the first row of a SELECT (attributes named after its columns, values
        converted to Python types as the ORM would), or None."""

    def run(self, statement: Executable, parameters: Mapping[str, Any]) -> int:
        """Run an UPDATE, DELETE or one-row INSERT; return how many rows it matched."""

    def run_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run an INSERT once per row (the rows' keys name its columns)."""


class _OnConnection:
    """`Statements` on a SQLAlchemy connection (PostgreSQL)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Any:
        return self.connection.execute(statement, dict(parameters)).first()

    def run(self, statement: Executable, parameters: Mapping[str, Any]) -> int:
        return int(getattr(self.connection.execute(statement, dict(parameters)), "rowcount", 0))

    def run_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        self.connection.execute(statement, [dict(row) for row in rows])


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A statement compiled for SQLite's driver once: its SQL, and how values go in and out."""

    statement: Executable
    sql: str
    names: tuple[str, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    row: Any  # a namedtuple class for a SELECT's rows, else None
    results: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(parameters[name] if bind is None else bind(parameters[name])
                     for name, bind in zip(self.names, self.binds, strict=True))

    def make_row(self, values: Sequence[Any]) -> Any:
        if not self.results:  # text(): the driver's values as they are
            return tuple(values)
        return self.row(*(value if result is None else result(value)
                          for value, result in zip(values, self.results, strict=True)))


class _OnDriver:
    """`Statements` on a SQLite DBAPI cursor, each statement compiled once (`_Prepared`): a
    fraction of what SQLAlchemy's execution costs per statement on the hottest writes."""

    def __init__(self, database: Database, cursor: Any) -> None:
        self.database = database
        self.cursor = cursor

    def first(self, statement: Executable, parameters: Mapping[str, Any]) -> Any:
        prepared = self.database._prepared(statement, tuple(parameters))  # noqa: SLF001
        self.cursor.execute(prepared.sql, prepared.arguments(parameters))
        values = self.cursor.fetchone()
        return None if values is None else prepared.make_row(values)

    def run(self, statement: Executable, parameters: Mapping[str, Any]) -> int:
        prepared = self.database._prepared(statement, tuple(parameters))  # noqa: SLF001
        self.cursor.execute(prepared.sql, prepared.arguments(parameters))
        return int(self.cursor.rowcount)

    def run_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        prepared = self.database._prepared(statement, tuple(rows[0]))  # noqa: SLF001
        self.cursor.executemany(prepared.sql, [prepared.arguments(row) for row in rows])


class DatabaseUnavailable(StoreError):
    """The database stayed unreachable (or busy) for longer than a request waits: try again later."""


_WRITER = threading.Lock()
_LOCK_FILES: dict[tuple[int, str], int] = {}


@contextmanager
def one_writer(url: URL) -> Iterator[None]:
    """On a SQLite file, queue this process's threads, then the processes, for the write lock.

    SQLite's busy handler polls a held lock with sleeps of up to 100 ms, so with a few workers and
    threads all starting BEGIN IMMEDIATE, writers sleep far longer than the lock is held (under
    load a submission took a second). A thread lock and an flock on a file next to the database
    wake the next writer the moment the previous one commits. The busy timeout stays as a backstop
    (other writers, other programs). Every write of `Database` goes through here: attempts,
    accounts and imports alike.
    """
    path = url.database or ""
    if not _is_sqlite(url) or not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    with _WRITER:
        key = (os.getpid(), path)  # a forked child must not share its parent's open file
        fd = _LOCK_FILES.get(key)
        if fd is None:
            fd = os.open(f"{Path(path).resolve()}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
            _LOCK_FILES[key] = fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


class Database:
    """An engine with read and write sessions; one per process (create it after a fork)."""

    def __init__(self, url: str | URL, **engine_options: Any) -> None:
        self.url = make_url(url)
        self._recent: dict[str, Recent[Any, Any]] = {}
        self._recent_lock = threading.Lock()
        self.engine = make_engine(self.url, **engine_options)
        self._engine_options = engine_options
        self._light: Engine | None = None  # made on the first write that need not be durable
        self.is_sqlite = _is_sqlite(self.url)
        path = self.url.database or ""
        # The WAL file of a SQLite file database, flushed by durable `write_core` commits.
        self._wal_path: str | None = (
            f"{Path(path).resolve()}-wal" if self.is_sqlite and path and path != ":memory:"
            and not path.startswith("file:") else None)
        self._wal_fd: int | None = None  # the WAL file, opened by the first durable write
        self._wal_pid = 0  # the process that opened it (a forked child opens its own)
        self.write_retry_seconds = SQLITE_RETRY_S if self.is_sqlite else POSTGRES_WRITE_RETRY_S
        self.read_wait_seconds = SQLITE_RETRY_S if self.is_sqlite else POSTGRES_READ_WAIT_S
        writer = self.engine.execution_options(**{_IMMEDIATE: True})
        self._writer = writer
        self._single = self.engine.execution_options(**{_SINGLE_STATEMENT: True})
        dbapi = self.engine.dialect.loaded_dbapi
        # A dropped connection or a server going away, as the driver reports it.
        self._driver_errors: tuple[type[Exception], ...] = (dbapi.OperationalError,
                                                             dbapi.InterfaceError)
        self._read_errors: tuple[type[Exception], ...] = (OperationalError, *self._driver_errors)
        self._raw_statements: dict[int, tuple[Executable, str, tuple[str, ...] | None]] = {}
        self._reader = threading.local()  # each thread's SQLite connection for one-row reads
        self._writers = threading.local()  # and for `write_core` (durable, light)
        self._prepared_statements: dict[tuple[int, tuple[str, ...]], _Prepared] = {}
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    def recent(self, name: str, size: int) -> Recent[Any, Any]:
        """Return this database's worker cache `name` (made on first use), e.g. participants.

        Kept on the Database, one per app like the web app's caches (trainer.web.caches), so a
        new app or a test's database starts with an empty one.
        """
        with self._recent_lock:
            found = self._recent.get(name)
            if found is None:
                found = self._recent[name] = Recent(size)
            return found

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Open a session for reading; nothing it does is committed.

        Closing the session ends its transaction and detaches what it loaded, still readable.
        A database that cannot be reached is waited for a few seconds (a server restart), then
        DatabaseUnavailable is raised; so it is when the connection drops during the read.
        """
        session = self._read()
        try:
            self._connect(session)
            try:
                yield session
            except OperationalError as exc:
                if exc.connection_invalidated or self._is_transient(exc):
                    raise DatabaseUnavailable(
                        f"the database went away during a read: {exc.orig}") from exc
                raise
        finally:
            try:
                session.close()
            except OperationalError as exc:
                # What was read is complete; only ending its transaction failed, because the
                # connection died meanwhile (a restart). The pool has already dropped it.
                logger.warning("connection lost after a read: %s", exc.orig)

    def read_row(self, statement: Executable, parameters: dict[str, Any]) -> Any:
        """Run one SELECT and return its first row, types converted: a cheap read for hot pages.

        No session and, on SQLite, no explicit BEGIN (a single statement reads one consistent
        snapshot on its own), on the thread's kept connection. The row's attributes are named
        after the statement's columns. Waits and errors as `read`.
        """
        if self.is_sqlite:  # on the driver, converted as SQLAlchemy would (see `_prepared`)
            prepared = self._prepared(statement, tuple(parameters))

            def first_values() -> Any:
                values = self._fetch_one(prepared.sql, prepared.arguments(parameters))
                return None if values is None else prepared.make_row(values)

            return self._waiting(first_values)

        def first_row() -> Row[Any] | None:
            with self._single.connect() as connection:
                return connection.execute(statement, parameters).first()

        return self._waiting(first_row)

    def read_values(self, statement: Executable, parameters: dict[str, Any]
                    ) -> tuple[Any, ...] | None:
        """Run one SELECT on the driver directly; return its first row as the driver gives it.

        For the hottest read of all (is this quiz page's attempt still open?): the statement is
        compiled once per dialect and run on a pooled DBAPI connection, 14 µs against 98 µs through
        SQLAlchemy's execution on SQLite. No type conversion: use it for ids, counts and NULL checks.
        Waits and errors as `read`.
        """
        sql, names = self._compiled(statement)
        arguments: Any = parameters if names is None else tuple(parameters[n] for n in names)
        return self._waiting(lambda: self._fetch_one(sql, arguments))

    def _fetch_one(self, sql: str, arguments: Any) -> tuple[Any, ...] | None:
        """Run one SELECT on a DBAPI connection; return its first row.

        PostgreSQL: a pooled connection, given back (its transaction rolled back) at once.
        SQLite: this thread's own connection, kept out of the pool: checking a connection out
        and back in (with its reset) cost as much as the SELECT itself, and in autocommit mode
        each statement is its own read transaction, ended when its cursor closes, so a kept
        connection reads every commit made since, by any process.
        """
        kept = getattr(self._reader, "connection", None) if self.is_sqlite else None
        # SQLAlchemy's own errors when it cannot connect.
        connection = kept if kept is not None else self.engine.raw_connection()
        if self.is_sqlite:
            self._reader.connection = connection
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, arguments)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except self._driver_errors:
            self._reader.connection = None
            connection.invalidate()  # dropped (a restart): never hand it out again
            raise
        finally:
            if not self.is_sqlite:
                connection.close()  # back to the pool, its transaction rolled back
        return None if row is None else tuple(row)

    def _compiled(self, statement: Executable) -> tuple[str, tuple[str, ...] | None]:
        """Return `statement` as this dialect's SQL and its positional parameter names (or None)."""
        found = self._raw_statements.get(id(statement))
        if found is None or found[0] is not statement:
            compiled = statement.compile(dialect=self.engine.dialect)  # type: ignore[attr-defined]
            names = tuple(compiled.positiontup) if compiled.positional else None
            found = (statement, str(compiled), names)
            self._raw_statements[id(statement)] = found
        return found[1], found[2]

    def _connect(self, session: Session) -> None:
        """Give `session` a live connection, waiting up to read_wait_seconds for the server."""
        self._waiting(session.connection, after_failure=session.rollback)

    def _waiting(self, read: Callable[[], T], after_failure: Callable[[], object] | None = None
                 ) -> T:
        """Run `read`; while the database cannot be reached, try again for read_wait_seconds.

        Then, or at once for an error that waiting cannot cure, raise DatabaseUnavailable.
        `after_failure` runs after each failed try (a session's rollback).
        """
        deadline = time.monotonic() + self.read_wait_seconds
        pause = FIRST_PAUSE_S
        while True:
            try:
                return read()
            except self._read_errors as exc:
                if after_failure is not None:
                    after_failure()
                cause = getattr(exc, "orig", exc)
                transient = (not isinstance(exc, OperationalError) or exc.connection_invalidated
                             or self._is_transient(exc))
                if not transient or time.monotonic() + pause > deadline:
                    raise DatabaseUnavailable(
                        f"the database cannot be reached: {cause}") from exc
                logger.warning("database unreachable (%s); trying again in %.2f s", cause, pause)
                time.sleep(pause)
                pause = min(2 * pause, LONGEST_PAUSE_S)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction and commit; retry it when the connection drops.

        `work` must be safe to run again (it may have committed before the connection was lost).
        Transient failures are retried with growing pauses for up to write_retry_seconds (long
        enough to ride out a PostgreSQL restart), then DatabaseUnavailable is raised.
        """
        def in_session() -> T:
            with self._write() as session, session.begin():
                return work(session)

        with one_writer(self.url):
            return self._retrying(in_session)

    def write_core(self, work: Callable[[Statements], T], *, durable: bool = True) -> T:
        """Like `write`, for prebuilt Core statements on the hottest paths (drafts, submissions).

        `work` runs its statements through `Statements`: on SQLite straight on the driver, on
        this thread's own connection (kept out of the pool, like `_fetch_one`'s), each statement
        compiled once (`_prepared`), with the same type conversions as the ORM; on PostgreSQL on
        a SQLAlchemy connection. SQLAlchemy's execution machinery (pool checkout, events,
        per-statement set-up) was most of a draft save's write.

        `durable=False` is for writes that a newer one soon replaces (a draft of answers): the
        transaction is as atomic and isolated as any, and survives a crash of the app, but its
        commit does not wait for the disk, so a power cut or a crash of the machine itself may
        lose it until the next durable commit (SQLite: WAL with synchronous NORMAL, synced by the
        next FULL commit or checkpoint; PostgreSQL: synchronous_commit off for the transaction,
        on disk within three WAL writer delays, 0.6 s by default). Waiting for the disk was half
        of a draft save on SQLite.
        """
        synced_later = durable and self.is_sqlite and self._wal_path is not None
        if self.is_sqlite:
            def transaction() -> T:
                return self._on_driver(work, durable and not synced_later)
        else:
            def transaction() -> T:
                with self._writer.begin() as connection:
                    if not durable:
                        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                    return work(_OnConnection(connection))

        with one_writer(self.url):
            result = self._retrying(transaction)
        if synced_later:
            self._sync_wal()
        return result

    def _sync_wal(self) -> None:
        """Wait until SQLite's write-ahead log is on disk: what a FULL commit waits for, after the
        write lock is released.

        A durable `write_core` commits without waiting for the disk (synchronous NORMAL), lets the
        next writer in, and then flushes the WAL file itself before returning, so the commit is on
        disk before the caller answers, as with FULL. Writers in several workers each flush once
        the lock is free, and a flush writes out every commit before it: the commits of a busy
        moment share the disk's flushes (a group commit, done by the kernel) instead of queueing
        one flush each behind the lock. A commit no longer in the WAL was checkpointed into the
        database file, which SQLite flushes after every checkpoint, and a WAL file gone or
        replaced (every connection closed) was checkpointed whole: nothing left to wait for.
        Unlike FULL, other connections may read the commit a moment before it is on disk.
        """
        path = self._wal_path
        assert path is not None  # noqa: S101 - only called for a file database
        try:
            now = os.stat(path)
        except FileNotFoundError:
            self._no_wal_found(path)
            return
        with self._recent_lock:
            fd = self._wal_fd if self._wal_pid == os.getpid() else None
            if fd is not None:
                kept = os.fstat(fd)
                # Another file, or this one deleted (its inode number may be reused): reopen.
                if (kept.st_dev, kept.st_ino) != (now.st_dev, now.st_ino) or kept.st_nlink == 0:
                    os.close(fd)
                    fd = None
            if fd is None:
                try:
                    fd = os.open(path, os.O_RDONLY)
                except FileNotFoundError:
                    self._no_wal_found(path)
                    return
                self._wal_fd, self._wal_pid = fd, os.getpid()
            mine = os.dup(fd)  # flushed outside the lock: another thread may close the kept one
        try:
            os.fdatasync(mine)
        except OSError as exc:
            raise StoreError(f"the database's log could not be written to disk: {exc}") from exc
        finally:
            os.close(mine)

    def _no_wal_found(self, path: str) -> None:
        """Make the commit just made durable another way, and commit with FULL from now on.

        This thread's connection is open, so a WAL database has its log at `path`; none there
        means SQLite keeps it elsewhere (a link in the path) or is not in WAL mode (a file system
        without shared memory). A checkpoint flushes the log wherever it is, then the database
        file is flushed itself (what a rollback journal's commit leaves the data in).
        """
        logger.warning("no write-ahead log at %s: durable writes wait for the disk inside the "
                       "write lock from now on", path)
        self._wal_path = None
        connection = getattr(self._writers, "light", None)
        try:
            if connection is not None:
                cursor = connection.cursor()
                try:
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    cursor.fetchall()
                finally:
                    cursor.close()
            fd = os.open(str(Path(self.url.database or "").resolve()), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except (OSError, self.engine.dialect.loaded_dbapi.Error) as exc:
            raise StoreError(f"the database could not be written to disk: {exc}") from exc

    def _on_driver(self, work: Callable[[Statements], T], durable: bool) -> T:
        """Run `work` in one BEGIN IMMEDIATE ... COMMIT on this thread's kept SQLite connection.

        Driver errors come out as SQLAlchemy's (so `_retrying` sees a locked database as any
        other write does); a connection that failed is dropped, and the next write opens another.
        """
        name = "durable" if durable else "light"
        connection = getattr(self._writers, name, None)
        if connection is None:
            connection = (self.engine if durable else self._light_engine()).raw_connection()
            setattr(self._writers, name, connection)
        dbapi = self.engine.dialect.loaded_dbapi
        cursor = connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            try:
                result = work(_OnDriver(self, cursor))
                cursor.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    cursor.execute("ROLLBACK")
                raise
        except dbapi.Error as exc:
            if isinstance(exc, self._driver_errors):
                setattr(self._writers, name, None)
                connection.invalidate()
            raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc
        finally:
            cursor.close()
        return result

    def _prepared(self, statement: Executable, keys: tuple[str, ...]) -> _Prepared:
        """Return `statement` compiled for SQLite's driver, given the parameter names it gets."""
        key = (id(statement), keys)
        found = self._prepared_statements.get(key)
        if found is not None and found.statement is statement:
            return found
        dialect = self.engine.dialect
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
        names = tuple(compiled.positiontup or ())
        missing = sorted(set(names) - set(keys))
        if missing:  # a column default SQLAlchemy would fill in: not for this path
            raise ValueError(f"statement needs parameters {missing}: {compiled}")
        binds = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                      for name in names)
        columns = list(getattr(statement, "selected_columns", ()))
        row: Any = namedtuple("Row", [c.key for c in columns], rename=True) if columns else tuple
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                        for c in columns)
        found = _Prepared(statement, str(compiled), names, binds, row, results)
        self._prepared_statements[key] = found
        return found

    def _light_engine(self) -> Engine:
        """Return the SQLite engine for writes that need not wait for the disk (`write_core`)."""
        found = self._light
        if found is None:
            with self._recent_lock:
                if self._light is None:
                    self._light = make_engine(self.url, sqlite_synchronous="NORMAL",
                                              **self._engine_options)
                found = self._light
        return found

    def _retrying(self, transaction: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.write_retry_seconds
        pause = FIRST_PAUSE_S
        tries = 0
        while True:
            tries += 1
            try:
                return transaction()
            except DBAPIError as exc:
                transient = isinstance(exc, OperationalError) and self._is_transient(exc)
                if not (exc.connection_invalidated or transient):
                    if isinstance(exc, OperationalError):
                        raise StoreError(f"the database refused a write: {exc.orig}") from exc
                    raise
                if time.monotonic() + pause > deadline:
                    raise DatabaseUnavailable(
                        f"the database refused a write {tries} times: {exc.orig}") from exc
                logger.warning("write failed (%s); retrying in %.2f s (try %d)", exc.orig, pause,
                               tries)
                time.sleep(pause)
                pause = min(2 * pause, LONGEST_PAUSE_S)

    def _is_transient(self, exc: OperationalError) -> bool:
        """Return whether a failed write may succeed if run again."""
        message = str(exc.orig).lower()
        if self.is_sqlite:
            return "database is locked" in message or "database is busy" in message
        # PostgreSQL: serialization failure, deadlock, or the server going away.
        code = getattr(exc.orig, "sqlstate", None)
        return code in {"40001", "40P01", "57P01", "57P03", "08006", "08003", "08000"} or (
            "server closed the connection" in message or "connection" in message
        )

    def ping(self) -> bool:
        """Return whether the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError:
            logger.exception("database ping failed")
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown, or in a child after a fork)."""
        for holder, name in ((self._reader, "connection"), (self._writers, "durable"),
                             (self._writers, "light")):
            kept = getattr(holder, name, None)
            if kept is not None:
                setattr(holder, name, None)
                kept.close()
        if self._light is not None:
            self._light.dispose()
        fd, self._wal_fd = self._wal_fd, None
        if fd is not None and self._wal_pid == os.getpid():
            os.close(fd)
        self.engine.dispose()
