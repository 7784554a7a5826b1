"""What the benchmarks share: the real server in a subprocess, the loader of generated
initiatives, latency figures and the verdict on a ratio (see `scripts/bench.py`)."""

from __future__ import annotations

import os
import random
import selectors
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from uuid import UUID

import httpx
import psycopg
from sqlalchemy.engine import make_url

from domain.application import CommandContext, Receipt
from domain.initiative import Initiative
from domain.organisation import OrganisationKind
from services.bootstrap import Services
from services.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


SERVER_START_TIMEOUT = 120.0


SAVE_BATCH = 100  # initiatives per `app.save` while loading


COMMAND_ROUNDS = 3  # alternating in-process / HTTP rounds; the median of each is used


THEMES = ("kotihoito", "lean", "digitalisaatio", "asiakaskokemus", "työhyvinvointi", "varhaiskasvatus")


TOPICS = (
    "aamukäyntien porrastus",
    "perustehtävän kirkastaminen",
    "asiakaspalautteen keruu",
    "työvuorosuunnittelu",
    "päivittäisjohtaminen",
    "kotiutuksen tarkistuslista",
    "etävastaanotto",
    "perehdytysmalli",
)


# Where generated initiatives end up in their lifecycle, with weights: most are under way.
PATHS: tuple[tuple[tuple[str, ...], float], ...] = (
    ((), 1.0),
    (("plan",), 2.0),
    (("plan", "start"), 4.0),
    (("plan", "start", "evaluate"), 1.0),
    (("plan", "start", "evaluate", "complete"), 1.0),
    (("plan", "start", "evaluate", "complete", "spread"), 0.5),
    (("plan", "start", "pause"), 0.5),
    (("plan", "discontinue"), 0.5),
)


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(s * 1000 for s in seconds)
        p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
        return cls(statistics.median(ms), p99)

    def __str__(self) -> str:
        return f"{self.p50_ms:.1f} / {self.p99_ms:.1f} ms"


NO_LATENCY = Latency(0, 0)


class Server:
    """The real server (`python -m scripts.run`, one uvicorn worker) in a subprocess,
    on an OS-picked loopback port, logging to a file as it would in production."""

    def __init__(self, settings: Settings, workdir: Path) -> None:
        self.settings = settings
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIPINA_")}
        env.update(
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
            KIPINA_DATA_DIR=str(self.settings.data_dir),
            KIPINA_DATABASE_URL=self.settings.database_url or "",
            KIPINA_HOST="127.0.0.1",
            KIPINA_PORT="0",
            KIPINA_LOG_FORMAT="json",
            KIPINA_LOG_LEVEL="info",
        )
        with self.log_path.open("ab") as server_log:
            # cwd is the temporary directory, so no `.env` of the checkout leaks in.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "scripts.run"],
                cwd=self.workdir,
                env=env,
                stdout=subprocess.PIPE,
                stderr=server_log,
            )
        try:
            self.url = self._read_url()
        except BaseException:
            self._stop()
            raise
        return self

    def _read_url(self) -> str:
        """The first stdout line says where it listens; wait for it, within a bound."""
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise RuntimeError(f"The server did not start in time. Log: {self._log_tail()}")
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError(f"The server exited while starting. Log: {self._log_tail()}")
                buffer += chunk
        line = buffer.split(b"\n", 1)[0].decode()
        return line.rsplit(" ", 1)[-1]

    def _log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def _stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._stop()


