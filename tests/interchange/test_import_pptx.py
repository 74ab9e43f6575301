"""`trainer import pptx`: a deck built here with python-pptx becomes a draft module."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.util import Inches

from tests.interchange.import_support import assert_checks, module_data, run

TITLE, TITLE_AND_CONTENT, SECTION_HEADER, TITLE_ONLY = 0, 1, 2, 5


def _png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(data, "PNG")
    data.seek(0)
    return data


def _deck(path: Path, *, grouped: bool) -> None:
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[TITLE])
    first.shapes.title.text = "Extradition basics"
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    slide.shapes.title.text = "Dual criminality"
    frame = slide.placeholders[1].text_frame
    frame.text = "Conduct, not the label"
    nested = frame.add_paragraph()
    nested.text = "In both States"
    nested.level = 1
    strong = frame.add_paragraph().add_run()
    strong.text = "Never the penalty alone"
    strong.font.bold = True
    slide.notes_slide.notes_text_frame.text = "Ask for an example from each table."
    picture = slide.shapes.add_picture(_png(), Inches(1), Inches(1))
    picture._element.nvPicPr.cNvPr.set("descr", "A blue square")
    if grouped:
        header = deck.slides.add_slide(deck.slide_layouts[SECTION_HEADER])
        header.shapes.title.text = "Guardrails"
    table_slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    table_slide.shapes.title.text = "Speciality"
    table = table_slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for (row, col), text in {(0, 0): "Rule", (0, 1): "Protects", (1, 0): "Speciality",
                             (1, 1): "The person surrendered"}.items():
        table.cell(row, col).text = text
    table_slide.notes_slide.notes_text_frame.text = "Five minutes."
    deck.save(str(path))


def test_each_slide_becomes_a_section_with_its_notes(content_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "deck.pptx"
    _deck(source, grouped=False)
    result = run("import", "pptx", str(source), "--root", str(content_root), "--id", "extradition")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"wrote {content_root / 'modules' / 'extradition.yaml'}: 2 sections, 1 image, 0 questions")
    data = module_data(content_root, "extradition")
    assert data["title"] == "Extradition basics"
    assert data["sections"] == [
        {"id": "dual-criminality", "title": "Dual criminality",
         "body": "- Conduct, not the label\n  - In both States\n- **Never the penalty alone**\n\n"
                 "![A blue square](assets/extradition/image-1.png)",
         "facilitator_notes": "Ask for an example from each table."},
        {"id": "speciality", "title": "Speciality",
         "body": "| Rule | Protects |\n|---|---|\n| Speciality | The person surrendered |",
         "facilitator_notes": "Five minutes."},
    ]
    assert (content_root / "modules" / "assets" / "extradition" / "image-1.png").is_file()
    assert_checks(content_root)


def test_slides_after_a_section_header_are_grouped_under_it(content_root: Path,
                                                            tmp_path: Path) -> None:
    source = tmp_path / "deck.pptx"
    _deck(source, grouped=True)
    result = run("import", "pptx", str(source), "--root", str(content_root))
    assert result.exit_code == 0, result.output
    sections = module_data(content_root, "deck")["sections"]
    assert [s["id"] for s in sections] == ["dual-criminality", "guardrails"]
    assert sections[1]["body"] == (
        "# Speciality\n\n| Rule | Protects |\n|---|---|\n| Speciality | The person surrendered |")
    assert sections[1]["facilitator_notes"] == "**Speciality:** Five minutes."
    assert_checks(content_root)
