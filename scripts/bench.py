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

from projections.rebuild import rebuild
from scripts.bench_change_day import ChangeDayResult, bench_change_day, change_day_report
from scripts.bench_exports import ExportsResult, bench_exports, exports_report
from scripts.bench_kit import (
    CELL_WIDTH,
    COMMAND_ROUNDS,
    LABEL_WIDTH,
    NO_LATENCY,
    RATIO_TARGETS,
    THEMES,
    CommandTimer,
    Latency,
    Loader,
    Server,
    expect,
    in_process_round,
    load,
    log,
    proposal,
    verdict,
)
from scripts.bench_outcomes import OutcomesResult, bench_outcomes, outcomes_report
from scripts.bench_pages import PagesResult, bench_pages, pages_report
from scripts.bench_programme import ProgrammeResult, bench_programme, programme_report
from services.bootstrap import Services, bootstrap
from services.settings import Settings

SMALL_EVENTS = 10_000
LARGE_EVENTS = 100_000
READ_BATCH = 500  # notifications per select, as the projector reads them


# ---- figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """What one run of read requests against one store measured."""

    one: Latency
    listing: Latency
    items: float  # mean items per list page


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


# ---- output ----------------------------------------------------------------------------


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
    exports: list[ExportsResult] = []  # ratio 9
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
        if args.bench in ("all", "exports"):  # ratio 9
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
