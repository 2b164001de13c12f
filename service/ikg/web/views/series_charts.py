"""Time series of one indicator as an SVG bar chart, drawn by ikg itself like charts.py: no script, no library.

One chart per indicator, so one unit and one axis: figures of different units never share a scale. The bars
are grouped by series (area and breakdown); within a series one bar per observation, in the order of its
reference dates, each labelled with its date as the source gives it. Observations without a reference date
come after the dated ones, labelled with what the source says about their time, so that no date is made up.
The reference dates are irregular (a year, a month, a day, years apart), so the bars stand in a list rather
than on a proportional time axis, which would suggest a spacing the sources do not give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .charts import text_width

ROW_HEIGHT = 24
BAR_HEIGHT = 16
LABEL_WIDTH = 280
BAR_AREA = 360
VALUE_GAP = 6
WIDTH = LABEL_WIDTH + BAR_AREA + 150
SOURCED_KIND = "bar-sourced"
MARKED_KIND = "bar-editorial"  # light and dashed in the stylesheet: uncertain or inferred


@dataclass(frozen=True)
class Point:
    """One observation as the chart takes it: the value (and the upper end of a range) already as numbers."""

    observation: str
    label: str
    value: float
    upper: float | None
    value_text: str
    marked: bool
    note: str  # the bar's tooltip: the value with its mark and reason


@dataclass(frozen=True)
class SeriesBar:
    observation: str
    label: str
    value_text: str
    kind: str
    note: str
    y: float
    width: float
    upper_x: float | None

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 3

    @property
    def whisker_y(self) -> float:
        return self.y + BAR_HEIGHT / 2

    @property
    def value_x(self) -> float:
        return (self.upper_x or LABEL_WIDTH + self.width) + VALUE_GAP


@dataclass(frozen=True)
class SeriesHeading:
    label: str
    y: float

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class SeriesChart:
    id: str
    title: str
    description: str
    headings: tuple[SeriesHeading, ...]
    bars: tuple[SeriesBar, ...]

    @property
    def width(self) -> int:
        """Wide enough for the widest value label after its bar, measured by the charts' upper bound."""
        ends = (bar.value_x + text_width(bar.value_text) for bar in self.bars)
        return max(WIDTH, math.ceil(max(ends, default=0.0)) + VALUE_GAP)

    @property
    def height(self) -> int:
        return ROW_HEIGHT * (len(self.headings) + len(self.bars)) + 8

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def series_chart(id: str, title: str, description: str, series: list[tuple[str, list[Point]]]) -> SeriesChart:
    """Series of (heading, points) scaled so that the largest value or upper bound fills the bar area; a
    heading is left out when the chart has a single series, which the title then names."""
    largest = max((p.upper or p.value for _, points in series for p in points), default=0.0) or 1.0
    scale = BAR_AREA / largest
    headings, bars, row = [], [], 0
    for heading, points in series:
        if len(series) > 1:
            headings.append(SeriesHeading(heading, row * ROW_HEIGHT + 4))
            row += 1
        for point in points:
            bars.append(
                SeriesBar(
                    point.observation,
                    point.label,
                    point.value_text,
                    MARKED_KIND if point.marked else SOURCED_KIND,
                    point.note,
                    row * ROW_HEIGHT + 4,
                    max(point.value, 0.0) * scale,
                    LABEL_WIDTH + point.upper * scale if point.upper is not None else None,
                )
            )
            row += 1
    return SeriesChart(id, title, description, tuple(headings), tuple(bars))
