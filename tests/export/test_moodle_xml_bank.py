"""Moodle XML question banks (the commands that write them: tests/cli/test_export_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from trainer.cli.export import export
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export.moodle_xml import modules_moodle_xml


@pytest.fixture(scope="module")
def content_root(repo_root: Path) -> Path:
    return repo_root / "tests" / "data" / "package_content"


@pytest.fixture(scope="module")
def catalogue(content_root: Path) -> Catalogue:
    return load_catalogue(content_root)


@pytest.fixture(scope="module")
def bank(catalogue: Catalogue) -> etree._Element:
    modules = [catalogue.module("all-kinds"), catalogue.module("short-module")]
    return etree.fromstring(modules_moodle_xml(catalogue, modules))


def _question(bank: etree._Element, name: str) -> etree._Element:
    [found] = bank.xpath(f"question[name/text='{name}']")
    return found


def test_one_category_per_module_and_every_kind(bank: etree._Element) -> None:
    categories = bank.xpath("question[@type='category']/category/text/text()")
    assert categories == ["$course$/top/trainer/all-kinds", "$course$/top/trainer/short-module"]
    types = bank.xpath("question[@type!='category']/@type")
    assert types == ["multichoice", "multichoice", "truefalse", "shortanswer", "numerical",
                     "matching", "ordering", "multichoice", "numerical"]


def test_multiple_choice_uses_moodles_weights(bank: etree._Element) -> None:
    question = _question(bank, "q-multiple")
    assert question.findtext("single") == "false"
    assert question.xpath("answer/@fraction") == ["50", "50", "-50", "-50"]
    assert question.findtext("defaultgrade") == "2"


def test_texts_are_the_sanitised_html(bank: etree._Element) -> None:
    single = _question(bank, "q-single")
    assert single.findtext("questiontext/text") == (
        "<p>Which channel is usually fastest? (Hint: 1 + 1 = 2; use {braces} ~ or # signs: fine)</p>")
    tf = _question(bank, "q-tf")
    assert tf.findtext("generalfeedback/text") == (
        "<p>Treaties increasingly look at the <strong>conduct</strong> behind the offence.</p>")
    assert tf.xpath("answer/text/text()") == ["true", "false"]
    assert tf.xpath("answer/@fraction") == ["100", "0"]


def test_short_answer_numeric_matching_ordering(bank: etree._Element) -> None:
    short = _question(bank, "q-short")
    assert short.xpath("answer/text/text()") == [
        "speciality", "specialty", "rule of speciality", "*"]
    assert short.xpath("answer/@fraction") == ["100", "100", "100", "0"]
    numeric = _question(bank, "q-numeric")
    assert numeric.findtext("answer/text") == "2016"
    assert numeric.findtext("answer/tolerance") == "0"
    matching = _question(bank, "q-matching")
    assert matching.xpath("subquestion/answer/text/text()")[-1] == "Never prosecute twice in one State"
    assert matching.xpath("subquestion/text")[-1].text is None
    ordering = _question(bank, "q-order")
    assert ordering.findtext("gradingtype") == "RELATIVE_NEXT_EXCLUDE_LAST"  # the default scoring
    assert ordering.xpath("answer/text/text()")[0] == "The prosecutor drafts the request"


def test_sample_content_exports(sample_root: Path, tmp_path: Path) -> None:
    """Every module of the shipped sample content builds into a package and a bank."""
    catalogue = load_catalogue(sample_root)
    modules = list(catalogue.modules.values())
    assert modules
    xml = modules_moodle_xml(catalogue, modules)
    assert etree.fromstring(xml).tag == "quiz"
    runner = CliRunner()
    for module in modules:
        result = runner.invoke(export, ["scorm", module.id, "--root", str(sample_root),
                                        "-o", str(tmp_path / f"{module.id}.zip")])
        assert result.exit_code == 0, result.output
