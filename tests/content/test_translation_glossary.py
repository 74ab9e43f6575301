"""The glossaries (modules/<lang>/_glossary.yaml): every sample translation uses their terms, and
`trainer check` warns, located, where a translation does not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli.content import check
from trainer.content.catalogue import load_catalogue
from trainer.content.translation.glossary import check_glossaries, load_glossary
from trainer.quiz.normalise import normalise_text

LANGUAGES = ("fr", "ar")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_glossary_terms(sample_root: Path, language: str) -> None:
    catalogue = load_catalogue(sample_root)
    assert len(load_glossary(sample_root, language)) >= 12
    found = check_glossaries(sample_root, catalogue.translations, normalise_text)
    assert found.checked > 400
    assert [str(issue) for issue in found.issues] == []


def test_glossary_targets_match_their_own_terms(sample_root: Path) -> None:
    for language in LANGUAGES:
        for term in load_glossary(sample_root, language):
            assert term.target.search(normalise_text(term.term)), term
            assert term.source.search(term.en.casefold()), term


def test_check_warns_where_a_translation_does_not_use_the_term(sample_root: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_root / "modules", tmp_path / "modules")
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    french = tmp_path / "curriculum" / "fr" / "gcai.yaml"
    text = french.read_text(encoding="utf-8")
    assert "d’entraide judiciaire et d’extradition" in text
    french.write_text(text.replace("d’entraide judiciaire et d’extradition",
                                   "de coopération judiciaire et d’extradition"), encoding="utf-8")
    result = CliRunner().invoke(check, [str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("audience:"))
    assert re.search(rf"curriculum/fr/gcai.yaml:{line}:\d+: warning: audience: glossary: the source "
                     r"says 'mutual legal assistance \(MLA\)'; use 'entraide judiciaire'", result.output)
    assert CliRunner().invoke(check, [str(tmp_path), "--strict"]).exit_code == 1
