"""Finding English where a page says it is in another language: a block of text (paragraph, list
item, heading, cell) that reads as English outside an element marked lang="en". Used by the
handbook's language checks and by the walk through the French workshop's web pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# English function words: a text where they are frequent, in Latin script, is English.
ENGLISH = frozenset("the of and to is in that for are with by be this which from has have it its on "
                    "as or an was were their they not who what when how".split())
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "td", "th", "dd", "dt", "figcaption",
                    "blockquote", "summary"})
VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "col", "wbr"})


def is_english(text: str) -> bool:
    """Return whether a text reads as English (URLs left out; names alone are not enough)."""
    words = re.findall(r"\w+", re.sub(r"https?://\S+", "", text.lower()))
    latin = [w for w in words if re.fullmatch(r"[a-z]+", w)]
    common = [w for w in words if w in ENGLISH]
    return len(common) >= 3 and len(latin) > 0.6 * len(words) and len(common) > 0.12 * len(words)


class Blocks(HTMLParser):
    """Collect each block's own text (its lang="en" descendants left out), and the marked text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None, list[str]]] = []
        self.unmarked_english: list[str] = []
        self.marked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else None)
        self.stack.append((tag, lang, []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, lang, parts = self.stack.pop()
            text = "".join(parts)
            if lang == "en":
                self.marked.append(text)
            if self.stack and not (lang == "en" and self.stack[-1][1] != "en"):
                self.stack[-1][2].append(text)
            if name in BLOCKS and lang != "en" and is_english(text):
                self.unmarked_english.append(" ".join(text.split()))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)


def blocks(html: str) -> Blocks:
    """Return the blocks of a page's HTML: `unmarked_english` lists those that read as English
    outside an element marked lang="en", `marked` the text so marked."""
    parser = Blocks()
    parser.feed(html)
    return parser


class _LatinRuns(HTMLParser):
    """Collect runs of Latin-script words that read as English, outside elements marked lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.english: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(dict(attrs).get("lang") or (self.stack[-1] if self.stack else None))

    def handle_endtag(self, _tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "en":
            return
        for run in re.findall(r"[A-Za-z][A-Za-z'’,:.\- ]{12,}", data):
            words = re.findall(r"[a-z]+", run.lower())
            if len(words) >= 4 and sum(word in ENGLISH for word in words) >= 2:
                self.english.append(run.strip())


def english_runs(html: str) -> list[str]:
    """Return the runs of English words of a page in a non-Latin script (Arabic) that are not
    inside an element marked lang="en": there, a whole block never reads as English, but an
    English title in an Arabic line still needs its own language and direction."""
    parser = _LatinRuns()
    parser.feed(html)
    return parser.english
