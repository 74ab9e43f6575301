"""Skeleton module and curriculum files for `trainer new`: valid, commented, ready to edit.

The skeletons are text (YAML with comments that teach the format), not dumped models: comments are
the point. A module skeleton holds one question of each of the seven kinds, in neutral placeholder
texts ("Write ..."). It passes `trainer check` as written; `trainer check --strict` lists every
placeholder still in place (trainer.content.placeholders), and passes once they are all replaced.
Pure: returns text; the CLI writes the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from trainer.content.models import Module, is_slug
from trainer.content.schema import SCHEMA_FILES
from trainer.errors import TrainerError

MAX_ID_LENGTH = 64
_WORKSHOP_SUFFIX = "-pilot"


def check_new_id(kind: str, new_id: str) -> None:
    """Raise TrainerError with a helpful message unless `new_id` is a valid id for a new file."""
    if not is_slug(new_id) or len(new_id) > MAX_ID_LENGTH:
        raise TrainerError(
            f"'{new_id}' is not a valid {kind} id: use lower-case letters, digits and single "
            f"hyphens, at most {MAX_ID_LENGTH} characters (for example: mla-basics)"
        )


def _quoted(text: str) -> str:
    """Return `text` as a YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def module_skeleton(module_id: str, title: str, language: str = "en") -> str:
    """Return the text of a new module file: every field and question kind, commented."""
    check_new_id("module", module_id)
    if not title.strip():
        raise TrainerError("the title must not be empty")
    return _MODULE.format(
        schema=SCHEMA_FILES["module"], id=module_id, title=_quoted(title.strip()),
        language=language,
    )


def curriculum_skeleton(curriculum_id: str, title: str, modules: Sequence[Module],
                        today: date | None = None) -> str:
    """Return the text of a new curriculum file over `modules` (in that order)."""
    check_new_id("curriculum", curriculum_id)
    if not modules:
        raise TrainerError("a curriculum needs at least one module: create one first with "
                           "`trainer new module ID --title TITLE`")
    month = (today or date.today()).strftime("%Y-%m")
    module_lines = "\n".join(f"  - {m.id}" for m in modules)
    test_lines = "\n".join(
        f"    - module: {m.id}\n      question: {m.quiz.questions[0].id}" for m in modules
    )
    workshop_id = curriculum_id[: MAX_ID_LENGTH - len(_WORKSHOP_SUFFIX)].rstrip("-")
    return _CURRICULUM.format(
        schema=SCHEMA_FILES["curriculum"], id=curriculum_id,
        title=_quoted(title.strip() or curriculum_id), modules=module_lines, tests=test_lines,
        workshop=workshop_id + _WORKSHOP_SUFFIX, month=month,
    )


