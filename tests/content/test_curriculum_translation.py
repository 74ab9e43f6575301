"""Curriculum translations (`curriculum/<lang>/<id>.yaml`): applied, checked and located like modules'."""

from __future__ import annotations

import shutil
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli.content import check
from trainer.content.catalogue import load_catalogue
from trainer.content.models import Curriculum, CurriculumTest, Workshop
from trainer.content.translation.overlay import CURRICULUM_SHAPE
from trainer.errors import ContentError

# Text fields of the curriculum models that are not prose to translate.
NOT_TRANSLATED = {"id", "language", "join_code"}


@pytest.fixture
def content(sample_root: Path, tmp_path: Path) -> Path:
    shutil.copytree(sample_root / "modules", tmp_path / "modules")
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    return tmp_path


def _text_fields(model: type) -> set[str]:
    hints = typing.get_type_hints(model, include_extras=True)
    return {name for name, hint in hints.items() if "str" in repr(hint) and "list" not in repr(hint)}


def test_every_text_field_of_a_curriculum_is_translatable() -> None:
    assert {"title", "audience", "summary"} <= _text_fields(Curriculum)
    assert {"title", "region", "dates_note"} <= _text_fields(Workshop)
    shape = dict(CURRICULUM_SHAPE.children)
    assert _text_fields(Curriculum) - NOT_TRANSLATED <= set(CURRICULUM_SHAPE.fields)
    assert _text_fields(CurriculumTest) <= set(shape[("pre_test",)].fields)
    assert _text_fields(CurriculumTest) <= set(shape[("post_test",)].fields)
    assert _text_fields(Workshop) - NOT_TRANSLATED - {"start", "end"} <= set(shape[("workshops",)].fields)


def test_the_sample_curriculum_in_french_and_arabic(sample_root: Path) -> None:
    catalogue = load_catalogue(sample_root)
    source = catalogue.curriculum("gcai")
    french = catalogue.curriculum_in("gcai", "fr")
    arabic = catalogue.curriculum_in("gcai", "ar")
    assert french.language == "fr"
    assert arabic.language == "ar"
    assert french.title.startswith("Initiative mondiale des autorités centrales")
    assert arabic.pre_test.title == "الاختبار القبلي: ماذا تعرف مسبقًا؟"
    # Only text changes: modules, tests' questions and pass marks, dates and join codes stay.
    for shown in (french, arabic):
        assert shown.modules == source.modules
        assert shown.pre_test.questions == source.pre_test.questions
        assert [(w.id, w.start, w.language, w.join_code) for w in shown.workshops] == [
            (w.id, w.start, w.language, w.join_code) for w in source.workshops]
    _, workshop = catalogue.workshop_in("sahel-maghreb-2016", "fr")
    assert (workshop.title, workshop.country) == ("Atelier régional Sahel-Maghreb", "Malte")
    assert catalogue.curriculum_in("gcai", "de") is source
    assert "<strong>pas</strong>" in catalogue.html(french.summary)


def test_check_locates_curriculum_translation_problems(content: Path) -> None:
    arabic = content / "curriculum" / "ar" / "gcai.yaml"
    text = arabic.read_text(encoding="utf-8")
    arabic.write_text(text.replace("  - id: south-asia-2017", "  - id: south-asia-2018"), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalogue(content)
    line = text.splitlines().index("  - id: south-asia-2017") + 1
    assert any(i.path.endswith("curriculum/ar/gcai.yaml") and i.line == line
               and "extra workshop 'south-asia-2018'" in i.message for i in raised.value.issues)
    arabic.write_text(text, encoding="utf-8")
    source = content / "curriculum" / "gcai.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "region: Horn of Africa", "region: Horn of Africa and Yemen"), encoding="utf-8")
    result = CliRunner().invoke(check, [str(content)])
    assert result.exit_code == 0, result.output
    stale = [line for line in result.output.splitlines() if "workshop 'horn-of-africa-2017' is stale" in line]
    assert len(stale) == 2  # fr and ar
    assert all("(source: " in line and "curriculum/gcai.yaml:" in line for line in stale)
    assert CliRunner().invoke(check, [str(content), "--strict"]).exit_code == 1
    # A stale entry falls back to the source text.
    catalogue = load_catalogue(content)
    horn = next(w for w in catalogue.curriculum_in("gcai", "fr").workshops if w.id == "horn-of-africa-2017")
    assert horn.region == "Horn of Africa and Yemen"
    assert "workshops.horn-of-africa-2017" in catalogue.translations.get_curriculum("gcai", "fr").fallback


def test_a_curriculum_translation_in_the_wrong_place(content: Path) -> None:
    folder = content / "curriculum" / "fr"
    (folder / "other.yaml").write_text("id: other\nlanguage: fr\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalogue(content)
    assert any("no curriculum 'other' to translate" in i.message for i in raised.value.issues)


def test_check_warns_for_a_workshop_language_without_an_interface(content: Path) -> None:
    source = content / "curriculum" / "gcai.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("    language: fr\n", "    language: ka\n", 1), encoding="utf-8")
    result = CliRunner().invoke(check, [str(content)])
    assert result.exit_code == 0, result.output
    line = text.splitlines().index("    language: fr") + 1
    assert (f"gcai.yaml:{line}:5: warning: workshops[0].language: workshop 'sahel-maghreb-2016' runs in "
            "'ka', which the interface and handbooks are not translated into") in result.output
    strict = CliRunner().invoke(check, [str(content), "--strict"])
    assert strict.exit_code == 1
    assert "warning" in strict.output

