"""Handbooks in French and Arabic: translated modules and boilerplate; Arabic right to left, in an
embedded Arabic font, with text that extracts in logical order (sample module mandate-2322)."""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner

from trainer.cli.handbook import handbook as handbook_command
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.models import Curriculum, Workshop
from trainer.export.handbook import Edition, handbook_html, render_handbook

MODULE = "mandate-2322"
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _flat(text: str) -> str:
    """Return text as a reader compares it: presentation forms folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def sample(sample_root: Path) -> tuple[Catalogue, Curriculum, Workshop]:
    catalogue = load_catalogue(sample_root)
    curriculum, workshop = catalogue.workshop("sahel-maghreb-2016")
    # One translated module keeps the rendering short.
    return catalogue, curriculum.model_copy(update={"modules": [MODULE]}), workshop.model_copy(
        update={"extra_modules": []})


@pytest.fixture(scope="module")
def arabic_pdf(sample: tuple[Catalogue, Curriculum, Workshop]) -> bytes:
    catalogue, curriculum, workshop = sample
    return render_handbook(catalogue, curriculum, workshop, Edition.FACILITATOR,
                           language="ar").pdf


def test_arabic_handbook_html_is_rtl_and_translated(sample: tuple[Catalogue, Curriculum, Workshop]
                                                    ) -> None:
    catalogue, curriculum, workshop = sample
    html = handbook_html(catalogue, curriculum, workshop, Edition.FACILITATOR, language="ar")
    assert '<html lang="ar" dir="rtl">' in html
    title = catalogue.module_in(MODULE, "ar").title
    assert title in html
    assert catalogue.module(MODULE).title not in html
    for boilerplate in ("المحتويات", "مفتاح الإجابات", "ورقة العمل", "أهداف التعلّم"):
        assert boilerplate in html
    # The curriculum's own text is translated too.
    arabic = catalogue.curriculum_in(curriculum.id, "ar")
    assert f'<h1 class="cover-title">{arabic.title}</h1>' in html
    assert curriculum.title not in html


def test_arabic_text_extracts_in_logical_order(arabic_pdf: bytes,
                                               sample: tuple[Catalogue, Curriculum, Workshop]
                                               ) -> None:
    catalogue = sample[0]
    reader = pypdf.PdfReader(io.BytesIO(arabic_pdf))
    text = _flat("\n".join(page.extract_text() or "" for page in reader.pages))
    module = catalogue.module_in(MODULE, "ar")
    phrases = ["ورقة العمل", "مفتاح الإجابات", "أهداف التعلّم", "اختر إجابة واحدة",
               module.sections[0].title]
    phrases += [o.text for o in module.quiz.questions[0].options][:1]
    for phrase in phrases:
        for run in re.findall(r"[\u0600-\u06ff][\u0600-\u06ff\s،]*[\u0600-\u06ff]", phrase):
            assert _flat(run) in text, run
    # The footer mixes digits and words: extractors order those runs differently, so only its
    # words are checked here ("الصفحة N من M").
    assert text.count("الصفحة") >= len(reader.pages) - 2


def test_arabic_glyphs_come_from_an_embedded_arabic_font(arabic_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        fonts = {char["fontname"] for page in pdf.pages[:12] for char in page.chars
                 if ARABIC.match(unicodedata.normalize("NFKC", char["text"]) or " ")}
    assert fonts
    assert all("Arabic" in name for name in fonts), fonts
    reader = pypdf.PdfReader(io.BytesIO(arabic_pdf))
    embedded = set()
    for page in reader.pages[:12]:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    embedded.add(str(descriptor["/FontName"]))
    assert any("Arabic" in name for name in embedded), embedded


def test_arabic_pages_run_right_to_left(arabic_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        toc = next(page for page in pdf.pages if "تايوتحملا" in (page.extract_text() or ""))
        width = toc.width
        entries = 0
        for line in toc.extract_text_lines(return_chars=True, y_tolerance=6):
            chars = line["chars"]
            arabic = [c for c in chars if ARABIC.match(
                unicodedata.normalize("NFKC", str(c["text"])) or " ")]
            digits = [c for c in chars if str(c["text"]).isdigit()
                      and float(c["x1"]) < width * 0.25]
            if arabic and digits:
                entries += 1
                # Title on the right, the page number on the left, clear of each other.
                assert max(float(c["x1"]) for c in digits) < min(float(c["x0"]) for c in arabic)
        assert entries >= 3
        # The worksheet heading starts at the right margin.
        worksheet = next(page for page in pdf.pages if "لمعلا ةقرو" in (page.extract_text() or ""))
        heading = [c for c in worksheet.chars if float(c["size"]) > 15]
        assert heading
        assert max(float(c["x1"]) for c in heading) > width * 0.8


def test_french_handbook_uses_translations_and_french_boilerplate(
        sample: tuple[Catalogue, Curriculum, Workshop], sample_without: Callable[..., Path]) -> None:
    catalogue, curriculum, workshop = sample
    html = handbook_html(catalogue, curriculum, workshop, Edition.FACILITATOR, language="fr")
    assert '<html lang="fr" dir="ltr">' in html
    assert catalogue.module_in(MODULE, "fr").title.replace("'", "&#39;") in html
    for boilerplate in ("Sommaire", "Corrigé", "Fiche d’exercices", "Objectifs d’apprentissage"):
        assert boilerplate in html
    # An untranslated module keeps lang="en" (the sample translates every module: drop one).
    partial = load_catalogue(sample_without("fr/effective-central-authority"))
    other = curriculum.model_copy(update={"modules": ["effective-central-authority"]})
    mixed = handbook_html(partial, other, workshop, Edition.PARTICIPANT, language="fr")
    assert 'lang="en" dir="ltr"' in mixed


def test_cli_defaults_to_the_workshop_language(sample_root: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def fake_render(*args: object, language: str | None = None, **kwargs: object) -> object:
        seen.append(language)
        raise SystemExit(0)

    monkeypatch.setattr(sys.modules["trainer.cli.handbook"], "render_handbook", fake_render)
    runner = CliRunner()
    curriculum = str(sample_root / "curriculum" / "gcai.yaml")
    runner.invoke(handbook_command, [curriculum, "--workshop", "sahel-maghreb-2016",
                                     "-o", str(tmp_path / "x.pdf")])
    runner.invoke(handbook_command, [curriculum, "--workshop", "sahel-maghreb-2016",
                                     "--language", "ar", "-o", str(tmp_path / "y.pdf")])
    assert seen == ["fr", "ar"]
    refused = runner.invoke(handbook_command, [curriculum, "--language", "de"])
    assert refused.exit_code == 2


LONG = {"fr": "Un titre de module très long, qui ne tient pas sur une ligne du sommaire et doit revenir "
              "à la ligne sans que le numéro de page ne vienne jamais le chevaucher",
        "ar": "عنوان وحدة طويل جدًا لا يتسع له سطر واحد في جدول المحتويات فيلتف إلى سطر ثانٍ دون أن "
              "يتداخل معه رقم الصفحة في أي حال من الأحوال"}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_contents_page_numbers_stay_clear_of_long_titles(
        sample: tuple[Catalogue, Curriculum, Workshop], language: str) -> None:
    catalogue, curriculum, workshop = sample
    module = catalogue.module_in(MODULE, language)
    long_module = module.model_copy(update={"title": LONG[language]})
    translations = catalogue.translations
    patched = translations.translated[(MODULE, language)]
    found = dict(translations.translated)
    found[(MODULE, language)] = type(patched)(long_module, patched.source, language, patched.items,
                                             patched.problems)
    long_catalogue = type(catalogue)(**{**catalogue.__dict__, "translations": type(translations)(
        **{**translations.__dict__, "translated": found})})
    pdf = render_handbook(long_catalogue, curriculum, workshop, Edition.PARTICIPANT, language=language,
                          max_pages=30).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        heading = "تايوتحملا" if language == "ar" else "Sommaire"  # extracted in visual order
        toc = next(page for page in document.pages[:6] if heading in (page.extract_text() or ""))
        words = toc.extract_words(use_text_flow=False, keep_blank_chars=False)
        numbers = [w for w in words if w["text"].isdigit() and int(w["text"]) > 2]
        titles = [w for w in words if not w["text"].isdigit()]
        assert numbers
        for number in numbers:
            for word in titles:
                overlaps = (number["x0"] < word["x1"] and word["x0"] < number["x1"]
                            and number["top"] < word["bottom"] and word["top"] < number["bottom"])
                assert not overlaps, (number["text"], word["text"])
