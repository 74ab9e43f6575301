"""Commands for running the trainee web app: `trainer serve` and `trainer db upgrade|downgrade`.

Both read the same configuration as the app (environment DATABASE_URL, SECRET_KEY,
TRAINER_CONTENT_ROOT, TRAINER_INSTANCE_PATH); a content or configuration problem is printed as a
message, never a traceback.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import psutil

from trainer.cli.accounts import announce_first_trainer
from trainer.cli.options import root_option
from trainer.errors import ContentError, StoreError, TrainerError

if TYPE_CHECKING:
    from flask import Flask


def _app(content_root: Path | None) -> Flask:
    """Create the app, or print what is wrong and exit 1."""
    from trainer.web import create_app  # noqa: PLC0415 - Flask only when a web command runs

    overrides: dict[str, Any] = {}
    if content_root is not None:
        overrides["TRAINER_CONTENT_ROOT"] = str(content_root)
    try:
        return create_app(overrides)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        count = len(exc.issues)
        click.echo(f"The content has {count} problem{'s' if count != 1 else ''}: fix "
                   f"{'them' if count != 1 else 'it'} (see `trainer check`) and start again.",
                   err=True)
        raise SystemExit(1) from None
    except TrainerError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


def _migrate(app: Flask, revision: str, *, down: bool = False) -> None:
    from trainer.store.migrate import downgrade, upgrade  # noqa: PLC0415

    try:
        (downgrade if down else upgrade)(app.config["DATABASE_URL"], revision)
    except (StoreError, OSError) as exc:
        click.echo(f"Error: the database could not be migrated: {exc}", err=True)
        raise SystemExit(1) from None


ROOT_OPTION = root_option(content_root=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug", is_flag=True, help="Reload on code changes and show debug pages.")
@ROOT_OPTION
def serve(host: str, port: int, debug: bool, root: Path) -> None:
    """Serve the trainee quizzes with the development server (database upgraded first).

    For a workshop with many trainees run gunicorn instead: see docs/deploy.md.
    """
    app = _app(root)
    _migrate(app, "head")
    announce_first_trainer(app)
    reachable = trust_own_addresses(app.config, host)
    click.echo(f"Serving {app.config['TRAINER_CONTENT_ROOT']} at http://{host}:{port}/ "
               f"(database: {app.extensions['trainer.database'].url.render_as_string()}); "
               "press Ctrl+C to stop.")
    if reachable:
        links = ", ".join(f"http://{address}:{port}/" for address in reachable)
        click.echo(f"Phones and laptops on this computer's networks can open {links}")
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=debug)


def own_addresses(host: str) -> list[str]:
    """Return the IPv4 addresses other devices can reach a server listening on `host` by.

    All of this computer's addresses but loopback ones for 0.0.0.0 (every interface); `host`
    itself when it is one address; none for a loopback or a name.
    """
    if host in ("0.0.0.0", ""):  # noqa: S104 - the very case asked about
        found = {entry.address for entries in psutil.net_if_addrs().values()
                 for entry in entries if entry.family == socket.AF_INET}
    else:
        found = {host}
    addresses = []
    for address in found:
        try:
            parsed = ipaddress.IPv4Address(address)
        except ValueError:
            continue
        if not (parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local):
            addresses.append(address)
    return sorted(addresses, key=ipaddress.IPv4Address)


def trust_own_addresses(config: dict[str, Any], host: str) -> list[str]:
    """Answer requests by this computer's own addresses when serving beyond it; return them.

    Serving a workshop room (`--host 0.0.0.0`), the phones open the laptop by its address on the
    room's network, which the default TRUSTED_HOSTS (127.0.0.1, localhost) would refuse. An
    address of this very computer is safe to trust: the host check is there against other names
    pointing here (DNS rebinding), which an IP address is not. A TRUSTED_HOSTS set on purpose
    (configuration, TRAINER_TRUSTED_HOSTS) is left as it is.
    """
    from trainer.settings import Config  # noqa: PLC0415

    addresses = own_addresses(host)
    hosts = config.get("TRUSTED_HOSTS")
    if hosts is not None and list(hosts) == list(Config.TRUSTED_HOSTS or ()):
        hosts = config["TRUSTED_HOSTS"] = [*hosts, *(a for a in addresses if a not in hosts)]
    return [address for address in addresses if hosts is None or address in hosts]


@click.group()
def db() -> None:
    """Create or migrate the database (DATABASE_URL, default: a SQLite file in instance/)."""


@db.command()
@click.argument("revision", default="head")
@ROOT_OPTION
def upgrade(revision: str, root: Path) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    app = _app(root)
    _migrate(app, revision)
    click.echo(f"Database at revision {revision}.")


@db.command()
@click.argument("revision", default="-1")
@ROOT_OPTION
def downgrade(revision: str, root: Path) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    app = _app(root)
    _migrate(app, revision, down=True)
    click.echo(f"Database downgraded to {revision}.")
