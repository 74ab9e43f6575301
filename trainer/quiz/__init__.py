"""Quiz: pure grading, scoring, pass/fail, seeded shuffling and item statistics.

Imports trainer.content and trainer.errors only. Must not import trainer.store, trainer.export,
trainer.web or trainer.cli, nor Flask, SQLAlchemy or WeasyPrint; does no I/O.
"""
