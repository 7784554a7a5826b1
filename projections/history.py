"""Read model: what happened to every record, field by field.

One row per recorded event: who, when recorded, when it occurred (if
back-dated) and the list of field changes (old → new). It serves a record's
history, the activity feed across everything, and maps a time to the last
log position recorded by then (for `?as_of=`).

It reads each record's previous state from the state read models, so the
projector must apply it *before* them (see `projector.READ_MODELS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Connection, Index, Integer, String, Table, Text, func, select

from domain.archive import ArchiveEvent
from domain.campaign import Campaign
from domain.change_action import ChangeAction
from domain.development_target import DevelopmentTarget
from domain.experiment import Experiment
from domain.good_practice import GoodPractice
from domain.initiative import Initiative, LifecycleEvent
from domain.measure import Measure
from domain.organisation import Organisation
from domain.programme import Programme
from domain.recorded import RecordedEvent
from domain.rotation import RotationPlacement
from projections.batch import Batch
from projections.campaigns import campaigns
from projections.campaigns import columns as campaign_columns
from projections.change_actions import change_actions
from projections.development_targets import columns as target_columns
from projections.development_targets import development_targets
from projections.experiments import experiments, plan_columns
from projections.good_practices import field_value, good_practices
from projections.initiatives import goal_text, initiatives, member_role
from projections.measures import columns as measure_columns
from projections.measures import measures
from projections.organisations import organisations, units
from projections.programmes import check_in_row, programme_workshops, programmes
from projections.programmes import columns as programme_columns
from projections.rotations import rotations
from projections.tables import UTCDateTime, metadata

history = Table(
    "history",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("record_type", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("record_title", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(60), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("occurred_on", String(10)),
    Column("actor_id", String(36), nullable=False),
    Column("changes", JSON, nullable=False),
    Index("ix_history_record", "record_id", "position"),
    Index("ix_history_recorded_at", "recorded_at"),
)

Change = dict[str, Any]


def prefetch(batch: Batch, events: list[RecordedEvent]) -> None:
    """History reads the state read models' rows, which they prefetch themselves."""


def apply(batch: Batch, position: int, event: RecordedEvent) -> None:
    kind = kind_of(event)
    if kind is None:
        return
    previous = batch.current(kind.table, str(event.originator_id))
    changes = (
        _archive_changes(event) if isinstance(event, ArchiveEvent) else kind.changes(batch, previous, event)
    )
    batch.insert(
        history,
        dict(
            position=position,
            record_type=kind.record_type,
            record_id=str(event.originator_id),
            record_title=kind.title(batch, previous, changes, event),
            version=event.originator_version,
            event_type=type(event).__name__,
            recorded_at=event.timestamp,
            occurred_on=event.occurred_on.isoformat() if event.occurred_on else None,
            actor_id=str(event.actor),
            changes=changes,
        ),
    )


def _archive_changes(event: ArchiveEvent) -> list[Change]:
    """Any kind's Archived or Restored: the event says which; its reason, when one was given."""
    return [_change("reason", None, event.reason)] if event.reason else []


def _title_after(previous: dict[str, Any] | None, changes: list[Change], field: str) -> str:
    for change in changes:
        if change["field"] == field:
            return str(change["new"])
    return str(previous[field]) if previous else ""


def _change(field: str, old: Any, new: Any) -> Change:
    return {"field": field, "old": _plain(old), "new": _plain(new)}


def _crossing(cross_organisation: bool) -> list[Change]:
    """A link confirmed across organisations says so in the history."""
    return [_change("cross_organisation", None, True)] if cross_organisation else []


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, UUID) else value


