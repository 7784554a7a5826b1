"""The Initiative aggregate on its own: every lifecycle rule and every refusal.

Pure domain, no I/O. Each refused command is checked three ways: the error
class, a sentence a person understands, and that nothing was recorded (no new
pending event, version unchanged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.errors import DomainError, IllegalTransition, InvalidField, RecordNotFound, RuleViolation
from domain.initiative import (
    EDITABLE_FIELDS,
    NOTE_MAX,
    THEME_MAX,
    THEMES_MAX,
    TITLE_MAX,
    VERBS,
    Initiative,
    Status,
    allowed_moves,
)

ACTOR = uuid4()
TITLE = "Perustehtävän kirkastaminen"

# The lifecycle written out by hand, so the test pins the rules instead of reading them back.
EXPECTED_MOVES: dict[Status, list[str]] = {
    Status.PROPOSED: ["plan", "discontinue"],
    Status.PLANNED: ["start", "pause", "discontinue"],
    Status.IN_PROGRESS: ["evaluate", "pause", "discontinue"],
    Status.EVALUATING: ["complete", "start", "pause", "discontinue"],
    Status.PAUSED: ["resume", "discontinue"],
    Status.COMPLETED: ["spread"],
    Status.SPREAD: [],
    Status.DISCONTINUED: [],
}

# How to reach each status from proposed.
PATH_TO: dict[Status, list[str]] = {
    Status.PROPOSED: [],
    Status.PLANNED: ["plan"],
    Status.IN_PROGRESS: ["plan", "start"],
    Status.EVALUATING: ["plan", "start", "evaluate"],
    Status.PAUSED: ["plan", "start", "pause"],
    Status.COMPLETED: ["plan", "start", "evaluate", "complete"],
    Status.SPREAD: ["plan", "start", "evaluate", "complete", "spread"],
    Status.DISCONTINUED: ["discontinue"],
}

NON_FINAL = [Status.PROPOSED, Status.PLANNED, Status.IN_PROGRESS, Status.EVALUATING, Status.PAUSED]
FINAL = [Status.SPREAD, Status.DISCONTINUED]
PAUSABLE = [Status.PLANNED, Status.IN_PROGRESS, Status.EVALUATING]

ILLEGAL = [(status, verb) for status in Status for verb in VERBS if verb not in EXPECTED_MOVES[status]]


def propose(**fields: Any) -> Initiative:
    return Initiative.propose(
        initiative_id=uuid4(), actor=ACTOR, occurred_on=None, fields={"title": TITLE, **fields}
    )


def move(initiative: Initiative, verb: str, **kwargs: Any) -> None:
    if verb == "discontinue":
        kwargs.setdefault("reason", "Resurssit siirtyivät muualle.")
        kwargs.setdefault("lessons", "Aloita pienemmin.")
    initiative.move(verb, actor=ACTOR, occurred_on=kwargs.pop("occurred_on", None), **kwargs)


def at(status: Status, **fields: Any) -> Initiative:
    """A fresh initiative in `status`, with its events already collected (none pending)."""
    initiative = propose(**fields)
    for verb in PATH_TO[status]:
        move(initiative, verb)
    initiative.collect_events()
    assert initiative.status is status
    return initiative


def event_types(initiative: Initiative) -> list[str]:
    return [type(e).__name__ for e in initiative.pending_events]


@contextmanager
def refused(initiative: Initiative, error: type[DomainError]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The command inside must raise exactly `error` and leave the initiative untouched."""
    pending = len(initiative.pending_events)
    version = initiative.version
    status = initiative.status
    with pytest.raises(error) as caught:
        yield caught
    assert type(caught.value) is error
    assert caught.value.detail.strip(), "the error must say what is wrong"
    assert len(initiative.pending_events) == pending, "a refused command recorded an event"
    assert initiative.version == version
    assert initiative.status is status


def replayed(initiative: Initiative) -> Initiative:
    """Rebuild the initiative from its own events, as the repository does on load."""
    copy: Any = None
    for event in initiative.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, Initiative)
    return copy


def future() -> date:
    return datetime.now(UTC).date() + timedelta(days=3)


# ---- propose ------------------------------------------------------------------


