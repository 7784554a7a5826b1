"""The dependency arrows between the floors, and the event topics stored events rely on.

From the bottom up: `domain` imports nothing of ours; `projections` imports `domain`;
`services` (the application without HTTP) imports both; `present` (how a record is shown)
imports those three; `documents` (the export pipeline) imports `present` and below; `api`
(HTTP) imports every floor below it; `scripts` may import them all, but `api` only for the
app itself. Inside `api`, pages never import a router, routers never import a page, and a
page module imports no other page module but the pages' own infrastructure.

The scan reads the source with `ast`, so it sees imports inside functions and
`if TYPE_CHECKING:` blocks too, and it checks itself against known imports so it cannot
pass by finding nothing.
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
LAYERS = ("domain", "projections", "services", "present", "documents", "api", "scripts")
OURS = {*LAYERS, "tests"}

FORBIDDEN: dict[str, set[str]] = {
    layer: {*LAYERS[index + 1 :], "tests"} for index, layer in enumerate(LAYERS[:-1])
}
# What scripts may take from api: the app, its version and the server's configuration.
SCRIPTS_MAY_IMPORT_FROM_API = {"api.app", "api.http_guard"}
# The pages' own infrastructure, which every page module may import.
PAGE_INFRASTRUCTURE = {"api.pages.web", "api.pages.forms", "api.pages.errors"}


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
    assert ("present", "projections") in arrows
    assert ("documents", "present") in arrows


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


def module_imports(folder: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, imported module of ours) for every import in the files under `folder`."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        module = module_name(path)
        for line, target in imported_modules(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
        ):
            if target.split(".")[0] in OURS:
                yield path, line, target


def _within(target: str, package: str) -> bool:
    return target == package or target.startswith(f"{package}.")


def test_pages_import_no_router_and_no_other_page() -> None:
    broken = sorted(
        {
            f"{path.relative_to(ROOT)}:{line} imports {target}"
            for path, line, target in module_imports("api/pages")
            if path.name != "__init__.py"  # the package mounts every page module
            and (
                _within(target, "api.routes")
                or (
                    _within(target, "api.pages")
                    and target not in ("api.pages", module_name(path))
                    and not any(_within(target, m) for m in PAGE_INFRASTRUCTURE)
                )
            )
        }
    )
    assert broken == [], "a page takes what it shares with others from present/: " + "; ".join(broken)


def test_routers_import_no_page() -> None:
    broken = sorted(
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path, line, target in module_imports("api/routes")
        if _within(target, "api.pages")
    )
    assert broken == [], "; ".join(broken)


def test_scripts_import_api_only_for_the_app() -> None:
    broken = sorted(
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path, line, target in module_imports("scripts")
        if _within(target, "api")
        and target != "api"
        and not any(_within(target, m) for m in SCRIPTS_MAY_IMPORT_FROM_API)
    )
    assert broken == [], "; ".join(broken)


def test_the_page_rule_sees_a_page_importing_a_router() -> None:
    found = {t for _, t in imported_modules("from api.routes.measures import chart_body\n", "api.pages.x")}
    assert any(_within(t, "api.routes") for t in found)
