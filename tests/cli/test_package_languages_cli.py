"""`trainer export site|scorm --language`: the pages, the player's words and the content in the
package's language (default: the workshop's, else the curriculum's)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from markupsafe import escape

from trainer.cli.export import export
from trainer.content.catalogue import load_catalogue


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
