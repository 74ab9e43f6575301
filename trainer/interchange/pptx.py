"""PowerPoint (.pptx) → a draft module, with python-pptx.

One section per slide (its title, else "Slide N"), or, when the deck uses "Section Header" slides,
one section per header with the slides after it as headings inside it. Slide text becomes Markdown
(bullets and their levels, numbered lists, bold, italic, links, tables), pictures are extracted, and
the speaker notes become the section's facilitator_notes. A first "Title Slide" gives the module
title. Charts, SmartArt, media and embedded objects are listed as left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.shapes.picture import Picture
from pptx.slide import Slide
from pptx.text.text import _Paragraph

from trainer.interchange.draft import (
    PLACEHOLDER_SECTION_BODY,
    Draft,
    finish_quiz,
    skeleton,
    slugify,
    unique_id,
)
from trainer.interchange.html_markdown import escape_markdown
from trainer.interchange.images import ImageStore
from trainer.interchange.limits import open_office_zip, refuse

__all__ = ["pptx_to_draft"]

_LINK_SCHEMES = ("http://", "https://", "mailto:")
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
_SKIPPED_PLACEHOLDERS = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER,
                         PP_PLACEHOLDER.HEADER)


@dataclass
class _Slide:
    number: int
    title: str
    blocks: list[str] = field(default_factory=list)
    notes: str = ""
    header: bool = False
    title_slide: bool = False


def _runs(paragraph: _Paragraph, links: list[str]) -> str:
    out: list[str] = []
    for run in paragraph.runs:
        text = escape_markdown(run.text.replace("\v", " "))
        stripped = text.strip()
        if stripped:
            if run.font.bold:
                text = text.replace(stripped, f"**{stripped}**", 1)
            elif run.font.italic:
                text = text.replace(stripped, f"*{stripped}*", 1)
            address = run.hyperlink.address if run.hyperlink is not None else None
            if address:
                if address.lower().startswith(_LINK_SCHEMES) and not any(c in address for c in " ()<>"):
                    text = text.replace(stripped, f"[{stripped}]({address})", 1)
                else:
                    links.append(address)
        out.append(text)
    return " ".join("".join(out).split())


def _bullet(paragraph: _Paragraph, in_body: bool) -> str | None:
    """Return the list marker of a paragraph ("-", "1."), or None for a plain paragraph."""
    props = paragraph._p.pPr  # noqa: SLF001 - python-pptx has no API for bullet kinds
    if props is not None:
        if props.find(f"{_A}buNone") is not None:
            return None
        if props.find(f"{_A}buAutoNum") is not None:
            return "1."
        if props.find(f"{_A}buChar") is not None:
            return "-"
    return "-" if in_body else None


def _text_block(shape: Any, in_body: bool, links: list[str]) -> str:
    lines: list[str] = []
    previous_list = False
    for paragraph in shape.text_frame.paragraphs:
        text = _runs(paragraph, links)
        if not text:
            continue
        marker = _bullet(paragraph, in_body)
        if marker is None:
            if lines:
                lines.append("")
            lines.append(text)
            previous_list = False
        else:
            if lines and not previous_list:
                lines.append("")
            lines.append("  " * (paragraph.level * (len(marker) + 1) // 2) + f"{marker} {text}")
            previous_list = True
    return "\n".join(lines)


def _table(shape: Any) -> str:
    rows = [[" ".join(escape_markdown(cell.text).split()).replace("|", "\\|") for cell in row.cells]
            for row in shape.table.rows]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def _alt(shape: BaseShape) -> str:
    found = shape._element.xpath("./*[1]/p:cNvPr")  # noqa: SLF001 - alt text has no API
    return " ".join(str(found[0].get("descr", "")).split()) if found else ""


def _shapes(shapes: Any, slide: _Slide, where: str, images: ImageStore, links: list[str],
            notes: list[str]) -> None:
    for shape in shapes:
        if shape.is_placeholder and shape.placeholder_format.type in _TITLES + _SKIPPED_PLACEHOLDERS:
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            _shapes(shape.shapes, slide, where, images, links, notes)
        elif isinstance(shape, Picture) or (shape.is_placeholder and hasattr(shape, "image")):
            try:
                image = shape.image
                data, content_type = image.blob, image.content_type
            except (AttributeError, KeyError, ValueError):
                continue  # an empty picture placeholder
            alt = _alt(shape)
            src = images.add(data, content_type, where, alt)
            if src is not None:
                slide.blocks.append(f"![{escape_markdown(alt)}]({src})")
        elif shape.has_table:
            slide.blocks.append(_table(shape))
        elif shape.has_text_frame:
            in_body = shape.is_placeholder and shape.placeholder_format.type in (
                PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
            text = _text_block(shape, in_body, links)
            if text:
                slide.blocks.append(text)
        elif getattr(shape, "has_chart", False) or shape.shape_type in (
                MSO_SHAPE_TYPE.CHART, MSO_SHAPE_TYPE.MEDIA, MSO_SHAPE_TYPE.EMBEDDED_OLE_OBJECT,
                MSO_SHAPE_TYPE.DIAGRAM, MSO_SHAPE_TYPE.LINKED_OLE_OBJECT):
            notes.append(f"{where}: {shape.name!r} (a chart, diagram, media or embedded object) "
                         "was left out: add it as an image")


def _read_slide(slide: Slide, number: int, images: ImageStore, links: list[str],
                notes: list[str], path: Path) -> _Slide:
    title_shape = slide.shapes.title
    title = " ".join(title_shape.text_frame.text.split()) if title_shape is not None else ""
    layout = slide.slide_layout.name.casefold()
    read = _Slide(number, title or f"Slide {number}", header="section header" in layout,
                  title_slide="title slide" in layout)
    _shapes(slide.shapes, read, f"{path}: slide {number}", images, links, notes)
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        read.notes = "\n\n".join(escape_markdown(" ".join(p.text.split()))
                                 for p in slide.notes_slide.notes_text_frame.paragraphs
                                 if p.text.strip())
    return read


def _sections(slides: list[_Slide]) -> list[dict[str, Any]]:
    groups: list[list[_Slide]] = []
    grouped = any(s.header for s in slides)
    for slide in slides:
        if not grouped or slide.header or not groups or not groups[-1][0].header:
            groups.append([slide])
        else:
            groups[-1].append(slide)
    taken: set[str] = set()
    sections = []
    for group in groups:
        head, rest = group[0], group[1:]
        blocks = list(head.blocks)
        notes = [head.notes] if head.notes else []
        for slide in rest:
            blocks.append(f"# {escape_markdown(slide.title)}")
            blocks.extend(slide.blocks)
            if slide.notes:
                notes.append(f"**{escape_markdown(slide.title)}:** {slide.notes}")
        section: dict[str, Any] = {
            "id": unique_id(slugify(head.title, f"slide-{head.number}"), taken),
            "title": head.title,
            "body": "\n\n".join(b for b in blocks if b) or PLACEHOLDER_SECTION_BODY,
        }
        if notes:
            section["facilitator_notes"] = "\n\n".join(notes)
        sections.append(section)
    return sections


def pptx_to_draft(path: Path, module_id: str) -> Draft:
    """Read a PowerPoint deck into a draft module (raise ContentError for a refused file)."""
    with open_office_zip(path, "PowerPoint presentation") as archive:
        if "ppt/presentation.xml" not in archive.namelist():
            raise refuse(path, "not a PowerPoint presentation: it has no ppt/presentation.xml "
                               "(is it another Office file?)")
    images = ImageStore(module_id)
    links: list[str] = []
    notes: list[str] = []
    left_out: list[str] = []
    try:
        deck = Presentation(str(path))
        slides = [_read_slide(slide, number, images, links, left_out, path)
                  for number, slide in enumerate(deck.slides, start=1)]
        core_title = " ".join((deck.core_properties.title or "").split())
    except Exception as exc:  # python-pptx raises many kinds on a damaged file: never a traceback
        raise refuse(path, f"not a readable PowerPoint presentation ({type(exc).__name__}: "
                           f"{exc})") from None
    if not slides:
        raise refuse(path, "the presentation has no slides")
    title = core_title
    if slides[0].title_slide and len(slides) > 1:
        title = title or slides[0].title
        if slides[0].notes or any(slides[0].blocks):
            notes.append(f"{path}: slide 1 (the title slide) gave the module title; its other "
                         "text and notes were left out")
        slides = slides[1:]
    data = skeleton(module_id, title or slides[0].title or path.stem)
    data["sections"] = _sections(slides)
    finish_quiz(data)
    notes += images.notes
    notes += [f"{path}: link to {link!r} kept as text only (links may be http, https or mailto)"
              for link in links]
    return Draft(str(path), "pptx", data, images.files, notes, 0,
                 ["write the objectives (what a participant can do after the module) and the summary",
                  "write the quiz: replace the placeholder question, with an explanation for each",
                  "turn the slide bullets into reading participants can follow without the talk"],
                 left_out + images.left_out)
