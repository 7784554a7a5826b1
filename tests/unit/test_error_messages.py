"""Domain error messages are gettext msgids: literal templates plus params.

The web UI translates `error.message` (the template) and fills in `error.params`;
the JSON API returns `error.detail`, the English sentence. Babel finds the templates
by the error class names (see babel.cfg), and only if each is a string literal at
the call, so the source is checked here: a future f-string fails with its file and line.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.errors import IllegalTransition, InvalidField, StaleVersion

ROOT = Path(__file__).resolve().parents[2]

# Error class → index of the positional argument that is the template (the msgid).
TEMPLATE_ARGUMENT = {
    "DomainError": 0,
    "RecordNotFound": 0,
    "InvalidField": 1,
    "RuleViolation": 0,
    "IllegalTransition": 0,
    "StaleVersion": 0,
    "ConcurrentChange": 0,
}
# Placeholders the class fills in itself.
IMPLIED_PARAMS = {"InvalidField": {"field"}, "StaleVersion": {"current_version"}}
# The sentences that name a kind of record are N_-marked class attributes of each aggregate
# (Babel finds them by N_), which the application's one command path passes on; they are
# checked, literal and with their placeholders, in test_application_kinds.py.
KIND_SENTENCES = {"NOT_FOUND", "STALE", "CONCURRENT"}

SOURCES = [*sorted((ROOT / "domain").rglob("*.py")), *sorted((ROOT / "api").rglob("*.py"))]
SOURCES += sorted((ROOT / "projections").rglob("*.py"))


@dataclass(frozen=True)
class ErrorCall:
    where: str  # path:line
    name: str
    call: ast.Call


def error_calls() -> Iterator[ErrorCall]:
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in TEMPLATE_ARGUMENT:
                yield ErrorCall(f"{path.relative_to(ROOT)}:{node.lineno}", name, node)


def held_by_kind(found: ErrorCall) -> bool:
    """The template is a record kind's sentence (`kind.NOT_FOUND` and the like)."""
    args = found.call.args
    index = TEMPLATE_ARGUMENT[found.name]
    return len(args) > index and isinstance(args[index], ast.Attribute) and args[index].attr in KIND_SENTENCES


def template_of(found: ErrorCall) -> str:
    """The literal template of a call, or an assertion error naming file and line."""
    index = TEMPLATE_ARGUMENT[found.name]
    args = found.call.args
    assert not any(isinstance(a, ast.Starred) for a in args[: index + 1]), (
        f"{found.where}: {found.name}(*...) hides its message template from Babel"
    )
    assert len(args) > index, (
        f"{found.where}: {found.name} needs its message template as positional argument {index + 1}"
    )
    template = args[index]
    assert not isinstance(template, ast.JoinedStr), (
        f"{found.where}: {found.name} is given an f-string; pass a literal template and "
        "the values as keyword params"
    )
    assert isinstance(template, ast.Constant) and isinstance(template.value, str), (
        f"{found.where}: {found.name} must be given a string literal as its message template, "
        f"not {ast.unparse(template)}"
    )
    return template.value


def test_invalid_field_keeps_template_params_and_detail() -> None:
    error = InvalidField(
        "title", "{field} is {length} characters long; the limit is {limit}.", length=3, limit=2
    )
    assert error.message == "{field} is {length} characters long; the limit is {limit}."
    assert error.params == {"length": 3, "limit": 2, "field": "title"}
    assert error.detail == "title is 3 characters long; the limit is 2."
    assert str(error) == error.detail
    assert error.field == "title"


def test_values_are_not_read_as_templates() -> None:
    error = InvalidField("email", "'{email}' is not an e-mail address.", email="{oops}")
    assert error.detail == "'{oops}' is not an e-mail address."


def test_illegal_transition_and_stale_version_keep_their_extras() -> None:
    moved = IllegalTransition(
        "Cannot {verb} this initiative: it is {status}. Allowed moves from {status}: {allowed}.",
        ["plan", "discontinue"],
        verb="start",
        status="proposed",
        allowed="plan, discontinue",
    )
    assert moved.allowed == ["plan", "discontinue"]
    assert moved.detail == (
        "Cannot start this initiative: it is proposed. Allowed moves from proposed: plan, discontinue."
    )
    stale = StaleVersion(
        "Now at {current_version}, not {expected_version}.", current_version=3, expected_version=2
    )
    assert stale.current_version == 3
    assert stale.params == {"current_version": 3, "expected_version": 2}
    assert stale.detail == "Now at 3, not 2."


def test_the_source_walk_finds_the_error_calls() -> None:
    names = {found.name for found in error_calls()}
    assert {"InvalidField", "RuleViolation", "IllegalTransition", "RecordNotFound", "StaleVersion"} <= names


@pytest.mark.parametrize("found", list(error_calls()), ids=lambda found: found.where)
def test_every_error_message_is_a_literal_template(found: ErrorCall) -> None:
    if held_by_kind(found):
        return
    template = template_of(found)
    keywords = {k.arg for k in found.call.keywords}
    if None in keywords:  # **params: cannot be checked here
        return
    given = keywords | IMPLIED_PARAMS.get(found.name, set())
    for _text, placeholder, _spec, _conversion in string.Formatter().parse(template):
        if placeholder is None:
            continue
        assert placeholder, f"{found.where}: use named placeholders, not {{}}, in {template!r}"
        name = placeholder.split(".")[0].split("[")[0]
        assert name in given, f"{found.where}: {template!r} uses {{{name}}} but no {name}= is passed"
