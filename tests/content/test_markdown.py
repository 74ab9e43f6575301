"""Tests for trainer.content.markdown: normal rendering and hostile author input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from trainer.content.markdown import ALLOWED_TAGS, render_inline, render_markdown


class _Collector(HTMLParser):
    """Collect every tag and attribute of an HTML fragment, with entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))


def _collect(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def _urls(html: str) -> list[str]:
    return [value for _, name, value in _collect(html).attrs if name in ("href", "src")]


_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)


def _assert_safe(html: str) -> None:
    """No tag outside the allowlist, no forbidden attribute, no dangerous URL."""
    collected = _collect(html)
    assert set(collected.tags) <= ALLOWED_TAGS
    for tag, name, value in collected.attrs:
        assert not name.startswith("on"), (tag, name)
        assert name not in ("style", "class", "id"), (tag, name)
        if name in ("href", "src"):
            # Browsers ignore ASCII whitespace and control characters inside a scheme.
            squeezed = re.sub(r"[\x00-\x20]", "", value)
            assert not _BAD_SCHEME.match(squeezed), value


# --- normal rendering ----------------------------------------------------------------------------


def test_paragraphs_emphasis_and_code() -> None:
    html = render_markdown("Resolution **2322** (2016) asks *States* to use `MLA`.\n\nSecond.")
    assert html == (
        "<p>Resolution <strong>2322</strong> (2016) asks <em>States</em> to use <code>MLA</code>."
        "</p>\n<p>Second.</p>\n"
    )


def test_headings_are_demoted_two_levels_and_capped_at_h6() -> None:
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    assert html == "<h3>One</h3>\n<h4>Two</h4>\n<h5>Three</h5>\n<h6>Four</h6>\n<h6>Six</h6>\n"


def test_lists_quotes_rules_and_code_blocks() -> None:
    html = render_markdown("3. three\n4. four\n\n- a\n- b\n\n> quoted\n\n---\n\n```\nx < y\n```")
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html
    assert "<pre><code>x &lt; y\n</code></pre>" in html


def test_tables_keep_alignment_as_align_not_style() -> None:
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in html
    assert '<td align="center">2</td>' in html
    assert '<td align="right">3</td>' in html
    assert "style" not in html


def test_strikethrough_is_del() -> None:
    assert render_markdown("~~old~~ new") == "<p><del>old</del> new</p>\n"


def test_links_get_rel_noopener_and_keep_title() -> None:
    html = render_markdown('[UNODC](https://www.unodc.org "UN Office") and [mail](mailto:a@b.org)')
    assert '<a href="https://www.unodc.org" title="UN Office" rel="noopener noreferrer">UNODC</a>' in html
    assert '<a href="mailto:a@b.org" rel="noopener noreferrer">mail</a>' in html


def test_autolinks_work_but_bare_urls_are_not_linkified() -> None:
    html = render_markdown("<https://www.un.org> and www.un.org")
    assert '<a href="https://www.un.org" rel="noopener noreferrer">https://www.un.org</a>' in html
    assert html.count("<a ") == 1


def test_relative_image_path_is_kept() -> None:
    html = render_markdown("![Map of the region](assets/map.png)")
    assert html == '<p><img src="assets/map.png" alt="Map of the region"></p>\n'


def test_render_inline_has_no_paragraph() -> None:
    assert render_inline("Article *18* of [UNTOC](https://x.org)") == (
        'Article <em>18</em> of <a href="https://x.org" rel="noopener noreferrer">UNTOC</a>'
    )


def test_hard_line_break() -> None:
    assert render_markdown("one  \ntwo") == "<p>one<br>\ntwo</p>\n"


# --- hostile input -------------------------------------------------------------------------------


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown("<script>alert(1)</script>\n\nHi <b onclick='x()'>bold</b>")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onclick='x()'&gt;bold&lt;/b&gt;" in html
    _assert_safe(html)