class TestPropose:
    def test_only_the_title_is_needed(self) -> None:
        initiative_id = uuid4()
        initiative = Initiative.propose(
            initiative_id=initiative_id, actor=ACTOR, occurred_on=None, fields={"title": f"  {TITLE} "}
        )
        assert initiative.id == initiative_id
        assert initiative.version == 1
        assert initiative.title == TITLE
        assert initiative.status is Status.PROPOSED
        assert (initiative.summary, initiative.target_group) == ("", "")
        assert (initiative.organisation_id, initiative.unit_id, initiative.owner_id) == (None, None, None)
        assert initiative.themes == []
        assert (initiative.goals, initiative.team, initiative.notes) == ({}, {}, [])
        assert initiative.paused_from is None
        (event,) = initiative.pending_events
        assert isinstance(event, Initiative.Proposed)
        assert event.actor == ACTOR
        assert event.occurred_on is None
        assert event.title == TITLE

    def test_every_field_can_be_given_at_once(self) -> None:
        organisation_id, unit_id, owner_id = uuid4(), uuid4(), uuid4()
        initiative = propose(
            summary="  Heinävesen peruspalveluiden yhteinen kehittämiskohde. ",
            organisation_id=organisation_id,
            unit_id=unit_id,
            owner_id=owner_id,
            themes=[" Osaaminen", "osaaminen", "Perustehtävä "],
            target_group="Kotihoito ja Terveyskeskuksen vuodeosasto",
        )
        assert initiative.summary == "Heinävesen peruspalveluiden yhteinen kehittämiskohde."
        assert (initiative.organisation_id, initiative.unit_id, initiative.owner_id) == (
            organisation_id,
            unit_id,
            owner_id,
        )
        assert initiative.themes == ["Osaaminen", "Perustehtävä"]
        assert initiative.target_group == "Kotihoito ja Terveyskeskuksen vuodeosasto"
        assert event_types(initiative) == ["Proposed"]

    def test_back_dated_start_is_kept_on_the_event(self) -> None:
        initiative = Initiative.propose(
            initiative_id=uuid4(), actor=ACTOR, occurred_on=date(2012, 1, 15), fields={"title": TITLE}
        )
        assert initiative.pending_events[0].occurred_on == date(2012, 1, 15)  # type: ignore[attr-defined]

    def test_occurred_on_in_the_future_is_refused(self) -> None:
        when = future()
        with pytest.raises(InvalidField) as caught:
            Initiative.propose(initiative_id=uuid4(), actor=ACTOR, occurred_on=when, fields={"title": TITLE})
        assert caught.value.field == "occurred_on"
        assert when.isoformat() in caught.value.detail

    def test_missing_title_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            Initiative.propose(initiative_id=uuid4(), actor=ACTOR, occurred_on=None, fields={"summary": "x"})
        assert caught.value.field == "title"
        assert caught.value.detail == "title is required and cannot be blank."

    @pytest.mark.parametrize("blank", ["", "   ", None])
    def test_blank_title_is_refused(self, blank: str | None) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(title=blank)
        assert caught.value.field == "title"
        assert "required" in caught.value.detail

    def test_title_at_the_limit_is_accepted_and_one_more_is_refused(self) -> None:
        assert propose(title="ä" * TITLE_MAX).title == "ä" * TITLE_MAX
        with pytest.raises(InvalidField) as caught:
            propose(title="ä" * (TITLE_MAX + 1))
        assert caught.value.field == "title"
        assert f"the limit is {TITLE_MAX}" in caught.value.detail

    def test_unknown_field_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(budget=1000)
        assert caught.value.field == "budget"
        assert caught.value.detail == "budget is not a field of an initiative."

    def test_unit_without_organisation_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(unit_id=uuid4())
        assert caught.value.field == "unit_id"
        assert "organisation" in caught.value.detail

    def test_unit_with_organisation_set_to_none_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(unit_id=uuid4(), organisation_id=None)
        assert caught.value.field == "unit_id"

    @pytest.mark.parametrize("name", ["organisation_id", "unit_id", "owner_id"])
    def test_reference_that_is_not_a_uuid_is_refused(self, name: str) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(**{name: "Heinävesi"})
        assert caught.value.field == name
        assert caught.value.detail == f"{name} must be a UUID."

    def test_too_many_themes_refused(self) -> None:
        assert len(propose(themes=[f"teema {n}" for n in range(THEMES_MAX)]).themes) == THEMES_MAX
        with pytest.raises(InvalidField) as caught:
            propose(themes=[f"teema {n}" for n in range(THEMES_MAX + 1)])
        assert caught.value.field == "themes"
        assert f"the limit is {THEMES_MAX}" in caught.value.detail

    def test_too_long_theme_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(themes=["ö" * (THEME_MAX + 1)])
        assert caught.value.field == "themes"

    def test_themes_none_means_no_themes(self) -> None:
        assert propose(themes=None).themes == []


