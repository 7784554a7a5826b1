"""The good practice pages through FastAPI's TestClient on both stores: drafting from the
initiative's page (pre-filled exactly as the JSON API pre-fills), the practice's page with
its Innokylä fields, internal notes and what is still missing, the edit form (refusals next to
their fields, input kept, nothing recorded; "someone else saved first"), the publish
confirmation (missing fields listed, nothing recorded; then version 1 with its provenance and
export links), a version's page, retracting with a reason, the history, the catalogue with its
filters and pages, and 404 pages for what does not exist.

The case is Oulunkaari's Innokylä operating model "Kehittäminen kuuluu kaikille" (seed 003).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.integration.api_helpers import (
    OULUNKAARI,
    OULUNKAARI_MODEL,
    all_events,
    propose,
    register_organisation,
)
from tests.integration.page_helpers import (
    Element,
    csrf_token,
    error_summary_links,
    field_error,
    parse,
    post_form,
    submit,
)
from tests.integration.test_api_good_practices import GOALS, LEARNING, REST, UNKNOWN, Case, oulunkaari
from tests.integration.test_pages_programmes import english, open_page

NOTE = "Kehittäjäopas liitetään pdf:nä; SISÄINEN-123"
ENVIRONMENT = "Kehittämisen ja kokeilujen vauhdittaminen.\r\n\r\nMielekäs työpaikka -tunnustus 2015."


def practice_id_of(response: httpx.Response, suffix: str = "") -> str:
    assert response.status_code == 303, f"{response.status_code}\n{response.text[:3000]}"
    match = re.fullmatch(rf"/good-practices/([0-9a-f-]{{36}}){suffix}", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def draft_from_the_page(client: httpx.Client, initiative_id: str) -> str:
    page_url = f"/initiatives/{initiative_id}"
    drafted = post_form(client, page_url, f"{page_url}/good-practices", {})
    return practice_id_of(drafted, "/edit")


def api_practice(client: httpx.Client, practice_id: str) -> dict[str, Any]:
    found = client.get(f"/api/good-practices/{practice_id}")
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


def edit_through_the_form(client: httpx.Client, practice_id: str, changes: dict[str, str]) -> httpx.Response:
    edit_url = f"/good-practices/{practice_id}/edit"
    shown = open_page(client, edit_url)
    return submit(client, shown, edit_url, changes)


def ready_to_publish(client: httpx.Client) -> tuple[Case, str]:
    """Oulunkaari's practice, drafted from the page and completed with what Innokylä needs."""
    case = oulunkaari(client)
    practice_id = draft_from_the_page(client, case.initiative_id)
    saved = edit_through_the_form(
        client, practice_id, {**REST, "operating_environment": ENVIRONMENT, "internal_notes": NOTE}
    )
    assert saved.status_code == 303, saved.text[:3000]
    return case, practice_id


def publish(client: httpx.Client, practice_id: str) -> httpx.Response:
    url = f"/good-practices/{practice_id}/publish"
    return post_form(client, url, url, {})


def hrefs(doc: Element) -> list[str]:
    return [a.attrs["href"] for a in doc.find_all("a") if "href" in a.attrs]


# ---- drafting ------------------------------------------------------------------------------