def _initiative_changes(batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Initiative.Proposed):
        fields = {
            "title": event.title,
            "summary": event.summary,
            "organisation_id": event.organisation_id,
            "unit_id": event.unit_id,
            "owner_id": event.owner_id,
            "themes": list(event.themes),
            "target_group": event.target_group,
        }
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "", [])]
        return [*changes, _change("status", None, "proposed")]
    assert previous is not None
    if isinstance(event, Initiative.Edited):
        return [_change(k, previous[k], v) for k, v in event.changes.items()]
    # The goals and the team have rows of their own (projections/initiatives.py).
    record_id = previous["id"]
    if isinstance(event, Initiative.GoalSet):
        old = goal_text(batch, record_id, event.goal_id)
        return [_change(f"goals.{event.goal_id}", old, event.text)]
    if isinstance(event, Initiative.GoalRemoved):
        old = goal_text(batch, record_id, event.goal_id)
        return [_change(f"goals.{event.goal_id}", old, None)]
    if isinstance(event, Initiative.TeamMemberAdded):
        return [_change(f"team.{event.person_id}", None, event.role)]
    if isinstance(event, Initiative.TeamMemberRemoved):
        old = member_role(batch, record_id, event.person_id)
        return [_change(f"team.{event.person_id}", old, None)]
    if isinstance(event, Initiative.NoteAdded):
        return [_change("note", None, event.text)]
    assert isinstance(event, LifecycleEvent)
    return _lifecycle_changes(previous, event)


CHECK_IN_VALUES = ("status", "progress_score", "done", "next_steps", "help_needed")


def _good_practice_changes(
    batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent
) -> list[Change]:
    """Field by field on the working copy; publishing and retracting show the version."""
    if isinstance(event, GoodPractice.Drafted):
        changes = [_change("initiative_id", None, event.initiative_id)]
        changes += [_change(k, None, v) for k, v in event.fields.items() if v not in (None, "", [])]
        return [*changes, _change("status", None, "draft")]
    assert previous is not None
    if isinstance(event, GoodPractice.Edited):
        # The working copy's fields have rows of their own (projections/good_practices.py).
        return [_change(k, field_value(batch, previous["id"], k), v) for k, v in event.changes.items()]
    if isinstance(event, GoodPractice.Published):  # Revised too
        return [
            _change("published_version", previous["published_version"] or None, event.version),
            _change("status", previous["status"], "published"),
            _change("source_version", None, event.source_version),
            _change("source_position", None, event.source_position),
        ]
    assert isinstance(event, GoodPractice.Retracted)
    return [
        _change("status", previous["status"], "retracted"),
        _change("retracted_reason", None, event.reason),
    ]


def _check_in_changes(batch: Batch, event: Initiative.CheckInRecorded) -> list[Change]:
    """The programme and workshop it reports to (by name, as they were then), then its values.
    A correction shows the corrected check-in's values as the old ones, and only what it changes."""
    programme = batch.current(programmes, str(event.programme_id))
    workshop = batch.current(programme_workshops, str(event.workshop_id))
    programme_name = programme["name"] if programme else str(event.programme_id)
    workshop_title = workshop["title"] if workshop else str(event.workshop_id)
    corrected = check_in_row(batch, str(event.corrects)) if event.corrects is not None else None
    if corrected is None:
        changes = [_change("programme", None, programme_name), _change("workshop", None, workshop_title)]
        values = {name: getattr(event, name) for name in CHECK_IN_VALUES}
        return changes + [_change(k, None, v) for k, v in values.items() if v not in (None, "")]
    changes = [
        _change("programme", programme_name, programme_name),
        _change("workshop", workshop_title, workshop_title),
    ]
    for name in CHECK_IN_VALUES:
        old, new = corrected[name], getattr(event, name)
        if old != new:
            changes.append(_change(name, old if old != "" else None, new if new != "" else None))
    return changes