# ---- lifecycle ------------------------------------------------------------------


class TestLifecycle:
    def test_allowed_moves_follow_the_design(self) -> None:
        for status in Status:
            assert allowed_moves(status) == EXPECTED_MOVES[status], status

    def test_full_happy_path(self) -> None:
        initiative = propose()
        seen = [initiative.status]
        for verb in ["plan", "start", "evaluate", "complete", "spread"]:
            move(initiative, verb)
            seen.append(initiative.status)
        assert seen == [
            Status.PROPOSED,
            Status.PLANNED,
            Status.IN_PROGRESS,
            Status.EVALUATING,
            Status.COMPLETED,
            Status.SPREAD,
        ]
        assert initiative.version == 6
        assert event_types(initiative) == [
            "Proposed",
            "Planned",
            "Started",
            "EvaluationStarted",
            "Completed",
            "Spread",
        ]
        assert all(e.actor == ACTOR for e in initiative.pending_events)  # type: ignore[attr-defined]

    @pytest.mark.parametrize("status", PAUSABLE)
    def test_pause_and_resume_return_to_where_it_was(self, status: Status) -> None:
        initiative = at(status)
        move(initiative, "pause", reason="  Henkilöstövaje kesällä ")
        assert initiative.status is Status.PAUSED
        assert initiative.paused_from is status
        (paused,) = initiative.pending_events
        assert isinstance(paused, Initiative.Paused)
        assert paused.reason == "Henkilöstövaje kesällä"
        move(initiative, "resume")
        assert initiative.status is status
        assert initiative.paused_from is None
        assert event_types(initiative) == ["Paused", "Resumed"]
        assert allowed_moves(initiative.status) == EXPECTED_MOVES[status]

    def test_pause_reason_is_optional(self) -> None:
        initiative = at(Status.PLANNED)
        move(initiative, "pause")
        assert initiative.pending_events[0].reason == ""  # type: ignore[attr-defined]

    def test_pause_reason_too_long_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            move(initiative, "pause", reason="x" * 5001)
        assert caught.value.field == "reason"

    def test_evaluation_can_send_the_work_back_to_in_progress(self) -> None:
        initiative = at(Status.EVALUATING)
        statuses = []
        for verb in ["start", "evaluate", "complete"]:
            move(initiative, verb)
            statuses.append(initiative.status)
        assert statuses == [Status.IN_PROGRESS, Status.EVALUATING, Status.COMPLETED]
        assert event_types(initiative) == ["Started", "EvaluationStarted", "Completed"]

    def test_moves_can_be_back_dated(self) -> None:
        initiative = at(Status.PROPOSED)
        move(initiative, "plan", occurred_on=date(2011, 11, 30))
        assert initiative.pending_events[0].occurred_on == date(2011, 11, 30)  # type: ignore[attr-defined]

    def test_move_dated_in_the_future_is_refused(self) -> None:
        initiative = at(Status.PROPOSED)
        with refused(initiative, InvalidField) as caught:
            move(initiative, "plan", occurred_on=future())
        assert caught.value.field == "occurred_on"
        assert "future" in caught.value.detail

    def test_unknown_verb_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            move(initiative, "archive")
        assert caught.value.field == "verb"
        assert caught.value.detail == "'archive' is not a lifecycle move of an initiative."

    @pytest.mark.parametrize(("status", "verb"), ILLEGAL, ids=[f"{s.value}-{v}" for s, v in ILLEGAL])
    def test_illegal_move_names_the_status_and_the_allowed_moves(self, status: Status, verb: str) -> None:
        initiative = at(status)
        with refused(initiative, IllegalTransition) as caught:
            move(initiative, verb)
        error: IllegalTransition = caught.value
        assert isinstance(error, RuleViolation)  # so the API answers 409
        assert error.allowed == allowed_moves(status) == EXPECTED_MOVES[status]
        label = status.value.replace("_", " ")
        assert error.detail.startswith(f"Cannot {verb} this initiative: it is {label}")
        if EXPECTED_MOVES[status]:
            assert error.detail.endswith(f"Allowed moves from {label}: {', '.join(error.allowed)}.")
        else:
            assert "final" in error.detail
            assert "no moves are allowed" in error.detail

    def test_illegal_move_message_reads_as_a_sentence(self) -> None:
        initiative = at(Status.PROPOSED)
        with refused(initiative, IllegalTransition) as caught:
            move(initiative, "complete")
        assert caught.value.detail == (
            "Cannot complete this initiative: it is proposed. Allowed moves from proposed: plan, discontinue."
        )

    def test_only_spread_leads_out_of_completed(self) -> None:
        for verb in VERBS:
            initiative = at(Status.COMPLETED)
            if verb == "spread":
                move(initiative, verb)
                assert initiative.status is Status.SPREAD
            else:
                with refused(initiative, IllegalTransition) as caught:
                    move(initiative, verb)
                assert caught.value.allowed == ["spread"]

    def test_resume_when_not_paused_is_refused(self) -> None:
        initiative = at(Status.IN_PROGRESS)
        with refused(initiative, IllegalTransition) as caught:
            move(initiative, "resume")
        assert "in progress" in caught.value.detail


