"""A run chart shows what its analysis found: every signal is drawn on the points, the segment
or (for a signal about the whole series) the runs and crossings it concerns, and named in the
legend; no two labels overlap and none leaves the image, in the SVG and in its PNG."""

from __future__ import annotations

import dataclasses
import io
import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFont

from domain.run_chart import RuleSet, analyse
from present.drawing import png
from present.drawing.labels import Box, text_box, text_width
from present.drawing.run_chart_svg import (
    DEFAULT_LABELS,
    WHOLE_SERIES,
    ChartAnnotation,
    ChartPoint,
    ChartSignal,
    render,
    runs_and_crossings,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# A series for each rule, checked against the analysis itself below.
SERIES: dict[str, tuple[list[float], RuleSet]] = {
    "shift": ([14, 12, 15, 13, 9, 8, 7, 8, 6, 5, 6, 5, 4], RuleSet.IHI),
    "trend": ([14, 12, 15, 13, 9, 8, 7, 8, 6, 5, 6, 5, 4], RuleSet.IHI),
    "too_few_runs": ([14, 12, 15, 13, 9, 8, 7, 8, 6, 5, 6, 5, 4], RuleSet.IHI),
    "too_many_runs": ([5, 9, 4, 10, 5, 9, 4, 10, 5, 9, 4, 10, 5, 9, 4, 10], RuleSet.IHI),
    "astronomical": ([10, 11, 10, 12, 11, 10, 11, 40, 10, 11, 12], RuleSet.IHI),
    "long_run": ([3, 7, 2, 8, 3, 7, 2, 8, 3, 9, 8, 9, 9, 8, 9, 9, 9, 9, 3, 2, 5, 7, 1, 9], RuleSet.ANHOJ),
    "few_crossings": ([36, 35, 37, 34, 22, 18, 16, 15, 14, 14, 13, 15, 14, 13, 14], RuleSet.ANHOJ),
}


def analysed(values: list[float], rules: RuleSet) -> tuple[list[ChartPoint], list[ChartSignal], float]:
    analysis = analyse(values, rules=rules)
    assert analysis.median is not None
    marks = analysis.signals_at()
    days = [date(2018, 9, 3) + timedelta(days=7 * i) for i in range(len(values))]
    points = [ChartPoint(d, float(v), marks[i]) for i, (d, v) in enumerate(zip(days, values, strict=True))]
    return points, [ChartSignal(s.rule, s.indexes) for s in analysis.signals], analysis.median


def drawn(rule: str, **extra: object) -> tuple[ET.Element, list[ChartPoint], list[ChartSignal], float]:
    values, rules = SERIES[rule]
    points, signals, median = analysed(values, rules)
    assert rule in {s.rule for s in signals}, f"the {rule} series no longer signals {rule}"
    svg = render(
        points,
        title="Aamupalaverin kesto",
        description="",
        median=median,
        target=None,
        signals=signals,
        **extra,
    )  # type: ignore[arg-type]
    return ET.fromstring(svg), points, signals, median


def by_class(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if css in (e.get("class") or "").split()]


def legend_words(root: ET.Element) -> dict[str, str]:
    return {
        item.get("data-kind") or "": item.findtext("svg:text", namespaces=NS) or ""
        for item in by_class(root, "g", "legend-item")
    }


class TestEverySignalIsDrawnAndNamed:
    @pytest.mark.parametrize("rule", sorted(SERIES))
    def test_named_in_the_legend(self, rule: str) -> None:
        root, *_ = drawn(rule, labels={rule: f"Sana {rule}"})
        assert legend_words(root)[rule].startswith(f"Sana {rule}")

    @pytest.mark.parametrize("rule", ["shift", "trend", "long_run", "astronomical"])
    def test_a_signal_about_points_marks_each_of_them(self, rule: str) -> None:
        root, _points, signals, _ = drawn(rule)
        marked = [m for m in by_class(root, "path", "signal-marker") if m.get("data-rule") == rule]
        assert len(marked) == sum(len(s.indexes) for s in signals if s.rule == rule) > 0

    @pytest.mark.parametrize("rule", ["shift", "trend", "long_run"])
    def test_a_signal_about_a_run_of_points_highlights_their_segment(self, rule: str) -> None:
        root, _points, signals, _ = drawn(rule)
        segments = [s for s in by_class(root, "polyline", "signal-segment") if s.get("data-rule") == rule]
        expected = [s for s in signals if s.rule == rule]
        assert len(segments) == len(expected)
        circles = by_class(root, "circle", "point")
        for segment, signal in zip(segments, expected, strict=True):
            corners = (segment.get("points") or "").split()
            assert corners == [f"{circles[i].get('cx')},{circles[i].get('cy')}" for i in signal.indexes]

    @pytest.mark.parametrize("rule", WHOLE_SERIES)
    def test_a_signal_about_the_whole_series_shades_its_runs_and_marks_its_crossings(self, rule: str) -> None:
        root, points, _signals, median = drawn(rule)
        runs, crossings = runs_and_crossings(points, median)
        (group,) = by_class(root, "g", "series-signal")
        assert rule in (group.get("data-rules") or "").split()
        assert len(by_class(group, "rect", "series-run")) == len(runs) > 1
        assert len(by_class(group, "path", "crossing")) == len(crossings) == len(runs) - 1
        # The legend says what the shading and the crosses are, with their counts.
        words = legend_words(root)[rule]
        assert f"({len(runs)})" in words and f"({len(crossings)})" in words

    def test_a_clean_series_draws_no_signal_and_names_none(self) -> None:
        points = [
            ChartPoint(date(2020, 1, 1) + timedelta(days=i), float(v)) for i, v in enumerate([3, 5, 4, 6, 3])
        ]
        root = ET.fromstring(render(points, title="t", description="", median=4.0, target=5.0, signals=[]))
        assert by_class(root, "g", "series-signal") == []
        assert by_class(root, "polyline", "signal-segment") == []
        assert set(legend_words(root)) == {"median", "target"}

    def test_without_a_list_the_rules_marked_on_the_points_are_drawn(self) -> None:
        values, rules = SERIES["shift"]
        points, _signals, median = analysed(values, rules)
        root = ET.fromstring(render(points, title="t", description="", median=median, target=None))
        segments = {s.get("data-rule") for s in by_class(root, "polyline", "signal-segment")}
        assert {"shift", "trend"} <= segments
        assert {"shift", "trend", "astronomical"} <= set(legend_words(root))


# ---- labels -----------------------------------------------------------------------------------


def label_boxes(root: ET.Element) -> list[tuple[str, Box]]:
    """Every visible label's estimated box (text inside <title> is a tooltip, not drawn)."""
    found = []
    for text in root.iter(f"{SVG}text"):
        words = text.text or ""
        size = 14.0 if "chart-title" in (text.get("class") or "") else 11.0
        x, y = float(text.get("x") or 0), float(text.get("y") or 0)
        bold = text.get("font-weight") == "bold"
        found.append((words, text_box(x, y, words, size, text.get("text-anchor") or "start", bold=bold)))
    return found


CROWDED = dict(
    title="Aamupalaverin kesto kaikissa Kirkkonummen kotihoidon tiimeissä, viikoittain (min)",
    unit="minuuttia palaveria kohden, koko tiimi",
    annotations=[
        ChartAnnotation(date(2018, 9, 3) + timedelta(days=d), text)
        for d, text in [
            (0, "Taulu otettiin käyttöön"),
            (3, "Vartin aamupalaveri alkoi kaikissa tiimeissä"),
            (5, "Tiimit kokoontuvat taululle"),
            (7, "Työpaja 2"),
            (8, "Uusi vuorosuunnittelu"),
            (9, "Työpaja 3: PDSA-kokeilut"),
            (10, "Lomakausi alkoi"),
            (30, "Työpaja 4"),
            (98, "Viimeinen merkintä oikeassa reunassa"),
        ]
    ],
)


class TestLabelsNeverOverlap:
    def crowded(self) -> ET.Element:
        values, rules = SERIES["few_crossings"]
        points, signals, median = analysed(values, rules)
        # The target a hair above the median: their labels would print on one another.
        svg = render(
            points,
            description="",
            median=median,
            target=median + 0.2,
            signals=signals,
            number=lambda v: f"{v:.1f}",
            **CROWDED,
        )  # type: ignore[arg-type]
        return ET.fromstring(svg)

    def test_no_two_label_boxes_overlap(self) -> None:
        boxes = label_boxes(self.crowded())
        assert len(boxes) > 20
        clashes = [(a, b) for (a, one), (b, other) in itertools.combinations(boxes, 2) if one.overlaps(other)]
        assert clashes == []

    def test_every_label_is_inside_the_image(self) -> None:
        root = self.crowded()
        width, height = (float(v) for v in (root.get("viewBox") or "").split()[2:])
        outside = [words for words, box in label_boxes(root) if not box.inside(width, height)]
        assert outside == []

    def test_median_and_target_each_keep_a_label_by_their_line(self) -> None:
        root = self.crowded()
        median = by_class(root, "text", "median-label")
        target = by_class(root, "text", "target-label")
        assert len(median) == len(target) == 1
        # The higher line (the target) is labelled above, the lower (the median) below.
        assert float(target[0].get("y") or 0) < float(median[0].get("y") or 0)

    def test_an_annotation_with_no_room_for_its_words_is_named_in_the_legend(self) -> None:
        root = self.crowded()
        notes = [
            item.findtext("svg:text", namespaces=NS) or ""
            for item in by_class(root, "g", "legend-item")
            if item.get("data-kind") == "note"
        ]
        groups = by_class(root, "g", "annotation")
        assert len(groups) == len(CROWDED["annotations"])  # type: ignore[arg-type]
        shown = [g.findtext("svg:text", namespaces=NS) for g in groups]
        words = [s for s in shown if s and not s.startswith("[")]
        numbered = [s for s in shown if s and s.startswith("[")]
        assert notes, "the crowded chart should need the legend"
        # Each annotation is either worded on the chart or named in the legend.
        assert len(words) + len(notes) == len(groups)
        assert numbered == [n.split(" ")[0] for n in notes if n.startswith("[")]

    @pytest.mark.skipif(not DEJAVU.exists(), reason="needs DejaVu Sans, the PNGs' font")
    def test_the_width_estimate_is_never_narrower_than_the_font(self) -> None:
        font = ImageFont.truetype(str(DEJAVU), 110)
        words = [w for w, _ in label_boxes(self.crowded())] + list(DEFAULT_LABELS.values())
        words += ["Mediaani 14,5", "Tavoitearvo 15", "Poikkeuksellisen vähän ylityksiä", "WMW%…"]
        narrow = [w for w in words if font.getlength(w) / 10 > text_width(w, 11.0)]
        assert narrow == []


class TestThePng:
    def ink(self, svg: str) -> Image.Image:
        return Image.open(io.BytesIO(png.from_svg(svg, zoom=1.0))).convert("RGB")

    @pytest.mark.skipif(not DEJAVU.exists(), reason="text needs a font on the machine")
    def test_the_unit_is_drawn_whole_inside_the_image(self) -> None:
        values, rules = SERIES["shift"]
        points, signals, median = analysed(values, rules)
        unit = "% potilaista, joilla käynti"
        svg = render(
            points, title="Käynnit", description="", median=median, target=None, unit=unit, signals=signals
        )
        assert svg.count(f">{unit}</text>") == 1
        without = svg.replace(f">{unit}</text>", "></text>")
        difference = ImageChops.difference(self.ink(svg), self.ink(without)).getbbox()
        assert difference is not None, "the unit label drew nothing"
        left, _top, right, _bottom = difference
        image_width = self.ink(svg).width
        assert left > 0 and right < image_width  # not cut at either edge
        measured = ImageFont.truetype(str(DEJAVU), 11).getlength(unit)
        # The PNG font (resvg picks the sans-serif face) runs narrower than DejaVu Sans.
        assert right - left >= 0.7 * measured  # every character drawn

    def test_the_png_is_the_svgs_size_twice_over(self) -> None:
        root, *_ = drawn("shift")
        svg = ET.tostring(root, encoding="unicode")
        image = Image.open(io.BytesIO(png.from_svg(svg)))
        width, height = (float(v) for v in (root.get("viewBox") or "").split()[2:])
        assert image.size == (round(2 * width), round(2 * height))


def test_a_reference_label_keeps_clear_of_the_points_by_its_line() -> None:
    # The demo's monthly meeting length: the last points sit just under and over the target
    # line's right end, where its label would go.
    values = [78, 82, 75, 80, 77, 84, 79, 76, 81, 78, 80, 62, 58, 61, 55, 57, 54, 59, 56, 53]
    points, signals, median = analysed([float(v) for v in values], RuleSet.ANHOJ)
    monthly = [
        dataclasses.replace(p, day=date(2011, 3, 1) + timedelta(days=30 * i)) for i, p in enumerate(points)
    ]
    svg = render(
        monthly,
        title="t",
        description="",
        median=median,
        target=60.0,
        signals=signals,
        labels={"target": "Tavoitearvo"},
    )
    root = ET.fromstring(svg)
    (label,) = by_class(root, "text", "target-label")
    box = text_box(float(label.get("x") or 0), float(label.get("y") or 0), label.text or "", 11.0, "end")
    for circle in by_class(root, "circle", "point"):
        x, y = float(circle.get("cx") or 0), float(circle.get("cy") or 0)
        assert not box.overlaps(Box(x - 3, y - 3, x + 3, y + 3)), f"the label covers the point at {x}, {y}"


def test_a_long_legend_entry_wraps_inside_a_narrow_chart_instead_of_losing_its_words() -> None:
    root, points, _signals, median = drawn(
        "few_crossings",
        width=600,
        labels={
            "few_crossings": "Poikkeuksellisen vähän ylityksiä",
            "whole_series": "koko aikasarja: sarjat varjostettu ({runs}),"
            " mediaanin ylitykset merkitty ×:llä ({crossings})",
        },
    )
    runs, crossings = runs_and_crossings(points, median)
    (item,) = [i for i in by_class(root, "g", "legend-item") if i.get("data-kind") == "few_crossings"]
    lines = [t.text or "" for t in item.iter(f"{SVG}text")]
    assert len(lines) > 1
    assert " ".join(lines).endswith(f"merkitty ×:llä ({len(crossings)})") and f"({len(runs)})" in " ".join(
        lines
    )
    for words, box in label_boxes(root):
        assert box.inside(600, float((root.get("viewBox") or "").split()[3])), words
