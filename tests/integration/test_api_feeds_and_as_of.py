"""The recorded-time view (`?as_of=`), the raw event feed and the activity feed,
over real HTTP on both stores.

The moments come from the `recorded_at` of history entries, so each as-of read
lands between two known changes without waiting for the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from tests.integration.api_helpers import (
    HEINAVESI,
    HEINAVESI_TARGETS,
    OULUNKAARI_MODEL,
    all_events,
    assert_problem,
    history,
    move,
    propose,
    register_heinavesi,
    register_organisation,
)

FINNISH_SUMMER_TIME = timezone(timedelta(hours=3))


def moment(entry: dict[str, Any], *, shift: timedelta = timedelta(0)) -> str:
    """An entry's recorded time, written with a Finnish offset (same instant)."""
    return (datetime.fromisoformat(entry["recorded_at"]) + shift).astimezone(FINNISH_SUMMER_TIME).isoformat()


def test_one_initiative_as_of_a_moment_between_two_changes(http: httpx.Client) -> None:
    initiative = propose(http, "Työkierto", summary="Opas tekeillä")
    path = f"/api/initiatives/{initiative['id']}"
    http.patch(path, json={"title": HEINAVESI_TARGETS[1]})
    http.post(f"{path}/notes", json={"text": "Opas työnkiertoon luonnosteltu", "occurred_on": "2011-11-30"})
    move(http, initiative["id"], "plan")
    proposed, edited, noted, planned = history(http, path)

    then = http.get(path, params={"as_of": moment(proposed)})
    assert then.status_code == 200
    assert then.headers["ETag"] == '"1"'
    body = then.json()
    assert (body["title"], body["status"], body["version"]) == ("Työkierto", "proposed", 1)
    assert body["notes"] == [] and body["notes_count"] == 0
    assert datetime.fromisoformat(body["as_of"]) == datetime.fromisoformat(proposed["recorded_at"])

    after_edit = http.get(path, params={"as_of": moment(edited)}).json()
    assert (after_edit["title"], after_edit["version"]) == ("Tavoitteellinen työkierto", 2)

    after_note = http.get(path, params={"as_of": moment(noted)}).json()
    assert [n["text"] for n in after_note["notes"]] == ["Opas työnkiertoon luonnosteltu"]
    assert after_note["status"] == "proposed"

    now = http.get(path).json()
    assert (now["status"], now["version"], now["as_of"]) == ("planned", 4, None)
    assert planned["version"] == 4


def test_as_of_before_the_record_existed(http: httpx.Client) -> None:
    first = propose(http, HEINAVESI_TARGETS[0])
    second = propose(http, HEINAVESI_TARGETS[2])
    [proposed] = history(http, f"/api/initiatives/{second['id']}")
    just_before = moment(proposed, shift=-timedelta(microseconds=1))

    missing = http.get(f"/api/initiatives/{second['id']}", params={"as_of": just_before})
    body = assert_problem(missing, 404, slug="not-found")
    assert "as of" in body["detail"]
    assert (
        http.get(f"/api/initiatives/{second['id']}/history", params={"as_of": just_before}).status_code == 404
    )

    listed = http.get("/api/initiatives", params={"as_of": just_before}).json()
    assert [i["id"] for i in listed["items"]] == [first["id"]]
    assert listed["as_of"] is not None

    long_ago = http.get("/api/initiatives", params={"as_of": "2012-01-01T08:00:00+02:00"}).json()
    assert long_ago["items"] == []


