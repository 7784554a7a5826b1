"""The outcome-timeline SVG, checked structurally: accessible names, one marker per entry with
its own title, a lane each, shapes by kind, a proportional time axis with month ticks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from itertools import pairwise

from present.drawing.labels import text_box
from present.drawing.timeline_svg import KIND_ORDER, SHAPES, Lane, TimelineMarker, month_ticks, render
from projections.outcome_timeline import KINDS

SVG = "{http://www.w3.org/2000/svg}"
LANES = [Lane("lifecycle", "Lifecycle"), Lane("experiment", "Experiments"), Lane("measure_signal", "Signals")]
MARKERS = [
    TimelineMarker(date(2018, 3, 15), "lifecycle", "proposed → planned", "lifecycle"),
    TimelineMarker(date(2018, 9, 3), "experiment", "Kotiutuksen tarkistuslista: planned", "experiment"),
    TimelineMarker(date(2019, 3, 1), "measure_signal", "Odotusaika: shift", "measure_signal"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def markers(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}g[@class='markers']/{SVG}path")


def test_the_kinds_of_the_drawing_are_the_kinds_of_the_timeline() -> None:
    assert KIND_ORDER == KINDS
    assert len(set(SHAPES.values())) == len(KINDS)  # every kind has a shape of its own


def test_title_description_lanes_and_a_marker_per_entry() -> None:
    root = parse(render(MARKERS, LANES, title="Aikajana", description="Kolme merkintää"))
    assert root.get("role") == "img"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    assert root.find(f"{SVG}title[@id='{title_id}']") is not None
    assert root.findtext(f"{SVG}desc[@id='{desc_id}']") == "Kolme merkintää"
    found = markers(root)
    assert [m.get("data-kind") for m in found] == ["lifecycle", "experiment", "measure_signal"]
    assert found[0].findtext(f"{SVG}title") == "2018-03-15: Lifecycle: proposed → planned"
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["lifecycle", "experiment", "measure_signal"]
    legend = [g.get("data-kind") for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert legend == ["lifecycle", "experiment", "measure_signal"]
    shapes = {m.get("data-kind"): m.get("d") for m in found}
    assert len(set(shapes.values())) == 3


def test_time_is_proportional_and_markers_sit_in_their_lane() -> None:
    same_kind = [TimelineMarker(m.day, "lifecycle", m.label, "lifecycle") for m in MARKERS]
    first, middle, last = (
        _start(m.get("d") or "") for m in markers(parse(render(same_kind, LANES, title="t", description="d")))
    )
    days = [(m.day - MARKERS[0].day).days for m in MARKERS]
    assert abs((middle[0] - first[0]) / (last[0] - first[0]) - days[1] / days[2]) < 0.01
    tops = [
        _start(m.get("d") or "")[1]
        for m in markers(parse(render(MARKERS, LANES, title="t", description="d")))
    ]
    assert tops[0] < tops[1] < tops[2]  # lanes top to bottom


def test_markers_outside_the_lanes_are_left_out_and_words_are_translatable() -> None:
    lone = [*MARKERS, TimelineMarker(date(2018, 5, 1), "evaluation", "x", "not-a-lane")]
    root = parse(render(lone, LANES, title="t", description="d", labels={"lifecycle": "Elinkaari"}))
    assert len(markers(root)) == 3
    assert markers(root)[0].findtext(f"{SVG}title") == "2018-03-15: Elinkaari: proposed → planned"


def test_nothing_to_draw_says_so() -> None:
    root = parse(render([], LANES, title="t", description="d", labels={"no_entries": "Ei merkintöjä"}))
    assert markers(root) == []
    assert root.findtext(f".//{SVG}text[@class='no-entries']") == "Ei merkintöjä"


def test_text_is_escaped() -> None:
    svg = render(
        [TimelineMarker(date(2019, 1, 1), "annotation", "<b>&", "annotation")],
        [Lane("annotation", "A & B")],
        title="<x>",
        description="&",
    )
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == "<x>"


def test_month_ticks_stay_few_and_start_on_round_months() -> None:
    assert month_ticks(date(2018, 3, 15), date(2018, 7, 2)) == [date(2018, m, 1) for m in (4, 5, 6, 7)]
    two_years = month_ticks(date(2018, 1, 10), date(2019, 12, 31))
    assert two_years[0] == date(2018, 3, 1) and len(two_years) == 11  # every second month
    assert all(t.day == 1 for t in two_years)
    decades = month_ticks(date(1990, 6, 1), date(2019, 6, 1))
    assert len(decades) <= 12 and all(t.month == 1 for t in decades)
    assert month_ticks(date(2019, 3, 2), date(2019, 3, 20)) == []


def test_thousands_of_entries_draw_one_marker_each() -> None:
    many = [
        TimelineMarker(
            date.fromordinal(date(2015, 1, 1).toordinal() + i % 1500), KINDS[i % 8], str(i), KINDS[i % 8]
        )
        for i in range(5000)
    ]
    lanes = [Lane(k, k) for k in KINDS]
    root = parse(render(many, lanes, title="t", description="d"))
    assert len(markers(root)) == 5000


def _start(path: str) -> tuple[float, float]:
    """The point a marker's path starts at (the same offset from its centre for one shape)."""
    x, y = re.findall(r"-?\d+\.\d+", path)[:2]
    return float(x), float(y)


def test_month_labels_of_a_long_narrow_timeline_never_run_into_each_other() -> None:
    # Twelve years on an export's narrow drawing, named as Finnish pages name months.
    long = [*MARKERS, TimelineMarker(date(2026, 12, 6), "good_practice", "v1", "lifecycle")]
    svg = render(long, LANES, title="t", description="d", width=780, month_format=lambda d: f"tammi {d.year}")
    ticks = [t for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "tick"]
    assert len(ticks) >= 3
    boxes = [text_box(float(t.get("x") or 0), 0, t.text or "", 11.0, "middle") for t in ticks]
    assert all(a.right <= b.left for a, b in pairwise(boxes))


def test_the_legend_stays_inside_a_narrow_drawing() -> None:
    every = [
        TimelineMarker(date(2018, 3, 1 + n), kind, kind, "lifecycle") for n, kind in enumerate(KIND_ORDER)
    ]
    for width in (600, 780, 900):
        root = parse(
            render(
                every,
                LANES,
                title="t",
                description="d",
                width=width,
                labels={k: "Mittareiden arvot" for k in KIND_ORDER},
            )
        )
        items = root.findall(f".//{SVG}g[@class='legend-item']/{SVG}text")
        assert len(items) == len(KIND_ORDER)
        for item in items:
            box = text_box(float(item.get("x") or 0), 0, item.text or "", 11.0)
            assert box.right <= width, f"{item.text} leaves a {width}-px drawing"
