"""Logs of a real server process (`python -m scripts.run`) on both stores:
one line per request and per command, JSON for machines, console for people,
and never any personal data."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from projections.db import make_engine
from services.bootstrap import read_model_url
from services.settings import Settings
from tests.integration.api_helpers import ACTOR_HEADER, HEINAVESI_TARGETS

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0

# Personal data that the requests below carry: none of it may reach a log line.
NAME = "Maija Meikäläinen"
EMAIL = "maija.meikalainen@heinavesi.fi"
LOGIN = "pekka.lehtinen"
SECRETS = (NAME, "Meikäläinen", EMAIL, "meikalainen", LOGIN, "lehtinen")


@dataclass
class Server:
    url: str
    stderr: Path

    def log_lines(self) -> list[str]:
        return [line for line in self.stderr.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def server_process(store: Settings, tmp_path: Path, **settings: str) -> Iterator[Server]:
    """Runs Kipinä in its own process on an OS-picked port; always stops it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIPINA_")}
    env.update({"PYTHONPATH": str(REPO), "KIPINA_DATA_DIR": str(store.data_dir), "KIPINA_PORT": "0"})
    if store.database_url is not None:
        env["KIPINA_DATABASE_URL"] = store.database_url
    env.update(settings)
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.run", "--host", "127.0.0.1"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=sink,
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        assert ready, "the server did not say where it listens"
        first = process.stdout.readline().decode("utf-8")
        found = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert found, f"unexpected first line {first!r}; stderr: {stderr.read_text()}"
        yield Server(f"http://127.0.0.1:{found.group(1)}", stderr)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_json_logs_one_line_per_request_and_command_without_personal_data(
    store: Settings, tmp_path: Path
) -> None:
    with (
        server_process(store, tmp_path, KIPINA_LOG_FORMAT="json", KIPINA_ACTOR_HEADER=ACTOR_HEADER) as server,
        httpx.Client(base_url=server.url, timeout=30, headers={ACTOR_HEADER: LOGIN}) as http,
    ):
        person = http.post(
            "/api/people", json={"name": NAME, "email": EMAIL}, headers={"X-Request-ID": "req-1"}
        )
        assert person.status_code == 201
        created = http.post(
            "/api/initiatives", json={"title": HEINAVESI_TARGETS[1], "owner_id": person.json()["id"]}
        )
        assert created.status_code == 201
        initiative_id = created.json()["id"]
        planned = http.post(f"/api/initiatives/{initiative_id}/plan")
        assert planned.status_code == 200
        read = http.get(f"/api/initiatives/{initiative_id}")
        assert read.status_code == 200 and read.json()["owner"]["name"] == NAME
        # Mistakes whose response repeats the personal data back to the sender.
        invalid = http.post("/api/people", json={"name": NAME, "email": "maija.meikalainen@heinavesi"})
        assert invalid.status_code == 422 and "meikalainen" in invalid.text
        searched = http.get("/api/people", params={"q": "Meikäläinen"})
        assert searched.status_code == 200
        unknown_route = http.get("/api/maija.meikalainen")
        assert unknown_route.status_code == 404
        anonymous = http.post("/api/initiatives", json={"title": "x"}, headers={ACTOR_HEADER: ""})
        assert anonymous.status_code == 401
        responses = [person, created, planned, read, invalid, searched, unknown_route, anonymous]

    lines = server.log_lines()
    records = []
    for line in lines:
        record = json.loads(line)  # every line is one JSON object
        assert isinstance(record, dict)
        records.append(record)

    requests = [r for r in records if r["event"] == "request"]
    assert len(requests) == len(responses), "one line per request"
    for record, response in zip(requests, responses, strict=True):
        assert record["status"] == response.status_code
        assert record["request_id"] == response.headers["X-Request-ID"]
        assert isinstance(record["duration_ms"], int | float) and record["duration_ms"] >= 0
        assert record["level"] == "info" and record["timestamp"]
    assert requests[0]["request_id"] == "req-1"
    assert [(r["method"], r["route"]) for r in requests] == [
        ("POST", "/api/people"),
        ("POST", "/api/initiatives"),
        ("POST", "/api/initiatives/{initiative_id}/plan"),
        ("GET", "/api/initiatives/{initiative_id}"),
        ("POST", "/api/people"),
        ("GET", "/api/people"),
        ("GET", "-"),
        ("POST", "/api/initiatives"),
    ], "routes are templates, never paths with ids or names"

    commands = [r for r in records if r["event"] == "command"]
    assert [(c["event_types"], c["record_id"]) for c in commands] == [
        (["Proposed"], initiative_id),
        (["Planned"], initiative_id),
    ]
    assert [c["request_id"] for c in commands] == [requests[1]["request_id"], requests[2]["request_id"]]
    assert [c["version"] for c in commands] == [1, 2]

    for record in records:
        text = " ".join(strings_in(record)).casefold()
        for secret in SECRETS:
            assert secret.casefold() not in text, f"personal data {secret!r} in a log line: {record}"
    raw = "\n".join(lines).casefold()
    for secret in ("meikalainen", LOGIN, "meik\\u00e4l\\u00e4inen"):
        assert secret not in raw


def test_console_logs_are_one_readable_line_per_request(store: Settings, tmp_path: Path) -> None:
    with (
        server_process(store, tmp_path, KIPINA_LOG_FORMAT="console") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        created = http.post("/api/initiatives", json={"title": HEINAVESI_TARGETS[0]})
        assert created.status_code == 201
        assert http.get("/api/initiatives").status_code == 200

    lines = server.log_lines()
    request_lines = [line for line in lines if re.search(r"\brequest\b", line)]
    assert len(request_lines) == 2, lines
    assert "status=201" in request_lines[0] and "route=/api/initiatives" in request_lines[0]
    assert "status=200" in request_lines[1]
    command_lines = [line for line in lines if re.search(r"\bcommand\b", line)]
    assert len(command_lines) == 1 and "event_types=['Proposed']" in command_lines[0]
    assert created.json()["id"] in command_lines[0]
    assert not any(line.lstrip().startswith("{") for line in lines), "console format is not JSON"


def test_a_server_error_gets_its_request_line_and_id_but_logs_no_personal_data(
    store: Settings, tmp_path: Path
) -> None:
    with (
        server_process(store, tmp_path, KIPINA_LOG_FORMAT="json") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        assert http.get("/api/people").status_code == 200
        # A real failure, not a user's mistake: the registry's table disappears under the
        # running server. The database error then quotes the INSERT's parameters.
        engine = make_engine(read_model_url(store))
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE people"))
        engine.dispose()

        failed = http.post(
            "/api/people", json={"name": NAME, "email": EMAIL}, headers={"X-Request-ID": "req-500"}
        )

    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert failed.headers["X-Request-ID"] == "req-500", "the id the 500 asks people to report is there"
    assert NAME not in failed.text and EMAIL not in failed.text
    records = [json.loads(line) for line in server.log_lines()]
    [request] = [r for r in records if r["event"] == "request" and r["request_id"] == "req-500"]
    assert (request["status"], request["route"]) == (500, "/api/people")
    [error] = [r for r in records if r["event"] == "unhandled_error"]
    assert error["request_id"] == "req-500" and error["level"] == "error"
    assert error["error"] in ("OperationalError", "ProgrammingError")
    for record in records:
        text_of_record = " ".join(strings_in(record)).casefold()
        for secret in SECRETS:
            assert secret.casefold() not in text_of_record, (
                f"personal data {secret!r} in a log line: {record}"
            )