def _evaluation_changes(event: Initiative.EvaluationRecorded) -> list[Change]:
    """The evaluation's id, then what it says (empty texts and absent figures left out)."""
    changes = [
        _change("evaluation", None, event.evaluation_id),
        _change("evaluated_on", None, event.evaluated_on.isoformat()),
        _change("method", None, event.method),
    ]
    for area, effect in event.effects.items():
        if effect["text"]:
            changes.append(_change(f"effects.{area}", None, effect["text"]))
        for figure in effect["figures"]:
            shown = f"{figure['value']:g} {figure['unit']}".strip()
            changes.append(_change(f"effects.{area}.{figure['label']}", None, shown))
    if event.costs["text"]:
        changes.append(_change("costs", None, event.costs["text"]))
    if event.costs["amount_eur"] is not None:
        changes.append(_change("costs.amount_eur", None, event.costs["amount_eur"]))
    for name in ("worked", "did_not_work", "lessons"):
        if getattr(event, name):
            changes.append(_change(name, None, getattr(event, name)))
    return [*changes, _change("recommendation", None, event.recommendation)]


def _target_link_changes(
    batch: Batch, event: Initiative.LinkedToTarget | Initiative.UnlinkedFromTarget
) -> list[Change]:
    """`targets.<id>`: the target's title (as it was then) appears or goes."""
    target = batch.current(development_targets, str(event.target_id))
    title = target["title"] if target else str(event.target_id)
    if isinstance(event, Initiative.LinkedToTarget):
        return [_change(f"targets.{event.target_id}", None, title), *_crossing(event.cross_organisation)]
    return [_change(f"targets.{event.target_id}", title, None)]


def _development_target_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, DevelopmentTarget.Defined):
        fields = target_columns(
            {
                "title": event.title,
                "strategy_goal": event.strategy_goal,
                "strategy": event.strategy,
                "responsible_role": event.responsible_role,
                "period_start": event.period_start,
                "period_end": event.period_end,
                "organisation_id": event.organisation_id,
                "description": event.description,
            }
        )
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "")]
        return [*changes, _change("status", None, "active")]
    assert previous is not None
    if isinstance(event, DevelopmentTarget.Edited):
        return [_change(k, previous[k], v) for k, v in target_columns(event.changes).items()]
    if isinstance(event, DevelopmentTarget.Linked):
        return [
            _change(f"links.{event.record_id}", None, event.record_type),
            *_crossing(event.cross_organisation),
        ]
    if isinstance(event, DevelopmentTarget.Unlinked):
        changes = [_change(f"links.{event.record_id}", event.record_type, None)]
        if event.reason:
            changes.append(_change("unlink_reason", None, event.reason))
        return changes
    if isinstance(event, DevelopmentTarget.Reviewed):
        key = f"reviews.{event.year}"
        changes = [
            _change(f"{key}.status", None, event.status),
            _change(f"{key}.decision", None, event.decision),
        ]
        if event.what_changed:
            changes.append(_change(f"{key}.what_changed", None, event.what_changed))
        if event.corrects is not None:
            changes.append(_change(f"{key}.corrects", None, event.corrects))
        return changes
    assert isinstance(event, DevelopmentTarget.Retired)
    return [_change("status", previous["status"], "retired"), _change("retired_reason", None, event.reason)]


def _lifecycle_changes(previous: dict[str, Any], event: LifecycleEvent) -> list[Change]:
    old = previous["status"]
    new = previous["paused_from"] if isinstance(event, Initiative.Resumed) else event.to_status.value
    changes = [_change("status", old, new)]
    if isinstance(event, Initiative.Paused) and event.reason:
        changes.append(_change("pause_reason", None, event.reason))
    if isinstance(event, Initiative.Discontinued):
        changes.append(_change("discontinued_reason", previous["discontinued_reason"] or None, event.reason))
        changes.append(_change("lessons", previous["lessons"] or None, event.lessons))
    return changes


def _organisation_changes(
    batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent
) -> list[Change]:
    if isinstance(event, Organisation.Registered):
        return [_change("name", None, event.name), _change("kind", None, event.kind)]
    if isinstance(event, Organisation.Renamed):
        return [_change("name", previous["name"] if previous else None, event.name)]
    if isinstance(event, Organisation.KindChanged):
        return [_change("kind", previous["kind"] if previous else None, event.kind)]
    if isinstance(event, Organisation.UnitAdded):
        return [_change(f"units.{event.unit_id}", None, event.name)]
    if isinstance(event, Organisation.UnitRenamed):
        unit = batch.current(units, str(event.unit_id))
        return [_change(f"units.{event.unit_id}", unit["name"] if unit else None, event.name)]
    return []


