"""The dependency arrows of DESIGN.md, and the event topics stored events rely on.

`domain` imports nothing of ours; `projections` imports `domain` only; `api`
and `scripts` may import both. The scan reads the source with `ast`, so it sees
imports inside functions and `if TYPE_CHECKING:` blocks too, and it checks
itself against known imports so it cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import resolve_topic

import domain
from domain.recorded import RecordedEvent

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("domain", "projections", "api", "scripts")
OURS = {*LAYERS, "tests"}

FORBIDDEN: dict[str, set[str]] = {
    "domain": {"projections", "api", "scripts", "tests"},
    "projections": {"api", "scripts", "tests"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, including relative
    imports and `importlib.import_module("...")` / `__import__("...")` with a literal name."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from . import api`-style imports name modules here
                yield node.lineno, f"{target}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value


def source_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def layer_imports(layer: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, top-level package of ours) for every import of our code in `layer`."""
    for path in source_files(layer):
        module = module_name(path)
        for line, target in imported_modules(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
        ):
            top = target.split(".")[0]
            if top in OURS:
                yield path, line, top


# ---- the scanner checks itself -------------------------------------------------------


def test_scanner_reads_every_import_form() -> None:
    source = (
        "import api.app\n"
        "import projections as p\n"
        "from scripts.run import main\n"
        "from . import sibling\n"
        "from ..api import deps\n"
        "def later():\n"
        "    from tests import conftest\n"
        "    importlib.import_module('api.views')\n"
        "    __import__('scripts')\n"
    )
    found = {target for _, target in imported_modules(source, "projections.sub.module")}
    assert {
        "api.app",
        "projections",
        "scripts.run",
        "projections.sub.sibling",
        "projections.api",
        "projections.api.deps",
        "tests",
        "api.views",
        "scripts",
    } <= found


def test_scanner_resolves_relative_imports_inside_a_package_init() -> None:
    found = {t for _, t in imported_modules("from .x import y\n", "domain", is_package=True)}
    assert "domain.x" in found


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_has_source_to_scan(layer: str) -> None:
    assert source_files(layer), f"no Python files found under {layer}/"


def test_scanner_finds_the_imports_that_are_there() -> None:
    """If this fails, the scan below would pass without looking at anything."""
    arrows = {
        (path.relative_to(ROOT).parts[0], top) for layer in LAYERS for path, _, top in layer_imports(layer)
    }
    assert ("api", "domain") in arrows
    assert ("api", "projections") in arrows
    assert ("projections", "domain") in arrows
    assert ("scripts", "api") in arrows


# ---- the rules -------------------------------------------------------------------


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_outer_layers(layer: str) -> None:
    broken = sorted(
        {
            f"{path.relative_to(ROOT)}:{line} imports {top}"
            for path, line, top in layer_imports(layer)
            if top in FORBIDDEN[layer]
        }
    )
    assert broken == [], f"{layer} must not depend on {sorted(FORBIDDEN[layer])}: " + "; ".join(broken)


# ---- event topics -------------------------------------------------------------------


def domain_classes() -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        found.extend(
            obj for _, obj in inspect.getmembers(module, inspect.isclass) if obj.__module__ == info.name
        )
    return found


def aggregates() -> list[type[Aggregate]]:
    return [c for c in domain_classes() if issubclass(c, Aggregate) and c is not Aggregate]


def recorded_event_classes() -> set[type]:
    """Every event class an aggregate can trigger: the ones the library registers
    (nested in an aggregate, except its `Event` base) and every leaf of RecordedEvent."""
    nested = {
        obj
        for aggregate in aggregates()
        for name, obj in vars(aggregate).items()
        if isinstance(obj, type) and issubclass(obj, CanMutateAggregate) and name != "Event"
    }

    def leaves(cls: type) -> Iterator[type]:
        subclasses: list[type] = cls.__subclasses__()
        if not subclasses and cls.__module__.startswith("domain."):
            yield cls
        for sub in subclasses:
            yield from leaves(sub)

    return nested | set(leaves(RecordedEvent))


def test_written_topic_ignores_a_parents_topic() -> None:
    class Parent(RecordedEvent):
        TOPIC = "kipina:Test.Parent"

    class Child(Parent):
        pass

    assert written_topic(Parent) == "kipina:Test.Parent"
    assert written_topic(Child) is None


def test_aggregates_are_found() -> None:
    names = {a.__name__ for a in aggregates()}
    assert {"Initiative", "Organisation", "AppliedRequest"} <= names
    events = {c.__qualname__ for c in recorded_event_classes()}
    assert {"Initiative.Proposed", "Initiative.Discontinued", "Organisation.UnitRenamed"} <= events
    assert {"AppliedRequest.Applied"} <= events


def test_every_aggregate_has_its_own_kipina_topic() -> None:
    for aggregate in aggregates():
        topic = vars(aggregate).get("TOPIC")
        assert isinstance(topic, str), f"{aggregate.__qualname__} has no TOPIC of its own"
        assert topic == f"kipina:{aggregate.__name__}"
        assert resolve_topic(topic) is aggregate


def written_topic(cls: type) -> str | None:
    """The TOPIC written for this event class, not inherited from another event.

    eventsourcing redefines nested event classes that do not derive from the
    aggregate's `Event` (the lifecycle events derive from `LifecycleEvent`) as
    subclasses of the original, so the topic may sit on the original class of
    the same name; a topic inherited from a differently named parent does not count.
    """
    for ancestor in cls.__mro__:
        if "TOPIC" in vars(ancestor):
            return vars(ancestor)["TOPIC"] if ancestor.__qualname__ == cls.__qualname__ else None
    return None


def test_every_recorded_event_has_its_own_unique_kipina_topic() -> None:
    topics: dict[str, type] = {}
    for cls in sorted(recorded_event_classes(), key=lambda c: c.__qualname__):
        # Its own, not inherited: an inherited topic would store the event under its parent's name.
        topic = written_topic(cls)
        assert isinstance(topic, str), f"{cls.__qualname__} has no TOPIC of its own"
        assert topic.startswith("kipina:"), f"{cls.__qualname__}: {topic}"
        assert topic not in topics, f"{topic} is used by {topics[topic].__qualname__} and {cls.__qualname__}"
        topics[topic] = cls
        assert resolve_topic(topic) is cls, f"{topic} does not resolve to {cls.__qualname__}"
    aggregate_topics = {vars(a)["TOPIC"] for a in aggregates()}
    assert not aggregate_topics & set(topics), "an event shares a topic with an aggregate"