@pytest.mark.parametrize(
    "source",
    [
        '<img src=x onerror="alert(1)">',
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        "<form action=https://evil.example><input name=p></form>",
        "<base href=https://evil.example/>",
        "<!-- comment --> text",
    ],
)
def test_html_elements_never_reach_the_output(source: str) -> None:
    for html in (render_markdown(source), render_inline(source)):
        _assert_safe(html)
        assert _collect(html).tags in ([], ["p"])


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)",
        "javascript&colon;alert(1)",
        "java&#x09;script:alert(1)",
        "java%0ascript:alert(1)",
        "%6Aavascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "FILE://C:/Windows/win.ini",
        "//evil.example/x",
        " javascript:alert(1)",
    ],
)
def test_dangerous_urls_never_reach_href_or_src(url: str) -> None:
    sources = [
        f"[click]({url})",
        f"[click](<{url}>)",
        f"![img]({url})",
        f"<{url}>",
        f'[ref]\n\n[ref]: {url} "t"',
    ]
    for source in sources:
        for html in (render_markdown(source), render_inline(source)):
            _assert_safe(html)
            for value in _urls(html):
                assert not value.lower().startswith(("javascript", "vbscript", "data", "file"))
                assert not value.startswith("//")


def test_javascript_link_text_is_kept_but_not_linked() -> None:
    html = render_markdown("[click me](javascript:alert(1))")
    assert "click me" in html
    assert "href" not in html


def test_image_with_bad_scheme_keeps_no_src() -> None:
    html = render_markdown("![chart](data:image/png;base64,iVBORw0KGgo=)")
    assert _urls(html) == []
    _assert_safe(html)


def test_link_attributes_cannot_be_injected_through_title() -> None:
    html = render_markdown('[x](https://a.org "t\\" onmouseover=\\"alert(1)")')
    _assert_safe(html)
    assert [name for _, name, _ in _collect(html).attrs] == ["href", "title", "rel"]


def test_deeply_nested_emphasis_stays_bounded() -> None:
    source = "*" * 20000 + "x" + "*" * 20000
    html = render_markdown(source)
    _assert_safe(html)
    assert len(html) < 10 * len(source)


def test_deeply_nested_quotes_and_lists_stay_bounded() -> None:
    quotes = render_markdown(">" * 5000 + " deep")
    lists = render_markdown("".join("  " * depth + "- item\n" for depth in range(500)))
    brackets = render_markdown("[" * 5000 + "![" * 2000 + "](" * 2000)
    for html in (quotes, lists, brackets):
        _assert_safe(html)
    # markdown-it stops nesting at maxNesting (100): the rest is shown as text.
    assert quotes.count("<blockquote>") <= 100


def test_huge_input_renders() -> None:
    source = "Paragraph with **bold** and [a link](https://x.org).\n\n" * 1200
    html = render_markdown(source)
    assert html.count("<p>") == 1200
    _assert_safe(html)


def test_french_punctuation_stays_with_its_word() -> None:
    # A plain space typed inside guillemets or before : ; ? ! % becomes a no-break space, so a line
    # never ends with « nor starts with a colon; code keeps its spaces as typed.
    html = render_markdown("Ils disent « **exige** » : voir `a : b` ; vrai ? oui ! «sans» 70 %")
    assert html == ("<p>Ils disent «&nbsp;<strong>exige</strong>&nbsp;»&nbsp;: voir "
                    "<code>a : b</code>&nbsp;; vrai&nbsp;? oui&nbsp;! «sans» 70&nbsp;%</p>\n")
    assert render_inline("Pourquoi : [« ici »](https://x.org/?a=1)") == (
        'Pourquoi&nbsp;: <a href="https://x.org/?a=1" rel="noopener noreferrer">'
        "«&nbsp;ici&nbsp;»</a>")
    # English prose, with no such spaces, is untouched.
    assert render_inline("Note: it is what it is; really? yes!") == (
        "Note: it is what it is; really? yes!")
