"""Outcomes benchmark (`python -m scripts.bench --bench outcomes`): ratio 8.

8. (a) p99 of `GET /api/measures/{id}/chart.svg` for a measure of 1,000 values ÷ the same for
   a measure of 100 values, and (b) p99 of `GET /api/initiatives/{id}/timeline` for an
   initiative with 10,000 events ÷ one with 100 events, both measured on one real server in
   turns, request by request, in the same run. The issue sets no target: the work is expected
   to grow at most linearly with the data, so the verdict is "at most linear" when the ratio is
   no more than the ratio of the sizes (10 for the chart, 100 for the timeline), and the cost
   per value or per timeline entry is printed beside it.

An initiative's events here are its own (proposed, planned, started, notes, evaluations) and
those of its experiments (planned, started, studied, decided) and measures (defined, values
recorded daily), in the proportions of a busy initiative: per 100 events about 80 measure
values, 12 experiment events, 5 notes and an evaluation. Everything is built as aggregates and
saved with `app.save` (the bulk path of the other benchmarks), then projected by one catch-up.
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

from domain.experiment import Experiment
from domain.initiative import Initiative
from domain.measure import Measure
from scripts import bench_kit
from scripts.bench_kit import Latency, expect
from services.bootstrap import Services, bootstrap
from services.settings import Settings

CHART_SMALL, CHART_LARGE = 100, 1_000
TIMELINE_SMALL, TIMELINE_LARGE = 100, 10_000
ROUNDS = 500
DAY = timedelta(days=1)


@dataclass
class OutcomesResult:
    store: str
    chart_values: dict[str, int] = field(default_factory=dict)  # "small"/"large" → values
    timeline_events: dict[str, int] = field(default_factory=dict)  # "small"/"large" → events recorded
    timeline_entries: dict[str, int] = field(default_factory=dict)  # "small"/"large" → entries served
    latency: dict[str, Any] = field(default_factory=dict)  # "chart_small" … "timeline_large" → Latency
    build_seconds: float = 0.0
    rounds: int = 0
    seconds: float = 0.0

    def ratio(self, what: str, *, median: bool = False) -> float:
        small, large = self.latency[f"{what}_small"], self.latency[f"{what}_large"]
        return float(large.p50_ms / small.p50_ms) if median else float(large.p99_ms / small.p99_ms)

    def size_ratio(self, what: str) -> float:
        sizes = self.chart_values if what == "chart" else self.timeline_events
        return sizes["large"] / sizes["small"]

    def per_item_us(self, what: str, size: str) -> float:
        items = (self.chart_values if what == "chart" else self.timeline_entries)[size]
        return float(self.latency[f"{what}_{size}"].p99_ms * 1000 / max(items, 1))


class Builder:
    """Initiatives, experiments and measures as aggregates, saved a few at a time."""

    def __init__(self, services: Services, rng: random.Random) -> None:
        self.services = services
        self.rng = rng
        self.loader = bench_kit.Loader(services, rng)
        self.loader.add_references(organisations=1, people=5)
        self.actor = services.local_actor_id
        self.today = date.today()

    def initiative(self) -> Initiative:
        initiative = Initiative.propose(
            initiative_id=uuid.uuid4(),
            actor=self.actor,
            occurred_on=self.today - 1100 * DAY,
            fields={"title": "Aamukäyntien porrastus (bench)", "organisation_id": self.loader.places[0][0]},
        )
        initiative.move("plan", actor=self.actor, occurred_on=self.today - 1090 * DAY)
        initiative.move("start", actor=self.actor, occurred_on=self.today - 1080 * DAY)
        return initiative

    def measure(self, initiative: Initiative, values: int) -> Measure:
        measure = Measure.define(
            measure_id=uuid.uuid4(),
            initiative_id=initiative.id,
            actor=self.actor,
            occurred_on=None,
            fields={
                "name": "Odotusaika",
                "unit": "min",
                "direction": "down",
                "frequency": "daily",
                "rules": "ihi",
            },
        )
        first = self.today - values * DAY
        level = 35.0
        for n in range(values):
            if n == values // 2:
                level = 28.0  # a shift half way through
            measure.record_value(
                actor=self.actor,
                value_id=uuid.uuid4(),
                period=first + n * DAY,
                value=round(level + self.rng.uniform(-3, 3), 1),
                note="",
                occurred_on=None,
            )
        return measure

    def experiment(self, initiative: Initiative, n: int) -> Experiment:
        experiment = Experiment.plan(
            experiment_id=uuid.uuid4(),
            initiative=initiative,
            actor=self.actor,
            occurred_on=self.today - (1000 - n % 900) * DAY,
            fields={"title": f"Kokeilu {n + 1}", "change_idea": "Tarkistuslista kotiutukseen"},
        )
        experiment.start(actor=self.actor, occurred_on=None)
        experiment.study(
            actor=self.actor, result="Odotus lyheni.", learning="Lista toimii.", occurred_on=None
        )
        experiment.decide(actor=self.actor, decision="adopt", rationale="Koko yksikköön.", occurred_on=None)
        return experiment

    def busy_initiative(self, events: int) -> tuple[str, int]:
        """An initiative with about `events` events of its own, its experiments' and its
        measures'; returns its id and the exact count."""
        app = self.services.app
        before = int(app.recorder.max_notification_id() or 0)
        initiative = self.initiative()
        experiments = [self.experiment(initiative, n) for n in range(max(1, round(events * 0.03)))]
        for n in range(round(events * 0.05)):
            initiative.add_note(
                actor=self.actor, note_id=uuid.uuid4(), text=f"Tilanne {n + 1}", occurred_on=None
            )
        for n in range(max(1, round(events * 0.01))):
            initiative.record_evaluation(
                actor=self.actor,
                evaluation_id=uuid.uuid4(),
                values={
                    "evaluated_on": self.today - (900 - n % 800) * DAY,
                    "method": "measures",
                    "recommendation": "continue",
                    "lessons": "Mittari ennen muutosta.",
                },
            )
        app.save(initiative, *experiments)
        recorded = int(app.recorder.max_notification_id() or 0) - before
        remaining = max(events - recorded, 2)
        measures = max(1, round(events / 1000))
        for n in range(measures):
            share = remaining // measures + (1 if n < remaining % measures else 0)
            app.save(self.measure(initiative, share - 1))  # its Defined event is one of the share
        return str(initiative.id), int(app.recorder.max_notification_id() or 0) - before

    def chart_measure(self, values: int) -> str:
        initiative = self.initiative()
        measure = self.measure(initiative, values)
        self.services.app.save(initiative, measure)
        return str(measure.id)


