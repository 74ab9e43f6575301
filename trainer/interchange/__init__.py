"""Interchange: inbound formats, files from outside turned into content or results.

  gift_import.py    a Moodle GIFT question bank → a draft module
  results_file.py   the offline site's results file: parse, with size and shape limits
  results_check.py  check a parsed results file against the catalogue and re-grade it

Rules: imports trainer.content, trainer.quiz, trainer.locales, trainer.errors, and trainer.export
for the constants a format shares with its writer (GIFT's metadata prefix); never web, services
or store (storing what was read is trainer.services' job).
"""
