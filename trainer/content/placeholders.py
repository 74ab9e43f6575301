"""Placeholder texts: what `trainer new` skeletons and `trainer import` drafts write for the author to
replace. `trainer check --strict` warns about any that is left in place (lint.py); the skeletons and
the importers take their texts from here, so the list and the texts cannot drift apart.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PLACEHOLDER_PHRASES", "placeholder_in"]

# Matched inside a text folded to lower case without accents or repeated spaces. Includes the texts
# of earlier skeletons, so files made by them are caught too.
PLACEHOLDER_PHRASES: tuple[str, ...] = (
    # module skeleton (trainer new module) and importer drafts (trainer import)
    "write one or two sentences on what",
    "write what a participant can",
    "write the reading here",
    "write the reading of this section here",
    "write the situation the participants discuss",
    "describe the situation the participants discuss",
    "write how to run the discussion",
    "case study: write its title",
    "write a question with",
    "write a statement that is true or false",
    "write a question answered",
    "write the first question here",
    "write the accepted answer here",
    "write the right option",
    "write a right option",
    "write another right option",
    "write a wrong option",
    "write another wrong option",
    "write why this option is wrong",
    "write why the right answer is right",
    "write what the right answer is",
    "write how to work the number out",
    "write a term",
    "write another term",
    "write its meaning",
    "write a meaning that fits no term",
    "write the first step",
    "write the second step",
    "write the third step",
    "write the answer you accept",
    "write another spelling you accept",
    "write the treaty, law, guide or report you rely on",
    "name the treaty, law, guide or report you rely on",
    "write which part of it this module uses",
    "say which part of it this module uses",
    # curriculum skeleton (trainer new curriculum), now and before
    "write who the programme is for",
    "write the region",
    "write the city",
    "who wrote it",
    "name the city",
    "name the region",
    "e.g. central authority staff",
    "who the programme is for, e.g.",
    "one or two sentences on what the programme covers",
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def placeholder_in(text: str) -> str | None:
    """Return the placeholder phrase `text` still holds, or None."""
    folded = _fold(text)
    for phrase in PLACEHOLDER_PHRASES:
        if phrase in folded:
            return phrase
    return None
