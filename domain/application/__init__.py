"""The Kipinä application service: one method per command, grouped by area.

Every command follows the one path in `core` (see `_change` and `_create`):
replay if this Idempotency-Key was already applied → load the record →
compare its version with If-Match → let the aggregate check its rules and
trigger events → save the events (with the applied request, atomically).
A refused command raises a `DomainError` before anything is saved.
"""

from __future__ import annotations

from domain.application.archive import ArchiveCommands
from domain.application.change_day import ChangeDayCommands, PledgeBatch
from domain.application.core import CommandContext, PeopleDirectory, Receipt, RecordKind, RequestKey
from domain.application.experiments import ExperimentCommands
from domain.application.good_practices import GoodPracticeCommands
from domain.application.initiatives import InitiativeCommands
from domain.application.measures import MeasureCommands
from domain.application.organisations import OrganisationCommands
from domain.application.programmes import ProgrammeCommands
from domain.application.rotations import RotationCommands
from domain.application.targets import TargetCommands

__all__ = [
    "CommandContext",
    "Kipina",
    "PeopleDirectory",
    "PledgeBatch",
    "Receipt",
    "RecordKind",
    "RequestKey",
]


class Kipina(
    OrganisationCommands,
    InitiativeCommands,
    ExperimentCommands,
    RotationCommands,
    ChangeDayCommands,
    TargetCommands,
    GoodPracticeCommands,
    MeasureCommands,
    ProgrammeCommands,
    ArchiveCommands,
):
    name = "Kipina"