def _experiment_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Experiment.Planned):
        fields = {
            "follows": event.follows,
            "title": event.title,
            "question": event.question,
            "change_idea": event.change_idea,
            "prediction": event.prediction,
            "plan_who": event.plan_who,
            "plan_what": event.plan_what,
            "plan_when": event.plan_when,
            "plan_where": event.plan_where,
            "measures": list(event.measures),
            "planned_start": event.planned_start,
            "planned_end": event.planned_end,
        }
        changes = [_change(k, None, v) for k, v in plan_columns(fields).items() if v not in (None, "", [])]
        return [*changes, _change("stage", None, "planned")]
    assert previous is not None
    if isinstance(event, Experiment.Edited):
        return [_change(k, previous[k], v) for k, v in plan_columns(event.changes).items()]
    if isinstance(event, Experiment.Started):
        return [_change("stage", previous["stage"], "started")]
    if isinstance(event, Experiment.ObservationRecorded):
        changes = [_change("observation", None, event.text)]
        changes += [
            _change(f"values.{v['name']}" if v["name"] else "values", None, v["value"]) for v in event.values
        ]
        return changes
    if isinstance(event, Experiment.Studied):
        return [
            _change("stage", previous["stage"], "studied"),
            _change("result", None, event.result),
            _change("learning", None, event.learning),
        ]
    if isinstance(event, Experiment.Decided):
        changes = [_change("stage", previous["stage"], "decided"), _change("decision", None, event.decision)]
        if event.rationale:
            changes.append(_change("rationale", None, event.rationale))
        if event.next_cycle_id is not None:
            changes.append(_change("next_cycle_id", None, event.next_cycle_id))
        return changes
    assert isinstance(event, Experiment.Cancelled)
    return [_change("stage", previous["stage"], "cancelled"), _change("cancel_reason", None, event.reason)]


def _programme_changes(batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Programme.Created):
        fields = programme_columns(
            {
                "name": event.name,
                "description": event.description,
                "period_start": event.period_start,
                "period_end": event.period_end,
                "organisation_ids": event.organisation_ids,
                "coordinator_id": event.coordinator_id,
            }
        )
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "", [])]
        return [*changes, _change("status", None, "open")]
    assert previous is not None
    if isinstance(event, Programme.Edited):
        return [_change(k, previous[k], v) for k, v in programme_columns(event.changes).items()]
    if isinstance(event, Programme.InitiativeEnrolled):
        return [_change(f"initiatives.{event.initiative_id}", None, "enrolled")]
    if isinstance(event, Programme.InitiativeWithdrawn):
        changes = [_change(f"initiatives.{event.initiative_id}", "enrolled", "withdrawn")]
        if event.reason:
            changes.append(_change("withdraw_reason", None, event.reason))
        return changes
    if isinstance(event, Programme.WorkshopScheduled):
        key = f"workshops.{event.workshop_id}"
        fields = {
            "day": event.day.isoformat(),
            "title": event.title,
            "kind": event.kind,
            "agenda": event.agenda,
        }
        return [_change(f"{key}.{k}", None, v) for k, v in fields.items() if v != ""]
    if isinstance(event, Programme.WorkshopRescheduled | Programme.WorkshopHeld):
        key = f"workshops.{event.workshop_id}"
        workshop = batch.current(programme_workshops, str(event.workshop_id))
        if isinstance(event, Programme.WorkshopHeld):
            return [_change(f"{key}.held", False, True)]
        changes = [_change(f"{key}.day", workshop["day"] if workshop else None, event.day.isoformat())]
        if event.reason:
            changes.append(_change("reschedule_reason", None, event.reason))
        return changes
    assert isinstance(event, Programme.Closed)
    changes = [_change("status", previous["status"], "closed")]
    if event.summary:
        changes.append(_change("summary", None, event.summary))
    return changes