class TestDiscontinue:
    @pytest.mark.parametrize("status", NON_FINAL)
    def test_from_every_non_final_status_with_reason_and_lessons(self, status: Status) -> None:
        initiative = at(status)
        move(
            initiative,
            "discontinue",
            reason="  Työkierron ohjaajaa ei saatu. ",
            lessons="Sovi ohjaaja ennen aloitusta.",
        )
        assert initiative.status is Status.DISCONTINUED
        assert initiative.paused_from is None
        assert initiative.discontinued_reason == "Työkierron ohjaajaa ei saatu."
        assert initiative.lessons == "Sovi ohjaaja ennen aloitusta."
        (event,) = initiative.pending_events
        assert isinstance(event, Initiative.Discontinued)
        assert (event.reason, event.lessons) == (initiative.discontinued_reason, initiative.lessons)

    @pytest.mark.parametrize("status", NON_FINAL)
    @pytest.mark.parametrize("missing", ["reason", "lessons"])
    @pytest.mark.parametrize("blank", ["", "  \n "])
    def test_reason_and_lessons_are_both_required(self, status: Status, missing: str, blank: str) -> None:
        initiative = at(status)
        given = {"reason": "Rahoitus loppui.", "lessons": "Varmista rahoitus.", missing: blank}
        with refused(initiative, InvalidField) as caught:
            move(initiative, "discontinue", **given)
        assert caught.value.field == missing
        assert caught.value.detail == f"{missing} is required and cannot be blank."
        assert initiative.discontinued_reason == ""
        assert initiative.lessons == ""

    def test_reason_too_long_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            move(initiative, "discontinue", reason="x" * 5001)
        assert caught.value.field == "reason"


# ---- closed records -------------------------------------------------------------


def closing_attempts(goal_id: UUID, member_id: UUID) -> dict[str, Callable[[Initiative], None]]:
    return {
        "edit": lambda i: i.edit(actor=ACTOR, fields={"title": "Uusi nimi"}),
        "set_goal": lambda i: i.set_goal(actor=ACTOR, goal_id=uuid4(), text="Uusi tavoite"),
        "reword_goal": lambda i: i.reword_goal(actor=ACTOR, goal_id=goal_id, text="Uusi sanamuoto"),
        "remove_goal": lambda i: i.remove_goal(actor=ACTOR, goal_id=goal_id),
        "add_team_member": lambda i: i.add_team_member(actor=ACTOR, person_id=uuid4(), role=""),
        "remove_team_member": lambda i: i.remove_team_member(actor=ACTOR, person_id=member_id),
    }


ATTEMPTS = list(closing_attempts(uuid4(), uuid4()))


def with_goal_and_member(status: Status) -> tuple[Initiative, UUID, UUID]:
    goal_id, member_id = uuid4(), uuid4()
    initiative = propose()
    initiative.set_goal(actor=ACTOR, goal_id=goal_id, text="Perustehtävä on kirjattu")
    initiative.add_team_member(actor=ACTOR, person_id=member_id, role="ohjaaja")
    for verb in PATH_TO[status]:
        move(initiative, verb)
    initiative.collect_events()
    return initiative, goal_id, member_id


