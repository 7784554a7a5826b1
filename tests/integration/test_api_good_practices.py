"""Good practices over the JSON API, on both stores: drafting from an initiative (pre-filled
from its goals, experiments' learning and latest evaluation), editing with If-Match,
publishing version 1, revising (n+1), retracting and publishing again; the catalogue with
its filters, as-of views and history; and the public catalogue, which needs no sign-in and
shows only published versions, never a draft and never internal notes.

The case is Oulunkaari's Innokylä operating model "Kehittäminen kuuluu kaikille" (seed 003),
and a 3W project in Vihti's elderly services (seed 001) whose practice was to be shared at
the closing seminar "Hyvät käytännöt jakoon".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.settings import Settings
from tests.integration.api_helpers import (
    OULUNKAARI,
    OULUNKAARI_MODEL,
    all_events,
    as_user,
    assert_problem,
    history,
    move,
    nothing_recorded,
    propose,
    proxy_mode_http,
    register_organisation,
)

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NOTE = "SISÄINEN-MUISTIINPANO-123"
LEAD = (
    "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin saakka. "
    "Kokeiluihin kannustetaan."
)
ARENAS = "Yhteiset kehittämisen areenat ovat tärkeitä kohtaamispaikkoja kehittämistyölle."
GOALS = ["Kehittäminen näkyy ja kuuluu", "Yhteiset kehittämisen areenat"]
EXPERIMENT = "Change Day -kädenjälkitunnukset"
LEARNING = "Kädenjälkitunnukset kertovat toteutetuista kehittämistoimenpiteistä."
EVALUATION: dict[str, Any] = {
    "evaluated_on": "2016-03-01",
    "method": "self_assessment",
    "effects": {
        "staff": {"text": "Hyvät ideat jaetaan työkavereiden kesken."},
        "quality": {"text": "Mielekäs työpaikka -tunnustus 2015."},
    },
    "worked": "Kehittämistyön vaikutukset ovat olleet toiminnallisesti ja taloudellisesti merkittäviä.",
    "did_not_work": "Kaikki yksiköt eivät vielä osallistu.",
    "lessons": "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.",
    "recommendation": "spread",
}
# What Innokylä needs and no initiative records.
REST = {
    "operating_environment": "Kehittämisen ja kokeilujen vauhdittaminen.",
    "region": "Pohjois-Pohjanmaa",
    "funder": "Ei erillisrahoitusta",
}


@dataclass
class Case:
    organisation_id: str
    initiative_id: str


def oulunkaari(http: httpx.Client, headers: dict[str, str] | None = None) -> Case:
    """Oulunkaari's initiative, started, with an adopted experiment and an evaluation."""
    org = http.post(
        "/api/organisations", json={"name": OULUNKAARI, "kind": "joint_authority"}, headers=headers
    )
    assert org.status_code == 201, org.text
    org_id = org.json()["id"]
    unit = http.post(
        f"/api/organisations/{org_id}/units", json={"name": "Soten kehittämistiimi"}, headers=headers
    )
    assert unit.status_code == 200, unit.text
    unit_id = unit.json()["units"][0]["id"]
    created = http.post(
        "/api/initiatives",
        json={
            "title": OULUNKAARI_MODEL,
            "summary": f"{LEAD}\n\n{ARENAS}",
            "organisation_id": org_id,
            "unit_id": unit_id,
            "themes": ["Kuntayhtymä", "Järjestäminen"],
            "target_group": "Työikäiset",
            "goals": GOALS,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    initiative_id = created.json()["id"]
    for verb in ("plan", "start"):
        moved = http.post(f"/api/initiatives/{initiative_id}/{verb}", headers=headers)
        assert moved.status_code == 200, moved.text
    planned = http.post(
        f"/api/initiatives/{initiative_id}/experiments",
        json={"title": EXPERIMENT, "change_idea": "Tunnukset jaetaan Change Day -päivänä."},
        headers=headers,
    )
    assert planned.status_code == 201, planned.text
    experiment = f"/api/experiments/{planned.json()['id']}"
    for verb, body in (
        ("start", None),
        ("study", {"result": "Tunnuksia jaettiin 120.", "learning": LEARNING}),
        ("decision", {"decision": "adopt", "rationale": "Koko kuntayhtymään."}),
    ):
        done = http.post(f"{experiment}/{verb}", json=body, headers=headers)
        assert done.status_code == 200, done.text
    evaluated = http.post(f"/api/initiatives/{initiative_id}/evaluations", json=EVALUATION, headers=headers)
    assert evaluated.status_code == 201, evaluated.text
    return Case(org_id, initiative_id)


def draft(http: httpx.Client, initiative_id: str, **fields: Any) -> dict[str, Any]:
    response = http.post(f"/api/initiatives/{initiative_id}/good-practices", json=fields or None)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def command(http: httpx.Client, practice_id: str, verb: str, body: Any = None) -> dict[str, Any]:
    response = http.post(f"/api/good-practices/{practice_id}/{verb}", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def edit(http: httpx.Client, practice: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = http.patch(
        f"/api/good-practices/{practice['id']}", json=fields, headers={"If-Match": f'"{practice["version"]}"'}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def paths(practice_id: str) -> tuple[str, str, str]:
    base = f"/api/good-practices/{practice_id}"
    return base, f"{base}/history", f"{base}/versions"


def published_practice(http: httpx.Client) -> tuple[Case, dict[str, Any]]:
    case = oulunkaari(http)
    practice = draft(http, case.initiative_id, internal_notes=NOTE, **REST)
    return case, command(http, practice["id"], "publish")


# ---- drafting ------------------------------------------------------------------------


def test_a_draft_is_prefilled_from_the_initiative_with_201_location_and_etag(client: httpx.Client) -> None:
    case = oulunkaari(client)
    initiative = client.get(f"/api/initiatives/{case.initiative_id}").json()
    response = client.post(
        f"/api/initiatives/{case.initiative_id}/good-practices", json={"region": "Pohjois-Pohjanmaa"}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/api/good-practices/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert (body["status"], body["version"], body["published_version"]) == ("draft", 1, None)
    assert body["initiative"] == {"id": case.initiative_id, "name": OULUNKAARI_MODEL}
    assert body["organisation"] == {"id": case.organisation_id, "name": OULUNKAARI}
    fields = body["fields"]
    assert fields["name"] == OULUNKAARI_MODEL
    assert fields["short_description"] == LEAD
    assert fields["where_implemented"] == f"{OULUNKAARI}, Soten kehittämistiimi"
    assert fields["basic_idea"] == f"{LEAD}\n\n{ARENAS}\n\n- {GOALS[0]}\n- {GOALS[1]}"
    assert fields["target_group_and_customer_understanding"] == "Työikäiset"
    assert fields["conditions_for_adoption"] == f"- {EXPERIMENT}: {LEARNING}"
    results = fields["evaluation_results"]
    assert results.startswith(EVALUATION["worked"]) and results.endswith(EVALUATION["did_not_work"])
    assert "Hyvät ideat jaetaan" in results and "Mielekäs työpaikka" in results
    assert fields["tips_for_adopters"] == EVALUATION["lessons"]
    assert fields["development_phase"] == "being_developed", "the initiative is in progress"
    assert (fields["topics"], fields["target_groups"]) == (["Kuntayhtymä", "Järjestäminen"], ["Työikäiset"])
    assert (fields["region"], fields["funder"]) == ("Pohjois-Pohjanmaa", ""), (
        "the body overrides; funder blank"
    )
    assert body["missing_for_publishing"] == ["operating_environment"]
    assert body["versions"] == [] and body["has_unpublished_changes"] is False
    assert body["links"]["initiative"] == f"/api/initiatives/{case.initiative_id}"

    read = client.get(response.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    assert read.json()["fields"] == fields
    [entry] = history(client, f"/api/good-practices/{body['id']}")
    assert (entry["record_type"], entry["event_type"], entry["record_title"]) == (
        "good_practice",
        "Drafted",
        OULUNKAARI_MODEL,
    )
    changes = {c["field"]: c["new"] for c in entry["changes"]}
    assert changes["initiative_id"] == case.initiative_id and changes["status"] == "draft"
    assert changes["region"] == "Pohjois-Pohjanmaa" and "funder" not in changes
    listed = client.get("/api/good-practices", params={"initiative_id": case.initiative_id}).json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]
    assert initiative["version"] == client.get(f"/api/initiatives/{case.initiative_id}").json()["version"], (
        "drafting a practice changes nothing on the initiative"
    )


def test_body_overrides_replace_the_prefill_and_a_bare_post_needs_no_body(client: httpx.Client) -> None:
    case = oulunkaari(client)
    overridden = draft(
        client,
        case.initiative_id,
        name="Kehittäjäopas",
        basic_idea="Oma perusidea.",
        development_phase="spread",
        topics=[" Järjestäminen ", "järjestäminen"],
        internal_notes=NOTE,
    )
    fields = overridden["fields"]
    assert (fields["name"], fields["basic_idea"], fields["development_phase"]) == (
        "Kehittäjäopas",
        "Oma perusidea.",
        "spread",
    )
    assert fields["topics"] == ["Järjestäminen"] and fields["internal_notes"] == NOTE
    assert fields["short_description"] == LEAD, "what the body leaves out stays pre-filled"
    bare = client.post(f"/api/initiatives/{case.initiative_id}/good-practices")
    assert bare.status_code == 201, bare.text
    assert bare.json()["fields"]["name"] == OULUNKAARI_MODEL


def test_an_initiative_with_only_a_title_drafts_a_sparse_practice(client: httpx.Client) -> None:
    initiative = propose(client, "Hyvät käytännöt jakoon")
    body = draft(client, initiative["id"])
    assert body["fields"]["name"] == "Hyvät käytännöt jakoon"
    assert body["fields"]["development_phase"] == "idea"
    assert body["organisation"] is None
    assert "where_implemented" in body["missing_for_publishing"]


def test_drafting_from_an_unknown_initiative_is_404_and_records_nothing(client: httpx.Client) -> None:
    with nothing_recorded(client, "/api/good-practices"):
        refused = client.post(f"/api/initiatives/{UNKNOWN}/good-practices", json={"name": "x"})
    problem = assert_problem(refused, 404)
    assert problem["detail"] == f"There is no initiative with id {UNKNOWN}."


def test_refused_drafts_are_422_and_record_nothing(client: httpx.Client) -> None:
    initiative = propose(client, OULUNKAARI_MODEL)
    url = f"/api/initiatives/{initiative['id']}/good-practices"
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"colour": "punainen"}, "colour", None),
        ({"development_phase": "valmis"}, "development_phase", None),
        ({"basic_idea": "x" * 20_001}, "basic_idea", "the limit is 20000"),
        ({"name": "x" * 201}, "name", "the limit is 200"),
        ({"name": "  "}, "name", "name is required and cannot be blank."),
        ({"funder": "Ei\x00"}, "funder", "control character"),
        ({"topics": ["x" * 101]}, "topics", "the limit is 100"),
        ({"topics": "Kuntayhtymä"}, "topics", None),
    ]
    for body, field, detail in cases:
        with nothing_recorded(client, "/api/good-practices"):
            refused = client.post(url, json=body)
        problem = assert_problem(refused, 422, field=field)
        if detail is not None:
            assert detail in problem["detail"], problem["detail"]


def test_a_retried_draft_with_an_idempotency_key_is_recorded_once(client: httpx.Client) -> None:
    initiative = propose(client, OULUNKAARI_MODEL)
    url = f"/api/initiatives/{initiative['id']}/good-practices"
    key = {"Idempotency-Key": "oulunkaari-practice-1"}
    first = client.post(url, json={"region": "Pohjois-Pohjanmaa"}, headers=key)
    assert first.status_code == 201, first.text
    events = len(all_events(client))
    again = client.post(url, json={"region": "Pohjois-Pohjanmaa"}, headers=key)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert len(all_events(client)) == events
    drafted = [e for e in all_events(client) if e["topic"] == "kipina:GoodPractice.Drafted"]
    assert len(drafted) == 1
    assert len(client.get("/api/good-practices").json()["items"]) == 1
    with nothing_recorded(client, "/api/good-practices"):
        reused = client.post(url, json={"region": "Uusimaa"}, headers=key)
    assert_problem(reused, 422, field="Idempotency-Key")


# ---- editing -------------------------------------------------------------------------


def test_edit_with_if_match_records_only_the_changes(client: httpx.Client) -> None:
    case = oulunkaari(client)
    practice = draft(client, case.initiative_id)
    edited = edit(client, practice, funder="Ei erillisrahoitusta", name=OULUNKAARI_MODEL)
    assert edited["version"] == 2 and edited["fields"]["funder"] == "Ei erillisrahoitusta"
    entry = history(client, f"/api/good-practices/{practice['id']}")[-1]
    assert entry["event_type"] == "Edited"
    assert [(c["field"], c["old"], c["new"]) for c in entry["changes"]] == [
        ("funder", "", "Ei erillisrahoitusta")
    ]
    same = client.patch(f"/api/good-practices/{practice['id']}", json={"funder": "Ei erillisrahoitusta"})
    assert same.status_code == 200 and same.json()["version"] == 2, "nothing changed, nothing recorded"


def test_a_stale_if_match_is_412_and_unknown_practices_are_404(client: httpx.Client) -> None:
    case = oulunkaari(client)
    practice = draft(client, case.initiative_id)
    edit(client, practice, region="Pohjois-Pohjanmaa")
    with nothing_recorded(client, *paths(practice["id"])):
        stale = client.patch(
            f"/api/good-practices/{practice['id']}", json={"region": "Oulu"}, headers={"If-Match": '"1"'}
        )
    problem = assert_problem(stale, 412)
    assert problem["current_version"] == 2
    assert "good practice" in problem["detail"]
    sentence = f"There is no good practice with id {UNKNOWN}."
    with nothing_recorded(client):
        for response in (
            client.patch(f"/api/good-practices/{UNKNOWN}", json={"region": "Oulu"}),
            client.post(f"/api/good-practices/{UNKNOWN}/publish"),
            client.post(f"/api/good-practices/{UNKNOWN}/retract", json={"reason": "Vanha"}),
            client.get(f"/api/good-practices/{UNKNOWN}"),
            client.get(f"/api/good-practices/{UNKNOWN}/versions"),
            client.get(f"/api/good-practices/{UNKNOWN}/versions/1"),
            client.get(f"/api/good-practices/{UNKNOWN}/history"),
        ):
            assert assert_problem(response, 404)["detail"] == sentence
        # An id of another kind of record is no good practice either.
        assert_problem(client.get(f"/api/good-practices/{case.initiative_id}/history"), 404)


# ---- publishing ----------------------------------------------------------------------


def test_publishing_records_version_1_with_its_source(client: httpx.Client) -> None:
    case = oulunkaari(client)
    practice = draft(client, case.initiative_id, internal_notes=NOTE, **REST)
    assert practice["missing_for_publishing"] == []
    initiative = client.get(f"/api/initiatives/{case.initiative_id}").json()
    last_initiative_position = history(client, f"/api/initiatives/{case.initiative_id}")[-1]["position"]
    drafted_position = history(client, f"/api/good-practices/{practice['id']}")[-1]["position"]

    body = command(client, practice["id"], "publish")

    assert (body["status"], body["published_version"], body["has_unpublished_changes"]) == (
        "published",
        1,
        False,
    )
    [version] = body["versions"]
    assert version["version"] == 1 and version["name"] == OULUNKAARI_MODEL
    assert version["retraction"] is None and version["published_by"]["name"]
    source = version["source"]
    assert source["initiative_id"] == case.initiative_id
    assert source["initiative_version"] == initiative["version"]
    assert source["position"] >= last_initiative_position
    assert source["position"] >= drafted_position, "everything recorded before the publish"
    entry = history(client, f"/api/good-practices/{practice['id']}")[-1]
    assert entry["event_type"] == "Published" and entry["position"] > source["position"]
    changes = {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}
    assert changes["published_version"] == (None, 1) and changes["status"] == ("draft", "published")

    read = client.get(f"/api/good-practices/{practice['id']}/versions/1")
    assert read.status_code == 200, read.text
    snapshot = read.json()
    assert snapshot["fields"]["name"] == OULUNKAARI_MODEL and snapshot["source"] == source
    assert "internal_notes" not in snapshot["fields"] and NOTE not in read.text
    assert client.get(f"/api/good-practices/{practice['id']}/versions").json() == body["versions"]


def test_publishing_with_blank_required_fields_lists_each_one_and_records_nothing(
    client: httpx.Client,
) -> None:
    initiative = propose(client, "Hyvät käytännöt jakoon")
    practice = draft(client, initiative["id"], basic_idea="Päätösseminaari 11.4.2019.")
    missing = [
        "short_description",
        "where_implemented",
        "operating_environment",
        "target_group_and_customer_understanding",
        "conditions_for_adoption",
        "evaluation_results",
        "tips_for_adopters",
    ]
    assert practice["missing_for_publishing"] == missing
    with nothing_recorded(client, *paths(practice["id"])):
        refused = client.post(f"/api/good-practices/{practice['id']}/publish")
    problem = assert_problem(refused, 422)
    assert [p["field"] for p in problem["invalid_params"]] == [f"body.{name}" for name in missing]
    assert all(
        p["message"] == f"{name} is required before the good practice can be published."
        for p, name in zip(problem["invalid_params"], missing, strict=True)
    )


def test_publishing_unchanged_is_409_and_an_edit_makes_version_2(client: httpx.Client) -> None:
    _, practice = published_practice(client)
    old_tips = practice["fields"]["tips_for_adopters"]
    with nothing_recorded(client, *paths(practice["id"])):
        again = client.post(f"/api/good-practices/{practice['id']}/publish")
    assert "Version 1 already holds exactly this text" in assert_problem(again, 409)["detail"]

    edited = edit(client, practice, tips_for_adopters="Aloita kehittäjäoppaasta.")
    assert edited["has_unpublished_changes"] is True and edited["published_version"] == 1
    public = client.get(f"/api/public/good-practices/{practice['id']}").json()
    assert public["fields"]["tips_for_adopters"] == old_tips, "the public sees version 1 until publishing"
    revised = command(client, practice["id"], "publish")
    assert revised["published_version"] == 2 and [v["version"] for v in revised["versions"]] == [1, 2]
    assert history(client, f"/api/good-practices/{practice['id']}")[-1]["event_type"] == "Revised"

    first = client.get(f"/api/good-practices/{practice['id']}/versions/1").json()
    second = client.get(f"/api/good-practices/{practice['id']}/versions/2").json()
    assert first["fields"]["tips_for_adopters"] == old_tips, "version 1 keeps its text"
    assert second["fields"]["tips_for_adopters"] == "Aloita kehittäjäoppaasta."
    assert second["source"]["position"] > first["source"]["position"]
    public = client.get(f"/api/public/good-practices/{practice['id']}").json()
    assert (public["version"], public["fields"]["tips_for_adopters"]) == (2, "Aloita kehittäjäoppaasta.")

    missing = client.get(f"/api/good-practices/{practice['id']}/versions/99")
    assert "has no published version 99" in assert_problem(missing, 404)["detail"]
    assert_problem(client.get(f"/api/good-practices/{practice['id']}/versions/0"), 422)


def test_a_change_on_the_initiative_allows_a_revision_with_the_same_text(client: httpx.Client) -> None:
    case, practice = published_practice(client)
    patched = client.patch(
        f"/api/initiatives/{case.initiative_id}", json={"target_group": "Työikäiset ja esimiehet"}
    )
    assert patched.status_code == 200, patched.text
    revised = command(client, practice["id"], "publish")
    assert revised["published_version"] == 2
    first, second = revised["versions"]
    assert second["source"]["initiative_version"] == first["source"]["initiative_version"] + 1


# ---- retracting ----------------------------------------------------------------------


def test_retract_needs_a_reason_happens_once_and_publishing_again_is_the_next_version(
    client: httpx.Client,
) -> None:
    _, practice = published_practice(client)
    edit(client, practice, funder="Oulunkaari")
    revised = command(client, practice["id"], "publish")
    assert revised["published_version"] == 2
    url = f"/api/good-practices/{practice['id']}/retract"
    for body in ({}, {"reason": "  "}, None):
        with nothing_recorded(client, *paths(practice["id"])):
            assert_problem(client.post(url, json=body), 422, field="reason" if body is not None else None)

    retracted = command(client, practice["id"], "retract", {"reason": "Toimintamalli korvattu uudella."})
    assert (retracted["status"], retracted["retracted_reason"]) == (
        "retracted",
        "Toimintamalli korvattu uudella.",
    )
    assert retracted["versions"][-1]["retraction"]["reason"] == "Toimintamalli korvattu uudella."
    assert retracted["versions"][0]["retraction"] is None
    with nothing_recorded(client, *paths(practice["id"])):
        twice = client.post(url, json={"reason": "Taas"})
    assert "already retracted" in assert_problem(twice, 409)["detail"]

    again = command(client, practice["id"], "publish")
    assert (again["status"], again["published_version"], again["retracted_reason"]) == ("published", 3, "")
    assert [e["event_type"] for e in history(client, f"/api/good-practices/{practice['id']}")] == [
        "Drafted",
        "Published",
        "Edited",
        "Revised",
        "Retracted",
        "Revised",
    ]


def test_a_draft_cannot_be_retracted(client: httpx.Client) -> None:
    case = oulunkaari(client)
    practice = draft(client, case.initiative_id)
    with nothing_recorded(client, *paths(practice["id"])):
        refused = client.post(f"/api/good-practices/{practice['id']}/retract", json={"reason": "Vanha"})
    assert "has not been published" in assert_problem(refused, 409)["detail"]


def test_history_shows_every_step_field_by_field(client: httpx.Client) -> None:
    _, practice = published_practice(client)
    edit(client, practice, region="Oulun seutu")
    command(client, practice["id"], "publish")
    command(client, practice["id"], "retract", {"reason": "Päivitetään."})
    entries = history(client, f"/api/good-practices/{practice['id']}")
    assert [e["event_type"] for e in entries] == ["Drafted", "Published", "Edited", "Revised", "Retracted"]
    assert [e["version"] for e in entries] == [1, 2, 3, 4, 5]
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions)
    changes = [{c["field"]: (c["old"], c["new"]) for c in e["changes"]} for e in entries]
    assert changes[0]["internal_notes"] == (None, NOTE), "signed-in history shows the working copy"
    assert changes[2] == {"region": ("Pohjois-Pohjanmaa", "Oulun seutu")}
    assert changes[3]["published_version"] == (1, 2)
    assert changes[4] == {"status": ("published", "retracted"), "retracted_reason": (None, "Päivitetään.")}


# ---- the catalogue -------------------------------------------------------------------


def test_catalogue_filters_paging_and_as_of(client: httpx.Client) -> None:
    case, oulu = published_practice(client)  # being_developed, Kuntayhtymä, Työikäiset
    vihti = register_organisation(client, "Vihdin kunta", "municipality")
    project = propose(
        client,
        "Kotihoidon aamukäyntien porrastus",
        summary="Päivätoiminnan ja kotihoidon aamut porrastetaan Lean-menetelmällä.",
        organisation_id=vihti.id,
        themes=["Lean", "kotihoito"],
        target_group="Ikäihmiset",
    )
    move(client, project["id"], "plan")
    porrastus = draft(client, project["id"], development_phase="spread")
    moment = history(client, f"/api/good-practices/{porrastus['id']}")[-1]["recorded_at"]
    tiimi = draft(
        client,
        project["id"],
        name="Tiimipalaverit",
        short_description="Viikoittaiset tiimipalaverit.",
        basic_idea="Tiimi sopii viikon työt yhdessä.",
        topics=["Johtaminen"],
        target_groups=[],
    )

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/good-practices", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    everything = [tiimi["id"], porrastus["id"], oulu["id"]]
    assert ids() == everything, "newest first"
    assert ids(q="PÄIVÄTOIMINNAN") == [porrastus["id"]], "casefolded, ä included"
    assert ids(q="päivätoiminnan lean") == [porrastus["id"]], "every word must match"
    assert ids(q="kädenjälkitunnukset") == [oulu["id"]]
    assert ids(q=NOTE) == [], "internal notes are not searched"
    assert ids(topic="kuntayhtymä") == [oulu["id"]], "a topic matches case-insensitively"
    assert ids(topic="Kunta") == [], "a topic matches whole"
    assert ids(topic="LEAN") == [porrastus["id"]]
    assert ids(target_group="Ikäihmiset") == [porrastus["id"]]
    assert ids(organisation_id=case.organisation_id) == [oulu["id"]]
    assert ids(organisation_id=vihti.id) == [tiimi["id"], porrastus["id"]]
    assert ids(phase="spread") == [porrastus["id"]]
    assert ids(phase="being_developed") == [oulu["id"]]
    assert ids(status="published") == [oulu["id"]]
    assert ids(status="draft") == [tiimi["id"], porrastus["id"]]
    assert ids(initiative_id=project["id"]) == [tiimi["id"], porrastus["id"]]
    assert ids(initiative_id=project["id"], topic="Johtaminen") == [tiimi["id"]]
    assert ids(as_of=moment) == [porrastus["id"], oulu["id"]]

    page = client.get("/api/good-practices", params={"limit": 2}).json()
    assert [p["id"] for p in page["items"]] == everything[:2] and page["next_cursor"]
    rest = client.get("/api/good-practices", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [p["id"] for p in rest["items"]] == [oulu["id"]] and rest["next_cursor"] is None
    summary = rest["items"][0]
    assert summary["organisation"] == {"id": case.organisation_id, "name": OULUNKAARI}
    assert summary["published_version"] == 1 and summary["status"] == "published"
    assert_problem(client.get("/api/good-practices", params={"cursor": "nonsense"}), 400)
    assert_problem(client.get("/api/good-practices", params={"phase": "valmis"}), 422)
    assert_problem(client.get("/api/good-practices", params={"status": "hidden"}), 422)


def test_the_catalogue_finds_the_working_copy_or_the_newest_version_not_an_older_one(
    client: httpx.Client,
) -> None:
    _, practice = published_practice(client)
    edit(client, practice, funder="Sosiaalitaito")
    assert [
        p["id"] for p in client.get("/api/good-practices", params={"q": "erillisrahoitusta"}).json()["items"]
    ] == [practice["id"]], "version 1 is still the published text"
    command(client, practice["id"], "publish")

    def ids(q: str) -> list[str]:
        return [p["id"] for p in client.get("/api/good-practices", params={"q": q}).json()["items"]]

    assert ids("sosiaalitaito") == [practice["id"]]
    assert ids("erillisrahoitusta") == [], "neither the working copy nor the published version says it now"


def test_a_practice_as_of_an_earlier_moment(client: httpx.Client) -> None:
    _, practice = published_practice(client)
    moment = history(client, f"/api/good-practices/{practice['id']}")[-1]["recorded_at"]
    edit(client, practice, name="Kehittäminen kuuluu meille kaikille")
    command(client, practice["id"], "publish")
    now = client.get(f"/api/good-practices/{practice['id']}").json()
    then = client.get(f"/api/good-practices/{practice['id']}", params={"as_of": moment})
    assert then.status_code == 200, then.text
    body = then.json()
    assert (body["name"], body["published_version"], body["as_of"] is not None) == (OULUNKAARI_MODEL, 1, True)
    assert [v["version"] for v in body["versions"]] == [1]
    assert (now["name"], now["published_version"]) == ("Kehittäminen kuuluu meille kaikille", 2)
    versions = client.get(f"/api/good-practices/{practice['id']}/versions", params={"as_of": moment}).json()
    assert [v["version"] for v in versions] == [1]
    later = client.get(f"/api/good-practices/{practice['id']}/versions/2", params={"as_of": moment})
    assert_problem(later, 404)
    before = client.get(f"/api/good-practices/{practice['id']}", params={"as_of": "2000-01-01T00:00:00Z"})
    assert_problem(before, 404)


# ---- the public catalogue ------------------------------------------------------------


@pytest.fixture
def proxy_http(store: Settings) -> Iterator[httpx.Client]:
    with proxy_mode_http(store) as http:
        yield http


def public_texts(http: httpx.Client, practice_id: str) -> list[str]:
    """Every public response about the published practice, as text, with no sign-in."""
    texts = []
    for path in (
        "/api/public/good-practices",
        f"/api/public/good-practices/{practice_id}",
        "/api/public/good-practices?q=sisäinen",
    ):
        response = http.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
        texts.append(response.text)
    return texts


def test_the_public_catalogue_needs_no_sign_in_and_shows_only_published_text(
    proxy_http: httpx.Client,
) -> None:
    maija = as_user("maija")
    case = oulunkaari(proxy_http, maija)
    url = f"/api/initiatives/{case.initiative_id}/good-practices"
    created = proxy_http.post(url, json={"internal_notes": NOTE, **REST}, headers=maija)
    assert created.status_code == 201, created.text
    practice_id = created.json()["id"]
    hidden_draft = proxy_http.post(url, json={"name": "Keskeneräinen luonnos"}, headers=maija)
    assert hidden_draft.status_code == 201

    assert_problem(proxy_http.get("/api/good-practices"), 401, slug="unauthenticated")
    assert_problem(proxy_http.get(f"/api/good-practices/{practice_id}"), 401, slug="unauthenticated")
    listed = proxy_http.get("/api/public/good-practices")
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"items": [], "next_cursor": None}, "a draft is never public"
    assert_problem(proxy_http.get(f"/api/public/good-practices/{practice_id}"), 404)

    published = proxy_http.post(f"/api/good-practices/{practice_id}/publish", headers=maija)
    assert published.status_code == 200, published.text
    edited = proxy_http.patch(
        f"/api/good-practices/{practice_id}",
        json={"basic_idea": f"Luonnos: {NOTE}", "name": "Uusi nimi, ei julkaistu"},
        headers=maija,
    )
    assert edited.status_code == 200, edited.text

    items = proxy_http.get("/api/public/good-practices").json()["items"]
    assert [p["id"] for p in items] == [practice_id], "only the published practice, not the other draft"
    [public] = items
    assert public["version"] == 1 and public["organisation"] == OULUNKAARI
    assert public["fields"]["name"] == OULUNKAARI_MODEL and public["fields"]["basic_idea"].startswith(LEAD)
    assert "internal_notes" not in public["fields"]
    assert set(public) == {"id", "version", "published_at", "organisation", "fields", "links"}
    single = proxy_http.get(f"/api/public/good-practices/{practice_id}")
    assert single.status_code == 200 and single.json() == public
    for text in public_texts(proxy_http, practice_id):
        assert NOTE not in text and "Uusi nimi" not in text and "Keskeneräinen" not in text
        assert "maija" not in text, "no people in the public catalogue"
    assert proxy_http.get("/api/public/good-practices", params={"q": "uusi nimi"}).json()["items"] == []
    found = proxy_http.get(
        "/api/public/good-practices", params={"q": "KÄDENJÄLKITUNNUKSET", "topic": "kuntayhtymä"}
    )
    assert [p["id"] for p in found.json()["items"]] == [practice_id]


def test_a_retracted_practice_leaves_the_public_catalogue_until_published_again(
    proxy_http: httpx.Client,
) -> None:
    maija = as_user("maija")
    case = oulunkaari(proxy_http, maija)
    created = proxy_http.post(
        f"/api/initiatives/{case.initiative_id}/good-practices", json=REST, headers=maija
    )
    practice_id = created.json()["id"]
    publish = f"/api/good-practices/{practice_id}/publish"
    assert proxy_http.post(publish, headers=maija).status_code == 200
    assert [p["id"] for p in proxy_http.get("/api/public/good-practices").json()["items"]] == [practice_id]

    retracted = proxy_http.post(
        f"/api/good-practices/{practice_id}/retract", json={"reason": "Vanhentunut."}, headers=maija
    )
    assert retracted.status_code == 200, retracted.text
    assert proxy_http.get("/api/public/good-practices").json()["items"] == []
    gone = proxy_http.get(f"/api/public/good-practices/{practice_id}")
    assert (
        f"There is no published good practice with id {practice_id}." == assert_problem(gone, 404)["detail"]
    )

    again = proxy_http.post(publish, headers=maija)
    assert again.status_code == 200, again.text
    [back] = proxy_http.get("/api/public/good-practices").json()["items"]
    assert (back["id"], back["version"]) == (practice_id, 2)
    assert proxy_http.get(f"/api/public/good-practices/{practice_id}").json()["version"] == 2


def test_the_public_catalogue_pages_newest_published_first(client: httpx.Client) -> None:
    case = oulunkaari(client)
    ids = []
    for name in ("Ensimmäinen", "Toinen", "Kolmas"):
        practice = draft(client, case.initiative_id, name=name, **REST)
        ids.append(command(client, practice["id"], "publish")["id"])
    page = client.get("/api/public/good-practices", params={"limit": 2}).json()
    assert [p["id"] for p in page["items"]] == [ids[2], ids[1]]
    rest = client.get("/api/public/good-practices", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [p["id"] for p in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    assert_problem(client.get("/api/public/good-practices", params={"cursor": "nonsense"}), 400)
    phase = client.get("/api/public/good-practices", params={"phase": "ready"}).json()
    assert phase["items"] == []
    org = client.get("/api/public/good-practices", params={"organisation_id": case.organisation_id}).json()
    assert len(org["items"]) == 3


def test_every_link_a_public_practice_gives_works_without_sign_in_and_hides_the_notes(
    proxy_http: httpx.Client,
) -> None:
    maija = as_user("maija")
    case = oulunkaari(proxy_http, maija)
    created = proxy_http.post(
        f"/api/initiatives/{case.initiative_id}/good-practices",
        json={"internal_notes": NOTE, **REST},
        headers=maija,
    )
    practice_id = created.json()["id"]
    assert proxy_http.post(f"/api/good-practices/{practice_id}/publish", headers=maija).status_code == 200
    edited = proxy_http.patch(
        f"/api/good-practices/{practice_id}", json={"basic_idea": f"Luonnos: {NOTE}"}, headers=maija
    )
    assert edited.status_code == 200, edited.text

    public = proxy_http.get(f"/api/public/good-practices/{practice_id}").json()
    assert public["links"]["self"] == f"/api/public/good-practices/{practice_id}"
    for name, link in public["links"].items():
        response = proxy_http.get(link)
        assert response.status_code == 200, f"{name} {link}: {response.status_code} {response.text[:200]}"
        assert NOTE not in response.text and "Luonnos:" not in response.text, name
