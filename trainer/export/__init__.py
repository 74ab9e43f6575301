"""Exports: outbound formats of the same content — handbooks, results reports, certificates, CSV,
SCORM 1.2 packages, the offline site, GIFT and Moodle XML question banks.

`handbook.py` turns a catalogue's curriculum and workshop into print HTML (Jinja templates in
`templates/handbook/`, print CSS in `static/`); `pdf.py` turns HTML into PDF bytes. The trainer
dashboard (results reports, certificates) renders through the same `pdf.render_pdf`. A handbook is
laid out in parts (`layout_pool.py`, `assembly.py`, `part_cache.py`); `trainer handbook` has it
done by a warm layout server (`layout_server.py`, asked through `layout_client.py`) when one can
be had. Inbound formats (GIFT import, results files) are in `trainer.interchange`.

Rules of this layer:
- It may import `trainer.errors`, `trainer.content`, `trainer.quiz` and `trainer.locales` (the
  interface catalogs: PDF boilerplate in the document's language), Jinja2 and Babel.
- It must not import Flask, WTForms, SQLAlchemy, `trainer.store`, `trainer.services`, `trainer.web`
  or `trainer.cli`:
  the web app and the CLI call into it, never the other way round.
- WeasyPrint is imported by `pdf.py` only, and every fetch goes through its deny-by-default URL
  fetcher (SECURITY.md 9-10): only the project's own assets, no network, no file outside them.
- Author text reaches the HTML only as the sanitised HTML the catalogue rendered at load
  (`Catalogue.html` / `Catalogue.inline_html`); nothing here renders Markdown.
"""

from __future__ import annotations
