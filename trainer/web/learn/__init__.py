"""What trainees do (blueprint `learn`): join, read, take quizzes, see results.

Modules: views.py (the routes), pages.py (quiz pages, presented and rendered from the worker's
caches), participants.py (the trainee of a request, from the session). Planning, presenting and
grading attempts, progress and review are Flask-free, in trainer.services. The app mounts
`trainer.web.learn.views.bp`; this file imports nothing, so `participants` (which the language
choice in trainer.web.i18n needs) loads without the views.
"""
