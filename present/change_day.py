"""How Change Day is shown: a campaign, its actions with their campaign, places, pledger
and inspirations named, handprints (completed actions with their stories) and the
campaign's wall of counts.

The JSON API and the pages both read these views; each is written once here. Values are
JSON-ready (dates and times as the API writes them). `erased` is how a pledger who was
erased is named: the registry's word for the API, the reader's language on a page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection

from domain.change_action import Category, Status
from domain.errors import RecordNotFound
from projections import campaigns, change_actions, change_day_wall, organisations
from services.people_registry import ERASED_NAME, PeopleRegistry

STORIES_ON_WALL = 10
_NUMBERS = ("pledged", "completed", "withdrawn", "open", "completion_rate")


def require_campaign(
    conn: Connection, campaign_id: UUID, position: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The campaign's read-model row, as of `position`; missing is a domain error."""
    row = campaigns.get(conn, campaign_id, position)
    if row is None:
        if moment:
            raise RecordNotFound(
                "There is no campaign with id {id} as of {moment}.",
                id=campaign_id,
                moment=moment.isoformat(),
            )
        raise RecordNotFound("There is no campaign with id {id}.", id=campaign_id)
    return row


def campaign_of_row(row: dict[str, Any], as_of: datetime | None = None) -> dict[str, Any]:
    return dict(
        to_jsonable_python(
            {
                "id": row["id"],
                "version": row["version"],
                "archived": row["archived"],
                "name": row["name"],
                "date": row["held_on"],
                "target_count": row["target_count"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "as_of": as_of,
            }
        )
    )


def campaign(
    conn: Connection, campaign_id: UUID, position: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """The campaign as of `position` (`moment` is the time the reader asked for)."""
    body = campaign_of_row(require_campaign(conn, campaign_id, position, moment))
    body["as_of"] = moment.isoformat() if moment else None
    return body


class Names:
    """Display names of the campaigns, places and people some action rows name (a few queries)."""

    def __init__(
        self,
        conn: Connection,
        people: PeopleRegistry,
        rows: list[dict[str, Any]],
        as_of: int | None,
        erased: str,
    ) -> None:
        self.campaigns = campaigns.names(conn, {r["campaign_id"] for r in rows})
        place_ids = {r[k] for r in rows for k in ("organisation_id", "unit_id") if r[k]}
        self.places = organisations.names(conn, place_ids, as_of)
        self.people = {
            pid: erased if name == ERASED_NAME else name
            for pid, name in people.names(conn, {r["person_id"] for r in rows if r["person_id"]}).items()
        }

    def place(self, value: str | None) -> dict[str, str] | None:
        return {"id": value, "name": self.places.get(value, "")} if value else None

    def pledger(self, row: dict[str, Any]) -> dict[str, Any]:
        person_id = row["person_id"]
        if person_id:
            return {"person": {"id": person_id, "name": self.people[person_id]}, "team": None}
        return {"person": None, "team": row["team"]}

    def campaign(self, row: dict[str, Any]) -> dict[str, str]:
        return {"id": row["campaign_id"], "name": self.campaigns.get(row["campaign_id"], "")}


def actions(
    conn: Connection,
    people: PeopleRegistry,
    rows: list[dict[str, Any]],
    as_of: int | None,
    erased: str = ERASED_NAME,
) -> list[dict[str, Any]]:
    """The actions' rows with their campaign, pledger, places and inspirations named."""
    names = Names(conn, people, rows, as_of, erased)
    sources = {s for r in rows for s in r["inspired_by"]}
    texts = {UUID(s): change_actions.get(conn, UUID(s), as_of) for s in sources}
    return [
        to_jsonable_python(
            {
                "id": r["id"],
                "version": r["version"],
                "archived": r["archived"],
                "campaign": names.campaign(r),
                "text": r["text"],
                "pledger": names.pledger(r),
                "organisation": names.place(r["organisation_id"]),
                "unit": names.place(r["unit_id"]),
                "category": r["category"],
                "status": r["status"],
                "handprint": r["status"] == Status.COMPLETED,
                "story": r["story"],
                "completed_on": r["completed_on"],
                "completed_at": r["completed_at"],
                "withdrawal_reason": r["withdrawal_reason"],
                "inspired_by": [
                    {"id": s, "text": (texts[UUID(s)] or {}).get("text", "")} for s in r["inspired_by"]
                ],
                "import_key": r["import_key"],
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
                "as_of": None,
            }
        )
        for r in rows
    ]


def action(
    conn: Connection,
    people: PeopleRegistry,
    action_id: UUID,
    position: int | None = None,
    moment: datetime | None = None,
    erased: str = ERASED_NAME,
) -> dict[str, Any]:
    """One action as of `position` (`moment` is the time the reader asked for)."""
    row = change_actions.get(conn, action_id, position)
    if row is None:
        if moment:
            raise RecordNotFound(
                "There is no Change Day action with id {id} as of {moment}.",
                id=action_id,
                moment=moment.isoformat(),
            )
        raise RecordNotFound("There is no Change Day action with id {id}.", id=action_id)
    body = actions(conn, people, [row], position, erased)[0]
    body["as_of"] = moment.isoformat() if moment else None
    return body


def handprints(
    conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]], erased: str = ERASED_NAME
) -> list[dict[str, Any]]:
    """Completed actions as handprints: the pledge, its story, who made it and where."""
    names = Names(conn, people, rows, None, erased)
    return [
        to_jsonable_python(
            {
                "action_id": r["id"],
                "campaign": names.campaign(r),
                "text": r["text"],
                "story": r["story"],
                "pledger": names.pledger(r),
                "unit": names.place(r["unit_id"]),
                "completed_on": r["completed_on"],
                "completed_at": r["completed_at"],
            }
        )
        for r in rows
    ]


