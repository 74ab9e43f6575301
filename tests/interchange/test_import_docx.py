"""`trainer import docx`: a Word document built here with python-docx becomes a draft module."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from docx.text.paragraph import Paragraph
from PIL import Image

from tests.interchange.import_support import assert_checks, module_data, run


def _png(colour: str) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(data, "PNG")
    data.seek(0)
    return data


def _link(paragraph: Paragraph, text: str, url: str) -> None:
    """Append a hyperlink run (python-docx has no API for it)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    link_run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    link_run.append(text_element)
    link.append(link_run)
    paragraph._p.append(link)


def _workshop_document(path: Path) -> None:
    doc = Document()
    doc.core_properties.title = "Drafting a request"
    doc.add_heading("Drafting a request", 0)
    doc.add_paragraph("Read this before the workshop.")
    doc.add_heading("What a request contains", 1)
    para = doc.add_paragraph("A request names ")
    para.add_run("the authority").bold = True
    para.add_run(" and summarises ")
    para.add_run("the facts").italic = True
    para.add_run(". See ")
    _link(para, "the UNODC tool", "https://www.unodc.org/mla/")
    para.add_run(".")
    doc.add_paragraph("The legal basis", style="List Bullet")
    doc.add_paragraph("The facts", style="List Bullet")
    doc.add_paragraph("Draft", style="List Number")
    doc.add_paragraph("Review", style="List Number")
    doc.add_heading("Urgency", 2)
    doc.add_paragraph("Say why it is urgent.", style="Quote")
    table = doc.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Item", (0, 1): "Why", (1, 0): "Facts", (1, 1): "To assess"}.items():
        table.cell(row, col).text = text
    doc.add_picture(_png("red"), width=Inches(1))
    doc.paragraphs[-1].runs[0]._r.xpath(".//wp:docPr")[0].set("descr", "A red square")
    doc.add_heading("What a request contains", 1)
    doc.add_paragraph("A second section with the same title.")
    doc.add_paragraph("").add_run().add_break(WD_BREAK.LINE)
    doc.save(str(path))


def test_a_word_document_becomes_a_draft_module_that_passes_check(content_root: Path,
                                                                   tmp_path: Path) -> None:
    source = tmp_path / "Drafting requests.docx"
    _workshop_document(source)
    result = run("import", "docx", str(source), "--root", str(content_root))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"wrote {content_root / 'modules' / 'drafting-requests.yaml'}: 3 sections, 1 image, "
        "0 questions")
    assert "write the objectives" in result.stdout
    data = module_data(content_root, "drafting-requests")
    assert data["title"] == "Drafting a request"
    assert [s["id"] for s in data["sections"]] == [
        "introduction", "what-a-request-contains", "what-a-request-contains-2"]
    assert data["sections"][0]["body"] == "Read this before the workshop."
    assert data["sections"][1]["body"] == (
        "A request names **the authority** and summarises *the facts*. See "
        "[the UNODC tool](https://www.unodc.org/mla/).\n\n"
        "- The legal basis\n- The facts\n\n"
        "1. Draft\n2. Review\n\n"
        "# Urgency\n\n"
        "> Say why it is urgent.\n\n"
        "| Item | Why |\n|---|---|\n| Facts | To assess |\n\n"
        "![A red square](assets/drafting-requests/image-1.png)"
    )
    image = content_root / "modules" / "assets" / "drafting-requests" / "image-1.png"
    assert image.read_bytes().startswith(b"\x89PNG")
    assert_checks(content_root)


def test_comments_and_tracked_changes_are_left_out_with_a_note(content_root: Path,
                                                               tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("Only section", 1)
    para = doc.add_paragraph("Kept text.")
    doc.add_comment(para.runs, text="Reviewer: shorten this", author="R")
    inserted = OxmlElement("w:ins")
    for name, value in (("w:id", "1"), ("w:author", "R"), ("w:date", "2024-01-01T00:00:00Z")):
        inserted.set(qn(name), value)
    added = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = " Inserted."
    added.append(text)
    inserted.append(added)
    para._p.append(inserted)
    deleted = OxmlElement("w:del")
    for name, value in (("w:id", "2"), ("w:author", "R"), ("w:date", "2024-01-01T00:00:00Z")):
        deleted.set(qn(name), value)
    removed = OxmlElement("w:r")
    gone = OxmlElement("w:delText")
    gone.text = " Deleted."
    removed.append(gone)
    deleted.append(removed)
    para._p.append(deleted)
    source = tmp_path / "reviewed.docx"
    doc.save(str(source))
    result = run("import", "docx", str(source), "--root", str(content_root))
    assert result.exit_code == 0, result.output
    assert "2 notes listed below" in result.stdout
    assert f"note: {source}: comments were left out" in result.stdout
    assert f"note: {source}: tracked changes were read as accepted" in result.stdout
    data = module_data(content_root, "reviewed")
    assert data["title"] == "Only section"
    assert data["sections"] == [{"id": "introduction", "title": "Introduction",
                                 "body": "Kept text. Inserted."}]
    assert "shorten" not in (content_root / "modules" / "reviewed.yaml").read_text(encoding="utf-8")


def test_an_existing_module_is_not_overwritten_without_force(content_root: Path,
                                                             tmp_path: Path) -> None:
    source = tmp_path / "notes.docx"
    doc = Document()
    doc.add_paragraph("Hello.")
    doc.save(str(source))
    target = content_root / "modules" / "kept.yaml"
    target.write_text("precious\n", encoding="utf-8")
    refused = run("import", "docx", str(source), "--id", "kept", "--root", str(content_root))
    assert refused.exit_code == 1
    assert refused.stderr == (f"error: {target} exists already: choose another id with --id, "
                              "or overwrite with --force\n")
    assert target.read_text(encoding="utf-8") == "precious\n"
    forced = run("import", "docx", str(source), "--id", "kept", "--root", str(content_root),
                 "--force")
    assert forced.exit_code == 0, forced.output
    assert module_data(content_root, "kept")["sections"][0]["body"] == "Hello."
    assert_checks(content_root)


def test_a_bad_id_is_refused(content_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "x.docx"
    Document().save(str(source))
    result = run("import", "docx", str(source), "--id", "Not An Id", "--root", str(content_root))
    assert result.exit_code == 2
    assert "'Not An Id' is not a module id" in result.output
