"""Lay out parts of a document in a process pool and assemble their PDFs into one (pikepdf).

`PartRenderer` lays out parts (`pdf.render_part`) in a pool of processes forked from a server that
has already imported WeasyPrint, so the parts of a cold handbook use every core and the calling
process never imports WeasyPrint itself. With a time limit the pool is killed when time is up.

`assemble` joins part PDFs, written by WeasyPrint as tagged PDF/UA-1 files, into one such file:
pages in order, with blank pages where a part must start on the other side of the spread; one
structure tree (each part's elements under one Document element, parent tree renumbered); one
outline (each part's bookmarks in order); one table of named destinations; links between parts
(`PART_LINK_SCHEME` URIs, written by the parts) turned into links to those destinations; and a
page overlay (the "Page N of M" footers, laid out once for the whole book) drawn on the pages that
want it, marked as an artifact. Metadata, language and viewer preferences are the first part's.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any, NoReturn

import pikepdf

from trainer.errors import ExportError
from trainer.export.part_cache import CachedPart

__all__ = ["Blank", "Piece", "PartRenderer", "PartRequest", "assemble"]

_PRELOAD = ["trainer.export.pdf"]


@dataclass(frozen=True)
class PartRequest:
    """What to lay out: the part's HTML, asset folders, base URL and whether to tag it."""

    html: str
    roots: tuple[Path, ...]
    base_url: Path
    tagged: bool = True
    max_pages: int = 400
    stylesheets: tuple[Path, ...] = ()  # parsed once per process (`pdf.render_part`)


def _render(request: PartRequest) -> CachedPart:
    """Lay out one part (runs in a pool process)."""
    from trainer.export.pdf import render_part  # only the pool processes import WeasyPrint

    part = render_part(request.html, request.roots, request.base_url, request.max_pages,
                       request.tagged, request.stylesheets)
    return CachedPart(part.pdf, tuple((p.name, p.blank) for p in part.pages), part.anchors,
                      part.read, part.refused)


def _forkserver_context() -> Any:
    """Return the fork server's multiprocessing context, its server importing WeasyPrint."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


class PartRenderer:
    """A pool of layout processes, started on first use; use as a context manager.

    `render` lays out a batch and waits for all of it; `submit` and `next_done` let a caller
    hand out parts one at a time as processes come free (the handbook decides what to lay out
    next from what the finished parts told it). `start_soon` starts the fork server (which
    imports WeasyPrint) without waiting, so it loads while the caller reads its content.
    """

    def __init__(self, processes: int | None = None, time_limit: float | None = None,
                 max_tasks: int | None = None) -> None:
        self.processes = processes or multiprocessing.cpu_count() or 1
        self.max_tasks = max_tasks  # parts a process lays out before a fresh one replaces it
        self.deadline = None if time_limit is None else time.monotonic() + time_limit
        self.time_limit = time_limit
        self._pool: Pool | None = None
        self._done: queue.SimpleQueue[tuple[object, CachedPart | None, BaseException | None]] = (
            queue.SimpleQueue())
        self.in_flight = 0
        self._early_server: int | None = None

    def __enter__(self) -> PartRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_soon(self) -> None:
        """Start the fork server now, without waiting for it to import WeasyPrint."""
        from multiprocessing import forkserver

        _forkserver_context()
        server = forkserver._forkserver  # noqa: SLF001 - the stdlib's one fork server
        before = getattr(server, "_forkserver_pid", None)
        server.ensure_running()
        after = getattr(server, "_forkserver_pid", None)
        if after is not None and after != before:
            self._early_server = after

    def start(self) -> None:
        """Start the pool now (its processes import WeasyPrint while the caller works on)."""
        if self._pool is None:
            self._pool = _forkserver_context().Pool(self.processes,
                                                    maxtasksperchild=self.max_tasks)
            self._early_server = None  # in use: it stops when this process ends

    def render(self, requests: Sequence[PartRequest]) -> list[CachedPart]:
        """Lay out `requests` in parallel; return their parts in the same order."""
        if not requests:
            return []
        self.start()
        assert self._pool is not None  # noqa: S101 - started just above
        pending: list[AsyncResult[CachedPart]] = [
            self._pool.apply_async(_render, (request,)) for request in requests]
        done = []
        for result in pending:
            timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            try:
                done.append(result.get(timeout))
            except multiprocessing.TimeoutError:
                self._timed_out()
        return done

    def submit(self, tag: object, request: PartRequest) -> None:
        """Start laying out `request`; `next_done` returns it with `tag` when it is finished."""
        self.start()
        assert self._pool is not None  # noqa: S101 - started just above

        def finished(part: CachedPart) -> None:
            self._done.put((tag, part, None))

        def failed(error: BaseException) -> None:
            self._done.put((tag, None, error))

        self._pool.apply_async(_render, (request,), callback=finished, error_callback=failed)
        self.in_flight += 1

    def next_done(self) -> tuple[object, CachedPart]:
        """Wait for the next submitted part to finish; return (its tag, the part)."""
        if not self.in_flight:
            raise ExportError("no part is being laid out")
        timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        try:
            tag, part, error = self._done.get(timeout=timeout)
        except queue.Empty:
            self._timed_out()
        self.in_flight -= 1
        if error is not None:
            raise error
        assert part is not None  # noqa: S101 - a part or an error, never neither
        return tag, part

    def _timed_out(self) -> NoReturn:
        self.close(kill=True)
        raise ExportError(
            f"rendering took longer than {self.time_limit:g} s and was stopped") from None

    def close(self, kill: bool = False) -> None:
        """Stop the pool's processes (at once with `kill`)."""
        if self._pool is not None:
            if kill:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
            self.in_flight = 0
            self._done = queue.SimpleQueue()  # nothing of a stopped pool is waited for
        if self._early_server is not None:
            # Started early and never needed (every part was cached): do not keep this process
            # waiting for it to finish importing WeasyPrint. The stdlib starts a new one if needed.
            with contextlib.suppress(OSError):
                os.kill(self._early_server, signal.SIGKILL)
            self._early_server = None