def _measure_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    """A value shows as `values.<period>` (old → new for a correction), with its note and
    the correction's reason; an annotation as its text, day and linked experiment."""
    if isinstance(event, Measure.Defined):
        fields = measure_columns(
            {
                "name": event.name,
                "unit": event.unit,
                "direction": event.direction,
                "baseline": event.baseline,
                "target": event.target,
                "frequency": event.frequency,
                "data_source": event.data_source,
                "rules": event.rules,
                "baseline_points": event.baseline_points,
            }
        )
        return [_change(k, None, v) for k, v in fields.items() if v not in (None, "")]
    assert previous is not None
    if isinstance(event, Measure.Edited):
        return [_change(k, previous[k], v) for k, v in measure_columns(event.changes).items()]
    if isinstance(event, Measure.ValueRecorded):
        changes = [_change(f"values.{event.period}", None, float(event.value))]
        if event.note:
            changes.append(_change("note", None, event.note))
        return changes
    if isinstance(event, Measure.ValueCorrected):
        changes = [_change(f"values.{event.period}", float(event.previous_value), float(event.value))]
        if event.note != event.previous_note:
            changes.append(_change("note", event.previous_note or None, event.note or None))
        if event.reason:
            changes.append(_change("correction_reason", None, event.reason))
        return changes
    assert isinstance(event, Measure.Annotated)
    changes = [
        _change("annotation", None, event.text),
        _change("annotation_day", None, event.day.isoformat()),
    ]
    if event.experiment_id is not None:
        changes.append(_change("experiment_id", None, event.experiment_id))
    return changes


def _rotation_title(batch: Batch, previous: dict[str, Any] | None, event: RecordedEvent) -> str:
    """The title is "<home unit> → <host unit>": unit names, never the person's (names are
    personal data and live only in the people registry); a unit that is gone shows as its id."""
    if isinstance(event, RotationPlacement.Proposed):
        home, host = str(event.home_unit_id), str(event.host_unit_id)
    else:
        assert previous is not None
        home, host = previous["home_unit_id"], previous["host_unit_id"]
    names = []
    for unit_id in (home, host):
        unit = batch.current(units, unit_id)
        names.append(unit["name"] if unit else unit_id)
    return f"{names[0]} → {names[1]}"[:200]


def _rotation_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, RotationPlacement.Proposed):
        fields = {
            "person_id": event.person_id,
            "home_organisation_id": event.home_organisation_id,
            "home_unit_id": event.home_unit_id,
            "host_organisation_id": event.host_organisation_id,
            "host_unit_id": event.host_unit_id,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "learning_goals": list(event.learning_goals),
            "mentor_id": event.mentor_id,
            "initiative_id": event.initiative_id,
            "target_id": event.target_id,
        }
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "", [])]
        return [*changes, _change("status", None, "proposed"), *_crossing(event.cross_organisation)]
    assert previous is not None
    if isinstance(event, RotationPlacement.Edited):
        changes = [_change(k, previous[k], v) for k, v in event.changes.items()]
        return [*changes, *_crossing(event.cross_organisation)]
    if isinstance(event, RotationPlacement.Approved | RotationPlacement.Started):
        new = "approved" if isinstance(event, RotationPlacement.Approved) else "started"
        changes = [_change("status", previous["status"], new)]
        if isinstance(event, RotationPlacement.Started) and event.early_reason:
            changes.append(_change("early_start_reason", None, event.early_reason))
        return changes
    if isinstance(event, RotationPlacement.Rescheduled):
        changes = [
            _change(name, previous[name], value)
            for name, value in (
                ("starts_on", event.starts_on.isoformat()),
                ("ends_on", event.ends_on.isoformat()),
            )
            if previous[name] != value
        ]
        if event.reason:
            changes.append(_change("reschedule_reason", None, event.reason))
        return changes
    if isinstance(event, RotationPlacement.ReflectionRecorded):
        return [_change("reflection", None, event.text)]
    if isinstance(event, RotationPlacement.TargetLinked):
        return [
            _change("target_id", previous["target_id"], event.target_id),
            *_crossing(event.cross_organisation),
        ]
    if isinstance(event, RotationPlacement.TargetUnlinked):
        return [_change("target_id", previous["target_id"], None)]
    if isinstance(event, RotationPlacement.Completed):
        return [
            _change("status", previous["status"], "completed"),
            _change("learned", None, event.learned),
            _change("bring_home", None, event.bring_home),
            _change("host_feedback", None, event.host_feedback),
            *([_change("early_end_reason", None, event.early_reason)] if event.early_reason else []),
        ]
    assert isinstance(event, RotationPlacement.Cancelled)
    return [_change("status", previous["status"], "cancelled"), _change("cancel_reason", None, event.reason)]


