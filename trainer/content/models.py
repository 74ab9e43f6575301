"""The content model: what a module or curriculum file may contain (the contract authors see).

Models declare shape only. Rules that span fields or files live in `validate.py`; turning files into
these models lives in `loader.py`. Every model is frozen and forbids unknown keys, so a misspelt key is
an error, not silently ignored. Correctness is stored on ids (option ids, pair ids, item order), never
on displayed text, so a translation cannot change grading.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64),
    Field(
        description="An identifier: lower-case letters, digits and single hyphens.",
        examples=["mla-basics"],
    ),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=65536)]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=65536),
    Field(description="Markdown text (raw HTML is not allowed and is shown as text)."),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}$"),
    Field(description="Two-letter ISO 639-1 language code.", examples=["en", "fr", "ar"]),
]
WORKSHOP_DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$"
WorkshopDate = Annotated[
    str,
    StringConstraints(pattern=WORKSHOP_DATE_PATTERN),
    Field(
        description=(
            "A date as YYYY-MM-DD, or YYYY-MM when only the month is known "
            "(never invent a day you do not know)."
        ),
        examples=["2016-03", "2017-05-16"],
    ),
]


class ContentModel(BaseModel):
    """Base of every content model: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Objective(ContentModel):
    """A learning objective of a module; questions point at it with `objective`."""

    id: Slug
    text: Text = Field(
        description="What the learner can do after the module, starting with a verb.",
        examples=["Explain why resolution 2322 asks States to designate central authorities."],
    )


class SectionKind(StrEnum):
    """How a section is presented."""

    TEXT = "text"
    CASE_STUDY = "case-study"


class Section(ContentModel):
    """A section of reading; a case study is set apart and can be referred to by questions."""

    id: Slug
    title: Text = Field(examples=["Why central authorities matter"])
    kind: SectionKind = Field(
        default=SectionKind.TEXT,
        description="`text` (default) or `case-study` (set apart; questions may refer to it).",
    )
    body: Markdown = Field(examples=["Resolution 2322 (2016) calls on States to **designate**..."])
    facilitator_notes: Markdown | None = Field(
        default=None,
        description="Notes for the facilitator: shown only in the facilitator edition and preview.",
    )
    minutes: int | None = Field(
        default=None, ge=1, le=600, description="Suggested time for the section, in minutes."
    )


class Option(ContentModel):
    """A choice in a single, multiple or true/false question."""

    id: Slug = Field(examples=["a", "true"])
    text: Text = Field(examples=["The requested State's central authority"])
    correct: bool = Field(default=False, description="Whether choosing this option is right.")
    feedback: Markdown | None = Field(
        default=None, description="Shown after submission to a learner who chose this option."
    )


class QuestionBase(ContentModel):
    """Fields every question kind has."""

    id: Slug = Field(examples=["q-legal-basis"])
    prompt: Markdown = Field(examples=["Which instrument gives the legal basis for the request?"])
    points: float = Field(default=1.0, gt=0, le=100, description="Points for a fully right answer.")
    explanation: Markdown | None = Field(
        default=None, description="Why the right answer is right; shown after submission."
    )
    objective: Slug | None = Field(
        default=None, description="The id of the module objective this question assesses."
    )
    case: Slug | None = Field(
        default=None, description="The id of a case-study section shown with this question."
    )


class SingleChoice(QuestionBase):
    """Exactly one right option. Full points for it, none otherwise."""

    kind: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=26)


class MultipleChoice(QuestionBase):
    """One or more right options; partial credit (see trainer.quiz.grading)."""

    kind: Literal["multiple"]
    options: list[Option] = Field(min_length=2, max_length=26)


class TrueFalse(QuestionBase):
    """A statement that is true or false: two options, one of them right."""

    kind: Literal["true_false"]
    options: list[Option] = Field(min_length=2, max_length=2)


class ShortAnswer(QuestionBase):
    """A typed answer compared with the accepted answers (case, accents and spaces ignored)."""

    kind: Literal["short_answer"]
    accepted: list[Text] = Field(
        min_length=1, description="Answers accepted as right.", examples=[["dual criminality"]]
    )
    feedback: Markdown | None = Field(
        default=None, description="Shown after submission to a learner whose answer was wrong."
    )


class NumericRange(ContentModel):
    """An inclusive range of accepted values."""

    min: float
    max: float


class Numeric(QuestionBase):
    """A number: right when within `answer ± tolerance`, or inside `range`."""

    kind: Literal["numeric"]
    answer: float | None = Field(default=None, examples=[2016])
    tolerance: float = Field(default=0.0, description="Accepted distance from `answer`.")
    range: NumericRange | None = Field(default=None, description="Accepted values, inclusive.")
    unit: str | None = Field(default=None, max_length=40, examples=["days"])
    feedback: Markdown | None = Field(
        default=None, description="Shown after submission to a learner whose answer was wrong."
    )