class Loader:
    """Writes many initiatives, each with a realistic history, through the domain
    model and `app.save(*batch)`: the same events the API would record, fast."""

    def __init__(self, services: Services, rng: random.Random) -> None:
        self.services = services
        self.rng = rng
        self.actor = services.local_actor_id
        self.places: list[tuple[UUID, UUID]] = []
        self.people: list[UUID] = []
        self.initiative_ids: list[UUID] = []

    def add_references(self, organisations: int = 2, people: int = 20) -> None:
        """Organisations with units, and people: what initiatives refer to and reads render.
        Two organisations with three units each and twenty people unless told otherwise;
        more organisations get five units each."""
        app, ctx = self.services.app, CommandContext(actor=self.actor)
        named = [("Heinäveden kunta", "municipality"), ("Oulunkaaren kuntayhtymä", "joint_authority")]
        named += [(f"Mittakunta {n + 1}", "municipality") for n in range(organisations - len(named))]
        unit_names = ["Kotihoito", "Varhaiskasvatus", "Hallinto"]
        if organisations > 2:
            unit_names += ["Perusopetus", "Vastaanotto"]
        for name, kind in named[:organisations]:
            org_id = app.register_organisation(ctx, name=name, kind=OrganisationKind(kind)).record_id
            for unit in unit_names:
                app.add_unit(ctx, org_id, name=f"{unit} ({name.split()[0]})")
            organisation = app.get_organisation(org_id)
            self.places += [(org_id, UUID(unit_id)) for unit_id in organisation.units]
        with self.services.projector.engine.begin() as conn:
            for n in range(people):
                self.people.append(self.services.people.register(conn, {"name": f"Kehittäjä {n + 1}"}))
        self.services.projector.catch_up()

    def grow_to(self, total_events: int) -> tuple[int, float]:
        """Add initiatives until the log holds at least `total_events`; returns the
        log size and the seconds spent saving."""
        app = self.services.app
        missing = total_events - (app.recorder.max_notification_id() or 0)
        batch: list[Initiative] = []
        saving = 0.0
        while missing > 0:
            initiative = self._initiative()
            missing -= len(initiative.pending_events)
            batch.append(initiative)
            if len(batch) == SAVE_BATCH or missing <= 0:
                started = time.perf_counter()
                app.save(*batch)
                saving += time.perf_counter() - started
                batch = []
        return int(app.recorder.max_notification_id() or 0), saving

    def add_initiatives(self, count: int) -> None:
        """Add `count` initiatives like those of `grow_to`, saved 100 at a time."""
        app = self.services.app
        for start in range(0, count, SAVE_BATCH):
            app.save(*(self._initiative() for _ in range(min(SAVE_BATCH, count - start))))

    def add_long_history(self, events: int) -> UUID:
        """One in-progress initiative with `events` events in its history: after the
        proposal, a goal and a team member, mostly progress notes, with goals reworded
        and added and now and then an edited summary."""
        rng, actor = self.rng, self.actor
        organisation_id, unit_id = self.places[0]
        initiative = Initiative.propose(
            initiative_id=uuid.uuid4(),
            actor=actor,
            occurred_on=None,
            fields={
                "title": "Kotihoidon aamukäyntien porrastus, pitkä historia",
                "summary": "Kokeillaan porrastettuja aamukäyntejä kahdessa tiimissä.",
                "organisation_id": organisation_id,
                "unit_id": unit_id,
                "owner_id": self.people[0],
                "themes": ["kotihoito", "lean"],
                "target_group": "kotihoidon asiakkaat",
            },
        )
        goals = [uuid.uuid4()]
        initiative.set_goal(actor=actor, goal_id=goals[0], text="Aamukäynnit alkavat ajallaan")
        initiative.add_team_member(actor=actor, person_id=self.people[1], role="kehittäjä")
        initiative.move("plan", actor=actor, occurred_on=None, reason="", lessons="")
        initiative.move("start", actor=actor, occurred_on=None, reason="", lessons="")
        n = 0
        while len(initiative.pending_events) < events:
            n += 1
            roll = rng.random()
            if roll < 0.55:
                text = f"Viikko {n}: {rng.choice(TOPICS)} eteni, seuraavaksi mittaus. " * rng.randint(1, 3)
                initiative.add_note(actor=actor, note_id=uuid.uuid4(), text=text, occurred_on=None)
            elif roll < 0.9 or len(goals) >= 5:
                goal = rng.choice(goals)
                text = f"Aamukäynneistä {rng.randint(60, 99)} % alkaa ajallaan (tarkistus {n})"
                initiative.reword_goal(actor=actor, goal_id=goal, text=text)
            elif roll < 0.95:
                goals.append(uuid.uuid4())
                initiative.set_goal(actor=actor, goal_id=goals[-1], text=f"Uusi tavoite {n}")
            else:
                initiative.edit(actor=actor, fields={"summary": f"Tarkennettu kokeilu, vaihe {n}."})
        self.services.app.save(initiative)
        return initiative.id

    def initiative(self) -> Initiative:
        """One generated initiative with its history, not saved."""
        return self._initiative()

    def _initiative(self) -> Initiative:
        rng, actor = self.rng, self.actor
        organisation_id, unit_id = rng.choice(self.places)
        topic = rng.choice(TOPICS)
        initiative = Initiative.propose(
            initiative_id=uuid.uuid4(),
            actor=actor,
            occurred_on=None,
            fields={
                "title": f"{topic.capitalize()} {len(self.initiative_ids) + 1}",
                "summary": f"Kokeillaan, miten {topic} toimii yksikössä. " * rng.randint(1, 4),
                "organisation_id": organisation_id,
                "unit_id": unit_id,
                "owner_id": rng.choice(self.people),
                "themes": rng.sample(THEMES, rng.randint(1, 3)),
                "target_group": "asiakkaat ja henkilöstö",
            },
        )
        initiative.set_goal(actor=actor, goal_id=uuid.uuid4(), text=f"Parempi {topic} puolessa vuodessa")
        initiative.add_team_member(actor=actor, person_id=rng.choice(self.people), role="kehittäjä")
        if rng.random() < 0.5:
            initiative.edit(actor=actor, fields={"summary": f"Tarkennettu: {topic} kahdessa tiimissä."})
        path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
        for verb in path:
            initiative.move(
                verb, actor=actor, occurred_on=None, reason="Resurssit siirtyivät", lessons="Aloita pienestä"
            )
            for n in range(rng.randint(0, 2)):
                initiative.add_note(
                    actor=actor, note_id=uuid.uuid4(), text=f"Tilanne {n + 1}: edetään.", occurred_on=None
                )
        self.initiative_ids.append(initiative.id)
        return initiative


