"""Enrolling several initiatives in a programme at once: all or none.

Every initiative asked for is checked first; if any cannot be enrolled (unknown, listed
twice, already enrolled, of an organisation that does not take part), nothing is
enrolled and each refusal names its initiative, so a coordinator fixes the list in one
go. Each enrolment is the programme's own `InitiativeEnrolled` event, as when enrolled
one at a time, so the read models, history and digest need nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.errors import InvalidField, InvalidFields, RuleViolation
from domain.programme import ENROLMENTS_MAX, Programme, ProgrammeStatus


@dataclass(frozen=True)
class Candidate:
    """An initiative asked to be enrolled, as the application found it: `title` is None
    when there is no initiative with that id."""

    initiative_id: UUID
    title: str | None
    organisation_id: UUID | None


def enrol_many(
    programme: Programme, *, actor: UUID, candidates: list[Candidate], occurred_on: date | None
) -> None:
    if programme.status is ProgrammeStatus.CLOSED:
        raise RuleViolation("Programme {name} is closed; it cannot be changed any more.", name=programme.name)
    if not candidates:
        raise InvalidField("initiative_ids", "Choose at least one initiative to enrol.")
    if len(candidates) > ENROLMENTS_MAX:
        raise InvalidField(
            "initiative_ids",
            "{field} has {count} entries; the limit is {limit}.",
            count=len(candidates),
            limit=ENROLMENTS_MAX,
        )
    problems = [
        problem
        for index, candidate in enumerate(candidates)
        if (problem := _problem(programme, index, candidate, candidates[:index])) is not None
    ]
    if problems:
        summary = InvalidField(
            "initiative_ids",
            "Nothing was enrolled: {count} of the {total} initiatives cannot be enrolled, and a "
            "programme enrols all of them or none. Leave those out or fix them, then try again.",
            count=len(problems),
            total=len(candidates),
        )
        raise InvalidFields([summary, *problems])
    if len(programme.enrolled) + len(candidates) > ENROLMENTS_MAX:
        raise RuleViolation(
            "Nothing was enrolled: this programme has {enrolled} enrolled initiatives, and "
            "{count} more would pass its limit of {limit}.",
            enrolled=len(programme.enrolled),
            count=len(candidates),
            limit=ENROLMENTS_MAX,
        )
    for candidate in candidates:
        programme.enrol(
            actor=actor,
            initiative_id=candidate.initiative_id,
            initiative_organisation_id=candidate.organisation_id,
            occurred_on=occurred_on,
        )


def _problem(
    programme: Programme, index: int, candidate: Candidate, earlier: list[Candidate]
) -> InvalidField | None:
    field = f"initiative_ids.{index}"
    if candidate.title is None:
        return InvalidField(field, "There is no initiative with id {id}.", id=candidate.initiative_id)
    if any(e.initiative_id == candidate.initiative_id for e in earlier):
        return InvalidField(field, "{title} is listed twice.", title=candidate.title)
    if str(candidate.initiative_id) in programme.enrolled:
        return InvalidField(field, "{title} is already enrolled in this programme.", title=candidate.title)
    if (
        candidate.organisation_id is not None
        and programme.organisation_ids
        and str(candidate.organisation_id) not in programme.organisation_ids
    ):
        return InvalidField(
            field,
            "{title} belongs to an organisation that does not take part in this programme.",
            title=candidate.title,
        )
    return None
