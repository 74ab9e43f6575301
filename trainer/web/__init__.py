"""Web: the Flask app (trainee quizzes; later the trainer dashboard and author preview).

The only package that imports Flask and WTForms. May import trainer.content, trainer.quiz,
trainer.store and trainer.errors; nothing imports trainer.web except trainer.cli.
"""

from __future__ import annotations

from trainer.web.app import create_app

__all__ = ["create_app"]
