"""Initiatives over real HTTP on both stores: create, lifecycle, edits, goals,
team, notes, one-record reads, history and the filtered, paginated list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.integration.api_helpers import (
    HEINAVESI_TARGETS,
    HEINAVESI_UNITS,
    OULUNKAARI,
    OULUNKAARI_MODEL,
    OULUNKAARI_SUMMARY,
    THREE_W_MUNICIPALITIES,
    history,
    move,
    propose,
    register_heinavesi,
    register_organisation,
    register_person,
)

LOCAL_USER = "Local user"


def recorded_at(entry: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(entry["recorded_at"])
    assert moment.utcoffset() == timedelta(0), "times are stored and shown in UTC"
    return moment


def changes_of(entry: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}


# ---- create ------------------------------------------------------------------------


def test_create_with_only_a_title(http: httpx.Client) -> None:
    started = datetime.now(UTC)
    created = http.post("/api/initiatives", json={"title": "  Perustehtävän kirkastaminen  "})

    assert created.status_code == 201
    body = created.json()
    assert created.headers["Location"] == f"/api/initiatives/{body['id']}"
    assert created.headers["ETag"] == '"1"'
    assert body["title"] == "Perustehtävän kirkastaminen", "the title is trimmed, Finnish letters kept"
    assert body["version"] == 1
    assert body["status"] == "proposed"
    assert body["allowed_moves"] == ["plan", "discontinue"]
    assert (body["organisation"], body["unit"], body["owner"]) == (None, None, None)
    assert (body["themes"], body["goals"], body["team"], body["notes"]) == ([], [], [], [])
    assert body["summary"] == "" and body["target_group"] == ""

    read = http.get(created.headers["Location"])
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json() == body, "the create response and the next read agree"

    [entry] = history(http, created.headers["Location"])
    assert entry["event_type"] == "Proposed"
    assert entry["version"] == 1
    assert entry["actor"]["name"] == LOCAL_USER
    assert entry["occurred_on"] is None
    assert started - timedelta(seconds=1) <= recorded_at(entry) <= datetime.now(UTC)
    assert changes_of(entry) == {
        "title": (None, "Perustehtävän kirkastaminen"),
        "status": (None, "proposed"),
    }


def test_create_with_every_field(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    owner = register_person(
        http,
        "Aino Äijälä",
        "aino.aijala@heinavesi.fi",
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Kotihoito"],
    )
    nurse = register_person(http, "Sanna Öhman")
    practical_nurse = register_person(http, "Jussi Ylönen")
    goals = [
        "Tehtäväkuvausten ja työnkuvien tarkistaminen ja selkeyttäminen",
        "Prosessikuvausten laatiminen",
    ]

    created = http.post(
        "/api/initiatives",
        json={
            "title": HEINAVESI_TARGETS[0],
            "summary": "Perustehtävän kirkastaminen tuo esiin mitä, miksi ja ketä varten työtä tehdään.",
            "organisation_id": heinavesi.id,
            "unit_id": heinavesi.units["Kotihoito"],
            "owner_id": owner["id"],
            "themes": ["Perustehtävä", "Laatukäsikirja", "perustehtävä"],
            "target_group": "Kotihoidon henkilöstö",
            "goals": goals,
            "team": [
                {"person_id": nurse["id"], "role": "sairaanhoitaja"},
                {"person_id": practical_nurse["id"], "role": "lähihoitaja"},
            ],
            "occurred_on": "2012-01-02",
        },
    )

    assert created.status_code == 201, created.text
    body = created.json()
    # Proposed, two GoalSet and two TeamMemberAdded, saved together.
    assert created.headers["ETag"] == '"5"' and body["version"] == 5
    assert body["organisation"] == {"id": heinavesi.id, "name": "Heinäveden kunta"}
    assert body["unit"] == {"id": heinavesi.units["Kotihoito"], "name": "Kotihoito"}
    assert body["owner"] == {"id": owner["id"], "name": "Aino Äijälä"}
    assert body["themes"] == ["Perustehtävä", "Laatukäsikirja"], "case-insensitive duplicates dropped"
    assert body["target_group"] == "Kotihoidon henkilöstö"
    assert [g["text"] for g in body["goals"]] == goals
    assert {(m["person"]["name"], m["role"]) for m in body["team"]} == {
        ("Sanna Öhman", "sairaanhoitaja"),
        ("Jussi Ylönen", "lähihoitaja"),
    }

    entries = history(http, created.headers["Location"])
    assert [e["event_type"] for e in entries] == [
        "Proposed",
        "GoalSet",
        "GoalSet",
        "TeamMemberAdded",
        "TeamMemberAdded",
    ]
    assert [e["version"] for e in entries] == [1, 2, 3, 4, 5]
    proposed = entries[0]
    assert proposed["occurred_on"] == "2012-01-02", "the back-dated start shows in the history"
    assert changes_of(proposed) == {
        "title": (None, HEINAVESI_TARGETS[0]),
        "summary": (None, body["summary"]),
        "organisation_id": (None, heinavesi.id),
        "unit_id": (None, heinavesi.units["Kotihoito"]),
        "owner_id": (None, owner["id"]),
        "themes": (None, ["Perustehtävä", "Laatukäsikirja"]),
        "target_group": (None, "Kotihoidon henkilöstö"),
        "status": (None, "proposed"),
    }
    goal_ids = [g["id"] for g in body["goals"]]
    assert [changes_of(e) for e in entries[1:3]] == [
        {f"goals.{goal_ids[0]}": (None, goals[0])},
        {f"goals.{goal_ids[1]}": (None, goals[1])},
    ]
    assert changes_of(entries[3]) == {f"team.{nurse['id']}": (None, "sairaanhoitaja")}
    assert all(e["actor"]["name"] == LOCAL_USER for e in entries)


# ---- lifecycle ---------------------------------------------------------------------


def test_full_lifecycle_from_proposed_to_spread(http: httpx.Client) -> None:
    initiative = propose(http, OULUNKAARI_MODEL, summary=OULUNKAARI_SUMMARY)
    path = f"/api/initiatives/{initiative['id']}"
    steps = [
        ("plan", {}, "planned", ["start", "pause", "discontinue"]),
        ("start", {}, "in_progress", ["evaluate", "pause", "discontinue"]),
        ("pause", {"reason": "Kesälomat"}, "paused", ["resume", "discontinue"]),
        ("resume", {}, "in_progress", ["evaluate", "pause", "discontinue"]),
        ("evaluate", {}, "evaluating", ["complete", "start", "pause", "discontinue"]),
        ("complete", {"occurred_on": "2016-03-16"}, "completed", ["spread"]),
        ("spread", {}, "spread", []),
    ]
    for version, (verb, body, status, allowed) in enumerate(steps, start=2):
        moved = http.post(f"{path}/{verb}", json=body or None)
        assert moved.status_code == 200, (verb, moved.text)
        assert moved.headers["ETag"] == f'"{version}"'
        state = moved.json()
        assert (state["status"], state["allowed_moves"], state["version"]) == (status, allowed, version)
        if verb == "pause":
            assert state["paused_from"] == "in_progress"
        else:
            assert state["paused_from"] is None
        read = http.get(path)
        assert read.json()["status"] == status and read.headers["ETag"] == f'"{version}"'

    entries = history(http, path)
    assert [e["event_type"] for e in entries] == [
        "Proposed",
        "Planned",
        "Started",
        "Paused",
        "Resumed",
        "EvaluationStarted",
        "Completed",
        "Spread",
    ]
    assert [changes_of(e)["status"] for e in entries[1:]] == [
        ("proposed", "planned"),
        ("planned", "in_progress"),
        ("in_progress", "paused"),
        ("paused", "in_progress"),
        ("in_progress", "evaluating"),
        ("evaluating", "completed"),
        ("completed", "spread"),
    ]
    assert changes_of(entries[3])["pause_reason"] == (None, "Kesälomat")
    assert entries[6]["occurred_on"] == "2016-03-16"
    assert [e["version"] for e in entries] == list(range(1, 9))
    times = [recorded_at(e) for e in entries]
    assert times == sorted(times)


def test_an_evaluation_can_send_the_work_back_and_pause_returns_to_where_it_was(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[1])
    for verb in ("plan", "start", "evaluate"):
        move(http, initiative["id"], verb)
    paused = move(http, initiative["id"], "pause")
    assert (paused["status"], paused["paused_from"]) == ("paused", "evaluating")
    resumed = move(http, initiative["id"], "resume")
    assert (resumed["status"], resumed["paused_from"]) == ("evaluating", None)
    again = move(http, initiative["id"], "start")
    assert again["status"] == "in_progress"


def test_discontinue_with_reason_and_lessons(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[2])
    move(http, initiative["id"], "plan")
    reason = "Ulkoiseen koulutukseen ei saatu rahoitusta talousarvioon 2012."
    lessons = "Osallistavat palaverit ja sisäiset koulutukset kannattaa aloittaa heti."

    state = move(
        http, initiative["id"], "discontinue", reason=reason, lessons=lessons, occurred_on="2012-06-30"
    )

    assert state["status"] == "discontinued"
    assert (state["discontinued_reason"], state["lessons"]) == (reason, lessons)
    assert state["allowed_moves"] == []
    last = history(http, f"/api/initiatives/{initiative['id']}")[-1]
    assert last["event_type"] == "Discontinued"
    assert last["occurred_on"] == "2012-06-30"
    assert changes_of(last) == {
        "status": ("planned", "discontinued"),
        "discontinued_reason": (None, reason),
        "lessons": (None, lessons),
    }


# ---- edits, goals, team, notes -----------------------------------------------------


def test_patch_with_if_match_changes_only_the_given_fields(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    owner = register_person(http, "Aino Äijälä")
    initiative = propose(http, "Työkierto", summary="Opas tekeillä")
    path = f"/api/initiatives/{initiative['id']}"
    etag = http.get(path).headers["ETag"]

    edited = http.patch(
        path,
        json={
            "title": HEINAVESI_TARGETS[1],
            "organisation_id": heinavesi.id,
            "unit_id": heinavesi.units["Terveyskeskuksen vuodeosasto"],
            "owner_id": owner["id"],
            "themes": ["Työkierto", "Perehdytys"],
        },
        headers={"If-Match": etag},
    )

    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    body = edited.json()
    assert body["title"] == "Tavoitteellinen työkierto"
    assert body["summary"] == "Opas tekeillä", "fields not sent are kept"
    assert body["unit"] == {"id": heinavesi.units["Terveyskeskuksen vuodeosasto"], "name": HEINAVESI_UNITS[1]}
    assert body["owner"]["name"] == "Aino Äijälä"
    assert http.get(path).json() == body

    last = history(http, path)[-1]
    assert last["event_type"] == "Edited"
    assert changes_of(last) == {
        "title": ("Työkierto", "Tavoitteellinen työkierto"),
        "organisation_id": (None, heinavesi.id),
        "unit_id": (None, heinavesi.units["Terveyskeskuksen vuodeosasto"]),
        "owner_id": (None, owner["id"]),
        "themes": ([], ["Työkierto", "Perehdytys"]),
    }

    # A PATCH that changes nothing records nothing.
    same = http.patch(path, json={"title": "Tavoitteellinen työkierto"}, headers={"If-Match": '"2"'})
    assert same.status_code == 200 and same.headers["ETag"] == '"2"'
    assert len(history(http, path)) == 2

    # null clears an optional reference; the If-Match "*" wildcard skips the version check.
    cleared = http.patch(path, json={"owner_id": None}, headers={"If-Match": "*"})
    assert cleared.status_code == 200
    assert cleared.json()["owner"] is None
    assert changes_of(history(http, path)[-1]) == {"owner_id": (owner["id"], None)}


def test_goals_are_added_reworded_and_removed(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[1])
    path = f"/api/initiatives/{initiative['id']}"

    added = http.post(f"{path}/goals", json={"text": "Opas työnkiertoon valmiiksi"})
    assert added.status_code == 200 and added.headers["ETag"] == '"2"'
    [goal] = added.json()["goals"]
    assert goal["text"] == "Opas työnkiertoon valmiiksi"

    reworded = http.put(f"{path}/goals/{goal['id']}", json={"text": "Opas työnkiertoon käyttöön"})
    assert reworded.status_code == 200
    assert reworded.json()["goals"] == [{"id": goal["id"], "text": "Opas työnkiertoon käyttöön"}]

    removed = http.delete(f"{path}/goals/{goal['id']}")
    assert removed.status_code == 200 and removed.headers["ETag"] == '"4"'
    assert removed.json()["goals"] == []

    entries = history(http, path)
    assert [e["event_type"] for e in entries[1:]] == ["GoalSet", "GoalSet", "GoalRemoved"]
    key = f"goals.{goal['id']}"
    assert [changes_of(e)[key] for e in entries[1:]] == [
        (None, "Opas työnkiertoon valmiiksi"),
        ("Opas työnkiertoon valmiiksi", "Opas työnkiertoon käyttöön"),
        ("Opas työnkiertoon käyttöön", None),
    ]


def test_team_members_are_added_and_removed(http: httpx.Client) -> None:
    mentor = register_person(http, "Eeva Kärkkäinen", "eeva.karkkainen@heinavesi.fi")
    initiative = propose(http, HEINAVESI_TARGETS[1])
    path = f"/api/initiatives/{initiative['id']}"

    added = http.post(f"{path}/team", json={"person_id": mentor["id"], "role": "mentori"})
    assert added.status_code == 200
    assert added.json()["team"] == [
        {"person": {"id": mentor["id"], "name": "Eeva Kärkkäinen"}, "role": "mentori"}
    ]

    removed = http.delete(f"{path}/team/{mentor['id']}")
    assert removed.status_code == 200
    assert removed.json()["team"] == []

    entries = history(http, path)
    assert [e["event_type"] for e in entries[1:]] == ["TeamMemberAdded", "TeamMemberRemoved"]
    key = f"team.{mentor['id']}"
    assert [changes_of(e)[key] for e in entries[1:]] == [(None, "mentori"), ("mentori", None)]


def test_a_back_dated_note_shows_when_it_happened_and_when_it_was_recorded(http: httpx.Client) -> None:
    initiative = propose(http, "Hyvät käytännöt jakoon")
    path = f"/api/initiatives/{initiative['id']}"
    text = "Päätösseminaarissa esiteltiin 30 hanketta Kirkkonummelta, Raaseporista, Vihdistä ja Karkkilasta."

    noted = http.post(f"{path}/notes", json={"text": text, "occurred_on": "2019-04-11"})
    today = http.post(f"{path}/notes", json={"text": "Jatketaan syksyllä."})

    assert noted.status_code == 200 and today.status_code == 200
    body = today.json()
    assert body["notes_count"] == 2
    first, second = body["notes"]
    assert (first["text"], first["occurred_on"]) == (text, "2019-04-11")
    assert first["author"]["name"] == LOCAL_USER
    assert second["occurred_on"] is None
    assert datetime.fromisoformat(first["recorded_at"]).date() > datetime(2019, 4, 11).date()

    entries = history(http, path)
    assert [(e["event_type"], e["occurred_on"]) for e in entries[1:]] == [
        ("NoteAdded", "2019-04-11"),
        ("NoteAdded", None),
    ]
    assert changes_of(entries[1]) == {"note": (None, text)}
    assert recorded_at(entries[1]).year >= 2024, "recorded time is when Kipinä learned it"


# ---- list, filter, search, paginate ------------------------------------------------


def ids(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text
    return [item["id"] for item in page.json()["items"]]


def test_list_filters_by_status_place_theme_owner_and_free_text(http: httpx.Client) -> None:
    heinavesi = register_heinavesi(http)
    oulunkaari = register_organisation(http, OULUNKAARI, "joint_authority", ("Kehittämistiimi",))
    aino = register_person(http, "Aino Äijälä")
    eeva = register_person(http, "Eeva Kärkkäinen")

    clarify = propose(
        http,
        HEINAVESI_TARGETS[0],
        summary="Tehtäväkuvausten ja työnkuvien tarkistaminen",
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Kotihoito"],
        owner_id=aino["id"],
        themes=["Lean", "Perustehtävä"],
    )
    rotation = propose(
        http,
        HEINAVESI_TARGETS[1],
        summary="Opas työnkiertoon",
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Terveyskeskuksen vuodeosasto"],
        owner_id=eeva["id"],
        themes=["Työkierto"],
    )
    skills = propose(
        http,
        HEINAVESI_TARGETS[2],
        organisation_id=heinavesi.id,
        unit_id=heinavesi.units["Päivähoito ja varhaiskasvatus"],
        owner_id=aino["id"],
        themes=["Vuorovaikutus"],
    )
    model = propose(
        http,
        OULUNKAARI_MODEL,
        summary=OULUNKAARI_SUMMARY,
        organisation_id=oulunkaari.id,
        themes=["LEAN", "Change Day"],
    )
    move(http, rotation["id"], "plan")
    move(http, model["id"], "plan")

    def found(**params: Any) -> set[str]:
        return set(ids(http.get("/api/initiatives", params=params)))

    everything = {clarify["id"], rotation["id"], skills["id"], model["id"]}
    assert found() == everything
    assert found(status="planned") == {rotation["id"], model["id"]}
    assert found(status="proposed") == {clarify["id"], skills["id"]}
    assert found(status="completed") == set()
    assert found(organisation_id=heinavesi.id) == {clarify["id"], rotation["id"], skills["id"]}
    assert found(organisation_id=oulunkaari.id) == {model["id"]}
    assert found(unit_id=heinavesi.units["Päivähoito ja varhaiskasvatus"]) == {skills["id"]}
    assert found(owner_id=aino["id"]) == {clarify["id"], skills["id"]}
    assert found(owner_id=eeva["id"]) == {rotation["id"]}
    # Themes match whole themes, whatever the case.
    assert found(theme="lean") == {clarify["id"], model["id"]}
    assert found(theme="TYÖKIERTO") == {rotation["id"]}
    assert found(theme="change day") == {model["id"]}
    assert found(theme="Le") == set()
    # Free text over title and summary, case-insensitive also for ä/Ä and ö/Ö.
    assert found(q="KIRKASTAMINEN") == {clarify["id"]}
    assert found(q="työnkiertoon") == {rotation["id"]}
    assert found(q="TYÖNKIERTOON") == {rotation["id"]}
    assert found(q="VUOROVAIKUTUSTAIDOT") == {skills["id"]}
    assert found(q="oulunkaarella kokeiluihin") == {model["id"]}, "every word must match"
    assert found(q="Ä") == {clarify["id"], model["id"]}
    assert found(q="ä") == found(q="Ä")
    assert found(q="Hamina") == set()
    # Filters combine.
    assert found(organisation_id=heinavesi.id, status="proposed", owner_id=aino["id"]) == {
        clarify["id"],
        skills["id"],
    }
    assert found(theme="lean", status="planned") == {model["id"]}

    listed = http.get("/api/initiatives", params={"owner_id": eeva["id"]}).json()["items"]
    assert listed[0]["owner"] == {"id": eeva["id"], "name": "Eeva Kärkkäinen"}
    assert listed[0]["unit"]["name"] == "Terveyskeskuksen vuodeosasto"
    assert "notes" not in listed[0], "the list holds summaries"


def test_cursor_pagination_walks_every_initiative_once_newest_first(http: httpx.Client) -> None:
    created = [
        propose(http, f"{municipality}: Lean-hanke {n}")["id"]
        for n in range(2)
        for municipality in THREE_W_MUNICIPALITIES
    ]
    created.append(propose(http, "Heinävesi: työkierto")["id"])

    seen: list[str] = []
    pages = 0
    cursor: str | None = None
    for _ in range(20):
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = http.get("/api/initiatives", params=params)
        assert page.status_code == 200
        body = page.json()
        assert len(body["items"]) <= 2
        seen.extend(item["id"] for item in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 5
    assert seen == list(reversed(created)), "no duplicates, no misses, newest first"

    # A filter and a cursor work together.
    karkkila: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 1, "q": "karkkila"}
        if cursor is not None:
            params["cursor"] = cursor
        body = http.get("/api/initiatives", params=params).json()
        karkkila.extend(item["title"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert karkkila == ["Karkkila: Lean-hanke 1", "Karkkila: Lean-hanke 0"]
