"""Every part that must know a kind of record knows every kind in `present.kinds.KINDS`.

Adding a kind of record means files of its own on each floor plus one entry in that list;
these tests name the part a new kind is still missing from (see docs/architecture.md).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import api.pages
import api.routes
import domain
from domain.recorded import RecordedEvent
from domain.request import AppliedRequest
from domain.rotation import RotationSchedule
from present import labels
from present.kinds import KINDS, RecordKind, href
from projections import history
from projections.projector import READ_MODELS
from tests.unit.test_architecture import domain_classes

# Aggregates that are not records people see: the applied requests behind idempotency keys,
# and a person's rotation schedule (which keeps their placements from overlapping).
NOT_RECORDS = {AppliedRequest, RotationSchedule}

KIND_IDS = [kind.record_type for kind in KINDS]


def events_of(aggregate: type[Aggregate]) -> list[type[RecordedEvent]]:
    return [
        value
        for name, value in vars(aggregate).items()
        if inspect.isclass(value) and issubclass(value, RecordedEvent) and name != "Event"
    ]


def test_every_aggregate_is_a_kind_of_record() -> None:
    aggregates = {cls for cls in domain_classes() if issubclass(cls, Aggregate)} - NOT_RECORDS
    assert aggregates == {kind.aggregate for kind in KINDS}
    assert domain.__name__ == "domain"  # the scan above looked at our domain


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_history_tells_its_events(kind: RecordKind) -> None:
    assert kind.record_type in history.RECORD_TYPES
    (told,) = [k for k in history.KINDS if k.record_type == kind.record_type]
    events = events_of(kind.aggregate)
    assert events, f"{kind.aggregate.__name__} has no events"
    assert [e.__name__ for e in events if not issubclass(e, told.events)] == []


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_event_has_words(kind: RecordKind) -> None:
    wordless = [
        event.__name__
        for event in events_of(kind.aggregate)
        if (kind.record_type, event.__name__) not in labels.EVENT_OF and event.__name__ not in labels.EVENT
    ]
    assert wordless == [], f"add these {kind.record_type} events to its present/labels module"


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_its_read_model_is_projected(kind: RecordKind) -> None:
    assert kind.read_model in READ_MODELS


def served_paths(package: ModuleType) -> set[str]:
    """Every path the routers of a package serve (an APIRouter's routes carry its prefix)."""
    paths: set[str] = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for router in (v for v in vars(module).values() if isinstance(v, APIRouter)):
            paths |= {route.path for route in router.routes if isinstance(route, APIRoute)}
    return paths


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_it_has_a_page_and_a_history(kind: RecordKind) -> None:
    id_param = re.compile(r"\{[a-z_]+_id\}")
    pages = {id_param.sub("{id}", p) for p in served_paths(api.pages)}
    assert f"{kind.path}/{{id}}" in pages, f"no page at {kind.path}/{{id}}"
    routes = {id_param.sub("{id}", p) for p in served_paths(api.routes)}
    assert f"/api{kind.path}/{{id}}/history" in routes


def test_links_go_to_the_kinds_page() -> None:
    assert href("initiative", "abc") == "/initiatives/abc"
    assert href("good_practice", "abc") == "/good-practices/abc"
    assert href("no_such_kind", "abc") == "/"


def test_a_missing_record_is_named_by_its_kind(client: TestClient) -> None:
    """Each kind's JSON history says its own "there is no …" sentence for an id nobody
    recorded (the routers take it from the aggregate, not from a copy)."""
    missing = uuid4()
    for kind in KINDS:
        answer = client.get(f"/api{kind.path}/{missing}/history")
        sentence = kind.aggregate.NOT_FOUND.format(id=missing)  # type: ignore[attr-defined]
        assert (answer.status_code, answer.json()["detail"]) == (404, sentence), kind.record_type
