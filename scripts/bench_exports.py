"""Exports benchmark (`python -m scripts.bench --bench exports`): ratio 9.

9. A programme's seminar pack of N good practices (30 at scale 1) against exporting one
   practice on its own N times, in each format (md, html, pdf, pptx, json) and in all five:
   (a) wall time of building the document and rendering it, pack ÷ (single × N), and
   (b) peak memory, pack ÷ (single × N). A pack should cost no more than exporting each of its
   practices on its own, so the verdict is PASS when the ratio is at most 1.

Time is measured in this process after a warm-up export: the single practice's median over
several repetitions, each a different practice, and the pack's median over a few. Each
repetition builds the document once (`practice_document` or `seminar_document`, as of one
position) and renders every format from it, timing each step; a format's time is the build
plus its render, and "all formats" is the build plus all five renders: what exporting that
document in that format, or in all of them, costs.

Memory is measured in a fresh child process per case (spawned, so nothing is shared with
this one): it opens the same store, catches up, imports the renderers, then builds and
renders once and reports its growth in peak RSS (VmHWM, reset first: everything the export made
the process touch, including what the renderers load on first use), then again under
`tracemalloc` and reports the peak of Python allocations (the export's own working set,
warm).

The data is built as aggregates saved with `app.save`, as the other benchmarks do: a
programme with its closing seminar "Hyvät käytännöt jakoon" and N enrolled initiatives, each
planned, started and evaluated, with an adopted experiment, one measure of 24 monthly values
(a shift half way) and a published good practice whose Innokylä texts run to a few thousand
characters of Finnish.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from api.app import VERSION
from documents import sources
from documents.document import ExportDocument
from domain.experiment import Experiment
from domain.good_practice import GoodPractice
from domain.initiative import Initiative
from domain.measure import Measure
from domain.programme import Programme
from scripts import bench_kit
from services.bootstrap import Services, bootstrap
from services.settings import Settings

FORMATS = ("md", "html", "pdf", "pptx", "json")
ALL = "all formats"
PRACTICES = 30  # in the pack at scale 1
SINGLE_REPEATS = 7  # single-practice exports timed, each a different practice when there are enough
PACK_REPEATS = 3
TARGET = 1.0
MB = 1024 * 1024

SEMINAR_DAY = date(2019, 4, 11)
PROGRAMME_START, PROGRAMME_END = date(2017, 9, 1), date(2019, 6, 30)

TOPICS = (
    ("Aamukäyntien porrastus", "kotihoidon aamukäynnit", "Kotihoito"),
    ("Päivittäinen taulupalaveri", "tiimin päivän tilanne", "Kotihoito"),
    ("Kanban-tarviketilaus", "hoitotarvikkeiden tilaaminen", "Ympärivuorokautinen hoito"),
    ("Kotiutuksen tarkistuslista", "sairaalasta kotiutuminen", "Kotihoito"),
    ("Etävastaanotto ikäihmisille", "vastaanottoajan odottaminen", "Vastaanotto"),
    ("Perehdytysmalli uusille hoitajille", "uuden työntekijän ensimmäiset viikot", "Hallinto"),
    ("Yhteinen lääkelista", "lääkityksen tarkistaminen", "Ympärivuorokautinen hoito"),
    ("Asiakasraati palvelujen kehittäjänä", "asiakaspalautteen kerääminen", "Hallinto"),
    ("Ruokailun rauhoittaminen", "ateriahetket osastolla", "Ympärivuorokautinen hoito"),
    ("Työvuorotoiveiden joustava kierto", "työvuorosuunnittelu", "Hallinto"),
)
MUNICIPALITIES = ("Kirkkonummi", "Karviainen", "Heinävesi", "Oulunkaari", "Vihti", "Lohja")


def practice_texts(n: int) -> dict[str, Any]:
    """The Innokylä fields of practice `n`: a few thousand characters of Finnish, ä and ö included."""
    title, subject, unit = TOPICS[n % len(TOPICS)]
    place = MUNICIPALITIES[n % len(MUNICIPALITIES)]
    name = f"{title} ({place}, {n + 1})"
    return {
        "name": name,
        "short_description": (
            f"{title} on toimintamalli, jolla {subject} sujuu ilman turhaa odottamista. Henkilöstö "
            f"kokeili muutosta ensin yhdessä tiimissä, mittasi vaikutusta kuukausittain ja levitti "
            f"toimivaksi todetun tavan koko yksikköön. Malli syntyi {place}n 3W-ohjelmassa."
        ),
        "where_implemented": f"{place}, {unit.lower()}",
        "region": "Uusimaa" if n % 2 == 0 else "Pohjois-Pohjanmaa",
        "funder": f"{place}; 3W-ohjelma",
        "basic_idea": (
            f"Lähtötilanne\nEnnen muutosta {subject} hoidettiin kaikille samaan aikaan ja samalla "
            "tavalla, vaikka asiakkaiden tarpeet ja päivärytmi vaihtelevat. Työntekijät kokivat "
            "kiirettä aamun ensimmäisinä tunteina, ja iltapäivällä työtä oli vähemmän. Asiakkaat "
            "joutuivat odottamaan, ja osa jäi ilman apua juuri silloin, kun sitä eniten tarvittiin.\n\n"
            "Ratkaisu\nTiimi kävi läpi jokaisen asiakkaan päivän kulun yhdessä asiakkaan ja omaisten "
            "kanssa. Käynnit ja tehtävät porrastettiin niin, että kiireellisimmät hoidetaan ensin ja "
            "muut silloin, kun asiakas on valmis. Muutos sovittiin kirjallisesti, ja sen toteutumista "
            "seurattiin päivittäisessä taulupalaverissa. Pienet poikkeamat korjattiin heti, eikä "
            "niitä jätetty odottamaan kuukausikokousta.\n\n"
            "Mittaaminen\nVaikutusta seurattiin yhdellä mittarilla kuukausittain kahden vuoden ajan. "
            "Ajoituskaavio näytti, milloin muutos näkyi tuloksissa, ja esti tekemästä johtopäätöksiä "
            "yksittäisen hyvän tai huonon kuukauden perusteella."
        ),
        "operating_environment": (
            f"{unit} {place}ssa: noin kaksikymmentä työntekijää, kaksi vuoroa ja asiakkaita, joiden "
            "toimintakyky vaihtelee paljon. Kehittäminen tehtiin osana 3W-ohjelman Lean-työpajoja, "
            "joissa tiimit oppivat kuvaamaan prosessin, tunnistamaan hukan ja kokeilemaan pieniä "
            "muutoksia nopeasti. Esimies antoi tiimille luvan kokeilla ja aikaa kokoontua viikoittain."
        ),
        "target_group_and_customer_understanding": (
            "Kohderyhmänä ovat ikääntyneet asiakkaat ja heidän omaisensa sekä heitä hoitava henkilöstö. "
            "Asiakasymmärrystä kerättiin haastattelemalla kymmentä asiakasta ja heidän omaisiaan sekä "
            "seuraamalla yhden viikon ajan, missä kohdin päivää odottaminen syntyi. Moni asiakas kertoi, "
            "että tärkeintä on tietää, milloin hoitaja tulee, ja että hän ehtii pysähtyä."
        ),
        "conditions_for_adoption": (
            "Toimivuuden ehdot\nMalli toimii, kun koko tiimi on mukana suunnittelussa ja kun "
            "muutoksen seurannalle on varattu lyhyt hetki joka päivä. Esimiehen tuki on välttämätön: "
            "hän päättää, että vanhasta aikataulusta saa poiketa.\n\n"
            "Käyttöönotto\nAloita yhdestä tiimistä ja yhdestä mittarista. Kirjaa lähtötaso vähintään "
            "kuudelta kuukaudelta ennen muutosta, jotta vaikutus erottuu tavallisesta vaihtelusta. "
            "Levitä malli muihin tiimeihin vasta, kun tulos on pysynyt kolme kuukautta."
        ),
        "evaluation_results": (
            "Odotusaika lyheni keskimäärin 35 minuutista 28 minuuttiin, ja muutos on pysynyt koko "
            "seurantajakson ajan. Ajoituskaaviossa näkyy selvä tason muutos kokeilun jälkeen. "
            "Henkilöstökyselyssä kiireen kokemus väheni, ja asiakkaat kertoivat palautteessa, että "
            "päivään on tullut ennustettavuutta. Sairauspoissaolot eivät muuttuneet."
        ),
        "tips_for_adopters": (
            "Sopikaa yövuoron kanssa, miten tieto asiakkaan heräämisestä kulkee aamuvuoroon, muuten "
            "porrastus ei toimi. Pitäkää taulupalaveri lyhyenä ja aina samaan aikaan. Älkää muuttako "
            "montaa asiaa kerralla: yksi muutos ja yksi mittari kerrallaan riittää."
        ),
        "development_phase": "ready" if n % 3 else "spread",
        "topics": ["Ikääntyneiden palvelut", "Kotihoito", "Lean"],
        "phenomena": ["Kokeilukulttuuri"],
        "target_groups": ["Ikääntyneet", "Henkilöstö"],
    }


@dataclass
class Figures:
    """Median seconds per case ("build", each format's render, and totals), and bytes."""

    build: float = 0.0
    render: dict[str, float] = field(default_factory=dict)
    total: dict[str, float] = field(default_factory=dict)  # format or ALL → build + render(s)
    size: dict[str, int] = field(default_factory=dict)  # format → bytes


@dataclass(frozen=True)
class Peak:
    rss: int  # growth of the child's peak RSS, bytes
    python: int  # tracemalloc peak of Python allocations, bytes


@dataclass
class ExportsResult:
    store: str
    practices: int = 0
    single_repeats: int = 0
    pack_repeats: int = 0
    log_events: int = 0
    single: Figures = field(default_factory=Figures)
    pack: Figures = field(default_factory=Figures)
    single_peak: dict[str, Peak] = field(default_factory=dict)  # format or ALL → Peak
    pack_peak: dict[str, Peak] = field(default_factory=dict)
    build_seconds: float = 0.0
    seconds: float = 0.0

    def time_ratio(self, case: str) -> float:
        return self.pack.total[case] / (self.single.total[case] * self.practices)

    def memory_ratio(self, case: str, which: str) -> float:
        single = getattr(self.single_peak[case], which)
        pack = getattr(self.pack_peak[case], which)
        return float(pack / (max(single, 1) * self.practices))


# ---- the data ---------------------------------------------------------------------------


class PackBuilder:
    """The programme, its initiatives, their measures and experiments, and the published
    practices, as aggregates saved with `app.save`."""

    def __init__(self, services: Services, rng: random.Random) -> None:
        self.services = services
        self.rng = rng
        self.loader = bench_kit.Loader(services, rng)
        self.loader.add_references(organisations=2, people=5)
        self.actor = services.local_actor_id

    def build(self, practices: int) -> tuple[UUID, list[UUID]]:
        """Returns the programme's id and the practices' ids."""
        app = self.services.app
        organisations = list(dict.fromkeys(org for org, _unit in self.loader.places))
        programme = Programme.create(
            programme_id=uuid.uuid4(),
            actor=self.actor,
            occurred_on=PROGRAMME_START,
            fields={
                "name": "3W – Paremmin, nopeammin, yhdessä (bench)",
                "description": "Lean-menetelmin kehitetään vanhuspalveluja yhdessä henkilöstön kanssa.",
                "period_start": PROGRAMME_START,
                "period_end": PROGRAMME_END,
                "organisation_ids": organisations,
            },
        )
        for n, day in enumerate((date(2017, 10, 5), date(2018, 3, 8), date(2018, 10, 4))):
            workshop_id = uuid.uuid4()
            programme.schedule_workshop(
                actor=self.actor,
                workshop_id=workshop_id,
                day=day,
                title=f"Työpaja {n + 1}",
                kind="workshop",
                agenda="Prosessin kuvaus, mittarit ja seuraava kokeilu.",
            )
            programme.hold_workshop(actor=self.actor, workshop_id=workshop_id, occurred_on=day)
        programme.schedule_workshop(
            actor=self.actor,
            workshop_id=uuid.uuid4(),
            day=SEMINAR_DAY,
            title="Hyvät käytännöt jakoon",
            kind="seminar",
            agenda="Hankkeet esittelevät hyvät käytäntönsä.",
        )
        initiatives = []
        for n in range(practices):
            initiative, experiment, measure = self._initiative(n)
            programme.enrol(
                actor=self.actor,
                initiative_id=initiative.id,
                initiative_organisation_id=initiative.organisation_id,
                occurred_on=date(2017, 9, 15),
            )
            app.save(initiative, experiment, measure)
            initiatives.append(initiative)
        app.save(programme)
        position = int(app.recorder.max_notification_id() or 0)
        drafted = []
        for n, initiative in enumerate(initiatives):
            practice = GoodPractice.draft(
                practice_id=uuid.uuid4(),
                actor=self.actor,
                initiative_id=initiative.id,
                organisation_id=initiative.organisation_id,
                unit_id=initiative.unit_id,
                source_version=initiative.version,
                fields=practice_texts(n),
            )
            practice.publish(actor=self.actor, source_version=initiative.version, source_position=position)
            drafted.append(practice)
        app.save(*drafted)
        return programme.id, [p.id for p in drafted]

    def _initiative(self, n: int) -> tuple[Initiative, Experiment, Measure]:
        title, subject, _unit = TOPICS[n % len(TOPICS)]
        organisation_id, unit_id = self.loader.places[n % len(self.loader.places)]
        initiative = Initiative.propose(
            initiative_id=uuid.uuid4(),
            actor=self.actor,
            occurred_on=date(2017, 9, 12),
            fields={
                "title": f"{title} {n + 1}",
                "summary": f"Kokeillaan, lyheneekö odottaminen, kun {subject} porrastetaan.",
                "organisation_id": organisation_id,
                "unit_id": unit_id,
                "themes": ["lean", "kotihoito"],
            },
        )
        initiative.move("plan", actor=self.actor, occurred_on=date(2017, 10, 2))
        initiative.move("start", actor=self.actor, occurred_on=date(2017, 11, 6))
        experiment = Experiment.plan(
            experiment_id=uuid.uuid4(),
            initiative=initiative,
            actor=self.actor,
            occurred_on=date(2018, 6, 4),
            fields={"title": f"Kokeilu: {title.lower()}", "change_idea": f"{subject} porrastetaan"},
        )
        experiment.start(actor=self.actor, occurred_on=date(2018, 7, 2))
        experiment.study(
            actor=self.actor,
            result="Odotus lyheni seitsemällä minuutilla.",
            learning="Yövuoron tieto heräämisistä ratkaisee.",
            occurred_on=date(2018, 9, 3),
        )
        experiment.decide(
            actor=self.actor, decision="adopt", rationale="Koko yksikköön.", occurred_on=date(2018, 9, 10)
        )
        initiative.record_evaluation(
            actor=self.actor,
            evaluation_id=uuid.uuid4(),
            values={
                "evaluated_on": date(2019, 3, 4),
                "method": "measures",
                "recommendation": "spread",
                "lessons": "Mittari ennen muutosta; yksi muutos kerrallaan.",
            },
        )
        measure = Measure.define(
            measure_id=uuid.uuid4(),
            initiative_id=initiative.id,
            actor=self.actor,
            occurred_on=date(2017, 10, 2),
            fields={
                "name": "Asiakkaan odotusaika",
                "unit": "min",
                "direction": "down",
                "frequency": "monthly",
                "baseline": 35.0,
                "target": 25.0,
                "rules": "ihi",
            },
        )
        level = 35.0
        for month in range(24):
            if month == 12:
                level = 28.0  # the change, half way through
            year, index = divmod(9 + month, 12)  # from October 2017
            measure.record_value(
                actor=self.actor,
                value_id=uuid.uuid4(),
                period=f"{2017 + year}-{index + 1:02d}",
                value=round(level + self.rng.uniform(-3, 3), 1),
                note="",
                occurred_on=None,
            )
        return initiative, experiment, measure


# ---- building and rendering --------------------------------------------------------------


def setting_for(services: Services, settings: Settings) -> sources.Setting:
    return sources.Setting(
        language="fi", zone=ZoneInfo(settings.timezone), people=services.people, kipina_version=VERSION
    )


@contextmanager
def exporter(settings: Settings) -> Iterator[Callable[[UUID | None, UUID | None], ExportDocument]]:
    """Opens the store and yields `build(programme_id, practice_id)`: the pack when a programme
    is given, else the practice, as of the newest position."""
    services = bootstrap(settings)
    try:
        services.projector.catch_up()
        setting = setting_for(services, settings)

        def build(programme_id: UUID | None, practice_id: UUID | None) -> ExportDocument:
            with services.projector.engine.connect() as conn:
                position = sources.checked_position(conn, None)
                if programme_id is not None:
                    return sources.seminar_document(conn, programme_id, position=position, setting=setting)
                assert practice_id is not None
                return sources.practice_document(
                    conn, practice_id, version=None, position=position, setting=setting
                )

        yield build
    finally:
        services.close()


def timed_export(build: Callable[[], ExportDocument]) -> tuple[float, dict[str, float], dict[str, int]]:
    """Build once and render every format: seconds to build, seconds and bytes per format."""
    from documents.render import render

    started = time.perf_counter()
    document = build()
    built = time.perf_counter() - started
    seconds: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        content, _media_type = render(document, fmt)
        seconds[fmt] = time.perf_counter() - started
        sizes[fmt] = len(content)
    return built, seconds, sizes


def medians(runs: list[tuple[float, dict[str, float], dict[str, int]]]) -> Figures:
    figures = Figures(build=statistics.median(built for built, _s, _b in runs))
    for fmt in FORMATS:
        figures.render[fmt] = statistics.median(s[fmt] for _b, s, _z in runs)
        figures.total[fmt] = statistics.median(built + s[fmt] for built, s, _z in runs)
        figures.size[fmt] = int(statistics.median(z[fmt] for _b, _s, z in runs))
    figures.total[ALL] = statistics.median(built + sum(s.values()) for built, s, _z in runs)
    return figures


def peak_in_child(settings: Settings, programme_id: UUID | None, practice_id: UUID | None, case: str) -> Peak:
    """Run in a fresh (spawned) process: one export of `case` (a format or ALL), measured."""
    from documents.render import render  # the renderers' imports are not the export's cost

    formats = FORMATS if case == ALL else (case,)
    with exporter(settings) as build:

        def export() -> None:
            document = build(programme_id, practice_id)
            for fmt in formats:
                render(document, fmt)

        before = _reset_peak_rss()
        export()
        rss = _status_bytes("VmHWM") - before
        tracemalloc.start()
        try:
            export()
            _current, python = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return Peak(rss=rss, python=python)


def _reset_peak_rss() -> int:
    """Reset the process's peak RSS to its current RSS and return that, in bytes.

    Not `ru_maxrss`: Linux carries it across fork and exec, so a spawned child starts with its
    parent's peak (the benchmark's own, far larger) and an export never shows any growth.
    Writing 5 to /proc/self/clear_refs resets VmHWM, the peak of this process's own memory."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_bytes("VmRSS")


def _status_bytes(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) * 1024  # kB
    raise RuntimeError(f"/proc/self/status has no {key}: the memory figures need Linux")


def measure_peak(settings: Settings, programme_id: UUID | None, practice_id: UUID | None, case: str) -> Peak:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(peak_in_child, settings, programme_id, practice_id, case).result()


# ---- the benchmark -----------------------------------------------------------------------


def bench_exports(label: str, settings: Settings, scale: float) -> ExportsResult:
    began = time.perf_counter()
    result = ExportsResult(store=label, practices=max(2, round(PRACTICES * scale)))
    result.single_repeats = SINGLE_REPEATS if scale >= 0.5 else 3
    result.pack_repeats = PACK_REPEATS if scale >= 0.5 else 1
    services = bootstrap(settings)
    try:
        log(f"[{label}] exports: building a programme with {result.practices} published practices…")
        programme_id, practice_ids = PackBuilder(services, random.Random(2019)).build(result.practices)
        services.projector.catch_up()
        bench_kit.vacuum(services)
        result.log_events = int(services.app.recorder.max_notification_id() or 0)
    finally:
        services.close()
    result.build_seconds = time.perf_counter() - began

    with exporter(settings) as build:
        pack = build(programme_id, None)
        assert len(pack.practices) == result.practices, "the pack should hold every published practice"
        log(f"[{label}] exports: {result.single_repeats} single-practice exports after a warm-up…")
        timed_export(partial(build, None, practice_ids[-1]))  # fonts, templates, first queries
        singles = [
            timed_export(partial(build, None, practice_ids[n % len(practice_ids)]))
            for n in range(result.single_repeats)
        ]
        log(f"[{label}] exports: {result.pack_repeats} seminar packs of {result.practices}…")
        packs = [timed_export(partial(build, programme_id, None)) for _ in range(result.pack_repeats)]
    result.single, result.pack = medians(singles), medians(packs)

    log(f"[{label}] exports: peak memory, one fresh process per case…")
    for case in (*FORMATS, ALL):
        result.single_peak[case] = measure_peak(settings, None, practice_ids[0], case)
        result.pack_peak[case] = measure_peak(settings, programme_id, None, case)
    result.seconds = time.perf_counter() - began
    return result


def exports_report(results: list[ExportsResult], scale: float) -> str:
    n = results[0].practices
    lines = [f"Seminar pack against single-practice exports (ratio 9), scale {scale:g}", ""]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<64}" + "".join(f"{c:>22}" for c in cells)).rstrip())

    def each(render: Callable[[ExportsResult], str]) -> list[str]:
        return [render(r) for r in results]

    def verdict(value: float) -> str:
        return f"{value:.2f} {'PASS' if value <= TARGET else 'MISS'}"

    def mb(value: int) -> str:
        return f"{value / MB:.1f}"

    row("measure", each(lambda r: r.store))
    row("practices in the pack / events in the log", each(lambda r: f"{r.practices} / {r.log_events:,}"))
    row("building the data (app.save, catch-up, vacuum)", each(lambda r: f"{r.build_seconds:,.0f} s"))
    row(
        "timed exports: single (different practices) / pack",
        each(lambda r: f"{r.single_repeats} / {r.pack_repeats}"),
    )
    row("median seconds, single / pack (× N = single × N)", [])
    row("  build the document", each(lambda r: f"{r.single.build:.3f} / {r.pack.build:.2f}"))
    for fmt in FORMATS:
        row(f"  render {fmt}", [f"{r.single.render[fmt]:.3f} / {r.pack.render[fmt]:.2f}" for r in results])
    for case in (*FORMATS, ALL):
        row(
            f"  build + render, {case}",
            [f"{r.single.total[case]:.3f} / {r.pack.total[case]:.2f}" for r in results],
        )
    row("output kB, single / pack", [])
    for fmt in FORMATS:
        row(
            f"  {fmt}",
            [f"{r.single.size[fmt] / 1024:,.0f} / {r.pack.size[fmt] / 1024:,.0f}" for r in results],
        )
    row("peak RSS growth MB, single / pack (fresh process, cold)", [])
    for case in (*FORMATS, ALL):
        row(
            f"  {case}",
            [f"{mb(r.single_peak[case].rss)} / {mb(r.pack_peak[case].rss)}" for r in results],
        )
    row("peak Python allocations MB, single / pack (tracemalloc, warm)", [])
    for case in (*FORMATS, ALL):
        row(
            f"  {case}",
            [f"{mb(r.single_peak[case].python)} / {mb(r.pack_peak[case].python)}" for r in results],
        )
    row("wall time for this store", each(lambda r: f"{r.seconds:,.0f} s"))
    lines.append("")
    row(f"ratio (≤ {TARGET:g}: a pack costs no more than its practices alone)", each(lambda r: r.store))
    for case in (*FORMATS, ALL):
        row(f"ratio 9a time, pack ÷ single × {n}, {case}", [verdict(r.time_ratio(case)) for r in results])
    for case in (*FORMATS, ALL):
        row(
            f"ratio 9b peak memory (RSS), pack ÷ single × {n}, {case}",
            [verdict(r.memory_ratio(case, "rss")) for r in results],
        )
    for case in (*FORMATS, ALL):
        row(
            f"ratio 9b peak memory (Python), pack ÷ single × {n}, {case}",
            [verdict(r.memory_ratio(case, "python")) for r in results],
        )
    lines += [
        "",
        "Time: medians in this process after a warm-up; each repetition builds the document once and",
        "renders every format from it. Memory: one fresh spawned process per case, after the renderers",
        "are imported; RSS growth of the first export (cold), then the tracemalloc peak of a second one.",
    ]
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
