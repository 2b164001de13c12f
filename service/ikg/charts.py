"""Horizontal bar charts as SVG geometry, drawn by ikg itself: no script, no library, prints as it shows.

A chart is rows of labelled bars, each bar made of segments (served and open goals, say). The template
draws the rectangles and texts; the same numbers stand in a table next to it as the text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 300
BAR_AREA = 420
VALUE_GAP = 6
WIDTH = LABEL_WIDTH + BAR_AREA + 60


@dataclass(frozen=True)
class Segment:
    value: int
    kind: str  # a CSS class: the stylesheet gives each kind its colour
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: float
    segments: tuple[Segment, ...]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4

    @property
    def value_text(self) -> str:
        """The total, or for a split bar the first part of the total (served of all goals, say)."""
        if len(self.segments) > 1:
            return f"{self.segments[0].value} / {self.total}"
        return str(self.total)

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + sum(s.width for s in self.segments) + VALUE_GAP


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...]  # (kind, label)

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars) + (ROW_HEIGHT if self.legend else 0) + 8

    @property
    def legend_y(self) -> int:
        return ROW_HEIGHT * len(self.bars) + 14

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8


def bar_chart(
    id: str,
    title: str,
    description: str,
    rows: list[tuple[str, list[tuple[int, str]]]],
    legend: tuple[tuple[str, str], ...] = (),
) -> BarChart:
    """Rows of (label, [(value, kind), ...]) scaled so that the longest bar fills the bar area."""
    longest = max((sum(v for v, _ in segments) for _, segments in rows), default=0) or 1
    scale = BAR_AREA / longest
    bars = []
    for number, (label, segments) in enumerate(rows):
        x = float(LABEL_WIDTH)
        placed = []
        for value, kind in segments:
            placed.append(Segment(value, kind, x, value * scale))
            x += value * scale
        bars.append(Bar(_shortened(label), sum(v for v, _ in segments), number * ROW_HEIGHT + 4, tuple(placed)))
    return BarChart(id, title, description, tuple(bars), legend)


def _shortened(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
