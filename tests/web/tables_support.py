"""Read a dashboard page's numbers as a reader sees them: table cells and identified figures."""

from __future__ import annotations

from html.parser import HTMLParser


class Tables(HTMLParser):
    """Collect the text of every table cell, by table id, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._spans: list[bool] = []
        self._id_stack: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._table = a.get("id", f"table-{len(self.tables)}")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag == "span":  # what a screen reader reads: aria-hidden marks are skipped
            self._spans.append(a.get("aria-hidden") == "true")
        if "id" in a and tag == "dd":
            self._id_stack.append((tag, a["id"], []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._spans:
            self._spans.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "dd" and self._id_stack:
            _tag, element_id, text = self._id_stack.pop()
            self.texts[element_id] = " ".join("".join(text).split())

    def handle_data(self, data: str) -> None:
        if any(self._spans):
            return
        if self._cell is not None:
            self._cell.append(data)
        for _tag, _id, text in self._id_stack:
            text.append(data)


def parse(html: str) -> Tables:
    """Return the tables and identified numbers of a page."""
    found = Tables()
    found.feed(html)
    return found


def rows_by_name(table: list[list[str]]) -> dict[str, list[str]]:
    """Return a table's body rows keyed by their first cell."""
    return {row[0]: row[1:] for row in table[1:]}
