"""Certificate verification codes: round trip, tampering, typing mistakes, Crockford reading."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.quiz.verification import (
    CertificateFields,
    VerificationCodeError,
    decode_code,
    make_code,
    verify_code,
)

KEY = b"k" * 32
FIELDS = CertificateFields(42, "pub-id", "Amina K.", "ws-alpha", "2017-05-18")


def test_a_code_is_short_grouped_and_verifies() -> None:
    code = make_code(KEY, FIELDS)
    assert len(code) == 22  # 18 symbols in groups of four
    assert [len(group) for group in code.split("-")] == [4, 4, 4, 4, 2]
    assert set(code.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert verify_code(KEY, code, FIELDS)
    assert decode_code(code) == 42


def test_reading_forgives_case_spaces_and_look_alikes() -> None:
    code = make_code(KEY, FIELDS)
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert verify_code(KEY, typed, FIELDS)


@pytest.mark.parametrize("change", [
    {"name": "Amina X."}, {"workshop_id": "ws-beta"}, {"issued": "2017-05-19"},
    {"public_id": "other"}, {"participant_id": 43},
])
def test_any_changed_field_fails(change: dict[str, object]) -> None:
    code = make_code(KEY, FIELDS)
    assert not verify_code(KEY, code, replace(FIELDS, **change))  # type: ignore[arg-type]


def test_another_key_or_a_typo_fails() -> None:
    code = make_code(KEY, FIELDS)
    assert not verify_code(b"other key", code, FIELDS)
    symbols = list(code)
    symbols[-1] = "0" if symbols[-1] != "0" else "2"
    assert not verify_code(KEY, "".join(symbols), FIELDS)


@pytest.mark.parametrize("text", ["", "ABC", "!!!!-!!!!-!!!!-!!!!-!!", "U" * 18])
def test_text_that_is_not_a_code_is_refused_clearly(text: str) -> None:
    with pytest.raises(VerificationCodeError):
        decode_code(text)
    assert not verify_code(KEY, text, FIELDS)


def test_a_known_code_stays_the_same() -> None:
    # Pinned: a change of the encoding or the MAC input would invalidate issued certificates.
    pinned = make_code(b"0" * 32, CertificateFields(1, "p", "N", "w", "2020-01-01"))
    assert pinned == "0400-0001-2P59-QXNA-TM"
    assert decode_code(make_code(KEY, replace(FIELDS, participant_id=2**32 - 1))) == 2**32 - 1
