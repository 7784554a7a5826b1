"""Benchmark Kipinä: `python -m scripts.bench [--bench all|core|pages|change-day|programme|outcomes|exports]
[--scale S] [--store sqlite|postgres|both] [--postgres-dsn D]`.

Prints ratios (`--bench core`: 1 to 3, `pages`: 4, `change-day`: 5 and 6, `all`: every one),
each measured against a baseline taken in the same run on the same machine, so they
compare like with like (nothing asserts absolute timings):

1. commands/s over HTTP (the real server, `scripts.run`: uvicorn, one worker, in
   a subprocess on an OS-picked loopback port; a sequential keep-alive client)
   ÷ the same commands called in-process on the Application followed by the
   projector catch-up the API does for read-your-writes. Target ≥ 0.3. The
   ratio against the Application alone (no catch-up) is printed too.
2. projection rebuild events/s ÷ raw notification-log read events/s (select in
   batches and decode, nothing applied). Target ≥ 0.5.
3. p99 latency of `GET /api/initiatives/{id}` and of a filtered list at 100k
   events ÷ the same at 10k events. Target ≤ 1.2. The store is measured at 10k,
   grown to 100k and measured again; the verdict compares it with a twin store
   left at 10k and measured at the same time, request by request, so load from
   other processes on the machine falls on both sides alike. The plain
   before/after ratio of the one store is printed too.
4. p99 of a server-side page ÷ p99 of the JSON request(s) for the same data, on
   a store of 10k initiatives, 1,000 people and 20 organisations, one initiative
   with 1,000 history events: the list page (first page, and filtered with q= and
   status=) against `GET /api/initiatives?limit=25` with the same filters, and the
   initiative page against `GET /api/initiatives/{id}` plus
   `GET /api/initiatives/{id}/history` (the page shows the initiative, its notes
   and its full history, which takes both JSON requests; the two are timed back to
   back as one sample). Target ≤ 2. Same real server, one client, the page and the
   JSON taking turns request by request.

Ratios 5 and 6 (`--bench change-day`: a 320,000-pledge CSV import against the in-process
command rate, and the Change Day wall's p99 at 320k ÷ at 1k pledges) are described in
`scripts/bench_change_day.py`; ratio 7 (`--bench programme`: the 3W programme's dashboard
and digest p99 at 1M ÷ at 10k events) in `scripts/bench_programme.py`; ratio 8 (`--bench
outcomes`: a run chart of 1,000 values ÷ one of 100, an outcome timeline of 10,000 events ÷
one of 100) in `scripts/bench_outcomes.py`; ratio 9 (`--bench exports`: a seminar pack of 30 good
practices, time and peak memory, ÷ one practice's export × 30, in each format) in
`scripts/bench_exports.py`.

Event counts scale with --scale (1.0 = 10k and 100k events; for ratio 4, 10k
initiatives, 1,000 people and 1,000 history events, at least 50, 20 and 20). Each store is a
fresh temporary one: SQLite in a temporary directory, PostgreSQL a throw-away
database that is dropped afterwards. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import httpx
import psycopg
from sqlalchemy.engine import make_url

from present.initiatives import PAGE_SIZE
from projections import history
from projections import initiatives as read_model
from projections.rebuild import rebuild
from scripts.bench_change_day import ChangeDayResult, bench_change_day, change_day_report
from scripts.bench_exports import ExportsResult, bench_exports, exports_report
from scripts.bench_kit import (
    COMMAND_ROUNDS,
    THEMES,
    TOPICS,
    CommandTimer,
    Latency,
    Loader,
    Server,
    expect,
    in_process_round,
    load,
    log,
    proposal,
    vacuum,
    verdict,
)
from scripts.bench_outcomes import OutcomesResult, bench_outcomes, outcomes_report
from scripts.bench_programme import ProgrammeResult, bench_programme, programme_report
from services.bootstrap import Services, bootstrap
from services.settings import Settings

SMALL_EVENTS = 10_000
LARGE_EVENTS = 100_000
RATIO_TARGETS = {"commands": 0.3, "rebuild": 0.5, "latency": 1.2, "pages": 2.0}
PAGES_INITIATIVES = 10_000  # initiatives in the store of ratio 4
PAGES_HISTORY = 1_000  # events in the history of its one long initiative
PAGES_PEOPLE = 1_000  # in the people registry: owners and team members, and the select lists
PAGES_ORGANISATIONS = 20  # with five units each
PAGES_REQUESTS = 1_000  # measured rounds of ratio 4 (each: three pages and their JSON)
READ_BATCH = 500  # notifications per select, as the projector reads them


# ---- figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """What one run of read requests against one store measured."""

    one: Latency
    listing: Latency
    items: float  # mean items per list page


NO_LATENCY = Latency(0, 0)
NO_READS = Reads(NO_LATENCY, NO_LATENCY, 0.0)


@dataclass
class StoreResult:
    store: str
    commands: int = 0
    in_process_app: float = 0.0  # commands/s, Application alone
    in_process: float = 0.0  # commands/s, Application + projector catch-up
    http: float = 0.0  # commands/s over HTTP
    log_events: int = 0
    log_read: float = 0.0  # events/s
    rebuild: float = 0.0  # events/s
    small_events: int = 0
    large_events: int = 0
    load: float = 0.0  # events/s written by the batched loader (10k → 100k)
    catch_up: float = 0.0  # events/s applied by the projector after that load
    small: Reads = NO_READS  # this store at 10k, before it grew
    twin: Reads = NO_READS  # the twin at 10k, measured alongside `large`
    large: Reads = NO_READS  # this store at 100k
    seconds: float = 0.0

    @property
    def commands_ratio(self) -> float:
        return self.http / self.in_process

    @property
    def commands_ratio_app(self) -> float:
        return self.http / self.in_process_app

    @property
    def rebuild_ratio(self) -> float:
        return self.rebuild / self.log_read

    def latency_ratio(self, endpoint: str, baseline: str = "twin", *, median: bool = False) -> float:
        before: Latency = getattr(getattr(self, baseline), endpoint)
        after: Latency = getattr(self.large, endpoint)
        if median:
            return after.p50_ms / before.p50_ms
        return after.p99_ms / before.p99_ms


# ---- stores and the server ------------------------------------------------------------


@contextmanager
def temporary_store(kind: str, workdir: Path, dsn: str | None) -> Iterator[Settings]:
    """Settings for a fresh, empty store; a PostgreSQL database is dropped afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "data"
    if kind == "sqlite":
        yield Settings(data_dir=data_dir, database_url=None, actor_header=None)
        return
    assert dsn is not None
    name = f"kipina_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(dsn).set(database=name).render_as_string(hide_password=False)
        yield Settings(data_dir=data_dir, database_url=url, actor_header=None)
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---- loading events fast, in-process ----------------------------------------------


