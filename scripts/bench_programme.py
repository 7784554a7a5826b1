"""Programme benchmark (`python -m scripts.bench --bench programme`): ratio 7.

7. p99 of `GET /api/programmes/{id}/dashboard` and of
   `GET /api/programmes/{id}/workshops/{workshop_id}/digest` (workshop 7, the morning's
   digest) for the 3W programme — 30 initiatives, 7 workshops and the seminar, recorded
   through the HTTP API by `scripts/three_w.py` — at 1M events in the store ÷ at 10k
   events. Target ≤ 1.2: both come from read models bounded by the programme's own
   records, whatever else the store holds.

The rest of the store is unrelated records of the same kinds the dashboard reads:
programmes like 3W (30 generated initiatives with their histories, eight workshops, six held,
a check-in per initiative at each of seven workshops), about 510 events each, built as
aggregates and saved with `app.save` one programme at a time, then projected by one
projector catch-up (the bulk path of the core benchmark). Like ratio 3, the verdict compares
the grown store with a twin left at 10k events (the same scenario and the same seeded
generator), the two measured on their own real servers request by request in turns, so load
from other processes falls on both alike; the grown store's own figures before it grew are
printed too.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from domain.initiative import Initiative, Status
from domain.programme import Programme
from scripts import bench_kit
from scripts.bench_kit import Latency, expect, verdict
from scripts.demo import load_three_w
from services.bootstrap import Services, bootstrap
from services.settings import Settings

SMALL_EVENTS = 10_000
LARGE_EVENTS = 1_000_000
ROUNDS = 1_000
TARGET = 1.2
INITIATIVES_PER_PROGRAMME = 30
WORKSHOP_DAYS = tuple(date(2020, 2, 6) + timedelta(weeks=4 * n) for n in range(8))  # the last one a seminar
HELD = 6
CHECK_INS = 7  # workshops with check-ins: six held and the next one, partly
SCORES = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)


@dataclass(frozen=True)
class Target:
    """One store's server and its 3W programme."""

    client: httpx.Client
    programme: str
    workshop: str  # the digest's workshop

    @property
    def dashboard_path(self) -> str:
        return f"/api/programmes/{self.programme}/dashboard"

    @property
    def digest_path(self) -> str:
        return f"/api/programmes/{self.programme}/workshops/{self.workshop}/digest"


@dataclass
class ProgrammeResult:
    store: str
    scenario_events: int = 0  # what the 3W scenario recorded
    small_events: int = 0
    large_events: int = 0
    unrelated_programmes: int = 0  # in the grown store
    load: float = 0.0  # events/s saved while growing to the large size
    catch_up: float = 0.0  # events/s projected after that
    grow_seconds: float = 0.0  # saving + catching up + vacuum, 10k → 1M
    rounds: int = 0
    rows: int = 0  # dashboard rows
    digest_entries: int = 0
    small: dict[str, Any] = field(default_factory=dict)  # "dashboard"/"digest" → Latency, before it grew
    twin: dict[str, Any] = field(default_factory=dict)  # the twin at 10k, alongside `large`
    large: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def ratio(self, endpoint: str, baseline: str = "twin", *, median: bool = False) -> float:
        before = getattr(self, baseline)[endpoint]
        after = self.large[endpoint]
        if median:
            return float(after.p50_ms / before.p50_ms)
        return float(after.p99_ms / before.p99_ms)


