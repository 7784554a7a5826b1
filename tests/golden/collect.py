"""Everything Kipinä shows for the demo data, fetched over HTTP from a real server.

Black-box on purpose: the demo is loaded by `python -m scripts.demo` and served by
`python -m scripts.run`, both in their own processes, and everything is read over HTTP,
so the same collection runs unchanged against the code before and after a refactor.
Only the entry points and URLs are assumed, never a module inside the app.

What is collected, in this order (the order fixes the id numbering, see normalise.py):

1. `/api/events`: the demo's event log (which numbers the ids), then `/openapi.json`.
2. Pages: a breadth-first crawl of same-origin `<a href>` links from `/` in Finnish,
   at most PAGES_PER_SHAPE pages per shape (the path with ids generalised, plus the
   names of its query parameters) and MAX_PAGES in all; the first page of each shape of
   the main pages (lists and records' own pages) again in Swedish and English; and the
   htmx fragments the pages ask for (`hx-get`). `/api`, `/static`, `/docs`, `/redoc`,
   `/openapi.json` and `/language` (which only sets a cookie) are not crawled.
3. Exports, found through the JSON API: every good practice's export and the programme's
   seminar pack in every format in Finnish and as Markdown, HTML and PowerPoint in
   Swedish and English (earlier versions of a practice in Finnish), the public
   catalogue's exports, both catalogue CSVs, every workshop's pack (in Finnish Markdown;
   the last workshop's also as HTML, and in every language), the chart (JSON; SVG and
   PNG in every language) of every measure, and the timeline (JSON and SVG) of every
   initiative, programme and target (the SVG in every language for the programme, the
   targets and the first initiative).
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.e2e.helpers import ServerProcess, kipina_env
from tests.golden.documents import describe
from tests.golden.normalise import UUID, Ids, Moments, Normaliser

REPO = Path(__file__).resolve().parents[2]
CLOCK_DIR = Path(__file__).resolve().parent / "clock"
# The moment every run starts at (the processes' wall clock, see clock/sitecustomize.py):
# any moment after the demo's history will do.
CLOCK = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
ZONE = "Europe/Helsinki"
LANGUAGES = ("fi", "sv", "en")
# Every format in Finnish; Swedish and English where the words are laid out anew (the
# PDF is the HTML's print variant and the JSON carries few words), to keep the run short.
EXPORT_FORMATS = {
    "fi": ("md", "html", "pdf", "pptx", "json"),
    "sv": ("md", "html", "pptx"),
    "en": ("md", "html", "pptx"),
}
PUBLIC_FORMATS = ("md", "html", "json")
PACK_FORMATS = ("html", "markdown")
PAGES_PER_SHAPE = 3
MAX_PAGES = 400
# The main pages, again in Swedish and English: lists and a record's own page
# (`/initiatives`, `/initiatives/{id}`), not its forms and sub-pages.
MAIN_DEPTH = 2
NOT_CRAWLED = ("/api/", "/static/", "/docs", "/redoc", "/openapi.json", "/language")
LINK = re.compile(r"""<a\b[^>]*?\shref="([^"]*)\"""")
HX_GET = re.compile(r"""\shx-get="([^"]*)\"""")
UNSAFE = re.compile(r"[^\w.=@,+%-]")


@dataclass
class Raw:
    """One answer as fetched: its fixture name and text, not yet normalised."""

    name: str
    lines: list[str]


@dataclass
class Collection:
    documents: dict[str, str] = field(default_factory=dict)  # fixture name -> normalised text

    def count(self, kind: str) -> int:
        return sum(1 for name in self.documents if name.startswith(kind))


def collect(workdir: Path) -> Collection:
    """Load the demo into a fresh SQLite store in `workdir`, serve it, read everything."""
    assert importlib.util.find_spec("time_machine"), (
        "time-machine is not installed: `make test` installs the dev dependencies (.[dev])"
    )
    offset = CLOCK - dt.datetime.now(dt.UTC)
    with demo_server(workdir, offset) as server:
        with httpx.Client(base_url=server.url, timeout=120, follow_redirects=False) as http:
            reader = Reader(http)
            events = reader.events()
            reader.fetch("openapi.json", "/openapi.json")
            reader.pages()
            reader.exports()
        raw, url = reader.raw, server.url
    moments = Moments(CLOCK, ZoneInfo(ZONE))
    moments.close(dt.datetime.now(dt.UTC) + offset)
    ids = Ids()
    ids.learn(events)
    normaliser = Normaliser(ids, moments, url)
    collection = Collection()
    for item in raw:
        name = normaliser.text(item.name)
        assert name not in collection.documents, f"two documents would be stored as {name}"
        collection.documents[name] = normaliser.lines(item.lines)
    return collection


@contextmanager
def demo_server(workdir: Path, offset: dt.timedelta) -> Iterator[ServerProcess]:
    env = {
        "KIPINA_DATA_DIR": str(workdir / "data"),
        "KIPINA_DATABASE_URL": "",
        "KIPINA_TIMEZONE": ZONE,
        "KIPINA_LOG_LEVEL": "warning",
        "GOLDEN_CLOCK_OFFSET": str(offset.total_seconds()),
        # The clock first, then this checkout's code, whatever the interpreter has
        # installed in editable mode.
        "PYTHONPATH": os.pathsep.join((str(CLOCK_DIR), str(REPO))),
    }
    demo = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=REPO,
        env=kipina_env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert demo.returncode == 0, f"demo failed:\n{demo.stdout}\n{demo.stderr}"
    with ServerProcess(env, workdir, "golden") as server:
        server.wait_until_ready()
        yield server


class Reader:
    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.raw: list[Raw] = []

    def get(self, target: str, *, lang: str | None = None, fragment: bool = False) -> httpx.Response:
        headers = {"Cookie": f"kipina_lang={lang}"} if lang else {}
        if fragment:
            headers["HX-Request"] = "true"
        response = self.http.get(target, headers=headers)
        self.http.cookies.clear()  # nothing the server sets (CSRF, language) carries over
        return response

    def fetch(
        self, name: str, target: str, *, lang: str | None = None, fragment: bool = False
    ) -> httpx.Response:
        response = self.get(target, lang=lang, fragment=fragment)
        self.raw.append(Raw(name, describe("GET", target, response)))
        return response

    def json(self, target: str) -> Any:
        response = self.get(target)
        assert response.status_code == 200, f"{target}: {response.status_code} {response.text}"
        return response.json()

    # ---- the event log ----------------------------------------------------------

    def events(self) -> str:
        """The whole log in one document; returns its text, which numbers the ids."""
        items: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.json(f"/api/events?after={after}&limit=500")
            items += page["items"]
            if page["next_after"] is None:
                break
            after = page["next_after"]
        text = json.dumps(items, indent=1, ensure_ascii=False)
        self.raw.append(Raw("events.json", ["GET /api/events (every page)\n", "\n", text, "\n"]))
        return text

    # ---- pages ------------------------------------------------------------------

    def pages(self) -> None:
        first_of_shape: dict[str, str] = {}
        per_shape: dict[str, int] = {}
        fragments: list[str] = []
        queue: deque[str] = deque(["/"])
        seen = {"/"}
        while queue and sum(per_shape.values()) < MAX_PAGES:
            target = queue.popleft()
            shape = _shape(target)
            if per_shape.get(shape, 0) >= PAGES_PER_SHAPE:
                continue
            per_shape[shape] = per_shape.get(shape, 0) + 1
            first_of_shape.setdefault(shape, target)
            response = self.fetch(_name("pages/fi", target), target, lang="fi")
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            for link in self._links(LINK, target, response.text):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
            for link in self._links(HX_GET, target, response.text):
                if link not in fragments:
                    fragments.append(link)
        main = [target for shape, target in first_of_shape.items() if shape.count("/") <= MAIN_DEPTH]
        for lang in LANGUAGES[1:]:
            for target in main:
                self.fetch(_name(f"pages/{lang}", target), target, lang=lang)
        for target in fragments:
            self.fetch(_name("fragments/fi", target), target, lang="fi", fragment=True)

    def _links(self, pattern: re.Pattern[str], here: str, page: str) -> Iterator[str]:
        base = str(self.http.base_url).rstrip("/")
        for match in pattern.finditer(page):
            href = html.unescape(match.group(1)).split("#")[0]
            if not href:
                continue
            url = urlsplit(urljoin(base + here, href))
            if f"{url.scheme}://{url.netloc}" != base or url.path.startswith(NOT_CRAWLED):
                continue
            yield url.path + (f"?{url.query}" if url.query else "")

    # ---- exports ----------------------------------------------------------------

    def exports(self) -> None:
        practices = [item["id"] for item in self.json("/api/good-practices?limit=100")["items"]]
        for practice in practices:
            for lang, formats in EXPORT_FORMATS.items():
                for fmt in formats:
                    self._export(f"/api/good-practices/{practice}/export.{fmt}?lang={lang}")
            versions = self.json(f"/api/good-practices/{practice}/versions")
            for number in sorted(v["version"] for v in _items(versions))[:-1]:
                for fmt in EXPORT_FORMATS["fi"]:
                    self._export(f"/api/good-practices/{practice}/export.{fmt}?version={number}&lang=fi")
        for practice in [item["id"] for item in self.json("/api/public/good-practices?limit=100")["items"]]:
            for fmt in PUBLIC_FORMATS:
                self._export(f"/api/public/good-practices/{practice}/export.{fmt}?lang=fi")
        self._export("/api/good-practices/catalogue.csv")
        self._export("/api/public/good-practices/catalogue.csv")

        for programme in [item["id"] for item in self.json("/api/programmes")["items"]]:
            for lang, formats in EXPORT_FORMATS.items():
                for fmt in formats:
                    self._export(f"/api/programmes/{programme}/seminar.{fmt}?lang={lang}")
            workshops = [w["id"] for w in self.json(f"/api/programmes/{programme}")["workshops"]]
            for workshop in workshops:
                last = workshop == workshops[-1]
                for lang in LANGUAGES:
                    for fmt in PACK_FORMATS:
                        if last or (lang, fmt) == ("fi", "markdown"):
                            pack = f"/api/programmes/{programme}/workshops/{workshop}/pack"
                            self._export(f"{pack}?lang={lang}&format={fmt}")
            self._timeline(f"/api/programmes/{programme}")

        initiatives = [item["id"] for item in self.json("/api/initiatives?limit=100")["items"]]
        for initiative in initiatives:
            self._timeline(
                f"/api/initiatives/{initiative}", LANGUAGES if initiative == initiatives[0] else ("fi",)
            )
            for measure in _items(self.json(f"/api/initiatives/{initiative}/measures")):
                self._export(f"/api/measures/{measure['id']}/chart")
                for lang in LANGUAGES:
                    self._export(f"/api/measures/{measure['id']}/chart.svg?lang={lang}")
                    self._export(f"/api/measures/{measure['id']}/chart.png?lang={lang}")
        for target in [item["id"] for item in self.json("/api/targets")["items"]]:
            self._timeline(f"/api/targets/{target}")

    def _timeline(self, record: str, languages: tuple[str, ...] = LANGUAGES) -> None:
        self._export(f"{record}/timeline")
        for lang in languages:
            self._export(f"{record}/timeline.svg?lang={lang}")

    def _export(self, target: str) -> None:
        response = self.fetch(_name("exports", target.removeprefix("/api")), target)
        assert response.status_code == 200, f"{target}: {response.status_code} {response.text[:500]}"


def _items(body: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
    return items


def _shape(target: str) -> str:
    url = urlsplit(target)
    path = re.sub(r"/\d+(?=/|$)", "/{n}", UUID.sub("{id}", url.path))
    keys = sorted({key for key, _ in parse_qsl(url.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def _name(folder: str, target: str) -> str:
    url = urlsplit(target)
    path = url.path.strip("/") or "index"
    name = "/".join(UNSAFE.sub("_", part) for part in path.split("/"))
    if url.query:
        name += "@" + UNSAFE.sub("_", url.query)
    return f"{folder}/{name}.txt"


# The golden test and the names-never-ids test read the same collection: both modules are in
# this xdist group (`make test` runs `--dist loadgroup`), so one worker collects it once.
SHARED = "demo-collection"


@pytest.fixture(scope="session")
def demo_collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    """Every page, fragment and export of the demo, collected once per test process."""
    return collect(tmp_path_factory.mktemp("demo-collection"))