def _campaign_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Campaign.Created):
        return [
            _change("name", None, event.name),
            _change("held_on", None, event.held_on.isoformat()),
            _change("target_count", None, event.target_count),
        ]
    assert previous is not None
    if isinstance(event, Campaign.Edited):
        return [_change(k, previous[k], v) for k, v in campaign_columns(event.changes).items()]
    return []


def _change_action_changes(previous: dict[str, Any] | None, event: RecordedEvent) -> list[Change]:
    if isinstance(event, ChangeAction.Pledged):
        fields = {
            "campaign_id": event.campaign_id,
            "text": event.text,
            "person_id": event.person_id,
            "team_name": event.team,
            "organisation_id": event.organisation_id,
            "unit_id": event.unit_id,
            "category": event.category,
            "import_key": event.import_key,
        }
        changes = [_change(k, None, v) for k, v in fields.items() if v not in (None, "")]
        return [*changes, _change("status", None, "pledged")]
    assert previous is not None
    if isinstance(event, ChangeAction.Completed):
        return [_change("status", previous["status"], "completed"), _change("story", None, event.story)]
    if isinstance(event, ChangeAction.Withdrawn):
        changes = [_change("status", previous["status"], "withdrawn")]
        if event.reason:
            changes.append(_change("withdrawal_reason", None, event.reason))
        return changes
    if isinstance(event, ChangeAction.InspiredBy):
        return [_change(f"inspired_by.{event.action_id}", None, event.action_id)]
    return []


# ---- the kinds of record ------------------------------------------------------

Previous = dict[str, Any] | None
Title = Callable[[Batch, Previous, list[Change], RecordedEvent], str]


@dataclass(frozen=True)
class RecordKind:
    """How history tells one kind of record: which events are its, the read model holding
    its state before each event, the field changes an event makes and the record's title."""

    events: Any  # an event class, or a union of them
    record_type: str
    table: Table
    changes: Callable[[Batch, Previous, RecordedEvent], list[Change]]
    title: Title


def _titled(
    field: str, limit: int | None = None
) -> Callable[[Batch, Previous, list[Change], RecordedEvent], str]:
    return lambda _batch, previous, changes, _event: _title_after(previous, changes, field)[:limit]


def _initiative_event_changes(batch: Batch, previous: Previous, event: RecordedEvent) -> list[Change]:
    if isinstance(event, Initiative.CheckInRecorded):
        return _check_in_changes(batch, event)
    if isinstance(event, Initiative.EvaluationRecorded):
        return _evaluation_changes(event)
    if isinstance(event, Initiative.LinkedToTarget | Initiative.UnlinkedFromTarget):
        return _target_link_changes(batch, event)
    return _initiative_changes(batch, previous, event)


def _without_batch(
    changes: Callable[[Previous, RecordedEvent], list[Change]],
) -> Callable[[Batch, Previous, RecordedEvent], list[Change]]:
    return lambda _batch, previous, event: changes(previous, event)


