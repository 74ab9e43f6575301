"""What the app holds for every request: the catalogue (loaded once) and the database."""

from __future__ import annotations

from flask import Flask, current_app

from trainer.content.catalogue import Catalogue
from trainer.store.database import Database

CATALOGUE = "trainer.catalogue"
DATABASE = "trainer.database"


def catalogue(app: Flask | None = None) -> Catalogue:
    """Return the app's content catalogue."""
    found: Catalogue = (app or current_app).extensions[CATALOGUE]
    return found


def database(app: Flask | None = None) -> Database:
    """Return the app's database."""
    found: Database = (app or current_app).extensions[DATABASE]
    return found