def test_draft_from_the_initiative_page_prefilled_as_the_api_does(client: TestClient) -> None:
    english(client)
    case = oulunkaari(client)
    initiative_url = f"/initiatives/{case.initiative_id}"
    before = open_page(client, initiative_url).by_id("good-practices")
    assert "No good practice has been written up from this initiative yet." in before.text
    assert before.find("button", type="submit").text == "Draft a good practice"
    count = len(all_events(client))

    practice_id = draft_from_the_page(client, case.initiative_id)

    # One Drafted event (and the form's request key, which makes a second post replay it).
    topics = [e["topic"] for e in all_events(client)[count:]]
    assert topics == ["kipina:GoodPractice.Drafted", "kipina:AppliedRequest.Applied"]
    body = api_practice(client, practice_id)
    # The same pre-fill as the JSON API's draft of the same initiative.
    api_draft = client.post(f"/api/initiatives/{case.initiative_id}/good-practices")
    assert api_draft.status_code == 201, api_draft.text
    assert body["fields"] == api_draft.json()["fields"]
    assert body["fields"]["name"] == OULUNKAARI_MODEL and all(
        g in body["fields"]["basic_idea"] for g in GOALS
    )
    edit_page = open_page(client, f"/good-practices/{practice_id}/edit")
    assert "The good practice was drafted from the initiative." in edit_page.by_id("flash").text
    assert edit_page.by_id("field-name").get("value") == OULUNKAARI_MODEL
    assert LEARNING in edit_page.by_id("field-conditions_for_adoption").text
    assert edit_page.by_id("field-topics").text == "Kuntayhtymä Järjestäminen"

    listed = open_page(client, initiative_url).by_id("good-practices")
    assert [a.get("href") for a in listed.find_all("a")][:2] == [
        f"/good-practices/{practice_id}",
        f"/good-practices/{api_draft.json()['id']}",
    ]
    assert "Draft" in listed.find("li").text


def test_the_practice_page_shows_the_working_copy_notes_and_what_is_missing(client: TestClient) -> None:
    english(client)
    case = oulunkaari(client)
    practice_id = draft_from_the_page(client, case.initiative_id)
    saved = edit_through_the_form(client, practice_id, {"internal_notes": NOTE})
    assert saved.status_code == 303 and saved.headers["location"] == f"/good-practices/{practice_id}"

    page = open_page(client, f"/good-practices/{practice_id}")
    assert page.find("h1").text == OULUNKAARI_MODEL
    assert "Draft" in page.find(class_="status-line").text
    missing = page.by_id("missing")
    assert [a.text for a in missing.find_all("a")] == ["Operating environment"]
    assert missing.find("a").get("href") == f"/good-practices/{practice_id}/edit#field-operating_environment"
    basic_idea = page.by_id("text-basic_idea")
    assert basic_idea.find("h3").text == "Basic idea of the solution"
    assert len(basic_idea.find_all("p")) == 3  # summary's two paragraphs, then the goals
    assert "Not filled in" in page.by_id("text-region").text
    assert [li.text for li in page.by_id("text-topics").find_all("li")] == ["Kuntayhtymä", "Järjestäminen"]
    notes = page.by_id("internal-notes")
    assert "Never published and never exported." in notes.text and NOTE in notes.text
    assert NOTE not in page.by_id("working-copy").text
    assert "Not published yet." in page.by_id("versions").text
    assert "Publish the practice to export it." in page.by_id("exports").text
    links = hrefs(page)
    for href in (
        f"/initiatives/{case.initiative_id}",
        f"/initiatives/{case.initiative_id}/timeline",
        f"/good-practices/{practice_id}/edit",
        f"/good-practices/{practice_id}/publish",
        f"/good-practices/{practice_id}/history",
    ):
        assert href in links, href
    assert f"/good-practices/{practice_id}/retract" not in links  # nothing published to retract


# ---- editing -------------------------------------------------------------------------------------


def test_edit_refusals_are_next_to_their_fields_and_record_nothing(client: TestClient) -> None:
    english(client)
    practice_id = draft_from_the_page(client, oulunkaari(client).initiative_id)
    edit_url = f"/good-practices/{practice_id}/edit"
    shown = open_page(client, edit_url)
    assert shown.by_id("field-name").get("maxlength") == "200"
    assert shown.by_id("field-basic_idea").get("maxlength") == "20000"
    assert "At most 20,000 characters." in shown.by_id("hint-basic_idea").text
    label = next(e for e in shown.find_all("label") if e.get("for") == "field-internal_notes")
    assert "never published" in label.text
    before = len(all_events(client))

    too_long = submit(
        client, shown, edit_url, {"name": "x" * 201, "short_description": "y" * 1001, "region": "Säilyy"}
    )

    assert too_long.status_code == 422
    doc = parse(too_long.text)
    assert error_summary_links(doc) == ["#field-name", "#field-short_description"]
    assert field_error(doc, "name") == "Error: Name of the practice is 201 characters long; the limit is 200."
    assert field_error(doc, "short_description") == (
        "Error: Short description is 1001 characters long; the limit is 1000."
    )
    assert doc.by_id("field-region").get("value") == "Säilyy"
    blank = submit(client, shown, edit_url, {"name": "  "})
    assert blank.status_code == 422
    assert field_error(parse(blank.text), "name") == (
        "Error: Name of the practice is required and cannot be blank."
    )
    assert len(all_events(client)) == before
    assert api_practice(client, practice_id)["fields"]["name"] == OULUNKAARI_MODEL


