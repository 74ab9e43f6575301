"""What each edition of a handbook contains: answers only in the facilitator edition."""

from __future__ import annotations

import re
import unicodedata

import pytest

from trainer.content.catalogue import Catalogue
from trainer.export.handbook import Edition, handbook_html

FACILITATOR_ONLY = (
    "CANARY-ANSWER-SHORT",
    "CANARY-EXPLANATION",
    "CANARY-EXPLANATION-MATCHING",
    "CANARY-EXPLANATION-AR",
    "CANARY-FEEDBACK-WRONG-A",
    "CANARY-FEEDBACK-WRONG-C",
    "CANARY-FEEDBACK-SHORT",
    "CANARY-FEEDBACK-NUMERIC",
    "CANARY-FACILITATOR-NOTE",
    "CANARY-FACILITATOR-CASE",
    "Answer key",
    "Suggested time",
)


def _flat(text: str) -> str:
    """Return text as a reader compares it: presentation forms folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("canary", FACILITATOR_ONLY)
def test_participant_edition_has_no_answers(handbooks, canary: str) -> None:
    assert canary not in handbooks[Edition.PARTICIPANT].text


@pytest.mark.parametrize("canary", FACILITATOR_ONLY)
def test_facilitator_edition_has_answers_notes_and_timings(handbooks, canary: str) -> None:
    assert canary in handbooks[Edition.FACILITATOR].text


@pytest.mark.parametrize("canary", ["CANARY-ANSWER", "CANARY-EXPLANATION", "CANARY-FEEDBACK",
                                    "CANARY-FACILITATOR", "answer-key"])
def test_participant_html_does_not_even_contain_answers(fixture_catalogue: Catalogue,
                                                        canary: str) -> None:
    curriculum, workshop = fixture_catalogue.workshop("south")
    html = handbook_html(fixture_catalogue, curriculum, workshop, Edition.PARTICIPANT)
    assert canary not in html
    assert canary in handbook_html(fixture_catalogue, curriculum, workshop, Edition.FACILITATOR)


def test_both_editions_carry_the_worksheet(handbooks) -> None:
    for edition in Edition:
        text = handbooks[edition].text
        assert "Worksheet" in text
        assert "Name the principle that the conduct must be an offence in both States." in text
        assert "Choose all the answers that apply." in text


def test_worksheet_shuffles_ordering_items_away_from_the_right_order(handbooks) -> None:
    text = handbooks[Edition.PARTICIPANT].text
    steps = re.findall(r"ORDER-STEP-(ONE|TWO|THREE|FOUR)", text)
    assert sorted(steps) == sorted(["ONE", "TWO", "THREE", "FOUR"])
    assert steps != ["ONE", "TWO", "THREE", "FOUR"]


def test_answer_key_gives_the_order_as_worksheet_letters(handbooks) -> None:
    participant = handbooks[Edition.PARTICIPANT].text
    letter_of = dict(
        (step, letter) for letter, step in
        re.findall(r"([A-D])\s*ORDER-STEP-(ONE|TWO|THREE|FOUR)", participant)
    )
    expected = " → ".join(letter_of[s] for s in ("ONE", "TWO", "THREE", "FOUR"))
    assert expected in handbooks[Edition.FACILITATOR].text


def test_matching_answer_key_points_at_the_worksheet_letters(handbooks) -> None:
    participant = _flat(handbooks[Edition.PARTICIPANT].text)
    letter = re.search(r"([A-D]) Extradite or prosecute", participant)
    assert letter is not None
    key = _flat(handbooks[Edition.FACILITATOR].text)
    assert f"Aut dedere aut judicare → {letter.group(1)} Extradite or prosecute" in key


def test_answer_key_names_the_right_option_by_letter(handbooks) -> None:
    key = _flat(handbooks[Edition.FACILITATOR].text)
    assert "ANSWER B The central authority of State B" in key
    assert "ANSWER 6 weeks" in key
    assert "between 5 and 9 days" in key


def test_french_and_arabic_text_extract_from_the_pdf(handbooks) -> None:
    text = _flat(handbooks[Edition.PARTICIPANT].text)
    for phrase in (
        "« entraide judiciaire », autorité centrale, déjà",
        "Échéances, délais et célérité : l'entraide exige de la précision.",
        "المساعدة القانونية المتبادلة وتسليم المطلوبين في قضايا الإرهاب",
        "استخدام المصطلحات الصحيحة للسلطة المركزية",
        "ما هي الجهة التي تستلم الطلبات؟",
    ):
        assert _flat(phrase) in text


def test_cover_shows_the_workshop(handbooks) -> None:
    cover = _flat(handbooks[Edition.FACILITATOR].texts[0])
    for expected in ("Fixture curriculum on judicial cooperation", "Southern regional workshop",
                     "South Region", "Nairobi", "16\u2009–\u200920 May 2017", "French",
                     "Facilitator edition"):
        assert _flat(expected) in cover
    assert "Participant edition" in handbooks[Edition.PARTICIPANT].texts[0]


def test_back_of_cover_has_the_training_notice_and_points_to_the_sources(handbooks) -> None:
    view = handbooks[Edition.PARTICIPANT]
    back = _flat(view.texts[1])
    assert "For training use only." in back
    page = int(re.search(r"listed together at the end, page (\d+)\.", back).group(1))
    sources = _flat(view.texts[page - 1])
    assert sources.startswith("Sources")
    assert "UN Security Council resolution 2322 (2016)" in sources
    assert "Rabat Memorandum on Good Practices (GCTF)" in sources


def test_workshop_without_a_city_shows_no_empty_venue(fixture_catalogue: Catalogue) -> None:
    curriculum, workshop = fixture_catalogue.workshop("south")
    html = handbook_html(fixture_catalogue, curriculum, workshop.model_copy(update={"city": None}))
    assert "None" not in html
    assert "<th scope=\"row\">Venue</th><td>Nairobi" not in html