# Every kind of record, in the order an event is matched against them.
KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        Initiative.Event | LifecycleEvent,
        "initiative",
        initiatives,
        _initiative_event_changes,
        _titled("title"),
    ),
    RecordKind(Organisation.Event, "organisation", organisations, _organisation_changes, _titled("name")),
    RecordKind(
        Experiment.Event, "experiment", experiments, _without_batch(_experiment_changes), _titled("title")
    ),
    RecordKind(
        RotationPlacement.Event,
        "rotation",
        rotations,
        _without_batch(_rotation_changes),
        lambda batch, previous, _changes, event: _rotation_title(batch, previous, event),
    ),
    RecordKind(Campaign.Event, "campaign", campaigns, _without_batch(_campaign_changes), _titled("name")),
    RecordKind(Programme.Event, "programme", programmes, _programme_changes, _titled("name")),
    RecordKind(Measure.Event, "measure", measures, _without_batch(_measure_changes), _titled("name")),
    RecordKind(
        DevelopmentTarget.Event,
        "development_target",
        development_targets,
        _without_batch(_development_target_changes),
        _titled("title"),
    ),
    RecordKind(GoodPractice.Event, "good_practice", good_practices, _good_practice_changes, _titled("name")),
    RecordKind(
        ChangeAction.Event,
        "change_action",
        change_actions,
        _without_batch(_change_action_changes),
        _titled("text", limit=200),
    ),
)
RECORD_TYPES = frozenset(kind.record_type for kind in KINDS)


def kind_of(event: RecordedEvent) -> RecordKind | None:
    """The kind of record an event belongs to; None for events no history shows."""
    return next((kind for kind in KINDS if isinstance(event, kind.events)), None)


# ---- queries -----------------------------------------------------------------


def of_record(conn: Connection, record_id: UUID, as_of: int | None = None) -> list[dict[str, Any]]:
    query = select(history).where(history.c.record_id == str(record_id))
    if as_of is not None:
        query = query.where(history.c.position <= as_of)
    return [dict(r) for r in conn.execute(query.order_by(history.c.position)).mappings()]


def feed(
    conn: Connection,
    *,
    limit: int,
    before: int | None = None,
    record_type: str | None = None,
    as_of: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first, across all records."""
    query = select(history)
    if before is not None:
        query = query.where(history.c.position < before)
    if as_of is not None:
        query = query.where(history.c.position <= as_of)
    if record_type is not None:
        query = query.where(history.c.record_type == record_type)
    query = query.order_by(history.c.position.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def position_at(conn: Connection, moment: datetime) -> int:
    """The last log position recorded at or before `moment` (0 if none)."""
    found = conn.execute(select(func.max(history.c.position)).where(history.c.recorded_at <= moment)).scalar()
    return int(found or 0)


def recorded_at(conn: Connection, position: int) -> datetime | None:
    """When the newest event at or before `position` was recorded (None for an empty log)."""
    query = (
        select(history.c.recorded_at)
        .where(history.c.position <= position)
        .order_by(history.c.position.desc())
        .limit(1)
    )
    found: datetime | None = conn.execute(query).scalar()
    return found


def last_position(conn: Connection) -> int:
    return int(conn.execute(select(func.max(history.c.position))).scalar() or 0)


def versions_at(conn: Connection, record_ids: Iterable[str], position: int) -> dict[str, tuple[int, int]]:
    """Record id → (its version, the position of its last event), as of `position`."""
    wanted = sorted(set(record_ids))
    if not wanted:
        return {}
    h = history
    newest = (
        select(h.c.record_id, func.max(h.c.position).label("position"))
        .where(h.c.record_id.in_(wanted), h.c.position <= position)
        .group_by(h.c.record_id)
        .subquery()
    )
    query = select(h.c.record_id, h.c.version, h.c.position).join(newest, newest.c.position == h.c.position)
    return {row.record_id: (row.version, row.position) for row in conn.execute(query)}
