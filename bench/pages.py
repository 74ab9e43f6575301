"""What the benches share to act as a trainee's browser: a port, an HTTP client with a session
cookie, and reading a page's CSRF token and filling its quiz form.

Imported by bench/serve.py, bench/live.py and bench/inprocess.py (run from the repository root as
`.venv/bin/python bench/<name>.py`: this folder is then on the import path).
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.parse
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
INPUT = re.compile(r'<input id="[^"]+" name="(q[\d-]+)" type="(radio|checkbox|text)"'
                   r'(?: value="([^"]*)")?')
SELECT = re.compile(r'<select id="[^"]+" name="(q\d+)-(\d+)">(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([0-9a-f]{8})"')


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Client:
    """A browser: one session cookie, one keep-alive connection (reopened when the server
    closes it, as sync workers do)."""

    port: int
    cookie: str = ""
    connection: http.client.HTTPConnection | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                extra: dict[str, str] | None = None) -> tuple[int, str, str, dict[str, str]]:
        """Send one request; return its status, Location, body text and headers (lower-case)."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                headers = {"Cookie": self.cookie} if self.cookie else {}
                headers.update(extra or {})
                data = None
                if body is not None:
                    data = urllib.parse.urlencode(body, doseq=True)
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8")
                found = {k.lower(): v for k, v in response.getheaders()}
                cookie = found.get("set-cookie", "")
                if cookie.startswith("trainer_session="):
                    self.cookie = cookie.split(";", 1)[0]
                if found.get("connection", "").lower() == "close":
                    self.close()
                return response.status, found.get("location", ""), text, found
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection (the next request opens another)."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def csrf(html: str) -> str:
    """Return the CSRF token of a page."""
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def answers(html: str) -> dict[str, str]:
    """Answer every question on a quiz page: first choice, a number, distinct select options."""
    chosen: dict[str, str] = {"csrf_token": csrf(html)}
    for name, kind, value in INPUT.findall(html):
        chosen.setdefault(name, "42" if kind == "text" else value)
    for name, position, options in SELECT.findall(html):
        tokens = OPTION.findall(options)
        chosen[f"{name}-{position}"] = tokens[(int(position) - 1) % len(tokens)]
    return chosen
