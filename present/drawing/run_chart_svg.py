"""A run chart as an accessible, standalone SVG string (no libraries, linear in the points).

The same SVG is served at GET /api/measures/{id}/chart.svg, embedded in pages and converted
to PNG for exports, so it carries inline presentation attributes (stroke, fill, dash) as well
as CSS classes: it looks right on its own, and a page stylesheet may restyle it.

Accessibility: `role="img"` with `aria-labelledby` pointing at its `<title>` and `<desc>`; each
point has its own `<title>` (period and value, and the signals marking it); signals are marked by
SHAPE as well as colour (a diamond for a shift or long run, a triangle for a trend, a square for
an astronomical point, a ring otherwise), and the median (long dashes) and target (short dashes)
differ in dash pattern. The chart JSON endpoint serves the same data as a table.

What the chart found is drawn where it was found: a signal about some points (a shift, a
trend, a long run, an astronomical point) marks those points, and a run of them is
highlighted as a segment of the line; a signal about the whole series (too few or too many
runs, too few crossings) shades each run and marks each crossing of the median with a
cross. A legend under the chart names every signal drawn, the median and the target.

Labels never print on one another: each has an estimated box (`present.drawing.labels`), and
the annotation, median and target labels go to the first free place among their candidates;
an annotation with no free place is numbered and named in full in the legend.

The x axis is proportional to time, so a gap between recordings shows as a gap.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from present.drawing.labels import Box, Layout, shorten, text_box, text_width

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
    "whole_series": "the whole series: runs shaded ({runs}), crossings of the median marked × ({crossings})",
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
# Rules about the series as a whole (their signals name no points).
WHOLE_SERIES = ("too_few_runs", "too_many_runs", "few_crossings")

FONT, TITLE_FONT = 11.0, 14.0
PAD = 8  # from the drawing's edges
TITLE_BAND = 32  # the title's line
ROW = 14  # a line of annotation labels
ANNOTATION_ROWS = 3  # lines of annotation labels above the plot, at most
NUMBER_ROWS = 5  # lines for the numbers of annotations with no room for their words
MIN_LEFT = 40
MARGIN_RIGHT, AXIS_BAND, LEGEND_ROW = 24, 30, 20
POINT_RADIUS = 3.0
ANNOTATION_CHARS = 32
NOTE_CHARS = 60  # an annotation named in the legend
LEGEND_LINES = 3  # lines of a long legend item, at most
# A white outline under labels drawn over lines, so they stay readable.
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


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
class ChartSignal:
    """One signal the analysis found: its rule and the points (0-based) it concerns; no
    points for a signal about the whole series."""

    rule: str
    indexes: tuple[int, ...] = ()


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
    axis_x: float  # where the y axis is drawn

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


@dataclass(frozen=True)
class _LegendItem:
    sample: str  # SVG of the sample, drawn around (0, 0) and moved into place
    text: str
    kind: str  # "median", "target", a rule name, or "note"


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


def signals_of(points: Sequence[ChartPoint]) -> list[ChartSignal]:
    """The signals marked on the points, when the caller has no list of its own: each rule's
    consecutive points as one signal."""
    found: list[ChartSignal] = []
    open_runs: dict[str, list[int]] = {}
    for index, point in enumerate([*points, ChartPoint(date.min, 0.0)]):
        for rule in list(open_runs):
            if rule not in point.signals:
                found.append(ChartSignal(rule, tuple(open_runs.pop(rule))))
        for rule in point.signals if index < len(points) else ():
            open_runs.setdefault(rule, []).append(index)
    return sorted(found, key=lambda s: s.indexes)


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
    signals: Sequence[ChartSignal] | None = None,
) -> str:
    """The run chart of `points` (in time order) as an SVG document string.

    `signals` are what the analysis found (rules and the points they concern); without
    them, the rules marked on the points are drawn. The drawing is `width` wide and
    `height` high plus the rows its legend needs."""
    words = {**DEFAULT_LABELS, **(labels or {})}
    prefix = id_prefix or chart_id(title, description)
    layout = Layout()
    heading = _title(title, width, layout)
    if not points:
        return "".join(
            [
                _open(prefix, title, description, width, height, heading),
                f'<text class="no-values" x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle"'
                f' fill="{COLOURS["text"]}">{_text(words["no_values"])}</text></svg>',
            ]
        )
    found = list(signals) if signals is not None else signals_of(points)
    ticks = nice_ticks(*_value_range(points, median, target))
    tick_words = [number(t) for t in ticks]
    axis_x = max(MIN_LEFT, PAD + 6 + max(text_width(w, FONT) for w in tick_words))
    days = [p.day.toordinal() for p in points] + [a.day.toordinal() for a in annotations]
    left, right = axis_x + 8, max(width - MARGIN_RIGHT - 8, axis_x + 9)  # edge points off the axis
    span = max(days) - min(days)

    def x_of(day: date) -> float:
        if span == 0:
            return (left + right) / 2
        return left + (day.toordinal() - min(days)) / span * (right - left)

    placed, notes = _place_annotations(annotations, x_of, width, layout)
    rows = max((row for _, row, box, _ in placed if box is not None), default=-1) + 1
    top = TITLE_BAND + rows * ROW + (22 if unit else 12)
    bottom = top + max(height - 100, 120)
    frame = _Frame(left, right, top, bottom, min(days), span, tuple(ticks), axis_x)
    parts = []
    parts.extend(_y_axis(frame, tick_words, unit, width, layout))
    parts.extend(_x_axis(frame, day_format, width, layout))
    parts.extend(_series_marks(frame, points, median, found))
    parts.extend(_segments(frame, points, found))
    # The higher line's label goes above it, the lower one's below, so each reads by its line.
    lines = [(k, v) for k, v in (("median", median), ("target", target)) if v is not None]
    lines.sort(key=lambda line: -line[1])
    marks = [_point_box(frame, p) for p in points]
    references = [
        _reference_line(frame, kind, value, words[kind], number, layout, below=n > 0, points=marks)
        for n, (kind, value) in enumerate(lines)
    ]
    parts.extend(_annotations(frame, placed, day_format))
    parts.append(_polyline(frame, points))
    parts.extend(_points(frame, points, words, unit, number, day_format))
    parts.extend(_signal_markers(frame, points, words))
    parts.extend(references)  # over the line and points: a label is never hidden under them
    items = _legend_items(frame, points, median, target, found, notes, words, number, day_format)
    legend, legend_height = _legend(items, width, bottom + AXIS_BAND + 6, layout)
    parts.extend(legend)
    total = round(bottom + AXIS_BAND + 6 + legend_height + 6)
    return "".join([_open(prefix, title, description, width, total, heading), *parts, "</svg>"])


def _value_range(
    points: Sequence[ChartPoint], median: float | None, target: float | None
) -> tuple[float, float]:
    values = [p.value for p in points] + [v for v in (median, target) if v is not None]
    return min(values), max(values)


def _title(title: str, width: int, layout: Layout) -> str:
    shown = shorten(title, TITLE_FONT, width - 2 * PAD, bold=True)
    layout.take(text_box(PAD, 22, shown, TITLE_FONT, bold=True))
    return (
        f'<text class="chart-title" x="{PAD}" y="22" font-size="14" font-weight="bold"'
        f' fill="{COLOURS["text"]}" aria-hidden="true">{_text(shown)}</text>'
    )


def _open(prefix: str, title: str, description: str, width: int, height: int, heading: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{prefix}-title {prefix}-desc"'
        f' class="run-chart">'
        f'<title id="{prefix}-title">{_text(title)}</title>'
        f'<desc id="{prefix}-desc">{_text(description)}</desc>'
        f"<style>{STYLE}</style>"
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f"{heading}"
    )


# ---- labels above the plot -------------------------------------------------------------------


def _place_annotations(
    annotations: Sequence[ChartAnnotation], x_of: Callable[[date], float], width: int, layout: Layout
) -> tuple[list[tuple[ChartAnnotation, int, Box | None, str]], list[tuple[str, ChartAnnotation]]]:
    """Each annotation's label in the first line above the plot where it overlaps nothing:
    (annotation, line, box, words). One with no room there is numbered ("[2]", in up to
    NUMBER_ROWS lines) and named in the legend (the notes, by number); one with no room even
    for its number keeps its line and is named in the legend by its day alone."""
    placed: list[tuple[ChartAnnotation, int, Box | None, str]] = []
    notes: list[tuple[str, ChartAnnotation]] = []
    for annotation in sorted(annotations, key=lambda a: a.day):
        x = x_of(annotation.day)
        short = annotation.text
        if len(short) > ANNOTATION_CHARS:
            short = short[: ANNOTATION_CHARS - 1].rstrip() + "…"
        spot = _label_spot(layout, short, x, width, ANNOTATION_ROWS)
        if spot is None:
            numbered = sum(1 for mark, _ in notes if mark) + 1
            short = f"[{numbered}]"
            spot = _label_spot(layout, short, x, width, NUMBER_ROWS)
            notes.append((short if spot is not None else "", annotation))
        if spot is None:
            placed.append((annotation, 0, None, ""))
        else:
            placed.append((annotation, spot[0], spot[1], short))
    return placed, notes


def _label_spot(layout: Layout, text: str, x: float, width: int, rows: int) -> tuple[int, Box] | None:
    for row in range(rows):
        baseline = TITLE_BAND + FONT + row * ROW
        for box in (text_box(x + 3, baseline, text, FONT), text_box(x - 3, baseline, text, FONT, "end")):
            if box.inside(width, 10_000) and layout.free(box):
                return row, layout.take(box)
    return None


def _annotations(
    frame: _Frame,
    placed: Sequence[tuple[ChartAnnotation, int, Box | None, str]],
    day_format: Callable[[date], str],
) -> list[str]:
    parts: list[str] = []
    for annotation, _row, box, short in placed:
        x = frame.x(annotation.day)
        label, line_top = "", box.top if box else frame.top
        if box is not None:
            anchor = "end" if box.right <= x else "start"
            label_x = box.right if anchor == "end" else box.left
            label = (
                f'<text x="{_f(label_x)}" y="{_f(box.bottom - 0.25 * FONT)}" text-anchor="{anchor}"'
                f' fill="{COLOURS["annotation"]}"{HALO}>{_text(short)}</text>'
            )
        parts.append(
            f'<g class="annotation"><title>{_text(day_format(annotation.day))}:'
            f" {_text(annotation.text)}</title>"
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(line_top)}" y2="{_f(frame.bottom)}"'
            f' stroke="{COLOURS["annotation"]}" stroke-width="1" stroke-dasharray="1 2"/>{label}</g>'
        )
    return parts


# ---- axes and reference lines -----------------------------------------------------------------


def _y_axis(frame: _Frame, tick_words: Sequence[str], unit: str, width: int, layout: Layout) -> list[str]:
    axis_x = frame.axis_x
    parts = ['<g class="grid">']
    for tick in frame.ticks:
        y = _f(frame.y(tick))
        parts.append(
            f'<line x1="{_f(axis_x)}" x2="{_f(frame.right + 8)}" y1="{y}" y2="{y}"'
            f' stroke="{COLOURS["grid"]}" stroke-width="1"/>'
        )
    parts.append('</g><g class="axis y-axis">')
    parts.append(
        f'<line x1="{_f(axis_x)}" x2="{_f(axis_x)}" y1="{_f(frame.top)}" y2="{_f(frame.bottom)}"'
        f' stroke="{COLOURS["axis"]}" stroke-width="1"/>'
    )
    for tick, word in zip(frame.ticks, tick_words, strict=True):
        baseline = frame.y(tick) + 4
        layout.take(text_box(axis_x - 6, baseline, word, FONT, "end"))
        parts.append(
            f'<text class="tick" x="{_f(axis_x - 6)}" y="{_f(baseline)}" text-anchor="end"'
            f' fill="{COLOURS["text"]}">{_text(word)}</text>'
        )
    if unit:
        # From the left edge, above the axis: a long unit reads to the right, never off the image.
        shown = shorten(unit, FONT, width - 2 * PAD)
        layout.take(text_box(PAD, frame.top - 10, shown, FONT))
        parts.append(
            f'<text class="unit" x="{PAD}" y="{_f(frame.top - 10)}" fill="{COLOURS["text"]}"{HALO}>'
            f"{_text(shown)}</text>"
        )
    parts.append("</g>")
    return parts


def _x_axis(frame: _Frame, day_format: Callable[[date], str], width: int, layout: Layout) -> list[str]:
    bottom = _f(frame.bottom)
    parts = [
        '<g class="axis x-axis">',
        f'<line x1="{_f(frame.axis_x)}" x2="{_f(frame.right + 8)}" y1="{bottom}" y2="{bottom}"'
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
        x = frame.x(day)
        word = day_format(day)
        half = text_width(word, FONT) / 2
        label_x = min(max(x, half + 2), width - half - 2)  # the first and last stay on the image
        box = text_box(label_x, frame.bottom + 17, word, FONT, "middle")
        parts.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{bottom}" y2="{_f(frame.bottom + 4)}"'
            f' stroke="{COLOURS["axis"]}" stroke-width="1"/>'
        )
        if layout.free(box):
            layout.take(box)
            parts.append(
                f'<text class="tick" x="{_f(label_x)}" y="{_f(frame.bottom + 17)}" text-anchor="middle"'
                f' fill="{COLOURS["text"]}">{_text(word)}</text>'
            )
    parts.append("</g>")
    return parts


def _reference_line(
    frame: _Frame,
    kind: str,
    value: float,
    word: str,
    number: Callable[[float], str],
    layout: Layout,
    *,
    below: bool = False,
    points: Sequence[Box] = (),
) -> str:
    y = frame.y(value)
    dash = "6 4" if kind == "median" else "2 3"
    colour = COLOURS[kind]
    text = f"{word} {number(value)}"
    x = frame.right + 8
    # At the line's right end, above it (or below, for the lower of two lines), else on its
    # other side, else a little farther away.
    above = [text_box(x, y - 4 - step, text, FONT, "end") for step in (0, 12, 24)]
    under = [text_box(x, y + 12 + step, text, FONT, "end") for step in (0, 12, 24)]
    first, second = (under, above) if below else (above, under)
    candidates = [first[0], second[0], first[1], second[1], first[2], second[2]]
    inside = [c for c in candidates if frame.top - 6 <= c.top and c.bottom <= frame.bottom + 6]
    # Clear of the points where it can be, else clear of the other labels only.
    clear = [c for c in inside if not any(c.overlaps(p) for p in points)]
    box = layout.first_free(clear) or layout.first_free(inside)
    label = ""
    if box is not None:  # else the legend alone names it
        label = (
            f'<text class="{kind}-label" x="{_f(x)}" y="{_f(box.bottom - 0.25 * FONT)}"'
            f' text-anchor="end" fill="{colour}"{HALO}>{_text(text)}</text>'
        )
    return (
        f'<g class="{kind}-line"><line class="{kind}" x1="{_f(frame.left - 8)}" x2="{_f(frame.right + 8)}"'
        f' y1="{_f(y)}" y2="{_f(y)}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}">'
        f"<title>{_text(text)}</title></line>{label}</g>"
    )


# ---- the values and what was found in them ---------------------------------------------------------


def _point_box(frame: _Frame, point: ChartPoint) -> Box:
    """The room a point and its signal markers take."""
    x, y = frame.x(point.day), frame.y(point.value)
    reach = POINT_RADIUS + 1 if not point.signals else 7.5 + 3.5 * (len(point.signals) - 1)
    return Box(x - reach, y - reach, x + reach, y + reach)


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


def _segments(frame: _Frame, points: Sequence[ChartPoint], found: Sequence[ChartSignal]) -> list[str]:
    """A signal about several points (a shift, a trend, a long run) as a broad band along
    the line through them."""
    parts = ['<g class="signal-segments" aria-hidden="true">']
    for signal in found:
        indexes = [i for i in signal.indexes if 0 <= i < len(points)]
        if len(indexes) < 2:
            continue
        coordinates = " ".join(
            f"{_f(frame.x(points[i].day))},{_f(frame.y(points[i].value))}" for i in indexes
        )
        parts.append(
            f'<polyline class="signal-segment" data-rule="{_attr(signal.rule)}" points="{coordinates}"'
            f' fill="none" stroke="{COLOURS["signal"]}" stroke-opacity="0.22" stroke-width="9"'
            ' stroke-linecap="round" stroke-linejoin="round"/>'
        )
    parts.append("</g>")
    return parts


def runs_and_crossings(
    points: Sequence[ChartPoint], median: float
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """The runs (indexes of consecutive points on one side of the median; points on it are
    skipped, as the analysis skips them) and the crossings (the last index of a run, the
    first of the next)."""
    runs: list[list[int]] = []
    side = 0
    for index, point in enumerate(points):
        here = (point.value > median) - (point.value < median)
        if here == 0:
            continue
        if here != side:
            runs.append([])
            side = here
        runs[-1].append(index)
    return runs, [(a[-1], b[0]) for a, b in itertools.pairwise(runs)]


def _series_marks(
    frame: _Frame, points: Sequence[ChartPoint], median: float | None, found: Sequence[ChartSignal]
) -> list[str]:
    """A signal about the whole series: each run shaded between the median and its farthest
    point, each crossing of the median marked with a cross."""
    rules = [s.rule for s in found if not s.indexes]
    if not rules or median is None:
        return []
    runs, crossings = runs_and_crossings(points, median)
    y_median = frame.y(median)
    parts = [f'<g class="series-signal" data-rules="{_attr(" ".join(rules))}" aria-hidden="true">']
    for run in runs:
        xs = [frame.x(points[i].day) for i in run]
        ys = [frame.y(points[i].value) for i in run]
        left, right = max(min(xs) - 6, frame.left - 8), min(max(xs) + 6, frame.right + 8)
        far = min(ys) - 6 if min(ys) < y_median else max(ys) + 6
        top, bottom = min(far, y_median), max(far, y_median)
        parts.append(
            f'<rect class="series-run" x="{_f(left)}" y="{_f(top)}" width="{_f(right - left)}"'
            f' height="{_f(bottom - top)}" fill="{COLOURS["signal"]}" fill-opacity="0.09"'
            f' stroke="{COLOURS["signal"]}" stroke-opacity="0.6" stroke-width="0.8" stroke-dasharray="3 2"/>'
        )
    for before, after in crossings:
        x = _crossing_x(frame, points, before, after, median)
        parts.append(
            f'<path class="crossing" d="{_cross(x, y_median, 4.5)}" stroke="{COLOURS["signal"]}"'
            ' stroke-width="2" fill="none"/>'
        )
    parts.append("</g>")
    return parts


def _crossing_x(frame: _Frame, points: Sequence[ChartPoint], before: int, after: int, median: float) -> float:
    """Where the line meets the median between two points on either side of it (at a point on
    the median, when one lies between them)."""
    if after > before + 1:
        return frame.x(points[before + 1].day)
    a, b = points[before], points[after]
    share = (median - a.value) / (b.value - a.value)
    return frame.x(a.day) + share * (frame.x(b.day) - frame.x(a.day))


def _cross(x: float, y: float, size: float) -> str:
    return (
        f"M{_f(x - size)},{_f(y - size)}L{_f(x + size)},{_f(y + size)}"
        f"M{_f(x - size)},{_f(y + size)}L{_f(x + size)},{_f(y - size)}"
    )


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


# ---- the legend ---------------------------------------------------------------------------------


def _legend_items(
    frame: _Frame,
    points: Sequence[ChartPoint],
    median: float | None,
    target: float | None,
    found: Sequence[ChartSignal],
    notes: Sequence[tuple[str, ChartAnnotation]],
    words: Mapping[str, str],
    number: Callable[[float], str],
    day_format: Callable[[date], str],
) -> list[_LegendItem]:
    items = []
    for kind, value in (("median", median), ("target", target)):
        if value is not None:
            dash = "6 4" if kind == "median" else "2 3"
            sample = (
                f'<line x1="-11" x2="11" y1="0" y2="0" stroke="{COLOURS[kind]}" stroke-width="1.5"'
                f' stroke-dasharray="{dash}"/>'
            )
            items.append(_LegendItem(sample, f"{words[kind]} {number(value)}", kind))
    signal = COLOURS["signal"]
    for rule in dict.fromkeys(s.rule for s in found):
        if rule in WHOLE_SERIES or not any(s.indexes for s in found if s.rule == rule):
            runs, crossings = runs_and_crossings(points, median) if median is not None else ([], [])
            sample = (
                f'<rect x="-11" y="-6" width="22" height="12" fill="{signal}" fill-opacity="0.09"'
                f' stroke="{signal}" stroke-opacity="0.6" stroke-width="0.8" stroke-dasharray="3 2"/>'
                f'<path d="{_cross(0, 0, 4)}" stroke="{signal}" stroke-width="2" fill="none"/>'
            )
            series = words["whole_series"].format(runs=len(runs), crossings=len(crossings))
            items.append(_LegendItem(sample, f"{words.get(rule, rule)}: {series}", rule))
        else:
            band = (
                f'<line x1="-11" x2="11" y1="0" y2="0" stroke="{signal}" stroke-opacity="0.22"'
                ' stroke-width="9" stroke-linecap="round"/>'
                if rule != "astronomical"
                else ""
            )
            sample = band + (
                f'<path d="{_shape(rule, 0, 0, 6.5)}" fill="none" stroke="{signal}" stroke-width="1.5"/>'
            )
            items.append(_LegendItem(sample, words.get(rule, rule), rule))
    for mark, annotation in notes:
        text = f"{mark} {day_format(annotation.day)}: {annotation.text}".lstrip()
        if len(text) > NOTE_CHARS:
            text = text[: NOTE_CHARS - 1].rstrip() + "…"
        colour = COLOURS["annotation"]
        sample = f'<line x1="0" x2="0" y1="-7" y2="7" stroke="{colour}" stroke-dasharray="1 2"/>'
        items.append(_LegendItem(sample, text, "note"))
    return items


def _legend(items: Sequence[_LegendItem], width: int, top: float, layout: Layout) -> tuple[list[str], float]:
    """The items in rows from the left, as many to a row as fit, a long one wrapped over rows of
    its own; (SVG, height)."""
    if not items:
        return [], 0.0
    parts = ['<g class="legend">']
    x, row = float(PAD), 0
    for item in items:
        lines = _wrap(item.text, width - 2 * PAD - 32, LEGEND_LINES)
        needed = 32 + max(text_width(line, FONT) for line in lines) + 18
        if x > PAD and (len(lines) > 1 or x + needed > width - PAD):
            x, row = float(PAD), row + 1
        centre_y = top + row * LEGEND_ROW + 7
        texts, right = [], x
        for n, line in enumerate(lines):
            baseline = centre_y + 4 + n * LEGEND_ROW
            right = max(right, layout.take(text_box(x + 30, baseline, line, FONT)).right)
            texts.append(
                f'<text x="{_f(x + 30)}" y="{_f(baseline)}" fill="{COLOURS["text"]}">{_text(line)}</text>'
            )
        parts.append(
            f'<g class="legend-item" data-kind="{_attr(item.kind)}">'
            f'<g transform="translate({_f(x + 13)},{_f(centre_y)})" aria-hidden="true">{item.sample}</g>'
            f"{''.join(texts)}</g>"
        )
        row += len(lines) - 1
        x = right + 18 if len(lines) == 1 else width  # after a wrapped item, the next starts a row
    parts.append("</g>")
    return parts, (row + 1) * LEGEND_ROW


def _wrap(text: str, room: float, most: int) -> list[str]:
    """`text` in lines of at most `room` px, broken between words; at most `most` lines, the
    last shortened with "…" when the words do not fit."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", FONT) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    return [shorten(line, FONT, room) for line in lines]
