"""The programme dashboard as a coordinator uses it on workshop day, over HTTP on both
stores with the demo's 3W programme (seed 001: 29 initiatives, seven workshops, the
workshop-7 check-ins): columns sorted and rows filtered by the address (links keep the
other filters, `aria-sort` on the sorted header), bad parameters answered with a sentence
or ignored but never a 500, the score trend as a sparkline whose accessible text holds
the scores in the reader's number format, the presentation mode's slides, and the
workshop-7 digest showing each check-in once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from present.i18n import collation_key
from scripts.demo import load
from services.bootstrap import Services
from tests.integration.page_helpers import LANG_COOKIE, Element, field_error, parse

HTML = "text/html"


@pytest.fixture
def three_w(services: Services, client: TestClient) -> dict[str, Any]:
    """The demo's 3W programme (its dashboard through the JSON API), in English."""
    load(services)
    client.cookies.set(LANG_COOKIE, "en")
    programme = client.get("/api/programmes").json()["items"][0]
    board: dict[str, Any] = client.get(f"/api/programmes/{programme['id']}/dashboard").json()
    return board


def open_board(client: TestClient, url: str, status: int = 200) -> Element:
    shown = client.get(url)
    assert shown.status_code == status, f"{url}: {shown.status_code}\n{shown.text[:2000]}"
    assert shown.headers["content-type"].startswith(HTML)
    return parse(shown.text)


def row_ids(doc: Element) -> list[str]:
    return [
        tr.attrs["id"].removeprefix("row-")
        for tr in doc.by_id("initiatives").find_all("tr")
        if "id" in tr.attrs
    ]


def titles(doc: Element) -> list[str]:
    return [
        tr.find("th").find("a").text for tr in doc.by_id("initiatives").find_all("tr") if "id" in tr.attrs
    ]


def header_link(doc: Element, column: str) -> tuple[Element, dict[str, list[str]]]:
    """The sort header whose link sorts by `column`, and that link's query."""
    for th in doc.by_id("initiatives").find_all("th", scope="col"):
        for a in th.find_all("a"):
            query = parse_qs(urlsplit(a.attrs["href"]).query)
            if query.get("sort", ["organisation"]) == [column]:
                return th, query
    raise AssertionError(f"no header sorts by {column}")


def test_sort_and_filter_by_the_address_and_refuse_bad_values_with_a_sentence(
    client: TestClient, three_w: dict[str, Any]
) -> None:
    base = f"/programmes/{three_w['programme']['id']}"
    rows = three_w["rows"]
    assert len(rows) == 29

    # The default order: by organisation, its header marked ascending; every row shown.
    doc = open_board(client, base)
    assert len(row_ids(doc)) == 29
    th, _ = header_link(doc, "organisation")
    assert th.get("aria-sort") == "ascending"
    assert "Showing 29 initiatives." in doc.by_id("initiatives").text

    # By score, highest first; unsorted headers carry no aria-sort.
    doc = open_board(client, f"{base}?sort=score&dir=desc")
    scores = {r["initiative"]["id"]: (r["latest_check_in"] or {}).get("progress_score") for r in rows}
    shown = [scores[i] for i in row_ids(doc)]
    known = [s for s in shown if s is not None]
    assert known == sorted(known, reverse=True) and known[0] == max(known)
    assert shown[len(known) :] == [None] * (len(shown) - len(known)), "rows without a score go last"
    th, query = header_link(doc, "score")
    assert th.get("aria-sort") == "descending"
    assert query.get("dir") is None, "the sorted column's link turns the order around"
    th, _ = header_link(doc, "initiative")
    assert th.get("aria-sort") is None

    # By title A to Z.
    doc = open_board(client, f"{base}?sort=initiative")
    assert titles(doc) == sorted(titles(doc), key=collation_key("en"))

    # Filtered by organisation and by status: only those rows; sort links keep the filters.
    organisation = next(r["organisation"] for r in rows if r["organisation"])
    doc = open_board(client, f"{base}?organisation_id={organisation['id']}&sort=status")
    expected = {
        r["initiative"]["id"] for r in rows if (r["organisation"] or {}).get("id") == organisation["id"]
    }
    assert set(row_ids(doc)) == expected and 0 < len(expected) < 29
    assert f"Showing {len(expected)} of 29 initiatives." in doc.by_id("initiatives").text
    _, query = header_link(doc, "score")
    assert query["organisation_id"] == [organisation["id"]]
    assert doc.find("details", class_="board-filters").get("open") is not None

    doc = open_board(client, f"{base}?status=not_checked_in")
    missing = {m["id"] for m in three_w["missing_for_next"]}
    assert set(row_ids(doc)) == missing and missing
    marked = [tr for tr in doc.by_id("initiatives").find_all("tr") if "id" in tr.attrs]
    assert all("not-checked-in" in tr.attrs.get("class", "").split() for tr in marked)
    assert f"{len(missing)} not yet checked in" in doc.by_id("initiatives").text

    amber = {r["initiative"]["id"] for r in rows if (r["latest_check_in"] or {}).get("status") == "amber"}
    assert set(row_ids(open_board(client, f"{base}?status=amber"))) == amber

    # Bad values: an unknown sort key or direction is ignored (the default order), an unknown
    # organisation or status is a sentence next to its field (400) and is not applied.
    default = row_ids(open_board(client, base))
    for query_string in ("sort=bogus", "sort=score&dir=sideways", "sort=%00%FF", "dir=desc&sort="):
        doc = open_board(client, f"{base}?{query_string}")
        assert len(row_ids(doc)) == 29
    assert row_ids(open_board(client, f"{base}?sort=bogus&dir=sideways")) == default
    for value in ("nope", "00000000-0000-0000-0000-000000000000", "x" * 500, "%00"):
        doc = open_board(client, f"{base}?organisation_id={value}", status=400)
        assert "has no initiative in this programme" in field_error(doc, "organisation_id")
        assert len(row_ids(doc)) == 29
    doc = open_board(client, f"{base}?status=purple&sort=score", status=400)
    assert "Choose a status from the list" in field_error(doc, "status")
    assert len(row_ids(doc)) == 29


