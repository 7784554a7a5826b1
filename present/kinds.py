"""The kinds of record Kipinä keeps, and where each is shown.

Each kind of record has files of its own on every floor (its aggregate, its read model, its
words in `present/labels/`, its router and pages); this list is the one place that names
them all together. `tests/unit/test_record_kinds.py` checks every part that must know a kind
against it, and `docs/architecture.md` says what a new kind needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from eventsourcing.domain import Aggregate

from domain.campaign import Campaign
from domain.change_action import ChangeAction
from domain.development_target import DevelopmentTarget
from domain.experiment import Experiment
from domain.good_practice import GoodPractice
from domain.initiative import Initiative
from domain.measure import Measure
from domain.organisation import Organisation
from domain.programme import Programme
from domain.rotation import RotationPlacement
from projections import (
    campaigns,
    change_actions,
    development_targets,
    experiments,
    good_practices,
    initiatives,
    measures,
    organisations,
    programmes,
    rotations,
)


@dataclass(frozen=True)
class RecordKind:
    record_type: str  # as history and links name it
    aggregate: type[Aggregate]
    read_model: ModuleType  # the projections module that keeps its current state
    path: str  # its page, and below /api its JSON: "/initiatives" → /initiatives/{id}, /api/initiatives/{id}

    def href(self, record_id: object) -> str:
        return f"{self.path}/{record_id}"


KINDS: tuple[RecordKind, ...] = (
    RecordKind("initiative", Initiative, initiatives, "/initiatives"),
    RecordKind("organisation", Organisation, organisations, "/organisations"),
    RecordKind("experiment", Experiment, experiments, "/experiments"),
    RecordKind("rotation", RotationPlacement, rotations, "/rotations"),
    RecordKind("campaign", Campaign, campaigns, "/campaigns"),
    RecordKind("change_action", ChangeAction, change_actions, "/actions"),
    RecordKind("programme", Programme, programmes, "/programmes"),
    RecordKind("measure", Measure, measures, "/measures"),
    RecordKind("development_target", DevelopmentTarget, development_targets, "/targets"),
    RecordKind("good_practice", GoodPractice, good_practices, "/good-practices"),
)
BY_RECORD_TYPE = {kind.record_type: kind for kind in KINDS}


def href(record_type: str, record_id: object, *, otherwise: str = "/") -> str:
    """The page of a record named by its kind and id; `otherwise` for a kind without pages."""
    kind = BY_RECORD_TYPE.get(record_type)
    return kind.href(record_id) if kind else otherwise