class TestFinalStatuses:
    @pytest.mark.parametrize("status", FINAL)
    @pytest.mark.parametrize("attempt", ATTEMPTS)
    def test_final_records_refuse_changes(self, status: Status, attempt: str) -> None:
        initiative, goal_id, member_id = with_goal_and_member(status)
        with refused(initiative, RuleViolation) as caught:
            closing_attempts(goal_id, member_id)[attempt](initiative)
        label = status.value
        assert caught.value.detail.endswith(f"this initiative: it is {label}, which is final.")
        assert initiative.title == TITLE
        assert initiative.goals == {str(goal_id): "Perustehtävä on kirjattu"}
        assert initiative.team == {str(member_id): "ohjaaja"}

    @pytest.mark.parametrize("attempt", ATTEMPTS)
    def test_completed_is_not_final_for_fields_goals_and_team(self, attempt: str) -> None:
        initiative, goal_id, member_id = with_goal_and_member(Status.COMPLETED)
        closing_attempts(goal_id, member_id)[attempt](initiative)
        assert len(initiative.pending_events) == 1
        assert initiative.status is Status.COMPLETED

    @pytest.mark.parametrize("status", list(Status))
    def test_notes_are_allowed_in_every_status(self, status: Status) -> None:
        initiative = at(status)
        note_id = uuid4()
        initiative.add_note(
            actor=ACTOR,
            note_id=note_id,
            text="Malli levisi Oulunkaaren kuntayhtymän muihin yksiköihin.",
            occurred_on=None,
        )
        assert initiative.notes == [
            {"note_id": str(note_id), "text": "Malli levisi Oulunkaaren kuntayhtymän muihin yksiköihin."}
        ]
        assert event_types(initiative) == ["NoteAdded"]
        assert initiative.status is status


# ---- edits ------------------------------------------------------------------------


class TestEdit:
    def test_records_only_the_fields_that_change(self) -> None:
        initiative = at(Status.PLANNED, summary="Sama", themes=["Työkierto"])
        owner_id = uuid4()
        initiative.edit(
            actor=ACTOR,
            fields={
                "title": f" {TITLE} ",
                "summary": "Uusi kuvaus",
                "themes": [" Työkierto "],
                "owner_id": owner_id,
            },
        )
        (event,) = initiative.pending_events
        assert isinstance(event, Initiative.Edited)
        assert event.changes == {"summary": "Uusi kuvaus", "owner_id": owner_id}
        assert event.actor == ACTOR
        assert initiative.summary == "Uusi kuvaus"
        assert initiative.owner_id == owner_id
        assert initiative.version == 3

    def test_edit_that_changes_nothing_records_nothing(self) -> None:
        initiative = at(Status.IN_PROGRESS, summary="Kuvaus", themes=["Vuorovaikutus"])
        version = initiative.version
        initiative.edit(
            actor=ACTOR,
            fields={"title": TITLE, "summary": " Kuvaus ", "themes": ["Vuorovaikutus", "vuorovaikutus"]},
        )
        assert initiative.pending_events == []
        assert initiative.version == version

    def test_empty_edit_records_nothing(self) -> None:
        initiative = at(Status.PROPOSED)
        initiative.edit(actor=ACTOR, fields={})
        assert initiative.pending_events == []

    def test_every_editable_field_can_change(self) -> None:
        organisation_id, unit_id, owner_id = uuid4(), uuid4(), uuid4()
        new_values: dict[str, Any] = {
            "title": "Tavoitteellinen työkierto",
            "summary": "Työkierto ohjaajan kanssa",
            "organisation_id": organisation_id,
            "unit_id": unit_id,
            "owner_id": owner_id,
            "themes": ["Työkierto"],
            "target_group": "Sosiaalityö",
        }
        assert set(new_values) == set(EDITABLE_FIELDS)
        initiative = at(Status.PROPOSED)
        initiative.edit(actor=ACTOR, fields=new_values)
        assert initiative.pending_events[0].changes == new_values  # type: ignore[attr-defined]
        for name, value in new_values.items():
            assert getattr(initiative, name) == value

    def test_summary_can_be_cleared(self) -> None:
        initiative = at(Status.PROPOSED, summary="Vanha")
        initiative.edit(actor=ACTOR, fields={"summary": None})
        assert initiative.summary == ""

    def test_unknown_field_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.edit(actor=ACTOR, fields={"summary": "ok", "status": "completed"})
        assert caught.value.field == "status"
        assert caught.value.detail == "status is not a field of an initiative."
        assert initiative.summary == ""

    def test_blank_title_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.edit(actor=ACTOR, fields={"title": "  "})
        assert caught.value.field == "title"
        assert initiative.title == TITLE

    def test_too_long_title_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.edit(actor=ACTOR, fields={"title": "x" * (TITLE_MAX + 1)})
        assert caught.value.field == "title"

    def test_unit_without_organisation_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.edit(actor=ACTOR, fields={"unit_id": uuid4()})
        assert caught.value.field == "unit_id"
        assert "organisation" in caught.value.detail
        assert initiative.unit_id is None

    def test_clearing_the_organisation_cannot_leave_the_unit_behind(self) -> None:
        organisation_id, unit_id = uuid4(), uuid4()
        initiative = at(Status.PLANNED, organisation_id=organisation_id, unit_id=unit_id)
        with refused(initiative, InvalidField) as caught:
            initiative.edit(actor=ACTOR, fields={"organisation_id": None})
        assert caught.value.field == "unit_id"
        assert (initiative.organisation_id, initiative.unit_id) == (organisation_id, unit_id)
        initiative.edit(actor=ACTOR, fields={"organisation_id": None, "unit_id": None})
        assert (initiative.organisation_id, initiative.unit_id) == (None, None)

    def test_unit_may_be_set_when_the_organisation_is_already_there(self) -> None:
        organisation_id, unit_id = uuid4(), uuid4()
        initiative = at(Status.PLANNED, organisation_id=organisation_id)
        initiative.edit(actor=ACTOR, fields={"unit_id": unit_id})
        assert initiative.pending_events[0].changes == {"unit_id": unit_id}  # type: ignore[attr-defined]


