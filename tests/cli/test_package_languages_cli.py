"""`trainer export site|scorm --language`: the pages, the player's words and the content in the
package's language (default: the workshop's, else the curriculum's); `trainer export moodle-xml|gift
--language`: a question bank in a translation's language, in its own category tree."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree
from markupsafe import escape

from trainer.cli.export import export
from trainer.content.catalogue import load_catalogue
from trainer.interchange.gift_import import parse_gift


def _site(sample_root: Path, target: Path, *extra: str) -> None:
    result = CliRunner().invoke(export, ["site", str(sample_root / "curriculum" / "gcai.yaml"),
                                         "-o", str(target), *extra])
    assert result.exit_code == 0, result.output


def test_the_site_of_a_french_workshop_is_in_french_by_default(sample_root: Path, tmp_path: Path) -> None:
    _site(sample_root, tmp_path / "site", "--workshop", "sahel-maghreb-2016")
    catalogue = load_catalogue(sample_root)
    french = catalogue.curriculum_in("gcai", "fr")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in index
    assert f"<h1>{escape(french.title)}</h1>" in index
    assert "Atelier régional Sahel-Maghreb · Malte" in index
    assert "Réalisé avec trainer" in index
    module = (tmp_path / "site" / "m01" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{escape(catalogue.module_in('mandate-2322', 'fr').title)}</h1>" in module
    assert "Envoyer les réponses" in module
    # A source's title that exists only in English is marked as English, its date as French.
    assert ('<span lang="en" dir="ltr">Global Center on Cooperative Security, Strengthening the '
            'Case: Good Criminal Justice Practices to Counter Terrorism</span> (septembre 2015)'
            in module)
    strings = (tmp_path / "site" / "shared" / "strings.js").read_text(encoding="ascii")
    assert strings.startswith("window.TrainerStrings = {")
    table = json.loads(strings.split(" = ", 1)[1].split(";\n", 1)[0])
    assert table["js_score"] == "Points obtenus\u00a0: {earned} sur {max} ({percent}\u00a0%)."
    css = (tmp_path / "site" / "shared" / "strings.css").read_text(encoding="utf-8")
    assert '.option.missed::after { content: " ← bonne réponse"; }' in css
    pre = (tmp_path / "site" / "pre" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{escape(french.pre_test.title)}</h1>" in pre


def test_the_site_in_arabic_runs_right_to_left(sample_root: Path, tmp_path: Path) -> None:
    _site(sample_root, tmp_path / "site", "--workshop", "sahel-maghreb-2016", "--language", "ar")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in index
    css = (tmp_path / "site" / "shared" / "strings.css").read_text(encoding="utf-8")
    assert '.option.missed::after { content: " → الإجابة الصحيحة"; }' in css  # points at the answer
    # English without a workshop: the curriculum's language.
    _site(sample_root, tmp_path / "en")
    assert '<html lang="en" dir="ltr">' in (tmp_path / "en" / "index.html").read_text(encoding="utf-8")


def test_a_scorm_package_in_french_with_an_english_module_marked(repo_root: Path, tmp_path: Path) -> None:
    content = repo_root / "tests" / "data" / "package_content"
    output = tmp_path / "fr.zip"
    result = CliRunner().invoke(export, ["scorm", "all-kinds", "--root", str(content), "--language", "fr",
                                         "-o", str(output)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(io.BytesIO(output.read_bytes()))
    page = archive.read("m01/index.html").decode("utf-8")
    assert '<html lang="fr" dir="ltr">' in page
    assert '<h1 lang="en" dir="ltr">' in page  # the module has no French translation
    assert '<div class="prompt" id="q1-prompt" lang="en" dir="ltr">' in page
    assert "shared/strings.js" in archive.namelist()
    refused = CliRunner().invoke(export, ["scorm", "all-kinds", "--root", str(content), "--language", "ka",
                                          "-o", str(tmp_path / "ka.zip")])
    assert refused.exit_code == 2
    assert "'ka' is not one of" in refused.output


def _bank(sample_root: Path, kind: str, target: Path, *extra: str) -> bytes:
    result = CliRunner().invoke(export, [kind, "gcai", "--root", str(sample_root), "-o", str(target),
                                         *extra])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def test_a_moodle_xml_bank_in_french_holds_the_french_questions(sample_root: Path,
                                                                 tmp_path: Path) -> None:
    catalogue = load_catalogue(sample_root)
    english = etree.fromstring(_bank(sample_root, "moodle-xml", tmp_path / "en.xml"))
    french = etree.fromstring(_bank(sample_root, "moodle-xml", tmp_path / "fr.xml", "--language", "fr"))
    categories = [text.text or "" for text in french.iterfind("question/category/text")]
    assert len(categories) == 6
    # Its own category tree: the English bank and the French one can go into one course.
    assert all(path.startswith("$course$/top/trainer-fr/") for path in categories)
    assert all((text.text or "").startswith("$course$/top/trainer/")
               for text in english.iterfind("question/category/text"))

    def questions(bank: etree._Element) -> dict[str, str]:
        return {question.findtext("idnumber") or "": question.findtext("questiontext/text") or ""
                for question in bank.iterfind("question") if question.get("type") != "category"}

    found, source = questions(french), questions(english)
    assert found.keys() == source.keys()  # the same questions, by idnumber
    for module in catalogue.curriculum_modules(catalogue.curriculum("gcai")):
        shown = catalogue.module_in(module.id, "fr")
        for question in shown.quiz.questions:
            assert found[f"{module.id}/{question.id}"] == catalogue.html(question.prompt).strip()
    assert sum(found[key] != source[key] for key in found) > 0.9 * len(found)


def test_a_gift_bank_in_arabic_holds_the_arabic_questions(sample_root: Path, tmp_path: Path) -> None:
    catalogue = load_catalogue(sample_root)
    text = _bank(sample_root, "gift", tmp_path / "ar.gift", "--language", "ar").decode("utf-8")
    parsed = parse_gift(text)
    assert {question.category for question in parsed} == {
        f"trainer-ar/{module.id}"
        for module in catalogue.curriculum_modules(catalogue.curriculum("gcai"))}
    arabic = {question.id: question.prompt
              for question in catalogue.module_in("mandate-2322", "ar").quiz.questions}
    prompts = {question.data["id"]: question.data["prompt"] for question in parsed
               if question.category == "trainer-ar/mandate-2322"}
    assert prompts == {key: arabic[key].strip() for key in prompts}  # GIFT drops the last newline
    assert len(prompts) >= len(arabic) - 1  # the ordering question is left out of GIFT
