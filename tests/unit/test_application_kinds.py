"""Every kind of record the application loads or saves names itself in its refusals.

The one command path (`domain/application/core.py`) says "there is no …", "you edited
version … of this …" and "someone else changed this …" with the sentences each aggregate
class holds (`NOT_FOUND`, `STALE`, `CONCURRENT`). A new kind without them would fail only
when a request first meets the refusal; here it fails at once, naming the class. The
sentences are gettext msgids, so each must be an `N_()`-marked literal Babel can extract.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import string
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

import domain
import domain.application
from domain.application import CommandContext, Kipina, RecordKind
from domain.application.core import _concurrent_change, _not_found, _stale_version
from domain.errors import InvalidField, RecordNotFound, StaleVersion
from domain.initiative import Initiative
from domain.organisation import Organisation, OrganisationKind
from domain.request import AppliedRequest
from domain.rotation import RotationSchedule

# Aggregates saved only alongside another record, never loaded or refused on their own.
COMPANIONS: dict[type[Aggregate], str] = {
    AppliedRequest: "the applied Idempotency-Key, saved with the record the request changed",
    RotationSchedule: "a person's booked periods, saved with the placement that books them",
}
PLACEHOLDERS = {
    "NOT_FOUND": {"id"},
    "STALE": {"expected_version", "current_version"},
    "CONCURRENT": set(),
}


def domain_aggregates() -> set[type[Aggregate]]:
    """Every aggregate class defined in `domain`, and every one the application's modules name."""
    found: set[type[Aggregate]] = set()
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        found.update(
            obj
            for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, Aggregate) and obj is not Aggregate
        )
    return found


def record_kinds() -> list[type[Aggregate]]:
    return sorted((c for c in domain_aggregates() if c not in COMPANIONS), key=lambda c: c.__name__)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_walk_finds_the_kinds_and_the_application_names_them() -> None:
    kinds = set(record_kinds())
    assert {Initiative, Organisation} <= kinds
    assert len(kinds) >= 10
    for module in pkgutil.iter_modules(domain.application.__path__, "domain.application."):
        named = vars(importlib.import_module(module.name)).values()
        for obj in named:
            if isinstance(obj, type) and issubclass(obj, Aggregate) and obj is not Aggregate:
                assert obj in kinds or obj in COMPANIONS, f"{module.name} uses {obj.__name__}, found nowhere"


@pytest.mark.parametrize("cls", record_kinds(), ids=lambda c: c.__name__)
def test_every_record_kind_has_its_refusal_sentences(cls: type[Aggregate]) -> None:
    assert isinstance(cls, RecordKind), (
        f"{cls.__name__} has no NOT_FOUND, STALE and CONCURRENT sentences: give it all three "
        "(or, if it is only ever saved alongside another record, list it in COMPANIONS)"
    )
    for attribute, wanted in PLACEHOLDERS.items():
        sentence = vars(cls).get(attribute)
        assert isinstance(sentence, str), f"{cls.__name__}.{attribute} must be its own, not inherited"
        assert placeholders(sentence) == wanted, f"{cls.__name__}.{attribute}: {sentence!r} must use {wanted}"


@pytest.mark.parametrize("cls", record_kinds(), ids=lambda c: c.__name__)
def test_every_refusal_sentence_is_a_literal_babel_extracts(cls: type[Aggregate]) -> None:
    source = Path(inspect.getfile(cls)).read_text(encoding="utf-8")
    body = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__
    )
    marked = {
        target.id: assign.value
        for assign in body.body
        if isinstance(assign, ast.Assign)
        for target in assign.targets
        if isinstance(target, ast.Name)
    }
    for attribute in PLACEHOLDERS:
        value = marked.get(attribute)
        assert (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "N_"
            and len(value.args) == 1
            and isinstance(value.args[0], ast.Constant)
            and isinstance(value.args[0].value, str)
        ), f'{cls.__name__}.{attribute} must be written N_("a literal sentence") so Babel extracts it'


def test_each_kind_is_named_by_its_own_sentences() -> None:
    for attribute in PLACEHOLDERS:
        sentences = [getattr(cls, attribute) for cls in record_kinds()]
        assert len(set(sentences)) == len(sentences), f"two kinds share a {attribute} sentence"


@pytest.mark.parametrize("cls", record_kinds(), ids=lambda c: c.__name__)
def test_the_command_path_refuses_with_the_kinds_sentences(cls: type[Aggregate]) -> None:
    assert isinstance(cls, RecordKind)
    record_id = uuid4()
    missing = _not_found(cls, record_id)
    assert (missing.message, missing.params) == (cls.NOT_FOUND, {"id": record_id})
    record = object.__new__(cls)  # a record of the kind; only its class and version are read
    record._version = 4  # type: ignore[attr-defined]  # the library's slot behind `version`
    stale = _stale_version(record, 3)
    assert stale.message == cls.STALE
    assert stale.params == {"current_version": 4, "expected_version": 3}
    assert _concurrent_change(record).message == cls.CONCURRENT


def test_a_class_with_no_sentences_is_refused_by_name() -> None:
    class Unnamed(Aggregate):
        pass

    with pytest.raises(TypeError, match="Unnamed"):
        _not_found(Unnamed, uuid4())


class Nobody:
    def exists(self, person_id: UUID) -> bool:
        return False

    def placement(self, person_id: UUID) -> tuple[UUID | None, UUID | None]:
        return None, None


def test_an_application_in_memory_refuses_with_the_sentences() -> None:
    app = Kipina({"PERSISTENCE_MODULE": "eventsourcing.popo"}, people=Nobody())
    ctx = CommandContext(actor=uuid4())
    with pytest.raises(RecordNotFound) as missing:
        app.get_initiative(uuid4())
    assert missing.value.message == Initiative.NOT_FOUND
    receipt = app.register_organisation(ctx, name="Kuntayhtymä", kind=next(iter(OrganisationKind)))
    with pytest.raises(StaleVersion) as stale:
        app.add_unit(
            CommandContext(actor=ctx.actor, expected_version=receipt.version + 1), receipt.record_id, name="X"
        )
    assert stale.value.message == Organisation.STALE
    # A field naming a missing record says it in the same sentence, as an invalid field.
    with pytest.raises(InvalidField) as invalid:
        app.propose_initiative(ctx, fields={"organisation_id": uuid4()})
    assert (invalid.value.field, invalid.value.message) == ("organisation_id", Organisation.NOT_FOUND)
