"""The Organisation aggregate on its own: registration, units and their names.

Pure domain, no I/O. Each refused command is checked for its error class, a
readable sentence, and that nothing was recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import DomainError, InvalidField, RuleViolation
from domain.organisation import NAME_MAX, Organisation, OrganisationKind

ACTOR = uuid4()


def register(name: str = "Heinäveden kunta", kind: Any = OrganisationKind.MUNICIPALITY) -> Organisation:
    return Organisation.register(organisation_id=uuid4(), actor=ACTOR, name=name, kind=kind)


def heinavesi(*unit_names: str) -> tuple[Organisation, dict[str, Any]]:
    """Heinävesi with the given units, events collected; returns unit ids by name."""
    organisation = register()
    ids = {}
    for name in unit_names:
        ids[name] = uuid4()
        organisation.add_unit(actor=ACTOR, unit_id=ids[name], name=name)
    organisation.collect_events()
    return organisation, ids


@contextmanager
def refused(organisation: Organisation, error: type[DomainError]) -> Iterator[pytest.ExceptionInfo[Any]]:
    pending = len(organisation.pending_events)
    version = organisation.version
    units = dict(organisation.units)
    with pytest.raises(error) as caught:
        yield caught
    assert type(caught.value) is error
    assert caught.value.detail.strip()
    assert len(organisation.pending_events) == pending, "a refused command recorded an event"
    assert organisation.version == version
    assert organisation.units == units


class TestRegister:
    def test_register_municipality(self) -> None:
        organisation_id = uuid4()
        organisation = Organisation.register(
            organisation_id=organisation_id,
            actor=ACTOR,
            name="  Heinäveden kunta ",
            kind=OrganisationKind.MUNICIPALITY,
        )
        assert organisation.id == organisation_id
        assert organisation.version == 1
        assert organisation.name == "Heinäveden kunta"
        assert organisation.kind is OrganisationKind.MUNICIPALITY
        assert organisation.units == {}
        (event,) = organisation.pending_events
        assert isinstance(event, Organisation.Registered)
        assert (event.name, event.kind, event.actor, event.occurred_on) == (
            "Heinäveden kunta",
            "municipality",
            ACTOR,
            None,
        )

    @pytest.mark.parametrize("kind", list(OrganisationKind))
    def test_every_kind_is_accepted_as_enum_or_plain_string(self, kind: OrganisationKind) -> None:
        assert register(kind=kind).kind is kind
        assert register(kind=kind.value).kind is kind

    def test_joint_authority(self) -> None:
        organisation = register("Oulunkaaren kuntayhtymä", "joint_authority")
        assert organisation.kind is OrganisationKind.JOINT_AUTHORITY
        assert organisation.name == "Oulunkaaren kuntayhtymä"

    @pytest.mark.parametrize("kind", ["city", "", "Municipality"])
    def test_invalid_kind_is_refused(self, kind: str) -> None:
        with pytest.raises(InvalidField) as caught:
            register(kind=kind)
        assert caught.value.field == "kind"
        assert f"'{kind}' is not a kind of organisation" in caught.value.detail
        for choice in OrganisationKind:
            assert choice.value in caught.value.detail

    @pytest.mark.parametrize("blank", ["", "   "])
    def test_blank_name_is_refused(self, blank: str) -> None:
        with pytest.raises(InvalidField) as caught:
            register(name=blank)
        assert caught.value.field == "name"
        assert caught.value.detail == "name is required and cannot be blank."

    def test_too_long_name_is_refused(self) -> None:
        assert register(name="ä" * NAME_MAX).name == "ä" * NAME_MAX
        with pytest.raises(InvalidField) as caught:
            register(name="ä" * (NAME_MAX + 1))
        assert caught.value.field == "name"
        assert f"the limit is {NAME_MAX}" in caught.value.detail


class TestUnits:
    def test_add_units(self) -> None:
        organisation, _ = heinavesi()
        home_care, ward = uuid4(), uuid4()
        organisation.add_unit(actor=ACTOR, unit_id=home_care, name=" Kotihoito ")
        organisation.add_unit(actor=ACTOR, unit_id=ward, name="Terveyskeskuksen vuodeosasto")
        assert organisation.units == {str(home_care): "Kotihoito", str(ward): "Terveyskeskuksen vuodeosasto"}
        assert organisation.has_unit(home_care)
        assert not organisation.has_unit(uuid4())
        events = organisation.pending_events
        assert [type(e).__name__ for e in events] == ["UnitAdded", "UnitAdded"]
        assert isinstance(events[0], Organisation.UnitAdded)
        assert (events[0].unit_id, events[0].name, events[0].actor) == (home_care, "Kotihoito", ACTOR)
        assert organisation.version == 3

    @pytest.mark.parametrize("duplicate", ["Kotihoito", "kotihoito", "  KOTIHOITO "])
    def test_duplicate_unit_name_is_refused_case_insensitively(self, duplicate: str) -> None:
        organisation, _ = heinavesi("Kotihoito")
        with refused(organisation, RuleViolation) as caught:
            organisation.add_unit(actor=ACTOR, unit_id=uuid4(), name=duplicate)
        assert caught.value.detail == "Heinäveden kunta already has a unit called 'Kotihoito'."

    def test_blank_unit_name_is_refused(self) -> None:
        organisation, _ = heinavesi("Kotihoito")
        with refused(organisation, InvalidField) as caught:
            organisation.add_unit(actor=ACTOR, unit_id=uuid4(), name="  ")
        assert caught.value.field == "name"

    def test_rename_unit(self) -> None:
        organisation, ids = heinavesi("Päivähoito", "Sosiaalityö")
        unit_id = ids["Päivähoito"]
        organisation.rename_unit(actor=ACTOR, unit_id=unit_id, name="Päivähoito ja varhaiskasvatus")
        assert organisation.units[str(unit_id)] == "Päivähoito ja varhaiskasvatus"
        assert organisation.units[str(ids["Sosiaalityö"])] == "Sosiaalityö"
        (event,) = organisation.pending_events
        assert isinstance(event, Organisation.UnitRenamed)
        assert (event.unit_id, event.name) == (unit_id, "Päivähoito ja varhaiskasvatus")

    def test_rename_to_the_same_name_records_nothing(self) -> None:
        organisation, ids = heinavesi("Kotihoito")
        version = organisation.version
        organisation.rename_unit(actor=ACTOR, unit_id=ids["Kotihoito"], name=" Kotihoito ")
        assert organisation.pending_events == []
        assert organisation.version == version

    def test_a_unit_may_change_the_case_of_its_own_name(self) -> None:
        organisation, ids = heinavesi("kotihoito")
        organisation.rename_unit(actor=ACTOR, unit_id=ids["kotihoito"], name="Kotihoito")
        assert organisation.units == {str(ids["kotihoito"]): "Kotihoito"}
        assert len(organisation.pending_events) == 1

    def test_rename_to_another_units_name_is_refused(self) -> None:
        organisation, ids = heinavesi("Kotihoito", "Sosiaalityö")
        with refused(organisation, RuleViolation) as caught:
            organisation.rename_unit(actor=ACTOR, unit_id=ids["Sosiaalityö"], name="KOTIHOITO")
        assert caught.value.detail == "Heinäveden kunta already has a unit called 'Kotihoito'."

    def test_rename_unknown_unit_is_refused(self) -> None:
        organisation, _ = heinavesi("Kotihoito")
        missing = uuid4()
        with refused(organisation, RuleViolation) as caught:
            organisation.rename_unit(actor=ACTOR, unit_id=missing, name="Sosiaalityö")
        assert caught.value.detail == f"Heinäveden kunta has no unit with id {missing}."

    def test_rename_to_blank_is_refused(self) -> None:
        organisation, ids = heinavesi("Kotihoito")
        with refused(organisation, InvalidField) as caught:
            organisation.rename_unit(actor=ACTOR, unit_id=ids["Kotihoito"], name="")
        assert caught.value.field == "name"


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    organisation = register("Oulunkaaren kuntayhtymä", OrganisationKind.JOINT_AUTHORITY)
    first, second = uuid4(), uuid4()
    organisation.add_unit(actor=ACTOR, unit_id=first, name="Kotihoito")
    organisation.add_unit(actor=ACTOR, unit_id=second, name="Päivähoito")
    organisation.rename_unit(actor=ACTOR, unit_id=second, name="Päivähoito ja varhaiskasvatus")
    state = {k: v for k, v in vars(organisation).items() if k != "_pending_events"}
    copy: Any = None
    for event in organisation.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, Organisation)
    assert {k: v for k, v in vars(copy).items() if k != "_pending_events"} == state
    assert copy.kind is OrganisationKind.JOINT_AUTHORITY
    assert copy.units == {str(first): "Kotihoito", str(second): "Päivähoito ja varhaiskasvatus"}
    assert copy.version == 4


class TestUnitLimit:
    def test_units_up_to_the_limit_then_refused(self) -> None:
        from domain.organisation import UNITS_MAX

        organisation = register()
        for number in range(UNITS_MAX):
            organisation.add_unit(actor=ACTOR, unit_id=uuid4(), name=f"Yksikkö {number}")
        with refused(organisation, RuleViolation) as caught:
            organisation.add_unit(actor=ACTOR, unit_id=uuid4(), name="Yksi liikaa")
        assert f"already has {UNITS_MAX} units" in caught.value.detail

    def test_a_unit_name_with_a_direction_override_is_refused(self) -> None:
        organisation, _ = heinavesi()
        with refused(organisation, InvalidField) as caught:
            organisation.add_unit(actor=ACTOR, unit_id=uuid4(), name="Koti\u202ehoito")
        assert "direction-changing" in caught.value.detail


class TestCorrectingNameAndKind:
    def test_rename(self) -> None:
        organisation, _ = heinavesi()
        organisation.rename(actor=ACTOR, name="  Heinäveden kunta (Pohjois-Karjala) ")
        assert organisation.name == "Heinäveden kunta (Pohjois-Karjala)"
        (event,) = organisation.pending_events
        assert isinstance(event, Organisation.Renamed)
        assert (event.name, event.actor, event.occurred_on) == (
            "Heinäveden kunta (Pohjois-Karjala)",
            ACTOR,
            None,
        )
        assert organisation.version == 2

    def test_change_kind(self) -> None:
        organisation, _ = heinavesi()
        organisation.change_kind(actor=ACTOR, kind="joint_authority")
        assert organisation.kind is OrganisationKind.JOINT_AUTHORITY
        (event,) = organisation.pending_events
        assert isinstance(event, Organisation.KindChanged)
        assert (event.kind, event.actor, event.occurred_on) == ("joint_authority", ACTOR, None)

    def test_the_same_name_or_kind_records_nothing(self) -> None:
        organisation, _ = heinavesi()
        organisation.rename(actor=ACTOR, name=" Heinäveden kunta ")
        organisation.change_kind(actor=ACTOR, kind=OrganisationKind.MUNICIPALITY)
        organisation.edit(actor=ACTOR, fields={"name": "Heinäveden kunta", "kind": "municipality"})
        organisation.edit(actor=ACTOR, fields={})
        assert organisation.pending_events == []
        assert organisation.version == 1

    def test_edit_changes_both_in_one_go(self) -> None:
        organisation, _ = heinavesi()
        organisation.edit(actor=ACTOR, fields={"name": "Heinäveden seutu", "kind": "other"})
        assert [type(e).__name__ for e in organisation.pending_events] == ["Renamed", "KindChanged"]
        assert (organisation.name, organisation.kind) == ("Heinäveden seutu", OrganisationKind.OTHER)

    def test_edit_changes_only_what_differs(self) -> None:
        organisation, _ = heinavesi()
        organisation.edit(actor=ACTOR, fields={"name": "Heinäveden kunta", "kind": "other"})
        assert [type(e).__name__ for e in organisation.pending_events] == ["KindChanged"]

    @pytest.mark.parametrize(
        ("fields", "field", "detail"),
        [
            ({"name": "  "}, "name", "name is required and cannot be blank."),
            ({"name": None}, "name", "name is required and cannot be blank."),
            ({"name": "ä" * (NAME_MAX + 1)}, "name", f"the limit is {NAME_MAX}"),
            ({"name": "Heinä\u202evesi"}, "name", "direction-changing"),
            ({"name": "Heinä\x00vesi"}, "name", "control character"),
            ({"kind": "city"}, "kind", "'city' is not a kind of organisation"),
            ({"kind": None}, "kind", "kind is required and cannot be blank."),
            ({"units": {}}, "units", "units is not a field of an organisation."),
            # A good name with a bad kind: the name is not recorded alone.
            ({"name": "Heinäveden seutu", "kind": "city"}, "kind", "is not a kind of organisation"),
        ],
    )
    def test_a_refused_edit_records_nothing(self, fields: dict[str, Any], field: str, detail: str) -> None:
        organisation, _ = heinavesi("Kotihoito")
        with refused(organisation, InvalidField) as caught:
            organisation.edit(actor=ACTOR, fields=fields)
        assert caught.value.field == field
        assert detail in caught.value.detail
        assert (organisation.name, organisation.kind) == ("Heinäveden kunta", OrganisationKind.MUNICIPALITY)

    @pytest.mark.parametrize("blank", ["", "   "])
    def test_rename_to_blank_is_refused(self, blank: str) -> None:
        organisation, _ = heinavesi()
        with refused(organisation, InvalidField) as caught:
            organisation.rename(actor=ACTOR, name=blank)
        assert caught.value.field == "name"
        assert organisation.name == "Heinäveden kunta"

    def test_unknown_kind_is_refused_naming_the_choices(self) -> None:
        organisation, _ = heinavesi()
        with refused(organisation, InvalidField) as caught:
            organisation.change_kind(actor=ACTOR, kind="Municipality")
        for choice in OrganisationKind:
            assert choice.value in caught.value.detail

    def test_replay_keeps_the_corrected_name_and_kind(self) -> None:
        organisation = register()
        organisation.rename(actor=ACTOR, name="Heinäveden seutu")
        organisation.change_kind(actor=ACTOR, kind="other")
        copy: Any = None
        for event in organisation.collect_events():
            copy = event.mutate(copy)
        assert isinstance(copy, Organisation)
        assert (copy.name, copy.kind, copy.version) == ("Heinäveden seutu", OrganisationKind.OTHER, 3)