class MatchPair(ContentModel):
    """One item to match, with its right match. The learner picks among all matches."""

    id: Slug
    prompt: Text = Field(examples=["Speciality rule"])
    match: Text = Field(examples=["Prosecute only for the offences extradition was granted for"])


class Distractor(ContentModel):
    """An extra wrong match offered in a matching question."""

    id: Slug
    text: Text


class Matching(QuestionBase):
    """Match each prompt to its match; credit per pair (see trainer.quiz.grading)."""

    kind: Literal["matching"]
    pairs: list[MatchPair] = Field(min_length=2, max_length=20)
    distractors: list[Distractor] = Field(default_factory=list, max_length=10)


class OrderItem(ContentModel):
    """A step to put in order; items are listed in the right order."""

    id: Slug
    text: Text


class Ordering(QuestionBase):
    """Put the items in order (they are written in the right order); credit per position."""

    kind: Literal["ordering"]
    items: list[OrderItem] = Field(min_length=2, max_length=20)


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | ShortAnswer | Numeric | Matching | Ordering,
    Field(discriminator="kind"),
]
QUESTION_KINDS: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
)
ChoiceQuestion = SingleChoice | MultipleChoice | TrueFalse


class Quiz(ContentModel):
    """The module's quiz."""

    pass_mark: float = Field(
        default=70, ge=0, le=100, description="Percentage of points needed to pass (0-100).",
        examples=[70],
    )
    shuffle: bool = Field(default=False, description="Shuffle options per attempt.")
    questions: list[Question] = Field(min_length=1)


class Source(ContentModel):
    """A citation the module relies on."""

    title: Text = Field(examples=["UN Security Council resolution 2322 (2016)"])
    url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    note: str | None = Field(default=None, max_length=2000)


class Module(ContentModel):
    """A module: reading, a quiz and its sources (`modules/<id>.yaml`)."""

    id: Slug
    title: Text = Field(examples=["The mandate: resolution 2322"])
    language: LanguageCode = "en"
    summary: Markdown = Field(examples=["Why the Security Council asked for central authorities."])
    duration_minutes: int = Field(ge=1, le=1440, examples=[90])
    objectives: list[Objective] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    quiz: Quiz
    sources: list[Source] = Field(default_factory=list)


class TestQuestionRef(ContentModel):
    """A question of a module, used in a pre-test or post-test."""

    module: Slug
    question: Slug


class CurriculumTest(ContentModel):
    """A pre-test or post-test drawn from module questions."""

    title: Text = Field(examples=["Pre-test: what do you know already?"])
    pass_mark: float = Field(
        default=70, ge=0, le=100, description="Percentage of points needed to pass (0-100).",
        examples=[70],
    )
    questions: list[TestQuestionRef] = Field(min_length=1)


class Workshop(ContentModel):
    """A regional edition of the curriculum."""

    id: Slug
    title: Text = Field(examples=["Sahel-Maghreb regional workshop"])
    region: Text = Field(examples=["Sahel-Maghreb"])
    city: Text = Field(examples=["Valletta"])
    country: Text | None = Field(default=None, examples=["Malta"])
    start: WorkshopDate
    end: WorkshopDate
    dates_note: str | None = Field(
        default=None, max_length=400, description="What is known about the dates, if not exact."
    )
    language: LanguageCode = "en"
    join_code: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9]{4,12}$",
        description="Code trainees type to join (4-12 capital letters or digits).",
        examples=["MALTA16"],
    )
    extra_modules: list[Slug] = Field(
        default_factory=list, description="Module ids added for this workshop only."
    )


class Curriculum(ContentModel):
    """A programme: ordered modules, pre/post tests and workshops (`curriculum/<id>.yaml`)."""

    id: Slug
    title: Text
    audience: Text
    author: Text = Field(examples=["Global Central Authorities Initiative faculty"])
    language: LanguageCode = "en"
    summary: Markdown | None = None
    modules: list[Slug] = Field(min_length=1)
    pre_test: CurriculumTest
    post_test: CurriculumTest
    workshops: list[Workshop] = Field(min_length=1)


def content_hash(model: BaseModel) -> str:
    """Return the SHA-256 of the model's canonical JSON (sorted keys, no spaces)."""
    payload: Any = model.model_dump(mode="json")
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_slug(value: str) -> bool:
    """Return whether `value` is a valid id."""
    return re.fullmatch(SLUG_PATTERN, value) is not None
