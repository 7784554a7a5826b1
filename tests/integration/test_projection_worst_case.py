"""Whatever the domain accepts, every read model stores and gives back unchanged, on both stores.

A property-based test: Hypothesis draws the text every field is filled with from pieces
that are hard on a read model (case folding that grows the text, such as "ß" → "ss" and
"ﬃ" → "ffi"; astral characters; combining marks), each text exactly at its limit in
the domain (the `*_MAX` constants) and every list sent in one command at its limit. One
example records every kind of record over the JSON API, lets the projector apply it, and
reads each record back. SQLite does not enforce a column's width and PostgreSQL does, so a
derived column narrower than its source (the case-folded team key in VARCHAR(200) was one)
only shows on PostgreSQL: run with KIPINA_TEST_POSTGRES_DSN set. Lists that grow one command
per item are covered by a few items (see UNITS below).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql

from api.app import create_app
from domain import (
    campaign,
    change_action,
    check_in,
    development_target,
    evaluation,
    experiment,
    good_practice,
    initiative,
    measure,
    organisation,
    programme,
    rotation,
)
from projections.tables import UTCDateTime, metadata
from services.bootstrap import Services, bootstrap
from services.settings import Settings

# Pieces a text is made of. Case folding grows "ß", "ŉ", "ﬃ" and "ΐ" (up to three code points
# each); "😀" and "𝔘" are astral (four bytes in UTF-8, two UTF-16 units); "q\u0301" is a base
# with a combining mark that no precomposed letter replaces, so normalising leaves it be.
PIECES = ("ß", "ŉ", "ﬃ", "ΐ", "😀", "𝔘", "q\u0301", "ä", "Å", "k", "7")
# Among the drawn patterns, the worst ones whole: every text all "ß" (twice as long folded),
# all "ΐ" (two bytes folding to three code points, six bytes) or all "😀" (four bytes each).
WORST = (["ß"], ["ΐ"], ["😀"])


# Lists recorded in one command are filled to their limit. Lists that grow one command per
# item (an organisation's units, a programme's workshops and enrolments) get a few items:
# their read models keep one row per item, so their length does not change what one event
# writes, and filling them to the limit would take thousands of requests.
GOALS = initiative.GOALS_MAX
TEAM = initiative.TEAM_MAX
ORGANISATIONS = programme.ORGANISATIONS_MAX
UNITS = 3
WORKSHOPS = 3


@dataclass(frozen=True)
class Text:
    """Texts made by repeating one drawn pattern of pieces."""

    pattern: Sequence[str]

    def __call__(self, length: int, tag: int | None = None) -> str:
        """Exactly `length` code points; with `tag`, distinct (also case-insensitively) per tag."""
        suffix = "" if tag is None else f"#{tag}"
        body = "".join(self.pattern) * length
        return body[: length - len(suffix)] + suffix

    def tags(self, count: int, length: int) -> list[str]:
        return [self(length, i) for i in range(count)]


class Api:
    """JSON over the test client, sent as UTF-8 (not \\u-escaped), each answer checked."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def send(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        sent = self.client.request(
            method, path, content=content, params=params, headers={"Content-Type": "application/json"}
        )
        assert sent.is_success, f"{method} {path}: {sent.status_code} {sent.text[:500]}"
        # 202: recorded, but the read models could not apply it (the projector failed safe).
        assert sent.status_code != 202, f"{method} {path}: recorded but not projected: {sent.text[:500]}"
        return sent.json() if sent.content else None

    def post(self, path: str, body: Any = None) -> Any:
        return self.send("POST", path, body)

    def get(self, path: str, **params: Any) -> Any:
        return self.send("GET", path, params=params)


