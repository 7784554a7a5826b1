"""A run chart as an accessible, standalone SVG string (no libraries, linear in the points).

The same SVG is served at GET /api/measures/{id}/chart.svg, embedded in pages and converted
to PNG for exports, so it carries inline presentation attributes (stroke, fill, dash) as well
as CSS classes: it looks right on its own, and a page stylesheet may restyle it.

Accessibility: `role="img"` with `aria-labelledby` pointing at its `<title>` and `<desc>`; each
point has its own `<title>` (period and value, and the signals marking it); signals are marked by
SHAPE as well as colour (a diamond for a shift or long run, a triangle for a trend, a square for
an astronomical point, a ring otherwise), and the median (long dashes) and target (short dashes)
differ in dash pattern. The chart JSON endpoint serves the same data as a table.

The x axis is proportional to time, so a gap between recordings shows as a gap.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

DEFAULT_LABELS: Mapping[str, str] = {
    "median": "Median",
    "target": "Target",
    "signal": "Signal",
    "no_values": "No values yet",
    "shift": "Shift",
    "trend": "Trend",
    "astronomical": "Astronomical point",
    "too_few_runs": "Too few runs",
    "too_many_runs": "Too many runs",
    "long_run": "Unusually long run",
    "few_crossings": "Unusually few crossings",
}

COLOURS = {
    "line": "#1f4e79",
    "point": "#1f4e79",
    "signal": "#c0392b",
    "median": "#555555",
    "target": "#1e7b34",
    "annotation": "#7a4f01",
    "axis": "#333333",
    "grid": "#dddddd",
    "text": "#222222",
}

STYLE = (
    ".values{{fill:none;stroke:{line};stroke-width:1.5}}"
    ".point{{fill:{point}}}"
    ".point.signal{{fill:{signal}}}"
    ".signal-marker{{fill:none;stroke:{signal};stroke-width:1.5}}"
    ".median{{stroke:{median};stroke-dasharray:6 4}}"
    ".target{{stroke:{target};stroke-dasharray:2 3}}"
    ".annotation line{{stroke:{annotation};stroke-dasharray:1 2}}"
    ".annotation text{{fill:{annotation}}}"
    ".axis line,.axis path{{stroke:{axis}}}"
    ".grid line{{stroke:{grid}}}"
    "text{{font-family:sans-serif;font-size:11px;fill:{text}}}"
    ".chart-title{{font-size:14px;font-weight:bold}}"
).format(**COLOURS)

# Marker shape per rule; anything else gets a ring.
SHAPES = {"shift": "diamond", "long_run": "diamond", "trend": "triangle", "astronomical": "square"}

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 24, 56, 44
POINT_RADIUS = 3.0
ANNOTATION_CHARS = 32


@dataclass(frozen=True)
class ChartPoint:
    day: date
    value: float
    signals: tuple[str, ...] = ()  # rule names marking this point
    label: str = ""  # the period as recorded ("2019-03", "2019-W12"), for the tooltip


@dataclass(frozen=True)
class ChartAnnotation:
    day: date
    text: str


@dataclass(frozen=True)
class _Frame:
    """Pixel mapping of the plot area: days to x, values to y."""

    left: float
    right: float
    top: float
    bottom: float
    first_day: int
    span_days: int
    ticks: tuple[float, ...]

    @property
    def low(self) -> float:
        return self.ticks[0]

    @property
    def high(self) -> float:
        return self.ticks[-1]

    def x(self, day: date) -> float:
        if self.span_days == 0:
            return (self.left + self.right) / 2
        return self.left + (day.toordinal() - self.first_day) / self.span_days * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


def _text(value: str) -> str:
    return escape(value)


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _f(number: float) -> str:
    return f"{number:.1f}"


def chart_id(title: str, description: str) -> str:
    """A stable id prefix for one chart, so several charts on a page keep unique ids."""
    digest = hashlib.sha1(f"{title}\n{description}".encode(), usedforsecurity=False).hexdigest()
    return f"run-chart-{digest[:10]}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering low..high."""
    if high <= low:
        low, high = _widen(low)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [_clean(first + i * step) for i in range(steps + 1)]


def _clean(value: float) -> float:
    cleaned = float(round(value, 10))
    return 0.0 if cleaned == 0 else cleaned


def _widen(value: float) -> tuple[float, float]:
    """A y range around a single value (all points equal): ±1, or ±10 % of a large value."""
    half = max(abs(value) * 0.1, 1.0)
    return value - half, value + half


