"""Ratio 4 of `python -m scripts.bench`: p99 of a server-side page ÷ p99 of the JSON request(s)
for the same data (see the docstring of `scripts/bench.py`)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import httpx

from present.initiatives import PAGE_SIZE
from projections import history
from projections import initiatives as read_model
from scripts.bench_kit import (
    CELL_WIDTH,
    LABEL_WIDTH,
    NO_LATENCY,
    RATIO_TARGETS,
    TOPICS,
    Latency,
    Loader,
    Server,
    expect,
    log,
    vacuum,
    verdict,
)
from services.bootstrap import bootstrap
from services.settings import Settings

PAGES_INITIATIVES = 10_000  # initiatives in the store of ratio 4


PAGES_HISTORY = 1_000  # events in the history of its one long initiative


PAGES_PEOPLE = 1_000  # in the people registry: owners and team members, and the select lists


PAGES_ORGANISATIONS = 20  # with five units each


PAGES_REQUESTS = 1_000  # measured rounds of ratio 4 (each: three pages and their JSON)


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
