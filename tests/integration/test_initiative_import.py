"""Importing initiatives from a CSV file on both stores, one code path three ways: the JSON
API (`POST /api/initiatives/import`), the import page (`/initiatives/import`) and the script
(`python -m scripts.import_initiatives`, run as a subprocess). Valid rows are recorded with
their organisation, unit, owner, themes and status; each rejected row is reported by its
line number and records nothing; the same file twice records nothing twice.

The case is Heinävesi (seed 000): its home-care and ward initiatives, kept in a sheet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from services.settings import Settings
from tests.integration.api_helpers import all_events, assert_problem, register_heinavesi, register_person
from tests.integration.page_helpers import field_error, form_fields, parse
from tests.integration.test_pages_programmes import english, open_page

ROOT = Path(__file__).resolve().parents[2]
FINNISH_CSV = (
    "\ufeffOtsikko;Kuvaus;Organisaatio;Yksikkö;Vastuuhenkilö;Teemat;Tila;Aloituspäivä\n"
    "Perustehtävän kirkastaminen;Kotihoidon aamut;Heinäveden kunta;Kotihoito;liisa.laine@heinavesi.fi;"
    "kotihoito, aamut;Käynnissä;1.10.2018\n"
    "Vuodeosaston kotiutus;;Heinäveden kunta;Terveyskeskuksen vuodeosasto;Liisa Laine;kotiutus;valmis;\n"
    ";Ei otsikkoa;Kuopio;;Pekka;;lopetettu;\n"
    "Päivähoidon aamut;;Heinäveden kunta;Päivähoito ja varhaiskasvatus;;;suunniteltu;\n"
)


def setup_heinavesi(client: httpx.Client) -> None:
    register_heinavesi(client)
    register_person(client, "Liisa Laine", "liisa.laine@heinavesi.fi")


def import_csv(client: httpx.Client, text: str, **headers: str) -> httpx.Response:
    return client.post(
        "/api/initiatives/import", content=text.encode(), headers={"Content-Type": "text/csv", **headers}
    )


def initiatives_by_title(client: httpx.Client) -> dict[str, dict]:
    items = client.get("/api/initiatives", params={"limit": 100}).json()["items"]
    return {i["title"]: i for i in items}


def test_the_api_records_valid_rows_and_reports_the_rejected_by_line(client: TestClient) -> None:
    setup_heinavesi(client)
    response = import_csv(client, FINNISH_CSV, **{"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["already_imported"], report["rejected_count"]) == (3, 0, 1)
    [rejected] = report["rejected"]
    assert rejected["line"] == 4
    reasons = " ".join(rejected["reasons"])
    assert "title is required" in reasons and "no organisation called 'Kuopio'" in reasons
    assert "nobody called 'Pekka'" in reasons
    assert "in_progress (In progress)" in reasons  # the statuses an import can give, with labels

    found = initiatives_by_title(client)
    assert set(found) == {"Perustehtävän kirkastaminen", "Vuodeosaston kotiutus", "Päivähoidon aamut"}
    morning = client.get(f"/api/initiatives/{found['Perustehtävän kirkastaminen']['id']}").json()
    assert morning["status"] == "in_progress" and morning["themes"] == ["kotihoito", "aamut"]
    assert morning["owner"]["name"] == "Liisa Laine"
    assert morning["unit"]["name"] == "Kotihoito"
    assert (
        client.get(f"/api/initiatives/{found['Vuodeosaston kotiutus']['id']}").json()["status"] == "completed"
    )


def test_the_same_file_twice_records_nothing_twice(client: TestClient) -> None:
    setup_heinavesi(client)
    import_csv(client, FINNISH_CSV)
    events = all_events(client)
    again = import_csv(client, FINNISH_CSV).json()
    assert (again["imported"], again["already_imported"], again["rejected_count"]) == (0, 3, 1)
    assert all_events(client) == events
    assert len(initiatives_by_title(client)) == 3


def test_the_api_names_statuses_in_the_requests_language(client: TestClient) -> None:
    report = import_csv(client, "title;status\nAamut;lopetettu\n", **{"Accept-Language": "fi"}).json()
    assert "in_progress (Käynnissä)" in report["rejected"][0]["reasons"][0]


def test_a_file_the_api_cannot_read_is_a_problem_and_records_nothing(client: TestClient) -> None:
    events = all_events(client)
    assert_problem(import_csv(client, ""), 422, field="file")
    assert_problem(import_csv(client, "summary;status\nx;y\n"), 422, field="file")
    assert_problem(import_csv(client, "title;väri\nx;y\n"), 422, field="file")
    latin1 = client.post(
        "/api/initiatives/import",
        content="title\nPäivähoito\n".encode("latin-1"),
        headers={"Content-Type": "text/csv"},
    )
    assert "not UTF-8" in assert_problem(latin1, 422, field="file")["detail"]
    assert_problem(client.post("/api/initiatives/import", json={"title": "x"}), 400)
    no_file = client.post("/api/initiatives/import", files={"other": ("a.csv", b"title\nx\n", "text/csv")})
    assert_problem(no_file, 422, field="file")
    assert all_events(client) == events


def test_a_multipart_upload_imports_the_same_way(client: TestClient) -> None:
    upload = client.post(
        "/api/initiatives/import", files={"file": ("hankkeet.csv", b"title\nAamut\n", "text/csv")}
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["imported"] == 1


def test_the_page_uploads_and_reports_in_the_readers_language(client: TestClient) -> None:
    setup_heinavesi(client)
    client.get("/language", params={"set": "fi", "next": "/"})
    doc = open_page(client, "/initiatives")
    assert doc.find_all("a", href="/initiatives/import")
    shown = client.get("/initiatives/import")
    fields = form_fields(shown.text, "/initiatives/import")
    done = client.post(
        "/initiatives/import", data=fields, files={"file": ("hankkeet.csv", FINNISH_CSV.encode(), "text/csv")}
    )
    assert done.status_code == 200, done.text[:3000]
    report = parse(done.text)
    assert "3 kehittämishanketta kirjattiin." in report.by_id("import-counts").text
    row = report.by_id("rejected").find("tbody").find("tr")
    assert row.find("th").text == "4"
    assert "Käynnissä (in_progress)" in row.text
    assert len(initiatives_by_title(client)) == 3


def test_the_page_refuses_a_missing_or_bad_file_next_to_its_field(client: TestClient) -> None:
    english(client)
    events = all_events(client)
    fields = form_fields(client.get("/initiatives/import").text, "/initiatives/import")
    missing = client.post("/initiatives/import", data=fields)
    assert missing.status_code == 422
    assert "Choose the CSV file" in field_error(parse(missing.text), "file")
    bad = client.post(
        "/initiatives/import", data=fields, files={"file": ("x.csv", b"colour\nred\n", "text/csv")}
    )
    assert bad.status_code == 422
    assert "does not know: colour" in field_error(parse(bad.text), "file")
    assert all_events(client) == events


def test_the_script_imports_with_a_progress_bar_and_twice_records_nothing_twice(
    store: Settings, client: TestClient, tmp_path: Path
) -> None:
    setup_heinavesi(client)
    path = tmp_path / "hankkeet.csv"
    path.write_text(FINNISH_CSV, encoding="utf-8")
    env = {
        **os.environ,
        "KIPINA_DATA_DIR": str(store.data_dir),
        "KIPINA_DATABASE_URL": store.database_url or "",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "scripts.import_initiatives", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    first = run(str(path))
    assert first.returncode == 1, first.stderr  # one row was rejected
    assert "Imported 3 initiatives, 0 already imported, 1 rejected" in first.stdout
    assert "line 4: " in first.stdout and "title is required" in first.stdout
    assert "5/5" in first.stderr  # tqdm's final "n/total" (lines)
    events = all_events(client)
    assert len(initiatives_by_title(client)) == 3

    again = run(str(path), "--quiet")
    assert "Imported 0 initiatives, 3 already imported, 1 rejected" in again.stdout
    assert again.stderr == ""
    assert all_events(client) == events

    missing = run(str(tmp_path / "missing.csv"), "--quiet")
    assert missing.returncode == 2 and "Cannot read" in missing.stderr
    path.write_bytes("title\nPäivähoito\n".encode("latin-1"))
    latin1 = run(str(path), "--quiet")
    assert latin1.returncode == 1 and "line 2" in latin1.stderr
    assert all_events(client) == events
