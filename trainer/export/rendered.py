"""What a render returns, and the print folders: shared by `pdf.py` and its callers.

Kept apart from `pdf.py` so that code which only reads or assembles finished PDFs (the handbook's
part cache) need not import WeasyPrint, which takes about half a second to import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MAX_PAGES", "STATIC_DIR", "Fingerprint", "Rendered", "StageCallback"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_PAGES = 400

StageCallback = Callable[[str], None]
Fingerprint = tuple[str, int, int]


@dataclass(frozen=True)
class Rendered:
    """A finished PDF, its page count, and the asset files it read (for reuse checks)."""

    pdf: bytes
    pages: int
    read: tuple[Fingerprint, ...] = field(default=())
    refused: tuple[str, ...] = field(default=())
    reused: bool = False
