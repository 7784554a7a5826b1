"""The Kipina application service on real stores (SQLite, and PostgreSQL when set).

What the aggregates cannot judge alone is checked here: references to other
records and to the people registry, If-Match versions, Idempotency-Keys, and
that a command's events are saved together or not at all. Every refusal is
checked for its error, its sentence, and that the event log did not grow.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import CommandContext, Receipt, RequestKey
from domain.errors import (
    DomainError,
    IdempotencyKeyReused,
    IllegalTransition,
    InvalidField,
    RecordNotFound,
    StaleVersion,
)
from domain.initiative import Status
from domain.organisation import OrganisationKind
from domain.request import AppliedRequest, request_id_for
from services.bootstrap import Services


@dataclass
class World:
    """Heinävesi and Oulunkaari with a unit each, and two people in the registry."""

    services: Services
    heinavesi: UUID
    home_care: UUID
    oulunkaari: UUID
    day_care: UUID
    owner: UUID
    guide: UUID

    @property
    def actor(self) -> UUID:
        return self.services.local_actor_id

    def ctx(self, **kwargs: Any) -> CommandContext:
        return CommandContext(actor=kwargs.pop("actor", self.actor), **kwargs)

    def position(self) -> int:
        return self.services.app.recorder.max_notification_id() or 0

    def topics_after(self, position: int) -> list[str]:
        return [
            n.topic
            for n in self.services.app.recorder.select_notifications(
                start=position, limit=100, inclusive_of_start=False
            )
        ]


def register_person(services: Services, name: str) -> UUID:
    with services.people.engine.begin() as conn:
        return services.people.register(conn, {"name": name})


def unit_named(services: Services, organisation_id: UUID, name: str) -> UUID:
    units = services.app.get_organisation(organisation_id).units
    return next(UUID(unit_id) for unit_id, unit_name in units.items() if unit_name == name)


@pytest.fixture
def world(services: Services) -> World:
    app = services.app
    ctx = CommandContext(actor=services.local_actor_id)
    heinavesi = app.register_organisation(ctx, name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY)
    app.add_unit(ctx, heinavesi.record_id, name="Kotihoito")
    oulunkaari = app.register_organisation(
        ctx, name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    )
    app.add_unit(ctx, oulunkaari.record_id, name="Päivähoito ja varhaiskasvatus")
    return World(
        services=services,
        heinavesi=heinavesi.record_id,
        home_care=unit_named(services, heinavesi.record_id, "Kotihoito"),
        oulunkaari=oulunkaari.record_id,
        day_care=unit_named(services, oulunkaari.record_id, "Päivähoito ja varhaiskasvatus"),
        owner=register_person(services, "Kaisa Kehittäjä"),
        guide=register_person(services, "Onni Ohjaaja"),
    )


@contextmanager
def nothing_saved(world: World, error: type[DomainError]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The command inside must raise exactly `error` and leave the event log as it was."""
    before = world.position()
    with pytest.raises(error) as caught:
        yield caught
    assert type(caught.value) is error
    assert caught.value.detail.strip()
    assert world.position() == before, "a refused command saved events"


def propose(world: World, title: str = "Perustehtävän kirkastaminen", **kwargs: Any) -> Receipt:
    ctx = kwargs.pop("ctx", None) or world.ctx()
    return world.services.app.propose_initiative(
        ctx, fields={"title": title, **kwargs.pop("fields", {})}, **kwargs
    )


# ---- references -----------------------------------------------------------------------