class UnrelatedProgrammes:
    """Programmes that have nothing to do with 3W, each with 30 initiatives of its own, built
    as aggregates (the same events the API would record) and saved one programme at a time."""

    def __init__(self, services: Services, rng: random.Random) -> None:
        self.services = services
        self.rng = rng
        self.initiatives = bench_kit.Loader(services, rng)
        self.initiatives.add_references(organisations=4, people=40)
        self.organisations = sorted({org for org, _ in self.initiatives.places}, key=str)
        self.count = 0

    def grow_to(self, total_events: int) -> tuple[int, float]:
        """Add programmes until the log holds at least `total_events`; returns the log size
        and the seconds spent saving."""
        app = self.services.app
        saving = 0.0
        while (app.recorder.max_notification_id() or 0) < total_events:
            records = self._programme()
            started = time.perf_counter()
            app.save(*records)
            saving += time.perf_counter() - started
        return int(app.recorder.max_notification_id() or 0), saving

    def _programme(self) -> list[Programme | Initiative]:
        actor, rng = self.services.local_actor_id, self.rng
        self.count += 1
        programme = Programme.create(
            programme_id=uuid.uuid4(),
            actor=actor,
            occurred_on=None,
            fields={
                "name": f"Kehittämisohjelma {self.count} (bench)",
                "description": "Lähiesimiesten kehittämisohjelma, jossa seurataan projekteja työpajoissa.",
                "period_start": date(2020, 1, 1),
                "period_end": date(2020, 12, 31),
                "organisation_ids": self.organisations,
                "coordinator_id": None,
            },
        )
        workshops = [uuid.uuid4() for _ in WORKSHOP_DAYS]
        for n, (workshop_id, day) in enumerate(zip(workshops, WORKSHOP_DAYS, strict=True)):
            last = n == len(WORKSHOP_DAYS) - 1
            programme.schedule_workshop(
                actor=actor,
                workshop_id=workshop_id,
                day=day,
                title="Päätösseminaari" if last else f"Työpaja {n + 1}",
                kind="seminar" if last else "workshop",
                agenda="Projektien tilanne ja seuraavat askeleet",
            )
        initiatives = [self.initiatives.initiative() for _ in range(INITIATIVES_PER_PROGRAMME)]
        for initiative in initiatives:
            programme.enrol(
                actor=actor,
                initiative_id=initiative.id,
                initiative_organisation_id=initiative.organisation_id,
                occurred_on=None,
            )
        for n in range(CHECK_INS):
            day = WORKSHOP_DAYS[n]
            if n < HELD:
                programme.hold_workshop(actor=actor, workshop_id=workshops[n], occurred_on=day)
            for initiative in initiatives:
                if initiative.status is Status.DISCONTINUED or (n == HELD and rng.random() < 0.3):
                    continue
                score = SCORES[min(n + rng.randint(-1, 1), len(SCORES) - 1) if n else 0]
                initiative.record_check_in(
                    actor=actor,
                    check_in_id=uuid.uuid4(),
                    programme_id=programme.id,
                    workshop_id=workshops[n],
                    values={
                        "status": rng.choice(("green", "green", "green", "amber", "red")),
                        "progress_score": score,
                        "done": "Kokeiltiin muutosta yhdessä tiimissä.",
                        "next_steps": "Laajennetaan koko yksikköön.",
                        "help_needed": "",
                    },
                    occurred_on=day,
                )
        return [programme, *initiatives]


def prepare(label: str, services: Services, small_target: int) -> tuple[UnrelatedProgrammes, str, str, int]:
    """The 3W programme through the HTTP API, then unrelated programmes up to `small_target`
    events; returns the generator, the programme's and workshop 7's ids and the scenario's events."""
    played = load_three_w(services)
    scenario_events = int(services.app.recorder.max_notification_id() or 0)
    unrelated = UnrelatedProgrammes(services, random.Random(2018))
    unrelated.grow_to(small_target)
    services.projector.catch_up()
    bench_kit.vacuum(services)
    log(f"[{label}] 3W recorded ({scenario_events:,} events), store at {small_target:,}+ events")
    return unrelated, played.programme, played.workshops["w7"], scenario_events


