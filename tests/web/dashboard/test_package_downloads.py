"""The workshop's e-learning packages on the dashboard: the SCORM package, the offline site and the
Moodle XML bank of the French workshop of the sample, in its language or in another one; for
trainers only."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from trainer.content.catalogue import load_catalogue
from trainer.export.scorm import build_scorm
from trainer.web.caches import caches

WORKSHOP = "sahel-maghreb-2016"  # runs in French
PACKAGES = f"/trainer/workshops/{WORKSHOP}/packages"


@pytest.fixture
def app(sample_site: Flask) -> Flask:
    return sample_site


@pytest.fixture
def trainer(app: Flask, log_in_trainer: Callable[[FlaskClient], FlaskClient]) -> FlaskClient:
    return log_in_trainer(app.test_client())


def _zip(body: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_workshop_page_offers_the_packages_in_its_language(trainer: FlaskClient) -> None:
    page = trainer.get(f"/trainer/workshops/{WORKSHOP}").get_data(as_text=True)
    assert 'id="packages-title"' in page
    for kind in ("scorm", "site", "moodle-xml"):
        assert f'href="{PACKAGES}/{kind}" download' in page
        assert f'formaction="{PACKAGES}/{kind}"' in page  # the same in another language
    assert re.search(r'<select id="package-language" name="language">.*?'
                     r'<option value="fr" lang="fr" selected>', page, re.S)


def test_the_scorm_package_is_the_workshops_modules_in_french(trainer: FlaskClient,
                                                              sample_root: Path) -> None:
    response = trainer.get(f"{PACKAGES}/scorm")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="gcai-{WORKSHOP}-fr-scorm12.zip"')
    package = _zip(response.data)
    catalogue = load_catalogue(sample_root)
    curriculum, workshop = catalogue.workshop(WORKSHOP)
    modules = catalogue.curriculum_modules(curriculum, workshop)
    manifest = package.read("imsmanifest.xml").decode("utf-8")
    assert len(re.findall(r"<(?:\w+:)?item ", manifest)) == len(modules)
    assert catalogue.curriculum_in("gcai", "fr").title in manifest
    first = package.read("m01/index.html").decode("utf-8")
    assert '<html lang="fr" dir="ltr">' in first
    # What `trainer export scorm` makes of the same modules.
    assert package.namelist() == _zip(build_scorm(
        catalogue, modules, catalogue.curriculum_in("gcai", "fr").title, f"gcai-{WORKSHOP}",
        "fr")).namelist()


def test_another_language_and_the_other_packages(trainer: FlaskClient, app: Flask) -> None:
    arabic = trainer.get(f"{PACKAGES}/site?language=ar")
    assert arabic.status_code == 200
    assert arabic.headers["Content-Disposition"] == (
        f'attachment; filename="gcai-{WORKSHOP}-ar-offline-site.zip"')
    assert '<html lang="ar" dir="rtl">' in _zip(arabic.data).read("index.html").decode("utf-8")
    bank = trainer.get(f"{PACKAGES}/moodle-xml")
    assert bank.headers["Content-Type"] == "application/xml"
    categories = etree.fromstring(bank.data).xpath("question/category/text/text()")
    assert categories
    assert all(path.startswith("$course$/top/trainer-fr/") for path in categories)
    # Made once per worker: a second click gets the same bytes from the worker's cache.
    assert caches(app).packages.get(("moodle-xml", WORKSHOP, "fr")) is not None
    assert trainer.get(f"{PACKAGES}/moodle-xml").data == bank.data


@pytest.mark.parametrize("path", [f"{PACKAGES}/pdf", f"{PACKAGES}/scorm?language=xx",
                                  "/trainer/workshops/nope/packages/scorm"])
def test_an_unknown_package_language_or_workshop_is_404(trainer: FlaskClient, path: str) -> None:
    assert trainer.get(path).status_code == 404


def test_packages_are_for_trainers_only(app: Flask) -> None:
    response = app.test_client().get(f"{PACKAGES}/scorm")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/trainer/login")