# ---- goals, team, notes -------------------------------------------------------------


class TestGoals:
    def test_set_reword_and_remove(self) -> None:
        initiative = at(Status.PLANNED)
        goal_id = uuid4()
        initiative.set_goal(actor=ACTOR, goal_id=goal_id, text=" Jokainen tuntee yksikkönsä perustehtävän ")
        assert initiative.goals == {str(goal_id): "Jokainen tuntee yksikkönsä perustehtävän"}
        initiative.reword_goal(actor=ACTOR, goal_id=goal_id, text="Perustehtävä on kirjattu ja tunnettu")
        assert initiative.goals == {str(goal_id): "Perustehtävä on kirjattu ja tunnettu"}
        initiative.remove_goal(actor=ACTOR, goal_id=goal_id)
        assert initiative.goals == {}
        assert event_types(initiative) == ["GoalSet", "GoalSet", "GoalRemoved"]

    def test_several_goals_are_kept_apart(self) -> None:
        initiative = at(Status.PROPOSED)
        first, second = uuid4(), uuid4()
        initiative.set_goal(actor=ACTOR, goal_id=first, text="Yksi")
        initiative.set_goal(actor=ACTOR, goal_id=second, text="Kaksi")
        initiative.remove_goal(actor=ACTOR, goal_id=first)
        assert initiative.goals == {str(second): "Kaksi"}

    @pytest.mark.parametrize("blank", ["", "   "])
    def test_blank_goal_is_refused(self, blank: str) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.set_goal(actor=ACTOR, goal_id=uuid4(), text=blank)
        assert caught.value.field == "text"
        assert initiative.goals == {}

    def test_too_long_goal_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, InvalidField) as caught:
            initiative.set_goal(actor=ACTOR, goal_id=uuid4(), text="x" * 1001)
        assert caught.value.field == "text"

    def test_reword_unknown_goal_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        goal_id = uuid4()
        with refused(initiative, RecordNotFound) as caught:
            initiative.reword_goal(actor=ACTOR, goal_id=goal_id, text="Uusi")
        assert caught.value.detail == f"This initiative has no goal with id {goal_id}."
        assert initiative.goals == {}

    def test_remove_unknown_goal_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        kept = uuid4()
        initiative.set_goal(actor=ACTOR, goal_id=kept, text="Pysyy")
        initiative.collect_events()
        missing = uuid4()
        with refused(initiative, RecordNotFound) as caught:
            initiative.remove_goal(actor=ACTOR, goal_id=missing)
        assert str(missing) in caught.value.detail
        assert initiative.goals == {str(kept): "Pysyy"}


