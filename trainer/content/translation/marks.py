"""Text in another language than the page's, marked as such: `lang` and `dir` attributes, and the
words a translation keeps in the source's language (a publication's title that exists only in
English, in a French or Arabic list of sources).

Every output marks language the same way through here: the web pages, the offline packages, the
handbook and the results report. A screen reader then reads an English title with English sounds,
and an English title in an Arabic line keeps its own direction (its "?" stays at its end).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from markupsafe import Markup

from trainer.content.models import Module
from trainer.locales import base_language, text_direction

# A word of a name in Latin script, perhaps with the comma of the translation's language after it.
_LATIN_WORD = re.compile(r"[A-Za-z0-9&'.\-]+[,،]?")

Runs = tuple[tuple[str, str], ...]


def _bare(word: str) -> str:
    return word.strip("()[]«»\"“”‘’'.,،:;!?؟").replace("’", "'")


def lang_attributes(language: str | None, page: str) -> Markup:
    """Return ` lang=".." dir=".."` for text in `language` on a `page`-language page, or "" when
    the two are the same language (or `language` is unknown)."""
    if not language or base_language(language) == base_language(page):
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))


def marked_runs(runs: Iterable[tuple[str, str]], page: str) -> Markup:
    """Return runs of (text, language) as HTML, joined by spaces: each run in another language
    than the page's in a span with its own `lang` and `dir`."""
    parts = []
    for text, language in runs:
        attributes = lang_attributes(language, page)
        parts.append(Markup("<span{}>{}</span>").format(attributes, text) if attributes
                     else Markup("{}").format(text))
    return Markup(" ").join(parts)


def source_title_runs(source: Module, shown: Module, index: int) -> Runs:
    """Return the title of source `index` of `shown` (a translation of `source`, or `source`
    itself) as runs of (text, language): the part a translation kept from the source's title in
    the cited work's language (the source's unless the source says otherwise), the rest in the
    translation's ("… (septembre 2015)").

    A translated title that shares fewer than three words in a row with the source's is all in
    the translation's language (a translated title with a name in it)."""
    title, original = shown.sources[index].title, source.sources[index].title
    cited = source.sources[index].language or source.language  # the language of the kept words
    if shown.language == source.language or title == original:
        return ((title, cited),)
    words, kept = title.split(" "), original.split(" ")
    # Words compared without the punctuation around them: "(Mutual … Tool)" in a translation
    # keeps "Mutual … Tool" of the source, and "Blue :" in French is the source's "Blue:".
    run = SequenceMatcher(None, [_bare(word) for word in words], [_bare(word) for word in kept],
                          autojunk=False).find_longest_match(0, len(words), 0, len(kept))
    if run.size < 3:
        return ((title, shown.language),)
    start, end = run.a, run.a + run.size
    if text_direction(shown.language) != text_direction(cited):
        # Latin-script names next to the kept title in an Arabic one are the title's too
        # ("LexisNexis UK، Grounds for refusing …").
        while start > 0 and _LATIN_WORD.fullmatch(words[start - 1]):
            start -= 1
    # A bracket the kept words open and the translation closes ("(28 septembre 2018)") is the
    # translation's: the kept run ends before it.
    while end > start and " ".join(words[start:end]).count("(") > " ".join(
            words[start:end]).count(")"):
        end = max(index for index in range(start, end) if "(" in words[index])
    parts = ((" ".join(words[:start]), shown.language),
             (" ".join(words[start:end]), cited),
             (" ".join(words[end:]), shown.language))
    return tuple((text, language) for text, language in parts if text)
