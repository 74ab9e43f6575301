"""Checks run on a file from outside before any parser sees it.

Office files are ZIP archives: their declared sizes are checked before anything is extracted (a ZIP
bomb is refused by its entry count, its total uncompressed size and each large entry's compression
ratio; Python's zipfile never reads past an entry's declared size, so the declared sizes bound what
is read). XML that declares a DOCTYPE is refused outright: Office and Moodle files never need one, and
entities are how "billion laughs" and external-entity attacks work. Every refusal is a ContentError
located at the file, worded as what to do.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from trainer.errors import ContentError, Issue

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "check_file_size",
    "check_xml_bytes",
    "open_office_zip",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # entries smaller than this uncompressed are never a bomb on their own
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse(path: Path | str, message: str, where: str = "", line: int = 1) -> ContentError:
    """Return the ContentError of a refused file, located at `path`."""
    return ContentError([Issue(str(path), line, 1, where, message)])


def _mib(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MiB"


def check_file_size(path: Path, limit: int = MAX_FILE_BYTES) -> int:
    """Return the size of `path`, or raise ContentError when it is missing or over `limit`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise refuse(path, f"cannot be read ({exc.strerror or exc})") from None
    if size > limit:
        raise refuse(path, f"the file is {_mib(size)}, more than the {_mib(limit)} an import "
                           "may read: remove large media (videos, huge images) and save it again")
    return size


def check_xml_bytes(data: bytes, path: Path | str, where: str = "") -> None:
    """Refuse XML that declares a DOCTYPE or entities (in UTF-8 or UTF-16)."""
    if _DOCTYPE.search(data.replace(b"\x00", b"")):
        raise refuse(path, "the XML declares a DOCTYPE or entities, which an import never "
                           "reads (they can expand without limit or fetch files): save the "
                           "file again from its program", where)


def open_office_zip(path: Path, what: str) -> zipfile.ZipFile:
    """Open an Office file (a ZIP) after checking its size, entries, ratios and XML parts.

    `what` names the expected kind ("Word document") in messages. The caller closes the archive.
    """
    check_file_size(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse(path, f"not a {what}: the file is not a ZIP archive (is it corrupt, or the "
                           "older binary format? save it again as .docx or .pptx)") from None
    try:
        _check_entries(archive, path)
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                check_xml_bytes(archive.read(info), path, info.filename)
    except ContentError:
        archive.close()
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        archive.close()
        raise refuse(path, f"not a readable {what}: the archive is corrupt ({exc})") from None
    return archive


def _check_entries(archive: zipfile.ZipFile, path: Path) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise refuse(path, f"the archive holds {len(infos)} files, more than {MAX_ENTRIES}: "
                           "refused as a possible ZIP bomb")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise refuse(path, f"the archive would unpack to {_mib(total)}, more than "
                           f"{_mib(MAX_TOTAL_BYTES)}: refused as a possible ZIP bomb")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refuse(path, f"'{info.filename}' is compressed {ratio:.0f} to 1 (more than "
                               f"{MAX_RATIO} to 1): refused as a possible ZIP bomb")
