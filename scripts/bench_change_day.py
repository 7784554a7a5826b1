"""Change Day benchmark (`python -m scripts.bench --bench change-day`): ratios 5 and 6.

NHS Change Day gathered 189,000 pledges in 2013 and over 320,000 in 2014. This
imports N pledges (320,000 × --scale) from a generated CSV file through the import
path itself (`services.pledge_import`: scan, stream, judge each row, save 500 per
transaction, catch the read models up), and measures:

5. import events/s ÷ the in-process command rate measured on the same store in the
   same run, the way ratio 1 measures it (`bench_kit.in_process_round`: propose, plan,
   start, note, edit, each followed by the projector catch-up). Target ≥ 1: a bulk
   import records a pledge at least as fast as one command at a time. Memory is
   reported as the process's peak RSS at the start, the middle and the end of the
   import: flat means the end is no higher than the middle.
6. p99 of `GET /api/campaigns/{id}/wall` at N pledges ÷ at 1,000 pledges, on the real
   server (`scripts.run` in a subprocess). Target ≤ 1.2: the wall reads counters, not
   pledges. Like ratio 3, the verdict compares the big campaign with a twin of 1,000
   pledges in the same store, the two measured request by request in turns, so load
   from other processes falls on both alike; the big campaign's own wall at 1,000
   pledges, measured before it grew, is printed too.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from domain.application import CommandContext
from domain.change_action import ChangeAction
from scripts import bench_kit
from scripts.bench_kit import Latency, expect, verdict
from services.bootstrap import Services, bootstrap
from services.pledge_import import import_pledges, scan, text_lines
from services.settings import Settings

PLEDGES = 320_000
BASELINE_PLEDGES = 1_000
COMPLETED_SHARE = 0.2  # of the first 1,000, and as many again after the big import
TARGETS = {"import": 1.0, "wall": 1.2}
TEAMS = ("Kotihoidon tiimi", "Vuodeosaston tiimi", "Päivähoidon tiimi", "Kehittämistiimi", "Esimiehet")
VERBS = ("kysyä asiakkaalta", "kokeilla", "lajitella", "kiittää kollegaa", "tarkistaa", "jakaa")
CATEGORY_WORDS = ("asiakaskokemus", "yhteistyö", "työhyvinvointi", "toimintatavat", "ympäristö", "muu")
PEOPLE = 50


@dataclass
class ChangeDayResult:
    store: str
    pledges: int = 0
    baseline_pledges: int = 0
    in_process: float = 0.0  # commands/s, Application + projector catch-up (as ratio 1)
    import_events: int = 0
    import_seconds: float = 0.0
    rss_mb: list[float] = field(default_factory=list)  # peak RSS at start, middle, end of the import
    wall_small: Any = None  # Latency at 1,000 pledges, before the campaign grew
    wall_twin: Any = None  # Latency of a 1,000-pledge campaign, alongside wall_large
    wall_large: Any = None  # Latency at N pledges
    seconds: float = 0.0

    @property
    def import_rate(self) -> float:
        return self.import_events / self.import_seconds if self.import_seconds else 0.0

    @property
    def import_ratio(self) -> float:
        return self.import_rate / self.in_process

    @property
    def wall_ratio(self) -> float:
        return float(self.wall_large.p99_ms / self.wall_twin.p99_ms)

    @property
    def wall_ratio_before(self) -> float:
        return float(self.wall_large.p99_ms / self.wall_small.p99_ms)


def peak_rss_mb() -> float:
    """The process's peak resident set so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(path: Path, first: int, count: int, rng: random.Random) -> None:
    """`count` pledges numbered from `first`, in Finnish Excel's way: semicolons, a BOM,
    CRLF; a fifth by a person (e-mail), the rest by teams; all in the Oulunkaari units."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("text;person_email;team;organisation;unit;category\r\n")
        for n in range(first, first + count):
            email = f"kehittaja{n % PEOPLE + 1}@oulunkaari.fi" if n % 5 == 0 else ""
            team = "" if email else rng.choice(TEAMS)
            unit = rng.choice(("Kotihoito (Oulunkaaren)", "Varhaiskasvatus (Oulunkaaren)", ""))
            out.write(
                f"Lupaan {rng.choice(VERBS)} päivittäin, teko {n + 1};{email};{team};"
                f"Oulunkaaren kuntayhtymä;{unit};{rng.choice(CATEGORY_WORDS)}\r\n"
            )


def run_import(
    services: Services, campaign: UUID, path: Path, on_middle: Callable[[], None] | None = None
) -> tuple[int, float]:
    """Import the file through the import path; returns (pledges imported, seconds)."""
    total_lines = 0
    middle_seen = False

    def progress(line: int) -> None:
        nonlocal middle_seen
        if on_middle is not None and not middle_seen and line >= total_lines // 2:
            middle_seen = True
            on_middle()

    started = time.perf_counter()
    with path.open("rb") as binary:
        total_lines = scan(binary)
        report = import_pledges(
            services, services.local_actor_id, campaign, text_lines(binary), on_rows=progress
        )
    seconds = time.perf_counter() - started
    if report.rejected_count:
        raise RuntimeError(f"the generated file had rejected rows: {report.rejected[:3]}")
    return report.imported, seconds


def complete_some(services: Services, campaign: UUID, count: int, *, after: int | None = None) -> None:
    """Complete `count` pledged actions of the campaign (oldest first after `after`), saved 500 at a time."""
    from projections import change_actions

    with services.projector.engine.connect() as conn:
        rows, _ = change_actions.search(
            conn, change_actions.ActionFilter(campaign_id=campaign, status="pledged"), limit=count * 3
        )
    ids = [UUID(r["id"]) for r in rows][:count]
    actor = services.local_actor_id
    batch: list[ChangeAction] = []
    for action_id in ids:
        action = services.app.get_change_action(action_id)
        action.complete(actor=actor, story="Tehty: kolme asiakasta kertoi, mikä heille on tärkeintä.")
        batch.append(action)
        if len(batch) == 500:
            services.app.save(*batch)
            batch = []
    if batch:
        services.app.save(*batch)
    services.projector.catch_up()


def measure_wall(client: httpx.Client, campaigns: list[UUID], requests: int) -> list[Any]:
    """The walls of the campaigns, taking turns request by request, after a warm-up."""
    warm_up = max(20, min(200, requests // 5))
    seconds: list[list[float]] = [[] for _ in campaigns]
    for n in range(warm_up + requests):
        for index, campaign in enumerate(campaigns):
            started = time.perf_counter()
            response = client.get(f"/api/campaigns/{campaign}/wall")
            elapsed = time.perf_counter() - started
            expect(response, 200)
            if n >= warm_up:
                seconds[index].append(elapsed)
    return [Latency.of(each) for each in seconds]


def bench_change_day(label: str, settings: Settings, scale: float) -> ChangeDayResult:
    began = time.perf_counter()
    result = ChangeDayResult(store=label)
    total = max(BASELINE_PLEDGES + 500, round(PLEDGES * scale))
    result.baseline_pledges = BASELINE_PLEDGES
    requests = int(min(2000, max(50, 10_000 * scale)))
    workdir = settings.data_dir.parent
    rng = random.Random(2014)
    services = bootstrap(settings)
    try:
        loader = bench_kit.Loader(services, random.Random(2024))
        loader.add_references()
        with services.projector.engine.begin() as conn:
            for n in range(PEOPLE):
                services.people.register(
                    conn, {"name": f"Kehittäjä {n + 1}", "email": f"kehittaja{n + 1}@oulunkaari.fi"}
                )
        # The in-process command rate of this store, the way ratio 1 measures it.
        per_round = int(min(100, max(2, 100 * scale)))
        bench_kit.in_process_round(services, loader, 2)
        timers = [
            bench_kit.in_process_round(services, loader, per_round) for _ in range(bench_kit.COMMAND_ROUNDS)
        ]
        result.in_process = statistics.median(
            t.commands / (t.app_seconds + t.catch_up_seconds) for t in timers
        )

        ctx = CommandContext(actor=services.local_actor_id)
        campaign = services.app.create_campaign(
            ctx,
            fields={"name": "Change Day 2014 (bench)", "held_on": date(2014, 3, 12), "target_count": total},
        ).record_id
        services.projector.catch_up()
        small_file, large_file = workdir / "pledges-1k.csv", workdir / "pledges-large.csv"
        log(f"[{label}] writing {total:,} pledges as CSV…")
        write_csv(small_file, 0, BASELINE_PLEDGES, rng)
        write_csv(large_file, BASELINE_PLEDGES, total - BASELINE_PLEDGES, rng)
        run_import(services, campaign, small_file)
        complete_some(services, campaign, int(BASELINE_PLEDGES * COMPLETED_SHARE))
        with (
            bench_kit.Server(settings, workdir) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            log(f"[{label}] wall at {BASELINE_PLEDGES:,} pledges ({requests} requests)…")
            [result.wall_small] = measure_wall(client, [campaign], requests)
        bench_kit.vacuum(services)

        log(f"[{label}] importing {total - BASELINE_PLEDGES:,} pledges through the import path…")
        result.rss_mb.append(peak_rss_mb())
        imported, seconds = run_import(
            services, campaign, large_file, on_middle=lambda: result.rss_mb.append(peak_rss_mb())
        )
        result.rss_mb.append(peak_rss_mb())
        result.import_events, result.import_seconds = imported, seconds
        result.pledges = BASELINE_PLEDGES + imported
        complete_some(services, campaign, int(BASELINE_PLEDGES * COMPLETED_SHARE))
        twin = services.app.create_campaign(
            ctx, fields={"name": "Change Day 2013 (twin)", "held_on": date(2013, 3, 13), "target_count": 1000}
        ).record_id
        run_import(services, twin, small_file)
        complete_some(services, twin, int(BASELINE_PLEDGES * COMPLETED_SHARE))
        bench_kit.vacuum(services)
        with (
            bench_kit.Server(settings, workdir) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            log(f"[{label}] wall at {result.pledges:,} pledges, alternating with a twin of 1,000…")
            result.wall_large, result.wall_twin = measure_wall(client, [campaign, twin], requests)
    finally:
        services.close()
    result.seconds = time.perf_counter() - began
    return result


def change_day_report(results: list[ChangeDayResult], scale: float) -> str:
    lines = [f"Change Day: import and wall (scale {scale}: {results[0].pledges:,} pledges)", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"{label:<58}" + "".join(f"{c:>24}" for c in cells))

    def each(render: Callable[[ChangeDayResult], str]) -> list[str]:
        return [render(r) for r in results]

    row("", each(lambda r: r.store))
    row("commands in-process: Application + projector catch-up", each(lambda r: f"{r.in_process:,.0f} cmd/s"))
    row(
        "import through the import path (scan, judge, save, catch up)",
        each(lambda r: f"{r.import_rate:,.0f} ev/s"),
    )
    row("  pledges imported / seconds", each(lambda r: f"{r.import_events:,} / {r.import_seconds:,.0f} s"))
    row(
        "  peak RSS at start / middle / end of the import",
        each(lambda r: " / ".join(f"{m:.0f}" for m in r.rss_mb) + " MB"),
    )
    row("p50 / p99 of GET /api/campaigns/{id}/wall", [])
    row(f"  this campaign at {BASELINE_PLEDGES:,} pledges, before it grew", each(lambda r: str(r.wall_small)))
    row(
        f"  a twin of {BASELINE_PLEDGES:,} pledges (alongside the next line)",
        each(lambda r: str(r.wall_twin)),
    )
    row("  this campaign at N pledges", each(lambda r: str(r.wall_large)))
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    i, w = TARGETS["import"], TARGETS["wall"]
    row("ratio (target)", each(lambda r: r.store))
    row(f"ratio 5  import ev/s ÷ in-process cmd/s (≥ {i})", each(lambda r: verdict(r.import_ratio, i, True)))
    row(
        f"ratio 6  wall p99 at N ÷ at {BASELINE_PLEDGES:,} (≤ {w})",
        each(lambda r: verdict(r.wall_ratio, w, False)),
    )
    row(
        "         the same, against this campaign before it grew",
        each(lambda r: f"{r.wall_ratio_before:.3f}"),
    )
    flat = all(len(r.rss_mb) == 3 and r.rss_mb[2] <= r.rss_mb[1] * 1.1 for r in results)
    lines.append(f"memory flat during the import (end ≤ middle + 10%): {'yes' if flat else 'NO'}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
