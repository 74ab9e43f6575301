"""Services: the work the web app and the command line both call, with no Flask in it.

  attempts.py        plan an attempt, present it as form fields, grade the posted answers
  drafts.py          draft answers of an open attempt: cleaning what a page posts, where each stands
  progress.py        a trainee's progress through modules and tests
  review.py          what a submitted attempt shows: answers, right answers, feedback
  results.py         a workshop's results tables (grid, gain, item analysis)
  participants.py    one participant as the trainer sees them: attempts, pre/post figures, merges
  results_import.py  results files from the offline site, re-graded and stored
  certificates.py    who gets a certificate, what it says, its verification code
  resume_codes.py    personal resume codes: a trainee's way back in on another device
  enrolment.py       who may join which workshop: the YAML's defaults, the dashboard's overrides
  live.py            live sessions in the room: the facilitator's actions, what the room sees
  jobs.py            long exports made once, in the background, on disk (across workers)
  exports.py         the dashboard's long exports as jobs: handbooks, all certificates
  packages.py        a workshop's SCORM package, offline site and Moodle XML bank, for the dashboard
  keys.py            secret keys kept in the instance folder, made once by one process

Rules: no Flask, WTForms or Flask extensions (import-linter contract in pyproject.toml); the
interface language, its words and any cache are passed in by the caller. May import
trainer.content, trainer.quiz, trainer.store, trainer.export, trainer.interchange, trainer.locales.
"""