class TestTeam:
    def test_add_and_remove(self) -> None:
        initiative = at(Status.IN_PROGRESS)
        person = uuid4()
        initiative.add_team_member(actor=ACTOR, person_id=person, role="  työkierron ohjaaja ")
        assert initiative.team == {str(person): "työkierron ohjaaja"}
        initiative.remove_team_member(actor=ACTOR, person_id=person)
        assert initiative.team == {}
        assert event_types(initiative) == ["TeamMemberAdded", "TeamMemberRemoved"]

    def test_role_is_optional(self) -> None:
        initiative = at(Status.PROPOSED)
        person = uuid4()
        initiative.add_team_member(actor=ACTOR, person_id=person, role="")
        assert initiative.team == {str(person): ""}

    def test_role_too_long_is_refused(self) -> None:
        initiative = at(Status.PROPOSED)
        with refused(initiative, InvalidField) as caught:
            initiative.add_team_member(actor=ACTOR, person_id=uuid4(), role="r" * 101)
        assert caught.value.field == "role"
        assert initiative.team == {}

    def test_adding_a_member_twice_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        person = uuid4()
        initiative.add_team_member(actor=ACTOR, person_id=person, role="jäsen")
        initiative.collect_events()
        with refused(initiative, RuleViolation) as caught:
            initiative.add_team_member(actor=ACTOR, person_id=person, role="vetäjä")
        assert caught.value.detail == "That person is already in the team of this initiative."
        assert initiative.team == {str(person): "jäsen"}

    def test_removing_a_non_member_is_refused(self) -> None:
        initiative = at(Status.PLANNED)
        with refused(initiative, RuleViolation) as caught:
            initiative.remove_team_member(actor=ACTOR, person_id=uuid4())
        assert caught.value.detail == "That person is not in the team of this initiative."


class TestNotes:
    def test_note_is_trimmed_and_may_be_back_dated(self) -> None:
        initiative = at(Status.IN_PROGRESS)
        note_id = uuid4()
        initiative.add_note(
            actor=ACTOR, note_id=note_id, text="  Työpaja pidettiin.  ", occurred_on=date(2012, 3, 1)
        )
        (event,) = initiative.pending_events
        assert isinstance(event, Initiative.NoteAdded)
        assert (event.text, event.occurred_on, event.note_id) == (
            "Työpaja pidettiin.",
            date(2012, 3, 1),
            note_id,
        )

    def test_blank_note_is_refused(self) -> None:
        initiative = at(Status.IN_PROGRESS)
        with refused(initiative, InvalidField) as caught:
            initiative.add_note(actor=ACTOR, note_id=uuid4(), text=" ", occurred_on=None)
        assert caught.value.field == "text"
        assert initiative.notes == []

    def test_too_long_note_is_refused(self) -> None:
        initiative = at(Status.IN_PROGRESS)
        with refused(initiative, InvalidField) as caught:
            initiative.add_note(actor=ACTOR, note_id=uuid4(), text="x" * (NOTE_MAX + 1), occurred_on=None)
        assert caught.value.field == "text"

    def test_note_dated_in_the_future_is_refused(self) -> None:
        initiative = at(Status.COMPLETED)
        with refused(initiative, InvalidField) as caught:
            initiative.add_note(actor=ACTOR, note_id=uuid4(), text="Tuleva", occurred_on=future())
        assert caught.value.field == "occurred_on"
        assert initiative.notes == []


# ---- replay ------------------------------------------------------------------------


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    organisation_id, unit_id = uuid4(), uuid4()
    initiative = propose(organisation_id=organisation_id, unit_id=unit_id, themes=["Osaaminen"])
    goal, member = uuid4(), uuid4()
    initiative.set_goal(actor=ACTOR, goal_id=goal, text="Tavoite")
    initiative.add_team_member(actor=ACTOR, person_id=member, role="ohjaaja")
    initiative.edit(actor=ACTOR, fields={"summary": "Kuvaus", "themes": ["Osaaminen", "Työkierto"]})
    move(initiative, "plan")
    move(initiative, "pause", reason="Kesä")
    move(initiative, "resume")
    move(initiative, "start")
    initiative.add_note(actor=ACTOR, note_id=uuid4(), text="Muistiinpano", occurred_on=None)
    move(initiative, "discontinue")
    state = {k: v for k, v in vars(initiative).items() if k != "_pending_events"}
    copy = replayed(initiative)
    assert {k: v for k, v in vars(copy).items() if k != "_pending_events"} == state
    assert copy.status is Status.DISCONTINUED
    assert copy.version == initiative.version == 10
    assert copy.goals == {str(goal): "Tavoite"}
    assert copy.team == {str(member): "ohjaaja"}
    assert copy.themes == ["Osaaminen", "Työkierto"]


# ---- limits and plausible input -----------------------------------------------


