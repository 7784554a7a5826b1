"""An outcome timeline as an accessible, standalone SVG string (no libraries, linear in the
entries).

Served at GET /api/initiatives/{id}/timeline.svg (one swim-lane per kind of entry) and at the
programme's and development target's timeline.svg (one lane per initiative). Like the run chart
(`present.drawing.run_chart_svg`, whose helpers it reuses) it carries inline presentation attributes as
well as CSS classes, so it looks right on its own and a page stylesheet may restyle it.

Accessibility: `role="img"` with `aria-labelledby` pointing at its `<title>` and `<desc>`;
every marker has its own `<title>` (day, kind and label); each kind has its own SHAPE as well
as its colour (square, diamond, ring, dot, triangle, bar, star, hexagon), and a legend names
them. The JSON endpoint serves the same entries as data.

The x axis is proportional to time with month ticks (every 1, 2, 3 or 6 months, or years for
long spans, at most about a dozen), so a quiet year shows as empty space.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from present.drawing.labels import Box, Layout, text_box
from present.drawing.run_chart_svg import _attr, _f, _text, chart_id

KIND_ORDER = (
    "lifecycle",
    "experiment",
    "check_in",
    "measure_value",
    "measure_signal",
    "annotation",
    "evaluation",
    "good_practice",
)

DEFAULT_LABELS: Mapping[str, str] = {
    "lifecycle": "Lifecycle",
    "experiment": "Experiments",
    "check_in": "Check-ins",
    "measure_value": "Measure values",
    "measure_signal": "Signals",
    "annotation": "Annotations",
    "evaluation": "Evaluations",
    "good_practice": "Good practice",
    "no_entries": "Nothing recorded in this period",
    "legend": "Legend",
}

SHAPES: Mapping[str, str] = {
    "lifecycle": "square",
    "experiment": "diamond",
    "check_in": "ring",
    "measure_value": "dot",
    "measure_signal": "triangle",
    "annotation": "bar",
    "evaluation": "star",
    "good_practice": "hexagon",
}

COLOURS: Mapping[str, str] = {
    "lifecycle": "#1f4e79",
    "experiment": "#6a3d9a",
    "check_in": "#1e7b34",
    "measure_value": "#33658a",
    "measure_signal": "#c0392b",
    "annotation": "#7a4f01",
    "evaluation": "#a0522d",
    "good_practice": "#00695c",
    "axis": "#333333",
    "grid": "#dddddd",
    "text": "#222222",
    "lane": "#f4f6f8",
}

STYLE = (
    ".marker,.legend-marker{{stroke-width:1.5}}"
    ".axis line{{stroke:{axis}}}"
    ".grid line{{stroke:{grid}}}"
    "text{{font-family:sans-serif;font-size:11px;fill:{text}}}"
    ".chart-title{{font-size:14px;font-weight:bold}}"
).format(**COLOURS)

LABEL_WIDTH = 180
MARGIN_RIGHT, MARGIN_TOP, AXIS_HEIGHT = 24, 48, 28
LANE_HEIGHT = 28
LEGEND_ROW = 18
LEGEND_ITEM = 170  # the width of a legend item: its marker and its kind's name
LANE_CHARS = 28
MAX_TICKS = 12
MARKER_SIZE = 5.0


@dataclass(frozen=True)
class TimelineMarker:
    day: date
    kind: str
    label: str
    lane: str  # the key of the lane it is drawn in (a kind, or an initiative id)


@dataclass(frozen=True)
class Lane:
    key: str
    label: str


@dataclass(frozen=True)
class _Axis:
    left: float
    right: float
    first_day: int
    span_days: int

    def x(self, day: date) -> float:
        if self.span_days == 0:
            return (self.left + self.right) / 2
        return self.left + (day.toordinal() - self.first_day) / self.span_days * (self.right - self.left)


def render(
    markers: Sequence[TimelineMarker],
    lanes: Sequence[Lane],
    *,
    title: str,
    description: str,
    labels: Mapping[str, str] | None = None,
    width: int = 900,
    day_format: Callable[[date], str] = date.isoformat,
    month_format: Callable[[date], str] = lambda day: day.strftime("%m/%Y"),
    start: date | None = None,
    end: date | None = None,
    id_prefix: str | None = None,
) -> str:
    """The timeline of `markers` drawn in `lanes` (top to bottom) as an SVG document string.

    `start`/`end` widen the axis to a requested period; markers in lanes not listed are
    left out."""
    words = {**DEFAULT_LABELS, **(labels or {})}
    prefix = id_prefix or chart_id(title, description).replace("run-chart", "timeline")
    lane_index = {lane.key: i for i, lane in enumerate(lanes)}
    shown = [m for m in markers if m.lane in lane_index]
    kinds = [k for k in KIND_ORDER if any(m.kind == k for m in shown)]
    plot_height = max(len(lanes), 1) * LANE_HEIGHT
    legend_top = MARGIN_TOP + plot_height + AXIS_HEIGHT + 12
    columns = legend_columns(width)
    legend_rows = -(-len(kinds) // columns)
    height = legend_top + legend_rows * LEGEND_ROW + 12
    parts = [_open(prefix, title, description, width, height)]
    if not shown:
        parts.append(
            f'<text class="no-entries" x="{width / 2:.1f}" y="{MARGIN_TOP + plot_height / 2:.1f}"'
            f' text-anchor="middle" fill="{COLOURS["text"]}">{_text(words["no_entries"])}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)
    days = [m.day.toordinal() for m in shown] + [d.toordinal() for d in (start, end) if d is not None]
    axis = _Axis(
        left=LABEL_WIDTH + 10,
        right=max(width - MARGIN_RIGHT - 10, LABEL_WIDTH + 11),
        first_day=min(days),
        span_days=max(days) - min(days),
    )
    parts.extend(_lanes(lanes, width))
    parts.extend(_time_axis(axis, MARGIN_TOP + plot_height, month_format))
    parts.extend(_markers(axis, shown, lane_index, words, day_format))
    parts.extend(_legend(kinds, words, legend_top, columns))
    parts.append("</svg>")
    return "".join(parts)


def _open(prefix: str, title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{prefix}-title {prefix}-desc"'
        f' class="outcome-timeline">'
        f'<title id="{prefix}-title">{_text(title)}</title>'
        f'<desc id="{prefix}-desc">{_text(description)}</desc>'
        f"<style>{STYLE}</style>"
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text class="chart-title" x="10" y="24" font-size="14" font-weight="bold"'
        f' fill="{COLOURS["text"]}" aria-hidden="true">{_text(title)}</text>'
    )


def _short(label: str) -> str:
    return label if len(label) <= LANE_CHARS else label[: LANE_CHARS - 1].rstrip() + "…"


def _lanes(lanes: Sequence[Lane], width: int) -> list[str]:
    parts = ['<g class="lanes">']
    for index, lane in enumerate(lanes):
        top = MARGIN_TOP + index * LANE_HEIGHT
        fill = COLOURS["lane"] if index % 2 == 0 else "#ffffff"
        parts.append(
            f'<g class="lane" data-lane="{_attr(lane.key)}">'
            f'<rect x="0" y="{top}" width="{width}" height="{LANE_HEIGHT}" fill="{fill}"/>'
            f'<text class="lane-label" x="10" y="{top + LANE_HEIGHT / 2 + 4:.1f}" fill="{COLOURS["text"]}">'
            f"<title>{_text(lane.label)}</title>{_text(_short(lane.label))}</text></g>"
        )
    parts.append("</g>")
    return parts


def month_ticks(first: date, last: date) -> list[date]:
    """First days of months between `first` and `last`, every 1, 2, 3, 6 or 12·k months so
    there are at most `MAX_TICKS` (none when the span holds no first day of a month)."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6) if months / s <= MAX_TICKS), 12 * -(-months // (12 * MAX_TICKS)))
    index = first.year * 12 + first.month - 1
    if first.day != 1:
        index += 1
    if step >= 12:
        index += -index % 12  # years start in January
    elif step > 1:
        index += -index % step
    ticks: list[date] = []
    while True:
        tick = date(index // 12, index % 12 + 1, 1)
        if tick > last:
            return ticks
        ticks.append(tick)
        index += step


def _time_axis(axis: _Axis, bottom: float, month_format: Callable[[date], str]) -> list[str]:
    first, last = date.fromordinal(axis.first_day), date.fromordinal(axis.first_day + axis.span_days)
    ticks = month_ticks(first, last)
    parts = ['<g class="grid">']
    for tick in ticks:
        x = _f(axis.x(tick))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{MARGIN_TOP}" y2="{_f(bottom)}" stroke="{COLOURS["grid"]}"'
            ' stroke-width="1"/>'
        )
    parts.append('</g><g class="axis x-axis">')
    parts.append(
        f'<line x1="{_f(axis.left - 10)}" x2="{_f(axis.right + 10)}" y1="{_f(bottom)}" y2="{_f(bottom)}"'
        f' stroke="{COLOURS["axis"]}" stroke-width="1"/>'
    )
    taken = Layout()
    for tick in ticks:
        x = _f(axis.x(tick))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_f(bottom)}" y2="{_f(bottom + 4)}" stroke="{COLOURS["axis"]}"'
            ' stroke-width="1"/>'
        )
        # A month's name only where it does not run into the one before (the tick stays).
        word = month_format(tick)
        box = text_box(axis.x(tick), bottom + 17, word, 11.0, "middle")
        if taken.free(Box(box.left - 4, box.top, box.right + 4, box.bottom)):
            taken.take(box)
            parts.append(
                f'<text class="tick" x="{x}" y="{_f(bottom + 17)}" text-anchor="middle"'
                f' fill="{COLOURS["text"]}">{_text(word)}</text>'
            )
    parts.append("</g>")
    return parts


