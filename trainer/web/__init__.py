"""Web: the Flask app, one blueprint package per audience.

  app.py, config.py      the app factory (small register_* steps) and its configuration
  errors.py, security.py error pages; hosts, origins, form shapes, CSRF, headers, request limits
  sessions.py, i18n.py   server-side sessions in a signed cookie; languages and the switcher
  limits.py              rate limits (login, join) checked only by the views they limit
  forms.py, caches.py    WTForms forms; the one set of per-worker caches
  state.py               the app's catalogue and database
  learn/                 trainees: join, read, take quizzes, see results
  dashboard/             trainers: workshops, results, downloads, imports
  author/                authors: the live preview (a separate local app)
  live/                  live sessions in the room: presenter, screen (trainers), phones at /live

The only package that imports Flask and WTForms. May import trainer.services, trainer.export,
trainer.interchange, trainer.content, trainer.quiz, trainer.store, trainer.locales and the
top-level modules; nothing imports trainer.web except trainer.cli (contracts in pyproject.toml).
"""

from __future__ import annotations

from trainer.web.app import create_app

__all__ = ["create_app"]
