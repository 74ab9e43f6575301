"""The PDF renderer fetches nothing but the project's own assets (SECURITY.md 9).

Hostile documents try the network (a local listener counts every hit), local files, traversal,
symlinks out of the asset folder, attachments and <base href>. The renderer must make no
connection, embed no file, and still draw the one legitimate image.
"""

from __future__ import annotations

import base64
import http.server
import io
import os
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from trainer.content.catalogue import load_catalogue
from trainer.errors import ContentError
from trainer.export.handbook import Edition, render_handbook
from trainer.export.pdf import AssetFetcher, render_document

PASSWD = Path("/etc/passwd")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """Serve on 127.0.0.1 and record every request path: a fetch would show up here."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Keep the test output quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _all_stream_bytes(pdf: bytes) -> bytes:
    """Return the PDF with every stream inflated, to search for leaked file content."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    chunks = [pdf]
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        data = getattr(obj, "_data", None)
        if isinstance(data, bytes):
            try:
                chunks.append(zlib.decompress(data))
            except zlib.error:
                chunks.append(data)
    return b"\n".join(chunks)


def _assert_nothing_leaked(pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf
    assert b"/JavaScript" not in pdf
    everything = _all_stream_bytes(pdf)
    assert b" Tf" in everything  # the content streams were inflated: the search below can fail
    assert b"root:x:0:0" not in everything
    assert PASSWD.read_bytes()[:40] not in everything


def test_hostile_html_makes_no_request_and_embeds_no_file(tmp_path: Path, listener) -> None:
    base, hits = listener
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.png").write_bytes(PNG)
    (assets / "out.png").symlink_to(PASSWD)
    (assets / "notes.txt").write_text("not an image type")
    html = f"""<!DOCTYPE html><html lang="en"><head><title>Hostile</title>
    <base href="{base}/based/">
    <link rel="stylesheet" href="{base}/style.css">
    <link rel="attachment" href="file:///etc/passwd" title="passwd">
    <style>@import url("{base}/imported.css");
      body {{ background: url("{base}/background.png"); }}
      @font-face {{ font-family: Evil; src: url("{base}/font.woff"); }}
      p {{ font-family: Evil; }}</style></head><body>
    <p>Hostile document</p>
    <img alt="a" src="file:///etc/passwd">
    <img alt="b" src="{base}/direct.png">
    <img alt="c" src="relative.png">
    <img alt="d" src="{(assets / 'out.png').as_uri()}">
    <img alt="e" src="{(assets / '..' / '..' / '..' / 'etc' / 'passwd').as_uri()}">
    <img alt="f" src="{(assets / 'notes.txt').as_uri()}">
    <img alt="g" src="ftp://127.0.0.1/x.png">
    <img alt="h" src="data:text/html;base64,PHNjcmlwdD4=">
    <iframe src="{base}/frame.html"></iframe><object data="{base}/object.svg"></object>
    <a rel="attachment" href="file:///etc/passwd">passwd</a>
    <a rel="attachment" href="{base}/attached.bin">remote</a>
    <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
      <image href="{base}/svg-image.png" width="10" height="10"/></svg>
    </body></html>"""
    rendered = render_document(html, [assets], tagged=False)
    assert hits == []
    _assert_nothing_leaked(rendered.pdf)
    assert rendered.read == ()
    refused = " ".join(rendered.refused)
    for name in ("style.css", "imported.css", "direct.png", "based/relative.png", "etc/passwd",
                 "notes.txt", "attached.bin"):
        assert name in refused


def test_allowed_asset_and_small_data_image_are_drawn(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.png").write_bytes(PNG)
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    html = (f'<html lang="en"><title>Images</title><body><img alt="ok" src="assets/ok.png">'
            f'<img alt="data" src="{data_url}"></body></html>')
    rendered = render_document(html, [assets], base_url=tmp_path, tagged=False)
    assert rendered.refused == ()
    assert [Path(name).name for name, _, _ in rendered.read] == ["ok.png"]
    page = pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    assert len(page.images) == 2


def test_fetcher_refuses_files_outside_its_roots_even_through_dotdot(tmp_path: Path) -> None:
    fetcher = AssetFetcher([tmp_path])
    (tmp_path / "in.css").write_text("p {}")
    assert fetcher.fetch((tmp_path / "in.css").as_uri()).read() == b"p {}"
    for url in (
        f"{tmp_path.as_uri()}/../../etc/passwd",
        "file:///etc/passwd",
        "file://evil-host/share/x.css",
        "http://127.0.0.1:1/x.css",
        "https://example.org/x.css",
        "data:text/css,p{}",
        "javascript:alert(1)",
    ):
        with pytest.raises(ValueError):  # noqa: PT011 - AssetRefused is a ValueError
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_hostile_module_renders_into_a_clean_handbook(tmp_path: Path, fixture_root: Path,
                                                      listener) -> None:
    base, hits = listener
    root = tmp_path / "content"
    (root / "modules" / "assets").mkdir(parents=True)
    (root / "curriculum").mkdir()
    (root / "curriculum" / "fixture.yaml").write_text(
        (fixture_root / "curriculum" / "fixture.yaml").read_text().replace("      - beta\n", "")
        .replace("extra_modules:\n", "extra_modules: []\n"))
    (root / "modules" / "assets" / "link.png").symlink_to(PASSWD)
    (root / "modules" / "assets" / "route.png").write_bytes(
        (fixture_root / "modules" / "assets" / "route.png").read_bytes())
    alpha = (fixture_root / "modules" / "alpha.yaml").read_text()

    def with_body(body: str) -> str:
        return alpha.replace("      A good request states the **facts**",
                             "      " + body.replace("\n", "\n      ") +
                             "\n      A good request states the **facts**")

    # What `check` refuses never reaches a handbook: each is a located error at load.
    (root / "modules" / "alpha.yaml").write_text(with_body(
        "![passwd](file:///etc/passwd) ![up](assets/../../../../../../etc/passwd)\n\n"
        "[x](javascript:alert(1))\n"))
    with pytest.raises(ContentError) as refused:
        load_catalogue(root)
    messages = [issue.message for issue in refused.value.issues]
    assert any("a link to a 'file:' URL is not allowed" in m for m in messages), messages
    assert any("a link to a 'javascript:' URL is not allowed" in m for m in messages), messages
    assert any("does not exist" in m and "etc/passwd" in m for m in messages), messages
    # What it lets through (remote images, raw tags, a symlinked asset) is the fetcher's to stop.
    (root / "modules" / "alpha.yaml").write_text(with_body(
        "![remote](" + base + "/md.png) ![link](assets/link.png)\n\n"
        '<img src="' + base + '/raw.png"> <link rel=attachment href="file:///etc/passwd"> '
        '<base href="' + base + '/">\n'))
    catalogue = load_catalogue(root)
    curriculum, workshop = catalogue.workshop("south")
    rendered = render_handbook(catalogue, curriculum, workshop, Edition.FACILITATOR)
    assert hits == []
    _assert_nothing_leaked(rendered.pdf)
    assert all(Path(name).name != "passwd" for name, _, _ in rendered.read)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages)
    assert "A good request states the" in text


def test_symlinked_asset_folder_content_outside_roots_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG)
    assets = tmp_path / "assets"
    assets.mkdir()
    os.symlink(outside, assets / "linked")
    fetcher = AssetFetcher([assets])
    with pytest.raises(ValueError, match="outside the allowed asset folders"):
        fetcher.fetch((assets / "linked" / "secret.png").as_uri())