def _organisation(api: Api, text: Text, tag: int) -> dict[str, Any]:
    """An organisation with a few units, one of them renamed, every name at its limit."""
    name = text(organisation.NAME_MAX, tag)
    org = api.post("/api/organisations", {"name": name, "kind": "municipality"})
    path = f"/api/organisations/{org['id']}"
    units = [text(organisation.NAME_MAX, u) for u in range(UNITS)]
    for unit in units:
        api.post(f"{path}/units", {"name": unit})
    first = next(u["id"] for u in api.get(path)["units"] if u["name"] == units[0])
    units[0] = text(organisation.NAME_MAX, 1000)
    api.post(f"{path}/units/{first}/rename", {"name": units[0]})
    read = api.get(path)
    assert read["name"] == name
    assert sorted(u["name"] for u in read["units"]) == sorted(units)
    assert [o["name"] for o in api.get("/api/organisations") if o["id"] == org["id"]] == [name]
    assert api.get(f"{path}/history")
    return read


def _initiative(api: Api, text: Text, org: dict[str, Any], people: list[str]) -> dict[str, Any]:
    themes = text.tags(initiative.THEMES_MAX, initiative.THEME_MAX)
    goals = text.tags(GOALS, initiative.GOAL_MAX)
    created = api.post(
        "/api/initiatives",
        {
            "title": text(initiative.TITLE_MAX),
            "summary": text(initiative.SUMMARY_MAX),
            "organisation_id": org["id"],
            "unit_id": org["units"][0]["id"],
            "themes": themes,
            "target_group": text(initiative.TARGET_GROUP_MAX),
            "goals": goals[:-1],
            "team": [
                {"person_id": p, "role": text(initiative.ROLE_MAX, i)} for i, p in enumerate(people[:-1])
            ],
        },
    )
    path = f"/api/initiatives/{created['id']}"
    # The last goal and member one command each, onto lists one short of their limit: where a
    # versioned row copying its lists writes the most.
    added = api.post(f"{path}/goals", {"text": goals[-1]})
    first = next(g["id"] for g in added["goals"] if g["text"] == goals[0])
    goals[0] = text(initiative.GOAL_MAX, 999)
    api.send("PUT", f"{path}/goals/{first}", {"text": goals[0]})
    api.post(f"{path}/team", {"person_id": people[-1], "role": text(initiative.ROLE_MAX, len(people) - 1)})
    api.post(f"{path}/notes", {"text": text(initiative.NOTE_MAX)})
    for move in ("plan", "start"):
        api.post(f"{path}/{move}")
    read = api.get(path)
    assert (read["title"], read["summary"], read["target_group"]) == (
        text(initiative.TITLE_MAX),
        text(initiative.SUMMARY_MAX),
        text(initiative.TARGET_GROUP_MAX),
    )
    assert read["themes"] == themes
    assert sorted(g["text"] for g in read["goals"]) == sorted(goals)
    assert sorted(m["role"] for m in read["team"]) == sorted(
        text(initiative.ROLE_MAX, i) for i in range(len(people))
    )
    assert [n["text"] for n in read["notes"]] == [text(initiative.NOTE_MAX)]
    # A theme filter and a search find it by its case-folded keys.
    found = api.get("/api/initiatives", theme=themes[-1], limit=100)["items"]
    assert created["id"] in [i["id"] for i in found]
    history = api.get(f"{path}/history")
    assert history and all(h["record_title"] == text(initiative.TITLE_MAX) for h in history)
    return read


