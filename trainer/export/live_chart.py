"""The answer distribution of a live session as an SVG bar chart (screen, presenter, dashboard).

Written by a Jinja template in the house style of the report's charts: a title, a description
that says every count in words, a text label and count on every bar, and the right answer marked
with a check mark and the words given, not by colour alone. No external assets; it scales to the
width of its container (a projector or a 360 px phone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from trainer.export.print_templates import print_environment

__all__ = ["Bar", "bar_chart"]

_environment = print_environment({})


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts (plain text), how many, and whether it is a right answer.

    `named`: say "right answer" after the label of a right bar (not for "All right").
    """

    label: str
    count: int
    right: bool = False
    named: bool = True


# Geometry per place shown, in viewBox units: (width, font size, bar height). The chart scales to
# its container, so the font size is chosen for the width it is usually drawn at: a 360 px phone
# (about 290 px of chart), a dashboard page, the left part of a 1920 px projector screen.
SIZES = {"phone": (320.0, 17.0, 14.0), "page": (800.0, 20.0, 18.0), "screen": (760.0, 42.0, 36.0)}
LINES = 2  # a long label wraps onto this many lines, then ends with "…"


def _wrap(text: str, width: int) -> list[str]:
    """Return `text` in at most LINES lines of about `width` characters (words kept whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if len(lines) > LINES:
        lines = lines[:LINES]
        lines[-1] = lines[-1][:max(1, width - 1)].rstrip() + "…"
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines]


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, description: str,
              right_label: str, size: str = "page") -> Markup:
    """Return horizontal bars, longest for the most frequent; `size`: "phone", "page", "screen"."""
    width, font, bar_height = SIZES[size]
    characters = int(width / (font * 0.56))
    line_height = font * 1.2
    gap = font * 0.6
    most = max((bar.count for bar in bars), default=0) or 1
    span = width - font * 3
    rows = []
    top = gap
    for bar in bars:
        text = (("✓ " if bar.right else "") + bar.label
                + (f" — {right_label}" if bar.right and bar.named else ""))
        lines = _wrap(text, characters)
        bar_y = top + line_height * len(lines) + font * 0.25
        rows.append({"lines": [(line, top + font + index * line_height)
                               for index, line in enumerate(lines)],
                     "full": text, "count": bar.count, "right": bar.right, "bar_y": bar_y,
                     "bar_width": max(2.0, round(span * bar.count / most, 1))})
        top = bar_y + bar_height + gap * 1.5
    svg = _environment.get_template("live/bars.svg").render(
        chart_id=chart_id, title=title, description=description, rows=rows, width=width,
        height=round(top, 1), font=font, bar_height=bar_height, size=size)
    return Markup(svg)  # noqa: S704 - rendered by an autoescaping template
