"""How a programme is shown: the programme with its organisations, coordinator,
enrolled and withdrawn initiatives and workshops; a workshop; check-ins with their
initiative, programme, workshop and author; the dashboard and the digest of a workshop
with names filled in; and what the pages list (enrol choices, the dashboard's rows,
the check-in sheet, an initiative's programmes).

The views are plain data with names resolved; the JSON API checks and serialises them
with its response models, the pages put them in templates. How an erased person is
worded is the caller's (`erased`): the API keeps the registry's word, a page says it in
the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.check_in import PROGRESS_SCALE
from domain.errors import RecordNotFound
from present import people as people_views
from projections import initiatives, organisations, programme_dashboard
from projections import programmes as read_model
from services.people_registry import ERASED_NAME, PeopleRegistry

SortKey = Callable[[str], Any]


# ---- finding the record ---------------------------------------------------------------


def missing(programme_id: UUID, moment: datetime | None = None) -> RecordNotFound:
    if moment:
        return RecordNotFound(
            "There is no programme with id {id} as of {moment}.", id=programme_id, moment=moment.isoformat()
        )
    return RecordNotFound("There is no programme with id {id}.", id=programme_id)


def missing_workshop(workshop_id: UUID) -> RecordNotFound:
    return RecordNotFound("This programme has no workshop with id {id}.", id=workshop_id)


def require(
    conn: Connection, programme_id: UUID, position: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The programme's row (as of the position), or RecordNotFound."""
    row = read_model.get(conn, programme_id, position)
    if row is None:
        raise missing(programme_id, moment)
    return row


