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
    """One bar: what it counts (plain text), how many, and whether it is a right answer."""

    label: str
    count: int
    right: bool = False


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, description: str,
              right_label: str, large: bool = False) -> Markup:
    """Return horizontal bars, longest for the most frequent; `large` for the room's screen."""
    width = 1000.0
    font = 34.0 if large else 20.0
    bar_height = 40.0 if large else 22.0
    gap = font * 0.5
    row = font * 1.3 + bar_height + gap * 2
    most = max((bar.count for bar in bars), default=0) or 1
    span = width - 120.0
    rows = []
    for index, bar in enumerate(bars):
        top = index * row + gap
        rows.append({"label": bar.label, "count": bar.count, "right": bar.right,
                     "text_y": top + font, "bar_y": top + font * 1.3,
                     "bar_width": max(2.0, round(span * bar.count / most, 1))})
    svg = _environment.get_template("live/bars.svg").render(
        chart_id=chart_id, title=title, description=description, rows=rows, width=width,
        height=max(1, len(bars)) * row + gap, font=font, bar_height=bar_height,
        right_label=right_label)
    return Markup(svg)  # noqa: S704 - rendered by an autoescaping template