def _experiment(api: Api, text: Text, initiative_id: str) -> None:
    plan = {
        name: text(experiment.TEXT_MAX)
        for name in ("question", "prediction", "plan_who", "plan_what", "plan_when", "plan_where")
    }
    measures = text.tags(experiment.MEASURES_MAX, experiment.MEASURE_MAX)
    created = api.post(
        f"/api/initiatives/{initiative_id}/experiments",
        {
            "title": text(experiment.TITLE_MAX),
            "change_idea": text(experiment.CHANGE_IDEA_MAX),
            "measures": measures,
            **plan,
        },
    )
    path = f"/api/experiments/{created['id']}"
    api.post(f"{path}/start")
    values = [{"name": text(experiment.VALUE_NAME_MAX, i), "value": i} for i in range(experiment.VALUES_MAX)]
    api.post(f"{path}/observations", {"text": text(experiment.OBSERVATION_MAX), "values": values})
    api.post(
        f"{path}/study", {"result": text(experiment.STUDY_MAX), "learning": text(experiment.STUDY_MAX, 1)}
    )
    api.post(f"{path}/decision", {"decision": "adopt", "rationale": text(experiment.STUDY_MAX, 2)})
    read = api.get(path)
    assert {k: read[k] for k in plan} == plan
    assert (read["title"], read["change_idea"], read["measures"]) == (
        text(experiment.TITLE_MAX),
        text(experiment.CHANGE_IDEA_MAX),
        measures,
    )
    assert (read["result"], read["learning"], read["rationale"]) == (
        text(experiment.STUDY_MAX),
        text(experiment.STUDY_MAX, 1),
        text(experiment.STUDY_MAX, 2),
    )
    assert [o["text"] for o in read["observations"]] == [text(experiment.OBSERVATION_MAX)]
    assert [v["name"] for v in read["observations"][0]["values"]] == [v["name"] for v in values]
    log = api.get(f"/api/initiatives/{initiative_id}/learning-log")
    assert text(experiment.TITLE_MAX) in json.dumps(log, ensure_ascii=False)


def _evaluation(api: Api, text: Text, initiative_id: str) -> None:
    figures = [
        {"label": text(evaluation.LABEL_MAX, i), "value": i, "unit": text(evaluation.UNIT_MAX)}
        for i in range(evaluation.FIGURES_MAX)
    ]
    effect = {"text": text(evaluation.TEXT_MAX), "figures": figures}
    body = {
        "method": "self_assessment",
        "effects": {"staff": effect, "users": effect, "quality": effect, "economy": effect},
        "costs": {"text": text(evaluation.TEXT_MAX, 1), "amount_eur": evaluation.AMOUNT_MAX},
        "worked": text(evaluation.TEXT_MAX, 2),
        "did_not_work": text(evaluation.TEXT_MAX, 3),
        "lessons": text(evaluation.TEXT_MAX, 4),
        "recommendation": "continue",
    }
    created = api.post(f"/api/initiatives/{initiative_id}/evaluations", body)
    read = api.get(f"/api/initiatives/{initiative_id}/evaluations/{created['id']}")
    assert (read["worked"], read["did_not_work"], read["lessons"], read["costs"]["text"]) == (
        body["worked"],
        body["did_not_work"],
        body["lessons"],
        body["costs"]["text"],
    )
    for name in ("staff", "users", "quality", "economy"):
        assert read["effects"][name]["text"] == effect["text"]
        assert [(f["label"], f["unit"]) for f in read["effects"][name]["figures"]] == [
            (f["label"], f["unit"]) for f in figures
        ]


