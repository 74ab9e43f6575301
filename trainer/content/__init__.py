"""Content: the model authors write, loaded safely from YAML and checked across files.

Pure domain code: imports pydantic, PyYAML, markdown-it-py and nh3 only (and trainer.errors).
Must not import trainer.quiz, trainer.store, trainer.export, trainer.web or trainer.cli, nor
Flask, SQLAlchemy or WeasyPrint. File I/O happens only in loader.py (and catalogue.py, which
drives it).
"""
