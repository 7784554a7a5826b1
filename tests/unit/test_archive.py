"""The archiving rules (`domain/archive.py`), on the aggregates themselves."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic

from domain.archive import REASON_MAX, Archivable, RecordArchived, RecordRestored
from domain.errors import InvalidField, RuleViolation
from domain.organisation import Organisation, OrganisationKind
from present.kinds import KINDS, RecordKind

ACTOR = uuid4()


def organisation() -> Organisation:
    return Organisation.register(
        organisation_id=uuid4(), actor=ACTOR, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY
    )


def pending(record: Organisation) -> list[str]:
    return [type(e).__name__ for e in record.pending_events]


@pytest.mark.parametrize("kind", KINDS, ids=[k.record_type for k in KINDS])
def test_every_kind_is_archivable_with_explicit_topics(kind: RecordKind) -> None:
    aggregate = kind.aggregate
    assert issubclass(aggregate, Archivable), f"{aggregate.__name__} cannot be archived"
    name = aggregate.__name__
    assert f"kipina:{name}.Archived" == vars(aggregate)["Archived"].TOPIC
    assert f"kipina:{name}.Restored" == vars(aggregate)["Restored"].TOPIC
    assert issubclass(aggregate.Archived, RecordArchived) and issubclass(aggregate.Restored, RecordRestored)
    # The kind's own Event, so that its history and read model see both.
    assert issubclass(aggregate.Archived, vars(aggregate)["Event"])
    assert get_topic(aggregate.Archived) != get_topic(aggregate.Restored)


def test_a_record_is_live_until_archived_and_again_once_restored() -> None:
    record = organisation()
    assert (record.archived, record.archived_reason) == (False, "")
    record.archive(actor=ACTOR, reason="  Kirjattu kahdesti  ")
    assert (record.archived, record.archived_reason) == (True, "Kirjattu kahdesti")
    record.restore(actor=ACTOR)
    assert (record.archived, record.archived_reason) == (False, "")
    assert pending(record) == ["Registered", "Archived", "Restored"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_archiving_needs_a_reason(reason: str | None) -> None:
    record = organisation()
    with pytest.raises(InvalidField) as refused:
        record.archive(actor=ACTOR, reason=reason)
    assert refused.value.field == "reason"
    assert pending(record) == ["Registered"] and not record.archived


def test_a_reason_has_a_limit() -> None:
    record = organisation()
    record.archive(actor=ACTOR, reason="x" * REASON_MAX)
    with pytest.raises(InvalidField):
        organisation().archive(actor=ACTOR, reason="x" * (REASON_MAX + 1))
    with pytest.raises(InvalidField):
        record.restore(actor=ACTOR, reason="x" * (REASON_MAX + 1))
    assert record.archived


def test_archiving_twice_and_restoring_a_live_record_are_refused() -> None:
    record = organisation()
    with pytest.raises(RuleViolation, match="not archived, so there is nothing to restore"):
        record.restore(actor=ACTOR)
    record.archive(actor=ACTOR, reason="Virhe")
    with pytest.raises(RuleViolation, match="already archived"):
        record.archive(actor=ACTOR, reason="Taas")
    assert pending(record) == ["Registered", "Archived"]


def test_an_archived_record_refuses_every_other_command() -> None:
    record = organisation()
    record.archive(actor=ACTOR, reason="Virhe")
    for command in (
        lambda: record.rename(actor=ACTOR, name="Uusi nimi"),
        lambda: record.change_kind(actor=ACTOR, kind=OrganisationKind.OTHER),
        lambda: record.add_unit(actor=ACTOR, unit_id=uuid4(), name="Kotihoito"),
    ):
        with pytest.raises(RuleViolation, match="archived; restore it first"):
            command()
    assert pending(record) == ["Registered", "Archived"]
    record.restore(actor=ACTOR, reason="Arkistoitu vahingossa")
    record.rename(actor=ACTOR, name="Uusi nimi")
    assert record.name == "Uusi nimi"