def _markers(
    axis: _Axis,
    markers: Sequence[TimelineMarker],
    lane_index: Mapping[str, int],
    words: Mapping[str, str],
    day_format: Callable[[date], str],
) -> list[str]:
    parts = ['<g class="markers">']
    for marker in markers:
        x = axis.x(marker.day)
        y = MARGIN_TOP + lane_index[marker.lane] * LANE_HEIGHT + LANE_HEIGHT / 2
        tooltip = f"{day_format(marker.day)}: {words.get(marker.kind, marker.kind)}: {marker.label}"
        parts.append(_marker(marker.kind, x, y, tooltip))
    parts.append("</g>")
    return parts


def _marker(kind: str, x: float, y: float, tooltip: str = "", css: str = "marker") -> str:
    colour = COLOURS.get(kind, COLOURS["text"])
    shape = SHAPES.get(kind, "ring")
    hollow = shape in ("ring", "bar")
    fill = "none" if hollow else colour
    inner = f"<title>{_text(tooltip)}</title>" if tooltip else ""
    return (
        f'<path class="{css} {kind}" data-kind="{_attr(kind)}" d="{shape_path(shape, x, y, MARKER_SIZE)}"'
        f' fill="{fill}" stroke="{colour}" stroke-width="1.5">{inner}</path>'
    )


