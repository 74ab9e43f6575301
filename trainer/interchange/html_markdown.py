"""HTML → the Markdown authors write (docs/authoring.md): the one conversion the importers share.

Word documents arrive as HTML from mammoth; Moodle XML question texts are HTML. Both come here.
Kept: paragraphs, headings, bold, italic, strike-through, code, bullet and numbered lists (nested),
tables (GFM; cells flattened to one line), links (http, https, mailto; any other scheme keeps only
its text and is reported), block quotes, images, line breaks. Everything else keeps its text.
Text is escaped so that it reads back as the same text, never as Markdown or HTML.

Pure: parses with the standard library's tokenising HTML parser (it never fetches or resolves
anything) and returns text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Node", "escape_markdown", "inline_markdown", "parse_html", "text_of", "to_markdown"]

_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "col", "wbr", "source"})
_BLOCK = frozenset({"p", "div", "ul", "ol", "li", "table", "blockquote", "pre", "hr",
                    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "body", "html",
                    "thead", "tbody", "tfoot", "tr", "td", "th", "dl", "dt", "dd", "figure"})
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_ESCAPED = re.compile(r"([\\`*_\[\]<>~])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


@dataclass
class Node:
    """An element of the parsed HTML (text children are plain strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if self.skipping:
            return
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and not self.skipping and len(self.stack) > 1:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    """Return the element tree of an HTML fragment."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def text_of(node: Node | str) -> str:
    """Return the plain text of a node, spaces collapsed."""
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(" ".join(text_of(child) for child in node.children).split())


def escape_markdown(text: str) -> str:
    """Return `text` with the characters Markdown would read as markup escaped."""
    text = _ESCAPED.sub(r"\\\1", text)
    return _ENTITY_LIKE.sub("\\&", text)


@dataclass
class _Context:
    on_link: Callable[[str], None] | None = None
    in_table: bool = False


def _wrap(marker: str, inner: str) -> str:
    """Return `inner` wrapped in an emphasis marker, spaces kept outside (Markdown needs that)."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _inline(nodes: list[Node | str], ctx: _Context) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape_markdown(re.sub(r"\s+", " ", node)))
            continue
        tag = node.tag
        if tag in ("strong", "b"):
            out.append(_wrap("**", _inline(node.children, ctx)))
        elif tag in ("em", "i", "cite", "dfn"):
            out.append(_wrap("*", _inline(node.children, ctx)))
        elif tag in ("s", "del", "strike"):
            out.append(_wrap("~~", _inline(node.children, ctx)))
        elif tag in ("code", "kbd", "samp", "tt"):
            code = text_of(node).replace("`", "'")
            out.append(f"`{code}`" if code else "")
        elif tag == "br":
            out.append(" " if ctx.in_table else "\\\n")
        elif tag == "img":
            out.append(_image(node))
        elif tag == "a":
            out.append(_link(node, ctx))
        elif tag in _BLOCK:
            out.append(" " + _inline(node.children, ctx) + " ")
        else:
            out.append(_inline(node.children, ctx))
    return "".join(out)


def _image(node: Node) -> str:
    src = node.attrs.get("src", "").strip()
    alt = escape_markdown(" ".join(node.attrs.get("alt", "").split()))
    if not src:
        return alt
    if re.search(r"[\s()<>]", src):
        src = f"<{src}>"
    return f"![{alt}]({src})"


def _link(node: Node, ctx: _Context) -> str:
    text = _inline(node.children, ctx).strip()
    href = node.attrs.get("href", "").strip()
    if not href or href.startswith("#"):
        return text
    if not href.lower().startswith(_LINK_SCHEMES):
        if ctx.on_link is not None:
            ctx.on_link(href)
        return text
    if re.search(r"[\s()<>]", href):
        href = f"<{href.replace('>', '%3E').replace('<', '%3C')}>"
    return f"[{text or escape_markdown(href)}]({href})"


def _line_start(text: str) -> str:
    """Escape a paragraph that would otherwise start a heading, list, quote or rule."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[0] in "#>+=-"
                           else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text, count=1)


def _paragraph(nodes: list[Node | str], ctx: _Context) -> str:
    lines = [line.strip() for line in _inline(nodes, ctx).split("\\\n")]
    text = "\\\n".join(line for line in lines)
    text = text.strip().removesuffix("\\").strip()
    return _line_start(text) if text else ""


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _list(node: Node, ctx: _Context) -> str:
    items: list[str] = []
    number = int(node.attrs.get("start", "1") or "1") if node.attrs.get("start", "").isdigit() else 1
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                items.append("- " + escape_markdown(child.strip()))
            continue
        body = _blocks([child] if child.tag != "li" else child.children, ctx,
                       in_item=True).strip("\n")
        marker = f"{number}. " if node.tag == "ol" else "- "
        number += 1
        if not body:
            body = ""
        lines = body.split("\n")
        rest = _indent("\n".join(lines[1:]), " " * len(marker))
        items.append(marker + lines[0] + ("\n" + rest if len(lines) > 1 else ""))
    # Items that hold several paragraphs need a blank line between items (a "loose" list).
    loose = any("\n\n" in item for item in items)
    return ("\n\n" if loose else "\n").join(items)


def _rows(node: Node) -> list[Node]:
    rows: list[Node] = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(_rows(child))
    return rows


def _table(node: Node, ctx: _Context) -> str:
    cell_ctx = _Context(ctx.on_link, in_table=True)
    grid: list[list[str]] = []
    for row in _rows(node):
        cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]
        grid.append([" ".join(_inline(c.children, cell_ctx).split()).replace("|", "\\|")
                     for c in cells])
    grid = [row for row in grid if row]
    if not grid:
        return ""
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return "\n".join(lines)


def _blocks(nodes: list[Node | str], ctx: _Context, heading_shift: int = 0, *,
            in_item: bool = False) -> str:
    """Return the Markdown blocks of `nodes`; in a list item, a nested list follows its text tightly."""
    blocks: list[str] = []
    tight: set[int] = set()
    run: list[Node | str] = []

    def flush() -> None:
        if run:
            text = _paragraph(run, ctx)
            if text:
                blocks.append(text)
            run.clear()

    for node in nodes:
        if isinstance(node, str) or node.tag not in _BLOCK:
            run.append(node)
            continue
        flush()
        tag = node.tag
        if tag == "p" or tag in ("dt", "dd"):
            text = _paragraph(node.children, ctx)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = min(6, max(1, int(tag[1]) + heading_shift))
            inner = _paragraph(node.children, ctx).replace("\\\n", " ")
            text = f"{'#' * level} {inner}" if inner else ""
        elif tag in ("ul", "ol"):
            text = _list(node, ctx)
        elif tag == "table":
            text = _table(node, ctx)
        elif tag == "blockquote":
            inner = _blocks(node.children, ctx, heading_shift)
            text = "\n".join(f"> {line}" if line else ">" for line in inner.split("\n")) if inner else ""
        elif tag == "pre":
            code = "".join(text_of_raw(node))
            fence = "````" if "```" in code else "```"
            text = f"{fence}\n{code.strip(chr(10))}\n{fence}"
        elif tag == "hr":
            text = "---"
        else:
            text = _blocks(node.children, ctx, heading_shift)
        if text.strip():
            if in_item and tag in ("ul", "ol") and blocks:
                tight.add(len(blocks))
            blocks.append(text)
    flush()
    return "".join(("\n" if i in tight else "\n\n") + b if i else b for i, b in enumerate(blocks))


def text_of_raw(node: Node | str) -> list[str]:
    """Return the text pieces of a node as written (spaces and newlines kept)."""
    if isinstance(node, str):
        return [node]
    pieces: list[str] = []
    for child in node.children:
        if isinstance(child, Node) and child.tag == "br":
            pieces.append("\n")
        else:
            pieces.extend(text_of_raw(child))
    return pieces


def to_markdown(content: str | Node | list[Node | str], *, heading_shift: int = 0,
                on_link: Callable[[str], None] | None = None) -> str:
    """Return block Markdown for HTML (a string, a parsed node, or a list of nodes).

    `heading_shift` is added to every heading level; `on_link` is called with every link whose
    scheme is not kept (its text is).
    """
    if isinstance(content, str):
        nodes = parse_html(content).children
    elif isinstance(content, Node):
        nodes = content.children
    else:
        nodes = content
    return _blocks(nodes, _Context(on_link), heading_shift).strip()


def inline_markdown(html: str, on_link: Callable[[str], None] | None = None) -> str:
    """Return one line of inline Markdown for an HTML fragment (blocks joined with spaces)."""
    nodes = parse_html(html).children
    text = _inline(nodes, _Context(on_link, in_table=True))
    return _line_start(" ".join(text.split()))