def load(services: Services, loader: Loader, total_events: int) -> tuple[int, float, float]:
    """Grow the log to `total_events` and catch the read models up; returns the log
    size and the load and catch-up speeds (events/s)."""
    before = services.app.recorder.max_notification_id() or 0
    size, saving = loader.grow_to(total_events)
    started = time.perf_counter()
    services.projector.catch_up()
    applying = time.perf_counter() - started
    written = size - before
    vacuum(services)
    return size, written / saving if saving else 0.0, written / applying if written else 0.0


def vacuum(services: Services) -> None:
    """On PostgreSQL, what autovacuum would do after a bulk load, done now rather than
    while reads are timed."""
    database_url = services.settings.database_url
    if database_url is not None:
        with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} gave {response.status_code}, "
            f"expected {status}: {response.text[:300]}"
        )


@dataclass
class CommandTimer:
    app_seconds: float = 0.0
    catch_up_seconds: float = 0.0
    commands: int = 0


def in_process_round(services: Services, loader: Loader, initiatives: int) -> CommandTimer:
    """propose, plan, start, add note, edit — each followed by the catch-up the API runs."""
    app, projector = services.app, services.projector
    ctx = CommandContext(actor=services.local_actor_id)
    timer = CommandTimer()

    def run(command: Callable[..., Receipt], *args: Any, **kwargs: Any) -> UUID:
        started = time.perf_counter()
        receipt = command(ctx, *args, **kwargs)
        done = time.perf_counter()
        if receipt.positions:
            projector.catch_up(up_to=receipt.last_position)
        timer.app_seconds += done - started
        timer.catch_up_seconds += time.perf_counter() - done
        timer.commands += 1
        return receipt.record_id

    for n in range(initiatives):
        iid = run(app.propose_initiative, fields=proposal(loader, n))
        run(app.move_initiative, iid, "plan")
        run(app.move_initiative, iid, "start")
        run(app.add_note, iid, text="Ensimmäinen viikko takana.")
        run(app.edit_initiative, iid, fields={"summary": "Laajennetaan toiseen tiimiin."})
    return timer


def proposal(loader: Loader, n: int) -> dict[str, Any]:
    organisation_id, unit_id = loader.places[n % len(loader.places)]
    return {
        "title": f"Mittauskokeilu {n + 1}",
        "summary": "Kokeillaan uutta tapaa toimia.",
        "organisation_id": organisation_id,
        "unit_id": unit_id,
        "owner_id": loader.people[n % len(loader.people)],
        "themes": [THEMES[n % len(THEMES)], THEMES[(n + 1) % len(THEMES)]],
    }


def verdict(value: float, target: float, at_least: bool) -> str:
    ok = value >= target if at_least else value <= target
    return f"{value:.3f} {'PASS' if ok else 'MISS'}"


# ---- the report ------------------------------------------------------------------------

RATIO_TARGETS = {"commands": 0.3, "rebuild": 0.5, "latency": 1.2, "pages": 2.0}
LABEL_WIDTH = 64
CELL_WIDTH = 22