def test_edit_saves_texts_and_lists_and_someone_else_saved_first(client: TestClient) -> None:
    english(client)
    practice_id = draft_from_the_page(client, oulunkaari(client).initiative_id)
    edit_url = f"/good-practices/{practice_id}/edit"
    stale = open_page(client, edit_url)
    saved = edit_through_the_form(
        client,
        practice_id,
        {
            "operating_environment": ENVIRONMENT,
            "topics": "Kuntayhtymä, Järjestäminen\r\nKokeilukulttuuri",
            "development_phase": "ready",
        },
    )
    assert saved.status_code == 303, saved.text[:3000]
    fields = api_practice(client, practice_id)["fields"]
    assert fields["operating_environment"] == ENVIRONMENT.replace("\r\n", "\n")
    assert fields["topics"] == ["Kuntayhtymä", "Järjestäminen", "Kokeilukulttuuri"]
    assert fields["development_phase"] == "ready"
    page = open_page(client, f"/good-practices/{practice_id}")
    assert "The working copy was saved." in page.by_id("flash").text
    assert [p.text for p in page.by_id("text-operating_environment").find_all("p")] == [
        "Kehittämisen ja kokeilujen vauhdittaminen.",
        "Mielekäs työpaikka -tunnustus 2015.",
    ]
    assert "Ready" in page.by_id("text-development_phase").text

    before = len(all_events(client))
    refused = submit(client, stale, edit_url, {"funder": "Ei erillisrahoitusta"})
    assert refused.status_code == 422
    doc = parse(refused.text)
    assert "Someone else changed this good practice" in doc.find(class_="error-summary").text
    assert doc.by_id("field-funder").get("value") == "Ei erillisrahoitusta"
    assert len(all_events(client)) == before
    again = submit(client, doc, edit_url, {})
    assert again.status_code == 303
    assert api_practice(client, practice_id)["fields"]["funder"] == "Ei erillisrahoitusta"


# ---- publishing, versions, retracting -------------------------------------------------------------


def test_publishing_with_missing_fields_lists_them_and_records_nothing(client: TestClient) -> None:
    english(client)
    practice_id = draft_from_the_page(client, oulunkaari(client).initiative_id)
    emptied = edit_through_the_form(client, practice_id, {"tips_for_adopters": ""})
    assert emptied.status_code == 303
    url = f"/good-practices/{practice_id}/publish"
    confirm = open_page(client, url)
    missing = confirm.by_id("missing")
    assert [a.text for a in missing.find("ul").find_all("a")] == [
        "Operating environment",
        "Tips for those adopting it",
    ]
    assert not confirm.find_all("form", action=url)  # nothing to press until they are filled in
    before = len(all_events(client))

    # Posted anyway (an old tab): the domain refuses and names every blank field.
    refused = client.post(url, data={"csrf_token": csrf_token(client)}, follow_redirects=False)

    assert refused.status_code == 422
    doc = parse(refused.text)
    assert error_summary_links(doc) == [
        f"/good-practices/{practice_id}/edit#field-operating_environment",
        f"/good-practices/{practice_id}/edit#field-tips_for_adopters",
    ]
    assert "Operating environment is required before the good practice can be published." in doc.text
    assert len(all_events(client)) == before
    assert api_practice(client, practice_id)["status"] == "draft"


