"""Bar charts as plain SVG geometry for the templates: printable, readable without JavaScript or styles (every
bar carries its value as text and a <title>). One series, or two side by side (this year / the year before)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SERIES_COLOURS = ("#1d4ed8", "#9ca3af")  # this year, the year before (4.5:1 against white for the first)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    colour: str
    series: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    labels: tuple[tuple[str, float], ...]  # category label and its centre x
    gridlines: tuple[tuple[float, str], ...]  # y and the value it marks


_TOP, _BOTTOM, _LEFT = 18.0, 34.0, 34.0


def _text(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") if value != int(value) else str(int(value))


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[float]], *, maximum: float | None = None,
              width: int = 640, height: int = 240, steps: int = 4) -> BarChart:
    """Vertical bars: one group per label, one bar per series in each group."""
    count = max(1, len(labels))
    groups = max(1, len(series))
    top_value = maximum if maximum is not None else max((v for s in series for v in s), default=0.0)
    top_value = top_value or 1.0
    plot_height = height - _TOP - _BOTTOM
    slot = (width - _LEFT - 6) / count
    bar_width = slot * 0.8 / groups
    baseline = height - _BOTTOM
    bars = []
    for index, label in enumerate(labels):
        left = _LEFT + index * slot + slot * 0.1
        for number, values in enumerate(series):
            value = float(values[index]) if index < len(values) else 0.0
            bar_height = plot_height * min(value, top_value) / top_value
            bars.append(Bar(label=label, value=value, text=_text(value), x=round(left + number * bar_width, 1),
                            y=round(baseline - bar_height, 1), width=round(bar_width - 1, 1),
                            height=round(bar_height, 1), colour=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                            series=number))
    centres = tuple((label, round(_LEFT + (i + 0.5) * slot, 1)) for i, label in enumerate(labels))
    grid = tuple((round(baseline - plot_height * k / steps, 1), _text(top_value * k / steps))
                 for k in range(steps + 1))
    return BarChart(width=width, height=height, baseline=baseline, bars=tuple(bars), labels=centres, gridlines=grid)
