"""A disk cache of laid-out document parts (the handbook's modules, worksheets, front matter …).

Each entry is one file, `<key>.part`: a magic line, the length of a JSON header, the header (page
kinds, anchors, the asset files read, and the SHA-256 of the PDF) and the PDF itself. An entry is
served only if it is whole (lengths and checksum agree) and every asset file it read is unchanged
(size and mtime); anything else is deleted and rendered again, never served. Entries are written to
a temporary file and renamed into place, so a crash or a concurrent writer never leaves half an entry
under a key. Beside the entries, `<key>.plan` files (small JSON) remember what each part of a
document measured the last time (page count, anchors): only guesses that let the next export lay
out the parts printing page numbers once, with the right numbers, checked before they are used.

Where: `$TRAINER_CACHE_DIR/handbook/` if set, else `$XDG_CACHE_HOME/trainer/handbook/` (by default
`~/.cache/trainer/handbook/`). Deleting the folder is always safe. Its size is bounded
(`$TRAINER_CACHE_MB`, default 256 MB): after a write, the least recently used entries go first.

The key (see `part_key`) covers everything that changes a part: its HTML (module content, edition,
language, paper, page numbers printed in it, templates), the print stylesheet's bytes, the base URL
and asset folders, tagging, and the versions of WeasyPrint and pydyf. System fonts are not part of
it: after changing the installed fonts, delete the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.export.rendered import STATIC_DIR, Fingerprint

__all__ = ["CachedPart", "PartCache", "default_cache_dir", "part_key"]

logger = logging.getLogger(__name__)

_MAGIC = b"TRAINER-PART 1\n"
_FORMAT = "handbook-part-2"
_DEFAULT_MB = 256


@dataclass(frozen=True)
class CachedPart:
    """A laid-out part: PDF bytes, (page name, blank) per page, anchors (id, page index)."""

    pdf: bytes
    pages: tuple[tuple[str, bool], ...]
    anchors: tuple[tuple[str, int], ...]
    read: tuple[Fingerprint, ...] = ()
    refused: tuple[str, ...] = ()


def default_cache_dir() -> Path:
    """Return the folder of the handbook part cache (see the module docstring)."""
    chosen = os.environ.get("TRAINER_CACHE_DIR")
    if chosen:
        return Path(chosen) / "handbook"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trainer" / "handbook"


@functools.cache
def _versions() -> str:
    """Return the layout libraries' versions (those this process imported: read once)."""
    from importlib import metadata  # ~30 ms: only where a part is looked up

    found = []
    for name in ("weasyprint", "pydyf"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            found.append(f"{name}=?")
    return ",".join(found)


def _stylesheets_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*.css")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def part_key(html: str, base_url: Path, roots: tuple[Path, ...], tagged: bool) -> str:
    """Return the cache key of a part: a SHA-256 of everything that changes its layout."""
    digest = hashlib.sha256()
    for piece in (_FORMAT, _versions(), _stylesheets_digest(), str(base_url.resolve()),
                  repr(tuple(str(Path(r).resolve()) for r in roots)), repr(tagged), html):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


class PartCache:
    """Laid-out parts on disk, bounded in size; corrupt or stale entries are never served."""

    def __init__(self, folder: Path | None = None, max_bytes: int | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()
        if max_bytes is None:
            max_bytes = int(os.environ.get("TRAINER_CACHE_MB", _DEFAULT_MB)) * 1024 * 1024
        self.max_bytes = max_bytes
        self.hits: list[str] = []
        self.misses: list[str] = []
        # (name, hit) of every lookup, in order, for logs and tests ("module-2", False)
        self.lookups: list[tuple[str, bool]] = []

    def path(self, key: str) -> Path:
        """Return the file of the entry `key`."""
        return self.folder / f"{key}.part"

    def get(self, key: str, name: str = "") -> CachedPart | None:
        """Return the entry for `key` if it is whole and its assets are unchanged, else None.

        `name` (what the entry is, e.g. "module-2") is only recorded in `lookups`.
        """
        found = self._get(key)
        self.lookups.append((name or key[:12], found is not None))
        return found

    def _get(self, key: str) -> CachedPart | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses.append(key)
            return None
        part = _decode(data)
        if part is None:
            logger.warning("cache entry %s is damaged: deleting it and rendering again", path.name)
            path.unlink(missing_ok=True)
            self.misses.append(key)
            return None
        if not _unchanged(part.read):
            self.misses.append(key)
            return None
        try:
            os.utime(path)  # least recently used goes first when the cache is pruned
        except OSError:
            pass
        self.hits.append(key)
        return part

    def plan(self, key: str) -> dict[str, Any] | None:
        """Return the layout plan stored under `key` (see `save_plan`), or None.

        A plan is only a guess (what a document's parts measured last time), never served as
        output: a missing, unreadable or stale plan only costs time.
        """
        try:
            found = json.loads((self.folder / f"{key}.plan").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def save_plan(self, key: str, plan: dict[str, Any]) -> None:
        """Store `plan` (JSON-able) under `key`, replacing any earlier one."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(plan, stream)
            os.replace(temporary, self.folder / f"{key}.plan")
        except OSError as exc:  # a plan that cannot be written only costs time
            logger.warning("could not write the handbook cache in %s: %s", self.folder, exc)

    def put(self, key: str, part: CachedPart) -> None:
        """Store `part` under `key` (atomically), then prune the cache to its size bound."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(_encode(part))
            os.replace(temporary, self.path(key))
        except OSError as exc:  # a cache that cannot be written only costs time
            logger.warning("could not write the handbook cache in %s: %s", self.folder, exc)
            return
        self.prune()

    def prune(self) -> None:
        """Delete the least recently used entries until the cache is within its size bound."""
        entries = []
        for path in [*self.folder.glob("*.part"), *self.folder.glob("*.plan")]:
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def _encode(part: CachedPart) -> bytes:
    header = json.dumps({
        "sha256": hashlib.sha256(part.pdf).hexdigest(),
        "size": len(part.pdf),
        "pages": [[name, blank] for name, blank in part.pages],
        "anchors": [[name, page] for name, page in part.anchors],
        "read": [list(item) for item in part.read],
        "refused": list(part.refused),
    }).encode("utf-8")
    return _MAGIC + f"{len(header)}\n".encode() + header + part.pdf


def _decode(data: bytes) -> CachedPart | None:
    """Return the part stored in `data`, or None if it is not a whole, intact entry."""
    if not data.startswith(_MAGIC):
        return None
    rest = data[len(_MAGIC):]
    length, newline, rest = rest.partition(b"\n")
    try:
        size = int(length)
        header = json.loads(rest[:size])
        pdf = rest[size:]
        if (len(pdf) != header["size"]
                or hashlib.sha256(pdf).hexdigest() != header["sha256"]):
            return None
        return CachedPart(
            pdf,
            tuple((str(name), bool(blank)) for name, blank in header["pages"]),
            tuple((str(name), int(page)) for name, page in header["anchors"]),
            tuple((str(p), int(s), int(m)) for p, s, m in header["read"]),
            tuple(str(url) for url in header["refused"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        logger.debug("unreadable cache entry: %s", exc)
        return None


def _unchanged(read: tuple[Fingerprint, ...]) -> bool:
    for name, size, mtime in read:
        try:
            stat = Path(name).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return False
    return True