def render(
    points: Sequence[ChartPoint],
    *,
    title: str,
    description: str,
    median: float | None,
    target: float | None,
    annotations: Sequence[ChartAnnotation] = (),
    unit: str = "",
    labels: Mapping[str, str] | None = None,
    width: int = 720,
    height: int = 360,
    number: Callable[[float], str] = str,
    day_format: Callable[[date], str] = date.isoformat,
    id_prefix: str | None = None,
) -> str:
    """The run chart of `points` (in time order) as an SVG document string."""
    words = {**DEFAULT_LABELS, **(labels or {})}
    prefix = id_prefix or chart_id(title, description)
    parts = [_open(prefix, title, description, width, height)]
    if not points:
        parts.append(
            f'<text class="no-values" x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle"'
            f' fill="{COLOURS["text"]}">{_text(words["no_values"])}</text>'
        )
    else:
        frame = _frame(points, annotations, median, target, width, height)
        parts.extend(_y_axis(frame, number, unit))
        parts.extend(_x_axis(frame, day_format))
        if median is not None:
            parts.append(_reference_line(frame, "median", median, words["median"], number))
        if target is not None:
            parts.append(_reference_line(frame, "target", target, words["target"], number))
        parts.extend(_annotations(frame, annotations, day_format))
        parts.append(_polyline(frame, points))
        parts.extend(_points(frame, points, words, unit, number, day_format))
        parts.extend(_signal_markers(frame, points, words))
    parts.append("</svg>")
    return "".join(parts)


def _open(prefix: str, title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{prefix}-title {prefix}-desc"'
        f' class="run-chart">'
        f'<title id="{prefix}-title">{_text(title)}</title>'
        f'<desc id="{prefix}-desc">{_text(description)}</desc>'
        f"<style>{STYLE}</style>"
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text class="chart-title" x="{MARGIN_LEFT}" y="22" font-size="14" font-weight="bold"'
        f' fill="{COLOURS["text"]}" aria-hidden="true">{_text(title)}</text>'
    )


def _frame(
    points: Sequence[ChartPoint],
    annotations: Sequence[ChartAnnotation],
    median: float | None,
    target: float | None,
    width: int,
    height: int,
) -> _Frame:
    days = [p.day.toordinal() for p in points] + [a.day.toordinal() for a in annotations]
    values = [p.value for p in points] + [v for v in (median, target) if v is not None]
    ticks = nice_ticks(min(values), max(values))
    left, right = MARGIN_LEFT + 8, width - MARGIN_RIGHT - 8  # keep edge points off the axis
    return _Frame(
        left=left,
        right=max(right, left + 1),
        top=MARGIN_TOP,
        bottom=max(height - MARGIN_BOTTOM, MARGIN_TOP + 1),
        first_day=min(days),
        span_days=max(days) - min(days),
        ticks=tuple(ticks),
    )


def _y_axis(frame: _Frame, number: Callable[[float], str], unit: str) -> list[str]:
    axis_x = MARGIN_LEFT
    parts = ['<g class="grid">']
    for tick in frame.ticks:
        y = _f(frame.y(tick))
        parts.append(
            f'<line x1="{axis_x}" x2="{_f(frame.right + 8)}" y1="{y}" y2="{y}"'
            f' stroke="{COLOURS["grid"]}" stroke-width="1"/>'
        )
    parts.append('</g><g class="axis y-axis">')
    parts.append(
        f'<line x1="{axis_x}" x2="{axis_x}" y1="{_f(frame.top)}" y2="{_f(frame.bottom)}"'
        f' stroke="{COLOURS["axis"]}" stroke-width="1"/>'
    )
    for tick in frame.ticks:
        parts.append(
            f'<text class="tick" x="{axis_x - 6}" y="{_f(frame.y(tick) + 4)}" text-anchor="end"'
            f' fill="{COLOURS["text"]}">{_text(number(tick))}</text>'
        )
    if unit:
        parts.append(
            f'<text class="unit" x="{axis_x - 6}" y="{_f(frame.top - 8)}" text-anchor="end"'
            f' fill="{COLOURS["text"]}">{_text(unit)}</text>'
        )
    parts.append("</g>")
    return parts


def _x_axis(frame: _Frame, day_format: Callable[[date], str]) -> list[str]:
    bottom = _f(frame.bottom)
    parts = [
        '<g class="axis x-axis">',
        f'<line x1="{MARGIN_LEFT}" x2="{_f(frame.right + 8)}" y1="{bottom}" y2="{bottom}"'
        f' stroke="{COLOURS["axis"]}" stroke-width="1"/>',
    ]
    count = min(5, frame.span_days) + 1
    seen: set[int] = set()
    for i in range(count):
        ordinal = frame.first_day + round(i * frame.span_days / max(count - 1, 1))
        if ordinal in seen:
            continue
        seen.add(ordinal)
        day = date.fromordinal(ordinal)
        x = _f(frame.x(day))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{bottom}" y2="{_f(frame.bottom + 4)}"'
            f' stroke="{COLOURS["axis"]}" stroke-width="1"/>'
            f'<text class="tick" x="{x}" y="{_f(frame.bottom + 17)}" text-anchor="middle"'
            f' fill="{COLOURS["text"]}">{_text(day_format(day))}</text>'
        )
    parts.append("</g>")
    return parts