def _programme(api: Api, text: Text, orgs: list[dict[str, Any]], initiative_id: str) -> None:
    created = api.post(
        "/api/programmes",
        {
            "name": text(programme.NAME_MAX),
            "description": text(programme.DESCRIPTION_MAX),
            "period_start": "2024-01-01",
            "period_end": "2025-12-31",
            "organisation_ids": [o["id"] for o in orgs],
        },
    )
    path = f"/api/programmes/{created['id']}"
    api.post(f"{path}/initiatives", {"initiative_id": initiative_id})
    workshops = []
    for i in range(WORKSHOPS):
        body = {"day": f"2024-0{1 + i % 9}-1{i % 10}", "title": text(programme.TITLE_MAX, i)}
        body["agenda"] = text(programme.AGENDA_MAX, i)
        workshops.append(api.post(f"{path}/workshops", body))
    workshop_id = workshops[0]["id"]
    api.post(
        f"{path}/workshops/{workshop_id}/reschedule",
        {"day": "2024-09-30", "reason": text(programme.REASON_MAX)},
    )
    check_texts = {
        name: text(check_in.TEXT_MAX, i) for i, name in enumerate(("done", "next_steps", "help_needed"))
    }
    checked = api.post(
        f"/api/initiatives/{initiative_id}/check-ins",
        {
            "programme_id": created["id"],
            "workshop_id": workshop_id,
            "status": "green",
            "progress_score": 3,
            **check_texts,
        },
    )
    read = api.get(path)
    assert (read["name"], read["description"]) == (text(programme.NAME_MAX), text(programme.DESCRIPTION_MAX))
    assert sorted(o["name"] for o in read["organisations"]) == sorted(o["name"] for o in orgs)
    assert sorted(w["title"] for w in read["workshops"]) == sorted(
        text(programme.TITLE_MAX, i) for i in range(WORKSHOPS)
    )
    detail = api.get(f"{path}/workshops/{workshop_id}")
    assert (detail["agenda"], detail["reschedule_reason"]) == (
        text(programme.AGENDA_MAX, 0),
        text(programme.REASON_MAX),
    )
    check = api.get(f"/api/initiatives/{initiative_id}/check-ins/{checked['id']}")
    assert {k: check[k] for k in check_texts} == check_texts
    api.get(f"{path}/dashboard")
    found = api.get("/api/programmes", q=text(programme.NAME_MAX)[:50])["items"]
    assert created["id"] in [p["id"] for p in found]


def _measure(api: Api, text: Text, initiative_id: str) -> None:
    created = api.post(
        f"/api/initiatives/{initiative_id}/measures",
        {
            "name": text(measure.NAME_MAX),
            "unit": text(measure.UNIT_MAX),
            "direction": "up",
            "frequency": "monthly",
            "data_source": text(measure.DATA_SOURCE_MAX),
        },
    )
    path = f"/api/measures/{created['id']}"
    value = api.post(f"{path}/values", {"period": "2024-01", "value": 1, "note": text(measure.NOTE_MAX)})
    api.post(f"{path}/values", {"period": "2024-02", "value": 2, "note": text(measure.NOTE_MAX, 2)})
    api.post(
        f"{path}/corrections",
        {
            "value_id": value["id"],
            "value": 3,
            "note": text(measure.NOTE_MAX, 3),
            "reason": text(measure.REASON_MAX),
        },
    )
    api.post(f"{path}/annotations", {"day": "2024-01-15", "text": text(measure.ANNOTATION_MAX)})
    read = api.get(path)
    assert (read["name"], read["unit"], read["data_source"]) == (
        text(measure.NAME_MAX),
        text(measure.UNIT_MAX),
        text(measure.DATA_SOURCE_MAX),
    )
    table = json.dumps(api.get(f"{path}/values"), ensure_ascii=False)
    for expected in (text(measure.NOTE_MAX, 2), text(measure.NOTE_MAX, 3), text(measure.REASON_MAX)):
        assert expected in table
    notes = api.get(f"{path}/annotations")
    assert text(measure.ANNOTATION_MAX) in json.dumps(notes, ensure_ascii=False)


