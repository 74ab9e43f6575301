"""HTML → PDF with WeasyPrint, locked down: the only module of trainer that imports WeasyPrint.

Every URL the document names (stylesheets, images, fonts, attachments) goes through `AssetFetcher`,
which refuses everything except regular files inside the folders the caller allows (the print CSS,
a content root's `modules/assets/`) and small `data:image/…` URLs: no `http(s):`, no `ftp:`, no
`file:` outside those folders (symlinks are resolved first), so no redirect can happen either
(SECURITY.md 9). A render is bounded: HTML size and page count always; wall-clock time when
`time_limit` is given, by rendering in a separate process that is killed when the time is up, so a
hostile document cannot hang a web worker (SECURITY.md 10).

Identical renders are reused: the bytes of the last few PDFs are kept in memory (a `Recent`), keyed by
the HTML and options, and a kept PDF is used only while every file it read is unchanged (size and
mtime). `render_part` is what the handbook's process pool runs for each part of a handbook: the PDF
plus what assembly needs to know about its pages (their kind, and where each anchor is).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import multiprocessing
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from trainer.errors import ExportError
from trainer.export.rendered import (
    MAX_PAGES,
    STATIC_DIR,
    Fingerprint,
    Rendered,
    StageCallback,
)
from trainer.recent import Recent

__all__ = [
    "MAX_PAGES",
    "STATIC_DIR",
    "AssetFetcher",
    "PartPage",
    "RenderedPart",
    "Rendered",
    "StageCallback",
    "render_document",
    "render_part",
    "render_pdf",
]

logger = logging.getLogger(__name__)

MAX_HTML_BYTES = 8 * 1024 * 1024
MAX_ASSET_BYTES = 8 * 1024 * 1024
MAX_DATA_URL_BYTES = 512 * 1024
_CACHE_SIZE = 8

ASSET_TYPES: dict[str, str] = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
DATA_IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
)


class AssetRefused(ValueError):
    """A URL the fetcher will not open; WeasyPrint skips the resource and goes on."""


class AssetFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Deny-by-default URL fetcher: regular files inside `roots`, and small data: images."""

    def __init__(self, roots: Sequence[Path]) -> None:
        # No protocols for the parent's urllib machinery: `fetch` below never calls it anyway.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.roots: tuple[Path, ...] = tuple(Path(root).resolve() for root in roots)
        self.refused: list[str] = []
        self.read: list[Fingerprint] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:  # noqa: ARG002 - WeasyPrint's signature
        """Return the resource at `url`, or raise AssetRefused."""
        try:
            return self._fetch(url)
        except AssetRefused as exc:
            shown = url if len(url) < 120 else url[:117] + "..."
            self.refused.append(url)
            logger.warning("refused to fetch %s: %s", shown, exc)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise AssetRefused(f"scheme '{scheme}' is not allowed")
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise AssetRefused("file URL names a host")
        try:
            path = Path(urllib.request.url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise AssetRefused("no such file") from exc
        if not any(path.is_relative_to(root) for root in self.roots):
            raise AssetRefused("outside the allowed asset folders")
        mime = ASSET_TYPES.get(path.suffix.lower())
        if mime is None:
            raise AssetRefused(f"file type '{path.suffix}' is not allowed")
        stat = path.stat()
        if not path.is_file():
            raise AssetRefused("not a regular file")
        if stat.st_size > MAX_ASSET_BYTES:
            raise AssetRefused(f"larger than {MAX_ASSET_BYTES} bytes")
        body = path.read_bytes()
        self.read.append((str(path), stat.st_size, stat.st_mtime_ns))
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[len("data:"):].partition(",")
        if not comma:
            raise AssetRefused("malformed data URL")
        params = [p.strip().lower() for p in header.split(";")]
        mime = params[0]
        if mime not in DATA_IMAGE_TYPES:
            raise AssetRefused(f"data URL of type '{mime or 'text/plain'}' is not allowed")
        if len(payload) > MAX_DATA_URL_BYTES * 2:
            raise AssetRefused("data URL too large")
        try:
            body = (base64.b64decode(payload, validate=False) if "base64" in params[1:]
                    else urllib.parse.unquote_to_bytes(payload))
        except (binascii.Error, ValueError) as exc:
            raise AssetRefused("malformed data URL") from exc
        if len(body) > MAX_DATA_URL_BYTES:
            raise AssetRefused("data URL too large")
        return URLFetcherResponse("data:", body=body, headers={"Content-Type": mime})


# Per process, not per app (trainer.web.caches): export may not import web, the CLI has no app,
# and an entry is used only while every file it read is unchanged, so apps can share it safely.
_cache: Recent[str, Rendered] = Recent(_CACHE_SIZE)


def render_pdf(html: str, base_assets: Sequence[Path], **options: Any) -> bytes:
    """Render HTML to PDF bytes with the locked-down fetcher (options: see render_document)."""
    return render_document(html, base_assets, **options).pdf


def render_document(
    html: str,
    base_assets: Sequence[Path],
    *,
    base_url: Path | None = None,
    max_pages: int = MAX_PAGES,
    time_limit: float | None = None,
    tagged: bool = True,
    on_stage: StageCallback | None = None,
) -> Rendered:
    """Render HTML to a PDF, reading only files under `base_assets`; raise ExportError on failure.

    Relative URLs resolve against `base_url` (a folder; default: the first of `base_assets`).
    With `time_limit` (seconds), the render runs in a separate process killed when time is up.
    `tagged` makes a tagged PDF/UA-1 file. `on_stage` is called with "layout" and "write".
    """
    encoded = html.encode("utf-8")
    if len(encoded) > MAX_HTML_BYTES:
        raise ExportError(f"document too large to render ({len(encoded)} bytes of HTML)")
    roots = tuple(Path(root).resolve() for root in base_assets)
    base = (Path(base_url) if base_url is not None else (roots[0] if roots else STATIC_DIR))
    base_uri = base.resolve().as_uri() + "/"
    key = hashlib.sha256(
        b"\0".join([encoded, base_uri.encode(), repr((roots, max_pages, tagged)).encode()])
    ).hexdigest()
    kept = _cached(key)
    if kept is not None:
        logger.info("reusing an identical render (%d pages)", kept.pages)
        return kept
    if time_limit is None:
        rendered = _render_here(html, roots, base_uri, max_pages, tagged, on_stage)
    else:
        if on_stage is not None:
            on_stage("layout")
        rendered = _render_isolated(html, roots, base_uri, max_pages, tagged, time_limit)
        if on_stage is not None:
            on_stage("write")
    _cache.put(key, rendered)
    return rendered


def _cached(key: str) -> Rendered | None:
    """Return a kept render whose asset files are all unchanged, if any."""
    kept = _cache.get(key)
    if kept is None:
        return None
    for name, size, mtime in kept.read:
        try:
            stat = Path(name).stat()
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return None
    return Rendered(kept.pdf, kept.pages, kept.read, kept.refused, reused=True)


def _render_here(html: str, roots: tuple[Path, ...], base_uri: str, max_pages: int,
                 tagged: bool, on_stage: StageCallback | None) -> Rendered:
    """Lay out and write the PDF in this process."""
    fetcher = AssetFetcher(roots)
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if tagged else {}
    if on_stage is not None:
        on_stage("layout")
    try:
        document = HTML(string=html, base_url=base_uri, url_fetcher=fetcher).render(**options)
    except RecursionError as exc:
        raise ExportError("document too deeply nested to render") from exc
    except Exception as exc:  # a WeasyPrint failure must reach the user as a message
        raise ExportError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
    pages = len(document.pages)
    if pages > max_pages:
        raise ExportError(f"document has {pages} pages, more than the limit of {max_pages}")
    if on_stage is not None:
        on_stage("write")
    pdf = document.write_pdf(**options)
    if not isinstance(pdf, bytes):  # pragma: no cover - WeasyPrint returns bytes without target
        raise ExportError("WeasyPrint returned no PDF")
    return Rendered(pdf, pages, tuple(fetcher.read), tuple(fetcher.refused))


def _child_main(conn: Connection, html: str, roots: tuple[Path, ...], base_uri: str,
                max_pages: int, tagged: bool) -> None:
    """Render in the child process and send back ("ok", Rendered) or ("error", message)."""
    try:
        conn.send(("ok", _render_here(html, roots, base_uri, max_pages, tagged, None)))
    except ExportError as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - every failure must reach the parent as a message
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _render_isolated(html: str, roots: tuple[Path, ...], base_uri: str, max_pages: int,
                     tagged: bool, time_limit: float) -> Rendered:
    """Render in a fresh process forked from a preloaded server; kill it when time is up."""
    # forkserver: each render forks from a small clean process that has already imported
    # WeasyPrint, never from the (maybe multi-threaded) web worker itself.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main, args=(sender, html, roots, base_uri, max_pages, tagged), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise ExportError(f"rendering took longer than {time_limit:g} s and was stopped")
        try:
            status, payload = receiver.recv()
        except EOFError as exc:
            raise ExportError("the rendering process died without a result") from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise ExportError(f"rendering failed: {payload}")
    if not isinstance(payload, Rendered):  # pragma: no cover - the child sends only these
        raise ExportError("the rendering process sent an unexpected result")
    return payload


@dataclass(frozen=True)
class PartPage:
    """One page of a part: its named page (`@page main`, …) and whether it is a blank filler."""

    name: str
    blank: bool


@dataclass(frozen=True)
class RenderedPart:
    """One part of a larger document, laid out and written on its own, and what assembly needs.

    `anchors` maps each element id to the 0-based page of the part it is on (first occurrence).
    """

    pdf: bytes
    pages: tuple[PartPage, ...]
    anchors: tuple[tuple[str, int], ...]
    read: tuple[Fingerprint, ...] = field(default=())
    refused: tuple[str, ...] = field(default=())


# Stylesheets parsed by this process: (path, size, mtime) -> the parsed sheet (see render_part).
_SHEETS: dict[tuple[str, int, int], CSS] = {}


def _parsed_sheet(path: Path) -> CSS:
    """Return the stylesheet at `path`, parsed once per process and per version of the file."""
    found = path.stat()
    key = (str(path), found.st_size, found.st_mtime_ns)
    sheet = _SHEETS.get(key)
    if sheet is None:
        for old in [k for k in _SHEETS if k[0] == key[0]]:
            del _SHEETS[old]
        sheet = _SHEETS[key] = CSS(filename=str(path))
    return sheet


_FONTS: list[FontConfiguration] = []  # this process's font configuration for parts (see below)


def _part_fonts(html: str) -> FontConfiguration | None:
    """Return the font configuration a part is laid out with: one per process, shared by the parts.

    A new one per document (WeasyPrint's default) loads Fontconfig's configuration and opens the
    fonts again each time: 5 to 10 ms a part, the same bytes out. A document that could add fonts
    of its own (an `@font-face` rule, or a linked stylesheet that may hold one) gets its own, so
    its fonts never reach another document.
    """
    if "@font-face" in html or "stylesheet" in html:
        return None
    if not _FONTS:
        _FONTS.append(FontConfiguration())
    return _FONTS[0]


def render_part(html: str, base_assets: Sequence[Path], base_url: Path,
                max_pages: int = MAX_PAGES, tagged: bool = True,
                stylesheets: Sequence[Path] = ()) -> RenderedPart:
    """Lay out and write one part of a document in this process (what a pool worker runs).

    Same locked-down fetcher and bounds as `render_document`; raise ExportError on failure.
    `stylesheets` (files under `base_assets`) apply before the document's own, as if linked first
    in its head: they are parsed once per process, not once per part (a twelfth of a module's
    layout). They come in as user style sheets, so the document's own style rules win over theirs
    whatever their specificity; write the document's overrides with that in mind.
    """
    encoded_size = len(html.encode("utf-8"))
    if encoded_size > MAX_HTML_BYTES:
        raise ExportError(f"document too large to render ({encoded_size} bytes of HTML)")
    roots = tuple(Path(root).resolve() for root in base_assets)
    fetcher = AssetFetcher(roots)
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if tagged else {}
    sheets = []
    for path in stylesheets:
        resolved = Path(path).resolve()
        if not any(resolved.is_relative_to(root) for root in roots):
            raise ExportError(f"stylesheet outside the document's assets: {path}")
        sheets.append(_parsed_sheet(resolved))
    try:
        document = HTML(string=html, base_url=base_url.resolve().as_uri() + "/",
                        url_fetcher=fetcher).render(stylesheets=sheets,
                                                    font_config=_part_fonts(html), **options)
    except RecursionError as exc:
        raise ExportError("document too deeply nested to render") from exc
    except Exception as exc:  # a WeasyPrint failure must reach the user as a message
        raise ExportError(f"rendering failed: {type(exc).__name__}: {exc}") from exc
    if len(document.pages) > max_pages:
        raise ExportError(f"document has more than the limit of {max_pages} pages")
    pages = []
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        page_type = page._page_box.page_type  # noqa: SLF001 - WeasyPrint has no public accessor
        pages.append(PartPage(str(page_type.name or ""), bool(page_type.blank)))
        for name in page.anchors:
            anchors.setdefault(name, index)
    pdf = document.write_pdf(**options)
    if not isinstance(pdf, bytes):  # pragma: no cover - WeasyPrint returns bytes without target
        raise ExportError("WeasyPrint returned no PDF")
    return RenderedPart(pdf, tuple(pages), tuple(anchors.items()), tuple(fetcher.read),
                        tuple(fetcher.refused))