def test_publish_shows_version_1_with_its_provenance_and_exports(client: TestClient) -> None:
    english(client)
    case, practice_id = ready_to_publish(client)
    url = f"/good-practices/{practice_id}/publish"
    confirm = open_page(client, url)
    assert "Publishing records version 1" in confirm.text and "Older versions stay readable" in confirm.text
    assert find_button(confirm, url) == "Publish version 1"

    published = publish(client, practice_id)

    assert published.headers["location"] == f"/good-practices/{practice_id}#versions"
    body = api_practice(client, practice_id)
    assert (body["status"], body["published_version"]) == ("published", 1)
    initiative_version = client.get(f"/api/initiatives/{case.initiative_id}").json()["version"]
    page = open_page(client, f"/good-practices/{practice_id}")
    assert "The good practice was published." in page.by_id("flash").text
    assert "Published, version 1" in page.find(class_="status-line").text
    row = page.by_id("versions").find("tbody").find("tr")
    assert row.find("a").get("href") == f"/good-practices/{practice_id}/versions/1"
    assert f"initiative version {initiative_version}, event position " in row.text
    exports = page.by_id("exports").find_all("a")
    assert [a.get("data-format") for a in exports] == ["md", "html", "pdf", "pptx", "json"]
    first = urlsplit(exports[0].attrs["href"])
    assert first.path == f"/api/good-practices/{practice_id}/export.md"
    assert parse_qs(first.query) == {"version": ["1"], "lang": ["en"]}
    assert f"/good-practices/{practice_id}/retract" in hrefs(page)

    version = open_page(client, f"/good-practices/{practice_id}/versions/1")
    position = client.get(f"/api/good-practices/{practice_id}/versions/1").json()
    assert version.find("h1").text.startswith(OULUNKAARI_MODEL)
    provenance = version.by_id("provenance").text
    assert (
        f"initiative version {initiative_version}, event position {position['source']['position']}"
        in provenance
    )
    pdf = urlsplit(version.by_id("exports").find("a", data_format="pdf").attrs["href"])
    assert pdf.path == f"/api/good-practices/{practice_id}/export.pdf"
    recorded_at = parse_qs(pdf.query)["position"]
    assert parse_qs(pdf.query)["version"] == ["1"] and recorded_at[0].isdigit()
    assert [p.text for p in version.by_id("text-operating_environment").find_all("p")] == [
        "Kehittämisen ja kokeilujen vauhdittaminen.",
        "Mielekäs työpaikka -tunnustus 2015.",
    ]
    assert NOTE not in version.text  # internal notes are never part of a version
    timeline = open_page(client, f"/initiatives/{case.initiative_id}/timeline").by_id("entries")
    assert f"/good-practices/{practice_id}/versions/1" in hrefs(timeline)

    # An edit is an unpublished change until the next publish, which records version 2.
    assert edit_through_the_form(client, practice_id, {"region": "Oulun seutu"}).status_code == 303
    listed = open_page(client, "/good-practices").by_id("results")
    assert "Published, version 1" in listed.text and "unpublished changes" in listed.text
    assert publish(client, practice_id).status_code == 303
    page = open_page(client, f"/good-practices/{practice_id}")
    assert [r.find("a").text for r in page.by_id("versions").find("tbody").find_all("tr")] == [
        "Version 2",
        "Version 1",
    ]
    assert "Oulun seutu" in open_page(client, f"/good-practices/{practice_id}/versions/2").text
    assert "Oulun seutu" not in open_page(client, f"/good-practices/{practice_id}/versions/1").text


def find_button(doc: Element, action: str) -> str:
    return next(f for f in doc.find_all("form", action=action)).find("button", type="submit").text


def test_publishing_unchanged_again_is_refused_on_the_confirmation(client: TestClient) -> None:
    english(client)
    _, practice_id = ready_to_publish(client)
    assert publish(client, practice_id).status_code == 303
    before = len(all_events(client))
    again = publish(client, practice_id)
    assert again.status_code == 422
    summary = parse(again.text).find(class_="error-summary").text
    assert "Version 1 already holds exactly this text" in summary
    assert len(all_events(client)) == before