def require_workshop(
    conn: Connection,
    programme_id: UUID,
    workshop_id: UUID,
    position: int | None = None,
    moment: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The programme's row and its workshop's (as of the position), or RecordNotFound."""
    programme = require(conn, programme_id, position, moment)
    row = read_model.workshop(conn, programme_id, workshop_id, position)
    if row is None:
        raise missing_workshop(workshop_id)
    return programme, row


# ---- programmes and workshops ------------------------------------------------------------


def summaries(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    position: int | None,
    *,
    erased: str = ERASED_NAME,
    gone_organisation: str = "",
    sort_key: SortKey | None = None,
) -> list[dict[str, Any]]:
    """Programme rows with their organisations ({id, name}; a removed one named
    `gone_organisation`; by name when given a `sort_key`) and coordinator ({id, name})."""
    places = organisations.names(
        conn, {str(o) for r in rows for o in r.get("organisation_ids") or []}, position
    )
    coordinators = people_views.names(
        conn, people, {str(r["coordinator_id"]) for r in rows if r.get("coordinator_id")}, erased
    )
    shown = []
    for r in rows:
        listed = [
            {"id": str(o), "name": places.get(str(o), gone_organisation)}
            for o in r.get("organisation_ids") or []
        ]
        if sort_key is not None:
            listed.sort(key=lambda o: sort_key(o["name"]))
        coordinator = str(r["coordinator_id"]) if r.get("coordinator_id") else None
        shown.append(
            {
                **r,
                "organisations": listed,
                "coordinator": {"id": coordinator, "name": coordinators[coordinator]}
                if coordinator
                else None,
            }
        )
    return shown


def programme(
    conn: Connection,
    people: PeopleRegistry,
    programme_id: UUID,
    position: int | None,
    moment: datetime | None = None,
    *,
    erased: str = ERASED_NAME,
) -> dict[str, Any]:
    """One programme (as of the position) with its enrolled initiatives, those withdrawn
    and its workshops by day."""
    row = require(conn, programme_id, position, moment)
    shown = summaries(conn, people, [row], position, erased=erased)[0]
    enrolments = read_model.enrolments(conn, programme_id, position, include_withdrawn=True)
    titles = initiatives.titles(conn, {e["initiative_id"] for e in enrolments}, position)

    def initiative(e: dict[str, Any]) -> dict[str, str]:
        return {"id": e["initiative_id"], "name": titles.get(e["initiative_id"], "")}

    shown["initiatives"] = [
        {"initiative": initiative(e), "enrolled_on": e["enrolled_on"]}
        for e in enrolments
        if e["status"] == "enrolled"
    ]
    shown["withdrawn"] = [
        {
            "initiative": initiative(e),
            "enrolled_on": e["enrolled_on"],
            "withdrawn_on": e["withdrawn_on"],
            "reason": e["withdraw_reason"],
        }
        for e in enrolments
        if e["status"] != "enrolled"
    ]
    shown["workshops"] = read_model.workshops(conn, programme_id, position)
    return shown


def workshop(
    conn: Connection,
    programme_id: UUID,
    workshop_id: UUID,
    position: int | None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    """One workshop with its programme ({id, name})."""
    found, row = require_workshop(conn, programme_id, workshop_id, position, moment)
    return {**row, "programme": {"id": found["id"], "name": found["name"]}}


# ---- check-ins ----------------------------------------------------------------------------


def scale_meaning(score: float) -> str:
    """What a score means on the IHI assessment scale."""
    return PROGRESS_SCALE.get(float(score), "")


def latest_check_in(check_in: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any] | None:
    """A check-in of the dashboard or the digest, with what its score means and its author."""
    if not check_in:
        return None
    return {
        "id": check_in["check_in_id"],
        "workshop_id": check_in["workshop_id"],
        "status": check_in["status"],
        "progress_score": check_in["progress_score"],
        "progress_meaning": scale_meaning(check_in["progress_score"]),
        "done": check_in["done"],
        "next_steps": check_in["next_steps"],
        "help_needed": check_in["help_needed"],
        "corrects": check_in["corrects"],
        "occurred_on": check_in["occurred_on"],
        "recorded_at": check_in["recorded_at"],
        "author": {"id": check_in["actor_id"], "name": names[check_in["actor_id"]]},
    }


def check_ins(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    position: int | None,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """Check-ins (rows of `projections.programmes.check_ins`) with their initiative,
    programme and workshop named and their author."""
    programme_names = {
        pid: (found["name"] if found else "")
        for pid in {r["programme_id"] for r in rows}
        for found in [read_model.get(conn, UUID(pid), position)]
    }
    workshops = {
        (r["programme_id"], r["workshop_id"]): read_model.workshop(
            conn, UUID(r["programme_id"]), UUID(r["workshop_id"]), position
        )
        for r in rows
    }
    titles = initiatives.titles(conn, {r["initiative_id"] for r in rows}, position)
    authors = people_views.names(conn, people, {r["actor_id"] for r in rows}, erased)
    shown = []
    for r in rows:
        found = workshops[(r["programme_id"], r["workshop_id"])] or {}
        shown.append(
            {
                "id": r["check_in_id"],
                "initiative": {"id": r["initiative_id"], "name": titles.get(r["initiative_id"], "")},
                "programme": {"id": r["programme_id"], "name": programme_names[r["programme_id"]]},
                "workshop": {
                    "id": r["workshop_id"],
                    "title": found.get("title", ""),
                    "day": found.get("day"),
                },
                "status": r["status"],
                "progress_score": r["progress_score"],
                "progress_meaning": scale_meaning(r["progress_score"]),
                "done": r["done"],
                "next_steps": r["next_steps"],
                "help_needed": r["help_needed"],
                "corrects": r["corrects"],
                "corrected_by": r["corrected_by"],
                "occurred_on": r["occurred_on"],
                "recorded_at": r["recorded_at"],
                "author": {"id": r["actor_id"], "name": authors[r["actor_id"]]},
            }
        )
    return shown


def check_in(
    conn: Connection,
    people: PeopleRegistry,
    initiative_id: UUID,
    check_in_id: UUID,
    position: int | None = None,
    *,
    erased: str = ERASED_NAME,
) -> dict[str, Any]:
    """One of the initiative's check-ins, corrected or not."""
    rows = read_model.check_ins(conn, None, position, initiative_id=initiative_id, include_corrected=True)
    found = [r for r in rows if r["check_in_id"] == str(check_in_id)]
    if not found:
        raise RecordNotFound("There is no check-in with id {id}.", id=check_in_id)
    return check_ins(conn, people, found, position, erased=erased)[0]


# ---- the dashboard and the digest ---------------------------------------------------------


def _ref(value: dict[str, Any] | None) -> dict[str, str] | None:
    return {"id": value["id"], "name": value["name"] or ""} if value else None


def _owner(owner_id: str | None, names: dict[str, str]) -> dict[str, str] | None:
    return {"id": owner_id, "name": names[owner_id]} if owner_id else None


def dashboard(
    conn: Connection,
    people: PeopleRegistry,
    programme_id: UUID,
    position: int | None,
    zone: tzinfo,
    *,
    erased: str = ERASED_NAME,
) -> dict[str, Any] | None:
    """Every enrolled initiative with its latest check-in, score trend and open
    experiments, who has not checked in for the next workshop, and the totals, with names
    filled in (None when there is no such programme)."""
    raw = programme_dashboard.dashboard(conn, programme_id, position, zone)
    if raw is None:
        return None
    people_ids = {r["owner_id"] for r in raw["rows"] if r["owner_id"]}
    people_ids |= {r["latest_check_in"]["actor_id"] for r in raw["rows"] if r["latest_check_in"]}
    named = people_views.names(conn, people, people_ids, erased)
    titles = {r["initiative_id"]: r["title"] for r in raw["rows"]}
    totals = raw["totals"]
    return {
        "programme": summaries(conn, people, [raw["programme"]], position, erased=erased)[0],
        "workshops": raw["workshops"],
        "next_workshop": raw["next_workshop"],
        "enrolled": raw["enrolled"],
        "rows": [
            {
                "initiative": {"id": r["initiative_id"], "name": r["title"]},
                "organisation": _ref(r["organisation"]),
                "owner": _owner(r["owner_id"], named),
                "status": r["status"] or "",
                "latest_check_in": latest_check_in(r["latest_check_in"], named),
                "scores": r["scores"],
                "open_experiments": r["open_experiments"],
                "checked_in_for_next": r["checked_in_for_next"],
            }
            for r in raw["rows"]
        ],
        "missing_for_next": [{"id": i, "name": titles.get(i, "")} for i in raw["missing_for_next"]],
        "totals": {
            "by_organisation": [
                {**t, "organisation": _ref(t["organisation"])} for t in totals["by_organisation"]
            ],
            "by_status": totals["by_status"],
            "by_rag": totals["by_rag"],
        },
    }


def digest(
    conn: Connection,
    people: PeopleRegistry,
    programme_id: UUID,
    workshop_id: UUID,
    position: int | None,
    zone: tzinfo,
    *,
    erased: str = ERASED_NAME,
) -> dict[str, Any] | None:
    """What changed since the previous workshop, per initiative, with names filled in
    (None when the programme has no such workshop)."""
    raw = programme_dashboard.digest(conn, programme_id, workshop_id, position, zone)
    if raw is None:
        return None
    listed = raw["initiatives"]
    people_ids = {i["owner_id"] for i in listed if i["owner_id"]}
    people_ids |= {i["check_in"]["actor_id"] for i in listed if i["check_in"]}
    people_ids |= {e["actor_id"] for i in listed for e in i["entries"]}
    named = people_views.names(conn, people, people_ids, erased)
    return {
        "programme": {"id": raw["programme"]["id"], "name": raw["programme"]["name"]},
        "workshop": raw["workshop"],
        "previous_workshop": raw["previous_workshop"],
        "window": raw["window"],
        "initiatives": [
            {
                "initiative": {"id": i["initiative_id"], "name": i["title"]},
                "organisation": _ref(i["organisation"]),
                "owner": _owner(i["owner_id"], named),
                "status": i["status"] or "",
                "check_in": latest_check_in(i["check_in"], named),
                "counts": i["counts"],
                "entries": [
                    {**e, "actor": {"id": e["actor_id"], "name": named[e["actor_id"]]}} for e in i["entries"]
                ],
            }
            for i in listed
        ],
        "totals": raw["totals"],
    }


# ---- what the pages list ------------------------------------------------------------------


def board_rows(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    sort_key: SortKey,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The dashboard's rows (of `projections.programme_dashboard.dashboard`) with their
    owner named, sorted by organisation and title."""
    owners = people_views.names(conn, people, {str(r["owner_id"]) for r in rows if r.get("owner_id")}, erased)
    shown = [
        {
            **r,
            "initiative_id": str(r["initiative_id"]),
            "owner": {"id": str(r["owner_id"]), "name": owners[str(r["owner_id"])]}
            if r.get("owner_id")
            else None,
            "organisation_name": (r.get("organisation") or {}).get("name") or "",
        }
        for r in rows
    ]
    return sorted(shown, key=lambda r: (sort_key(r["organisation_name"]), sort_key(r["title"])))


def sheet_rows(
    conn: Connection,
    people: PeopleRegistry,
    programme_id: UUID,
    workshop_id: UUID,
    zone: tzinfo,
    sort_key: SortKey,
    *,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The check-in sheet of a workshop: each enrolled initiative's dashboard row with its
    `current` check-in for the workshop (and who made it) and its `previous` score."""
    board = programme_dashboard.dashboard(conn, programme_id, None, zone)
    rows = board_rows(conn, people, board["rows"] if board else [], sort_key, erased=erased)
    current = {
        str(c["initiative_id"]): c
        for c in read_model.check_ins(conn, programme_id, None, workshop_id=workshop_id)
    }
    actors = people_views.names(conn, people, {str(c["actor_id"]) for c in current.values()}, erased)
    for row in rows:
        found = current.get(row["initiative_id"])
        row["current"] = {**found, "actor": actors[str(found["actor_id"])]} if found else None
        earlier = [s for s in row["scores"] if s["workshop_id"] != str(workshop_id)]
        row["previous"] = earlier[-1] if earlier else None
    return rows


def organisation_options(conn: Connection, sort_key: SortKey) -> list[tuple[str, str]]:
    """Every organisation as (id, name), by name: those a programme can name, or be found by."""
    return sorted(((o["id"], o["name"]) for o in organisations.list_all(conn)), key=lambda o: sort_key(o[1]))


def enrol_choices(
    conn: Connection,
    programme: dict[str, Any],
    enrolled: set[str],
    limit: int,
    *,
    no_organisation: str,
    sort_key: SortKey,
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Initiatives that can be enrolled, grouped by organisation: those of the participating
    organisations (or any, when the programme lists none) and those without an organisation
    (grouped as `no_organisation`); not those already enrolled, nor discontinued ones."""
    org_ids = [str(o) for o in programme.get("organisation_ids") or []]
    rows = [r for r in read_model.enrolment_candidates(conn, org_ids, limit) if r["id"] not in enrolled]
    places = organisations.names(conn, {r["organisation_id"] for r in rows if r["organisation_id"]})
    groups: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        group = places.get(r["organisation_id"], no_organisation) if r["organisation_id"] else no_organisation
        groups.setdefault(group, []).append((r["id"], r["title"]))
    return [
        (name, sorted(options, key=lambda o: sort_key(o[1])))
        for name, options in sorted(groups.items(), key=lambda g: sort_key(g[0]))
    ]


def of_initiative(conn: Connection, initiative_id: UUID, position: int | None) -> list[dict[str, Any]]:
    """The programmes an initiative is enrolled in, each with the initiative's check-ins
    (the latest per workshop) in workshop order, for the initiative page."""
    found = []
    for enrolled in read_model.of_initiative(conn, initiative_id, position):
        pid = UUID(str(enrolled["id"]))
        workshops = {str(w["id"]): w for w in read_model.workshops(conn, pid, position)}
        rows = read_model.check_ins(conn, pid, position, initiative_id=initiative_id)
        found.append(
            {
                **enrolled,
                "check_ins": [
                    {**c, "workshop": workshops.get(str(c["workshop_id"]))}
                    for c in sorted(rows, key=lambda c: _workshop_order(workshops, c))
                ],
            }
        )
    return found


def _workshop_order(workshops: dict[str, dict[str, Any]], check: dict[str, Any]) -> tuple[str, int]:
    found = workshops.get(str(check["workshop_id"]))
    return (str(found["day"]) if found else "", int(check.get("position") or 0))
