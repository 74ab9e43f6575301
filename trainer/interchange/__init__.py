"""Inbound formats: files from outside turned into content or results; imports content, quiz, errors; never web or store."""  # noqa: E501

# - `limits`: size, ZIP bomb and XML entity checks every importer runs before it parses anything.
# - `html_markdown`: the one HTML → Markdown conversion (Word via mammoth, Moodle XML texts).
# - `images`: images found in a document, kept as modules/assets/<module id>/image-N.ext.
# - `draft`: a draft module (placeholders where the source has nothing), written as YAML.
# - `docx`, `pptx`, `moodle_xml`, `aiken`: one importer per format, each returning a `Draft`.