@dataclass(frozen=True)
class Blank:
    """`count` blank pages (no content, no footer) of the size of the page before them."""

    count: int = 1


@dataclass(frozen=True)
class Piece:
    """A part's PDF; with `nest`, its top bookmarks go under the last top bookmark before it."""

    pdf: bytes
    nest: bool = False


def _items(array: Any) -> list[Any]:
    if isinstance(array, pikepdf.Array):
        return list(array)
    return [array]


def _number_tree(tree: Any) -> list[tuple[int, Any]]:
    """Return the (key, value) pairs of a PDF number tree (flat /Nums or /Kids)."""
    pairs: list[tuple[int, Any]] = []
    if "/Nums" in tree:
        nums = list(tree.Nums)
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in tree.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _name_tree(tree: Any) -> list[tuple[str, Any]]:
    """Return the (name, value) pairs of a PDF name tree."""
    pairs: list[tuple[str, Any]] = []
    if "/Names" in tree:
        names = list(tree.Names)
        pairs += [(str(names[i]), names[i + 1]) for i in range(0, len(names), 2)]
    for kid in tree.get("/Kids", []):
        pairs += _name_tree(kid)
    return pairs


def _outline_items(outlines: Any) -> list[Any]:
    items = []
    item = outlines.get("/First")
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def assemble(segments: Sequence[Piece | Blank], *, link_scheme: str,
             overlay: bytes | None = None, overlay_pages: Sequence[bool] = ()) -> bytes:
    """Return one PDF of `segments` (part PDFs and blank pages) in order; see the module doc.

    `overlay` is a PDF with one page per page of the result; its page i is drawn on page i where
    `overlay_pages[i]` is true.
    """
    parts = [segment for segment in segments if isinstance(segment, Piece)]
    if not parts:
        raise ExportError("nothing to assemble")
    book = pikepdf.open(io.BytesIO(parts[0].pdf))
    root = book.Root
    tagged = "/StructTreeRoot" in root
    document: Any = None
    parent_pairs: list[tuple[int, Any]] = []
    next_key = 0
    if tagged:
        tree = root.StructTreeRoot
        document = _items(tree.K)[0]
        if "/ParentTree" in tree:
            parent_pairs = _number_tree(tree.ParentTree)
        next_key = max((key for key, _ in parent_pairs), default=-1) + 1
    dests: dict[str, Any] = {}
    if "/Names" in root and "/Dests" in root.Names:
        dests.update(_name_tree(root.Names.Dests))
    if "/Outlines" not in root:
        root.Outlines = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    outline_root = root.Outlines
    top = _outline_items(outline_root)
    first_done = False
    for segment in segments:
        if isinstance(segment, Blank):
            size = book.pages[-1].mediabox
            for _ in range(segment.count):
                book.add_blank_page(page_size=(float(size[2]), float(size[3])))
            continue
        if not first_done:
            first_done = True
            continue
        source = pikepdf.open(io.BytesIO(segment.pdf))
        start = len(book.pages)
        book.pages.extend(source.pages)
        added = [book.pages[i] for i in range(start, len(book.pages))]
        if tagged and "/StructTreeRoot" in source.Root:
            tree = book.copy_foreign(source.Root.StructTreeRoot)
            offset = next_key
            pairs = _number_tree(tree.ParentTree) if "/ParentTree" in tree else []
            parent_pairs += [(key + offset, value) for key, value in pairs]
            next_key = offset + max((key for key, _ in pairs), default=-1) + 1
            for page in added:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            for element in _items(tree.K):
                for child in _items(element.get("/K", pikepdf.Array())):
                    if isinstance(child, pikepdf.Dictionary):
                        child.P = document
                    document.K.append(child)
            if "/RoleMap" in tree:
                role_map = root.StructTreeRoot.get("/RoleMap")
                if role_map is None:
                    root.StructTreeRoot.RoleMap = pikepdf.Dictionary()
                    role_map = root.StructTreeRoot.RoleMap
                for name, value in tree.RoleMap.items():
                    if name not in role_map:
                        role_map[name] = value
        if "/Names" in source.Root and "/Dests" in source.Root.Names:
            for name, dest in _name_tree(source.Root.Names.Dests):
                if name not in dests:
                    dests[name] = _copy(book, dest)
        if "/Outlines" in source.Root:
            items = _outline_items(book.copy_foreign(source.Root.Outlines))
            if segment.nest and top:
                _append_outline(top[-1], items)
            else:
                _append_outline(outline_root, items, top)
    if top:
        outline_root.Count = sum(1 + max(0, int(item.get("/Count", 0))) for item in top)
    if tagged:
        nums = pikepdf.Array()
        for key, value in sorted(parent_pairs, key=lambda pair: pair[0]):
            nums.append(key)
            nums.append(value)
        root.StructTreeRoot.ParentTree = book.make_indirect(pikepdf.Dictionary(Nums=nums))
        root.StructTreeRoot.ParentTreeNextKey = next_key
    _link_parts(book, link_scheme)
    if dests:
        names = pikepdf.Array()
        for name in sorted(dests):
            names.append(pikepdf.String(name))
            names.append(dests[name])
        if "/Names" not in root:
            root.Names = pikepdf.Dictionary()
        root.Names.Dests = book.make_indirect(pikepdf.Dictionary(Names=names))
    if overlay is not None:
        _stamp(book, overlay, overlay_pages)
    output = io.BytesIO()
    # Streams are copied as the parts compressed them (qpdf would otherwise inflate and deflate
    # each again), and the many small objects of the structure tree go into object streams.
    book.save(output, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _append_outline(parent: Any, items: list[Any], siblings: list[Any] | None = None) -> None:
    """Append outline `items` (copied, in order) to the children of `parent`."""
    if siblings is None:
        siblings = _outline_items(parent)
    added = 0
    for item in items:
        item.Parent = parent
        if siblings:
            siblings[-1].Next = item
            item.Prev = siblings[-1]
        elif "/Prev" in item:
            del item.Prev
        siblings.append(item)
        added += 1 + max(0, int(item.get("/Count", 0)))
    if not siblings:
        return
    if "/Next" in siblings[-1]:
        del siblings[-1].Next
    parent.First = siblings[0]
    parent.Last = siblings[-1]
    if "/Type" not in parent or parent.Type != pikepdf.Name.Outlines:
        parent.Count = max(0, int(parent.get("/Count", 0))) + added


def _copy(book: pikepdf.Pdf, value: Any) -> Any:
    """Return `value` of another PDF copied into `book` (direct arrays and dictionaries too)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return book.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(book, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(book, item) for key, item in value.items()})
    return value


def _link_parts(book: pikepdf.Pdf, scheme: str) -> None:
    """Turn each part's `scheme:anchor` URI link into a link to the named destination `anchor`."""
    for page in book.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            uri = str(action.URI)
            if uri.startswith(scheme):
                anchor = uri.removeprefix(scheme)
                del annotation.A
                annotation.Dest = pikepdf.String(anchor)
                if "/Contents" in annotation:
                    annotation.Contents = pikepdf.String(anchor)


def _stamp(book: pikepdf.Pdf, overlay: bytes, wanted: Sequence[bool]) -> None:
    """Draw page i of `overlay` on page i of `book` where wanted, as an artifact."""
    stamps = pikepdf.open(io.BytesIO(overlay))
    if len(stamps.pages) != len(book.pages):
        raise ExportError(f"footer overlay has {len(stamps.pages)} pages for a book of "
                          f"{len(book.pages)}")
    for index, page in enumerate(book.pages):
        if index >= len(wanted) or not wanted[index]:
            continue
        form = book.copy_foreign(stamps.pages[index].as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Ft")
        page.contents_add(book.make_stream(b"q\n"), prepend=True)
        page.contents_add(book.make_stream(
            b"\nQ\n/Artifact BMC\nq\n" + name.unparse() + b" Do\nQ\nEMC\n"))
