"""Personal resume codes on the trainee side: issued on joining, shown, entered on another device.

Routes (on the `learn` blueprint):
  POST /resume              sign in with a resume code (wrong codes rate-limited per address)
  GET  /resume-code         the trainee's code, printable
  POST /resume-code/new     a new code for the trainee (the old one stops working)

The code itself is kept only in the trainee's own session (to show it again); the store has its
keyed hash (trainer.services.resume_codes). Signing in goes through
trainer.web.learn.participants.sign_in, the one way a trainee session starts.
"""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.wrappers import Response as WerkzeugResponse

from trainer.services.resume_codes import code_hash, normalise, shown
from trainer.store.enrolment import enrolment_overrides
from trainer.store.participants import find_by_resume_code, set_resume_code
from trainer.web.errors import PageResult
from trainer.web.forms import ActionForm, ResumeForm
from trainer.web.learn.codes import issue_code, remember_code, resume_key, shown_code
from trainer.web.learn.participants import require_trainee, sign_in
from trainer.web.learn.views import _join_form, bp
from trainer.web.limits import limiter
from trainer.web.state import catalogue, database

logger = logging.getLogger(__name__)

# Wrong codes allowed per client address (right ones are not counted). With 31^8 codes and a
# hundred trainees, a guess hits one of their codes once in ~8·10^9 tries: at ten a quarter of an
# hour, some 20,000 years from one address.
RESUME_LIMIT_PER_ADDRESS = "10 per 15 minutes"


def resume_limit() -> str:
    """Return the wrong-code limit per address (config TRAINER_RESUME_LIMIT_PER_ADDRESS)."""
    return str(current_app.config.get("TRAINER_RESUME_LIMIT_PER_ADDRESS",
                                      RESUME_LIMIT_PER_ADDRESS))


def _home(resume_form: ResumeForm, status: int) -> PageResult:
    return render_template("learn/home.html", form=_join_form(enrolment_overrides(database())),
                           resume_form=resume_form, trainee=None, leave_form=ActionForm()), status


def _wrong_codes() -> tuple[RateLimitItem, str, str]:
    """Return the wrong-code limit and its key (this scope, the client's address)."""
    return parse(resume_limit()), "trainee-resume-code", get_remote_address()


def _too_many_codes() -> PageResult:
    """Show the start page with a throttling message (429)."""
    form = ResumeForm(formdata=None)
    form.resume_code.errors = [_("Too many wrong codes from this device. Wait a quarter of an "
                                 "hour, or ask your trainer.")]
    return _home(form, 429)


@bp.post("/resume")
def resume() -> PageResult:
    """Sign in as the participant whose resume code this is.

    Only wrong codes count against the address's limit (a hit after the answer is known; the
    limiter's own after-request hook is not installed, see trainer.web.limits).
    """
    limit, *key = _wrong_codes()
    if not limiter.limiter.test(limit, *key):
        return _too_many_codes()
    form = ResumeForm(request.form)
    if not form.validate():
        return _home(form, 400)
    hashed = code_hash(resume_key(), form.resume_code.data or "")
    participant = find_by_resume_code(database(), hashed) if hashed else None
    if participant is not None:
        try:
            catalogue().workshop(participant.workshop_id)
        except KeyError:
            participant = None  # the workshop is gone from the content
    if participant is None:
        form.resume_code.errors = [_("This code does not work. Check it, or ask your trainer "
                                     "for a new one.")]
        logger.info("wrong resume code from %s", request.remote_addr)
        limiter.limiter.hit(limit, *key)
        return _home(form, 400)
    sign_in(participant)
    remember_code(shown(normalise(form.resume_code.data or "") or ""))
    logger.info("participant %s resumed with their code", participant.public_id)
    flash(_("Welcome back, %(name)s. Your results are all here.", name=participant.display_name),
          "info")
    return redirect(url_for("learn.programme"), code=303)


@bp.get("/resume-code")
def printable_code() -> PageResult:
    """Show the trainee's resume code on a page of its own, to print or copy."""
    trainee = require_trainee()
    return render_template("learn/resume_code.html", trainee=trainee, code=shown_code(trainee),
                           action_form=ActionForm())


@bp.post("/resume-code/new")
def renew_code() -> WerkzeugResponse:
    """Give the trainee a new resume code; the old one stops working."""
    trainee = require_trainee()
    code, hashed = issue_code()
    set_resume_code(database(), trainee.participant.workshop_id, trainee.participant.public_id,
                    hashed)
    remember_code(code)
    flash(_("Your new resume code is %(code)s. The old one no longer works.", code=code), "info")
    return redirect(url_for("learn.printable_code"), code=303)
