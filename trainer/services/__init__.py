"""Services: the work the web app and the command line both call, with no Flask in it.

  attempts.py        plan an attempt, present it as form fields, grade the posted answers
  progress.py        a trainee's progress through modules and tests
  review.py          what a submitted attempt shows: answers, right answers, feedback
  results.py         a workshop's results tables (grid, gain, item analysis)
  results_import.py  results files from the offline site, re-graded and stored
  certificates.py    who gets a certificate, what it says, its verification code

Rules: no Flask, WTForms or Flask extensions (import-linter contract in pyproject.toml); the
interface language, its words and any cache are passed in by the caller. May import
trainer.content, trainer.quiz, trainer.store, trainer.export, trainer.interchange, trainer.locales.
"""