def test_the_list_as_of_a_moment_shows_each_initiative_as_it_was(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    clarify = propose(http, HEINAVESI_TARGETS[0], organisation_id=heinavesi.id, themes=["Perustehtävä"])
    move(http, clarify["id"], "plan")
    [_, planned] = history(http, f"/api/initiatives/{clarify['id']}")
    rotation = propose(http, HEINAVESI_TARGETS[1], organisation_id=heinavesi.id)
    move(http, clarify["id"], "start")
    http.patch(f"/api/initiatives/{clarify['id']}", json={"themes": ["Laatukäsikirja"]})

    then = {"as_of": moment(planned)}
    page = http.get("/api/initiatives", params=then).json()
    assert [(i["id"], i["status"], i["version"]) for i in page["items"]] == [(clarify["id"], "planned", 2)]
    assert [
        i["id"] for i in http.get("/api/initiatives", params={**then, "status": "planned"}).json()["items"]
    ] == [clarify["id"]]
    assert http.get("/api/initiatives", params={**then, "status": "in_progress"}).json()["items"] == []
    by_theme = http.get("/api/initiatives", params={**then, "theme": "perustehtävä"}).json()["items"]
    assert [i["id"] for i in by_theme] == [clarify["id"]], "filters apply to the state as it was"

    now = {i["id"]: i for i in http.get("/api/initiatives").json()["items"]}
    assert set(now) == {clarify["id"], rotation["id"]}
    assert now[clarify["id"]]["status"] == "in_progress"
    assert http.get("/api/initiatives", params={"theme": "perustehtävä"}).json()["items"] == []


def test_history_as_of_a_moment_ends_there(http: httpx.Client) -> None:
    initiative = propose(http, OULUNKAARI_MODEL)
    for verb in ("plan", "start", "evaluate"):
        move(http, initiative["id"], verb)
    path = f"/api/initiatives/{initiative['id']}"
    entries = history(http, path)

    cut = history(http, path, as_of=moment(entries[1]))
    assert cut == entries[:2]


def test_organisations_as_of_a_moment(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    org_path = f"/api/organisations/{heinavesi.id}"
    unit_id = heinavesi.units["Terveyskeskuksen vuodeosasto"]
    http.post(f"{org_path}/units/{unit_id}/rename", json={"name": "Akuuttiosasto"})
    oulunkaari = register_organisation(http, "Oulunkaaren kuntayhtymä", "joint_authority")
    registered, first_unit, *_, renamed = history(http, org_path)
    assert renamed["event_type"] == "UnitRenamed"

    before_rename = {"as_of": moment(renamed, shift=-timedelta(microseconds=1))}
    then = http.get(org_path, params=before_rename)
    assert then.status_code == 200
    assert {u["id"]: u["name"] for u in then.json()["units"]}[unit_id] == "Terveyskeskuksen vuodeosasto"
    assert {u["id"]: u["name"] for u in http.get(org_path).json()["units"]}[unit_id] == "Akuuttiosasto"

    only_one_unit = http.get(org_path, params={"as_of": moment(first_unit)}).json()
    assert [u["name"] for u in only_one_unit["units"]] == ["Kotihoito"]
    assert only_one_unit["version"] == 2

    listed = http.get("/api/organisations", params=before_rename).json()
    assert [o["name"] for o in listed] == [HEINAVESI], "Oulunkaari did not exist yet"
    assert [o["id"] for o in http.get("/api/organisations").json()] == [heinavesi.id, oulunkaari.id]

    too_early = http.get(org_path, params={"as_of": moment(registered, shift=-timedelta(seconds=1))})
    assert_problem(too_early, 404, slug="not-found")


def test_the_event_feed_pages_in_log_order(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    initiative = propose(http, HEINAVESI_TARGETS[0], organisation_id=heinavesi.id)
    move(http, initiative["id"], "plan")
    move(http, initiative["id"], "start")

    pages = []
    after = 0
    for _ in range(20):
        page = http.get("/api/events", params={"after": after, "limit": 3})
        assert page.status_code == 200
        body = page.json()
        pages.append(body["items"])
        if body["next_after"] is None:
            break
        assert body["next_after"] == body["items"][-1]["position"]
        after = body["next_after"]
    items = [item for page in pages for item in page]

    positions = [i["position"] for i in items]
    assert positions == sorted(set(positions)), "positions strictly increase, none repeats"
    assert all(len(page) <= 3 for page in pages)
    assert items == all_events(http)
    assert [i["topic"] for i in items] == [
        "kipina:Organisation.Registered",
        "kipina:Organisation.UnitAdded",
        "kipina:Organisation.UnitAdded",
        "kipina:Organisation.UnitAdded",
        "kipina:Initiative.Proposed",
        "kipina:Initiative.Planned",
        "kipina:Initiative.Started",
    ]
    proposed = items[4]
    assert proposed["record_id"] == initiative["id"] and proposed["version"] == 1
    assert proposed["data"]["title"] == "Perustehtävän kirkastaminen"
    assert proposed["data"]["organisation_id"] == heinavesi.id
    assert proposed["data"]["actor"] == items[0]["data"]["actor"], "one local actor, by id"
    assert datetime.fromisoformat(proposed["recorded_at"]).utcoffset() == timedelta(0)
    assert [i["version"] for i in items[4:]] == [1, 2, 3]

    rest = http.get("/api/events", params={"after": positions[-2]}).json()
    assert [i["position"] for i in rest["items"]] == [positions[-1]]
    assert rest["next_after"] is None
    assert http.get("/api/events", params={"after": positions[-1]}).json() == {
        "items": [],
        "next_after": None,
    }


def test_the_activity_feed_is_newest_first_with_paging_and_a_type_filter(http: httpx.Client) -> None:
    heinavesi = register_organisation(http, HEINAVESI, "municipality", ("Kotihoito",))
    initiative = propose(http, HEINAVESI_TARGETS[0])
    for verb in ("plan", "start"):
        move(http, initiative["id"], verb)

    everything = http.get("/api/activity").json()
    entries = everything["items"]
    assert [(e["record_type"], e["event_type"]) for e in entries] == [
        ("initiative", "Started"),
        ("initiative", "Planned"),
        ("initiative", "Proposed"),
        ("organisation", "UnitAdded"),
        ("organisation", "Registered"),
    ]
    assert everything["next_before"] is None
    assert entries[0]["record_title"] == "Perustehtävän kirkastaminen"
    assert entries[-1]["record_id"] == heinavesi.id and entries[-1]["record_title"] == HEINAVESI
    assert all(e["actor"]["name"] == "Local user" for e in entries)

    paged: list[dict[str, Any]] = []
    before: int | None = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2}
        if before is not None:
            params["before"] = before
        page = http.get("/api/activity", params=params).json()
        paged.extend(page["items"])
        before = page["next_before"]
        if before is None:
            break
    assert paged == entries, "pages join up with no gap and no repeat"

    only_organisations = http.get("/api/activity", params={"record_type": "organisation"}).json()["items"]
    assert [e["event_type"] for e in only_organisations] == ["UnitAdded", "Registered"]
    only_initiatives = http.get("/api/activity", params={"record_type": "initiative", "limit": 1}).json()
    assert [e["event_type"] for e in only_initiatives["items"]] == ["Started"]
    assert only_initiatives["next_before"] == entries[0]["position"]

    as_of_proposed = http.get("/api/activity", params={"as_of": moment(entries[2])}).json()["items"]
    assert [e["event_type"] for e in as_of_proposed] == ["Proposed", "UnitAdded", "Registered"]
