"""The author preview (`trainer preview`): the author's view, live versions, errors in the page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from tests.filled_skeleton import filled_module_skeleton as module_skeleton
from trainer.cli.author import new
from trainer.web.author.views import PREVIEW, PreviewState, create_preview_app

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")


def _save(file: Path, text: str) -> None:
    """Write `text` and move the modification time on, as a later save by an editor would."""
    before = file.stat().st_mtime_ns if file.exists() else 0
    file.write_text(text, encoding="utf-8")
    later = max(file.stat().st_mtime_ns, before + 1_000_000_000)
    os.utime(file, ns=(later, later))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "modules").mkdir()
    for module_id in ("alpha", "beta", "gamma"):
        _save(tmp_path / "modules" / f"{module_id}.yaml",
              module_skeleton(module_id, f"Module {module_id}"))
    return tmp_path


@pytest.fixture
def app(root: Path) -> Flask:
    return create_preview_app(root, {"TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _version(client: FlaskClient) -> Any:
    response = client.get("/author/version")
    assert response.status_code == 200
    return response.get_json()


def test_index_lists_modules_and_says_there_are_no_warnings(client: FlaskClient) -> None:
    page = client.get("/author/").get_data(as_text=True)
    for module_id in ("alpha", "beta", "gamma"):
        assert f'href="/author/module/{module_id}"' in page
    assert "Teaching-quality warnings (0)" in page
    assert client.get("/").status_code == 200


def test_module_page_is_the_authors_view(client: FlaskClient) -> None:
    response = client.get("/author/module/alpha")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Facilitator notes" in page
    assert "How to run the discussion, what answers to expect" in page
    # The right option is marked, in words as well as colour, and wrong ones show their feedback.
    assert re.search(r'option--right">\s*<span class="mark">✓ right</span>\s*<code dir="ltr">a</code> '
                     r"The right option", page)
    assert "Why this option is wrong." in page
    assert 'Accepted: <span class="accepted">The answer you accept</span>' in page
    assert "Answer: 18 days" in page
    assert "<td>A term</td><td>Its meaning</td>" in page
    assert re.search(r"Right order:</p>\s*<ol class=\"order\">\s*<li>The first step", page)
    assert "Explanation:" in page


def test_pages_carry_the_security_headers_and_no_inline_script(client: FlaskClient) -> None:
    response = client.get("/author/module/alpha")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
    assert scripts == ['<script src="/author/static/preview.js" defer>']
    assert 'style="' not in response.get_data(as_text=True)
    js = client.get("/author/static/preview.js")
    assert js.status_code == 200
    assert b"/author/version" not in js.data  # the URL comes from the page, not hard-coded
    js.close()


def test_version_moves_only_when_a_file_changes(root: Path, client: FlaskClient) -> None:
    first = _version(client)
    assert first == {"version": 1, "ok": True}
    assert _version(client) == first
    page = client.get("/author/").get_data(as_text=True)
    assert 'data-version="1"' in page
    file = root / "modules" / "beta.yaml"
    _save(file, file.read_text(encoding="utf-8").replace('"Module beta"', '"Beta, revised"'))
    assert _version(client) == {"version": 2, "ok": True}
    page = client.get("/author/").get_data(as_text=True)
    assert "Beta, revised" in page
    assert 'data-version="2"' in page


def test_a_reload_rereads_only_the_changed_file(root: Path, app: Flask) -> None:
    state: PreviewState = app.extensions[PREVIEW]
    assert state.current().reread == 3
    file = root / "modules" / "gamma.yaml"
    _save(file, file.read_text(encoding="utf-8").replace("duration_minutes: 60", "duration_minutes: 45"))
    snapshot = state.current()
    assert snapshot.reread == 1
    assert snapshot.catalogue is not None
    assert snapshot.catalogue.module("gamma").duration_minutes == 45


def test_a_new_or_deleted_file_is_seen(root: Path, client: FlaskClient) -> None:
    _version(client)
    _save(root / "modules" / "delta.yaml", module_skeleton("delta", "Delta"))
    assert _version(client)["version"] == 2
    assert client.get("/author/module/delta").status_code == 200
    (root / "modules" / "delta.yaml").unlink()
    assert _version(client)["version"] == 3
    assert client.get("/author/module/delta").status_code == 404


def test_a_file_with_errors_shows_the_located_errors_then_comes_back(
        root: Path, client: FlaskClient) -> None:
    file = root / "modules" / "alpha.yaml"
    good = file.read_text(encoding="utf-8")
    assert _version(client) == {"version": 1, "ok": True}
    _save(file, good.replace("duration_minutes: 60", "duration_minutes: sixty"))
    assert _version(client) == {"version": 2, "ok": False}
    for url in ("/author/", "/author/module/alpha", "/author/module/beta"):
        page = client.get(url).get_data(as_text=True)
        assert "1 problem in the content" in page
        assert re.search(r"alpha\.yaml:\d+:1: duration_minutes: input should be a valid integer, "
                         r"unable to parse string as an integer; got &#39;sixty&#39;", page)
    _save(file, good)
    assert _version(client) == {"version": 3, "ok": True}
    assert "Module alpha" in client.get("/author/module/alpha").get_data(as_text=True)


def test_preview_starts_on_broken_content(root: Path) -> None:
    _save(root / "modules" / "alpha.yaml", "id: [unclosed\n")
    client = create_preview_app(root, {"TESTING": True}).test_client()
    page = client.get("/author/").get_data(as_text=True)
    assert "alpha.yaml:2:1: YAML syntax error" in page


def test_module_page_lists_its_warnings(root: Path, client: FlaskClient) -> None:
    assert "Teaching-quality warnings (0)" in client.get("/author/").get_data(as_text=True)
    file = root / "modules" / "beta.yaml"
    good = file.read_text(encoding="utf-8")
    _save(file, good.replace("          feedback: Why this option is wrong.\n", "", 1))
    page = client.get("/author/module/beta").get_data(as_text=True)
    assert "1 teaching-quality warning" in page
    assert "wrong option &#39;b&#39; has no feedback: say why it is wrong" in page
    assert "teaching-quality warning" not in client.get("/author/module/alpha").get_data(as_text=True)
    assert "Teaching-quality warnings (1)" in client.get("/author/").get_data(as_text=True)
    _save(file, good)
    assert "Teaching-quality warnings (0)" in client.get("/author/").get_data(as_text=True)


def test_unknown_module_or_curriculum_is_404(client: FlaskClient) -> None:
    assert client.get("/author/module/nope").status_code == 404
    assert client.get("/author/curriculum/nope").status_code == 404


def test_curriculum_page(root: Path, client: FlaskClient) -> None:
    assert CliRunner().invoke(new, ["curriculum", "prog", "--root", str(root)]).exit_code == 0
    page = client.get("/author/curriculum/prog").get_data(as_text=True)
    assert "Pre-test: what do you know already?" in page
    assert 'href="/author/module/alpha#question-q-single"' in page
    assert "prog-pilot" in page


def test_images_come_from_modules_assets_only(root: Path, tmp_path_factory: pytest.TempPathFactory,
                                              client: FlaskClient) -> None:
    assets = root / "modules" / "assets"
    assets.mkdir()
    (assets / "map.png").write_bytes(PNG)
    (assets / "notes.txt").write_text("secret", encoding="utf-8")
    outside = tmp_path_factory.mktemp("outside") / "other.png"
    outside.write_bytes(PNG)
    (assets / "link.png").symlink_to(outside)
    response = client.get("/author/module/assets/map.png")
    assert response.status_code == 200
    assert response.data == PNG
    response.close()
    assert client.get("/author/module/assets/notes.txt").status_code == 404
    assert client.get("/author/module/assets/link.png").status_code == 404
    assert client.get("/author/module/assets/../alpha.png").status_code == 404
    assert client.get("/author/module/assets/%2e%2e/%2e%2e/x.png").status_code == 404


# -- languages: the preview's own words, and a module's translations ------------------------------


def _translate(root: Path) -> Path:
    """Write a French translation of alpha: title translated, an objective stale, a section
    unstamped (missing), the rest stamped from the source text; return its file."""
    from trainer.content.loader import load_module
    from trainer.content.translation.files import translation_skeleton

    source = load_module(root / "modules" / "alpha.yaml", "alpha.yaml").model
    text = translation_skeleton(source, "fr", stamped=True)
    text = text.replace("title: Module alpha\n", "title: Module alpha en français\n", 1)
    text = re.sub(r"(  - id: overview\n)    source_hash: \w+\n", r"\1", text, count=1)
    (root / "modules" / "fr").mkdir(exist_ok=True)
    file = root / "modules" / "fr" / "alpha.yaml"
    _save(file, text)
    module = root / "modules" / "alpha.yaml"
    _save(module, module.read_text(encoding="utf-8").replace(
        "What a participant can explain after", "What a participant can really explain after"))
    return file


@pytest.mark.parametrize(("header", "lang", "direction", "words"), [
    ("fr", "fr", "ltr", ["Aperçu auteur", "Modules", "Avertissements pédagogiques (0)"]),
    ("ar", "ar", "rtl", ["معاينة المؤلف", "الوحدات", "تنبيهات الجودة التعليمية (0)"]),
    ("en", "en", "ltr", ["Author preview", "Teaching-quality warnings (0)"]),
])
def test_preview_speaks_the_browser_language(client: FlaskClient, header: str, lang: str,
                                            direction: str, words: list[str]) -> None:
    for url in ("/author/", "/author/module/alpha"):
        page = client.get(url, headers={"Accept-Language": header}).get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in page, url
        assert 'action="/language"' in page
    index = client.get("/author/", headers={"Accept-Language": header}).get_data(as_text=True)
    for word in words:
        assert word in index, word
    module = client.get("/author/module/alpha", headers={"Accept-Language": header})
    if lang != "en":
        # The module is English: its text is marked so, inside the translated page.
        assert '<h1 lang="en" dir="ltr">Module alpha</h1>' in module.get_data(as_text=True)


def test_the_preview_switcher_keeps_its_choice(client: FlaskClient) -> None:
    page = client.get("/author/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post("/language", data={"language": "ar", "next": "/author/module/alpha",
                                              "csrf_token": token.group(1)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/author/module/alpha"
    assert '<html lang="ar" dir="rtl">' in client.get("/author/").get_data(as_text=True)
    # Without a page to go back to, the preview's home (there is no trainee start page here).
    response = client.post("/language", data={"language": "fr", "csrf_token": token.group(1)})
    assert response.headers["Location"] == "/"


def test_a_translation_tab_shows_the_translation_with_fallbacks_marked(
        root: Path, client: FlaskClient) -> None:
    _translate(root)
    index = client.get("/author/").get_data(as_text=True)
    assert 'href="/author/module/alpha?lang=fr"><bdi lang="fr">Français</bdi></a>' in index
    assert re.search(r"\(\d+ complete, 1 stale, 1 untranslated\)", index)
    source = client.get("/author/module/alpha").get_data(as_text=True)
    assert '<nav class="tabs"' in source
    assert '<a href="/author/module/alpha" lang="en" aria-current="page">English</a>' in source
    assert "stale: source text shown" not in source
    page = client.get("/author/module/alpha?lang=fr").get_data(as_text=True)
    assert '<a href="/author/module/alpha?lang=fr" lang="fr" aria-current="page">' in page
    assert '<h1 lang="fr" dir="ltr">Module alpha en français</h1>' in page
    # The stale objective shows the current source text, marked stale (in the page's language,
    # English, so without a lang attribute).
    assert re.search(r"</code> What a participant can really explain after[^<]*"
                     r' <span class="tstate tstate--stale">stale: source text shown</span>', page)
    # The unstamped section falls back too, marked untranslated.
    assert ('<h2 id="title-overview">Overview</h2> <span class="tstate tstate--missing">'
            "untranslated: source text shown</span>") in page
    # The translation's warnings are listed, located in its file.
    assert "is stale: its source text changed after it was translated" in page
    assert page.count("tstate--") == 2
    assert client.get("/author/module/alpha?lang=ar").status_code == 404


def test_a_translation_tab_in_arabic_interface(root: Path, client: FlaskClient) -> None:
    _translate(root)
    page = client.get("/author/module/alpha?lang=fr", headers={"Accept-Language": "ar"})
    html = page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "متقادمة: يُعرض نص المصدر" in html
    assert "غير مترجمة: يُعرض نص المصدر" in html
    assert "الترجمة إلى Français" in html
    # French text is marked French, the entries that fall back are marked English.
    assert '<h1 lang="fr" dir="ltr">Module alpha en français</h1>' in html
    assert re.search(r'<li id="objective-explain-basics" lang="en" dir="ltr"><code dir="ltr">'
                     r"explain-basics</code> What a participant can really explain after[^<]*"
                     r' <span class="tstate tstate--stale" lang="ar" dir="rtl">', html)
    assert '<span lang="en" dir="ltr">Overview</span></h2>' in html


def test_editing_a_translation_reloads_the_preview(root: Path, client: FlaskClient) -> None:
    file = _translate(root)
    before = _version(client)["version"]
    _save(file, file.read_text(encoding="utf-8").replace("Module alpha en français",
                                                         "Le module alpha"))
    assert _version(client)["version"] == before + 1
    assert "Le module alpha" in client.get("/author/module/alpha?lang=fr").get_data(as_text=True)


def test_an_english_title_kept_by_a_translation_is_marked_english(sample_root: Path) -> None:
    client = create_preview_app(sample_root, {"TESTING": True}).test_client()
    page = client.get("/author/module/mandate-2322?lang=fr").get_data(as_text=True)
    assert ('<span lang="en" dir="ltr">Global Center on Cooperative Security, Strengthening the '
            'Case: Good Criminal Justice Practices to Counter Terrorism</span> (septembre 2015)'
            in page)