class TestListLimits:
    """4,000 goals on one initiative once wrote 824 MB of read model: the record has limits."""

    def test_goals_up_to_the_limit_then_refused_with_nothing_recorded(self) -> None:
        from domain.initiative import GOALS_MAX

        initiative = propose()
        for number in range(GOALS_MAX):
            initiative.set_goal(actor=ACTOR, goal_id=uuid4(), text=f"Tavoite {number}")
        initiative.collect_events()
        with pytest.raises(RuleViolation) as caught:
            initiative.set_goal(actor=ACTOR, goal_id=uuid4(), text="Yksi liikaa")
        assert caught.value.detail == (
            f"This initiative already has {GOALS_MAX} goals, the most it can have; "
            "remove or reword one instead of adding another."
        )
        assert initiative.pending_events == [] and len(initiative.goals) == GOALS_MAX

    def test_a_full_list_of_goals_can_still_be_reworded(self) -> None:
        from domain.initiative import GOALS_MAX

        initiative = propose()
        ids = [uuid4() for _ in range(GOALS_MAX)]
        for goal_id in ids:
            initiative.set_goal(actor=ACTOR, goal_id=goal_id, text="Tavoite")
        initiative.reword_goal(actor=ACTOR, goal_id=ids[0], text="Uusi sanamuoto")
        assert initiative.goals[str(ids[0])] == "Uusi sanamuoto"

    def test_team_up_to_the_limit_then_refused(self) -> None:
        from domain.initiative import TEAM_MAX

        initiative = propose()
        for _ in range(TEAM_MAX):
            initiative.add_team_member(actor=ACTOR, person_id=uuid4(), role="")
        version = initiative.version
        with pytest.raises(RuleViolation) as caught:
            initiative.add_team_member(actor=ACTOR, person_id=uuid4(), role="")
        assert f"already has {TEAM_MAX} team members" in caught.value.detail
        assert initiative.version == version


class TestPlausibleInput:
    @pytest.mark.parametrize("when", [date(1, 1, 1), date(1899, 12, 31)])
    def test_an_ancient_occurred_on_is_refused(self, when: date) -> None:
        with pytest.raises(InvalidField) as caught:
            Initiative.propose(initiative_id=uuid4(), actor=ACTOR, occurred_on=when, fields={"title": TITLE})
        assert caught.value.field == "occurred_on"
        assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail

    def test_a_note_dated_in_year_one_is_refused(self) -> None:
        initiative = propose()
        initiative.collect_events()
        with pytest.raises(InvalidField) as caught:
            initiative.add_note(actor=ACTOR, note_id=uuid4(), text="Muistiinpano", occurred_on=date(1, 1, 1))
        assert caught.value.field == "occurred_on"
        assert initiative.pending_events == []

    @pytest.mark.parametrize(
        ("title", "sentence"),
        [
            ("Palaute\u202etxt.exe", "invisible direction-changing character (U+202E)"),
            ("Kotihoito\u200b", "invisible zero-width character (U+200B)"),
            ("Koti\ud800hoito", "broken character"),
        ],
    )
    def test_invisible_and_broken_characters_in_a_title_are_refused(self, title: str, sentence: str) -> None:
        with pytest.raises(InvalidField) as caught:
            propose(title=title)
        assert caught.value.field == "title"
        assert sentence in caught.value.detail

    def test_every_text_of_an_initiative_is_checked(self) -> None:
        rlo = "\u202e"
        with pytest.raises(InvalidField, match="summary"):
            propose(summary=f"a{rlo}b")
        with pytest.raises(InvalidField, match="target_group"):
            propose(target_group=f"a{rlo}b")
        with pytest.raises(InvalidField, match="themes"):
            propose(themes=[f"a{rlo}b"])
        initiative = propose()
        for check in (
            lambda: initiative.set_goal(actor=ACTOR, goal_id=uuid4(), text=f"a{rlo}"),
            lambda: initiative.add_team_member(actor=ACTOR, person_id=uuid4(), role=f"a{rlo}"),
            lambda: initiative.add_note(actor=ACTOR, note_id=uuid4(), text=f"a{rlo}", occurred_on=None),
            lambda: initiative.move(
                "discontinue", actor=ACTOR, occurred_on=None, reason=f"a{rlo}", lessons="x"
            ),
        ):
            with pytest.raises(InvalidField, match="direction-changing"):
                check()

    def test_a_decomposed_title_is_stored_composed(self) -> None:
        assert propose(title="Ha\u0308meenlinna").title == "Hämeenlinna"
