"""The one function that turns author Markdown into sanitised HTML (SECURITY.md 7-8).

Two layers, because either alone has failed somewhere before: markdown-it-py with the `js-default`
preset (raw HTML off, so `<script>` is shown as text; its link validator refuses `javascript:`,
`vbscript:`, `file:` and `data:` other than images), then `nh3.clean` with an explicit allowlist of
tags, attributes and URL schemes. Author headings are demoted by two levels (h1 -> h3, h2 -> h4 ...,
capped at h6) so they never outrank the headings of the page or handbook they are placed in.

The web pages, the PDF handbooks and every package export use these functions; nothing else may turn
author text into HTML. The catalogue calls them once per distinct text when it loads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "render_inline", "render_markdown"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
        "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "img",
        "del", "sup", "sub",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    # markdown-it writes `start` on ordered lists that do not begin at 1; it is only a number.
    "ol": frozenset({"start"}),
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Removed with their content: text inside these would be confusing or dangerous even as text.
_DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style"})
_HEADING_SHIFT = 2

_parser = MarkdownIt("js-default", {"linkify": False, "html": False}).enable(["table", "strikethrough"])


def _is_protocol_relative(url: str) -> bool:
    """Tell whether `url` is `//host/x` (or `\\\\host\\x`, which browsers treat alike).

    Such a URL fetches from another host; in the offline static site opened from disk it becomes
    `file://host/x`, a network share on Windows. Relative paths (`assets/map.png`) are fine.
    """
    return url.strip()[:2].replace("\\", "/") == "//"


# French typography: a space after « and before », :, ;, ?, ! and % never breaks the line (an
# orphaned « at a line's end, or a colon starting the next, in the handbook and on phones).
# Written as a plain space in the YAML (what authors type); in any other language such a space is
# rare and keeping it is harmless. Guillemets without spaces, and code, are left alone.
_SPACE_BEFORE = re.compile(r" (?=[»:;?!%])")
_SPACE_AFTER = re.compile(r"(?<=«) ")
NO_BREAK_SPACE = "\u00a0"


def _keep_with_punctuation(text: str) -> str:
    """Return text with the spaces inside guillemets and before : ; ? ! % made non-breaking."""
    if " " not in text:
        return text
    return _SPACE_AFTER.sub(NO_BREAK_SPACE, _SPACE_BEFORE.sub(NO_BREAK_SPACE, text))


def _adjust(tokens: Sequence[Token]) -> None:
    """Demote headings, use `<del>`, table `align` not `style`; drop protocol-relative URLs;
    keep French punctuation with its word (`_keep_with_punctuation`)."""
    for token in tokens:
        if token.type == "text":
            token.content = _keep_with_punctuation(token.content)
        for name in ("href", "src"):
            if _is_protocol_relative(str(token.attrs.get(name, ""))):
                del token.attrs[name]
        if token.type in ("th_open", "td_open"):
            # markdown-it writes `style="text-align:center"`; styles are never allowed through.
            style = str(token.attrs.pop("style", ""))
            if style.startswith("text-align:"):
                token.attrs["align"] = style.removeprefix("text-align:")
        elif token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _HEADING_SHIFT, 6)
            token.tag = f"h{level}"
        elif token.type in ("s_open", "s_close"):
            token.tag = "del"
        if token.children:
            _adjust(token.children)


def _sanitise(html: str) -> str:
    """Clean rendered HTML with the allowlist; the last line of defence."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_MARKERS = ("**", "__")


def literal_emphasis(text: str) -> str | None:
    """Return the first emphasis marker (`**`, `__`) that Markdown leaves in `text` as typed, or
    None. A marker only opens or closes emphasis on the side of a letter or a space, so `x**«a»**`
    (a letter against an opening `**`, a quotation mark on its other side) prints its asterisks;
    `x«**a**»` does not. Code spans and blocks are not prose: their markers are meant."""
    if not any(marker in text for marker in _MARKERS):
        return None  # most texts: nothing to parse
    for token in _parser.parse(text, {}):
        for child in token.children or ():
            if child.type == "text":
                for marker in _MARKERS:
                    if marker in child.content:
                        return marker
    return None


def render_markdown(text: str) -> str:
    """Render block Markdown (paragraphs, lists, tables...) to sanitised HTML."""
    env: dict[str, object] = {}
    tokens = _parser.parse(text, env)
    _adjust(tokens)
    return _sanitise(_parser.renderer.render(tokens, _parser.options, env))


def render_inline(text: str) -> str:
    """Render one line of inline Markdown (emphasis, code, links) to sanitised HTML, no `<p>`."""
    env: dict[str, object] = {}
    tokens = _parser.parseInline(text, env)
    _adjust(tokens)
    return _sanitise(_parser.renderer.render(tokens, _parser.options, env))
