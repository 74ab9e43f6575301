"""Translations of modules: `modules/<lang>/<id>.yaml`, matched to the source by id.

  models.py   the translation file's shape (pydantic, strict like the modules')
  files.py    skeletons for translators and `source_hash` stamping, comments kept
  overlay.py  load translations, check them against the source, overlay complete entries

Part of trainer.content: pure, PyYAML and pydantic only (see trainer.content).
"""
