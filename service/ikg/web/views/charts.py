"""Horizontal bar charts as SVG geometry, drawn by ikg itself: no script, no library, prints as it shows.

A chart is rows of labelled bars, each bar made of segments (served and open goals, say). The template
draws the rectangles and texts; the same numbers stand in a table next to it as the text alternative.

The labels are never clipped: the server cannot measure text in the reader's font, so it takes an upper
bound of each label's width (text_width) and makes the label area as wide as the widest label, wrapping a
label at word breaks onto more lines where it would be wider than MAX_LABEL_WIDTH.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FONT_SIZE = 13  # px, as .chart-label and .chart-value in ikg.css
LINE_HEIGHT = 16
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MAX_LABEL_WIDTH = 380
LABEL_GAP = 8
BAR_AREA = 420
VALUE_GAP = 6
VALUE_AREA = 60
LEGEND_SWATCH = 20  # the square and the space after it
LEGEND_GAP = 24

# Advance widths in em, each at least the widest of its characters in the fonts of the stylesheet's stack
# (system-ui, Segoe UI, Roboto, Noto Sans, and DejaVu Sans, the widest of them, where those are missing).
# A character none of the classes names counts as a full em, which no Latin, Greek or Cyrillic glyph exceeds.
_NARROW = 0.42
_LOWER = 0.64
_UPPER = 0.80
_WIDE = 1.0
_WIDTHS: dict[str, float] = {
    **dict.fromkeys(" !\"'(),-./:;[]|fijlrtI‚‘’„“”", _NARROW),
    **dict.fromkeys("abcdeghknopqsuvxyzß", _LOWER),
    **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ0123456789–?*+=<>#$&_~", _UPPER),
}


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An upper bound of the text's width in px at the font size: per character the bound of its class, an
    accented letter counted as its base letter (ä as a)."""
    return size * sum(_WIDTHS.get(_base(c), _WIDE) for c in text)


def _base(character: str) -> str:
    decomposed = unicodedata.normalize("NFD", character)
    return decomposed[0] if decomposed else character


def wrapped(label: str, limit: float = MAX_LABEL_WIDTH) -> tuple[str, ...]:
    """The label in lines at word breaks, each no wider than `limit` unless a single word is."""
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(f"{lines[-1]} {word}") <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines) or ("",)


@dataclass(frozen=True)
class Segment:
    value: int
    kind: str  # a CSS class: the stylesheet gives each kind its colour
    x: float
    width: float


@dataclass(frozen=True)
class Line:
    text: str
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: float
    segments: tuple[Segment, ...]
    lines: tuple[Line, ...]  # the label as drawn, right-aligned to the label area
    label_width: float

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
        return self.label_width + sum(s.width for s in self.segments) + VALUE_GAP


@dataclass(frozen=True)
class LegendItem:
    kind: str
    label: str
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + LEGEND_SWATCH


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    legend: tuple[LegendItem, ...]
    label_width: float
    width: int
    height: int

    @property
    def label_x(self) -> float:
        return self.label_width - LABEL_GAP


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
    labels = [wrapped(label) for label, _ in rows]
    label_width = max((text_width(line) for lines in labels for line in lines), default=0) + 2 * LABEL_GAP
    bars = []
    top = 4.0
    for (label, segments), lines in zip(rows, labels, strict=True):
        height = max(ROW_HEIGHT, LINE_HEIGHT * len(lines) + 12)
        y = top + (height - ROW_HEIGHT) / 2  # the bar centred against its label's lines
        first_line = top + (height - LINE_HEIGHT * len(lines)) / 2 + LINE_HEIGHT - 4
        x = label_width
        placed = []
        for value, kind in segments:
            placed.append(Segment(value, kind, x, value * scale))
            x += value * scale
        drawn = tuple(Line(text, first_line + n * LINE_HEIGHT) for n, text in enumerate(lines))
        bars.append(Bar(label, sum(v for v, _ in segments), y, tuple(placed), drawn, label_width))
        top += height
    items, bottom = _legend(legend, label_width, top + 10)
    right = max([label_width + BAR_AREA + VALUE_AREA, *(i.x + LEGEND_SWATCH + text_width(i.label) for i in items)])
    return BarChart(id, title, description, tuple(bars), items, label_width, round(right + 2), round(bottom + 8))


def _legend(legend: tuple[tuple[str, str], ...], left: float, top: float) -> tuple[tuple[LegendItem, ...], float]:
    """The legend's items in rows under the bars, each row no wider than the bar and value area."""
    right = left + BAR_AREA + VALUE_AREA
    items = []
    x, y = left, top
    for kind, label in legend:
        width = LEGEND_SWATCH + text_width(label)
        if x > left and x + width > right:
            x, y = left, y + ROW_HEIGHT - 6
        items.append(LegendItem(kind, label, x, y))
        x += width + LEGEND_GAP
    return tuple(items), (y + ROW_HEIGHT - 6 if items else top - 10)
