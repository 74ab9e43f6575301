"""Certificate verification codes: short, typable codes that prove a certificate was issued here.

A code packs a format version, the participant's number and the first 48 bits of an HMAC-SHA256
(with a key only the issuing installation holds) over the certificate's fields: participant id and
public id, name, workshop id and issue date. It is written in Crockford's base32 (no I, L, O or U;
reading accepts lower case, I/L for 1, O for 0, and ignores spaces and hyphens) in groups of four:
`7ZQ4-9K1M-...`. Checking a code needs the key and the fields the code claims to cover, which the
caller looks up from the participant number (`trainer verify CODE` does so in the local database,
offline). Forging a code means guessing 48 bits: 2^47 tries on average, each a verification.

Pure: no I/O. The key is the caller's (see the instance folder's `certificate_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

__all__ = [
    "CertificateFields",
    "VerificationCodeError",
    "decode_code",
    "make_code",
    "verify_code",
]

VERSION = 1
MAC_BYTES = 6
ID_BYTES = 4
GROUP = 4
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"I": "1", "L": "1", "O": "0"}
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}


class VerificationCodeError(ValueError):
    """Text that is not a verification code at all (wrong length or characters)."""


@dataclass(frozen=True, slots=True)
class CertificateFields:
    """What a certificate states and its code protects."""

    participant_id: int
    public_id: str
    name: str
    workshop_id: str
    issued: str  # ISO date, YYYY-MM-DD

    def canonical(self) -> bytes:
        """Return the bytes the MAC is computed over (stable across versions of Python)."""
        return json.dumps(
            [VERSION, self.participant_id, self.public_id, self.name, self.workshop_id,
             self.issued], ensure_ascii=False, separators=(",", ":"),
        ).encode("utf-8")


def _mac(key: bytes, fields: CertificateFields) -> bytes:
    return hmac.new(key, fields.canonical(), hashlib.sha256).digest()[:MAC_BYTES]


def _encode(data: bytes) -> str:
    bits = len(data) * 8
    number = int.from_bytes(data, "big")
    length = -(-bits // 5)
    number <<= length * 5 - bits
    symbols = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(length))]
    text = "".join(symbols)
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


def _decode(code: str, size: int) -> bytes:
    cleaned = "".join(code.split()).replace("-", "").upper()
    cleaned = "".join(_READ_AS.get(char, char) for char in cleaned)
    bits = size * 8
    length = -(-bits // 5)
    if len(cleaned) != length or any(char not in _VALUE for char in cleaned):
        raise VerificationCodeError(
            f"a verification code has {length} letters and digits, like "
            f"{_encode(bytes(size))}"
        )
    number = 0
    for char in cleaned:
        number = number * 32 + _VALUE[char]
    padding = length * 5 - bits
    if number & ((1 << padding) - 1):
        raise VerificationCodeError("this is not a verification code (check for typing mistakes)")
    return (number >> padding).to_bytes(size, "big")


def make_code(key: bytes, fields: CertificateFields) -> str:
    """Return the verification code of a certificate."""
    if not 0 < fields.participant_id < 2 ** (8 * ID_BYTES):
        raise ValueError("participant id out of range")
    payload = bytes([VERSION]) + fields.participant_id.to_bytes(ID_BYTES, "big")
    return _encode(payload + _mac(key, fields))


def decode_code(code: str) -> int:
    """Return the participant number a code names; raise VerificationCodeError if malformed."""
    data = _decode(code, 1 + ID_BYTES + MAC_BYTES)
    if data[0] != VERSION:
        raise VerificationCodeError("this is not a verification code (check for typing mistakes)")
    return int.from_bytes(data[1:1 + ID_BYTES], "big")


def verify_code(key: bytes, code: str, fields: CertificateFields) -> bool:
    """Return whether `code` is the code of a certificate with exactly these fields."""
    try:
        data = _decode(code, 1 + ID_BYTES + MAC_BYTES)
    except VerificationCodeError:
        return False
    if data[0] != VERSION or int.from_bytes(data[1:1 + ID_BYTES], "big") != fields.participant_id:
        return False
    return hmac.compare_digest(data[1 + ID_BYTES:], _mac(key, fields))