def _target(api: Api, text: Text, org: dict[str, Any], initiative_id: str) -> None:
    created = api.post(
        "/api/targets",
        {
            "title": text(development_target.TITLE_MAX),
            "strategy_goal": text(development_target.GOAL_MAX),
            "strategy": "develop",
            "responsible_role": "unit_manager",
            "period_start": "2024-01-01",
            "period_end": "2026-12-31",
            "organisation_id": org["id"],
            "description": text(development_target.TEXT_MAX),
        },
    )
    path = f"/api/targets/{created['id']}"
    api.post(f"{path}/links", {"record_type": "initiative", "record_id": initiative_id})
    api.post(
        f"{path}/reviews",
        {
            "year": 2024,
            "status": "on_track",
            "what_changed": text(development_target.TEXT_MAX, 1),
            "decision": "continue",
        },
    )
    api.post(f"{path}/retire", {"reason": text(development_target.TEXT_MAX, 2)})
    read = api.get(path)
    assert (read["title"], read["strategy_goal"], read["description"], read["retired_reason"]) == (
        text(development_target.TITLE_MAX),
        text(development_target.GOAL_MAX),
        text(development_target.TEXT_MAX),
        text(development_target.TEXT_MAX, 2),
    )
    assert [r["what_changed"] for r in read["reviews"]] == [text(development_target.TEXT_MAX, 1)]


def _good_practice(api: Api, text: Text, initiative_id: str) -> None:
    short = {name: text(width) for name, width in good_practice.SHORT_TEXT_FIELDS.items()}
    long = {name: text(width, i) for i, (name, width) in enumerate(good_practice.LONG_TEXT_FIELDS.items())}
    tags = {
        name: text.tags(good_practice.TAGS_MAX, good_practice.TAG_MAX)
        for name in ("topics", "phenomena", "target_groups")
    }
    body = {**short, **long, **tags, "development_phase": "ready"}
    created = api.post(f"/api/initiatives/{initiative_id}/good-practices", body)
    path = f"/api/good-practices/{created['id']}"
    api.post(f"{path}/publish")
    read = api.get(path)
    for name, value in {**short, **long, **tags}.items():
        assert read["fields"][name] == value, name
    version = api.get(f"{path}/versions/1")
    assert json.dumps(version, ensure_ascii=False).count(long["basic_idea"]) >= 1
    found = api.get("/api/good-practices", topic=tags["topics"][-1])["items"]
    assert created["id"] in [p["id"] for p in found]
    api.post(f"{path}/retract", {"reason": text(good_practice.TEXT_MAX, 99)})
    assert api.get(path)["retracted_reason"] == text(good_practice.TEXT_MAX, 99)


def _rotation(api: Api, text: Text, orgs: list[dict[str, Any]], people: list[str], example: int) -> None:
    home, host = orgs[0], orgs[1]
    unit_name = text(organisation.NAME_MAX, 7000 + example)
    added = api.post(f"/api/organisations/{host['id']}/units", {"name": unit_name})
    host_unit = next(u["id"] for u in added["units"] if u["name"] == unit_name)
    goals = text.tags(rotation.GOALS_MAX, rotation.GOAL_MAX)
    created = api.post(
        "/api/rotations",
        {
            "person_id": people[2 * example],
            "home_organisation_id": home["id"],
            "home_unit_id": home["units"][0]["id"],
            "host_organisation_id": host["id"],
            "host_unit_id": host_unit,
            "starts_on": "2024-03-04",
            "ends_on": "2024-03-29",
            "learning_goals": goals,
            "mentor_id": people[2 * example + 1],
        },
    )
    path = f"/api/rotations/{created['id']}"
    for move in ("approve", "start"):
        api.post(f"{path}/{move}")
    api.post(f"{path}/reflections", {"text": text(rotation.TEXT_MAX)})
    outcome = {
        name: text(rotation.TEXT_MAX, i) for i, name in enumerate(("learned", "bring_home", "host_feedback"))
    }
    api.post(f"{path}/complete", outcome)
    read = api.get(path)
    assert read["learning_goals"] == goals
    assert {k: read[k] for k in outcome} == outcome
    assert [r["text"] for r in read["reflections"]] == [text(rotation.TEXT_MAX)]
    # The history's title joins the two units' names: longer than either.
    assert api.get(f"{path}/history")