def test_retract_needs_a_reason_and_keeps_the_versions_readable(client: TestClient) -> None:
    english(client)
    draft_id = draft_from_the_page(client, oulunkaari(client).initiative_id)
    assert "nothing to retract" in open_page(client, f"/good-practices/{draft_id}/retract").text
    _, practice_id = ready_to_publish(client)
    assert publish(client, practice_id).status_code == 303
    url = f"/good-practices/{practice_id}/retract"
    before = len(all_events(client))

    refused = post_form(client, url, url, {"reason": "  "})

    assert refused.status_code == 422
    assert field_error(parse(refused.text), "reason") == "Error: Say why the good practice is retracted."
    assert len(all_events(client)) == before
    reason = "Toimintamalli korvattu uudella."
    done = post_form(client, url, url, {"reason": reason})
    assert done.status_code == 303 and done.headers["location"] == f"/good-practices/{practice_id}"
    assert api_practice(client, practice_id)["status"] == "retracted"
    page = open_page(client, f"/good-practices/{practice_id}")
    assert "This good practice is retracted" in page.text and reason in page.find(class_="as-of-notice").text
    assert reason in page.by_id("versions").text
    assert "A retracted practice is not exported." in page.by_id("exports").text
    assert f"/good-practices/{practice_id}/retract" not in hrefs(page)
    version = open_page(client, f"/good-practices/{practice_id}/versions/1")
    assert "This version was retracted" in version.text and reason in version.text
    assert not version.by_id("exports").find_all("a")
    assert "already retracted" in open_page(client, url).text
    assert (
        "Retracted (version 1)" in open_page(client, "/good-practices?status=retracted").by_id("results").text
    )


def test_the_history_names_each_step(client: TestClient) -> None:
    english(client)
    _, practice_id = ready_to_publish(client)
    assert publish(client, practice_id).status_code == 303
    history = open_page(client, f"/good-practices/{practice_id}/history")
    assert history.find("h1").text == f"History: {OULUNKAARI_MODEL}"
    text = history.by_id("history").text
    for words in (
        "Good practice drafted",
        "Working copy edited",
        "Published",
        "Operating environment",
        "Internal notes",
        "Published version",
        "Initiative version it was based on",
    ):
        assert words in text, words
    entries = history.by_id("history").find_all("li", class_="history-entry")
    assert entries[0].find("strong").text == "Published"


