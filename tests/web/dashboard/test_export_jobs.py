"""Handbooks and all certificates from the dashboard: one render per content version however many
trainers ask at once, a working page (meta refresh without JavaScript, JSON for the script), the
finished file served from the instance folder, and every certificate verifiable."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from trainer.cli.accounts import verify_command
from trainer.store.accounts import create_trainer
from trainer.web.dashboard import jobs as dashboard_jobs
from trainer.web.state import database

PASSWORD = "a long enough password"
HANDBOOK = "/trainer/workshops/ws-alpha/handbook/participant.pdf"


def _trainer(app: Flask, csrf: Callable[[str], str], username: str) -> FlaskClient:
    create_trainer(database(app), username, PASSWORD)
    client = app.test_client()
    token = csrf(client.get("/trainer/login").get_data(as_text=True))
    assert client.post("/trainer/login", data={"username": username, "password": PASSWORD,
                                               "csrf_token": token}).status_code == 303
    return client


@pytest.fixture
def counted_renders(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], threading.Event]:
    """Count handbook renders; each one waits for the returned event before it finishes."""
    renders: list[str] = []
    release = threading.Event()
    real = dashboard_jobs.build_handbook

    def counting(*args: Any, **kwargs: Any) -> bytes:
        renders.append(str(kwargs.get("language")))
        release.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_jobs, "build_handbook", counting)
    return renders, release


def test_two_trainers_at_once_cause_one_render_then_it_is_served_from_disk(
        app: Flask, csrf: Callable[[str], str], wait_for_exports: Callable[[], None],
        counted_renders: tuple[list[str], threading.Event]) -> None:
    renders, release = counted_renders
    first, second = _trainer(app, csrf, "tess"), _trainer(app, csrf, "omar")
    answers: list[Any] = []
    ready = threading.Barrier(2)

    def click(client: FlaskClient) -> None:
        ready.wait()
        answers.append(client.get(HANDBOOK))

    clicks = [threading.Thread(target=click, args=(c,)) for c in (first, second)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [a.status_code for a in answers] == [303, 303]
    status_url = answers[0].headers["Location"]
    assert status_url == "/trainer/workshops/ws-alpha/handbook/participant/status"
    working = second.get(status_url).get_data(as_text=True)
    # Working state, refreshed without JavaScript (a meta refresh) and polled with it.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in working
    assert 'src="/static/jobs.js"' in working
    assert "Working for" in working
    polled = first.get(status_url, headers={"Accept": "application/json"}).get_json()
    assert polled["state"] == "running"
    # A third click while it runs starts nothing either.
    assert first.get(HANDBOOK).status_code == 303
    release.set()
    wait_for_exports()
    assert renders == ["en"]
    done = first.get(status_url).get_data(as_text=True)
    assert 'id="job-download"' in done
    assert "http-equiv" not in done
    pdf = second.get(HANDBOOK)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert 'filename=' in pdf.headers["Content-Disposition"]
    pdf.close()
    again = first.get(HANDBOOK)  # served from disk: no render
    assert again.status_code == 200
    assert again.data == pdf.data
    again.close()
    assert renders == ["en"]
    files = list((Path(app.instance_path) / "exports").glob("handbook.ws-alpha.participant.en.*"))
    assert len(files) == 1
    # Another language is another handbook.
    assert first.get(HANDBOOK + "?language=fr").status_code == 303
    wait_for_exports()
    assert renders == ["en", "fr"]


def test_a_new_content_version_is_rendered_again(
        make_app: Callable[..., Flask], content_root: Path, csrf: Callable[[str], str],
        wait_for_exports: Callable[[], None],
        counted_renders: tuple[list[str], threading.Event]) -> None:
    renders, release = counted_renders
    release.set()
    app = make_app()
    client = _trainer(app, csrf, "tess")
    assert client.get(HANDBOOK).status_code == 303
    wait_for_exports()
    made = client.get(HANDBOOK)
    assert made.status_code == 200
    made.close()
    module = content_root / "modules" / "canary-second.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "Pick yes.", "Pick yes, please."), encoding="utf-8")
    edited = make_app()  # the content is loaded when the app starts (a restart, a reload)
    client = _trainer(edited, csrf, "omar")
    assert client.get(HANDBOOK).status_code == 303
    wait_for_exports()
    remade = client.get(HANDBOOK)
    assert remade.status_code == 200
    remade.close()
    assert len(renders) == 2


def test_a_failed_render_says_so_and_can_be_tried_again(
        app: Flask, csrf: Callable[[str], str], wait_for_exports: Callable[[], None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(dashboard_jobs, "build_handbook", broken)
    client = _trainer(app, csrf, "tess")
    status_url = client.get(HANDBOOK).headers["Location"]
    wait_for_exports()
    page = client.get(status_url)
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "could not be made" in html
    assert "caught fire" not in html  # the details go to the log, not the page
    assert client.post(status_url, data={"csrf_token": csrf(html)}).status_code == 303
    wait_for_exports()
    assert client.get(status_url).status_code == 500  # tried again (and failed again)


def _take_everything(client: FlaskClient, csrf: Callable[[str], str], parse_quiz: Any,
                     post: tuple[str, str]) -> None:
    for path, answers in (("/tests/pre/start", {"q1": "Option alpha"}),
                          ("/modules/canary-kinds/start", {}),
                          ("/modules/canary-second/start", {"q1": "Yes"}),
                          ("/tests/post/start", {"q1": post[0], "q2": post[1]})):
        token = csrf(client.get("/programme").get_data(as_text=True))
        url = client.post(path, data={"csrf_token": token}).headers["Location"]
        page = parse_quiz(client.get(url).get_data(as_text=True))
        data = {name: page.choice(name, label) for name, label in answers.items()}
        assert client.post(url, data={"csrf_token": csrf(page.html), **data}
                           ).status_code == 303


def test_all_certificates_in_one_zip_each_verifiable(
        app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
        parse_quiz: Any, download: Callable[..., Any]) -> None:
    # Four pass the post-test (pass mark 50 %: Dev's half counts), Ben fails it, Fay never
    # takes it.
    for name, post in (("Ana", ("False", "Yes")), ("Ben", ("True", "No")),
                       ("Chloé", ("False", "Yes")), ("Dev", ("True", "Yes")),
                       ("Eve", ("False", "Yes"))):
        _take_everything(join(name), csrf, parse_quiz, post)
    join("Fay")
    client = _trainer(app, csrf, "tess")
    grid = client.get("/trainer/workshops/ws-alpha").get_data(as_text=True)
    assert "4 participants meet the certificate rule" in grid
    response = download(client, "/trainer/workshops/ws-alpha/certificates.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    names = sorted(archive.namelist())
    assert len(names) == 4
    pages = 0
    codes = []
    for name in names:
        reader = pypdf.PdfReader(io.BytesIO(archive.read(name)))
        pages += len(reader.pages)
        found = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b",
                          " ".join(reader.pages[0].extract_text().split()))
        assert found is not None, name
        codes.append(found.group(0))
    assert pages == 4  # one page per certificate
    env = {"TRAINER_INSTANCE_PATH": app.instance_path,
           "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"}
    holders = set()
    for code in codes:
        result = CliRunner().invoke(verify_command, [code], env=env)
        assert result.exit_code == 0, result.output
        holders.add(re.search(r"Certificate of (.+?), workshop", result.output).group(1))  # type: ignore[union-attr]
    assert holders == {"Ana", "Chloé", "Dev", "Eve"}
    # Each file is the participant's own certificate download, byte for byte.
    single = re.search(r'href="(/trainer/workshops/ws-alpha/certificates/[^"]+\.pdf)"', grid)
    assert single is not None
    assert client.get(single.group(1)).data in {archive.read(n) for n in names}


def test_the_certificates_page_says_which_certificate_it_is_making(
        app: Flask, join: Callable[..., FlaskClient], csrf: Callable[[str], str],
        parse_quiz: Any, wait_for_exports: Callable[[], None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("Ana", "Chloé", "Eve"):
        _take_everything(join(name), csrf, parse_quiz, ("False", "Yes"))
    started, release = threading.Event(), threading.Event()
    built: list[int] = []
    real = dashboard_jobs.build_certificate

    def slow_second(*args: Any, **kwargs: Any) -> bytes:
        built.append(len(built))
        if len(built) == 2:  # the second certificate waits until the test has looked
            started.set()
            release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_jobs, "build_certificate", slow_second)
    client = _trainer(app, csrf, "tess")
    try:
        first = client.get("/trainer/workshops/ws-alpha/certificates.zip")
        assert first.status_code == 303
        assert started.wait(30)
        working = client.get(first.headers["Location"]).get_data(as_text=True)
        assert "Making certificate 2 of 3…" in working
        assert '<progress max="3" value="1"' in working
        assert '<noscript><meta http-equiv="refresh"' in working
    finally:
        release.set()
        wait_for_exports()
    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Making certificate" not in done
    assert 'id="job-download"' in done
    assert built == [0, 1, 2]