def _change_day(api: Api, text: Text, org: dict[str, Any], person: str) -> None:
    created = api.post(
        "/api/campaigns",
        {"name": text(campaign.NAME_MAX), "date": "2024-03-16", "target_count": campaign.TARGET_MAX},
    )
    path = f"/api/campaigns/{created['id']}"
    pledge = {
        "text": text(change_action.TEXT_MAX),
        "team": text(change_action.TEAM_MAX),
        "organisation_id": org["id"],
        "unit_id": org["units"][0]["id"],
        "category": "patient_experience",
    }
    first = api.post(f"{path}/actions", pledge)
    by_person = {**pledge, "team": "", "person_id": person, "text": text(change_action.TEXT_MAX, 1)}
    second = api.post(f"{path}/actions", by_person)
    api.post(f"/api/actions/{first['id']}/complete", {"story": text(change_action.STORY_MAX)})
    api.post(f"/api/actions/{second['id']}/inspired-by", {"action_id": first["id"]})
    api.post(f"/api/actions/{second['id']}/withdraw", {"reason": text(change_action.REASON_MAX)})
    read = api.get(f"/api/actions/{first['id']}")
    assert (read["text"], read["story"]) == (text(change_action.TEXT_MAX), text(change_action.STORY_MAX))
    assert api.get(f"/api/actions/{second['id']}")["withdrawal_reason"] == text(change_action.REASON_MAX)
    assert api.get(path)["name"] == text(campaign.NAME_MAX)
    handprints = json.dumps(api.get(f"{path}/handprints"), ensure_ascii=False)
    assert text(change_action.TEAM_MAX) in handprints
    api.get(f"{path}/wall")
    assert api.get(f"/api/actions/{first['id']}/history")


@dataclass
class Shared:
    """Records every example of one store uses, made once: the people of a full team and the
    organisations of a programme at its limit (their names are the first example's)."""

    people: list[str]
    organisations: list[dict[str, Any]]
    examples: int = 0  # names made unique per example where the domain wants them so


SHARED: dict[int, Shared] = {}


def shared(api: Api, services: Services, text: Text) -> Shared:
    if id(services) not in SHARED:
        people = [api.post("/api/people", {"name": f"Henkilö {i}"})["id"] for i in range(TEAM)]
        orgs = [
            _organisation(api, text, i) if i < 2 else _bare_organisation(api, text, i)
            for i in range(ORGANISATIONS)
        ]
        SHARED[id(services)] = Shared(people, orgs)
    return SHARED[id(services)]


def _bare_organisation(api: Api, text: Text, tag: int) -> dict[str, Any]:
    created: dict[str, Any] = api.post(
        "/api/organisations", {"name": text(organisation.NAME_MAX, tag), "kind": "municipality"}
    )
    return created


def record_everything(api: Api, services: Services, text: Text) -> None:
    common = shared(api, services, text)
    common.examples += 1
    org = _organisation(api, text, 10_000 + common.examples)
    created = _initiative(api, text, org, common.people)
    _experiment(api, text, created["id"])
    _evaluation(api, text, created["id"])
    _programme(api, text, [org, *common.organisations[1:]], created["id"])
    _measure(api, text, created["id"])
    _target(api, text, org, created["id"])
    _good_practice(api, text, created["id"])
    _rotation(api, text, [org, common.organisations[1]], common.people, common.examples)
    _change_day(api, text, org, common.people[0])


patterns = st.one_of(st.sampled_from(WORST), st.lists(st.sampled_from(PIECES), min_size=1, max_size=6))