# ---- the catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_filters_and_pages(client: TestClient) -> None:
    english(client)
    empty = open_page(client, "/good-practices")
    assert "/good-practices" in [a.get("href") for a in empty.find("nav", class_="main-nav").find_all("a")]
    assert "No good practices yet." in empty.by_id("results").text
    case, published_id = ready_to_publish(client)
    assert publish(client, published_id).status_code == 303
    vihti = register_organisation(client, "Vihdin kunta")
    morning = propose(
        client,
        "Asukkaan oma aamu",
        summary="Asukas herää omaan tahtiinsa.",
        organisation_id=vihti.id,
        themes=["Ikääntyneet palvelut"],
        target_group="Ikääntyneet",
    )
    draft_id = draft_from_the_page(client, morning["id"])

    def names(url: str, status: int = 200) -> list[str]:
        return [
            th.find("a").text
            for th in open_page(client, url, status).by_id("results").find_all("th", scope="row")
        ]

    assert names("/good-practices") == ["Asukkaan oma aamu", OULUNKAARI_MODEL]
    assert names("/good-practices?q=herää") == ["Asukkaan oma aamu"]
    assert names("/good-practices?q=kokeilujen+vauhdittaminen") == [OULUNKAARI_MODEL]
    assert names("/good-practices?q=SISÄINEN-123") == []  # internal notes are not searched
    assert names("/good-practices?topic=kuntayhtymä") == [OULUNKAARI_MODEL]
    assert names("/good-practices?target_group=Ikääntyneet") == ["Asukkaan oma aamu"]
    assert names(f"/good-practices?organisation_id={vihti.id}") == ["Asukkaan oma aamu"]
    assert names(f"/good-practices?organisation_id={case.organisation_id}") == [OULUNKAARI_MODEL]
    assert names("/good-practices?phase=being_developed") == [OULUNKAARI_MODEL]
    assert names("/good-practices?phase=idea") == ["Asukkaan oma aamu"]
    assert names("/good-practices?status=draft") == ["Asukkaan oma aamu"]
    assert names("/good-practices?status=published") == [OULUNKAARI_MODEL]
    none = open_page(client, "/good-practices?status=retracted").by_id("results")
    assert "No good practices match these filters." in none.text
    rows = open_page(client, "/good-practices").by_id("results").find("tbody").find_all("tr")
    assert "Vihdin kunta" in rows[0].text and "Idea" in rows[0].text and "Draft" in rows[0].text
    assert rows[0].find("a").get("href") == f"/good-practices/{draft_id}"
    assert OULUNKAARI in rows[1].text and "Published, version 1" in rows[1].text

    bad = open_page(client, "/good-practices?phase=finished&status=gone&organisation_id=x", status=400)
    assert field_error(bad, "phase") == "Error: Choose one of the options in the list."
    assert field_error(bad, "status") == "Error: Choose one of the options in the list."
    assert field_error(bad, "organisation_id") == "Error: Choose one of the options in the list."

    for _ in range(25):
        assert client.post(f"/api/initiatives/{morning['id']}/good-practices").status_code == 201
    first = open_page(client, "/good-practices?status=draft")
    assert len(first.by_id("results").find("tbody").find_all("tr")) == 25
    next_href = first.find("a", rel="next").attrs["href"]
    assert parse_qs(urlsplit(next_href).query)["status"] == ["draft"]
    second = open_page(client, next_href)
    assert [a.text for a in second.by_id("results").find("tbody").find_all("a")] == ["Asukkaan oma aamu"]
    assert not second.find_all("a", rel="next")
    stale = open_page(client, "/good-practices?cursor=bogus", status=400)
    assert "That page link is out of date" in stale.find(class_="error-summary").text


# ---- what does not exist, and the programme's seminar pack -------------------------------------------


def test_unknown_practices_versions_and_initiatives_are_404_pages(client: TestClient) -> None:
    english(client)
    for url in (
        f"/good-practices/{UNKNOWN}",
        f"/good-practices/{UNKNOWN}/edit",
        f"/good-practices/{UNKNOWN}/publish",
        f"/good-practices/{UNKNOWN}/retract",
        f"/good-practices/{UNKNOWN}/history",
        f"/good-practices/{UNKNOWN}/versions/1",
        "/good-practices/not-an-id",
    ):
        assert open_page(client, url, status=404).find("h1").text == "Page not found", url
    practice_id = draft_from_the_page(client, oulunkaari(client).initiative_id)
    assert open_page(client, f"/good-practices/{practice_id}/versions/1", status=404)
    assert open_page(client, f"/good-practices/{practice_id}/versions/0", status=404)
    before = len(all_events(client))
    token = {"csrf_token": csrf_token(client)}
    missing = client.post(f"/initiatives/{UNKNOWN}/good-practices", data=token, follow_redirects=False)
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert len(all_events(client)) == before


def test_the_programme_page_links_to_its_seminar_pack(client: TestClient) -> None:
    english(client)
    created = client.post(
        "/api/programmes",
        json={"name": "3W-kehittämisohjelma", "period_start": "2018-04-01", "period_end": "2019-04-30"},
    )
    assert created.status_code == 201, created.text
    programme_id = created.json()["id"]
    pack = open_page(client, f"/programmes/{programme_id}").by_id("seminar-pack")
    links = {a.attrs["data-format"]: a.attrs["href"] for a in pack.find_all("a")}
    assert sorted(links) == ["html", "json", "md", "pdf", "pptx"]
    assert links["pdf"] == f"/api/programmes/{programme_id}/seminar.pdf?lang=en"
