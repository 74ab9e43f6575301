"""Commands for trainers: `trainer create-trainer USERNAME`, `trainer set-password USERNAME` (a
new password, which ends all that trainer's sessions) and `trainer verify CODE`.

Both read the same configuration as the web app (DATABASE_URL, TRAINER_INSTANCE_PATH, the
instance folder's config.py) without loading any content. `announce_first_trainer(app)` is what
`trainer serve` calls after migrating: on the very first start it creates the account `trainer`
with a generated password and prints that password, once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from trainer.errors import StoreError, TrainerError

T = TypeVar("T")

if TYPE_CHECKING:
    from flask import Flask

    from trainer.store.database import Database


def settings_or_exit() -> tuple[dict[str, Any], Path]:
    """Return the settings and the instance folder the web app would use, or exit 1."""
    from trainer.settings import instance_path, read_settings  # noqa: PLC0415

    instance = instance_path()
    try:
        return read_settings(instance), instance
    except TrainerError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


def open_database(settings: dict[str, Any], instance: Path) -> Database:
    """Open (and migrate) the database these settings name, or exit 1."""
    from trainer.store.database import Database, database_url_for  # noqa: PLC0415
    from trainer.store.migrate import upgrade  # noqa: PLC0415

    url = settings.get("DATABASE_URL") or database_url_for(instance)
    try:
        upgrade(url)
    except (StoreError, OSError) as exc:
        click.echo(f"Error: the database could not be opened: {exc}", err=True)
        raise SystemExit(1) from None
    return Database(url)


def _read_password(from_stdin: bool, generate: bool) -> tuple[str, bool]:
    """Return the new password and whether it was generated."""
    from trainer.store.accounts import generate_password  # noqa: PLC0415

    if generate:
        return generate_password(), True
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n"), False
    password: str = click.prompt("Password (leave empty to generate one)", hide_input=True,
                                 default="", show_default=False)
    if not password:
        return generate_password(), True
    click.prompt("Repeat the password", hide_input=True, value_proc=_same_as(password))
    return password, False


def _same_as(password: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value != password:
            raise click.UsageError("the two passwords differ; run the command again")
        return value
    return check


def _with_password(password_stdin: bool, generate: bool, change: Callable[[Database, str], T],
                   done: Callable[[T], str]) -> None:
    """Read (or generate) a password, apply `change` to the database with it, print `done` of its
    result, then a generated password, once. A user's mistake is a message and exit 1."""
    from trainer.store.accounts import AccountError  # noqa: PLC0415

    if password_stdin and generate:
        raise click.UsageError("use either --password-stdin or --generate, not both")
    password, generated = _read_password(password_stdin, generate)
    database = open_database(*settings_or_exit())
    try:
        result = change(database, password)
    except AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    finally:
        database.dispose()
    click.echo(done(result))
    if generated:
        click.echo(f"Its password (shown only this once): {password}")


@click.command("create-trainer")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (one line), for scripts.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def create_trainer_command(username: str, password_stdin: bool, generate: bool) -> None:
    """Create a trainer account that can log in to the dashboard at /trainer/login.

    Asks for the password twice (at least 12 characters), or generates one when you leave it
    empty or pass --generate, and prints the generated one once: note it down.
    """
    from trainer.store.accounts import create_trainer  # noqa: PLC0415

    _with_password(password_stdin, generate,
                   lambda database, password: create_trainer(database, username, password),
                   lambda trainer: f"Trainer account {trainer.username!r} created.")


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (one line), for scripts.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def set_password_command(username: str, password_stdin: bool, generate: bool) -> None:
    """Give a trainer a new password and end all their sessions (every browser logs in again).

    Asks for the password as `create-trainer` does. Use it when a password may be known to
    someone else, or a device with a trainer session was lost.
    """
    from trainer.store.accounts import set_password  # noqa: PLC0415

    _with_password(password_stdin, generate,
                   lambda database, password: set_password(database, username, password),
                   lambda ended: f"Password of {username.strip().casefold()!r} changed; "
                                 f"{ended} session(s) ended.")


@click.command("verify")
@click.argument("code")
def verify_command(code: str) -> None:
    """Check a certificate's verification code against this installation's results (offline).

    Exit status 0 when the certificate is valid, 1 when it is not.
    """
    from trainer.services.certificates import (  # noqa: PLC0415
        NoCertificateKey,
        certificate_key,
        check_code,
    )

    settings, instance = settings_or_exit()
    try:
        key: bytes | None = certificate_key(settings.get("TRAINER_CERTIFICATE_KEY"), instance,
                                            create=False)
    except NoCertificateKey:
        key = None
    database = open_database(settings, instance)
    try:
        verified = check_code(key, database, code)
    finally:
        database.dispose()
    if not verified.valid:
        click.echo(f"Code {code.strip()}: {verified.message}")
        raise SystemExit(1)
    click.echo(f"Code {code.strip()}: VALID. Certificate of {verified.name}, workshop "
               f"{verified.workshop_id}, issued {verified.issued}.")


def announce_first_trainer(app: Flask) -> None:
    """Create the first trainer account when none exists and print its password once."""
    from trainer.store.accounts import ensure_first_trainer  # noqa: PLC0415
    from trainer.web.state import database  # noqa: PLC0415

    created = ensure_first_trainer(database(app))
    if created is None:
        return
    click.echo("")
    click.echo("No trainer account existed, so one was created for the dashboard (/trainer/login):")
    click.echo(f"  username: {created.username}")
    click.echo(f"  password: {created.password}")
    click.echo("This password is shown only this once: note it down now. Add more trainers with "
               "`trainer create-trainer NAME`.")
    click.echo("")
