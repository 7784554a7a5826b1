"""Helpers for tests that compare read models and run Kipinä as a real process.

`snapshot` reads whole tables straight from the database (no API in between),
so two snapshots are equal only if every row and every column is. `ServerProcess`
starts `python -m scripts.run --port 0` and always leaves no process behind.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import Engine, Table, select

from projections.db import make_engine
from projections.tables import metadata
from services.people_registry import people
from services.response_cache import responses

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0

Snapshot = dict[str, list[dict[str, Any]]]


# ---- table snapshots ------------------------------------------------------------


def snapshot(engine: Engine, tables: Iterable[Table]) -> Snapshot:
    """Every row of every table, all columns, ordered by primary key."""
    result: Snapshot = {}
    with engine.connect() as conn:
        for table in tables:
            order = list(table.primary_key.columns)
            assert order, f"{table.name} has no primary key to order by"
            rows = conn.execute(select(table).order_by(*order)).mappings()
            result[table.name] = [dict(r) for r in rows]
    return result


def read_model_snapshot(engine: Engine) -> Snapshot:
    """All read-model tables (everything in `projections.tables.metadata`)."""
    return snapshot(engine, metadata.sorted_tables)


def registry_snapshot(engine: Engine) -> Snapshot:
    """The tables that are not read models: the people registry and cached responses."""
    return snapshot(engine, [people, responses])


def snapshot_url(url: str, which: str = "read_models") -> Snapshot:
    engine = make_engine(url)
    try:
        return read_model_snapshot(engine) if which == "read_models" else registry_snapshot(engine)
    finally:
        engine.dispose()


def assert_same_tables(before: Snapshot, after: Snapshot) -> None:
    """Equal snapshots, with a message that names the first table and row that differ."""
    assert sorted(before) == sorted(after)
    for name in before:
        assert len(before[name]) == len(after[name]), (
            f"{name}: {len(before[name])} rows before, {len(after[name])} after"
        )
        for old, new in zip(before[name], after[name], strict=True):
            assert old == new, f"{name}: row differs\nbefore: {old}\nafter:  {new}"


# ---- a real server process ---------------------------------------------------------


def kipina_env(overrides: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any KIPINA_ setting, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIPINA_")}
    env.update(overrides)
    return env


class ServerProcess:
    """`python -m scripts.run --port 0` in its own process.

    stdout is read by a thread (so the pipe never fills and blocks the server);
    stderr goes to a file that is printed when something goes wrong. Use as a
    context manager: the process is killed and reaped on the way out, whatever
    happened inside.
    """

    def __init__(self, env: Mapping[str, str], log_dir: Path, name: str) -> None:
        self.env = kipina_env(env)
        self.stderr_path = log_dir / f"{name}.stderr.log"
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout_lines: list[str] = []
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self._stderr: IO[str] | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> ServerProcess:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> str:
        self._stderr = self.stderr_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.run", "--host", "127.0.0.1", "--port", "0"],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT
        prefix = "Kipinä listening on "
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no 'listening on' line within {START_TIMEOUT} s{self.diagnostics()}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue  # the deadline check above ends the loop
            if line is None:
                code = self.process.wait(timeout=STOP_TIMEOUT)
                raise AssertionError(f"server exited with {code} before listening{self.diagnostics()}")
            if line.startswith(prefix):
                self.url = line.removeprefix(prefix).strip()
                assert self.url.startswith("http://127.0.0.1:"), self.url
                return self.url

    def _read_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.stdout_lines.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def wait_until_ready(self, timeout: float = START_TIMEOUT) -> dict[str, Any]:
        """Poll /readyz until it answers 200: the server listens before its start-up
        catch-up has finished, and is not ready until then. Returns the 200 body."""
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        with self.client() as http:
            while True:
                response = http.get("/readyz")
                if response.status_code == 200:
                    body: dict[str, Any] = response.json()
                    return body
                if time.monotonic() > deadline:
                    raise AssertionError(f"not ready within {timeout} s: {response.text}{self.diagnostics()}")
                pause.wait(0.05)  # a poll interval, not a timing assumption: the deadline bounds it

    def stop(self) -> int:
        """SIGTERM and wait for a clean exit; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT)

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs in the server."""
        assert self.process is not None
        self.process.kill()
        return self.process.wait(timeout=STOP_TIMEOUT)

    def close(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)
            if self.process.stdout is not None:
                self.process.stdout.close()
        if self._reader is not None:
            self._reader.join(timeout=STOP_TIMEOUT)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def diagnostics(self) -> str:
        stderr = self.stderr_path.read_text(encoding="utf-8") if self.stderr_path.exists() else ""
        return f"\n--- stdout ---\n{''.join(self.stdout_lines)}\n--- stderr ---\n{stderr[-4000:]}"


def run_rebuild_process(env: Mapping[str, str], log_dir: Path) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.rebuild --quiet` as its own process, with a bounded wait."""
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.rebuild", "--quiet"],
        cwd=REPO,
        env=kipina_env(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    (log_dir / "rebuild.stderr.log").write_text(completed.stderr, encoding="utf-8")
    return completed
