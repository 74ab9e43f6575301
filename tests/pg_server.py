"""A throwaway PostgreSQL server for the test run, and the fixtures that hand out databases on it.

Loaded as a pytest plugin (`pytest_plugins = ["pg_server"]` in tests/conftest.py). It provides:

- `postgres_server` (session): a real PostgreSQL cluster made with initdb in a temporary folder and
  started on 127.0.0.1 with a free port; stopped and deleted when the session ends. PostgreSQL
  refuses to run as root, so when the tests run as root (CI) the server binaries run as the
  unprivileged `postgres` user through `runuser`. When the server cannot be started the tests that
  need it fail with the reason; they are never skipped.
- `database_url`: the URL of an empty database for one test, once on SQLite and once on
  PostgreSQL (the PostgreSQL case carries the `postgres` marker).
- `migrated_database_url`: the same, already upgraded to the newest Alembic revision (cloned from a
  template migrated once per session, so it costs a file copy or a CREATE DATABASE).

`ThrowawayPostgres` is used outside pytest too: bench/load.py starts one for its PostgreSQL run.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

logger = logging.getLogger(__name__)

SERVICE_USER = "postgres"
SUPERUSER = "postgres"
START_TIMEOUT_S = 60
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - mkdtemp makes a private folder in it
SHARED_MEMORY_NEEDED = 1 << 30  # containers often give /dev/shm only 64 MB: use the disk then
BINARY_HINT = (
    "the PostgreSQL server binaries (initdb, pg_ctl) were not found: install Debian's `postgresql` "
    "package (`make system-deps` does), or set PG_BINDIR to the folder that holds them"
)

# Settings for a server that lives for one test run: durability off (a crash loses nothing of
# value), small memory, connections enough for four gunicorn workers' pools and the tests.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "128MB",
    "min_wal_size": "32MB",
}
COMMON_SETTINGS = {
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "log_connections": "off",
    "timezone": "UTC",
}


class PostgresUnavailable(RuntimeError):
    """The throwaway PostgreSQL server could not be set up."""


def find_bindir() -> Path:
    """Return the folder holding initdb and pg_ctl: $PG_BINDIR, the newest Debian version, or PATH."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(BINARY_HINT)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only.

    `durable=False` turns fsync off (for tests); bench/load.py keeps it on so that what it
    measures is what a real server does.
    """

    def __init__(self, *, durable: bool = False, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.durable = durable
        self.port = 0
        self.password = secrets.token_urlsafe(24)
        # A test server lives in memory when it can: creating a database per test is then ~10x faster.
        in_memory = (not durable and os.access(SHARED_MEMORY, os.W_OK)
                     and shutil.disk_usage(SHARED_MEMORY).free >= SHARED_MEMORY_NEEDED)
        self.base = Path(tempfile.mkdtemp(prefix="trainer-pg-", dir=SHARED_MEMORY if in_memory else None))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self._as_service_user = os.geteuid() == 0
        self._running = False

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> ThrowawayPostgres:
        """Create the cluster and start the server; raise PostgresUnavailable with the reason."""
        try:
            self._prepare_folder()
            self._initdb()
            for _attempt in range(3):  # another process may take the free port before we do
                self.port = free_port()
                self._write_settings()
                if (
                    self._pg_ctl(
                        "start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(self.log), check=False
                    ).returncode
                    == 0
                ):
                    self._running = True
                    logger.info("PostgreSQL started on 127.0.0.1:%d in %s", self.port, self.base)
                    return self
            raise PostgresUnavailable(f"PostgreSQL did not start; its log says:\n{self.log_tail()}")
        except BaseException:
            self.stop()
            raise

    def restart(self) -> None:
        """Stop the server (fast: sessions are cut off) and start it again on the same port."""
        self._pg_ctl("restart", "-m", "fast", "-w", "-t", str(START_TIMEOUT_S), "-l", str(self.log))

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self._running:
            self._pg_ctl("stop", "-m", "immediate" if not self.durable else "fast", "-w", check=False)
            self._running = False
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    # -- databases ------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy URL of a database on this server (it holds the password)."""
        return f"postgresql+psycopg://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create a database (a copy of `template`) and return its URL."""
        # FILE_COPY: one checkpoint instead of WAL-logging every page of the template; faster here.
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, cutting off any session still connected to it."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg  # noqa: PLC0415 - only the PostgreSQL path needs the driver

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=self.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        ) as connection:
            connection.execute(statement)

    # -- internals ------------------------------------------------------------------------------

    def _prepare_folder(self) -> None:
        if self._as_service_user:
            try:
                shutil.chown(self.base, user=SERVICE_USER, group=None)
            except LookupError as exc:
                raise PostgresUnavailable(
                    f"the tests run as root and PostgreSQL refuses root, but there is no "
                    f"`{SERVICE_USER}` user to run it as (Debian's postgresql package creates it)"
                ) from exc
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running PostgreSQL as `postgres` needs `runuser`")
        self.base.chmod(0o700)

    def _initdb(self) -> None:
        password_file = self.base / "pwfile"
        password_file.write_text(self.password + "\n", encoding="ascii")
        password_file.chmod(0o600)
        if self._as_service_user:
            shutil.chown(password_file, user=SERVICE_USER, group=None)
        try:
            self._run(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={password_file}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-instructions",
                    *([] if self.durable else ["--no-sync"]),
                ]
            )
        finally:
            password_file.unlink(missing_ok=True)

    def _write_settings(self) -> None:
        settings = {
            **COMMON_SETTINGS,
            **({} if self.durable else FAST_SETTINGS),
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.base}'",
        }
        # postgresql.auto.conf is read last, so a rewrite with a new port wins over earlier ones.
        text = "".join(f"{name} = {value}\n" for name, value in settings.items())
        auto = self.data / "postgresql.auto.conf"
        auto.write_text(text, encoding="utf-8")
        if self._as_service_user:
            shutil.chown(auto, user=SERVICE_USER, group=None)

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args], check=check)

    def _run(self, command: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        if self._as_service_user:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        try:
            result = subprocess.run(
                command,
                cwd=self.base,
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S + 30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PostgresUnavailable(f"{Path(command[-1]).name}: {exc}") from exc
        if check and result.returncode != 0:
            name = Path(command[4] if self._as_service_user else command[0]).name
            raise PostgresUnavailable(
                f"{name} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{self.log_tail()}"
            )
        return result


# -- pytest fixtures -------------------------------------------------------------------------------

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """Start a throwaway PostgreSQL server for the test run; fail (never skip) when it cannot."""
    try:
        server = ThrowawayPostgres().start()
    except PostgresUnavailable as exc:
        pytest.fail(
            f"the PostgreSQL tests need a real server, and it could not be started: {exc}", pytrace=False
        )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file at the newest migration, made once per session."""
    from trainer.store.migrate import upgrade  # noqa: PLC0415 - keeps the plugin import light

    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_template(postgres_server: ThrowawayPostgres) -> str:
    """Return the name of a PostgreSQL database at the newest migration, made once per session."""
    from trainer.store.migrate import upgrade  # noqa: PLC0415

    name = "trainer_template"
    upgrade(postgres_server.create_database(name))
    return name


def _postgres_database(request: pytest.FixtureRequest, template: str) -> Iterator[str]:
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    name = f"test_{next(_names)}_{secrets.token_hex(3)}"
    url = server.create_database(name, template=template)
    try:
        yield url
    finally:
        # A connection the test left open and unreferenced warns (an error here) now, in this
        # test's teardown, instead of in some later test.
        gc.collect()
        server.drop_database(name)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty database for one test: on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    yield from _postgres_database(request, "template0")


@pytest.fixture(params=BACKENDS)
def migrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a database at the newest migration for one test, on both backends."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield from _postgres_database(request, request.getfixturevalue("_postgres_template"))


@pytest.fixture
def postgres_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Return the URL of a PostgreSQL database at the newest migration (for PostgreSQL-only tests)."""
    yield from _postgres_database(request, request.getfixturevalue("_postgres_template"))