def measure(targets: list[Target], rounds: int) -> list[dict[str, Any]]:
    """Dashboard and digest of each target after a warm-up, taking turns request by request;
    the order of the targets flips every round, so neither always goes first."""
    warm_up = max(10, min(100, rounds // 5))
    samples: list[dict[str, list[float]]] = [{"dashboard": [], "digest": []} for _ in targets]
    for n in range(warm_up + rounds):
        order = list(enumerate(targets)) if n % 2 == 0 else list(reversed(list(enumerate(targets))))
        for endpoint in ("dashboard", "digest"):
            for index, target in order:
                path = target.dashboard_path if endpoint == "dashboard" else target.digest_path
                started = time.perf_counter()
                response = target.client.get(path)
                elapsed = time.perf_counter() - started
                expect(response, 200)
                if n >= warm_up:
                    samples[index][endpoint].append(elapsed)
    return [{k: Latency.of(v) for k, v in each.items()} for each in samples]


def bench_programme(label: str, settings: Settings, twin_settings: Settings, scale: float) -> ProgrammeResult:
    began = time.perf_counter()
    result = ProgrammeResult(store=label)
    result.rounds = int(min(ROUNDS, max(20, ROUNDS * scale)))
    services = bootstrap(settings)
    twin = bootstrap(twin_settings)
    try:
        # The scenario records about 860 events; one unrelated programme more at the least.
        small_target = max(round(SMALL_EVENTS * scale), 1_500)
        large_target = max(small_target * 2, round(LARGE_EVENTS * scale))
        log(f"[{label}] programme: recording 3W in the store and its twin…")
        unrelated, programme, workshop, result.scenario_events = prepare(label, services, small_target)
        _, twin_programme, twin_workshop, _ = prepare(label, twin, small_target)
        result.small_events = int(services.app.recorder.max_notification_id() or 0)

        workdir, twin_workdir = settings.data_dir.parent, twin_settings.data_dir.parent
        with (
            bench_kit.Server(settings, workdir) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            target = Target(client, programme, workshop)
            body = client.get(target.dashboard_path).json()
            result.rows = len(body["rows"])
            digest = client.get(target.digest_path).json()
            result.digest_entries = sum(len(i["entries"]) for i in digest["initiatives"])
            log(f"[{label}] dashboard and digest at {result.small_events:,} events ({result.rounds} rounds)…")
            [result.small] = measure([target], result.rounds)

        log(f"[{label}] growing the store to {large_target:,} events with unrelated programmes…")
        started = time.perf_counter()
        before = result.small_events
        result.large_events, saving = unrelated.grow_to(large_target)
        result.unrelated_programmes = unrelated.count
        applying = time.perf_counter()
        services.projector.catch_up()
        applied = time.perf_counter() - applying
        bench_kit.vacuum(services)
        result.grow_seconds = time.perf_counter() - started
        written = result.large_events - before
        result.load = written / saving if saving else 0.0
        result.catch_up = written / applied if applied else 0.0
        log(f"[{label}] grown in {result.grow_seconds:,.0f} s")

        with (
            bench_kit.Server(settings, workdir) as server,
            bench_kit.Server(twin_settings, twin_workdir) as twin_server,
            httpx.Client(base_url=server.url, timeout=60) as client,
            httpx.Client(base_url=twin_server.url, timeout=60) as twin_client,
        ):
            log(f"[{label}] dashboard and digest at {result.large_events:,} events, in turns with the twin…")
            result.large, result.twin = measure(
                [Target(client, programme, workshop), Target(twin_client, twin_programme, twin_workshop)],
                result.rounds,
            )
    finally:
        twin.close()
        services.close()
    result.seconds = time.perf_counter() - began
    return result


def programme_report(results: list[ProgrammeResult], scale: float) -> str:
    first = results[0]
    small, large = f"{first.small_events:,}", f"{first.large_events:,}"
    lines = [f"Programme dashboard and digest (ratio 7), scale {scale:g}", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<64}" + "".join(f"{c:>22}" for c in cells)).rstrip())

    def each(render: Callable[[ProgrammeResult], str]) -> list[str]:
        return [render(r) for r in results]

    row("measure", each(lambda r: r.store))
    row("3W through the API: events / dashboard rows", each(lambda r: f"{r.scenario_events:,} / {r.rows}"))
    row("digest of workshop 7: entries", each(lambda r: f"{r.digest_entries}"))
    row("unrelated programmes in the grown store", each(lambda r: f"{r.unrelated_programmes:,}"))
    row(
        f"grow {small} → {large}: app.save / projector catch-up",
        each(lambda r: f"{r.load:,.0f} / {r.catch_up:,.0f} ev/s"),
    )
    row("  wall time of growing (save, catch up, vacuum)", each(lambda r: f"{r.grow_seconds:,.0f} s"))
    row("measured rounds (after a warm-up)", each(lambda r: f"{r.rounds:,}"))
    for endpoint, path in (
        ("dashboard", "GET /api/programmes/{id}/dashboard"),
        ("digest", "GET /api/programmes/{id}/workshops/{w7}/digest"),
    ):
        row(f"p50 / p99 of {path}", [])
        row(f"  this store at {small} events", [str(r.small[endpoint]) for r in results])
        row(f"  twin at {small} events (alongside the next line)", [str(r.twin[endpoint]) for r in results])
        row(f"  this store at {large} events", [str(r.large[endpoint]) for r in results])
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    row("ratio (target)", each(lambda r: r.store))
    row(
        f"ratio 7  p99 {large} ÷ {small} events, dashboard (≤ {TARGET})",
        each(lambda r: verdict(r.ratio("dashboard"), TARGET, False)),
    )
    row(
        f"ratio 7  p99 {large} ÷ {small} events, digest (≤ {TARGET})",
        each(lambda r: verdict(r.ratio("digest"), TARGET, False)),
    )
    row(
        "         the same as p50, dashboard / digest",
        each(lambda r: f"{r.ratio('dashboard', median=True):.2f} / {r.ratio('digest', median=True):.2f}"),
    )
    row(
        "         p99 against the same store before it grew, dashboard / digest",
        each(lambda r: f"{r.ratio('dashboard', 'small'):.2f} / {r.ratio('digest', 'small'):.2f}"),
    )
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
