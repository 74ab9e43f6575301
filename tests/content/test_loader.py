"""The strict YAML loader: every refusal located, text kept as text, nothing but ContentError."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.content.catalogue import load_catalogue
from trainer.content.loader import load_module, parse_yaml
from trainer.errors import ContentError

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"

# file → the one located problem it must produce ("line:col: where: message").
EXPECTED = {
    "anchor-alias.yaml": "2:8: title: anchors (&t) are not allowed: write the value out",
    "bad-id.yaml": "1:1: id: not a valid id: use lower-case letters, digits and single hyphens; "
    "got 'Base Module'",
    "bad-language.yaml": "3:1: language: not a language code: write a two-letter ISO 639-1 code "
    "such as en, fr or ar; got 'english'",
    "bad-source-url.yaml": "31:5: sources[0].url: not a web address: start it with http:// or "
    "https:// (for example https://www.unodc.org/); got 'www.unodc.org'",
    "billion-laughs.yaml": "1:4: a: anchors (&a) are not allowed: write the value out",
    "bool-for-text.yaml": "26:11: quiz.questions[0].options[0].correct: input should be a valid "
    "boolean, unable to interpret input; got 'perhaps'",
    "complex-key.yaml": "29:3: keys must be plain text",
    "dangling-case.yaml": "23:7: quiz.questions[0].case: 'nowhere' is not a case-study section "
    "of this module (case studies: case-one)",
    "dangling-objective.yaml": "22:7: quiz.questions[0].objective: 'o9' is not an objective of "
    "this module (objectives: o1)",
    "deep-nesting-block.yaml": "33:65: k0.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11.k12.k13.k14.k15.k16."
    "k17.k18.k19.k20.k21.k22.k23.k24.k25.k26.k27.k28.k29.k30.k31: nesting is deeper than 32 levels",
    "deep-nesting-flow-huge.yaml": "1:1003: YAML syntax error: exceeded maximum nesting depth",
    "deep-nesting.yaml": "2:39: title" + "[0]" * 31 + ": nesting is deeper than 32 levels",
    "duplicate-key-nested.yaml": "8:7: quiz.questions[0].prompt: duplicate key 'prompt' "
    "(first defined at line 7)",
    "duplicate-key-top.yaml": "3:1: title: duplicate key 'title' (first defined at line 2)",
    "duplicate-option-id.yaml": "27:11: quiz.questions[0].options[1].id: duplicate option id 'a' "
    "(also at {path}:24)",
    "duplicate-question-id.yaml": "29:7: quiz.questions[1].id: duplicate question id 'q1' "
    "(also at {path}:19)",
    "empty.yaml": "1:1: the file is empty",
    "invalid-utf8.yaml": "2:11: invalid UTF-8 (byte 0xe9): save the file as UTF-8",
    "long-scalar.yaml": "2:8: title: value is longer than 65,536 characters",
    "merge-key.yaml": "4:3: other: merge keys (<<) are not allowed: write the keys out",
    "missing-kind.yaml": "19:7: quiz.questions[0]: a question needs a 'kind': one of single, "
    "multiple, true_false, short_answer, numeric, matching, ordering",
    "nan-points.yaml": "23:7: quiz.questions[0].points: input should be a valid number, unable "
    "to parse string as a number; got '.nan'",
    "negative-tolerance.yaml": "33:7: quiz.questions[1].tolerance: tolerance must be 0 or more",
    "no-correct-single.yaml": "23:7: quiz.questions[0].options: a single-choice question needs "
    "exactly one option with correct: true (found 0)",
    "norway-duration.yaml": "4:1: duration_minutes: input should be a valid integer, unable to "
    "parse string as an integer; got 'NO'",
    "nul-byte.yaml": "2:9: NUL byte in file",
    "oversize.yaml": "1:1: file is larger than 1 MiB (1,048,577 bytes)",
    "pass-mark-range.yaml": "17:3: quiz.pass_mark: input should be less than or equal to 100; "
    "got '170'",
    "string-for-list.yaml": "5:1: objectives: expected a list, got text",
    "syntax-error.yaml": "4:1: YAML syntax error: found unexpected end of stream",
    "tab-indent.yaml": "3:1: YAML syntax error: found character that cannot start any token",
    "tag-custom.yaml": "2:8: title: tags (!secret) are not allowed: remove the tag",
    "tag-python-object.yaml": "1:5: id: tags (!!python/object/apply:os.system) are not allowed: "
    "remove the tag",
    "too-many-events.yaml": "2:99994: too many YAML nodes (more than 50,000)",
    "top-level-list.yaml": "1:1: the file must be a mapping of keys to values",
    "two-correct-single.yaml": "23:7: quiz.questions[0].options: a single-choice question needs "
    "exactly one option with correct: true (found 2)",
    "two-documents.yaml": "2:1: only one YAML document is allowed per file",
    "unknown-field.yaml": "18:3: quiz.pasmark: unknown field 'pasmark'; the fields here are "
    "pass_mark, questions, questions_per_page, shuffle",
    "wrong-kind.yaml": "20:7: quiz.questions[0].kind: unknown question kind 'essay': expected one "
    "of single, multiple, true_false, short_answer, numeric, matching, ordering",
}


def test_corpus_has_every_file() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.yaml"))
    assert len(EXPECTED) >= 25


def _file_name(name: str) -> str:
    """Return the name a bad module is copied under: its id when it has one (modules/<id>.yaml),
    so that each file shows its own problem rather than a file name that differs from its id."""
    found = re.search(rb"^id: ([a-z0-9-]+)\s*$", (BAD / name).read_bytes(), re.MULTILINE)
    return f"{found.group(1).decode()}.yaml" if found else name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_one_located_error(name: str, tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    target = modules / _file_name(name)
    shutil.copyfile(BAD / name, target)
    started = time.perf_counter()
    with pytest.raises(ContentError) as caught:
        load_catalogue(tmp_path)
    elapsed = time.perf_counter() - started
    assert [str(issue) for issue in caught.value.issues] == [
        f"{target}:" + EXPECTED[name].format(path=target)
    ]
    assert elapsed < 5, "a hostile file must be refused quickly"


def _module_yaml(**fields: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return (
        "id: m\ntitle: T\nsummary: S\nduration_minutes: 10\n"
        "objectives:\n  - id: o\n    text: O\n"
        "sections:\n  - id: s\n    title: S\n    body: B\n"
        "quiz:\n  questions:\n"
        "    - {id: q, kind: short_answer, prompt: P, accepted: [NO, 010, 12:30, ~, 3.10]}\n"
        + extra
    )


@pytest.mark.parametrize(
    "written",
    ["NO", "yes", "off", "~", "null", "010", "12:30", "3.10", "2024-01-01", "0x1F", "1e3"],
)
def test_text_stays_text(written: str, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(_module_yaml().replace("title: T", f"title: {written}"), encoding="utf-8")
    module = load_module(path).model
    assert module.title == written


def test_text_in_lists_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(_module_yaml(), encoding="utf-8")
    question = load_module(path).model.quiz.questions[0]
    assert question.accepted == ["NO", "010", "12:30", "~", "3.10"]  # type: ignore[union-attr]


def test_numbers_are_numbers_where_the_schema_says(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    text = _module_yaml().replace("duration_minutes: 10", "duration_minutes: 010")
    path.write_text(
        text.replace("  questions:", "  pass_mark: 62.5\n  shuffle: yes\n  questions:"),
        encoding="utf-8",
    )
    module = load_module(path).model
    assert module.duration_minutes == 10
    assert module.quiz.pass_mark == 62.5
    assert module.quiz.shuffle is True


def test_every_problem_of_every_file_is_reported(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    for name in ("duplicate-key-top.yaml", "wrong-kind.yaml", "tag-custom.yaml"):
        shutil.copyfile(BAD / name, modules / name)
    (modules / "two.yaml").write_text(
        _module_yaml()
        .replace("title: T", "title: T\ntitel: U")
        .replace("duration_minutes: 10", "duration_minutes: x"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_catalogue(tmp_path)
    files = {Path(issue.path).name for issue in caught.value.issues}
    assert files == {"duplicate-key-top.yaml", "wrong-kind.yaml", "tag-custom.yaml", "two.yaml"}
    two = [i for i in caught.value.issues if i.path.endswith("two.yaml")]
    assert [i.where for i in two] == ["titel", "duration_minutes"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_arbitrary_input_loads_or_raises_content_error(data: bytes | str) -> None:
    from trainer.content.loader import decode, validate_model
    from trainer.content.models import Module

    try:
        text = decode(data, "fuzz.yaml") if isinstance(data, bytes) else data
        parsed, source = parse_yaml(text, "fuzz.yaml")
        validate_model(Module, parsed, source)
    except ContentError as exc:
        problems = exc.issues
        assert problems
        assert all(issue.path == "fuzz.yaml" and issue.line >= 1 for issue in problems)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a: 1\n",
                "- x\n",
                "  ",
                "[",
                "]",
                "{",
                "}",
                ": ",
                "? ",
                "&a ",
                "*a ",
                "!t ",
                "'",
                '"',
                "\t",
                "#",
                "---\n",
                "|\n",
                "\n",
                "b",
            ]
        ),
        max_size=60,
    )
)
def test_yaml_shaped_noise_loads_or_raises_content_error(parts: list[str]) -> None:
    try:
        parse_yaml("".join(parts), "noise.yaml")
    except ContentError as exc:
        problems = exc.issues
        assert problems


PARSER_SPECIFIC = {"deep-nesting-flow-huge.yaml", "tab-indent.yaml"}  # libyaml words these itself


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - PARSER_SPECIFIC))
def test_pure_python_fallback_refuses_the_same(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    import trainer.content.loader as loader

    monkeypatch.setattr(loader, "_EventSource", yaml.SafeLoader)
    modules = tmp_path / "modules"
    modules.mkdir()
    target = modules / _file_name(name)
    shutil.copyfile(BAD / name, target)
    with pytest.raises(ContentError) as caught:
        load_catalogue(tmp_path)
    assert [str(issue) for issue in caught.value.issues] == [
        f"{target}:" + EXPECTED[name].format(path=target)
    ]