def wall(
    conn: Connection,
    people: PeopleRegistry,
    campaign_id: UUID,
    position: int | None = None,
    moment: datetime | None = None,
    erased: str = ERASED_NAME,
) -> dict[str, Any]:
    """The campaign wall: totals against the target, counts per organisation (with its
    units) and per category, and the latest stories."""
    row = require_campaign(conn, campaign_id, position, moment)
    counts = change_day_wall.wall(conn, campaign_id, position)
    place_ids = {r["key"] for r in counts["organisation"] if r["key"]} | {r["key"] for r in counts["unit"]}
    places = organisations.names(conn, place_ids, position)

    def numbers(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in _NUMBERS}

    def place(key: str) -> dict[str, str]:
        return {"id": key, "name": places.get(key, "")}

    units_of: dict[str, list[dict[str, Any]]] = {}
    for counted in counts["unit"]:
        units_of.setdefault(counted["organisation_id"] or "", []).append(
            {**numbers(counted), "unit": place(counted["key"])}
        )
    orgs = [
        {
            **numbers(counted),
            "organisation": place(counted["key"]) if counted["key"] else None,
            "units": sorted(
                units_of.get(counted["key"], []), key=lambda u: (-u["pledged"], u["unit"]["name"])
            ),
        }
        for counted in counts["organisation"]
    ]
    orgs.sort(
        key=lambda o: (
            o["organisation"] is None,
            -o["pledged"],
            o["organisation"]["name"] if o["organisation"] else "",
        )
    )
    order = list(Category)
    categories = sorted(
        ({**numbers(counted), "category": counted["key"]} for counted in counts["category"]),
        key=lambda c: order.index(Category(c["category"])),
    )
    totals = counts["totals"]
    standing = totals["pledged"] - totals["withdrawn"]
    stories = change_actions.latest_stories(conn, campaign_id, limit=STORIES_ON_WALL, as_of=position)
    return dict(
        to_jsonable_python(
            {
                "campaign": campaign_of_row(row, moment),
                "totals": {
                    **numbers(totals),
                    "target_count": row["target_count"],
                    "target_progress": round(standing / row["target_count"], 4),
                },
                "organisations": orgs,
                "categories": categories,
                "latest_stories": handprints(conn, people, stories, erased),
                "as_of": moment,
            }
        )
    )
