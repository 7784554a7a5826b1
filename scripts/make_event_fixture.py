"""Write the stored-events fixture: `python -m scripts.make_event_fixture [--out DIR] [--force]`.

Records one of every event type of this version through the real application
into a fresh SQLite event store, then writes `events_v1.sqlite` (the store) and
`events_v1.json` (the state every aggregate and read model must show when that
store is loaded) to `tests/fixtures/`. `tests/integration/test_stored_events.py`
loads them with the current code.

Run it once per event-format version. If stored events stop loading after an
event class changed, write an upcaster; do not regenerate this fixture, since
real stores hold events in the old shape too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import get_topic
from sqlalchemy import Connection, Table, select

from domain.application import CommandContext, Kipina, RequestKey
from domain.initiative import Initiative, Status
from domain.organisation import Organisation, OrganisationKind
from domain.request import AppliedRequest, request_id_for
from projections.db import make_engine
from projections.history import history
from projections.initiatives import initiatives, with_lists
from projections.organisations import organisations, units
from projections.projector import Projector
from services.bootstrap import event_store_env, read_model_url
from services.people_registry import PeopleRegistry
from services.settings import Settings

FIXTURE_NAME = "events_v1"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
AGGREGATES: tuple[type[Aggregate], ...] = (Initiative, Organisation, AppliedRequest)
# Idempotency-Keys the story applies, so the fixture holds AppliedRequest events.
REQUEST_KEYS = (
    RequestKey("fixture-propose-1", "fingerprint-propose-1"),
    RequestKey("fixture-plan-2", "fingerprint-plan-2"),
)

INITIATIVE_STATE = (
    "title",
    "summary",
    "organisation_id",
    "unit_id",
    "owner_id",
    "themes",
    "target_group",
    "status",
    "paused_from",
    "goals",
    "team",
    "notes",
    "discontinued_reason",
    "lessons",
)
ORGANISATION_STATE = ("name", "kind", "units")
APPLIED_REQUEST_STATE = ("fingerprint", "record_id", "record_version")

INITIATIVE_COLUMNS = (
    "id",
    "version",
    "created_position",
    "title",
    "summary",
    "status",
    "paused_from",
    "organisation_id",
    "unit_id",
    "owner_id",
    "themes",
    "target_group",
    "goals",
    "team",
    "notes_count",
    "discontinued_reason",
    "lessons",
    "created_at",
    "updated_at",
    "updated_by",
    "valid_from",
)
ORGANISATION_COLUMNS = ("id", "version", "created_position", "name", "kind", "created_at", "updated_at")
UNIT_COLUMNS = ("id", "organisation_id", "name", "valid_from")
HISTORY_COLUMNS = (
    "position",
    "record_type",
    "record_id",
    "record_title",
    "version",
    "event_type",
    "recorded_at",
    "occurred_on",
    "actor_id",
    "changes",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make-event-fixture", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory to write into")
    parser.add_argument("--force", action="store_true", help="overwrite an existing fixture")
    args = parser.parse_args(argv)
    store_path = args.out / f"{FIXTURE_NAME}.sqlite"
    expected_path = args.out / f"{FIXTURE_NAME}.json"
    if not args.force and (store_path.exists() or expected_path.exists()):
        print(
            f"{store_path} already exists. Stored events must keep loading: write an upcaster "
            "instead of regenerating. Pass --force only to start a new fixture version.",
            file=sys.stderr,
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="kipina-fixture-") as work:
        expected = record_everything(Path(work))
        missing = sorted(set(all_event_topics()) - set(expected["topics"]))
        if missing:
            print(f"The fixture lacks these event types: {', '.join(missing)}", file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        self_contained(Path(work) / "events.sqlite")
        shutil.copyfile(Path(work) / "events.sqlite", store_path)
    expected_path.write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"Wrote {store_path} ({store_path.stat().st_size} bytes, "
        f"{expected['notification_count']} events) and {expected_path}"
    )
    return 0


def all_event_topics() -> list[str]:
    """The topic of every event class the aggregates can record."""
    return sorted(
        {
            get_topic(obj)
            for aggregate in AGGREGATES
            for name, obj in vars(aggregate).items()
            if isinstance(obj, type) and issubclass(obj, CanMutateAggregate) and name != "Event"
        }
    )


@dataclass
class People:
    actor: UUID
    owner: UUID
    guide: UUID
    member: UUID


def record_everything(work: Path) -> dict[str, Any]:
    settings = Settings(data_dir=work, database_url=None, actor_header=None)
    engine = make_engine(read_model_url(settings))
    registry = PeopleRegistry(engine)
    registry.setup()
    app = Kipina(event_store_env(settings), people=registry)
    try:
        with engine.begin() as conn:
            people = People(
                actor=registry.register(conn, {"name": "Kaisa Kehittäjä"}),
                owner=registry.register(conn, {"name": "Olli Omistaja"}),
                guide=registry.register(conn, {"name": "Onni Ohjaaja"}),
                member=registry.register(conn, {"name": "Tiina Tiimiläinen"}),
            )
        ids = run_story(app, people)
        request_ids = [request_id_for(people.actor, key.key) for key in REQUEST_KEYS]
        projector = Projector(engine, app.recorder, app.mapper.to_domain_event)
        projector.setup()
        projector.catch_up()
        notifications = app.recorder.select_notifications(start=1, limit=10_000)
        with engine.connect() as conn:
            read_models = snapshot_read_models(conn)
        return {
            "about": (
                f"Expected state of tests/fixtures/{FIXTURE_NAME}.sqlite, written by "
                "scripts/make_event_fixture.py. Do not regenerate: if these events stop loading, "
                "add an upcaster."
            ),
            "format": FIXTURE_NAME,
            "generated_with": {"eventsourcing": version("eventsourcing")},
            "application_name": app.name,
            "notification_count": len(notifications),
            "topics": sorted({n.topic for n in notifications}),
            "topics_in_order": [n.topic for n in notifications],
            "actor_id": str(people.actor),
            "request_keys": [
                {"key": key.key, "fingerprint": key.fingerprint, "applied_request_id": str(request_id)}
                for key, request_id in zip(REQUEST_KEYS, request_ids, strict=True)
            ],
            "aggregates": [aggregate_state(app, record_id) for record_id in [*ids, *request_ids]],
            "read_models": read_models,
        }
    finally:
        app.close()
        engine.dispose()


def run_story(app: Kipina, people: People) -> list[UUID]:
    """The real cases of the seeds, taken through every event type."""
    ctx = CommandContext(actor=people.actor)

    heinavesi = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    org = heinavesi.record_id
    for name in ("Kotihoito", "Terveyskeskuksen vuodeosasto", "Päivähoito", "Sosiaalityö"):
        app.add_unit(ctx, org, name=name)
    units_by_name = {name: UUID(uid) for uid, name in app.get_organisation(org).units.items()}
    app.rename_unit(ctx, org, units_by_name["Päivähoito"], name="Päivähoito ja varhaiskasvatus")

    oulunkaari = app.register_organisation(
        ctx, name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    )
    app.add_unit(ctx, oulunkaari.record_id, name="Kehittämistiimi")
    team_unit = UUID(next(iter(app.get_organisation(oulunkaari.record_id).units)))

    # 1. Clarifying the basic task: every field, goal and team change, and a full life to "spread".
    basic_task = app.propose_initiative(
        CommandContext(actor=people.actor, request_key=REQUEST_KEYS[0]),
        fields={
            "title": "Perustehtävän kirkastaminen",
            "summary": "Jokainen yksikkö kirjaa perustehtävänsä.",
            "organisation_id": org,
            "unit_id": units_by_name["Kotihoito"],
            "owner_id": people.owner,
            "themes": ["Perustehtävä", "Osaaminen"],
            "target_group": "Peruspalvelujen henkilöstö",
        },
        occurred_on=date(2012, 1, 9),
        goals=["Perustehtävä on kirjattu jokaisessa yksikössä"],
        team=[(people.guide, "ohjaaja")],
    )
    first = basic_task.record_id
    app.edit_initiative(
        ctx,
        first,
        fields={
            "summary": "Jokainen yksikkö kirjaa perustehtävänsä ja käy sen läpi kehityskeskusteluissa.",
            "unit_id": units_by_name["Terveyskeskuksen vuodeosasto"],
            "themes": ["Perustehtävä", "Osaaminen", "Kehityskeskustelu"],
        },
    )
    app.set_goal(ctx, first, text="Kehityskeskustelut pidetty")
    goals = app.get_initiative(first).goals
    reworded, removed = (UUID(g) for g in goals)
    app.reword_goal(ctx, first, reworded, text="Perustehtävä on kirjattu ja tunnettu jokaisessa yksikössä")
    app.remove_goal(ctx, first, removed)
    app.add_team_member(ctx, first, person_id=people.member, role="jäsen")
    app.remove_team_member(ctx, first, people.member)
    app.add_note(ctx, first, text="Aloitustyöpaja pidettiin.", occurred_on=date(2012, 1, 16))
    for verb in ("plan", "start"):
        app.move_initiative(ctx, first, verb)
    app.move_initiative(ctx, first, "pause", reason="Kesälomat", occurred_on=date(2012, 6, 18))
    app.move_initiative(ctx, first, "resume", occurred_on=date(2012, 8, 6))
    for verb in ("evaluate", "start", "evaluate", "complete", "spread"):
        app.move_initiative(ctx, first, verb)
    app.add_note(ctx, first, text="Malli otettiin käyttöön myös Sosiaalityössä.")

    # 2. Goal-oriented job rotation: paused while in progress, so paused_from is stored.
    rotation = app.propose_initiative(
        ctx,
        fields={
            "title": "Tavoitteellinen työkierto",
            "organisation_id": org,
            "unit_id": units_by_name["Päivähoito"],  # renamed "Päivähoito ja varhaiskasvatus" above
        },
    )
    planned_ctx = CommandContext(actor=people.actor, request_key=REQUEST_KEYS[1])
    app.move_initiative(planned_ctx, rotation.record_id, "plan")
    app.move_initiative(ctx, rotation.record_id, "start")
    app.move_initiative(ctx, rotation.record_id, "pause", reason="Ohjaaja sairauslomalla")

    # 3. Cooperation and interaction skills: discontinued, with reason and lessons.
    skills = app.propose_initiative(ctx, fields={"title": "Yhteistyö- ja vuorovaikutustaidot"})
    app.move_initiative(
        ctx,
        skills.record_id,
        "discontinue",
        reason="Koulutusmääräraha loppui.",
        lessons="Varmista rahoitus ennen aloitusta.",
    )

    # 4. Oulunkaari's operating model: completed.
    everyone = app.propose_initiative(
        ctx,
        fields={
            "title": "Kehittäminen kuuluu kaikille",
            "organisation_id": oulunkaari.record_id,
            "unit_id": team_unit,
            "themes": ["Muutospäivä", "Kädenjälki"],
        },
    )
    for verb in ("plan", "start", "evaluate", "complete"):
        app.move_initiative(ctx, everyone.record_id, verb)

    statuses = [app.get_initiative(i).status for i in (first, rotation.record_id, skills.record_id)]
    assert statuses == [Status.SPREAD, Status.PAUSED, Status.DISCONTINUED], statuses
    record_ids = [org, oulunkaari.record_id, first, rotation.record_id, skills.record_id, everyone.record_id]
    return record_ids


def aggregate_state(app: Kipina, record_id: UUID) -> dict[str, Any]:
    aggregate: Aggregate = app.repository.get(record_id)
    fields = {
        Initiative: INITIATIVE_STATE,
        Organisation: ORGANISATION_STATE,
        AppliedRequest: APPLIED_REQUEST_STATE,
    }[type(aggregate)]
    return {
        "type": type(aggregate).__name__,
        "id": str(aggregate.id),
        "version": aggregate.version,
        "created_on": aggregate.created_on.isoformat(),
        "modified_on": aggregate.modified_on.isoformat(),
        "state": {name: plain(getattr(aggregate, name)) for name in fields},
    }


def snapshot_read_models(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    return {
        "initiatives": initiative_rows(conn),
        "organisations": rows(conn, organisations, ORGANISATION_COLUMNS, "created_position"),
        "units": rows(conn, units, UNIT_COLUMNS, "valid_from"),
        "history": rows(conn, history, HISTORY_COLUMNS, "position", current_only=False),
    }


def initiative_rows(conn: Connection) -> list[dict[str, Any]]:
    """The current initiatives as the read model gives them: their goals and team live in
    tables of their own, which `initiatives.with_lists` puts back on each row."""
    own = tuple(name for name in INITIATIVE_COLUMNS if name in initiatives.c)
    found = with_lists(conn, rows(conn, initiatives, own, "created_position"))
    return [{name: plain(row[name]) for name in INITIATIVE_COLUMNS} for row in found]


def rows(
    conn: Connection, table: Table, columns: tuple[str, ...], order_by: str, *, current_only: bool = True
) -> list[dict[str, Any]]:
    query = select(*(table.c[name] for name in columns))
    if current_only:
        query = query.where(table.c.valid_to.is_(None))
    result = conn.execute(query.order_by(table.c[order_by]))
    return [{k: plain(v) for k, v in row.items()} for row in result.mappings()]


def plain(value: Any) -> Any:
    """JSON-ready: UUIDs and enums as strings, times and dates as ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def self_contained(path: Path) -> None:
    """Fold any write-ahead log into the file and leave it in rollback-journal mode,
    so the one file holds everything. (No VACUUM: it may renumber the rowids that
    SQLite uses as notification ids.)"""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")


if __name__ == "__main__":
    raise SystemExit(main())
