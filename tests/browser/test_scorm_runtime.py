"""The SCORM 1.2 package in a real runtime: Chromium frames the unzipped package in a test LMS.

The LMS page (tests/data/scorm_lms/) is served from 127.0.0.1 and provides window.API, either a
strict SCORM 1.2 implementation written for these tests or scorm-again's Scorm12API (an independent
implementation, from npm), and records every call. Playwright answers the quiz in the frame.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FrameLocator, Page

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export.scorm import build_scorm

pytestmark = pytest.mark.browser

SCORM_12_ELEMENT = (
    r"^cmi\.(core\.(lesson_status|score\.(raw|min|max)|exit|session_time|entry|student_name)"
    r"|suspend_data|interactions\.(_count|\d+\.(id|time|type|weighting|student_response|result"
    r"|latency|objectives\.\d+\.id|correct_responses\.\d+\.pattern)))$"
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def catalogue(repo_root: Path) -> Catalogue:
    return load_catalogue(repo_root / "tests" / "data" / "package_content")


@pytest.fixture(scope="module")
def lms_url(tmp_path_factory: pytest.TempPathFactory, repo_root: Path,
            catalogue: Catalogue) -> Iterator[str]:
    """Serve the test LMS and an unzipped curriculum package (m01, m02) from 127.0.0.1."""
    root = tmp_path_factory.mktemp("lms")
    for name in ("lms.html", "lms.js"):
        shutil.copy(repo_root / "tests" / "data" / "scorm_lms" / name, root / name)
    scorm_again = repo_root / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
    (root / "scorm12.js").write_bytes(scorm_again.read_bytes() if scorm_again.exists() else b"")
    modules = [catalogue.module("all-kinds"), catalogue.module("short-module")]
    package = build_scorm(catalogue, modules, "Practice", "practice")
    zipfile.ZipFile(io.BytesIO(package)).extractall(root / "pkg")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def launch(page: Page, lms_url: str, sco: str = "m01/index.html", runtime: str = "strict",
           initial: dict[str, str] | None = None) -> FrameLocator:
    """Open the LMS with the SCO framed; return the frame once the quiz is ready."""
    if initial is not None:
        page.add_init_script(f"window.LMS_INITIAL = {json.dumps(initial)};")
    page.goto(f"{lms_url}/lms.html?sco={sco}&runtime={runtime}")
    frame = page.frame_locator("#sco")
    frame.locator("#quiz-form").wait_for(state="visible")
    return frame


def exit_sco(page: Page) -> list[list[str]]:
    """Unload the SCO as an LMS does when the learner leaves it; return the recorded calls."""
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.lmsCalls.some(c => c[0] === 'LMSFinish')")
    calls: list[list[str]] = page.evaluate("window.lmsCalls")
    return calls


def answer_all_right(frame: FrameLocator) -> None:
    """Answer every question of the `all-kinds` test module right."""
    frame.locator('#q1 input[value="0"]').check()
    frame.locator('#q2 input[value="0"]').check()
    frame.locator('#q2 input[value="1"]').check()
    frame.locator('#q3 input[value="0"]').check()
    frame.locator("#q4 input").fill("Rule of Speciality")
    frame.locator("#q5 input").fill("2016")
    texts = ["The conduct is an offence in both States",
             "Prosecution only for the offences extradition was granted for", "Extradite or prosecute"]
    for index, text in enumerate(texts):
        frame.locator(f'#q6 select[data-pair="{index}"]').select_option(label=text)
    order = frame.locator("#q7 ol.order")
    for position, item in enumerate(["0", "1", "2", "3"]):
        # Move each item up until it stands at its position (the buttons a learner uses).
        for _ in range(4):
            items = order.locator("li").evaluate_all("els => els.map(e => e.dataset.item)")
            if items.index(item) <= position:
                break
            order.locator(f'li[data-item="{item}"] button[data-move="-1"]').click()


def set_values(calls: list[list[str]]) -> list[tuple[str, str]]:
    return [(c[1], c[2]) for c in calls if c[0] == "LMSSetValue"]


def names(calls: list[list[str]]) -> list[str]:
    return [c[0] for c in calls]


def test_right_answers_pass_and_report_score_before_status(page: Page, lms_url: str) -> None:
    frame = launch(page, lms_url)
    answer_all_right(frame)
    frame.locator("#submit").click()
    assert "11 of 11 points (100%)" in frame.locator("#score").inner_text()
    calls = exit_sco(page)

    assert calls[0][:2] == ["LMSInitialize", ""]
    assert calls[0][-1] == "true"
    assert names(calls)[-1] == "LMSFinish"
    assert all(c[-1] == "true" for c in calls if c[0] in ("LMSSetValue", "LMSCommit", "LMSFinish"))
    values = set_values(calls)
    elements = [element for element, _ in values]
    assert all(re.match(SCORM_12_ELEMENT, e) for e in elements), elements
    assert elements.index("cmi.core.score.raw") < elements.index("cmi.core.lesson_status", 1)
    assert ("cmi.core.score.raw", "100") in values
    assert ("cmi.core.score.min", "0") in values
    assert ("cmi.core.score.max", "100") in values
    assert values[-1][0] == "cmi.core.session_time" or values[-1][0] == "cmi.suspend_data"
    assert [v for e, v in values if e == "cmi.core.lesson_status"] == ["incomplete", "passed"]
    assert len(next(v for e, v in values if e == "cmi.suspend_data")) < 4096
    assert "cmi.core.exit" not in elements  # submitted: a normal exit, no suspend
    assert names(calls).index("LMSCommit") > elements.index("cmi.core.lesson_status", 1)

    interactions: list[dict[str, Any]] = page.evaluate("window.lmsInteractions")
    assert [i["id"] for i in interactions] == [
        "q-single", "q-multiple", "q-tf", "q-short", "q-numeric", "q-matching", "q-order"]
    assert [i["type"] for i in interactions] == [
        "choice", "choice", "true-false", "fill-in", "numeric", "matching", "sequencing"]
    assert all(i["result"] == "correct" for i in interactions)
    assert [i["student_response"] for i in interactions] == [
        "a", "a,b", "t", "Rule of Speciality", "2016", "a.a,b.b,c.c", "a,b,c,d"]
    assert [i["correct_responses"]["0"] for i in interactions] == [
        "a", "a,b", "t", "speciality", "2016", "a.a,b.b,c.c", "a,b,c,d"]
    assert [i["weighting"] for i in interactions] == ["2", "2", "1", "1", "1", "3", "1"]
    assert interactions[0]["objectives"] == {"0": "know-basics"}
    # The id of each interaction is written first, as SCORM 1.2 requires.
    first = [e for e in elements if e.startswith("cmi.interactions.0.")]
    assert first[0] == "cmi.interactions.0.id"


def test_wrong_answers_fail_with_the_graders_score(page: Page, lms_url: str) -> None:
    frame = launch(page, lms_url)
    frame.locator('#q1 input[value="1"]').check()  # wrong: 0 of 2
    frame.locator('#q2 input[value="0"]').check()  # one of two right: 1 of 2
    frame.locator('#q3 input[value="1"]').check()  # wrong
    frame.locator("#q4 input").fill("dual criminality")
    frame.locator("#q5 input").fill("2,016")  # a decimal comma: 2.016, wrong
    frame.locator('#q6 select[data-pair="0"]').select_option(
        label="The conduct is an offence in both States")  # 1 of 3 pairs: 1 of 3 points
    frame.locator("#submit").click()
    result = frame.locator("#result")
    assert "You need 60% to pass." in result.inner_text()
    assert frame.locator("#q1 .option-feedback:not([hidden])").inner_text() == (
        "Diplomatic channels are slower = more hands.")
    assert frame.locator("#q4 .right-answer").is_visible()
    calls = exit_sco(page)
    values = dict(set_values(calls))
    # 1 (multiple) + 1 (matching) + ordering as left: 2 of 11 points at most.
    raw = float(values["cmi.core.score.raw"])
    assert values["cmi.core.lesson_status"] == "failed"
    interactions: list[dict[str, Any]] = page.evaluate("window.lmsInteractions")
    results = [i["result"] for i in interactions]
    assert results[:6] == ["wrong"] * 6
    assert interactions[0]["student_response"] == "b"
    assert interactions[4]["student_response"] == "2,016"
    # The order left as shuffled may earn part of its 1 point (relative_to_next credits each
    # item followed by its right successor; SCORM 1.2 reports a partial answer as "wrong").
    ordering_points = 1.0
    assert raw < 60
    assert raw >= round(200 / 11, 2) - 0.01
    assert raw <= round((2 + ordering_points) * 100 / 11, 2)


def test_leaving_before_answering_writes_nothing(page: Page, lms_url: str) -> None:
    launch(page, lms_url)
    calls = exit_sco(page)
    writes = set_values(calls)
    assert writes == [("cmi.core.lesson_status", "incomplete")]  # at launch, not on unload
    assert names(calls)[-1] == "LMSFinish"
    assert "LMSCommit" not in names(calls)


def test_progress_is_suspended_and_resumed(page: Page, lms_url: str, browser: Browser) -> None:
    frame = launch(page, lms_url)
    frame.locator('#q1 input[value="2"]').check()
    frame.locator("#q4 input").fill("speciality")
    frame.locator("#q4 input").blur()
    calls = exit_sco(page)
    values = dict(set_values(calls))
    assert values["cmi.core.exit"] == "suspend"
    assert "cmi.core.score.raw" not in values
    suspend = values["cmi.suspend_data"]
    assert json.loads(suspend)["r"][:4] == ["c", "", "", "speciality"]
    assert names(calls)[-2:] == ["LMSCommit", "LMSFinish"]

    other = browser.new_page()
    try:
        again = launch(other, lms_url, initial={
            "cmi.suspend_data": suspend, "cmi.core.entry": "resume",
            "cmi.core.lesson_status": "incomplete"})
        assert again.locator('#q1 input[value="2"]').is_checked()
        assert again.locator("#q4 input").input_value() == "speciality"
    finally:
        other.close()


def test_second_sco_of_a_curriculum_package_reports(page: Page, lms_url: str) -> None:
    frame = launch(page, lms_url, sco="m02/index.html")
    frame.locator('#q1 input[value="0"]').check()
    frame.locator("#q2 input").fill("1")
    frame.locator("#submit").click()
    values = dict(set_values(exit_sco(page)))
    assert values["cmi.core.score.raw"] == "50"
    assert values["cmi.core.lesson_status"] == "passed"  # pass mark 50


def test_package_works_without_an_lms(page: Page, tmp_path: Path, catalogue: Catalogue) -> None:
    module = catalogue.module("short-module")
    zipfile.ZipFile(io.BytesIO(build_scorm(catalogue, [module], module.title, module.id))
                    ).extractall(tmp_path)
    page.goto((tmp_path / "m01" / "index.html").as_uri())
    page.locator('#q1 input[value="0"]').check()
    page.locator("#q2 input").fill("2")
    page.locator("#submit").click()
    assert "You passed." in page.locator("#score").inner_text()
    assert "No learning platform found" in page.locator("#lms-status").inner_text()


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again").exists(),
    reason="npm package scorm-again not installed (make node-deps installs it)",
)
def test_scorm_again_runtime_holds_score_and_status(page: Page, lms_url: str) -> None:
    frame = launch(page, lms_url, runtime="scorm-again")
    answer_all_right(frame)
    frame.locator("#submit").click()
    frame.locator("#result").wait_for(state="visible")
    cmi: dict[str, Any] = page.evaluate("JSON.parse(JSON.stringify(window.scormAgain.cmi))")
    calls = exit_sco(page)
    assert all(c[-1] == "true" for c in calls if c[0] in ("LMSSetValue", "LMSCommit", "LMSFinish")), [
        c for c in calls if c[-1] != "true"]
    assert cmi["core"]["score"]["raw"] == "100"
    assert cmi["core"]["lesson_status"] == "passed"
    interactions = [cmi["interactions"][str(n)] for n in range(7)]
    assert [i["id"] for i in interactions][:2] == ["q-single", "q-multiple"]
    assert {i["result"] for i in interactions} == {"correct"}
    assert interactions[5]["student_response"] == "a.a,b.b,c.c"
    assert "7" not in cmi["interactions"]


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again").exists(),
    reason="npm package scorm-again not installed (make node-deps installs it)",
)
def test_scorm_again_runtime_wrong_answers_fail(page: Page, lms_url: str) -> None:
    frame = launch(page, lms_url, runtime="scorm-again")
    frame.locator('#q1 input[value="1"]').check()
    frame.locator("#submit").click()
    frame.locator("#result").wait_for(state="visible")
    cmi: dict[str, Any] = page.evaluate("JSON.parse(JSON.stringify(window.scormAgain.cmi))")
    exit_sco(page)
    assert float(cmi["core"]["score"]["raw"]) < 60
    assert cmi["core"]["lesson_status"] == "failed"