@settings(
    max_examples=2,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(pattern=["ß"])
@given(pattern=patterns)
def test_every_record_kind_at_its_limits_is_projected_and_read_back_unchanged(
    services: Services, pattern: list[str]
) -> None:
    # Examples share the store: each one's records land among the earlier ones'.
    with TestClient(create_app(services=services), base_url="http://localhost") as client:
        record_everything(Api(client), services, Text(pattern))
    services.projector.catch_up()
    assert services.projector.lag() == 0
    assert services.projector.position() == services.app.recorder.max_notification_id()


def test_the_texts_are_at_their_limits_and_grow_under_case_folding() -> None:
    """The generator itself: exact lengths, distinct tags, and growth where promised."""
    text = Text(["ß"])
    assert len(text(change_action.TEAM_MAX)) == change_action.TEAM_MAX
    assert len(text(change_action.TEAM_MAX).casefold()) == 2 * change_action.TEAM_MAX
    tags = text.tags(initiative.THEMES_MAX, initiative.THEME_MAX)
    assert len({t.casefold() for t in tags}) == initiative.THEMES_MAX
    assert all(len(t) == initiative.THEME_MAX for t in tags)


# The bound docs/architecture.md states for one initiative goal or team event at the limits, on
# SQLite (a note adds its own text and history on top). When each version copied the goals and
# the team, one such event wrote 300 KB.
INITIATIVE_EVENT_BYTES_MAX = 100_000


def read_model_bytes(services: Services) -> int:
    """Bytes in use in the SQLite read-model file (pages not on the free list)."""
    with services.projector.engine.connect() as conn:
        conn.execute(sql("PRAGMA wal_checkpoint(TRUNCATE)"))
        pages = conn.execute(sql("PRAGMA page_count")).scalar_one()
        free = conn.execute(sql("PRAGMA freelist_count")).scalar_one()
        page_size = conn.execute(sql("PRAGMA page_size")).scalar_one()
    return int((pages - free) * page_size)


def test_an_initiative_event_at_the_limits_writes_a_bounded_read_model(tmp_path: Path) -> None:
    """A goal or team event writes the row of its one item, not a copy of the 50 goals and 100
    members (docs/architecture.md), and the initiative's new version row stays within the stated
    figure. Astral text is the most bytes a character costs (4 in UTF-8; 12 if JSON columns were
    \\u-escaped, as they were)."""
    services = bootstrap(Settings(data_dir=tmp_path / "data", database_url=None, actor_header=None))
    text = Text(["𝔘"])
    try:
        with TestClient(create_app(services=services), base_url="http://localhost") as client:
            api = Api(client)
            people = [api.post("/api/people", {"name": f"Henkilö {i}"})["id"] for i in range(TEAM)]
            created = api.post(
                "/api/initiatives",
                {
                    "title": text(initiative.TITLE_MAX),
                    "summary": text(initiative.SUMMARY_MAX),
                    "themes": text.tags(initiative.THEMES_MAX, initiative.THEME_MAX),
                    "target_group": text(initiative.TARGET_GROUP_MAX),
                    "goals": text.tags(GOALS, initiative.GOAL_MAX),
                    "team": [
                        {"person_id": p, "role": text(initiative.ROLE_MAX, i)} for i, p in enumerate(people)
                    ],
                },
            )
            path = f"/api/initiatives/{created['id']}"
            events = 10
            before = read_model_bytes(services)
            for i, goal in enumerate(created["goals"][:events]):
                api.send("PUT", f"{path}/goals/{goal['id']}", {"text": text(initiative.GOAL_MAX, 100 + i)})
            reworded = (read_model_bytes(services) - before) / events
            before = read_model_bytes(services)
            for person in people[:events]:
                api.send("DELETE", f"{path}/team/{person}")
            removed = (read_model_bytes(services) - before) / events
    finally:
        services.close()
    assert 0 < reworded <= INITIATIVE_EVENT_BYTES_MAX, f"goal reworded: {reworded:,.0f} bytes per event"
    assert 0 < removed <= INITIATIVE_EVENT_BYTES_MAX, f"member removed: {removed:,.0f} bytes per event"


# The bound docs/architecture.md states for one edit of a good practice at its limits, on SQLite.
# When each version copied the working copy, the published copy and their search text, one
# edit of one field wrote 1.05 MB.
PRACTICE_EDIT_BYTES_MAX = 100_000


def test_a_good_practice_edit_at_the_limits_writes_the_field_not_the_practice(tmp_path: Path) -> None:
    """An edit writes the rows of the fields it changes; the ~150,000 characters of the working
    copy and the published version are not copied into the practice's new version row."""
    services = bootstrap(Settings(data_dir=tmp_path / "data", database_url=None, actor_header=None))
    text = Text(["𝔘"])
    try:
        with TestClient(create_app(services=services), base_url="http://localhost") as client:
            api = Api(client)
            initiative_id = api.post("/api/initiatives", {"title": text(initiative.TITLE_MAX)})["id"]
            short = {name: text(width) for name, width in good_practice.SHORT_TEXT_FIELDS.items()}
            long = {
                name: text(width, i) for i, (name, width) in enumerate(good_practice.LONG_TEXT_FIELDS.items())
            }
            tags = {
                name: text.tags(good_practice.TAGS_MAX, good_practice.TAG_MAX)
                for name in ("topics", "phenomena", "target_groups")
            }
            body = {**short, **long, **tags, "development_phase": "ready"}
            created = api.post(f"/api/initiatives/{initiative_id}/good-practices", body)
            path = f"/api/good-practices/{created['id']}"
            api.post(f"{path}/publish")
            events = 10
            before = read_model_bytes(services)
            for i in range(events):
                version = api.get(path)["version"]
                edited = client.patch(
                    path,
                    content=json.dumps(
                        {"funder": text(good_practice.LINE_MAX, i)}, ensure_ascii=False
                    ).encode(),
                    headers={"Content-Type": "application/json", "If-Match": f'"{version}"'},
                )
                assert edited.status_code == 200, edited.text
            per_event = (read_model_bytes(services) - before) / events
            read = api.get(path)
            assert read["fields"]["funder"] == text(good_practice.LINE_MAX, events - 1)
            assert read["fields"]["basic_idea"] == long["basic_idea"]
    finally:
        services.close()
    assert 0 < per_event <= PRACTICE_EDIT_BYTES_MAX, f"{per_event:,.0f} bytes per edit"


# Columns that may have a width: text Kipinä writes itself, never a person.
ID_COLUMNS = {
    "id",
    "corrects",
    "follows",
    "updated_by",
    "approved_by",
    "linked_by",
    "published_by",
    "retracted_by",
}
DATE_COLUMNS = {"day", "period", "period_start", "period_end", "planned_start", "planned_end"}
ENUM_COLUMNS = {
    "category",  # a Change Day category's code
    "key",  # a wall counter's category code or organisation/unit id
    "decision",
    "development_phase",
    "dimension",
    "direction",
    "event_type",
    "frequency",
    "kind",
    "method",
    "paused_from",
    "cancelled_from",
    "recommendation",
    "record_type",
    "responsible_role",
    "rules",
    "stage",
    "status",
    "strategy",
}


def test_no_read_model_column_narrows_a_persons_text() -> None:
    """User text (and all text derived from it) is Text: a width is only for ids, dates and
    enum values. SQLite ignores widths, so without this a VARCHAR too narrow for what the
    domain accepts shows only on PostgreSQL, and there as a projector stopped for good."""
    narrowed = []
    for table in metadata.sorted_tables:
        if table.name == "projection_tracking":  # the projector's own bookkeeping
            continue
        for column in table.columns:
            width = getattr(column.type, "length", None)
            if width is None or isinstance(column.type, UTCDateTime):  # a fixed-width timestamp
                continue
            name = column.name
            if name in ID_COLUMNS or name.endswith("_id"):
                ok = width >= 36
            elif name in DATE_COLUMNS or name.endswith("_on"):
                ok = width >= 10
            else:
                ok = name in ENUM_COLUMNS
            if not ok:
                narrowed.append(f"{table.name}.{name} VARCHAR({width})")
    assert narrowed == [], "user text needs Text, not a width: " + ", ".join(narrowed)
