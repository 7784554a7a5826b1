"""The page that enrols many initiatives at once, through FastAPI's TestClient on both
stores: the checklist (organisation beside each, the enrolled ones shown as such), the
filter by words and organisation, "select all shown" without JavaScript, one submit that
enrols all or none, and its refusals (nothing chosen, one already enrolled meanwhile, an
unknown id, a closed programme), each recording nothing.
"""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from api.pages.web import CSRF_FIELD
from tests.integration.api_helpers import all_events, propose
from tests.integration.page_helpers import Element, csrf_token, parse
from tests.integration.test_pages_programmes import (
    api_programme,
    create_programme,
    english,
    enrol,
    open_page,
    three_w,
)

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def enrolled(client: TestClient, programme_id: str) -> list[str]:
    return [e["initiative"]["id"] for e in api_programme(client, programme_id)["initiatives"]]


def events(client: TestClient) -> int:
    return sum(1 for e in all_events(client) if e["topic"] == "kipina:Programme.InitiativeEnrolled")


def set_up(client: TestClient) -> tuple[dict[str, str], str, str]:
    ids = three_w(client)
    programme_id = create_programme(client, ids)
    for n in range(3):
        ids[f"vihti{n}"] = propose(client, f"Vihdin kotiutus {n}", organisation_id=ids["vihti"])["id"]
    assert enrol(client, programme_id, ids["kotihoito"]).status_code == 303
    return ids, programme_id, f"/programmes/{programme_id}/enrol"


def hidden(page: Element) -> dict[str, str]:
    """The hidden inputs of the enrol form (the filter form before it posts to the same URL)."""
    form = page.by_id("enrol-form")
    return {e.attrs["name"]: e.attrs.get("value", "") for e in form.find_all("input", type="hidden")}


def boxes(page: Element, *, checked: bool = False) -> list[str]:
    found = page.by_id("enrol-form").find_all("input", type="checkbox")
    return [b.attrs["value"] for b in found if not checked or "checked" in b.attrs]


def post(client: TestClient, url: str, data: dict[str, object]) -> httpx.Response:
    return client.post(url, data={**hidden(open_page(client, url)), **data}, follow_redirects=False)


def test_the_checklist_names_organisations_and_shows_the_enrolled(client: TestClient) -> None:
    english(client)
    ids, _, url = set_up(client)
    page = open_page(client, url)
    assert page.find("h1").text.startswith("Enrol initiatives: ")
    assert set(boxes(page)) == {ids["palvelutalo"], ids["vihti0"], ids["vihti1"], ids["vihti2"]}
    assert ids["outside"] not in boxes(page), "only the participating organisations' initiatives"
    label = next(li for li in page.by_id("enrol-form").find_all("li") if li.has_id(f"enrol-{ids['vihti0']}"))
    assert "Vihdin kotiutus 0" in label.text and "Vihti" in label.text
    already = page.by_id(f"enrol-{ids['kotihoito']}")
    assert already.tag == "p" and "Enrolled" in already.text and "Kirkkonummi" in already.text
    assert "5 shown of 5; 1 of those shown are already enrolled." in page.by_id("enrol-count").text


def test_the_filter_and_select_all_shown_work_without_javascript(client: TestClient) -> None:
    english(client)
    ids, programme_id, url = set_up(client)
    found = open_page(client, f"{url}?q=kotiutus&organisation_id={ids['vihti']}")
    assert boxes(found) == [ids["vihti0"], ids["vihti1"], ids["vihti2"]]
    assert (
        open_page(client, f"{url}?organisation_id={ids['kirkkonummi']}")
        .by_id("enrol-count")
        .text.startswith("1 shown")
    )
    nothing = open_page(client, f"{url}?q=zzz")
    assert "No initiative matches" in nothing.find("main").text

    selected = client.post(
        url,
        data={**hidden(found), "action": "select_all"},
        follow_redirects=False,
    )
    assert selected.status_code == 200
    shown = parse(selected.text)
    ticked = boxes(shown, checked=True)
    assert ticked == [ids["vihti0"], ids["vihti1"], ids["vihti2"]]
    assert enrolled(client, programme_id) == [ids["kotihoito"]], "selecting records nothing"

    before = events(client)
    done = client.post(
        url,
        data={**hidden(shown), "initiative_ids": ticked, "action": "enrol"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[:2000]
    assert done.headers["location"] == f"/programmes/{programme_id}"
    assert events(client) == before + 3
    assert enrolled(client, programme_id) == [ids["kotihoito"], *ticked]
    dashboard = client.get(done.headers["location"])
    assert "The chosen initiatives were enrolled." in dashboard.text


def test_one_refused_initiative_enrols_none_and_is_marked(client: TestClient) -> None:
    english(client)
    ids, programme_id, url = set_up(client)
    page = open_page(client, url)
    # Someone enrols one of them meanwhile.
    assert enrol(client, programme_id, ids["vihti1"]).status_code == 303
    before = events(client)
    refused = client.post(
        url,
        data={
            **hidden(page),
            "initiative_ids": [ids["vihti0"], ids["vihti1"], ids["vihti2"]],
            "action": "enrol",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert events(client) == before
    shown = parse(refused.text)
    summary = shown.by_id("problem-summary").text
    assert "Nothing was enrolled: 1 of the 3 initiatives cannot be enrolled" in summary
    assert "Vihdin kotiutus 1 is already enrolled in this programme." in summary
    assert "Vihdin kotiutus 1 is already enrolled" in shown.by_id(f"error-enrol-{ids['vihti1']}").text
    assert boxes(shown, checked=True) == [ids["vihti0"], ids["vihti2"]], "the others stay ticked"
    assert enrolled(client, programme_id) == [ids["kotihoito"], ids["vihti1"]]


def test_nothing_chosen_an_unknown_id_or_a_closed_programme_records_nothing(client: TestClient) -> None:
    english(client)
    ids, programme_id, url = set_up(client)
    before = events(client)

    empty = post(client, url, {"action": "enrol"})
    assert empty.status_code == 422
    assert "Choose at least one initiative to enrol." in parse(empty.text).by_id("problem-summary").text

    unknown = post(client, url, {"action": "enrol", "initiative_ids": [ids["vihti0"], UNKNOWN]})
    assert unknown.status_code == 422
    assert f"There is no initiative with id {UNKNOWN}." in unknown.text

    malformed = post(client, url, {"action": "enrol", "initiative_ids": ["kotihoito"]})
    assert malformed.status_code == 422

    too_many = post(client, url, {"action": "enrol", "initiative_ids": [ids["vihti0"]] * 201})
    assert too_many.status_code == 422
    assert events(client) == before

    closed = client.post(f"/api/programmes/{programme_id}/close", json={"summary": "Valmis."})
    assert closed.status_code == 200, closed.text
    page = open_page(client, url)
    assert "it takes no more enrolments" in page.find("main").text
    assert not page.find_all("form", method="post")
    late = client.post(
        url,
        data={CSRF_FIELD: csrf_token(client), "initiative_ids": [ids["vihti0"]], "action": "enrol"},
        follow_redirects=False,
    )
    assert late.status_code == 422
    assert "is closed" in parse(late.text).by_id("problem-summary").text
    assert events(client) == before
    assert client.get(f"/programmes/{UNKNOWN}/enrol").status_code == 404