def test_the_trend_is_a_sparkline_with_the_scores_in_words(
    client: TestClient, three_w: dict[str, Any]
) -> None:
    base = f"/programmes/{three_w['programme']['id']}"
    row = next(r for r in three_w["rows"] if len([s for s in r["scores"] if s["score"] is not None]) >= 3)
    values = [s["score"] for s in row["scores"] if s["score"] is not None]
    assert any(v != int(v) for v in values), "the case needs a half score to show the number format"

    for lang, decimal in (("en", "."), ("fi", ","), ("sv", ",")):
        client.cookies.set(LANG_COOKIE, lang)
        doc = open_board(client, base)
        cell = doc.by_id(f"row-{row['initiative']['id']}").find("svg")
        label = cell.get("aria-label") or ""
        assert cell.get("role") == "img"
        assert cell.find("title").text == label
        words = [f"{v:g}".replace(".", decimal) for v in values]
        assert label.endswith("; ".join(words)), (lang, label, words)
        assert "→" not in doc.by_id("initiatives").text, "the trend is no longer a line of arrows"


def test_presentation_mode_one_initiative_per_address_in_the_dashboards_order(
    client: TestClient, three_w: dict[str, Any]
) -> None:
    base = f"/programmes/{three_w['programme']['id']}"
    order = row_ids(open_board(client, f"{base}?sort=score&dir=desc"))

    first = open_board(client, f"{base}/present?sort=score&dir=desc")
    assert first.find(class_="slide-position").text.endswith("1 / 29")
    assert first.find("h1").find("a").get("href") == f"/initiatives/{order[0]}"
    assert not first.find_all("a", rel="prev")
    step = first.find("a", rel="next").attrs["href"]
    assert parse_qs(urlsplit(step).query) == {"sort": ["score"], "dir": ["desc"], "n": ["2"]}
    back = first.find("a", data_key="Escape").attrs["href"]
    assert back.startswith(f"{base}?") and "sort=score" in back and back.endswith(f"#row-{order[0]}")

    third = open_board(client, f"{base}/present?sort=score&dir=desc&n=3")
    assert third.find(class_="slide-position").text.endswith("3 / 29")
    assert third.find("h1").find("a").get("href") == f"/initiatives/{order[2]}"
    assert third.find("a", rel="prev") and third.find("a", rel="next")

    last = open_board(client, f"{base}/present?sort=score&dir=desc&n=29")
    assert not last.find_all("a", rel="next")
    # Numbers out of range or not numbers show the nearest slide, never an error.
    for n, shown in (
        ("0", "1 / 29"),
        ("-4", "1 / 29"),
        ("30", "29 / 29"),
        ("abc", "1 / 29"),
        ("9" * 19, "29 / 29"),
    ):
        assert open_board(client, f"{base}/present?n={n}").find(class_="slide-position").text.endswith(shown)

    # A filter narrows the sequence; a filter that keeps nothing says so.
    missing = len(three_w["missing_for_next"])
    narrowed = open_board(client, f"{base}/present?status=not_checked_in")
    assert narrowed.find(class_="slide-position").text.endswith(f"1 / {missing}")
    assert narrowed.find(class_="slide-missing")
    reds = {
        (r["organisation"] or {}).get("id")
        for r in three_w["rows"]
        if (r["latest_check_in"] or {}).get("status") == "red"
    }
    calm = next(
        r["organisation"]["id"]
        for r in three_w["rows"]
        if r["organisation"] and r["organisation"]["id"] not in reds
    )
    empty = open_board(client, f"{base}/present?status=red&organisation_id={calm}")
    assert "No initiatives match these filters." in empty.by_id("main").text
    assert client.get("/programmes/00000000-0000-0000-0000-000000000000/present").status_code == 404


def test_the_workshop_7_digest_shows_each_check_in_once(client: TestClient, three_w: dict[str, Any]) -> None:
    programme_id = three_w["programme"]["id"]
    workshop = next(w for w in three_w["workshops"] if w["title"].startswith("Työpaja 7"))
    digest = client.get(f"/api/programmes/{programme_id}/workshops/{workshop['id']}/digest").json()
    checked = [i for i in digest["initiatives"] if i["check_in"] and i["check_in"]["done"]]
    assert len(checked) >= 10

    doc = open_board(client, f"/programmes/{programme_id}/workshops/{workshop['id']}")
    section = doc.by_id("digest")
    for item in checked:
        article = section.by_id(f"digest-{item['initiative']['id']}")
        sentence = item["check_in"]["done"]
        assert article.text.count(sentence) == 1, f"{item['initiative']['name']}: {article.text}"
        assert len(article.find_all(class_="digest-check-in")) == 1
    # The other changes are still listed, once each: every entry but the check-ins in boxes.
    entries = sum(len(i["entries"]) for i in digest["initiatives"])
    boxes = sum(1 for i in digest["initiatives"] if i["check_in"])
    assert len(section.find_all("li", class_="history-entry")) == entries - boxes > 0