class TestReferences:
    def test_known_organisation_unit_and_owner_are_accepted(self, world: World) -> None:
        receipt = propose(
            world,
            fields={"organisation_id": world.heinavesi, "unit_id": world.home_care, "owner_id": world.owner},
        )
        initiative = world.services.app.get_initiative(receipt.record_id)
        assert (initiative.organisation_id, initiative.unit_id, initiative.owner_id) == (
            world.heinavesi,
            world.home_care,
            world.owner,
        )
        assert initiative.title == "Perustehtävän kirkastaminen"
        assert receipt.version == initiative.version == 1
        assert receipt.event_types == ["Proposed"]
        assert receipt.last_position == world.position()

    def test_unknown_organisation(self, world: World) -> None:
        missing = uuid4()
        with nothing_saved(world, InvalidField) as caught:
            propose(world, fields={"organisation_id": missing})
        assert caught.value.field == "organisation_id"
        assert caught.value.detail == f"There is no organisation with id {missing}."

    def test_organisation_id_of_another_kind_of_record(self, world: World) -> None:
        initiative = propose(world).record_id
        with nothing_saved(world, InvalidField) as caught:
            propose(world, title="Tavoitteellinen työkierto", fields={"organisation_id": initiative})
        assert caught.value.field == "organisation_id"

    def test_unit_of_another_organisation(self, world: World) -> None:
        with nothing_saved(world, InvalidField) as caught:
            propose(world, fields={"organisation_id": world.heinavesi, "unit_id": world.day_care})
        assert caught.value.field == "unit_id"
        assert caught.value.detail == f"Heinäveden kunta has no unit with id {world.day_care}."

    def test_unit_without_organisation(self, world: World) -> None:
        with nothing_saved(world, InvalidField) as caught:
            propose(world, fields={"unit_id": world.home_care})
        assert caught.value.field == "unit_id"

    def test_unknown_owner(self, world: World) -> None:
        missing = uuid4()
        with nothing_saved(world, InvalidField) as caught:
            propose(world, fields={"owner_id": missing})
        assert caught.value.field == "owner_id"
        assert caught.value.detail == f"There is no person with id {missing}."

    def test_unknown_team_member_on_create_saves_nothing_at_all(self, world: World) -> None:
        missing = uuid4()
        with nothing_saved(world, InvalidField) as caught:
            propose(
                world, goals=["Perustehtävä on kirjattu"], team=[(world.guide, "ohjaaja"), (missing, "jäsen")]
            )
        assert caught.value.field == "team"
        assert str(missing) in caught.value.detail

    def test_edit_checks_references_against_the_result(self, world: World) -> None:
        app = world.services.app
        receipt = propose(world, fields={"organisation_id": world.heinavesi, "unit_id": world.home_care})
        # Moving to Oulunkaari while keeping Heinävesi's unit would leave a unit of another organisation.
        with nothing_saved(world, InvalidField) as caught:
            app.edit_initiative(world.ctx(), receipt.record_id, fields={"organisation_id": world.oulunkaari})
        assert caught.value.field == "unit_id"
        assert "Oulunkaaren kuntayhtymä has no unit" in caught.value.detail
        with nothing_saved(world, InvalidField) as caught:
            app.edit_initiative(world.ctx(), receipt.record_id, fields={"owner_id": uuid4()})
        assert caught.value.field == "owner_id"
        assert app.get_initiative(receipt.record_id).version == 1
        moved = app.edit_initiative(
            world.ctx(),
            receipt.record_id,
            fields={"organisation_id": world.oulunkaari, "unit_id": world.day_care},
        )
        assert moved.version == 2
        assert app.get_initiative(receipt.record_id).unit_id == world.day_care

    def test_unknown_team_member_later(self, world: World) -> None:
        receipt = propose(world)
        missing = uuid4()
        with nothing_saved(world, InvalidField) as caught:
            world.services.app.add_team_member(
                world.ctx(), receipt.record_id, person_id=missing, role="jäsen"
            )
        assert caught.value.field == "person_id"
        assert world.services.app.get_initiative(receipt.record_id).team == {}

    def test_unknown_initiative(self, world: World) -> None:
        missing = uuid4()
        with nothing_saved(world, RecordNotFound) as caught:
            world.services.app.move_initiative(world.ctx(), missing, "plan")
        assert caught.value.detail == f"There is no initiative with id {missing}."

    def test_organisation_is_not_an_initiative(self, world: World) -> None:
        with nothing_saved(world, RecordNotFound) as caught:
            world.services.app.move_initiative(world.ctx(), world.heinavesi, "plan")
        assert caught.value.detail == f"There is no initiative with id {world.heinavesi}."

    def test_unknown_organisation_for_a_unit(self, world: World) -> None:
        with nothing_saved(world, RecordNotFound) as caught:
            world.services.app.add_unit(world.ctx(), uuid4(), name="Sosiaalityö")
        assert "There is no organisation" in caught.value.detail

    def test_invalid_organisation_kind(self, world: World) -> None:
        with nothing_saved(world, InvalidField) as caught:
            world.services.app.register_organisation(world.ctx(), name="Hamina", kind="city")  # type: ignore[arg-type]
        assert caught.value.field == "kind"

    def test_back_dated_into_the_future_is_refused(self, world: World) -> None:
        future = datetime.now(UTC).date() + timedelta(days=3)
        with nothing_saved(world, InvalidField) as caught:
            propose(world, occurred_on=future)
        assert caught.value.field == "occurred_on"
        receipt = propose(world, occurred_on=date(2012, 1, 15))
        with nothing_saved(world, InvalidField):
            world.services.app.add_note(world.ctx(), receipt.record_id, text="Myöhemmin", occurred_on=future)
        with nothing_saved(world, InvalidField):
            world.services.app.move_initiative(world.ctx(), receipt.record_id, "plan", occurred_on=future)


