"""Personal resume codes: a trainee's way back in on another device, without a password.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two groups
of four ("KX7P-3MWA"): about 40 bits, enough when guessing is rate-limited (the web app allows a
few wrong codes per address, see trainer.web.learn.views). It is a secret, so the store keeps
only a keyed hash of it (HMAC-SHA256 under the instance folder's `resume_code_key`, or
TRAINER_RESUME_CODE_KEY): the hash finds the participant in one indexed lookup, and a copy of
the database without the key gives nothing to guess against. A trainer can revoke a code or issue
a new one (the old one stops working); a trainee can ask for a new one on their programme page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from trainer.services.keys import instance_key

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0 O 1 I L
LENGTH = 8
KEY_FILE = "resume_code_key"


def resume_code_key(configured: object, instance: Path | str) -> bytes:
    """Return the key resume codes are hashed with (made in the instance folder on first use)."""
    return instance_key(KEY_FILE, configured, instance)


def new_code() -> str:
    """Return a new random resume code, as shown: "KX7P-3MWA"."""
    return shown("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def shown(canonical: str) -> str:
    """Return a code as it is shown: two groups of four ("KX7P-3MWA")."""
    return f"{canonical[:4]}-{canonical[4:]}"


def normalise(text: str) -> str | None:
    """Return a typed code in its canonical form ("kx7p 3mwa" → "KX7P3MWA"), or None when it
    cannot be a code (wrong length or a character outside the alphabet)."""
    kept = "".join(c for c in text.upper() if c not in " -\u00a0\t")
    if len(kept) != LENGTH or any(c not in ALPHABET for c in kept):
        return None
    return kept


def code_hash(key: bytes, code: str) -> str | None:
    """Return the stored form of a code (hex HMAC-SHA256 of its canonical form); None for text
    that is no code."""
    canonical = normalise(code)
    if canonical is None:
        return None
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()
