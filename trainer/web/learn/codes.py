"""The trainee's resume code in the web app: its key, issuing one, keeping it in the session.

See trainer.services.resume_codes (the codes and their hashes) and trainer.web.learn.resume (the
routes). The code itself is kept only in the trainee's own session, to show it again.
"""

from __future__ import annotations

from flask import current_app, session

from trainer.services.resume_codes import code_hash, new_code, resume_code_key
from trainer.web.learn.participants import Trainee

CODE_KEY = "resume_code"


def resume_key() -> bytes:
    """Return the key resume codes are hashed with (TRAINER_RESUME_CODE_KEY or the instance's)."""
    return resume_code_key(current_app.config.get("TRAINER_RESUME_CODE_KEY"),
                           current_app.instance_path)


def issue_code() -> tuple[str, str]:
    """Return a new resume code and its hash (the caller stores the hash)."""
    code = new_code()
    hashed = code_hash(resume_key(), code)
    assert hashed is not None  # noqa: S101 - new_code makes valid codes
    return code, hashed


def remember_code(code: str) -> None:
    """Keep the trainee's code in their session, to show it on their programme page."""
    session[CODE_KEY] = code


def shown_code(trainee: Trainee) -> str | None:
    """Return the trainee's code when the session has it and it still works, else None."""
    code = session.get(CODE_KEY)
    if not isinstance(code, str) or trainee.participant.resume_code_hash is None:
        return None
    return code if code_hash(resume_key(), code) == trainee.participant.resume_code_hash else None
