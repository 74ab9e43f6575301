"""`trainer translations status|new|stamp` as a translator runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trainer.cli.translations import translations


@pytest.fixture
def content(sample_root: Path, tmp_path: Path) -> Path:
    """A copy of the sample content, translations included."""
    shutil.copytree(sample_root / "modules", tmp_path / "modules")
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(translations, list(args))


def _table(output: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    rows = {}
    for line in output.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5 and parts[2].isdigit():
            rows[(parts[0], parts[1])] = (int(parts[2]), int(parts[3]), int(parts[4]))
    return rows


def test_status_of_the_sample_translations(sample_root: Path) -> None:
    result = run("status", "--root", str(sample_root))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["module", "lang", "complete", "stale", "missing"]
    # The whole sample, in French and Arabic: every entry translated and current.
    assert _table(result.output) == {
        ("drafting-requests", "ar"): (81, 0, 0),
        ("drafting-requests", "fr"): (81, 0, 0),
        ("effective-central-authority", "ar"): (73, 0, 0),
        ("effective-central-authority", "fr"): (73, 0, 0),
        ("electronic-evidence", "ar"): (76, 0, 0),
        ("electronic-evidence", "fr"): (76, 0, 0),
        ("gcai-assessment", "ar"): (189, 0, 0),
        ("gcai-assessment", "fr"): (189, 0, 0),
        ("mandate-2322", "ar"): (77, 0, 0),
        ("mandate-2322", "fr"): (77, 0, 0),
        ("mla-extradition-guardrails", "ar"): (80, 0, 0),
        ("mla-extradition-guardrails", "fr"): (80, 0, 0),
        ("networks-regional-frameworks", "ar"): (97, 0, 0),
        ("networks-regional-frameworks", "fr"): (97, 0, 0),
        ("curriculum/gcai", "ar"): (7, 0, 0),
        ("curriculum/gcai", "fr"): (7, 0, 0),
    }
    assert "incomplete" not in result.output


def test_status_lists_stale_and_missing_items(content: Path) -> None:
    source = content / "modules" / "mandate-2322.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("unit: States", "unit: Member States"), encoding="utf-8"
    )
    french = content / "modules" / "fr" / "mla-extradition-guardrails.yaml"
    text = french.read_text(encoding="utf-8")
    last_source = text.rindex("\n  - source_hash:")
    french.write_text(text[: last_source + 1], encoding="utf-8")
    result = run("status", "--root", str(content), "--language", "fr", "--language", "de", "--items")
    assert result.exit_code == 0, result.output
    table = _table(result.output)
    assert table[("mandate-2322", "fr")] == (76, 1, 0)
    assert table[("mla-extradition-guardrails", "fr")] == (79, 0, 1)
    # Only French rows; the other French translations are untouched, so still complete.
    edited = ("mandate-2322", "mla-extradition-guardrails")
    others = {key: row for key, row in table.items() if key[0] not in edited}
    assert {language for _, language in table} == {"fr"}
    assert all(stale == missing == 0 for _, stale, missing in others.values())
    assert "    stale    questions.q-cosponsors\n" in result.output
    assert "    missing  sources[12]\n" in result.output
    assert "electronic-evidence           de" in result.output
    assert "(no translation)" in result.output


def test_new_then_stamp_makes_a_complete_translation(content: Path) -> None:
    (content / "modules" / "fr" / "electronic-evidence.yaml").unlink()  # start afresh
    result = run("new", "electronic-evidence", "fr", "--root", str(content))
    assert result.exit_code == 0, result.output
    target = content / "modules" / "fr" / "electronic-evidence.yaml"
    assert target.exists()
    rows = _table(run("status", "--root", str(content), "-l", "fr").output)
    assert rows[("electronic-evidence", "fr")] == (0, 0, 76)
    again = run("new", "electronic-evidence", "fr", "--root", str(content))
    assert again.exit_code == 1
    assert "exists already" in again.output
    text = target.read_text(encoding="utf-8").replace(
        "title: Electronic evidence", "title: La preuve électronique", 1
    )
    target.write_text(text, encoding="utf-8")
    partial = run("stamp", "electronic-evidence", "fr", "module", "sources[0]", "--root", str(content))
    assert partial.exit_code == 0, partial.output
    assert "stamped 2 entries" in partial.output
    assert _table(run("status", "--root", str(content)).output)[("electronic-evidence", "fr")] == (2, 0, 74)
    assert run("stamp", "electronic-evidence", "fr", "--all", "--root", str(content)).exit_code == 0
    assert _table(run("status", "--root", str(content)).output)[("electronic-evidence", "fr")] == (76, 0, 0)
    assert target.read_text(encoding="utf-8").startswith("# Translation of modules/electronic-evidence.yaml")


def test_new_refuses_unknown_modules_and_languages(content: Path) -> None:
    unknown = run("new", "no-such-module", "fr", "--root", str(content))
    assert unknown.exit_code == 1
    assert "no module or curriculum 'no-such-module'" in unknown.output
    same = run("new", "mandate-2322", "en", "--root", str(content))
    assert same.exit_code == 1
    assert "written in 'en' already" in same.output
    bad = run("new", "mandate-2322", "French", "--root", str(content))
    assert bad.exit_code == 1
    assert "two-letter" in bad.output


def test_stamp_changes_only_the_hash_of_the_named_entry(content: Path) -> None:
    source = content / "modules" / "mandate-2322.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("unit: States", "unit: Member States"), encoding="utf-8"
    )
    french = content / "modules" / "fr" / "mandate-2322.yaml"
    before = french.read_text(encoding="utf-8").splitlines()
    result = run("stamp", "mandate-2322", "fr", "questions.q-cosponsors", "--root", str(content))
    assert result.exit_code == 0, result.output
    after = french.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1
    assert changed[0][0].strip().startswith("source_hash: ")
    assert changed[0][1].strip().startswith("source_hash: ")
    assert _table(run("status", "--root", str(content)).output)[("mandate-2322", "fr")] == (77, 0, 0)


def test_stamp_inserts_missing_hashes_and_keeps_comments(content: Path) -> None:
    french = content / "modules" / "fr" / "mandate-2322.yaml"
    lines = french.read_text(encoding="utf-8").splitlines(keepends=True)
    first_source = next(i for i, line in enumerate(lines) if line.startswith("  - source_hash:"))
    lines[first_source] = "  # a translator's comment\n  - " + lines[first_source + 1].lstrip()
    del lines[first_source + 1]
    option = next(i for i, line in enumerate(lines) if line.strip() == "- id: d")
    assert lines[option + 1].strip().startswith("source_hash:")
    del lines[option + 1]
    french.write_text("".join(lines), encoding="utf-8")
    assert _table(run("status", "--root", str(content)).output)[("mandate-2322", "fr")] == (75, 0, 2)
    result = run("stamp", "mandate-2322", "fr", "--all", "--root", str(content))
    assert result.exit_code == 0, result.output
    assert "stamped 2 entries" in result.output
    assert _table(run("status", "--root", str(content)).output)[("mandate-2322", "fr")] == (77, 0, 0)
    text = french.read_text(encoding="utf-8")
    assert "  # a translator's comment\n  - source_hash: " in text
    assert "\n        - id: d\n          source_hash: " in text


def test_stamp_refuses_what_it_cannot_do(content: Path) -> None:
    neither = run("stamp", "mandate-2322", "fr", "--root", str(content))
    assert neither.exit_code == 1
    assert "or give --all" in neither.output
    unknown = run("stamp", "mandate-2322", "fr", "questions.q-nope", "--root", str(content))
    assert unknown.exit_code == 1
    assert "no such entry: questions.q-nope" in unknown.output
    untranslated = run("stamp", "electronic-evidence", "de", "--all", "--root", str(content))
    assert untranslated.exit_code == 1
    assert "no usable translation of 'electronic-evidence' into 'de'" in untranslated.output


def test_a_curriculum_translation_goes_stale_and_is_stamped_again(content: Path) -> None:
    source = content / "curriculum" / "gcai.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        'title: "Post-test: what have you learned?"', 'title: "Post-test: what you have learned"'),
        encoding="utf-8")
    result = run("status", str(content), "-l", "ar", "--items")
    assert _table(result.output)[("curriculum/gcai", "ar")] == (6, 1, 0)
    assert "    stale    post_test\n" in result.output
    arabic = content / "curriculum" / "ar" / "gcai.yaml"
    before = arabic.read_text(encoding="utf-8").splitlines()
    stamped = run("stamp", "curriculum/gcai", "ar", "post_test", "--root", str(content))
    assert stamped.exit_code == 0, stamped.output
    after = arabic.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b][0][1].startswith(
        "  source_hash: ")
    assert _table(run("status", str(content)).output)[("curriculum/gcai", "ar")] == (7, 0, 0)


def test_new_curriculum_translation_then_stamp(content: Path) -> None:
    result = run("new", "gcai", "de", "--root", str(content))  # a bare id that names a curriculum
    assert result.exit_code == 0, result.output
    target = content / "curriculum" / "de" / "gcai.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Translation of curriculum/gcai.yaml into 'de'.")
    assert "pre_test:\n  title: " in text
    assert "  - id: sahel-maghreb-2016\n" in text
    assert _table(run("status", str(content), "-l", "de").output)[("curriculum/gcai", "de")] == (0, 0, 7)
    target.write_text(text.replace("title: \"Pre-test: what do you know already?\"",
                                   "title: \"Vortest: was wissen Sie schon?\""), encoding="utf-8")
    assert run("stamp", "curriculum/gcai", "de", "--all", "--root", str(content)).exit_code == 0
    assert _table(run("status", str(content), "-l", "de").output)[("curriculum/gcai", "de")] == (7, 0, 0)
    assert run("new", "curriculum/gcai", "en", "--root", str(content)).exit_code == 1