def shape_path(shape: str, x: float, y: float, size: float) -> str:
    """An SVG path of `shape` centred on (x, y)."""
    cx, cy = _f(x), _f(y)
    if shape == "square":
        side = _f(size * 1.6)
        return f"M{_f(x - size * 0.8)},{_f(y - size * 0.8)}h{side}v{side}h-{side}Z"
    if shape == "diamond":
        return f"M{cx},{_f(y - size)}L{_f(x + size)},{cy}L{cx},{_f(y + size)}L{_f(x - size)},{cy}Z"
    if shape == "triangle":
        return (
            f"M{cx},{_f(y - size)}L{_f(x + size)},{_f(y + size * 0.8)}L{_f(x - size)},{_f(y + size * 0.8)}Z"
        )
    if shape == "bar":
        return f"M{cx},{_f(y - size * 1.6)}V{_f(y + size * 1.6)}"
    if shape == "star":
        return _polygon(x, y, [(size if i % 2 == 0 else size * 0.45, i * 36 - 90) for i in range(10)])
    if shape == "hexagon":
        return _polygon(x, y, [(size, i * 60) for i in range(6)])
    radius = size * (0.5 if shape == "dot" else 0.9)
    r, d = _f(radius), _f(2 * radius)
    return f"M{_f(x - radius)},{cy}a{r},{r} 0 1,0 {d},0a{r},{r} 0 1,0 -{d},0Z"


def _polygon(x: float, y: float, corners: list[tuple[float, float]]) -> str:
    points = [(x + r * math.cos(math.radians(a)), y + r * math.sin(math.radians(a))) for r, a in corners]
    return "M" + "L".join(f"{_f(px)},{_f(py)}" for px, py in points) + "Z"


def legend_columns(width: int) -> int:
    """How many legend items fit side by side (170 px each, after the lane labels), at most 4."""
    return max(1, min(4, (width - LABEL_WIDTH - 10 - MARGIN_RIGHT) // LEGEND_ITEM))


def _legend(kinds: Sequence[str], words: Mapping[str, str], top: float, columns: int) -> list[str]:
    parts = [
        f'<g class="legend"><text class="legend-title" x="10" y="{_f(top + 4)}"'
        f' fill="{COLOURS["text"]}">{_text(words["legend"])}</text>'
    ]
    for index, kind in enumerate(kinds):
        x = LABEL_WIDTH + 10 + (index % columns) * LEGEND_ITEM
        y = top + (index // columns) * LEGEND_ROW
        parts.append(
            f'<g class="legend-item" data-kind="{_attr(kind)}" aria-hidden="true">'
            f'{_marker(kind, x, y, css="legend-marker")}<text x="{x + 10}" y="{_f(y + 4)}"'
            f' fill="{COLOURS["text"]}">{_text(words.get(kind, kind))}</text></g>'
        )
    parts.append("</g>")
    return parts
