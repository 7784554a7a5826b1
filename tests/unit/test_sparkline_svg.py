"""The dashboard's sparkline (present.drawing.sparkline_svg) and how the dashboard's rows are
sorted, filtered and put on slides (present.programme_board): pure functions, no store."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from present.drawing.sparkline_svg import HEIGHT, PAD, WIDTH, points, sparkline, values_label
from present.i18n import Formatter, collation_key
from present.programme_board import (
    BoardQuery,
    besides_check_in,
    keep,
    read_query,
    slide,
    sort_links,
    sort_rows,
    with_trends,
)

SVG = "{http://www.w3.org/2000/svg}"


def finnish_number(value: float) -> str:
    from zoneinfo import ZoneInfo

    return Formatter("fi", ZoneInfo("Europe/Helsinki")).number(value)


# ---- the drawing ------------------------------------------------------------------------------


def test_a_sparkline_is_an_image_whose_name_and_title_say_the_values() -> None:
    label = values_label([1, 1.5, 2, 3.5], finnish_number, "Edistymisarviot työpajoittain")
    assert label == "Edistymisarviot työpajoittain: 1; 1,5; 2; 3,5"
    root = ET.fromstring(sparkline([1, 1.5, 2, 3.5], label=label))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == label
    assert root.find(f"{SVG}title").text == label  # type: ignore[union-attr]
    line = root.find(f"{SVG}polyline")
    assert line is not None and len(line.get("points", "").split()) == 4
    assert len(root.findall(f"{SVG}circle")) == 1, "the latest point is marked"


def test_points_go_left_to_right_and_higher_scores_higher_on_a_fixed_scale() -> None:
    drawn = points([0, 2.5, 5], low=0, high=5)
    xs, ys = [x for x, _ in drawn], [y for _, y in drawn]
    assert xs == sorted(xs) and xs[0] == PAD and xs[-1] == WIDTH - PAD
    assert ys[0] == HEIGHT - PAD and ys[-1] == PAD and ys[0] > ys[1] > ys[2]
    # Out of range values are kept on the drawing; one value sits in the middle.
    assert points([9, -3], low=0, high=5) == [(PAD, PAD), (WIDTH - PAD, HEIGHT - PAD)]
    assert points([2], low=0, high=5)[0][0] == WIDTH / 2


def test_no_values_draw_nothing_and_one_value_draws_a_dot_without_a_line() -> None:
    assert sparkline([], label="none") == ""
    root = ET.fromstring(sparkline([3], label="Scores: 3"))
    assert root.find(f"{SVG}polyline") is None and len(root.findall(f"{SVG}circle")) == 1


def test_the_label_is_escaped() -> None:
    svg = sparkline([1, 2], label='Scores "<b>" & more: 1; 2')
    root = ET.fromstring(svg)
    assert root.get("aria-label") == 'Scores "<b>" & more: 1; 2'
    assert "<b>" not in svg


# ---- sorting, filtering, slides -----------------------------------------------------------------


def row(
    title: str, organisation: str | None, rag: str | None, score: float | None, checked: bool
) -> dict[str, Any]:
    return {
        "initiative_id": title,
        "title": title,
        "organisation": {"id": organisation, "name": organisation} if organisation else None,
        "organisation_name": organisation or "",
        "owner": None,
        "status": "in_progress",
        "latest_check_in": {"status": rag, "progress_score": score} if rag else None,
        "scores": [{"score": 1.0}, {"score": None}, {"score": score}] if score is not None else [],
        "checked_in_for_next": checked,
    }


ROWS = [
    row("Bravo", "Karkkila", "green", 4.0, True),
    row("Alfa", "Vihti", "red", 1.0, False),
    row("Äijä", "Karkkila", "amber", 2.5, True),
    row("Delta", None, None, None, False),
]


def titles(rows: list[dict[str, Any]]) -> list[str]:
    return [r["title"] for r in rows]


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        ("organisation", False, ["Bravo", "Äijä", "Alfa", "Delta"]),
        ("initiative", False, ["Alfa", "Bravo", "Delta", "Äijä"]),  # Finnish: ä after z
        ("initiative", True, ["Äijä", "Delta", "Bravo", "Alfa"]),
        ("status", False, ["Alfa", "Äijä", "Bravo", "Delta"]),  # worst first, no check-in last
        ("score", True, ["Bravo", "Äijä", "Alfa", "Delta"]),  # no score last either way
        ("score", False, ["Alfa", "Äijä", "Bravo", "Delta"]),
        ("next", False, ["Alfa", "Delta", "Bravo", "Äijä"]),  # not checked in first
    ],
)
def test_sort_rows(sort: str, descending: bool, expected: list[str]) -> None:
    query = BoardQuery(sort=sort, descending=descending)
    assert titles(sort_rows(ROWS, query, collation_key("fi"))) == expected


def test_read_query_ignores_unknown_sorts_and_names_refused_filters() -> None:
    query = read_query(
        {"sort": "bogus", "dir": "up", "organisation_id": "x", "status": "purple"}, ["Karkkila"]
    )
    assert (query.sort, query.descending, query.organisation_id, query.status) == (
        "organisation",
        False,
        "",
        "",
    )
    assert query.problems == ("organisation_id", "status")
    query = read_query(
        {"sort": "score", "dir": "desc", "organisation_id": "Karkkila", "status": "red"}, ["Karkkila"]
    )
    assert query == BoardQuery("score", True, "Karkkila", "red")
    assert query.params() == {"sort": "score", "dir": "desc", "organisation_id": "Karkkila", "status": "red"}


def test_filters() -> None:
    by_place = BoardQuery(organisation_id="Karkkila")
    assert titles([r for r in ROWS if keep(r, by_place, True)]) == ["Bravo", "Äijä"]
    missing = BoardQuery(status="not_checked_in")
    assert titles([r for r in ROWS if keep(r, missing, True)]) == ["Alfa", "Delta"]
    assert not [r for r in ROWS if keep(r, missing, False)], "no next workshop: nobody is behind"
    assert titles([r for r in ROWS if keep(r, BoardQuery(status="none"), True)]) == ["Delta"]


def test_sort_links_keep_the_filters_and_turn_the_sorted_column_around() -> None:
    links = sort_links(BoardQuery(sort="score", organisation_id="Karkkila", status="red"))
    assert links["score"]["aria_sort"] == "ascending"
    assert links["score"]["params"] == {
        "sort": "score",
        "dir": "desc",
        "organisation_id": "Karkkila",
        "status": "red",
    }
    assert links["initiative"]["aria_sort"] is None
    assert links["initiative"]["params"]["dir"] == "" and links["initiative"]["params"]["status"] == "red"
    assert sort_links(BoardQuery())["organisation"]["params"]["dir"] == "desc"


def test_trends_and_slides() -> None:
    shown = with_trends(ROWS, finnish_number, "Arviot")
    assert shown[2]["trend_values"] == [1.0, 2.5] and shown[2]["trend_label"] == "Arviot: 1; 2,5"
    assert 'aria-label="Arviot: 1; 2,5"' in shown[2]["trend_svg"]
    assert shown[3]["trend_svg"] == "" and shown[3]["trend_label"] == ""
    assert slide(ROWS, "2") == (2, ROWS[1])
    assert slide(ROWS, "") == (1, ROWS[0]) and slide(ROWS, "x") == (1, ROWS[0])
    assert slide(ROWS, "99") == (4, ROWS[3]) and slide(ROWS, "-1") == (1, ROWS[0])
    assert slide([], "1") == (0, None)


def test_the_digest_leaves_out_the_entry_of_the_check_in_it_shows() -> None:
    entries = [{"position": 5}, {"position": 9}, {"position": 12}]
    assert besides_check_in(entries, {"position": 9}) == [{"position": 5}, {"position": 12}]
    assert besides_check_in(entries, None) == entries