# ---- versions ------------------------------------------------------------------------------


class TestExpectedVersion:
    def test_stale_version_is_refused_and_nothing_saved(self, world: World) -> None:
        app = world.services.app
        receipt = propose(world)
        app.move_initiative(world.ctx(), receipt.record_id, "plan")
        with nothing_saved(world, StaleVersion) as caught:
            app.edit_initiative(
                world.ctx(expected_version=1), receipt.record_id, fields={"summary": "Myöhästynyt muutos"}
            )
        assert caught.value.current_version == 2
        assert caught.value.detail == (
            "You edited version 1 of this initiative, but it is now at version 2. "
            "Reload it and apply your change again."
        )
        initiative = app.get_initiative(receipt.record_id)
        assert (initiative.version, initiative.summary) == (2, "")

    def test_current_version_is_accepted(self, world: World) -> None:
        app = world.services.app
        receipt = propose(world)
        moved = app.move_initiative(world.ctx(expected_version=1), receipt.record_id, "plan")
        assert moved.version == 2
        assert moved.event_types == ["Planned"]
        assert app.get_initiative(receipt.record_id).status is Status.PLANNED

    def test_stale_version_on_an_organisation(self, world: World) -> None:
        with nothing_saved(world, StaleVersion) as caught:
            world.services.app.add_unit(world.ctx(expected_version=1), world.heinavesi, name="Sosiaalityö")
        assert "this organisation" in caught.value.detail
        assert caught.value.current_version == 2

    def test_illegal_move_saves_nothing(self, world: World) -> None:
        receipt = propose(world)
        with nothing_saved(world, IllegalTransition) as caught:
            world.services.app.move_initiative(world.ctx(), receipt.record_id, "complete")
        assert caught.value.allowed == ["plan", "discontinue"]

    def test_command_that_changes_nothing_saves_nothing(self, world: World) -> None:
        receipt = propose(world, fields={"summary": "Sama"})
        before = world.position()
        again = world.services.app.edit_initiative(
            world.ctx(), receipt.record_id, fields={"title": "Perustehtävän kirkastaminen", "summary": "Sama"}
        )
        assert (again.record_id, again.version, again.positions, again.replayed) == (
            receipt.record_id,
            1,
            [],
            False,
        )
        assert world.position() == before


# ---- Idempotency-Key ------------------------------------------------------------------------------