_MODULE = """\
# yaml-language-server: $schema=../schema/{schema}
#
# A new module. Every field below is explained by a comment; hover over a key in VS Code (with the
# YAML extension) for its description. Check your work with:  trainer check --strict
# Preview it, with answers and facilitator notes, with:      trainer preview
#
# YAML tips: indent with spaces (never tabs); put text that starts with a special character
# (: - ? [ {{ # & * ! | > ' " % @ `) in quotes; "true"/"false" as ids must be quoted.

id: {id}                      # the same as the file name (modules/{id}.yaml)
title: {title}
language: {language}                    # two-letter code: en, fr, ar, ...
summary: |                      # Markdown; shown in lists and at the top of the module
  Write one or two sentences on what this module covers and who it is for.
duration_minutes: 60            # time in a workshop, reading and quiz included

# What a participant can do after the module. Each question names the objective it assesses.
# Every text that starts with "Write ..." is a placeholder: `trainer check --strict` lists those
# left in place.
objectives:
  - id: explain-basics
    text: Write what a participant can explain after this module.
  - id: apply-checks
    text: Write what a participant can do after this module.

# The reading, in order. `body` is Markdown: **bold**, *italic*, lists, links, and images
# stored in modules/assets/ (written as ![description](assets/picture.png)).
sections:
  - id: overview
    title: Overview
    minutes: 15                 # optional: suggested time
    body: |
      Write the reading here. Keep paragraphs short; participants may read on a phone.

      - A list item
      - Another list item
  - id: case-study              # a case study: questions can show it with `case: case-study`
    title: "Case study: write its title"
    kind: case-study
    body: |
      Write the situation the participants discuss.
    facilitator_notes: |        # only in the facilitator handbook and the preview
      Write how to run the discussion, what answers to expect, and the points to draw out.

quiz:
  pass_mark: 70                 # percentage of points needed to pass
  shuffle: false                # true shuffles options for each attempt
  questions:
    # Single choice: exactly one option has `correct: true`. Give every wrong option feedback.
    - id: q-single
      kind: single
      objective: explain-basics
      points: 1
      prompt: Write a question with exactly one right answer.
      options:
        - id: a
          text: Write the right option
          correct: true
        - id: b
          text: Write a wrong option
          feedback: Write why this option is wrong.
        - id: c
          text: Write another wrong option
          feedback: Write why this option is wrong.
      explanation: |
        Write why the right answer is right.

    # Multiple choice: one or more right options; partial credit (see docs/authoring.md).
    - id: q-multiple
      kind: multiple
      objective: apply-checks
      points: 2
      prompt: Write a question with one or more right answers. Choose all that apply.
      options:
        - id: c
          text: Write a wrong option
          feedback: Write why this option is wrong.
        - id: a
          text: Write a right option
          correct: true
        - id: b
          text: Write another right option
          correct: true
      explanation: Write why the right answer is right.

    # True/false: two options with the ids "true" and "false" (quoted, so YAML keeps them text).
    - id: q-true-false
      kind: true_false
      objective: apply-checks
      prompt: Write a statement that is true or false.
      options:
        - id: "true"
          text: "True"
          correct: true
        - id: "false"
          text: "False"
          feedback: Write why this option is wrong.
      explanation: Write why the right answer is right.

    # Short answer: the typed answer is compared with `accepted`, ignoring case, accents and
    # extra spaces. List the spellings you accept.
    - id: q-short-answer
      kind: short_answer
      objective: apply-checks
      prompt: |
        Write a question answered in a few words.
      accepted:
        - Write the answer you accept
        - Write another spelling you accept
      feedback: Write what the right answer is.
      explanation: Write why the right answer is right.

    # Numeric: give `answer` (with an optional `tolerance`) or a `range` with `min` and `max`.
    - id: q-numeric
      kind: numeric
      objective: apply-checks
      prompt: |
        Write a question answered by a number.
      answer: 18
      tolerance: 0
      unit: days
      feedback: Write how to work the number out.
      explanation: Write why the right answer is right.

    # Matching: each pair's `prompt` is matched to its `match`; `distractors` are extra wrong
    # matches. Credit per right pair.
    - id: q-matching
      kind: matching
      objective: explain-basics
      prompt: Write a question asking to match each term to its meaning.
      pairs:
        - id: first
          prompt: Write a term
          match: Write its meaning
        - id: second
          prompt: Write another term
          match: Write its meaning, for the second term
      distractors:
        - id: extra
          text: Write a meaning that fits no term
      explanation: Write why the right answer is right.

    # Ordering: write the items in the RIGHT order; participants see them shuffled.
    # Credit per item in its right position.
    - id: q-ordering
      kind: ordering
      objective: explain-basics
      case: case-study          # shows the case study above with this question
      prompt: Write a question asking to put the steps in order.
      items:
        - id: first
          text: Write the first step
        - id: second
          text: Write the second step
        - id: third
          text: Write the third step
      explanation: Write why the right answer is right.

# What the module relies on: a title, and a url or a note.
sources:
  - title: Write the treaty, law, guide or report you rely on
    note: Write which part of it this module uses.
"""

_CURRICULUM = """\
# yaml-language-server: $schema=../schema/{schema}
#
# A new curriculum: an ordered list of modules, a pre-test and a post-test, and the workshops
# (regional editions) that run it. Check it with:
#   trainer check --strict

id: {id}                        # the same as the file name
title: {title}
audience: Write who the programme is for
author: Write who wrote it
language: en
summary: |                      # optional, Markdown
  Write one or two sentences on what the programme covers.

# Module ids, in teaching order.
modules:
{modules}

# Questions are named by module and question id. These are the modules' practice questions, so
# `trainer check --strict` warns: trainees meet them, with their answers, before the post-test.
# Write test-only questions in an assessment bank (a module file with `role: assessment`), and
# ideally two parallel `forms` (a and b) over the same objectives: see docs/authoring.md.
pre_test:
  title: "Pre-test: what do you know already?"
  pass_mark: 70
  questions:
{tests}
post_test:
  title: "Post-test: what have you learnt?"
  pass_mark: 70
  questions:
{tests}

# Each edition: where and when. Dates are YYYY-MM-DD, or YYYY-MM when only the month is known.
workshops:
  - id: {workshop}
    title: Pilot workshop
    region: Write the region
    city: Write the city
    start: "{month}"
    end: "{month}"
    language: en
    # join_code: PILOT1         # optional: the code trainees type to join (4-12 capitals/digits)
"""