def measure_latencies(client: httpx.Client, paths: dict[str, str], rounds: int) -> dict[str, Any]:
    """Each path after a warm-up, in turns request by request; the order flips every round."""
    warm_up = max(10, min(50, rounds // 5))
    samples: dict[str, list[float]] = {key: [] for key in paths}
    keys = list(paths)
    for n in range(warm_up + rounds):
        for key in keys if n % 2 == 0 else reversed(keys):
            started = time.perf_counter()
            response = client.get(paths[key])
            elapsed = time.perf_counter() - started
            expect(response, 200)
            if n >= warm_up:
                samples[key].append(elapsed)
    return {key: Latency.of(seconds) for key, seconds in samples.items()}


def bench_outcomes(label: str, settings: Settings, scale: float) -> OutcomesResult:
    began = time.perf_counter()
    result = OutcomesResult(store=label)
    result.rounds = int(min(ROUNDS, max(20, ROUNDS * scale)))
    result.chart_values = {"small": CHART_SMALL, "large": max(CHART_SMALL * 2, round(CHART_LARGE * scale))}
    services = bootstrap(settings)
    try:
        log(f"[{label}] outcomes: building the measures and initiatives…")
        builder = Builder(services, random.Random(2019))
        charts = {size: builder.chart_measure(values) for size, values in result.chart_values.items()}
        large_events = max(TIMELINE_SMALL * 2, round(TIMELINE_LARGE * scale))
        initiatives: dict[str, str] = {}
        for size, events in (("small", TIMELINE_SMALL), ("large", large_events)):
            initiatives[size], result.timeline_events[size] = builder.busy_initiative(events)
        services.projector.catch_up()
        bench_kit.vacuum(services)
        result.build_seconds = time.perf_counter() - began
    finally:
        services.close()

    paths = {f"chart_{size}": f"/api/measures/{mid}/chart.svg?lang=en" for size, mid in charts.items()}
    paths |= {f"timeline_{size}": f"/api/initiatives/{iid}/timeline" for size, iid in initiatives.items()}
    with (
        bench_kit.Server(settings, settings.data_dir.parent) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        for size in initiatives:
            result.timeline_entries[size] = len(client.get(paths[f"timeline_{size}"]).json()["entries"])
        log(f"[{label}] chart and timeline, small and large in turns ({result.rounds} rounds)…")
        result.latency = measure_latencies(client, paths, result.rounds)
    result.seconds = time.perf_counter() - began
    return result


def outcomes_report(results: list[OutcomesResult], scale: float) -> str:
    first = results[0]
    chart_small, chart_large = first.chart_values["small"], first.chart_values["large"]
    events_small, events_large = first.timeline_events["small"], first.timeline_events["large"]
    lines = [f"Run chart and outcome timeline (ratio 8), scale {scale:g}", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<64}" + "".join(f"{c:>22}" for c in cells)).rstrip())

    def each(render: Callable[[OutcomesResult], str]) -> list[str]:
        return [render(r) for r in results]

    def linear(what: str) -> Callable[[OutcomesResult], str]:
        def verdict(r: OutcomesResult) -> str:
            ratio = r.ratio(what)
            return f"{ratio:.2f} {'linear' if ratio <= r.size_ratio(what) else 'WORSE'}"

        return verdict

    row("measure", each(lambda r: r.store))
    row(
        "timeline: events / entries served, small",
        each(lambda r: f"{r.timeline_events['small']:,} / {r.timeline_entries['small']:,}"),
    )
    row(
        "timeline: events / entries served, large",
        each(lambda r: f"{r.timeline_events['large']:,} / {r.timeline_entries['large']:,}"),
    )
    row("building the data (app.save, catch-up, vacuum)", each(lambda r: f"{r.build_seconds:,.0f} s"))
    row("measured rounds (after a warm-up)", each(lambda r: f"{r.rounds:,}"))
    row("p50 / p99 of GET /api/measures/{id}/chart.svg", [])
    row(f"  {chart_small:,} values", each(lambda r: str(r.latency["chart_small"])))
    row(f"  {chart_large:,} values", each(lambda r: str(r.latency["chart_large"])))
    row("p50 / p99 of GET /api/initiatives/{id}/timeline", [])
    row(f"  {events_small:,} events", each(lambda r: str(r.latency["timeline_small"])))
    row(f"  {events_large:,} events", each(lambda r: str(r.latency["timeline_large"])))
    row(
        "p99 per value, small / large (µs)",
        each(lambda r: f"{r.per_item_us('chart', 'small'):.0f} / {r.per_item_us('chart', 'large'):.0f}"),
    )
    row(
        "p99 per timeline entry, small / large (µs)",
        each(
            lambda r: f"{r.per_item_us('timeline', 'small'):.0f} / {r.per_item_us('timeline', 'large'):.0f}"
        ),
    )
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    row("ratio (at most linear: ≤ the ratio of sizes)", each(lambda r: r.store))
    row(
        f"ratio 8a p99 chart.svg {chart_large:,} ÷ {chart_small:,} values (≤ {chart_large / chart_small:g})",
        each(linear("chart")),
    )
    row(
        f"ratio 8b p99 timeline {events_large:,} ÷ {events_small:,} events"
        f" (≤ {events_large / events_small:g})",
        each(linear("timeline")),
    )
    row(
        "         the same as p50, chart / timeline",
        each(lambda r: f"{r.ratio('chart', median=True):.2f} / {r.ratio('timeline', median=True):.2f}"),
    )
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
