"""Flask-WTF forms: joining a workshop, one-button actions, and quiz forms built from questions.

A quiz form is generated per attempt from its presented questions (see trainer.web.attempts):
every choice is posted as a per-attempt token, never as an option id, and any token that is not
one of the question's is a validation error (nothing is stored). Fields the form does not define
(`score=100`, unknown question ids) are never read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.store.models import DISPLAY_NAME_LENGTH

NAME_MAX = DISPLAY_NAME_LENGTH
ANSWER_MAX = 500


def _strip(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class JoinForm(FlaskForm):  # type: ignore[misc]
    """Join a workshop: a display name, and a workshop picked from the list or a join code."""

    name = StringField(
        _l("Your name"),
        description=_l("As you want your trainer to see it, e.g. “Amina K.”"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your name.")), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    workshop = SelectField(_l("Your workshop"), choices=[], validate_choice=False)
    code = StringField(
        _l("Or enter the join code from your trainer"),
        filters=[_strip],
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "maxlength": 20},
    )


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A one-button form (start a quiz, leave): nothing but its CSRF token."""


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """Several checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class Choice:
    """One thing a learner can pick: its per-attempt token and its label as safe HTML."""

    token: str
    label: Markup


@dataclass(frozen=True)
class FieldSpec:
    """One form field of a question: its name, its label and the choices it accepts."""

    name: str
    label: Markup
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class QuestionFields:
    """The form fields that answer one question."""

    kind: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)


def _token_validator(tokens: Sequence[str]) -> Any:
    allowed = frozenset(tokens)

    def check(_form: FlaskForm, field_: Field) -> None:
        data = field_.data
        values = data if isinstance(data, list) else [data]
        if any(value not in allowed for value in values if value not in (None, "")):
            raise ValidationError(str(_l("Choose one of the options shown.")))

    return check


def _make_field(kind: str, spec: FieldSpec) -> Field:
    tokens = [choice.token for choice in spec.choices]
    pairs = [SelectChoice(choice.token, choice.label) for choice in spec.choices]
    checks = [_token_validator(tokens)]
    if kind in ("single", "true_false"):
        return RadioField(spec.label, choices=pairs, validate_choice=False, validators=checks)
    if kind == "multiple":
        return MultiCheckboxField(spec.label, choices=pairs, validate_choice=False,
                                  validators=checks)
    if kind in ("matching", "ordering"):
        blank = SelectChoice("", str(_l("Choose…")))
        return SelectField(spec.label, choices=[blank, *pairs], validate_choice=False,
                           validators=checks)
    return StringField(spec.label, filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[Optional(), Length(max=ANSWER_MAX)],
                       render_kw={"maxlength": ANSWER_MAX, "autocomplete": "off"})


class QuizForm(FlaskForm):  # type: ignore[misc]
    """Base of generated quiz forms; see `build_quiz_form`."""

    question_fields: tuple[QuestionFields, ...] = ()

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


def build_quiz_form(questions: Sequence[QuestionFields], formdata: Any = None) -> QuizForm:
    """Build a quiz form with one or more fields per question, bound to `formdata` if given."""
    attributes: dict[str, Any] = {"question_fields": tuple(questions)}
    for question in questions:
        for spec in question.fields:
            attributes[spec.name] = _make_field(question.kind, spec)
    form_class = type("GeneratedQuizForm", (QuizForm,), attributes)
    form: QuizForm = form_class(formdata=formdata)
    return form
