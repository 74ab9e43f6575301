"""Flask-WTF forms: joining a workshop, one-button actions, and quiz forms built from questions.

A quiz form is generated per attempt from its presented questions (see trainer.services.attempts):
every choice is posted as a per-attempt token, never as an option id, and any token that is not
one of the question's is a validation error (nothing is stored). Fields the form does not define
(`score=100`, unknown question ids) are never read.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.services.attempts import QuestionFields
from trainer.services.drafts import ANSWER_MAX
from trainer.store.models import DISPLAY_NAME_LENGTH
from trainer.web.security import StrictMeta

NAME_MAX = DISPLAY_NAME_LENGTH
FORM_CLASS_CACHE_SIZE = 256  # one per quiz shape: modules, pre- and post-tests


def _strip(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def at_most(limit: int) -> Length:
    """Return the validator of a text's length, its message in the app's catalog (WTForms' own
    is missing in Arabic for most lengths, and English is then shown on an Arabic page)."""
    return Length(max=limit, message=_l("Too long: %(length)d characters, at most %(max)d."))


class WholeNumberField(IntegerField):  # type: ignore[misc]
    """An IntegerField whose message for text that is not a whole number is `invalid` (WTForms'
    own says "not a valid real number" in Arabic); left blank, it holds None."""

    data: int | None

    def __init__(self, *args: Any, invalid: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the posted text as a whole number (blank: None), or fail with `invalid`."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid)) from None

    def pre_validate(self, _form: Any) -> None:
        """Say `invalid` once: the range check after it would say it again."""
        if self.process_errors:
            raise StopValidation


class StrictForm(FlaskForm):  # type: ignore[misc]
    """Base of every form of the app: a field sent more times than it takes values is a 400
    before anything is read (trainer.web.security.check_form_shape)."""

    class Meta(StrictMeta):
        """WTForms options: the shape check."""


class JoinForm(StrictForm):
    """Join a workshop: a display name, and a workshop picked from the list or a join code."""

    name = StringField(
        _l("Your name"),
        description=_l("As you want your trainer to see it, e.g. “Amina K.”"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your name.")), at_most(NAME_MAX)],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    workshop = SelectField(_l("Your workshop"), choices=[], validate_choice=False)
    code = StringField(
        _l("Or enter the join code from your trainer"),
        filters=[_strip],
        validators=[Optional(), at_most(20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "maxlength": 20},
    )


class ResumeForm(StrictForm):
    """Come back on another device with a personal resume code."""

    resume_code = StringField(
        _l("I have a resume code"),
        description=_l("The code shown on your programme page, e.g. “KX7P-3MWA”."),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your resume code.")), at_most(20)],
        # Latin letters and digits, typed left to right on an Arabic page too.
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "maxlength": 20, "dir": "ltr"},
    )


class RenameForm(StrictForm):
    """A trainer renames a participant."""

    name = StringField(
        _l("New name"), filters=[_strip],
        validators=[DataRequired(_l("Enter a name.")), at_most(NAME_MAX)],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "off"},
    )


class MergeForm(StrictForm):
    """A trainer picks the participant to merge into the one whose page this is."""

    other = SelectField(_l("The other record of this person"), choices=[],
                        validators=[DataRequired(_l("Choose a participant."))])


class ActionForm(StrictForm):
    """A one-button form (start a quiz, leave): nothing but its CSRF token."""


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """Several checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _check_tokens(form: QuizForm, field_: Field) -> None:
    """Refuse any posted choice that is not one of this attempt's tokens for the field."""
    allowed = form.allowed_tokens.get(field_.name, frozenset())
    data = field_.data
    values = data if isinstance(data, list) else [data]
    if any(value not in allowed for value in values if value not in (None, "")):
        raise ValidationError(str(_l("Choose one of the options shown.")))


def _strip_answer(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _make_field(kind: str, name: str) -> Field:
    # The choices are the attempt's own tokens, checked per form (QuizForm.allowed_tokens); the
    # page is written by templates/learn/_questions.html, so fields carry no real labels or
    # choices (the label given only spares WTForms translating a made-up one per field).
    if kind in ("single", "true_false"):
        return RadioField(name, choices=[], validate_choice=False, validators=[_check_tokens])
    if kind == "multiple":
        return MultiCheckboxField(name, choices=[], validate_choice=False,
                                  validators=[_check_tokens])
    if kind in ("matching", "ordering"):
        return SelectField(name, choices=[], validate_choice=False, validators=[_check_tokens])
    return StringField(name, filters=[_strip_answer],
                       validators=[Optional(), at_most(ANSWER_MAX)])


class QuizForm(StrictForm):
    """Base of generated quiz forms; see `build_quiz_form`.

    No CSRF field of its own: CSRFProtect has checked the token of every POST before the view runs
    (and its failure keeps the answers, see learn.csrf_expired); a second check per form signed a
    fresh token on every submission for nothing.
    """

    class Meta(StrictMeta):
        """WTForms options: no per-form CSRF field (see above), the shape check."""

        csrf = False

    question_fields: tuple[QuestionFields, ...] = ()
    allowed_tokens: Mapping[str, frozenset[str]] = {}

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Validate every field, then that each ordering uses each step once."""
        valid: bool = super().validate(extra_validators)
        for question in self.question_fields:
            if question.kind != "ordering":
                continue
            fields = [self[spec.name] for spec in question.fields]
            chosen = [f.data for f in fields if f.data]
            if chosen and (len(chosen) != len(fields) or len(set(chosen)) != len(chosen)):
                fields[0].errors = [*fields[0].errors, str(
                    _l("Put every step in a position, using each step once."))]
                valid = False
        return valid


# A quiz's shape: for each question its kind and field names (q1, q2-1, q2-2 ...).
Shape = tuple[tuple[str, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=FORM_CLASS_CACHE_SIZE)
def _quiz_form_class(shape: Shape) -> type[QuizForm]:
    attributes: dict[str, Any] = {
        name: _make_field(kind, name) for kind, names in shape for name in names}
    return type("GeneratedQuizForm", (QuizForm,), attributes)


def build_quiz_form(questions: Sequence[QuestionFields], formdata: Any = None) -> QuizForm:
    """Build a quiz form with one or more fields per question, bound to `formdata` if given.

    Form classes depend only on the quiz's shape (kinds and field names), so a worker makes one
    per quiz and keeps it (making it was half the CPU of a submission); each form then knows the
    tokens its own attempt accepts.
    """
    shape = tuple((q.kind, tuple(spec.name for spec in q.fields)) for q in questions)
    form: QuizForm = _quiz_form_class(shape)(formdata=formdata)
    form.question_fields = tuple(questions)
    form.allowed_tokens = {spec.name: spec.tokens
                           for question in questions for spec in question.fields}
    return form
