"""Interchange: inbound formats, files from outside turned into content or results.

  limits.py         size, ZIP bomb and XML entity checks every importer runs before parsing
  html_markdown.py  the one HTML → Markdown conversion (Word via mammoth, Moodle XML texts)
  images.py         images found in a document, kept as modules/assets/<module id>/image-N.ext
  draft.py          a draft module (placeholders where the source has nothing), written as YAML
  docx.py, pptx.py, moodle_xml.py, aiken.py, gift_import.py
                    one importer per format: Word, PowerPoint, Moodle XML, Aiken, GIFT banks
  results_file.py   the offline site's results file: parse, with size and shape limits
  results_check.py  check a parsed results file against the catalogue and re-grade it

Rules: imports trainer.content, trainer.quiz, trainer.locales, trainer.errors, and trainer.export
for the constants a format shares with its writer (GIFT's metadata prefix); never web, services
or store (storing what was read is trainer.services' job).
"""
