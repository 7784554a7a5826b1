"""The check-in sheet's form posts through FastAPI's TestClient on both stores: one row per
enrolled initiative (status, score, one sentence), the whole sheet saved by one plain POST
(valid rows recorded, refused rows kept with what was typed and their sentences, nothing
recorded for them, the page saying which rows were saved), one row saved by htmx (the next
row takes the focus), a row someone else checked in meanwhile, a correction, a double
submit, and a closed programme.

Pages are read like a browser reads them (see page_helpers) and checked against the JSON API
and the event log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.integration.api_helpers import all_events, propose
from tests.integration.page_helpers import Element, field_error, find_form, form_values, parse
from tests.integration.test_pages_programmes import (
    HTMX,
    check_ins,
    create_programme,
    english,
    enrol,
    open_page,
    schedule,
    three_w,
)


def sheet_of(client: TestClient, count: int = 3) -> tuple[str, list[str], str]:
    """A programme with a workshop and `count` enrolled initiatives (sheet order: by title)."""
    ids = three_w(client)
    programme_id = create_programme(client, ids)
    workshop_id = schedule(client, programme_id, "2018-09-13", "Työpaja 1")
    initiatives = [
        propose(client, f"Hanke {n:02d}", organisation_id=ids["kirkkonummi"])["id"] for n in range(count)
    ]
    for initiative_id in initiatives:
        assert enrol(client, programme_id, initiative_id).status_code == 303
    return f"/programmes/{programme_id}/workshops/{workshop_id}/check-ins", initiatives, programme_id


def row(iid: str, status: str = "", score: str = "", sentence: str = "") -> dict[str, str]:
    return {f"status-{iid}": status, f"progress_score-{iid}": score, f"done-{iid}": sentence}


def post_sheet(
    client: httpx.Client, shown: Element, url: str, changes: dict[str, str], *, to: str = "", **kwargs: Any
) -> httpx.Response:
    """Post the sheet (form action `url`) as shown, with `changes` typed in; `to` is where
    htmx posts one row."""
    body = {**form_values(shown, url), **changes}
    return client.post(to or url, data=body, follow_redirects=False, **kwargs)


def counted(client: httpx.Client) -> int:
    """Check-ins recorded so far (each keyed row also records its request key)."""
    return sum(1 for e in all_events(client) if e["topic"] == "kipina:Initiative.CheckInRecorded")


def test_the_sheet_is_one_row_per_initiative_in_one_form(client: TestClient) -> None:
    english(client)
    url, ids, _ = sheet_of(client)
    sheet = open_page(client, url)
    form = find_form(sheet, url)
    rows = form.find_all("li", class_="sheet-row")
    assert [r.get("id") for r in rows] == [f"check-in-{i}" for i in ids]
    first = rows[0]
    controls = [
        e.get("name")
        for e in first.iter()
        if e.tag in ("select", "input", "textarea") and e.get("type") != "hidden"
    ]
    # Status, score and the sentence come first, the save button after them; "More" after that.
    assert controls[:3] == [f"status-{ids[0]}", f"progress_score-{ids[0]}", f"done-{ids[0]}"]
    button = first.find("button")
    assert (button.get("hx-post"), button.get("hx-target")) == (f"{url}/{ids[0]}", f"#check-in-{ids[0]}")
    options = [o.text for o in sheet.by_id(f"field-{ids[0]}-status").find_all("option")]
    assert options == ["Choose a status", "Green", "Amber", "Red"]
    scores = [o.text for o in sheet.by_id(f"field-{ids[0]}-progress_score").find_all("option")]
    assert scores[1:3] == ["0.5 – Intent to participate", "1 – Team formed"]
    assert sheet.by_id("sheet-count").text == "0 of 3 initiatives have checked in."


def test_all_valid_rows_are_recorded_by_one_post(client: TestClient) -> None:
    english(client)
    url, ids, _ = sheet_of(client)
    sheet = open_page(client, url)
    before = counted(client)
    changes = {
        **row(ids[0], "green", "1.5", "Aamupalaverit aloitettu."),
        **row(ids[1], "amber", "2", "Mittari puuttuu."),
        **row(ids[2], "red", "0.5", ""),
    }
    saved = post_sheet(client, sheet, url, changes)

    assert saved.status_code == 303, saved.text[:3000]
    location = urlsplit(saved.headers["location"])
    assert location.fragment == "sheet-end", "after the last row the focus goes to the end"
    assert parse_qs(location.query)["saved"] == [".".join(ids)]
    assert counted(client) == before + 3
    assert [(c["status"], c["progress_score"], c["done"]) for i in ids for c in check_ins(client, i)] == [
        ("green", 1.5, "Aamupalaverit aloitettu."),
        ("amber", 2.0, "Mittari puuttuu."),
        ("red", 0.5, ""),
    ]
    back = open_page(client, f"{location.path}?{location.query}")
    assert "3 check-ins were saved: Hanke 00, Hanke 01, Hanke 02." in back.find(class_="saved-summary").text
    assert back.by_id("sheet-count").text == "3 of 3 initiatives have checked in."
    assert all("Saved." in back.by_id(f"check-in-{i}").text for i in ids)


def test_invalid_rows_are_kept_with_errors_and_the_valid_ones_recorded(client: TestClient) -> None:
    english(client)
    url, ids, _ = sheet_of(client, 5)
    sheet = open_page(client, url)
    before = counted(client)
    changes = {
        **row(ids[0], "green", "1", "Hyvä alku."),
        **row(ids[1], "amber", "7", "Liian suuri pistemäärä."),
        **row(ids[2], "red", "2", "x" * 5001),
        **row(ids[3], "purple", "2", "Tuntematon tila."),
        **row(ids[4], "", "", "Pelkkä lause."),
    }
    refused = post_sheet(client, sheet, url, changes)

    assert refused.status_code == 422
    page = parse(refused.text)
    assert counted(client) == before + 1, "only the valid row was recorded"
    assert [len(check_ins(client, i)) for i in ids] == [1, 0, 0, 0, 0]
    summary = page.by_id("problem-summary")
    assert "1 check-in was saved: Hanke 00." in summary.text
    assert "4 rows were not saved." in summary.text
    links = [a.get("href") for a in summary.find_all("a")]
    assert links == [
        f"#field-{ids[1]}-progress_score",
        f"#field-{ids[2]}-done",
        f"#field-{ids[3]}-status",
        f"#field-{ids[4]}-status",
    ]
    assert "progress scale" in field_error(page, f"{ids[1]}-progress_score")
    assert "5001" in field_error(page, f"{ids[2]}-done")
    assert "green, amber or red" in field_error(page, f"{ids[3]}-status")
    assert "Choose green, amber or red." in field_error(page, f"{ids[4]}-status")
    # What was typed stays; the saved row shows what was recorded; the focus goes to the first error.
    assert page.by_id(f"field-{ids[2]}-done").get("value") == "x" * 5001
    assert page.by_id(f"field-{ids[4]}-done").get("value") == "Pelkkä lause."
    assert "Saved." in page.by_id(f"check-in-{ids[0]}").text
    assert page.by_id(f"field-{ids[1]}-progress_score").get("autofocus") is not None
    assert refused.text.count(" autofocus") == 1, "one control takes the focus"

    # Fixed and saved again: only the fixed rows are recorded, the saved one is not repeated.
    fixed = post_sheet(
        client,
        page,
        url,
        {**row(ids[1], "amber", "3"), **row(ids[2], "red", "2", "Lyhyesti."), **row(ids[3], "red", "2")},
    )
    assert fixed.status_code == 422, "the last row still has no status"
    assert [len(check_ins(client, i)) for i in ids] == [1, 1, 1, 1, 0]


def test_an_unchanged_sheet_records_nothing(client: TestClient) -> None:
    english(client)
    url, _, _ = sheet_of(client, 2)
    sheet = open_page(client, url)
    before = counted(client)
    same = post_sheet(client, sheet, url, {})
    assert same.status_code == 200
    assert "No row was changed, so nothing was saved." in same.text
    assert counted(client) == before


def test_a_double_submit_records_each_row_once(client: TestClient) -> None:
    url, ids, _ = sheet_of(client, 2)
    sheet = open_page(client, url)
    changes = {**row(ids[0], "green", "1"), **row(ids[1], "amber", "1.5")}
    assert post_sheet(client, sheet, url, changes).status_code == 303
    before = counted(client)
    # The same post again (a double click, a reload): each row's request key replays it, or
    # the rows already read as recorded; either way nothing more is recorded.
    assert post_sheet(client, sheet, url, changes).status_code in (200, 303)
    assert counted(client) == before
    assert [len(check_ins(client, i)) for i in ids] == [1, 1]


def test_htmx_saves_one_row_and_hands_the_focus_to_the_next(client: TestClient) -> None:
    english(client)
    url, ids, _ = sheet_of(client)
    sheet = open_page(client, url)
    before = counted(client)
    # htmx sends the whole form; only the row whose button was pressed is saved.
    changes = {**row(ids[0], "green", "2", "Aloitettu."), **row(ids[1], "red", "1", "Ei vielä.")}
    saved = post_sheet(client, sheet, url, changes, to=f"{url}/{ids[0]}", headers=HTMX)
    assert saved.status_code == 200, saved.text[:2000]
    assert "<html" not in saved.text
    part = parse(saved.text)
    item = part.by_id(f"check-in-{ids[0]}")
    assert item.get("data-focus-next") == f"check-in-{ids[1]}"
    assert "Saved." in item.text and item.find("button").text.startswith("Correct")
    assert part.by_id("sheet-count").text == "1 of 3 initiatives have checked in."
    assert part.by_id("flash").text == "The check-in of Hanke 00 was saved."
    assert counted(client) == before + 1

    refused = post_sheet(
        client, sheet, url, row(ids[2], "green", "", "Ilman pisteitä."), to=f"{url}/{ids[2]}", headers=HTMX
    )
    assert refused.status_code == 422
    item = parse(refused.text).by_id(f"check-in-{ids[2]}")
    assert field_error(item, f"{ids[2]}-progress_score").endswith("Choose a step of the progress scale.")
    assert item.by_id(f"field-{ids[2]}-progress_score").get("autofocus") is not None
    assert item.by_id(f"field-{ids[2]}-done").get("value") == "Ilman pisteitä."
    assert counted(client) == before + 1

    last = post_sheet(client, sheet, url, row(ids[2], "green", "1"), to=f"{url}/{ids[2]}", headers=HTMX)
    assert parse(last.text).by_id(f"check-in-{ids[2]}").get("data-focus-next") == "sheet-end"


def test_a_row_someone_else_checked_in_meanwhile_is_not_overwritten_unseen(client: TestClient) -> None:
    english(client)
    url, ids, programme_id = sheet_of(client, 2)
    sheet = open_page(client, url)  # opened before the other coordinator saved
    workshop_id = url.split("/workshops/")[1].split("/")[0]
    theirs = client.post(
        f"/api/initiatives/{ids[0]}/check-ins",
        json={"programme_id": programme_id, "workshop_id": workshop_id, "status": "red", "progress_score": 1},
    )
    assert theirs.status_code == 201, theirs.text
    before = counted(client)

    mine = post_sheet(
        client, sheet, url, {**row(ids[0], "green", "3", "Meni hyvin."), **row(ids[1], "amber", "1")}
    )

    assert mine.status_code == 422
    assert counted(client) == before + 1, "the other row was recorded, the stale one not"
    page = parse(mine.text)
    item = page.by_id(f"check-in-{ids[0]}")
    assert "Someone else recorded a check-in for this initiative" in page.by_id(f"problem-{ids[0]}").text
    assert "Red" in item.find(class_="sheet-recorded").text, "theirs is shown"
    assert page.by_id(f"field-{ids[0]}-done").get("value") == "Meni hyvin.", "mine is kept"
    assert [c["status"] for c in check_ins(client, ids[0])] == ["red"]

    # Saving again now corrects theirs, knowingly: a new event, the history keeps both.
    again = post_sheet(client, page, url, {})
    assert again.status_code == 303, again.text[:2000]
    both = check_ins(client, ids[0])
    assert [c["status"] for c in both] == ["red", "green"]
    assert both[1]["corrects"] == both[0]["id"]


def test_a_recorded_row_shows_what_was_recorded_and_a_correction_is_a_new_check_in(
    client: TestClient,
) -> None:
    english(client)
    url, ids, _ = sheet_of(client, 1)
    sheet = open_page(client, url)
    assert post_sheet(client, sheet, url, row(ids[0], "amber", "1.5", "Ensimmäinen.")).status_code == 303
    sheet = open_page(client, url)
    item = sheet.by_id(f"check-in-{ids[0]}")
    assert "Amber" in item.find(class_="sheet-recorded").text
    values = form_values(sheet, url)
    assert (values[f"status-{ids[0]}"], values[f"progress_score-{ids[0]}"], values[f"done-{ids[0]}"]) == (
        "amber",
        "1.5",
        "Ensimmäinen.",
    )
    assert item.find("button").text.startswith("Correct")
    corrected = post_sheet(client, sheet, url, {f"progress_score-{ids[0]}": "2"})
    assert corrected.status_code == 303
    both = check_ins(client, ids[0])
    assert [(c["progress_score"], c["done"]) for c in both] == [(1.5, "Ensimmäinen."), (2.0, "Ensimmäinen.")]
    assert both[1]["corrects"] == both[0]["id"]


def test_a_withdrawn_or_closed_programme_records_nothing_from_the_sheet(client: TestClient) -> None:
    english(client)
    url, ids, programme_id = sheet_of(client, 2)
    sheet = open_page(client, url)
    withdrawn = client.post(f"/api/programmes/{programme_id}/withdrawals", json={"initiative_id": ids[0]})
    assert withdrawn.status_code == 200, withdrawn.text
    before = counted(client)
    late = post_sheet(client, sheet, url, row(ids[0], "green", "1"))
    assert late.status_code == 422
    assert "is no longer enrolled" in parse(late.text).by_id("problem-summary").text
    assert counted(client) == before

    closed = client.post(f"/api/programmes/{programme_id}/close", json={"summary": "Valmis."})
    assert closed.status_code == 200, closed.text
    refused = post_sheet(client, sheet, url, row(ids[1], "green", "1"))
    assert refused.status_code == 422
    assert "is closed" in parse(refused.text).by_id("problem-summary").text
    assert counted(client) == before
    assert not open_page(client, url).find_all("form", method="post")


def test_a_row_left_alone_is_not_saved_when_someone_else_checked_it_in_meanwhile(client: TestClient) -> None:
    url, ids, programme_id = sheet_of(client, 2)
    sheet = open_page(client, url)
    workshop_id = url.split("/workshops/")[1].split("/")[0]
    theirs = client.post(
        f"/api/initiatives/{ids[1]}/check-ins",
        json={"programme_id": programme_id, "workshop_id": workshop_id, "status": "red", "progress_score": 1},
    )
    assert theirs.status_code == 201, theirs.text
    mine = post_sheet(client, sheet, url, row(ids[0], "green", "2"))
    assert mine.status_code == 303, mine.text[:2000]
    assert [c["status"] for i in ids for c in check_ins(client, i)] == ["green", "red"], "theirs is untouched"
