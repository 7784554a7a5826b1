"""What Kipinä shows for the demo data is what it showed before: the OpenAPI document,
the HTML of every page, every export file (and the demo's event log, which numbers the
ids). A refactor must leave all of it unchanged; a change that is meant is a fix the
commit names, with the fixtures regenerated in the same commit.

The test is black-box so that it runs unchanged against the code before and after a
refactor: `python -m scripts.demo` loads the demo into a fresh SQLite store, `python -m
scripts.run --port 0` serves it, and everything is read over HTTP (tests/golden/collect.py
says what is collected). SQLite only: the store does not change what is shown, and one
store keeps the run short (about 40 s on a quiet machine, most of it the demo load and
the PDF and PowerPoint exports).

The processes' clock starts at a fixed moment (tests/golden/clock/), so "today" is the
same on every day. What still differs between two loads of the same demo is normalised,
and nothing else (tests/golden/normalise.py): random record ids become `id-NNNN` in the
order the event log first names them, the seconds the run took become `<now>`, form
tokens become `<csrf-token>`/`<request-key>`, the port `<port>`. PDF, PowerPoint and PNG
are compared as a reader sees them (tests/golden/documents.py).

The fixtures are tests/fixtures/golden/: one readable text file per URL, `index.txt`
lists them in the order they were collected. To regenerate them after a deliberate change:

    KIPINA_GOLDEN_WRITE=1 .venv/bin/python -m pytest tests/integration/test_output_unchanged.py

then read `git diff tests/fixtures/golden` before committing: every change in it must be
one you meant.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from tests.golden.collect import SHARED, Collection

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(SHARED)]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
INDEX = "index.txt"
WRITE = os.environ.get("KIPINA_GOLDEN_WRITE") == "1"
DIFF_LINES = 150
LISTED = 25


def test_pages_exports_and_openapi_are_unchanged(demo_collection: Collection) -> None:
    collection = demo_collection
    if WRITE:
        _write(collection)
        return
    assert (FIXTURES / INDEX).exists(), f"no fixtures in {FIXTURES}: run with KIPINA_GOLDEN_WRITE=1 first"
    expected = _read(INDEX).splitlines()
    actual = list(collection.documents)
    if expected != actual:
        pytest.fail(
            "the set or order of documents changed (index.txt):\n"
            + _diff(_lines(expected), _lines(actual), INDEX)
        )
    changed = [name for name in expected if _read(name) != collection.documents[name]]
    if changed:
        first = changed[0]
        listing = "\n".join(f"  {name}" for name in changed[:LISTED])
        more = f"\n  … and {len(changed) - LISTED} more" if len(changed) > LISTED else ""
        pytest.fail(
            f"{len(changed)} of {len(expected)} documents changed:\n{listing}{more}\n\n"
            f"the first one, {first}:\n"
            + _diff(
                _read(first).splitlines(keepends=True),
                collection.documents[first].splitlines(keepends=True),
                first,
            )
        )


def _write(collection: Collection) -> None:
    if FIXTURES.exists():
        shutil.rmtree(FIXTURES)
    for name, text in collection.documents.items():
        path = FIXTURES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (FIXTURES / INDEX).write_bytes("".join(_lines(list(collection.documents))).encode("utf-8"))


def _read(name: str) -> str:
    # Bytes, not read_text(): universal newlines would turn a CSV's CRLF into LF.
    return (FIXTURES / name).read_bytes().decode("utf-8")


def _lines(names: list[str]) -> list[str]:
    return [f"{name}\n" for name in names]


def _diff(expected: list[str], actual: list[str], name: str) -> str:
    lines = list(difflib.unified_diff(expected, actual, f"fixture/{name}", f"now/{name}", n=3))
    cut = f"\n… {len(lines) - DIFF_LINES} more diff lines" if len(lines) > DIFF_LINES else ""
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines[:DIFF_LINES]) + cut
