"""The run chart SVG (api/run_chart_svg.py), checked by structure: parsed, counted, referenced."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from present.drawing.run_chart_svg import ChartAnnotation, ChartPoint, nice_ticks, render

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"

# Heinävesi's common development target 2012 as a measure: days from referral to first visit.
DAYS = [date(2012, 1, 31) + timedelta(days=30 * i) for i in range(10)]
VALUES = [14.0, 12.0, 15.0, 13.0, 9.0, 8.0, 7.0, 8.0, 6.0, 5.0]
SIGNALS: list[tuple[str, ...]] = [
    (),
    (),
    (),
    (),
    ("shift",),
    ("shift", "trend"),
    ("shift",),
    ("shift",),
    (),
    (),
]
POINTS = [
    ChartPoint(d, v, s, label=d.strftime("%Y-%m")) for d, v, s in zip(DAYS, VALUES, SIGNALS, strict=True)
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def chart(**overrides: object) -> ET.Element:
    arguments: dict[str, object] = {
        "title": "Jonotusaika lähetteestä ensikäyntiin",
        "description": "Run chart of 10 monthly values; median 10.5; a shift below the median from May.",
        "median": 10.5,
        "target": 7.0,
    }
    arguments.update(overrides)
    points = arguments.pop("points", POINTS)
    return parse(render(points, **arguments))  # type: ignore[arg-type]


def by_class(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if css in (e.get("class") or "").split()]


def plot_range(root: ET.Element) -> tuple[float, float]:
    """The plot area's top and bottom: the y axis's ends."""
    (axis,) = by_class(root, "g", "y-axis")
    line = axis.find("svg:line", NS)
    assert line is not None
    return float(line.get("y1") or 0), float(line.get("y2") or 0)


class TestAccessibility:
    def test_title_and_description_are_referenced(self) -> None:
        root = chart()
        assert root.get("role") == "img"
        title = root.find("svg:title", NS)
        desc = root.find("svg:desc", NS)
        assert title is not None and desc is not None
        assert title.text == "Jonotusaika lähetteestä ensikäyntiin"
        assert desc.text is not None and desc.text.startswith("Run chart of 10 monthly values")
        assert (root.get("aria-labelledby") or "").split() == [title.get("id"), desc.get("id")]
        # 720 wide; as high as asked plus its legend's rows.
        width, height = (root.get("viewBox") or "").split()[2:]
        assert width == "720" and 360 <= float(height) <= 460

    def test_ids_are_unique_per_chart_or_given(self) -> None:
        one = chart(title="Sairauspoissaolot").find("svg:title", NS)
        other = chart(title="Asiakastyytyväisyys").find("svg:title", NS)
        assert one is not None and other is not None
        assert one.get("id") != other.get("id")
        given = chart(id_prefix="measure-7").find("svg:title", NS)
        assert given is not None and given.get("id") == "measure-7-title"

    def test_every_point_has_its_own_title_with_period_value_and_signals(self) -> None:
        points = by_class(chart(unit="vrk"), "circle", "point")
        texts = [p.findtext("svg:title", namespaces=NS) for p in points]
        assert texts[0] == "2012-01: 14.0 vrk"
        assert texts[5] == "2012-06: 8.0 vrk (Signal: Shift, Trend)"

    def test_labels_translate_the_words(self) -> None:
        root = chart(
            labels={"median": "Mediaani", "target": "Tavoite", "shift": "Siirtymä", "signal": "Signaali"}
        )
        texts = [t.text or "" for t in root.iter(f"{SVG}text")]
        assert "Mediaani 10.5" in texts and "Tavoite 7.0" in texts
        circle = by_class(root, "circle", "signal")[0]
        assert circle.findtext("svg:title", namespaces=NS) == "2012-05: 9.0 (Signaali: Siirtymä)"


class TestStructure:
    def test_one_point_circle_per_value_and_one_polyline(self) -> None:
        root = chart()
        assert len(by_class(root, "circle", "point")) == len(POINTS)
        (line,) = by_class(root, "polyline", "values")
        assert len((line.get("points") or "").split()) == len(POINTS)

    def test_one_marker_per_point_and_rule_with_a_shape(self) -> None:
        root = chart()
        markers = by_class(root, "path", "signal-marker")
        assert len(markers) == sum(len(s) for s in SIGNALS) == 5
        assert sorted(m.get("data-rule") or "" for m in markers) == ["shift"] * 4 + ["trend"]
        assert all((m.get("d") or "").startswith("M") for m in markers)
        # The shape differs by rule (diamond for a shift, triangle for a trend), not only the colour.
        shapes = {m.get("data-rule"): (m.get("d") or "").count("L") for m in markers}
        assert shapes == {"shift": 3, "trend": 2}
        assert len(by_class(root, "circle", "signal")) == 4

    def test_median_and_target_lines_iff_given(self) -> None:
        root = chart()
        assert len(by_class(root, "line", "median")) == 1
        assert len(by_class(root, "line", "target")) == 1
        assert by_class(root, "line", "median")[0].get("stroke-dasharray") == "6 4"
        bare = chart(median=None, target=None)
        assert by_class(bare, "line", "median") == []
        assert by_class(bare, "line", "target") == []

    def test_y_positions_follow_the_values(self) -> None:
        circles = by_class(chart(), "circle", "point")
        ys = [float(c.get("cy") or 0) for c in circles]
        by_value = sorted(range(len(VALUES)), key=lambda i: VALUES[i])
        assert [ys[i] for i in by_value] == sorted(ys, reverse=True)  # higher value, higher on screen
        median_y = float(by_class(chart(), "line", "median")[0].get("y1") or 0)
        assert ys[0] < median_y < ys[9]  # 14 above the median line, 5 below it

    def test_x_is_proportional_to_time_so_gaps_show(self) -> None:
        days = [date(2019, 1, 1), date(2019, 1, 2), date(2019, 1, 31)]
        points = [ChartPoint(d, 1.0 + i) for i, d in enumerate(days)]
        xs = [float(c.get("cx") or 0) for c in by_class(chart(points=points), "circle", "point")]
        assert (xs[2] - xs[1]) / (xs[1] - xs[0]) == pytest.approx(29.0, rel=0.01)

    def test_annotations_are_marked_with_a_line_and_short_text(self) -> None:
        annotation = ChartAnnotation(
            date(2012, 4, 15), "Uusi lähetekäytäntö ja puhelinajanvaraus otettiin käyttöön"
        )
        root = chart(annotations=[annotation])
        (group,) = by_class(root, "g", "annotation")
        assert group.find("svg:line", NS) is not None
        text = group.findtext("svg:text", namespaces=NS) or ""
        assert text.endswith("…") and len(text) <= 32
        assert (group.findtext("svg:title", namespaces=NS) or "").endswith(annotation.text)

    def test_escaping_of_markup_characters(self) -> None:
        nasty = '<Heinävesi & "yhteiset" tavoitteet>'
        root = chart(
            title=nasty,
            description=f"desc {nasty}",
            unit='<&">',
            annotations=[ChartAnnotation(date(2012, 3, 1), nasty)],
        )
        assert root.findtext("svg:title", namespaces=NS) == nasty
        assert root.findtext("svg:desc", namespaces=NS) == f"desc {nasty}"
        (group,) = by_class(root, "g", "annotation")
        assert group.findtext("svg:title", namespaces=NS) == f"2012-03-01: {nasty}"
        assert any(t.text == '<&">' for t in root.iter(f"{SVG}text"))
        odd_rule = [ChartPoint(date(2012, 1, 1), 1.0, ('x"<&',))]
        (marker,) = by_class(chart(points=odd_rule), "path", "signal-marker")
        assert marker.get("data-rule") == 'x"<&'

    def test_number_and_day_formatters_are_used(self) -> None:
        root = chart(
            number=lambda v: f"{v:.1f}".replace(".", ","), day_format=lambda d: d.strftime("%-d.%-m.%Y")
        )
        texts = [t.text or "" for t in root.iter(f"{SVG}text")]
        assert "Median 10,5" in texts
        assert "31.1.2012" in texts


class TestEdgeCases:
    def test_no_points_says_so(self) -> None:
        root = chart(points=[], median=None, target=None, labels={"no_values": "Ei vielä arvoja"})
        assert root.findtext("svg:title", namespaces=NS) == "Jonotusaika lähetteestä ensikäyntiin"
        assert by_class(root, "circle", "point") == []
        assert [t.text for t in by_class(root, "text", "no-values")] == ["Ei vielä arvoja"]
        assert by_class(root, "polyline", "values") == []

    def test_one_point(self) -> None:
        root = chart(points=[ChartPoint(date(2020, 5, 1), 3.0)], median=3.0, target=None)
        (circle,) = by_class(root, "circle", "point")
        assert 0 < float(circle.get("cx") or 0) < 720
        assert 0 < float(circle.get("cy") or 0) < 360

    def test_all_equal_values_get_a_real_y_range(self) -> None:
        points = [ChartPoint(d, 4.0) for d in DAYS]
        root = chart(points=points, median=4.0, target=None)
        ys = {float(c.get("cy") or 0) for c in by_class(root, "circle", "point")}
        assert len(ys) == 1
        (y,) = ys
        top, bottom = plot_range(root)
        assert top < y < bottom  # strictly inside the plot area, not on an edge

    def test_negative_values(self) -> None:
        points = [ChartPoint(d, v - 10) for d, v in zip(DAYS, VALUES, strict=True)]
        root = chart(points=points, median=0.0, target=-3.0)
        ys = [float(c.get("cy") or 0) for c in by_class(root, "circle", "point")]
        top, bottom = plot_range(root)
        assert all(top <= y <= bottom for y in ys)
        ticks = [t.text or "" for t in by_class(root, "text", "tick")]
        assert "-5.0" in ticks  # values -5 … 5 → ticks -5, -2.5, 0, 2.5, 5

    def test_a_thousand_points(self) -> None:
        points = [
            ChartPoint(
                date(2000, 1, 1) + timedelta(days=7 * i), float(i % 13), ("shift",) if i % 10 == 0 else ()
            )
            for i in range(1000)
        ]
        root = chart(points=points)
        assert len(by_class(root, "circle", "point")) == 1000
        assert len(by_class(root, "path", "signal-marker")) == 100


class TestNiceTicks:
    def test_round_steps(self) -> None:
        assert nice_ticks(0, 9.3) == [0.0, 2.5, 5.0, 7.5, 10.0]
        assert nice_ticks(-3, 3) == [-4.0, -2.0, 0.0, 2.0, 4.0]
        assert nice_ticks(0.11, 0.19) == [0.1, 0.12, 0.14, 0.16, 0.18, 0.2]

    def test_a_single_value_is_widened(self) -> None:
        assert nice_ticks(5, 5) == [4.0, 4.5, 5.0, 5.5, 6.0]
        assert nice_ticks(0, 0) == [-1.0, -0.5, 0.0, 0.5, 1.0]
