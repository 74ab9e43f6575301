"""Skeleton module and curriculum files for `trainer new`: valid, commented, ready to edit.

The skeletons are text (YAML with comments that teach the format), not dumped models: comments are
the point. A module skeleton holds one question of each of the seven kinds and passes `trainer check
--strict` as written, so an author starts from green and stays there. Pure: returns text; the CLI
writes the file.
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
  One or two sentences on what this module covers and who it is for.
duration_minutes: 60            # time in a workshop, reading and quiz included

# What a participant can do after the module. Each question names the objective it assesses.
objectives:
  - id: explain-basics
    text: Explain what a central authority does with an incoming request.
  - id: apply-checks
    text: Apply the basic checks to a request before it is executed.

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
  - id: case-late-request       # a case study: questions can show it with `case: case-late-request`
    title: "Case study: a request that arrives late"
    kind: case-study
    body: |
      Describe the situation the participants discuss.
    facilitator_notes: |        # only in the facilitator handbook and the preview
      How to run the discussion, what answers to expect, and the points to draw out.

quiz:
  pass_mark: 70                 # percentage of points needed to pass
  shuffle: false                # true shuffles options for each attempt
  questions:
    # Single choice: exactly one option has `correct: true`. Give every wrong option feedback.
    - id: q-single
      kind: single
      objective: explain-basics
      points: 1
      prompt: Who usually receives an incoming request for mutual legal assistance?
      options:
        - id: a
          text: The central authority designated for that purpose
          correct: true
        - id: b
          text: The police station nearest to the evidence
          feedback: The police may execute the request later, but they do not receive it.
        - id: c
          text: The court that will eventually try the case
          feedback: The trial court is in the requesting State, not the requested one.
      explanation: |
        States designate a central authority to receive, check and forward requests.

    # Multiple choice: one or more right options; partial credit (see docs/authoring.md).
    - id: q-multiple
      kind: multiple
      objective: apply-checks
      points: 2
      prompt: Which of these should a request state? Choose all that apply.
      options:
        - id: c
          text: The home address of the officer who drafted it
          feedback: The requested State needs a contact point, not a private address.
        - id: a
          text: The authority conducting the investigation
          correct: true
        - id: b
          text: A summary of the facts
          correct: true
      explanation: A request names its authority and summarises the facts it relies on.

    # True/false: two options with the ids "true" and "false" (quoted, so YAML keeps them text).
    - id: q-true-false
      kind: true_false
      objective: apply-checks
      prompt: A request should say how urgent it is, and why.
      options:
        - id: "true"
          text: "True"
          correct: true
        - id: "false"
          text: "False"
          feedback: Without a reason for urgency, the request waits its turn.
      explanation: Stating the urgency and the reason for it helps the requested State prioritise.

    # Short answer: the typed answer is compared with `accepted`, ignoring case, accents and
    # extra spaces. List the spellings you accept.
    - id: q-short-answer
      kind: short_answer
      objective: apply-checks
      prompt: |
        What is the principle called under which the conduct must be an offence in both
        States?
      accepted:
        - dual criminality
        - double criminality
      feedback: The principle is called *dual criminality*.
      explanation: Dual (or double) criminality asks whether the conduct is an offence in both States.

    # Numeric: give `answer` (with an optional `tolerance`) or a `range` with `min` and `max`.
    - id: q-numeric
      kind: numeric
      objective: apply-checks
      prompt: |
        A request asks for a reply within 30 days. It arrived 12 days ago. How many days are left?
      answer: 18
      tolerance: 0
      unit: days
      feedback: 30 days minus the 12 already gone leaves 18.
      explanation: Counting the days left helps decide whether to ask for an extension now.

    # Matching: each pair's `prompt` is matched to its `match`; `distractors` are extra wrong
    # matches. Credit per right pair.
    - id: q-matching
      kind: matching
      objective: explain-basics
      prompt: Match each term to its meaning.
      pairs:
        - id: requesting
          prompt: Requesting State
          match: The State that asks for assistance
        - id: requested
          prompt: Requested State
          match: The State asked to provide assistance
      distractors:
        - id: transit
          text: A State the evidence passes through
      explanation: The requesting State asks; the requested State executes.

    # Ordering: write the items in the RIGHT order; participants see them shuffled.
    # Credit per item in its right position.
    - id: q-ordering
      kind: ordering
      objective: explain-basics
      case: case-late-request     # shows the case study above with this question
      prompt: Put the handling of an incoming request in order.
      items:
        - id: receive
          text: Receive and register the request
        - id: review
          text: Check it against the applicable treaty and law
        - id: execute
          text: Send it to the authority that will execute it
      explanation: A request is registered first, then checked, then sent for execution.

# What the module relies on: a title, and a url or a note.
sources:
  - title: Name the treaty, law, guide or report you rely on
    note: Say which part of it this module uses.
"""

_CURRICULUM = """\
# yaml-language-server: $schema=../schema/{schema}
#
# A new curriculum: an ordered list of modules, a pre-test and a post-test, and the workshops
# (regional editions) that run it. Check it with:
#   trainer check --strict

id: {id}                        # the same as the file name
title: {title}
audience: Who the programme is for, e.g. central authority staff and prosecutors
author: Who wrote it
language: en
summary: |                      # optional, Markdown
  One or two sentences on what the programme covers.

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
    region: Name the region
    city: Name the city
    start: "{month}"
    end: "{month}"
    language: en
    # join_code: PILOT1         # optional: the code trainees type to join (4-12 capitals/digits)
"""
