"""SCORM 1.2 package files: the manifest validates against the SCORM 1.2 schemas, lists every file,
names nothing after author strings, and the pages need no network and run no inline script."""

from __future__ import annotations

import html.parser
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.models import Module
from trainer.errors import ExportError
from trainer.export.package_pages import PackageFile
from trainer.export.scorm import SCHEMA_FILES, build_scorm, manifest_xml

NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
MEMBER = re.compile(
    r"^(imsmanifest\.xml|[a-z_0-9]+\.xsd|m\d\d/(index\.html|quiz-data\.js|img-\d+\.(png|jpg|gif|webp))"
    r"|shared/[a-z_-]+\.(js|css))$"
)
DRIVER = b"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
              schemaLocation="imscp_rootv1p1p2.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2"
              schemaLocation="adlcp_rootv1p2.xsd"/>
</xsd:schema>"""


@pytest.fixture(scope="module")
def catalogue(repo_root: Path) -> Catalogue:
    return load_catalogue(repo_root / "tests" / "data" / "package_content")


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """The imscp + adlcp schemas, as shipped in the package, with ims_xml.xsd's known defect fixed.

    ims_xml.xsd declares the XML namespace as its default namespace, which libxml2 refuses; the copy
    used here drops that declaration. imsmd (metadata) is not loaded: it breaks unique particle
    attribution, and the manifest uses no IMS metadata.
    """
    folder = tmp_path_factory.mktemp("xsd")
    with zipfile.ZipFile(io.BytesIO(_package_bytes())) as archive:
        for name in SCHEMA_FILES:
            (folder / name).write_bytes(archive.read(name))
    fixed = (folder / "ims_xml.xsd").read_text(encoding="utf-8")
    fixed = fixed.replace('xmlns="http://www.w3.org/XML/1998/namespace"', "", 1)
    (folder / "ims_xml.xsd").write_text(fixed, encoding="utf-8")
    (folder / "driver.xsd").write_bytes(DRIVER)
    return etree.XMLSchema(etree.parse(str(folder / "driver.xsd")))


def _package_bytes() -> bytes:
    root = Path(__file__).resolve().parents[1] / "data" / "package_content"
    catalogue = load_catalogue(root)
    modules = [catalogue.module("all-kinds"), catalogue.module("short-module")]
    return build_scorm(catalogue, modules, "Practice curriculum", "practice")


@pytest.fixture(scope="module")
def package() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(_package_bytes()))


def _manifest(package: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(package.read("imsmanifest.xml"))


def test_manifest_validates_against_scorm_12_schemas(package: zipfile.ZipFile,
                                                     schema: etree.XMLSchema) -> None:
    document = etree.parse(io.BytesIO(package.read("imsmanifest.xml")))
    assert schema.validate(document), schema.error_log


def test_schema_check_catches_a_broken_manifest(package: zipfile.ZipFile,
                                                schema: etree.XMLSchema) -> None:
    broken = package.read("imsmanifest.xml").replace(b'adlcp:scormtype="sco"',
                                                      b'adlcp:scormtype="lesson"')
    assert not schema.validate(etree.parse(io.BytesIO(broken)))


def test_manifest_declares_scorm_12_with_one_sco_per_module(package: zipfile.ZipFile) -> None:
    manifest = _manifest(package)
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    items = manifest.findall("cp:organizations/cp:organization/cp:item", NS)
    assert [item.findtext("cp:title", namespaces=NS) for item in items] == [
        "Requests & answers: every question kind", "A short second module"]
    assert [item.findtext("adlcp:masteryscore", namespaces=NS) for item in items] == ["60", "50"]
    scos = manifest.findall(f"cp:resources/cp:resource[@{{{NS['adlcp']}}}scormtype='sco']", NS)
    assert [sco.get("href") for sco in scos] == ["m01/index.html", "m02/index.html"]
    assert [item.get("identifierref") for item in items] == [sco.get("identifier") for sco in scos]


def test_every_file_is_listed_and_every_listed_file_exists(package: zipfile.ZipFile) -> None:
    listed = [f.get("href") for f in _manifest(package).iter(f"{{{NS['cp']}}}file")]
    members = package.namelist()
    assert sorted(listed) == sorted(set(members) - {"imsmanifest.xml"})
    assert len(listed) == len(set(listed))
    assert all(MEMBER.match(name) for name in members), members
    assert "m01/img-1.png" in members  # the project asset the Markdown shows


def test_pages_need_no_network_and_run_no_inline_script(package: zipfile.ZipFile) -> None:
    for name in package.namelist():
        if not name.endswith(".html"):
            continue
        checker = _PageChecker()
        checker.feed(package.read(name).decode("utf-8"))
        assert checker.problems == [], name
        assert checker.scripts, name
        assert "Content-Security-Policy" in checker.meta
    for name in package.namelist():
        if name.endswith((".js", ".css")):
            text = package.read(name).decode("utf-8")
            assert not re.search(r"https?://", text.split("*/", 1)[-1]), name


def test_remote_images_become_their_alt_text(package: zipfile.ZipFile) -> None:
    page = package.read("m01/index.html").decode("utf-8")
    assert "example.org" not in page
    assert '<span class="img-alt">Remote picture</span>' in page
    assert '<img src="img-1.png" alt="Route of a request">' in page


def test_quiz_data_carries_the_answer_keys(package: zipfile.ZipFile) -> None:
    data = package.read("m01/quiz-data.js").decode("ascii")
    assert data.startswith("window.TrainerQuizData = {")
    assert '"accepted":["speciality","specialty","rule of speciality"]' in data
    assert "<" not in data


def test_package_is_reproducible() -> None:
    assert _package_bytes() == _package_bytes()


def test_author_strings_are_escaped_in_the_manifest(catalogue: Catalogue) -> None:
    module = catalogue.module("short-module")
    hostile = module.model_copy(update={"title": 'A </title><script>x</script> & "q" ]]>'})
    xml = manifest_xml("trainer-x", "T & <b>", [hostile], [PackageFile("m01/index.html", b"")])
    root = etree.fromstring(xml)
    assert root.findtext("cp:organizations/cp:organization/cp:title", namespaces=NS) == "T & <b>"
    assert root.findtext(".//cp:item/cp:title", namespaces=NS) == hostile.title
    assert b"<script>" not in xml


def test_no_modules_is_an_export_error(catalogue: Catalogue) -> None:
    modules: list[Module] = []
    with pytest.raises(ExportError, match="at least one module"):
        build_scorm(catalogue, modules, "T", "t")


class _PageChecker(html.parser.HTMLParser):
    """Collect what would need the network or run inline code in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self.meta: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.problems += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._in_script = True
            if not values.get("src"):
                self.problems.append("inline script")
            else:
                self.scripts.append(values["src"] or "")
        if tag == "meta" and values.get("http-equiv"):
            self.meta.append(values["http-equiv"] or "")
        for name in ("src", "href"):
            url = values.get(name) or ""
            if tag in ("script", "link", "img", "iframe") and re.match(r"^([a-z]+:|//)", url):
                self.problems.append(f"{tag} {name}={url}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("inline script text")
