"""Server-rendered SVG charts: coordinates computed here, drawn by templates. No JavaScript, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from declarations.reports import french_number

Number = int | float | Decimal


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css_class: str
    title: str


@dataclass(frozen=True)
class HorizontalBar:
    label: str
    y: float
    segments: list[Segment]
    total_text: str
    total_x: float


@dataclass(frozen=True)
class HorizontalChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[HorizontalBar]


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[Number, str, str]]]],
    *,
    width: int = 640,
    label_width: int = 190,
    bar_height: int = 20,
    gap: int = 8,
) -> HorizontalChart:
    """One horizontal bar per row, made of (value, css class, title) segments, on a common scale."""
    plot_width = width - label_width - 60
    largest = max((sum(float(value) for value, _, _ in segments) for _, segments in rows), default=0) or 1
    bars: list[HorizontalBar] = []
    for index, (label, segments) in enumerate(rows):
        x = float(label_width)
        drawn: list[Segment] = []
        total = 0.0
        for value, css_class, title in segments:
            length = float(value) / largest * plot_width
            if length > 0:
                drawn.append(Segment(x=round(x, 1), width=round(length, 1), css_class=css_class, title=title))
            x += length
            total += float(value)
        bars.append(
            HorizontalBar(
                label=label,
                y=index * (bar_height + gap),
                segments=drawn,
                total_text=french_number(total, 0),
                total_x=round(x + 6, 1),
            )
        )
    return HorizontalChart(
        width=width,
        height=max(len(rows) * (bar_height + gap), bar_height),
        label_width=label_width,
        bar_height=bar_height,
        bars=bars,
    )


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    bars: list[tuple[float, float, float, str, str]]  # (x, y, height, css class, title)


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    plot_height: int
    bar_width: float
    columns: list[Column]
    reference_y: float | None
    reference_text: str
    ticks: list[tuple[float, str]]


def grouped_columns(
    groups: Sequence[tuple[str, Sequence[tuple[Number, str, str]]]],
    *,
    reference: Number | None = None,
    reference_text: str = "",
    width: int = 640,
    plot_height: int = 160,
    unit: str = "",
    maximum: Number | None = None,
) -> ColumnChart:
    """Vertical bars grouped by period (e.g. declared and validated hours per week), with an optional
    reference line (the weekly target)."""
    left = 40
    values = [float(value) for _, bars in groups for value, _, _ in bars]
    top = float(maximum) if maximum else (max([*values, float(reference or 0)], default=0) or 1)
    pad = 10  # room above the plot for the top tick's label
    slot = (width - left) / max(len(groups), 1)
    per_group = max((len(bars) for _, bars in groups), default=1)
    bar_width = min(28.0, (slot - 12) / per_group)
    columns: list[Column] = []
    for index, (label, bars) in enumerate(groups):
        x0 = left + index * slot + (slot - bar_width * len(bars)) / 2
        drawn = []
        for position, (value, css_class, title) in enumerate(bars):
            height = round(float(value) / top * plot_height, 1)
            drawn.append(
                (round(x0 + position * bar_width, 1), round(pad + plot_height - height, 1), height, css_class, title)
            )
        columns.append(Column(label=label, x=round(left + index * slot + slot / 2, 1), bars=drawn))
    ticks = [
        (round(pad + plot_height - fraction * plot_height, 1), f"{french_number(top * fraction, 0)}{unit}")
        for fraction in (0, 0.5, 1)
    ]
    reference_y = None if reference is None else round(pad + plot_height - float(reference) / top * plot_height, 1)
    return ColumnChart(
        width=width,
        height=pad + plot_height + 24,
        plot_height=pad + plot_height,
        bar_width=round(bar_width - 2, 1),
        columns=columns,
        reference_y=reference_y,
        reference_text=reference_text,
        ticks=ticks,
    )