# ---- ratio 3: read latency at two log sizes -----------------------------------------


def measure_reads(
    targets: list[tuple[httpx.Client, list[UUID]]], rng: random.Random, requests: int
) -> list[Reads]:
    """GET-one and filtered-list requests after a warm-up, taking turns between the
    targets request by request, so whatever else the machine does hits all alike."""
    warm_up = max(20, min(200, requests // 5))
    one: list[list[float]] = [[] for _ in targets]
    many: list[list[float]] = [[] for _ in targets]
    items = [0 for _ in targets]
    for n in range(warm_up + requests):
        params: dict[str, str | int] = {
            "status": "in_progress",
            "theme": THEMES[n % len(THEMES)],
            "limit": 50,
        }
        for t, (client, ids) in enumerate(targets):
            started = time.perf_counter()
            response = client.get(f"/api/initiatives/{rng.choice(ids)}")
            middle = time.perf_counter()
            listing = client.get("/api/initiatives", params=params)
            ended = time.perf_counter()
            expect(response, 200)
            expect(listing, 200)
            if n >= warm_up:
                one[t].append(middle - started)
                many[t].append(ended - middle)
                items[t] += len(listing.json()["items"])
    return [Reads(Latency.of(one[t]), Latency.of(many[t]), items[t] / requests) for t in range(len(targets))]


# ---- ratio 2: rebuild against reading the log ---------------------------------------


def measure_log_read(services: Services) -> tuple[int, float]:
    """Read every notification in projector-sized batches and decode it; nothing applied."""
    recorder, to_event = services.app.recorder, services.app.mapper.to_domain_event
    started = time.perf_counter()
    position, count = 0, 0
    while True:
        notifications = recorder.select_notifications(
            start=position, limit=READ_BATCH, inclusive_of_start=False
        )
        if not notifications:
            break
        for notification in notifications:
            to_event(notification)
        count += len(notifications)
        position = notifications[-1].id
    return count, time.perf_counter() - started


# ---- ratio 1: the same commands in-process and over HTTP -----------------------------


def http_round(client: httpx.Client, loader: Loader, initiatives: int) -> tuple[int, float]:
    """The same five commands per initiative, over HTTP; returns (commands, seconds)."""
    started = time.perf_counter()
    for n in range(initiatives):
        body = {k: str(v) if isinstance(v, UUID) else v for k, v in proposal(loader, n).items()}
        created = client.post("/api/initiatives", json=body)
        expect(created, 201)
        url = f"/api/initiatives/{created.json()['id']}"
        expect(client.post(f"{url}/plan"), 200)
        expect(client.post(f"{url}/start"), 200)
        expect(client.post(f"{url}/notes", json={"text": "Ensimmäinen viikko takana."}), 200)
        expect(client.patch(url, json={"summary": "Laajennetaan toiseen tiimiin."}), 200)
    return initiatives * 5, time.perf_counter() - started


# ---- one store, end to end -----------------------------------------------------------


def bench_store(label: str, settings: Settings, twin_settings: Settings, scale: float) -> StoreResult:
    """All three ratios on one kind of store. `twin_settings` is a second empty store
    of the same kind: the 10k baseline for ratio 3, read alongside the grown store."""
    began = time.perf_counter()
    result = StoreResult(store=label)
    small_target = max(50, round(SMALL_EVENTS * scale))
    large_target = max(small_target * 2, round(LARGE_EVENTS * scale))
    requests = int(min(2000, max(50, 10_000 * scale)))
    initiatives_per_round = int(min(100, max(2, 100 * scale)))
    workdir, twin_workdir = settings.data_dir.parent, twin_settings.data_dir.parent

    services = bootstrap(settings)
    twin = bootstrap(twin_settings)
    try:
        # The same seed: the twin holds the same kind of data as the first 10k of the store.
        loader, twin_loader = Loader(services, random.Random(2024)), Loader(twin, random.Random(2024))
        for each in (loader, twin_loader):
            each.add_references()
        log(f"[{label}] loading {small_target:,} events into the store and its twin…")
        result.small_events = load(services, loader, small_target)[0]
        load(twin, twin_loader, small_target)
        rng = random.Random(7)

        # Ratio 3: this store at 10k, then at 100k alongside the twin still at 10k.
        with (
            Server(settings, workdir) as server,
            Server(twin_settings, twin_workdir) as twin_server,
            httpx.Client(base_url=server.url, timeout=60) as client,
            httpx.Client(base_url=twin_server.url, timeout=60) as twin_client,
        ):
            log(f"[{label}] reads at {result.small_events:,} events ({requests} of each)…")
            [result.small] = measure_reads([(client, loader.initiative_ids)], rng, requests)
            log(f"[{label}] growing the store to {large_target:,} events…")
            result.large_events, result.load, result.catch_up = load(services, loader, large_target)
            log(f"[{label}] reads at {result.large_events:,} events, alternating with the twin…")
            result.large, result.twin = measure_reads(
                [(client, loader.initiative_ids), (twin_client, twin_loader.initiative_ids)], rng, requests
            )
        twin.close()

        # Ratio 2, with the server stopped (a rebuild empties the tables readers use).
        log(f"[{label}] reading the log and rebuilding the read models…")
        reads = [measure_log_read(services) for _ in range(2)]
        result.log_events = reads[0][0]
        result.log_read = result.log_events / min(seconds for _, seconds in reads)
        started = time.perf_counter()
        rebuild(services.projector)
        result.rebuild = result.log_events / (time.perf_counter() - started)

        # Ratio 1: alternating rounds, so drift hits both sides alike.
        log(f"[{label}] commands: {COMMAND_ROUNDS} rounds of {initiatives_per_round * 5} each way…")
        in_process: list[CommandTimer] = []
        over_http: list[tuple[int, float]] = []
        with Server(settings, workdir) as server, httpx.Client(base_url=server.url, timeout=60) as client:
            http_round(client, loader, 2)  # warm-up: first requests compile routes, fill pools
            in_process_round(services, loader, 2)
            for _ in range(COMMAND_ROUNDS):
                in_process.append(in_process_round(services, loader, initiatives_per_round))
                over_http.append(http_round(client, loader, initiatives_per_round))
        result.commands = sum(t.commands for t in in_process)
        result.in_process_app = statistics.median(t.commands / t.app_seconds for t in in_process)
        result.in_process = statistics.median(
            t.commands / (t.app_seconds + t.catch_up_seconds) for t in in_process
        )
        result.http = statistics.median(n / seconds for n, seconds in over_http)
    finally:
        twin.close()
        services.close()
    result.seconds = time.perf_counter() - began
    return result


# ---- ratio 4: server-side pages against the JSON of the same data --------------------


@dataclass(frozen=True)
class PageVsJson:
    """One page and the JSON request(s) that give the same data, measured in turns:
    at the client, and as CPU time the server process spent (None where the OS has
    no CPU clock for another process)."""

    page: Latency
    json: Latency
    page_cpu: Latency | None = None
    json_cpu: Latency | None = None

    @property
    def ratio(self) -> float:
        return self.page.p99_ms / self.json.p99_ms

    @property
    def ratio_p50(self) -> float:
        return self.page.p50_ms / self.json.p50_ms

    @property
    def cpu_ratio(self) -> float | None:
        if self.page_cpu is None or self.json_cpu is None:
            return None
        return self.page_cpu.p99_ms / self.json_cpu.p99_ms


def process_cpu_clock(pid: int) -> Callable[[], float] | None:
    """Seconds of CPU the process `pid` has used, all its threads together, or None
    where there is no such clock (Linux has it: a process clock id made from the pid).
    Unlike a request's wall time, it does not grow while the server waits for a CPU
    that other processes on the machine hold, so its tail shows the server's own work."""
    clock_id = ((~pid) << 3) | 2  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) of <linux/posix-timers.h>
    try:
        time.clock_gettime_ns(clock_id)
    except (OSError, AttributeError):
        return None
    return lambda: time.clock_gettime_ns(clock_id) / 1e9


@dataclass
class PagesResult:
    store: str
    initiatives: int = 0
    history_events: int = 0  # in the history of the one long initiative
    notes: int = 0  # of which progress notes
    people: int = 0
    log_events: int = 0
    requests: int = 0
    listing: PageVsJson | None = None
    filtered: PageVsJson | None = None
    one: PageVsJson | None = None
    one_json_parts: tuple[Latency, Latency] | None = None  # GET …/{id} and GET …/{id}/history alone
    items: tuple[int, int] = (0, 0)  # items on the first and the filtered list page
    seconds: float = 0.0

    def pairs(self) -> tuple[PageVsJson, PageVsJson, PageVsJson]:
        assert self.listing is not None and self.filtered is not None and self.one is not None
        return self.listing, self.filtered, self.one


def _filtered_params(n: int) -> dict[str, str]:
    """A search word (the first word of one of the topics, in titles and summaries) and a status."""
    return {"q": TOPICS[n % len(TOPICS)].split()[0], "status": "in_progress"}


def measure_pages(
    client: httpx.Client,
    initiative_id: UUID,
    requests: int,
    result: PagesResult,
    server_cpu: Callable[[], float] | None = None,
) -> None:
    """Each round sends the three pages and the JSON requests for the same data, the
    page first in even rounds and the JSON first in odd ones, so drift and caches
    favour neither side. The items listed are checked to be the same on both sides,
    and the initiative page must show every history entry."""
    warm_up = max(10, min(100, requests // 5))
    keys = ("list", "list_json", "filtered", "filtered_json", "one", "one_json", "get", "history")
    samples: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    listed = [0, 0]
    one_url = f"/api/initiatives/{initiative_id}"

    def timed(path: str, params: dict[str, str | int] | None = None) -> tuple[httpx.Response, float, float]:
        """The response, its wall time at the client and the server's CPU time for it."""
        cpu_before = server_cpu() if server_cpu else 0.0
        started = time.perf_counter()
        response = client.get(path, params=params)
        elapsed = time.perf_counter() - started
        cpu_used = server_cpu() - cpu_before if server_cpu else 0.0
        expect(response, 200)
        return response, elapsed, cpu_used

    def keep_sample(key: str, elapsed: float, cpu_used: float) -> None:
        samples[key].append(elapsed)
        cpu[key].append(cpu_used)

    def list_pair(page_params: dict[str, str | int], key: str, page_first: bool, keep: bool) -> None:
        def page() -> int:
            response, elapsed, cpu_used = timed("/initiatives", page_params)
            if keep:
                keep_sample(key, elapsed, cpu_used)
            return response.text.count('<li class="card">')

        def json() -> int:
            response, elapsed, cpu_used = timed("/api/initiatives", {**page_params, "limit": PAGE_SIZE})
            if keep:
                keep_sample(f"{key}_json", elapsed, cpu_used)
            return len(response.json()["items"])

        if page_first:
            on_page = page()
            in_json = json()
        else:
            in_json = json()
            on_page = page()
        if on_page != in_json:
            raise RuntimeError(f"{key}: the page lists {on_page} initiatives, the JSON {in_json}")
        listed[0 if key == "list" else 1] = on_page

    def one_pair(page_first: bool, keep: bool) -> None:
        def page() -> None:
            response, elapsed, cpu_used = timed(f"/initiatives/{initiative_id}")
            if keep:
                keep_sample("one", elapsed, cpu_used)
            shown = response.text.count('<li class="history-entry">')
            if shown != result.history_events:
                raise RuntimeError(f"the page shows {shown} history entries, not {result.history_events}")

        def json() -> None:
            _, get, get_cpu = timed(one_url)
            history, took, took_cpu = timed(f"{one_url}/history")
            if len(history.json()) != result.history_events:
                raise RuntimeError(f"history has {len(history.json())} entries, not {result.history_events}")
            if keep:
                keep_sample("get", get, get_cpu)
                keep_sample("history", took, took_cpu)
                keep_sample("one_json", get + took, get_cpu + took_cpu)

        for side in (page, json) if page_first else (json, page):
            side()

    for n in range(warm_up + requests):
        keep, page_first = n >= warm_up, n % 2 == 0
        list_pair({}, "list", page_first, keep)
        list_pair(dict(_filtered_params(n)), "filtered", page_first, keep)
        one_pair(page_first, keep)

    def pair(key: str) -> PageVsJson:
        wall = Latency.of(samples[key]), Latency.of(samples[f"{key}_json"])
        if server_cpu is None:
            return PageVsJson(*wall)
        return PageVsJson(*wall, Latency.of(cpu[key]), Latency.of(cpu[f"{key}_json"]))

    result.requests = requests
    result.listing, result.filtered, result.one = pair("list"), pair("filtered"), pair("one")
    result.one_json_parts = (Latency.of(samples["get"]), Latency.of(samples["history"]))
    result.items = (listed[0], listed[1])


def bench_pages(label: str, settings: Settings, scale: float) -> PagesResult:
    """Ratio 4 on one kind of store: 10k initiatives and one with a 1,000-event history,
    served by the real server; pages and JSON requests take turns."""
    began = time.perf_counter()
    result = PagesResult(store=label)
    result.initiatives = max(50, round(PAGES_INITIATIVES * scale))
    history_target = max(20, round(PAGES_HISTORY * scale))
    requests = int(min(PAGES_REQUESTS, max(20, PAGES_REQUESTS * scale)))
    people = max(20, round(PAGES_PEOPLE * scale))
    services = bootstrap(settings)
    try:
        loader = Loader(services, random.Random(2025))
        loader.add_references(organisations=PAGES_ORGANISATIONS, people=people)
        log(f"[{label}] pages: loading {result.initiatives:,} initiatives and one with a long history…")
        loader.add_initiatives(result.initiatives - 1)
        long_id = loader.add_long_history(history_target)
        services.projector.catch_up()
        vacuum(services)
        with services.projector.engine.connect() as conn:
            result.history_events = len(history.of_record(conn, long_id))
            result.notes = len(read_model.notes(conn, long_id))
            result.people = len(services.people.search(conn, q=None, limit=100_000, after=None).items)
        result.log_events = int(services.app.recorder.max_notification_id() or 0)
        with (
            Server(settings, settings.data_dir.parent) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            log(f"[{label}] pages: {requests} rounds of three pages and their JSON…")
            assert server.proc is not None
            measure_pages(client, long_id, requests, result, process_cpu_clock(server.proc.pid))
    finally:
        services.close()
    result.seconds = time.perf_counter() - began
    return result


# ---- output ----------------------------------------------------------------------------

LABEL_WIDTH = 64
CELL_WIDTH = 22


def report(results: list[StoreResult], scale: float) -> str:
    lines = [f"Kipinä benchmark, scale {scale:g}", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<{LABEL_WIDTH}}" + "".join(f"{c:>{CELL_WIDTH}}" for c in cells)).rstrip())

    def each(render: Callable[[StoreResult], str]) -> list[str]:
        return [render(r) for r in results]

    first = results[0]
    small, large = f"{first.small_events:,}", f"{first.large_events:,}"
    row("measure", each(lambda r: r.store))
    row("commands in-process: Application alone", each(lambda r: f"{r.in_process_app:,.0f} cmd/s"))
    row("commands in-process: Application + projector catch-up", each(lambda r: f"{r.in_process:,.0f} cmd/s"))
    row("commands over HTTP (uvicorn, 1 worker, keep-alive client)", each(lambda r: f"{r.http:,.0f} cmd/s"))
    row("notification-log read (select in batches + decode)", each(lambda r: f"{r.log_read:,.0f} ev/s"))
    row("projection rebuild", each(lambda r: f"{r.rebuild:,.0f} ev/s"))
    row("  events in the log read and rebuilt", each(lambda r: f"{r.log_events:,}"))
    row(
        "load 10k → 100k: app.save batches / projector catch-up",
        each(lambda r: f"{r.load:,.0f} / {r.catch_up:,.0f} ev/s"),
    )
    row("p50 / p99 of GET /api/initiatives/{id}", [])
    row(f"  this store at {small} events", each(lambda r: str(r.small.one)))
    row(f"  twin at {small} events (alongside the next line)", each(lambda r: str(r.twin.one)))
    row(f"  this store at {large} events", each(lambda r: str(r.large.one)))
    row("p50 / p99 of GET /api/initiatives?status=in_progress&theme=…&limit=50", [])
    row(f"  this store at {small} events", each(lambda r: str(r.small.listing)))
    row(f"  twin at {small} events (alongside the next line)", each(lambda r: str(r.twin.listing)))
    row(f"  this store at {large} events", each(lambda r: str(r.large.listing)))
    row("  mean items per page: small / large", each(lambda r: f"{r.twin.items:.0f} / {r.large.items:.0f}"))
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    c, b, p = RATIO_TARGETS["commands"], RATIO_TARGETS["rebuild"], RATIO_TARGETS["latency"]
    row("ratio (target)", each(lambda r: r.store))
    row(
        f"ratio 1  cmd/s HTTP ÷ in-process App + catch-up (≥ {c})",
        each(lambda r: verdict(r.commands_ratio, c, True)),
    )
    row(
        f"         cmd/s HTTP ÷ in-process App alone (≥ {c})",
        each(lambda r: verdict(r.commands_ratio_app, c, True)),
    )
    row(f"ratio 2  ev/s rebuild ÷ raw log read (≥ {b})", each(lambda r: verdict(r.rebuild_ratio, b, True)))
    row(
        f"ratio 3  p99 {large} ÷ {small} events, GET one (≤ {p})",
        each(lambda r: verdict(r.latency_ratio("one"), p, False)),
    )
    row(
        f"ratio 3  p99 {large} ÷ {small} events, filtered list (≤ {p})",
        each(lambda r: verdict(r.latency_ratio("listing"), p, False)),
    )
    row(
        "         the same as p50, GET one / list",
        each(
            lambda r: (
                f"{r.latency_ratio('one', median=True):.2f} / {r.latency_ratio('listing', median=True):.2f}"
            )
        ),
    )
    row(
        "         p99 against the same store before it grew, GET one / list",
        each(lambda r: f"{r.latency_ratio('one', 'small'):.2f} / {r.latency_ratio('listing', 'small'):.2f}"),
    )
    lines += [
        "",
        "Ratio 1's baseline is the Application's command methods plus the projector catch-up the API runs",
        "for read-your-writes; the line under it uses the Application alone. Ratio 3 compares the grown",
        "store with its twin at the small size, measured at the same time, request by request.",
    ]
    return "\n".join(lines)


def pages_report(results: list[PagesResult], scale: float) -> str:
    lines = [f"Kipinä page-rendering benchmark (ratio 4), scale {scale:g}", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<{LABEL_WIDTH}}" + "".join(f"{c:>{CELL_WIDTH}}" for c in cells)).rstrip())

    def each(render: Callable[[PagesResult], str]) -> list[str]:
        return [render(r) for r in results]

    def pair(index: int) -> Callable[[PagesResult], PageVsJson]:
        return lambda r: r.pairs()[index]

    first = results[0]
    row("measure", each(lambda r: r.store))
    row(
        "initiatives / people / events in the log",
        each(lambda r: f"{r.initiatives:,} / {r.people} / {r.log_events:,}"),
    )
    row(
        "long initiative: history events / of which notes",
        each(lambda r: f"{r.history_events:,} / {r.notes:,}"),
    )
    row("measured rounds (after a warm-up)", each(lambda r: f"{r.requests:,}"))
    row("p50 / p99, list, first page", [])
    row("  page GET /initiatives", each(lambda r: str(pair(0)(r).page)))
    row(f"  JSON GET /api/initiatives?limit={PAGE_SIZE}", each(lambda r: str(pair(0)(r).json)))
    q = _filtered_params(0)
    row(f"p50 / p99, filtered list (q=<topic word>&status={q['status']})", [])
    row("  page GET /initiatives?q=…&status=…", each(lambda r: str(pair(1)(r).page)))
    row(f"  JSON GET /api/initiatives?q=…&status=…&limit={PAGE_SIZE}", each(lambda r: str(pair(1)(r).json)))
    row(
        "  items on the page and in the JSON: first / filtered",
        each(lambda r: f"{r.items[0]} / {r.items[1]}"),
    )
    row(f"p50 / p99, the initiative with {first.history_events:,} history events", [])
    row("  page GET /initiatives/{id}", each(lambda r: str(pair(2)(r).page)))
    row("  JSON GET /api/initiatives/{id} + GET …/{id}/history", each(lambda r: str(pair(2)(r).json)))
    row("    of which GET /api/initiatives/{id}", each(lambda r: str((r.one_json_parts or (NO_LATENCY,))[0])))
    row(
        "    of which GET /api/initiatives/{id}/history",
        each(lambda r: str((r.one_json_parts or (NO_LATENCY, NO_LATENCY))[1])),
    )
    if all(pair(i)(r).page_cpu is not None for r in results for i in range(3)):
        row("server CPU per request p50 / p99 (the server process's CPU clock)", [])
        for index, name in enumerate(("list, first page", "filtered list", "initiative")):
            cpu = [r.pairs()[index] for r in results]
            row(f"  page, {name}", [str(c.page_cpu) for c in cpu])
            row(f"  JSON, {name}", [str(c.json_cpu) for c in cpu])
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    t = RATIO_TARGETS["pages"]
    row("ratio (target)", each(lambda r: r.store))
    row(
        f"ratio 4  p99 page ÷ JSON, list first page (≤ {t:g})",
        each(lambda r: verdict(pair(0)(r).ratio, t, False)),
    )
    row(
        f"ratio 4  p99 page ÷ JSON, filtered list (≤ {t:g})",
        each(lambda r: verdict(pair(1)(r).ratio, t, False)),
    )
    row(
        f"ratio 4  p99 page ÷ JSON, initiative + history (≤ {t:g})",
        each(lambda r: verdict(pair(2)(r).ratio, t, False)),
    )
    row(
        "         the same as p50: list / filtered / initiative",
        each(lambda r: " / ".join(f"{p.ratio_p50:.2f}" for p in r.pairs())),
    )
    row(
        "         p99 of server CPU, page ÷ JSON: list / filtered / initiative",
        each(lambda r: " / ".join(f"{p.cpu_ratio:.2f}" if p.cpu_ratio else "–" for p in r.pairs())),
    )
    lines += [
        "",
        "Both sides are served by the same real server (uvicorn, 1 worker) to the same keep-alive",
        "client, taking turns request by request. The JSON side of the initiative page is",
        "GET /api/initiatives/{id} plus GET /api/initiatives/{id}/history for the same record, timed back",
        "to back as one sample: the page shows the initiative, its notes and its full history, and the",
        "JSON API needs both requests for that. The verdict uses the time at the client; the server's",
        "CPU time per request is printed as well, because it does not include waiting for a CPU that",
        "other processes hold, which dominates the p99 on a busy machine.",
    ]
    return "\n".join(lines)


# ---- entry point -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kipina-bench", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="event counts × S (1.0 = 10k and 100k)")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--bench",
        choices=("all", "core", "pages", "change-day", "programme", "outcomes", "exports"),
        default="all",
        help="core: ratios 1-3; pages: ratio 4 (server-side pages against JSON); "
        "change-day: ratios 5-6 (pledge import, wall); programme: ratio 7 (dashboard and digest "
        "at 1M events); outcomes: ratio 8 (run chart and outcome timeline against 10× and 100× "
        "smaller ones); exports: ratio 9 (a seminar pack of 30 good practices against one "
        "practice's export × 30, time and peak memory); all: every one",
    )
    parser.add_argument(
        "--postgres-dsn",
        default=os.environ.get("KIPINA_BENCH_POSTGRES_DSN") or os.environ.get("KIPINA_TEST_POSTGRES_DSN"),
        help="server to create throw-away databases on "
        "(default: $KIPINA_BENCH_POSTGRES_DSN or $KIPINA_TEST_POSTGRES_DSN)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be more than 0 and at most 10")

    stores: list[str] = []
    notes: list[str] = []
    if args.store in ("sqlite", "both"):
        stores.append("sqlite")
    if args.store in ("postgres", "both"):
        problem = _postgres_problem(args.postgres_dsn)
        if problem is None:
            stores.append("postgres")
        elif args.store == "postgres":
            print(f"Cannot benchmark PostgreSQL: {problem}", file=sys.stderr)
            return 2
        else:
            notes.append(f"PostgreSQL skipped: {problem}")

    results: list[StoreResult] = []
    pages: list[PagesResult] = []
    change_day: list[ChangeDayResult] = []
    programme: list[ProgrammeResult] = []
    outcomes: list[OutcomesResult] = []
    exports: list[ExportsResult] = []  # ratio 9 (issue 8)
    for kind in stores:
        label = "SQLite" if kind == "sqlite" else "PostgreSQL"
        if args.bench in ("all", "core"):
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "store", args.postgres_dsn) as settings,
                temporary_store(kind, Path(tmp) / "twin", args.postgres_dsn) as twin_settings,
            ):
                results.append(bench_store(label, settings, twin_settings, args.scale))
        if args.bench in ("all", "pages"):
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "pages", args.postgres_dsn) as settings,
            ):
                pages.append(bench_pages(label, settings, args.scale))
        if args.bench in ("all", "change-day"):
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "change-day", args.postgres_dsn) as settings,
            ):
                change_day.append(bench_change_day(label, settings, args.scale))
        if args.bench in ("all", "programme"):
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "programme", args.postgres_dsn) as settings,
                temporary_store(kind, Path(tmp) / "programme-twin", args.postgres_dsn) as twin_settings,
            ):
                programme.append(bench_programme(label, settings, twin_settings, args.scale))
        if args.bench in ("all", "outcomes"):
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "outcomes", args.postgres_dsn) as settings,
            ):
                outcomes.append(bench_outcomes(label, settings, args.scale))
        if args.bench in ("all", "exports"):  # ratio 9 (issue 8)
            with (
                tempfile.TemporaryDirectory(prefix="kipina-bench-") as tmp,
                temporary_store(kind, Path(tmp) / "exports", args.postgres_dsn) as settings,
            ):
                exports.append(bench_exports(label, settings, args.scale))
    sections = [report(results, args.scale)] if results else []
    if pages:
        sections.append(pages_report(pages, args.scale))
    if change_day:
        sections.append(change_day_report(change_day, args.scale))
    if programme:
        sections.append(programme_report(programme, args.scale))
    if outcomes:
        sections.append(outcomes_report(outcomes, args.scale))
    if exports:
        sections.append(exports_report(exports, args.scale))
    print("\n\n".join(sections))
    for note in notes:
        print(note)
    return 0


def _postgres_problem(dsn: str | None) -> str | None:
    if not dsn:
        return (
            "no DSN given (pass --postgres-dsn, or set KIPINA_BENCH_POSTGRES_DSN or KIPINA_TEST_POSTGRES_DSN)"
        )
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10):
            return None
    except psycopg.Error as error:
        return f"cannot connect to {make_url(dsn).render_as_string(hide_password=True)}: {error}"


if __name__ == "__main__":
    raise SystemExit(main())
