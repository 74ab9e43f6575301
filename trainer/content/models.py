"""The content model: what a module or curriculum file may contain (the contract authors see).

Models declare shape only. Rules that span fields or files live in `validate.py`; turning files into
these models lives in `loader.py`. Every model is frozen and forbids unknown keys, so a misspelt key is
an error, not silently ignored. Correctness is stored on ids (option ids, pair ids, item order), never
on displayed text, so a translation cannot change grading.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Annotated, Literal

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
LANGUAGE_PATTERN = r"^[a-z]{2}$"
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=LANGUAGE_PATTERN),
    Field(description="Two-letter ISO 639-1 language code.", examples=["en", "fr", "ar"]),
]
URL_PATTERN = r"^https?://"
JOIN_CODE_PATTERN = r"^[A-Z0-9]{4,12}$"
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

    id: Slug = Field(
        description="The objective's id, unique in the module; questions name it in `objective`.",
        examples=["explain-2322"],
    )
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

    id: Slug = Field(
        description="The section's id, unique in the module; a question names a case in `case`.",
        examples=["why-central-authorities", "case-delayed-request"],
    )
    title: Text = Field(description="The section heading.", examples=["Why central authorities matter"])
    kind: SectionKind = Field(
        default=SectionKind.TEXT,
        description="`text` (default) or `case-study` (set apart; questions may refer to it).",
        examples=["text", "case-study"],
    )
    body: Markdown = Field(
        description="The reading, in Markdown (headings, lists, emphasis, links, images).",
        examples=["Resolution 2322 (2016) calls on States to **designate**..."],
    )
    facilitator_notes: Markdown | None = Field(
        default=None,
        description="Notes for the facilitator: shown only in the facilitator edition and preview.",
        examples=["Ask each table which authority would receive this request, then compare."],
    )
    minutes: int | None = Field(
        default=None,
        ge=1,
        le=600,
        description="Suggested time for the section, in minutes.",
        examples=[20],
    )


class Option(ContentModel):
    """A choice in a single, multiple or true/false question."""

    id: Slug = Field(
        description=(
            "The option's id, unique in the question; grading uses it, never the text. "
            'Quote "true" and "false" so YAML keeps them as text.'
        ),
        examples=["a", "true"],
    )
    text: Text = Field(
        description="The option as the learner sees it.",
        examples=["The requested State's central authority"],
    )
    correct: bool = Field(
        default=False, description="Whether choosing this option is right.", examples=[True]
    )
    feedback: Markdown | None = Field(
        default=None,
        description="Shown after submission to a learner who chose this option.",
        examples=["No: the request goes to the central authority, not to the embassy."],
    )


class QuestionBase(ContentModel):
    """Fields every question kind has."""

    id: Slug = Field(
        description="The question's id, unique in the module; curricula refer to it.",
        examples=["q-legal-basis"],
    )
    prompt: Markdown = Field(
        description="The question, in Markdown.",
        examples=["Which instrument gives the legal basis for the request?"],
    )
    points: float = Field(
        default=1.0, gt=0, le=100, description="Points for a fully right answer.", examples=[1, 2]
    )
    explanation: Markdown | None = Field(
        default=None,
        description="Why the right answer is right; shown after submission.",
        examples=["The bilateral treaty applies first; the convention fills its gaps."],
    )
    objective: Slug | None = Field(
        default=None,
        description="The id of the module objective this question assesses.",
        examples=["explain-2322"],
    )
    case: Slug | None = Field(
        default=None,
        description="The id of a case-study section shown with this question.",
        examples=["case-delayed-request"],
    )
    module: Slug | None = Field(
        default=None,
        description=(
            "Assessment banks only (`role: assessment`): the id of the programme module whose "
            "objective this question assesses; `objective` is then an objective of that module."
        ),
        examples=["mandate-2322"],
    )


class SingleChoice(QuestionBase):
    """Exactly one right option. Full points for it, none otherwise."""

    kind: Literal["single"] = Field(
        description="Single choice: exactly one option is right.", examples=["single"]
    )
    options: list[Option] = Field(
        min_length=2,
        max_length=26,
        description="The options (2-26), exactly one with `correct: true`.",
        examples=[
            [
                {"id": "a", "text": "The central authority", "correct": True},
                {"id": "b", "text": "The embassy", "feedback": "Embassies only transmit."},
            ]
        ],
    )


class MultipleChoice(QuestionBase):
    """One or more right options; partial credit (see trainer.quiz.grading)."""

    kind: Literal["multiple"] = Field(
        description="Multiple choice: one or more options are right; partial credit.",
        examples=["multiple"],
    )
    options: list[Option] = Field(
        min_length=2,
        max_length=26,
        description="The options (2-26), at least one with `correct: true`.",
        examples=[
            [
                {"id": "a", "text": "The central authority", "correct": True},
                {"id": "b", "text": "The embassy", "feedback": "Embassies only transmit."},
            ]
        ],
    )


class TrueFalse(QuestionBase):
    """A statement that is true or false: two options, one of them right."""

    kind: Literal["true_false"] = Field(
        description="True or false: a statement with two options, one of them right.",
        examples=["true_false"],
    )
    options: list[Option] = Field(
        min_length=2,
        max_length=2,
        description='Exactly two options (ids "true" and "false", quoted), one of them right.',
        examples=[
            [
                {"id": "true", "text": "True", "correct": True},
                {"id": "false", "text": "False", "feedback": "It is true: ..."},
            ]
        ],
    )


class ShortAnswer(QuestionBase):
    """A typed answer compared with the accepted answers (case, accents and spaces ignored)."""

    kind: Literal["short_answer"] = Field(
        description="Short answer: the learner types a few words.", examples=["short_answer"]
    )
    accepted: list[Text] = Field(
        min_length=1,
        description="Answers accepted as right (case, accents and extra spaces are ignored).",
        examples=[["dual criminality", "double criminality"]],
    )
    feedback: Markdown | None = Field(
        default=None,
        description="Shown after submission to a learner whose answer was wrong.",
        examples=["The principle is called *dual criminality*."],
    )


class NumericRange(ContentModel):
    """An inclusive range of accepted values."""

    min: float = Field(description="The lowest accepted value.", examples=[10])
    max: float = Field(description="The highest accepted value.", examples=[15])


class Numeric(QuestionBase):
    """A number: right when within `answer ± tolerance`, or inside `range`."""

    kind: Literal["numeric"] = Field(description="Numeric: the learner types a number.", examples=["numeric"])
    answer: float | None = Field(
        default=None,
        description="The right value (give `answer` or `range`, not both).",
        examples=[2016],
    )
    tolerance: float = Field(default=0.0, description="Accepted distance from `answer`.", examples=[0, 0.5])
    range: NumericRange | None = Field(
        default=None,
        description="Accepted values, inclusive (instead of `answer`).",
        examples=[{"min": 10, "max": 15}],
    )
    unit: str | None = Field(
        default=None, max_length=40, description="Shown after the answer box.", examples=["days"]
    )
    feedback: Markdown | None = Field(
        default=None,
        description="Shown after submission to a learner whose answer was wrong.",
        examples=["Resolution 2322 was adopted in December **2016**."],
    )


class MatchPair(ContentModel):
    """One item to match, with its right match. The learner picks among all matches."""

    id: Slug = Field(description="The pair's id, unique in the question.", examples=["speciality"])
    prompt: Text = Field(description="The item on the left.", examples=["Speciality rule"])
    match: Text = Field(
        description="Its right match, offered on the right among all matches and distractors.",
        examples=["Prosecute only for the offences extradition was granted for"],
    )


class Distractor(ContentModel):
    """An extra wrong match offered in a matching question."""

    id: Slug = Field(description="The distractor's id, unique in the question.", examples=["non-inquiry"])
    text: Text = Field(description="A match that fits no item.", examples=["Refuse any request made by fax"])


class Matching(QuestionBase):
    """Match each prompt to its match; credit per pair (see trainer.quiz.grading)."""

    kind: Literal["matching"] = Field(
        description="Matching: pair each item with its match.", examples=["matching"]
    )
    pairs: list[MatchPair] = Field(
        min_length=2,
        max_length=20,
        description="The items (2-20), each with its right match.",
        examples=[
            [
                {
                    "id": "speciality",
                    "prompt": "Speciality rule",
                    "match": "Only the offences granted",
                },
                {"id": "dual", "prompt": "Dual criminality", "match": "An offence in both States"},
            ]
        ],
    )
    distractors: list[Distractor] = Field(
        default_factory=list,
        max_length=10,
        description="Extra wrong matches (up to 10), to make guessing harder.",
        examples=[[{"id": "fax", "text": "Refuse any request made by fax"}]],
    )


class OrderItem(ContentModel):
    """A step to put in order; items are listed in the right order."""

    id: Slug = Field(description="The item's id, unique in the question.", examples=["receive"])
    text: Text = Field(description="The step.", examples=["Receive and register the request"])


OrderingScoring = Literal["position", "relative_to_next", "longest_ordered_subset"]
ORDERING_SCORING_DEFAULT: OrderingScoring = "relative_to_next"


class Ordering(QuestionBase):
    """Put the items in order (they are written in the right order); credit as `scoring` says."""

    kind: Literal["ordering"] = Field(
        description="Ordering: put the items in the right order.", examples=["ordering"]
    )
    items: list[OrderItem] = Field(
        min_length=2,
        max_length=20,
        description="The items (2-20), written in the RIGHT order; learners see them shuffled.",
        examples=[
            [
                {"id": "receive", "text": "Receive and register the request"},
                {"id": "review", "text": "Check it against the treaty"},
                {"id": "execute", "text": "Send it for execution"},
            ]
        ],
    )
    scoring: OrderingScoring = Field(
        default=ORDERING_SCORING_DEFAULT,
        # Left out of the content hash when it is the default, so that questions written before
        # the field existed keep their hash (and the attempts open on them).
        exclude_if=lambda value: value == ORDERING_SCORING_DEFAULT,
        description=(
            "How an order earns credit (the grading methods of Moodle's ordering question): "
            "`relative_to_next` (default): each item but the last earns 1/(n-1) when the item "
            "placed after it is its right successor; `position`: each item earns 1/n when it is "
            "in its right position; `longest_ordered_subset`: the longest run of items (not "
            "necessarily next to each other) in the right relative order earns its length/n, "
            "when it has at least 2 items."
        ),
        examples=["relative_to_next"],
    )


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
        default=70,
        ge=0,
        le=100,
        description="Percentage of points needed to pass (0-100).",
        examples=[70],
    )
    shuffle: bool = Field(default=False, description="Shuffle options per attempt.", examples=[False])
    questions_per_page: int | None = Field(
        default=None,
        ge=1,
        le=100,
        # Left out of the content hash when unset, so modules written before it keep their hash.
        exclude_if=lambda value: value is None,
        description=(
            "Show the quiz this many questions at a time (answers are saved on every page "
            "change); unset: all questions on one page."
        ),
        examples=[5],
    )
    questions: list[Question] = Field(
        min_length=1,
        description=(
            "The questions, each with a `kind`: single, multiple, true_false, short_answer, "
            "numeric, matching or ordering."
        ),
        examples=[
            [
                {
                    "id": "q-adoption",
                    "kind": "single",
                    "objective": "explain-2322",
                    "prompt": "When was resolution 2322 adopted?",
                    "options": [
                        {"id": "a", "text": "December 2016", "correct": True},
                        {"id": "b", "text": "September 2001", "feedback": "That was 1373."},
                        {"id": "c", "text": "June 2017", "feedback": "That was a CTC meeting."},
                    ],
                    "explanation": "It was adopted unanimously on 12 December 2016.",
                }
            ]
        ],
    )


class Source(ContentModel):
    """A citation the module relies on."""

    title: Text = Field(
        description="What is cited: title, author or body, and year.",
        examples=["UN Security Council resolution 2322 (2016)"],
    )
    url: str | None = Field(
        default=None,
        pattern=URL_PATTERN,
        max_length=2000,
        description="Where to read it (http or https).",
        examples=["https://undocs.org/S/RES/2322(2016)"],
    )
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="What the module takes from it.",
        examples=["Operative paragraphs 6-8 on central authorities."],
    )
    language: LanguageCode | None = Field(
        default=None,
        description=(
            "The language of the cited work's title (ISO 639-1), when it is not the module's: a "
            "French page cited in an English module. Pages mark the title with it, in every "
            "translation that keeps it."
        ),
        examples=["fr"],
    )


class ModuleRole(StrEnum):
    """What a module file is for."""

    PRACTICE = "practice"
    ASSESSMENT = "assessment"


class Module(ContentModel):
    """A module: reading, a quiz and its sources (`modules/<id>.yaml`).

    With `role: assessment` the file is an assessment bank instead: test-only questions that a
    curriculum's pre-test, post-test or forms draw from, which no practice quiz shows. A bank has
    no objectives or reading of its own; each question names the module and objective it assesses.
    """

    id: Slug = Field(
        description="The module's id: the file name without `.yaml`, unique across the content.",
        examples=["mandate-2322"],
    )
    title: Text = Field(description="The module title.", examples=["The mandate: resolution 2322"])
    role: ModuleRole = Field(
        default=ModuleRole.PRACTICE,
        description=(
            "`practice` (default): a module of reading and a practice quiz. `assessment`: an "
            "assessment bank of test-only questions for pre-tests, post-tests and forms; it is "
            "never listed among a programme's modules and no practice quiz shows its questions."
        ),
        examples=["practice", "assessment"],
    )
    language: LanguageCode = Field(
        default="en", description="The module's language (ISO 639-1).", examples=["en", "fr"]
    )
    summary: Markdown = Field(
        description="A short Markdown summary shown in lists and at the top of the module.",
        examples=["Why the Security Council asked for central authorities."],
    )
    duration_minutes: int = Field(
        ge=1,
        le=1440,
        description="How long the module takes in a workshop, in minutes.",
        examples=[90],
    )
    objectives: list[Objective] = Field(
        default_factory=list,
        description=(
            "What learners can do after the module; questions assess them (at least one; an "
            "assessment bank has none: its questions name other modules' objectives)."
        ),
        examples=[[{"id": "explain-2322", "text": "Explain what resolution 2322 asks of States."}]],
    )
    sections: list[Section] = Field(
        default_factory=list,
        description=(
            "The reading, in order; case studies are sections too (at least one; an assessment "
            "bank may hold only the case studies its questions use)."
        ),
        examples=[[{"id": "overview", "title": "Overview", "body": "Resolution 2322..."}]],
    )
    quiz: Quiz = Field(
        description="The quiz: pass mark, shuffling and the questions.",
        examples=[
            {
                "pass_mark": 70,
                "shuffle": False,
                "questions": [
                    {
                        "id": "q-year",
                        "kind": "numeric",
                        "prompt": "When was resolution 2322 adopted?",
                        "answer": 2016,
                        "explanation": "In December 2016.",
                    }
                ],
            }
        ],
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="The sources the module relies on.",
        examples=[[{"title": "UN Security Council resolution 2322 (2016)"}]],
    )


class TestQuestionRef(ContentModel):
    """A question of a module, used in a pre-test or post-test."""

    module: Slug = Field(description="The id of a module.", examples=["mandate-2322"])
    question: Slug = Field(description="The id of a question of that module.", examples=["q-adoption"])


class CurriculumTest(ContentModel):
    """A pre-test or post-test: its title, its pass mark and (without `forms`) its questions."""

    title: Text = Field(description="The test's title.", examples=["Pre-test: what do you know already?"])
    pass_mark: float = Field(
        default=70,
        ge=0,
        le=100,
        description="Percentage of points needed to pass (0-100).",
        examples=[70],
    )
    questions: list[TestQuestionRef] = Field(
        default_factory=list,
        description=(
            "Questions, in the order they are asked: best from an assessment bank, so trainees "
            "have not met them in a practice quiz. Leave out when the curriculum has `forms`."
        ),
        examples=[[{"module": "gcai-assessment", "question": "qa-adoption"}]],
    )


class TestForm(ContentModel):
    """One of two parallel test forms: questions assessing the same objectives as the other."""

    questions: list[TestQuestionRef] = Field(
        min_length=1,
        description="The form's questions, in the order they are asked.",
        examples=[[{"module": "gcai-assessment", "question": "qa-adoption"}]],
    )


class TestForms(ContentModel):
    """Two parallel, counterbalanced forms of the pre-test and post-test.

    Participants alternate at join: the first takes form A as pre-test and form B as post-test,
    the next B then A, and so on, so a difference in difficulty between the forms cancels out.
    """

    a: TestForm = Field(
        description="Form A.",
        examples=[{"questions": [{"module": "gcai-assessment", "question": "qa-adoption"}]}],
    )
    b: TestForm = Field(
        description="Form B: the same objectives as form A, other questions.",
        examples=[{"questions": [{"module": "gcai-assessment", "question": "qb-adoption"}]}],
    )


class Workshop(ContentModel):
    """A regional edition of the curriculum."""

    id: Slug = Field(
        description="The workshop's id, unique across curricula.", examples=["sahel-maghreb-2016"]
    )
    title: Text = Field(description="The edition's title.", examples=["Sahel-Maghreb regional workshop"])
    region: Text = Field(description="The region it serves.", examples=["Sahel-Maghreb"])
    city: Text | None = Field(
        default=None, description="Where it is held (leave out if not known).", examples=["Valletta"]
    )
    country: Text | None = Field(default=None, description="The host country.", examples=["Malta"])
    start: WorkshopDate = Field(
        description="First day: YYYY-MM-DD, or YYYY-MM when only the month is known.",
        examples=["2016-03"],
    )
    end: WorkshopDate = Field(
        description="Last day: YYYY-MM-DD, or YYYY-MM when only the month is known.",
        examples=["2016-03"],
    )
    dates_note: str | None = Field(
        default=None,
        max_length=400,
        description="What is known about the dates, if not exact.",
        examples=["Held in March 2016; the exact days are not published."],
    )
    language: LanguageCode = Field(
        default="en", description="The workshop's working language.", examples=["en", "fr"]
    )
    join_code: str | None = Field(
        default=None,
        pattern=JOIN_CODE_PATTERN,
        description="Code trainees type to join (4-12 capital letters or digits).",
        examples=["MALTA16"],
    )
    extra_modules: list[Slug] = Field(
        default_factory=list,
        description="Module ids added for this workshop only.",
        examples=[["electronic-evidence"]],
    )
    listed: bool = Field(
        default=True,
        description=(
            "Whether trainees can pick the workshop from the list on the start page; false: "
            "they join with its join code only. A trainer can change it on the dashboard."
        ),
        examples=[True, False],
    )
    enrolment: Literal["open", "closed"] = Field(
        default="open",
        description=(
            "Whether new trainees can join (`open`) or not (`closed`); trainees who joined "
            "carry on. A trainer can change it on the dashboard."
        ),
        examples=["open", "closed"],
    )
    max_participants: int | None = Field(
        default=None,
        ge=1,
        le=100000,
        description=(
            "At most this many trainees can join (leave out for no limit). A trainer can "
            "change it on the dashboard."
        ),
        examples=[40],
    )


class Curriculum(ContentModel):
    """A programme: ordered modules, pre/post tests and workshops (`curriculum/<id>.yaml`)."""

    id: Slug = Field(
        description="The curriculum's id: the file name without `.yaml`.",
        examples=["central-authorities"],
    )
    title: Text = Field(
        description="The programme's title.",
        examples=["Central authorities against terrorism: MLA and extradition"],
    )
    audience: Text = Field(
        description="Who the programme is for.",
        examples=["Central authority staff, prosecutors and investigating judges"],
    )
    author: Text = Field(
        description="Who wrote it.", examples=["Global Central Authorities Initiative faculty"]
    )
    language: LanguageCode = Field(
        default="en", description="The curriculum's language (ISO 639-1).", examples=["en", "fr"]
    )
    summary: Markdown | None = Field(
        default=None,
        description="A short Markdown summary of the programme.",
        examples=["Six modules on mutual legal assistance and extradition in terrorism cases."],
    )
    modules: list[Slug] = Field(
        min_length=1,
        description="Module ids, in teaching order.",
        examples=[["mandate-2322", "mla-and-extradition"]],
    )
    pre_test: CurriculumTest = Field(
        description="The test taken before the workshop.",
        examples=[
            {
                "title": "Pre-test",
                "questions": [{"module": "mandate-2322", "question": "q-adoption"}],
            }
        ],
    )
    post_test: CurriculumTest = Field(
        description="The test taken after the workshop (the same questions or a parallel form).",
        examples=[
            {
                "title": "Post-test",
                "questions": [{"module": "mandate-2322", "question": "q-adoption"}],
            }
        ],
    )
    forms: TestForms | None = Field(
        default=None,
        description=(
            "Two parallel forms (`a` and `b`) of the tests, counterbalanced: half the "
            "participants take A as pre-test and B as post-test, the other half B then A. With "
            "`forms`, `pre_test` and `post_test` give only titles and pass marks."
        ),
        examples=[
            {
                "a": {"questions": [{"module": "gcai-assessment", "question": "qa-adoption"}]},
                "b": {"questions": [{"module": "gcai-assessment", "question": "qb-adoption"}]},
            }
        ],
    )
    workshops: list[Workshop] = Field(
        min_length=1,
        description="The regional editions of the programme.",
        examples=[
            [
                {
                    "id": "sahel-maghreb-2016",
                    "title": "Sahel-Maghreb regional workshop",
                    "region": "Sahel-Maghreb",
                    "city": "Valletta",
                    "start": "2016-03",
                    "end": "2016-03",
                }
            ]
        ],
    )


def content_hash(model: BaseModel) -> str:
    """Return the SHA-256 of the model's canonical JSON.

    pydantic writes fields in their declared order with no spaces, which is as canonical as
    sorted keys for one version of the models and several times faster than json.dumps.
    """
    return hashlib.sha256(model.model_dump_json().encode("utf-8")).hexdigest()


def is_slug(value: str) -> bool:
    """Return whether `value` is a valid id."""
    return re.fullmatch(SLUG_PATTERN, value) is not None
