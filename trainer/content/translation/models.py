"""The shape of translation files (`modules/<lang>/<id>.yaml`, `curriculum/<lang>/<id>.yaml`):
frozen models, unknown keys refused.

A translation mirrors its source module's ids and holds text only; see overlay.py
for how it is applied and checked, and docs/translations.md for translators.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from trainer.content.models import LanguageCode, Markdown, Slug, Text

HASH_LENGTH = 12
SOURCE_HASH_PATTERN = rf"^[0-9a-f]{{{HASH_LENGTH}}}$"

_HASH_DESCRIPTION = (
    "Hash of the source text this entry was translated from, written by `trainer translations "
    "stamp`. Leave it out (or keep the old value) until the entry is translated."
)


class TranslationModel(BaseModel):
    """Base of every translation model: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TranslatedEntry(TranslationModel):
    """An entry that records the hash of the source text it translates."""

    source_hash: str | None = Field(
        default=None, pattern=SOURCE_HASH_PATTERN, description=_HASH_DESCRIPTION,
        examples=["3f9a0c1be27d"],
    )


class TranslatedObjective(TranslatedEntry):
    """A learning objective, in the target language."""

    id: Slug = Field(description="The id of the objective in the source module.")
    text: Text | None = Field(default=None, description="The objective, translated.")


class TranslatedSection(TranslatedEntry):
    """A section of reading, in the target language."""

    id: Slug = Field(description="The id of the section in the source module.")
    title: Text | None = Field(default=None, description="The section heading, translated.")
    body: Markdown | None = Field(default=None, description="The reading, translated (Markdown).")
    facilitator_notes: Markdown | None = Field(
        default=None, description="The facilitator notes, translated (when the source has them)."
    )


class TranslatedOption(TranslatedEntry):
    """An option of a choice question; whether it is right stays in the source."""

    id: Slug = Field(description="The id of the option in the source question.")
    text: Text | None = Field(default=None, description="The option, translated.")
    feedback: Markdown | None = Field(
        default=None, description="The option's feedback, translated (when the source has it)."
    )


class TranslatedPair(TranslatedEntry):
    """A pair of a matching question."""

    id: Slug = Field(description="The id of the pair in the source question.")
    prompt: Text | None = Field(default=None, description="The item on the left, translated.")
    match: Text | None = Field(default=None, description="Its right match, translated.")


class TranslatedDistractor(TranslatedEntry):
    """A distractor of a matching question."""

    id: Slug = Field(description="The id of the distractor in the source question.")
    text: Text | None = Field(default=None, description="The distractor, translated.")


class TranslatedOrderItem(TranslatedEntry):
    """An item of an ordering question; the right order stays in the source."""

    id: Slug = Field(description="The id of the item in the source question.")
    text: Text | None = Field(default=None, description="The step, translated.")


class TranslatedQuestion(TranslatedEntry):
    """A question's text; give only the fields its kind has in the source."""

    id: Slug = Field(description="The id of the question in the source module.")
    prompt: Markdown | None = Field(default=None, description="The question, translated.")
    explanation: Markdown | None = Field(default=None, description="The explanation, translated.")
    feedback: Markdown | None = Field(
        default=None, description="Feedback for a wrong short or numeric answer, translated."
    )
    accepted: list[Text] | None = Field(
        default=None, min_length=1,
        description=(
            "Short answers accepted in this language (they replace the source's list: include "
            "acronyms and names that stay the same)."
        ),
        examples=[["double incrimination", "principe de la double incrimination"]],
    )
    unit: str | None = Field(
        default=None, min_length=1, max_length=40, description="The numeric unit, translated."
    )
    options: list[TranslatedOption] | None = Field(default=None, description="The options.")
    pairs: list[TranslatedPair] | None = Field(default=None, description="The matching pairs.")
    distractors: list[TranslatedDistractor] | None = Field(
        default=None, description="The matching distractors."
    )
    items: list[TranslatedOrderItem] | None = Field(default=None, description="The ordering items.")


class TranslatedQuiz(TranslationModel):
    """The quiz's questions (pass mark and shuffling stay in the source)."""

    questions: list[TranslatedQuestion] = Field(
        default_factory=list, description="The questions, by id."
    )


class TranslatedSource(TranslatedEntry):
    """A source, matched by position (sources have no ids); its URL stays in the source."""

    title: Text | None = Field(default=None, description="What is cited, translated.")
    note: str | None = Field(
        default=None, min_length=1, max_length=2000, description="The note, translated."
    )


class ModuleTranslation(TranslatedEntry):
    """A translation of one module (`modules/<language>/<module id>.yaml`)."""

    id: Slug = Field(description="The id of the source module (the file name without `.yaml`).")
    language: LanguageCode = Field(description="The language of this translation (its folder name).")
    title: Text | None = Field(default=None, description="The module title, translated.")
    summary: Markdown | None = Field(default=None, description="The summary, translated.")
    objectives: list[TranslatedObjective] = Field(default_factory=list, description="By id.")
    sections: list[TranslatedSection] = Field(default_factory=list, description="By id.")
    quiz: TranslatedQuiz | None = Field(default=None, description="The quiz's questions.")
    sources: list[TranslatedSource] = Field(
        default_factory=list, description="The sources, in the source module's order."
    )


class TranslatedTest(TranslatedEntry):
    """A pre-test or post-test's text (its questions come from the modules' translations)."""

    title: Text | None = Field(default=None, description="The test's title, translated.")


class TranslatedWorkshop(TranslatedEntry):
    """A workshop edition's text; its dates, language and join code stay in the source."""

    id: Slug = Field(description="The id of the workshop in the source curriculum.")
    title: Text | None = Field(default=None, description="The edition's title, translated.")
    region: Text | None = Field(default=None, description="The region, translated.")
    city: Text | None = Field(default=None, description="The city, translated.")
    country: Text | None = Field(default=None, description="The host country, translated.")
    dates_note: str | None = Field(
        default=None, min_length=1, max_length=400, description="The note on the dates, translated."
    )


class CurriculumTranslation(TranslatedEntry):
    """A translation of one curriculum (`curriculum/<language>/<curriculum id>.yaml`)."""

    id: Slug = Field(description="The id of the source curriculum (the file name without `.yaml`).")
    language: LanguageCode = Field(description="The language of this translation (its folder name).")
    title: Text | None = Field(default=None, description="The programme's title, translated.")
    audience: Text | None = Field(default=None, description="Who it is for, translated.")
    author: Text | None = Field(default=None, description="Who wrote it, translated.")
    summary: Markdown | None = Field(default=None, description="The summary, translated.")
    pre_test: TranslatedTest | None = Field(default=None, description="The pre-test's text.")
    post_test: TranslatedTest | None = Field(default=None, description="The post-test's text.")
    workshops: list[TranslatedWorkshop] = Field(default_factory=list, description="By id.")