class TestIdempotency:
    def test_create_replayed_with_the_same_key(self, world: World) -> None:
        key = RequestKey("propose-1", "fingerprint-a")
        first = propose(world, ctx=world.ctx(request_key=key), goals=["Perustehtävä on kirjattu"])
        after_first = world.position()
        assert first.replayed is False
        assert first.event_types == ["Proposed", "GoalSet"]
        # The applied request is saved in the same save, right after the record's events.
        assert after_first == first.positions[-1] + 1
        assert world.topics_after(first.positions[-1]) == ["kipina:AppliedRequest.Applied"]

        second = propose(world, ctx=world.ctx(request_key=key), goals=["Perustehtävä on kirjattu"])
        assert second.replayed is True
        assert (second.record_id, second.version) == (first.record_id, first.version) == (first.record_id, 2)
        assert second.positions == []
        assert world.position() == after_first
        proposed = world.topics_after(0).count("kipina:Initiative.Proposed")
        assert proposed == 1

    def test_change_replayed_returns_the_first_result_even_after_later_changes(self, world: World) -> None:
        app = world.services.app
        initiative = propose(world).record_id
        key = RequestKey("plan-1", "fingerprint-plan")
        planned = app.move_initiative(world.ctx(request_key=key), initiative, "plan")
        app.move_initiative(world.ctx(), initiative, "start")
        before = world.position()
        retried = app.move_initiative(world.ctx(request_key=key), initiative, "plan")
        assert retried.replayed is True
        assert (retried.record_id, retried.version) == (initiative, planned.version) == (initiative, 2)
        assert world.position() == before
        assert app.get_initiative(initiative).status is Status.IN_PROGRESS

    def test_same_key_for_a_different_request_is_refused(self, world: World) -> None:
        key = "propose-2"
        propose(world, ctx=world.ctx(request_key=RequestKey(key, "fingerprint-a")))
        with nothing_saved(world, IdempotencyKeyReused) as caught:
            propose(world, title="Toinen", ctx=world.ctx(request_key=RequestKey(key, "fingerprint-b")))
        assert "already used for a different request" in caught.value.detail

    def test_keys_are_per_actor(self, world: World) -> None:
        first = propose(world, ctx=world.ctx(request_key=RequestKey("k", "fp")))
        other = propose(world, ctx=world.ctx(actor=world.owner, request_key=RequestKey("k", "fp")))
        assert other.replayed is False
        assert other.record_id != first.record_id

    def test_the_applied_request_remembers_the_result(self, world: World) -> None:
        receipt = propose(world, ctx=world.ctx(request_key=RequestKey("remember", "fp-1")))
        applied: object = world.services.app.repository.get(request_id_for(world.actor, "remember"))
        assert isinstance(applied, AppliedRequest)
        assert (applied.fingerprint, applied.record_id, applied.record_version) == (
            "fp-1",
            receipt.record_id,
            1,
        )

    def test_a_refused_request_does_not_use_up_its_key(self, world: World) -> None:
        key = "retry-after-fix"
        with nothing_saved(world, InvalidField):
            propose(world, title=" ", ctx=world.ctx(request_key=RequestKey(key, "fingerprint-blank")))
        fixed = propose(world, ctx=world.ctx(request_key=RequestKey(key, "fingerprint-fixed")))
        assert fixed.replayed is False
        assert fixed.version == 1


# ---- atomic saves ----------------------------------------------------------------------------------


def test_create_with_goals_and_team_is_one_atomic_save(world: World) -> None:
    before = world.position()
    receipt = propose(
        world,
        title="Tavoitteellinen työkierto",
        fields={"organisation_id": world.heinavesi, "unit_id": world.home_care, "owner_id": world.owner},
        goals=["Jokainen pääsee työkiertoon", "Työkierrolla on ohjaaja"],
        team=[(world.guide, "työkierron ohjaaja"), (world.owner, "vastuuhenkilö")],
    )
    assert receipt.event_types == ["Proposed", "GoalSet", "GoalSet", "TeamMemberAdded", "TeamMemberAdded"]
    assert receipt.version == 5
    assert receipt.positions == list(range(before + 1, before + 6)), "events of one command must be adjacent"
    assert world.position() == before + 5
    assert world.topics_after(before) == [
        "kipina:Initiative.Proposed",
        "kipina:Initiative.GoalSet",
        "kipina:Initiative.GoalSet",
        "kipina:Initiative.TeamMemberAdded",
        "kipina:Initiative.TeamMemberAdded",
    ]
    initiative = world.services.app.get_initiative(receipt.record_id)
    assert sorted(initiative.goals.values()) == ["Jokainen pääsee työkiertoon", "Työkierrolla on ohjaaja"]
    assert initiative.team == {str(world.guide): "työkierron ohjaaja", str(world.owner): "vastuuhenkilö"}


def test_finnish_text_survives_the_store(world: World) -> None:
    app = world.services.app
    title = "Kehittäminen kuuluu kaikille – Åland, Öljy, Äänekoski"
    receipt = propose(world, title=title, fields={"themes": ["Kädenjälki", "kädenjälki", "Työhyvinvointi"]})
    app.add_note(world.ctx(), receipt.record_id, text="Muutospäivän kädenjälkimerkit jaettiin.")
    initiative = app.get_initiative(receipt.record_id)
    assert initiative.title == title
    assert initiative.themes == ["Kädenjälki", "Työhyvinvointi"]
    assert initiative.notes[0]["text"] == "Muutospäivän kädenjälkimerkit jaettiin."