def _reference_line(frame: _Frame, kind: str, value: float, word: str, number: Callable[[float], str]) -> str:
    y = _f(frame.y(value))
    dash = "6 4" if kind == "median" else "2 3"
    colour = COLOURS[kind]
    text = f"{word} {number(value)}"
    return (
        f'<g class="{kind}-line"><line class="{kind}" x1="{_f(frame.left - 8)}" x2="{_f(frame.right + 8)}"'
        f' y1="{y}" y2="{y}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}">'
        f"<title>{_text(text)}</title></line>"
        f'<text class="{kind}-label" x="{_f(frame.right + 8)}" y="{_f(frame.y(value) - 4)}"'
        f' text-anchor="end" fill="{colour}">{_text(text)}</text></g>'
    )


def _annotations(
    frame: _Frame, annotations: Sequence[ChartAnnotation], day_format: Callable[[date], str]
) -> list[str]:
    parts: list[str] = []
    for position, annotation in enumerate(annotations):
        x = _f(frame.x(annotation.day))
        short = annotation.text
        if len(short) > ANNOTATION_CHARS:
            short = short[: ANNOTATION_CHARS - 1].rstrip() + "…"
        # Stagger the labels over three lines so neighbouring annotations do not overprint.
        label_y = _f(frame.top - 26 + (position % 3) * 10)
        parts.append(
            f'<g class="annotation"><title>{_text(day_format(annotation.day))}:'
            f" {_text(annotation.text)}</title>"
            f'<line x1="{x}" x2="{x}" y1="{_f(frame.top - 4)}" y2="{_f(frame.bottom)}"'
            f' stroke="{COLOURS["annotation"]}" stroke-width="1" stroke-dasharray="1 2"/>'
            f'<text x="{x}" y="{label_y}" dx="3" fill="{COLOURS["annotation"]}">{_text(short)}</text></g>'
        )
    return parts


def _polyline(frame: _Frame, points: Sequence[ChartPoint]) -> str:
    coordinates = " ".join(f"{_f(frame.x(p.day))},{_f(frame.y(p.value))}" for p in points)
    return (
        f'<polyline class="values" points="{coordinates}" fill="none"'
        f' stroke="{COLOURS["line"]}" stroke-width="1.5"/>'
    )


def _points(
    frame: _Frame,
    points: Sequence[ChartPoint],
    words: Mapping[str, str],
    unit: str,
    number: Callable[[float], str],
    day_format: Callable[[date], str],
) -> list[str]:
    parts = ['<g class="points">']
    for point in points:
        signal_words = ", ".join(words.get(rule, rule) for rule in point.signals)
        when = point.label or day_format(point.day)
        tooltip = f"{when}: {number(point.value)}{f' {unit}' if unit else ''}"
        if signal_words:
            tooltip += f" ({words['signal']}: {signal_words})"
        css = "point signal" if point.signals else "point"
        colour = COLOURS["signal"] if point.signals else COLOURS["point"]
        parts.append(
            f'<circle class="{css}" cx="{_f(frame.x(point.day))}" cy="{_f(frame.y(point.value))}"'
            f' r="{POINT_RADIUS}" fill="{colour}"><title>{_text(tooltip)}</title></circle>'
        )
    parts.append("</g>")
    return parts


def _signal_markers(frame: _Frame, points: Sequence[ChartPoint], words: Mapping[str, str]) -> list[str]:
    parts = ['<g class="signal-markers" aria-hidden="true">']
    for point in points:
        x, y = frame.x(point.day), frame.y(point.value)
        for order, rule in enumerate(point.signals):
            size = 6.5 + 3.5 * order  # a second rule on the same point draws around the first
            parts.append(
                f'<path class="signal-marker" data-rule="{_attr(rule)}" d="{_shape(rule, x, y, size)}"'
                f' fill="none" stroke="{COLOURS["signal"]}" stroke-width="1.5">'
                f"<title>{_text(words.get(rule, rule))}</title></path>"
            )
    parts.append("</g>")
    return parts


def _shape(rule: str, x: float, y: float, size: float) -> str:
    """An SVG path around (x, y): diamond, triangle, square or ring, by rule."""
    shape = SHAPES.get(rule, "ring")
    cx, cy, top, bottom, left, right = _f(x), _f(y), _f(y - size), _f(y + size), _f(x - size), _f(x + size)
    if shape == "diamond":
        return f"M{cx},{top}L{right},{cy}L{cx},{bottom}L{left},{cy}Z"
    if shape == "triangle":
        base = _f(y + size * 0.8)
        return f"M{cx},{top}L{right},{base}L{left},{base}Z"
    if shape == "square":
        corner, side = size * 0.85, _f(size * 1.7)
        return f"M{_f(x - corner)},{_f(y - corner)}h{side}v{side}h-{side}Z"
    radius, diameter = _f(size), _f(2 * size)
    return f"M{left},{cy}a{radius},{radius} 0 1,0 {diameter},0a{radius},{radius} 0 1,0 -{diameter},0Z"
