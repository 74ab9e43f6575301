"""Assemble the PDFs of a document's parts into one (pikepdf); the parts are laid out by
`layout_pool.PartRenderer`.

`join` then `finish` make part PDFs, written by WeasyPrint as tagged PDF/UA-1 files, into one
such file: pages in order, with blank pages where a part must start on the other side of the spread; one
structure tree (each part's elements under one Document element, parent tree renumbered); one
outline (each part's bookmarks in order); one table of named destinations; links between parts
(`PART_LINK_SCHEME` URIs, written by the parts) turned into links to those destinations; and a
page overlay (the "Page N of M" footers, laid out once for the whole book) drawn on the pages that
want it, marked as an artifact. Metadata, language and viewer preferences are the first part's.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf

from trainer.errors import ExportError

__all__ = ["Blank", "Piece", "finish", "join"]


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


def join(segments: Sequence[Piece | Blank], *, link_scheme: str) -> pikepdf.Pdf:
    """Return `segments` (part PDFs and blank pages) joined in order into one document, not
    written yet: a caller waiting for the overlay can join the parts meanwhile (module doc)."""
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
    return book


def finish(book: pikepdf.Pdf, *, overlay: bytes | None = None,
           overlay_pages: Sequence[bool] = ()) -> bytes:
    """Return the PDF of a document `join` made, with `overlay` drawn on it.

    `overlay` is a PDF with one page per page of the document; its page i is drawn on page i
    where `overlay_pages[i]` is true."""
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
