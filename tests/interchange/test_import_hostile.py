"""Every importer refuses a hostile or corrupt file with one located message, before parsing it."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation

from tests.interchange.import_support import run
from trainer.interchange.limits import MAX_RATIO, MAX_TOTAL_BYTES


def _word(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Hello.")
    doc.save(str(path))
    return path


def _rewrite(source: Path, target: Path, changes: dict[str, bytes]) -> Path:
    """Copy an Office file, replacing or adding the named parts."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, changes.pop(info.filename, old.read(info)))
        for name, data in changes.items():
            new.writestr(name, data)
    return target


def _import(kind: str, path: Path, root: Path) -> tuple[int, str, str]:
    result = run("import", kind, str(path), "--root", str(root))
    return result.exit_code, result.stdout, result.stderr


def _nothing_written(root: Path) -> None:
    assert not (root / "modules").exists() or not any((root / "modules").iterdir())


@pytest.mark.parametrize("kind", ["docx", "pptx", "moodle-xml", "aiken"])
def test_a_200_mb_file_is_refused_by_its_size(tmp_path: Path, kind: str) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: takes no room on disk
    code, out, err = _import(kind, big, tmp_path / "root")
    assert code == 1
    assert out == ""
    limit = "1 MiB" if kind == "aiken" else "50 MiB"
    assert err == (f"{big}:1:1: the file is 200 MiB, more than the {limit} an import may read: "
                   "remove large media (videos, huge images) and save it again\n")
    _nothing_written(tmp_path / "root")


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    bomb = _rewrite(_word(tmp_path / "plain.docx"), tmp_path / "bomb.docx",
                    {"word/media/padding.bin": bytes(20 * 1024 * 1024)})
    code, _, err = _import("docx", bomb, tmp_path / "root")
    assert code == 1
    assert err.startswith(f"{bomb}:1:1: 'word/media/padding.bin' is compressed ")
    assert err.endswith(f" to 1 (more than {MAX_RATIO} to 1): refused as a possible ZIP bomb\n")
    _nothing_written(tmp_path / "root")


def _declare_size(path: Path, name: str, size: int, compressed: int) -> None:
    """Make the central directory claim `size` bytes (`compressed` packed) for entry `name`."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_length]) == encoded:
            struct.pack_into("<II", data, at + 20, compressed, size)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no entry {name}")


def test_a_zip_bomb_is_refused_by_its_total_size_before_extraction(tmp_path: Path) -> None:
    deck = tmp_path / "deck.pptx"
    Presentation().save(str(deck))
    bomb = _rewrite(deck, tmp_path / "bomb.pptx", {"ppt/media/huge.bin": b"x"})
    _declare_size(bomb, "ppt/media/huge.bin", MAX_TOTAL_BYTES + 1, MAX_TOTAL_BYTES // 10)
    code, _, err = _import("pptx", bomb, tmp_path / "root")
    assert code == 1
    assert err == (f"{bomb}:1:1: the archive would unpack to 200 MiB, more than 200 MiB: refused "
                   "as a possible ZIP bomb\n")
    _nothing_written(tmp_path / "root")


_ENTITIES = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
             b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n')


def test_xml_entities_in_a_word_document_are_refused(tmp_path: Path) -> None:
    plain = _word(tmp_path / "plain.docx")
    with zipfile.ZipFile(plain) as archive:
        body = archive.read("word/document.xml")
    body = body.replace(b"Hello.", b"&lol2;").split(b"?>", 1)[1]
    hostile = _rewrite(plain, tmp_path / "lol.docx", {"word/document.xml": _ENTITIES + body})
    code, _, err = _import("docx", hostile, tmp_path / "root")
    assert code == 1
    assert err == (f"{hostile}:1:1: word/document.xml: the XML declares a DOCTYPE or entities, "
                   "which an import never reads (they can expand without limit or fetch files): "
                   "save the file again from its program\n")
    _nothing_written(tmp_path / "root")


def test_an_external_entity_in_a_moodle_bank_is_refused(tmp_path: Path) -> None:
    bank = tmp_path / "xxe.xml"
    bank.write_text('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY secret SYSTEM '
                    '"file:///etc/passwd">]>\n<quiz><question type="shortanswer"><name><text>x'
                    "</text></name><questiontext><text>&secret;</text></questiontext>"
                    '<answer fraction="100"><text>a</text></answer></question></quiz>\n',
                    encoding="utf-8")
    code, _, err = _import("moodle-xml", bank, tmp_path / "root")
    assert code == 1
    assert err == (f"{bank}:1:1: the XML declares a DOCTYPE or entities, which an import never "
                   "reads (they can expand without limit or fetch files): save the file again "
                   "from its program\n")
    _nothing_written(tmp_path / "root")


def test_a_corrupt_or_wrong_file_is_refused_with_a_message(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"this is not a zip")
    code, _, err = _import("docx", fake, tmp_path / "root")
    assert (code, err) == (1, f"{fake}:1:1: not a Word document: the file is not a ZIP archive "
                              "(is it corrupt, or the older binary format? save it again as "
                              ".docx or .pptx)\n")
    deck = tmp_path / "deck.pptx"
    Presentation().save(str(deck))
    code, _, err = _import("docx", deck, tmp_path / "root")
    assert (code, err) == (1, f"{deck}:1:1: not a Word document: it has no word/document.xml "
                              "(is it another Office file?)\n")
    broken = tmp_path / "broken.xml"
    broken.write_text("<quiz>\n<question type='truefalse'>\n</quiz>\n", encoding="utf-8")
    code, _, err = _import("moodle-xml", broken, tmp_path / "root")
    assert code == 1
    assert err.startswith(f"{broken}:3:1: not well-formed XML: ")
    _nothing_written(tmp_path / "root")
