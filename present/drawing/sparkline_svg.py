"""A sparkline: a word-sized line of a series (an initiative's progress scores by workshop
on the programme dashboard), drawn on the server as inline SVG, no libraries.

It has no axes or labels of its own: the page writes the values in words next to it. The
SVG is `role="img"` and carries that wording as its `aria-label` and `<title>`, so a screen
reader says the scores and a mouse shows them; the caller words it in the reader's
language and number format (`values_label`). The last point is drawn larger, so the eye
finds "where it is now"; the y range is fixed (the IHI scale, 0..5 by default) so two
initiatives' lines can be compared row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from present.drawing.run_chart_svg import _attr, _f, _text

WIDTH = 112
HEIGHT = 28
PAD = 4  # room for the end point's dot


def points(
    values: Sequence[float], *, low: float, high: float, width: int = WIDTH, height: int = HEIGHT
) -> list[tuple[float, float]]:
    """The values as (x, y) in the drawing: evenly spaced left to right, higher values up,
    clamped to low..high. One value sits in the middle."""
    if not values:
        return []
    span = (high - low) or 1.0
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0.0

    def y(value: float) -> float:
        share = (min(max(value, low), high) - low) / span
        return PAD + inner_h * (1 - share)

    if len(values) == 1:
        return [(width / 2, y(values[0]))]
    return [(PAD + step * n, y(v)) for n, v in enumerate(values)]


def values_label(values: Sequence[float], number: Callable[[float], str], lead: str) -> str:
    """The words a reader hears: the lead ("Progress scores by workshop") and the values in
    order in the reader's number format, separated so that a decimal comma is not confused
    with a separator ("1; 1,5; 2")."""
    return f"{lead}: {'; '.join(number(v) for v in values)}"


def sparkline(
    values: Sequence[float],
    *,
    label: str,
    low: float = 0.0,
    high: float = 5.0,
    width: int = WIDTH,
    height: int = HEIGHT,
    css_class: str = "sparkline",
) -> str:
    """The series as an inline SVG string ("" when there are no values). `label` is the
    accessible wording of the values (see `values_label`)."""
    drawn = points(values, low=low, high=high, width=width, height=height)
    if not drawn:
        return ""
    line = " ".join(f"{_f(x)},{_f(y)}" for x, y in drawn)
    last_x, last_y = drawn[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_attr(css_class)}" role="img" '
        f'aria-label="{_attr(label)}" focusable="false" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{_text(label)}</title>",
        f'<line class="sparkline-base" x1="{PAD}" y1="{height - PAD}" x2="{width - PAD}" '
        f'y2="{height - PAD}" stroke="#6b7480" stroke-width="1"/>',
    ]
    if len(drawn) > 1:
        parts.append(
            f'<polyline class="sparkline-line" points="{line}" fill="none" stroke="#00557f" '
            'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    parts.append(
        f'<circle class="sparkline-end" cx="{_f(last_x)}" cy="{_f(last_y)}" r="3.5" fill="#1b1b1b"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
