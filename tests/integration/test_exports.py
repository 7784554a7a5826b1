"""Exports over HTTP on both stores: one good practice and a programme's seminar pack in every
format, their provenance, byte-identical rebuilds from a stated position, the errors, the
public export and the command line.

The practice is Oulunkaari's "Kehittäminen kuuluu kaikille" (seed 003) with a measure; the
seminar is the 3W programme's "Hyvät käytännöt jakoon" (seed 001). Each case carries a
secret (an internal note, an unpublished edit, a draft that was never published) that must
never appear in any export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pptx import Presentation

from services.bootstrap import Services
from tests.integration.api_helpers import (
    OULUNKAARI,
    OULUNKAARI_MODEL,
    assert_problem,
    move,
    nothing_recorded,
    propose,
    register_organisation,
)

FORMATS = ("md", "html", "pdf", "pptx", "json")
UNKNOWN = "00000000-0000-4000-8000-000000000000"
INTERNAL_NOTE = "SISÄINEN-MUISTIINPANO-4711"
UNPUBLISHED_EDIT = "JULKAISEMATON-MUUTOS-0815"
DRAFT_ONLY = "LUONNOS-EI-KOSKAAN-JULKAISTU"

FILLED = {
    "short_description": "Kehittäminen kuuluu Oulunkaarella jokaiselle luottamuselimiin saakka.",
    "where_implemented": "Oulunkaaren kuntayhtymän soten kehittämistiimi.",
    "region": "Pohjois-Pohjanmaa",
    "funder": "Ei erillisrahoitusta",
    "basic_idea": "Viestintä: kehittäminen näkyy ja kuuluu. Yhteiset kehittämisen areenat. " * 40,
    "operating_environment": "Kehittämisen ja kokeilujen vauhdittaminen.",
    "target_group_and_customer_understanding": "Kohderyhmä jokainen Oulunkaarella.",
    "conditions_for_adoption": "Kehittämisen kulttuuri ja kokeiluihin kannustaminen.",
    "evaluation_results": "Vaikutukset ovat olleet toiminnallisesti ja taloudellisesti merkittäviä.",
    "tips_for_adopters": "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.",
    "development_phase": "ready",
    "topics": ["Kuntayhtymä", "Järjestäminen"],
    "phenomena": ["Ei liity ilmiöön"],
    "target_groups": ["Työikäiset"],
    "internal_notes": INTERNAL_NOTE,
}


@dataclass
class Case:
    practice_id: str
    initiative_id: str
    measure_id: str


def draft(client: TestClient, initiative_id: str, **fields: Any) -> dict[str, Any]:
    created = client.post(f"/api/initiatives/{initiative_id}/good-practices", json=fields)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def publish(client: TestClient, practice_id: str) -> dict[str, Any]:
    published = client.post(f"/api/good-practices/{practice_id}/publish")
    assert published.status_code == 200, published.text
    body: dict[str, Any] = published.json()
    return body


def oulunkaari_case(client: TestClient) -> Case:
    """A published practice with a measure of six values; then an unpublished edit."""
    org = register_organisation(client, OULUNKAARI, "joint_authority", ("Soten kehittämistiimi",))
    initiative = propose(
        client,
        OULUNKAARI_MODEL,
        summary="Kehittäminen kuuluu Oulunkaarella jokaiselle. Kokeiluihin kannustetaan.",
        organisation_id=org.id,
        unit_id=org.units["Soten kehittämistiimi"],
    )
    measure = client.post(
        f"/api/initiatives/{initiative['id']}/measures",
        json={"name": "Kädenjäljet", "unit": "kpl", "direction": "up", "frequency": "monthly"},
    )
    assert measure.status_code == 201, measure.text
    for month, value in enumerate((4, 6, 5, 9, 12, 14), start=1):
        recorded = client.post(
            f"/api/measures/{measure.json()['id']}/values",
            json={"period": f"2016-{month:02d}", "value": value},
        )
        assert recorded.status_code == 201, recorded.text
    practice = draft(client, initiative["id"], **FILLED)
    publish(client, practice["id"])
    edited = client.patch(
        f"/api/good-practices/{practice['id']}", json={"tips_for_adopters": UNPUBLISHED_EDIT}
    )
    assert edited.status_code == 200, edited.text
    return Case(practice["id"], initiative["id"], measure.json()["id"])


def text_of(fmt: str, content: bytes, tmp_path: Path) -> str:
    """What a person reads in the file."""
    if fmt == "pdf":
        path = tmp_path / "export.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    if fmt == "pptx":
        deck = Presentation(io.BytesIO(content))
        return "\n".join(
            shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
        )
    return content.decode("utf-8")


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing; `make test` installs it"
)


# ---- one good practice ---------------------------------------------------------------


@needs_pdftotext
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_practice_exports_in_every_format_with_provenance_and_no_secrets(
    client: TestClient, fmt: str, tmp_path: Path
) -> None:
    case = oulunkaari_case(client)
    response = client.get(f"/api/good-practices/{case.practice_id}/export.{fmt}", params={"lang": "fi"})
    assert response.status_code == 200, response.text
    position = int(response.headers["X-Kipina-Position"])
    assert position > 0
    assert response.headers["Content-Language"] == "fi"
    assert f'filename="kehittaminen-kuuluu-kaikille-v1.{fmt}"' in response.headers["Content-Disposition"]
    text = text_of(fmt, response.content, tmp_path)
    assert "Kehittäminen kuuluu kaikille" in text
    assert "Pohjois-Pohjanmaa" in text or fmt == "pptx"  # a deck shows the key points only
    assert str(position) in text, "the export names the position it was built from"
    # Its sources are named for a reader (kind, title, version, position), never by id.
    assert "Kehittämishanke" in text or fmt in ("pptx", "json")
    assert case.practice_id not in text.replace("\n", "") or fmt == "json"
    for secret in (INTERNAL_NOTE, UNPUBLISHED_EDIT):
        assert secret not in text
        assert secret.encode() not in response.content


def test_a_practice_carries_the_evaluation_figures_and_sums_each_measure_up_in_one_line(
    client: TestClient,
) -> None:
    case = oulunkaari_case(client)
    move(client, case.initiative_id, "plan")
    move(client, case.initiative_id, "start")
    evaluation = {
        "evaluated_on": "2016-03-01",
        "method": "self_assessment",
        "effects": {
            "staff": {
                "text": "Kehittäminen kuuluu jokaiselle.",
                "figures": [{"label": "Innovaattori-koulutetut", "value": 40, "unit": "hlöä"}],
            }
        },
        "costs": {"text": "Kehittämistiimin työaika.", "amount_eur": 4800},
        "recommendation": "spread",
    }
    recorded = client.post(f"/api/initiatives/{case.initiative_id}/evaluations", json=evaluation)
    assert recorded.status_code == 201, recorded.text
    markdown = client.get(f"/api/good-practices/{case.practice_id}/export.md", params={"lang": "fi"}).text
    results = markdown.split("## Arvioinnin tulokset tiivistettynä")[1].split("\n## ")[0]
    assert FILLED["evaluation_results"] in results  # the published text first, then the figures
    assert "**Arviointi 1.3.2016 · Itsearviointi · Suositus: Levitetään**" in results
    assert "- Vaikutukset henkilöstöön: Innovaattori-koulutetut 40 hlöä" in results
    assert "- Kustannukset: 4 800 €" in results
    assert "- Kädenjäljet: – → 14 kpl" in results or "- Kädenjäljet: 4 → 14 kpl" in results
    timeline = markdown.split("## Tulosten aikajana")[1].split("\n\n*")[0]
    (line,) = [line for line in timeline.splitlines() if "Kädenjäljet" in line]
    assert line.startswith("- **Kädenjäljet: viimeisin 14 kpl (") and "2016-06) · Signaalit: " in line


def test_json_export_uses_the_innokyla_field_names(client: TestClient) -> None:
    case = oulunkaari_case(client)
    body = client.get(f"/api/good-practices/{case.practice_id}/export.json").json()
    assert body["Toimintamallin nimi"] == "Kehittäminen kuuluu kaikille"
    assert body["Paikkakunta tai maakunta"] == "Pohjois-Pohjanmaa"
    assert body["Aihealueet"] == ["Kuntayhtymä", "Järjestäminen"]
    assert body["Kehittämisen vaihe"] == "Valmis"  # in Finnish, as Innokylä names it
    assert body["kipina"]["development_phase"] == "ready"
    assert "internal_notes" not in json.dumps(body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_building_again_from_the_stated_position_gives_the_same_bytes(client: TestClient, fmt: str) -> None:
    case = oulunkaari_case(client)
    path = f"/api/good-practices/{case.practice_id}/export.{fmt}"
    first = client.get(path, params={"lang": "fi"})
    position = first.headers["X-Kipina-Position"]
    # More happens afterwards: a new value and a revision of the practice.
    client.post(f"/api/measures/{case.measure_id}/values", json={"period": "2016-07", "value": 20})
    publish(client, case.practice_id)
    again = client.get(path, params={"lang": "fi", "position": position})
    assert again.status_code == 200
    assert again.headers["X-Kipina-Position"] == position
    assert again.content == first.content
    newest = client.get(path, params={"lang": "fi"})
    assert newest.headers["X-Kipina-Position"] != position
    assert newest.content != first.content, "the newer export shows version 2 and the new value"


def test_an_older_version_exports_its_own_text(client: TestClient) -> None:
    case = oulunkaari_case(client)
    publish(client, case.practice_id)  # version 2 has the edit
    v1 = client.get(f"/api/good-practices/{case.practice_id}/export.md", params={"version": 1})
    v2 = client.get(f"/api/good-practices/{case.practice_id}/export.md", params={"version": 2})
    assert UNPUBLISHED_EDIT not in v1.text
    assert UNPUBLISHED_EDIT in v2.text
    assert 'filename="kehittaminen-kuuluu-kaikille-v2.md"' in v2.headers["Content-Disposition"]


def test_export_errors_are_problems_and_record_nothing(client: TestClient) -> None:
    case = oulunkaari_case(client)
    org = register_organisation(client, "Hamina", "municipality")
    unpublished = draft(client, propose(client, "Sisäiset kehittäjät", organisation_id=org.id)["id"])
    base = f"/api/good-practices/{case.practice_id}"
    with nothing_recorded(client, base):
        assert_problem(client.get(f"/api/good-practices/{UNKNOWN}/export.md"), 404)
        assert_problem(client.get(f"/api/good-practices/{unpublished['id']}/export.pdf"), 409)
        assert_problem(client.get(f"{base}/export.md", params={"version": 99}), 404)
        assert_problem(client.get(f"{base}/export.md", params={"position": 10**9}), 400)
        assert_problem(client.get(f"{base}/export.md", params={"position": 0}), 422)
        assert_problem(client.get(f"{base}/export.md", params={"lang": "de"}), 422)
        assert_problem(client.get(f"{base}/export.docx"), 422)
    retracted = client.post(f"{base}/retract", json={"reason": "Korvattu uudella mallilla."})
    assert retracted.status_code == 200
    refused = assert_problem(client.get(f"{base}/export.md", params={"version": 1}), 409)
    assert "Korvattu uudella mallilla." in refused["detail"]
    newest = assert_problem(client.get(f"{base}/export.md"), 409)
    assert "retracted (Korvattu uudella mallilla.)" in newest["detail"]
    assert "export" not in client.get(base).json()["links"], "no link to a refusal"
    assert "export" not in client.get(f"{base}/versions/1").json()["links"]


def test_an_export_from_before_the_record_existed_says_so(client: TestClient) -> None:
    case = oulunkaari_case(client)
    early = assert_problem(
        client.get(f"/api/good-practices/{case.practice_id}/export.md", params={"position": 1}), 404
    )
    assert "after event position 1" in early["detail"]
    programme_id, _ = three_w_seminar(client)
    too_early = assert_problem(
        client.get(f"/api/programmes/{programme_id}/seminar.md", params={"position": 2}), 404
    )
    assert "after event position 2" in too_early["detail"]


def test_the_public_export_shows_only_published_practices(client: TestClient) -> None:
    case = oulunkaari_case(client)
    unpublished = draft(client, case.initiative_id, name=DRAFT_ONLY)
    shown = client.get(f"/api/public/good-practices/{case.practice_id}/export.html")
    assert shown.status_code == 200
    assert "Kehittäminen kuuluu kaikille" in shown.text and INTERNAL_NOTE not in shown.text
    assert_problem(client.get(f"/api/public/good-practices/{unpublished['id']}/export.html"), 404)
    client.post(f"/api/good-practices/{case.practice_id}/retract", json={"reason": "Vanhentunut."})
    assert_problem(client.get(f"/api/public/good-practices/{case.practice_id}/export.html"), 404)


# ---- the catalogue as CSV ---------------------------------------------------------------


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode()), "a byte-order mark, so Excel reads ä and ö"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "path", ["/api/good-practices/catalogue.csv", "/api/public/good-practices/catalogue.csv"]
)
def test_the_catalogue_csv_lists_published_versions_only(client: TestClient, path: str) -> None:
    case = oulunkaari_case(client)
    draft(client, case.initiative_id, name=DRAFT_ONLY)
    response = client.get(path)
    rows = csv_rows(response)
    assert [row["id"] for row in rows] == [case.practice_id]
    row = rows[0]
    assert row["Toimintamallin nimi"] == "Kehittäminen kuuluu kaikille"
    assert row["Aihealueet"] == "Kuntayhtymä; Järjestäminen"
    assert row["version"] == "1"
    assert row["Ratkaisun perusidea"] == FILLED["basic_idea"].strip()  # long text, in full
    for secret in (INTERNAL_NOTE, UNPUBLISHED_EDIT, DRAFT_ONLY):
        assert secret.encode() not in response.content
    position = response.headers["X-Kipina-Position"]
    assert f'filename="good-practices-{position}.csv"' in response.headers["Content-Disposition"]


def test_the_catalogue_csv_filters_and_rebuilds_from_a_position(client: TestClient) -> None:
    case = oulunkaari_case(client)
    first = client.get("/api/good-practices/catalogue.csv")
    assert csv_rows(client.get("/api/good-practices/catalogue.csv", params={"topic": "Kuntayhtymä"}))
    assert csv_rows(client.get("/api/good-practices/catalogue.csv", params={"topic": "Päihdetyö"})) == []
    client.post(f"/api/good-practices/{case.practice_id}/retract", json={"reason": "Korvattu."})
    assert csv_rows(client.get("/api/public/good-practices/catalogue.csv")) == []
    again = client.get(
        "/api/good-practices/catalogue.csv", params={"position": first.headers["X-Kipina-Position"]}
    )
    assert again.content == first.content


def test_catalogue_csv_errors(client: TestClient) -> None:
    assert_problem(client.get("/api/good-practices/catalogue.csv", params={"position": 10**9}), 400)
    assert_problem(client.get("/api/good-practices/catalogue.csv", params={"phase": "valmis"}), 422)
    assert_problem(client.get("/api/public/good-practices/catalogue.csv", params={"q": "a\x00b"}), 422)


# ---- the seminar pack ----------------------------------------------------------------


def three_w_seminar(client: TestClient) -> tuple[str, str]:
    """The 3W programme with two enrolled projects: one published practice, one draft only."""
    orgs = [register_organisation(client, name, "municipality") for name in ("Kirkkonummi", "Karkkila")]
    programme = client.post(
        "/api/programmes",
        json={
            "name": "3W – WinWinWin",
            "period_start": "2018-08-01",
            "period_end": "2019-05-31",
            "organisation_ids": [o.id for o in orgs],
        },
    )
    assert programme.status_code == 201, programme.text
    programme_id = programme.json()["id"]
    seminar = client.post(
        f"/api/programmes/{programme_id}/workshops",
        json={"day": "2019-04-11", "title": "Hyvät käytännöt jakoon", "kind": "seminar"},
    )
    assert seminar.status_code in (200, 201), seminar.text
    rhythm = propose(client, "Asukkaan päivärytmi ympärivuorokautisessa hoidossa", organisation_id=orgs[0].id)
    kanban = propose(client, "Hoitotarvikkeiden tilaaminen kanban-kortein", organisation_id=orgs[1].id)
    for initiative in (rhythm, kanban):
        enrolled = client.post(
            f"/api/programmes/{programme_id}/initiatives", json={"initiative_id": initiative["id"]}
        )
        assert enrolled.status_code in (200, 201), enrolled.text
    published = draft(client, rhythm["id"], **{**FILLED, "name": "Asukkaan oma aamurytmi"})
    publish(client, published["id"])
    draft(client, kanban["id"], name=DRAFT_ONLY)
    return programme_id, published["id"]


@needs_pdftotext
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_seminar_pack_holds_the_published_practices_only(
    client: TestClient, fmt: str, tmp_path: Path
) -> None:
    programme_id, _ = three_w_seminar(client)
    response = client.get(f"/api/programmes/{programme_id}/seminar.{fmt}", params={"lang": "fi"})
    assert response.status_code == 200, response.text
    text = text_of(fmt, response.content, tmp_path)
    assert "Hyvät käytännöt jakoon" in text
    assert "Asukkaan oma aamurytmi" in text
    for secret in (DRAFT_ONLY, INTERNAL_NOTE):
        assert secret not in text
        assert secret.encode() not in response.content
    again = client.get(
        f"/api/programmes/{programme_id}/seminar.{fmt}",
        params={"lang": "fi", "position": response.headers["X-Kipina-Position"]},
    )
    assert again.content == response.content


def test_seminar_pack_errors(client: TestClient) -> None:
    assert_problem(client.get(f"/api/programmes/{UNKNOWN}/seminar.pdf"), 404)
    programme_id, _ = three_w_seminar(client)
    assert_problem(client.get(f"/api/programmes/{programme_id}/seminar.docx"), 422)


# ---- the command line -------------------------------------------------------------------


def test_the_command_line_writes_the_pack_and_rebuilds_it_identically(
    client: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scripts import export_seminar

    programme_id, practice_id = three_w_seminar(client)
    settings = services.settings
    monkeypatch.setenv("KIPINA_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("KIPINA_DATABASE_URL", settings.database_url)
    first, second = tmp_path / "first", tmp_path / "second"
    assert export_seminar.main(["3W", str(first), "--quiet", "--formats", "md,json,pptx"]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert Path("seminar.md") in files and Path("seminar.pptx") in files
    assert len([f for f in files if f.parts[0] == "practices"]) == 3  # one practice, three formats
    position = json.loads((first / "seminar.json").read_text(encoding="utf-8"))["kipina"]["provenance"][
        "built_from_position"
    ]
    for fmt in ("md", "json", "pptx"):  # each practice's file is its own export, byte for byte
        alone = client.get(
            f"/api/good-practices/{practice_id}/export.{fmt}", params={"lang": "fi", "position": position}
        )
        assert (first / "practices" / f"asukkaan-oma-aamurytmi-v1.{fmt}").read_bytes() == alone.content, fmt
    client.post(
        f"/api/programmes/{programme_id}/workshops",
        json={"day": "2019-05-02", "title": "Jälkitapaaminen"},
    )
    assert (
        export_seminar.main(
            [programme_id, str(second), "--quiet", "--formats", "md,json,pptx", "--position", str(position)]
        )
        == 0
    )
    for name in files:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    assert export_seminar.main(["Ei tällaista ohjelmaa", str(tmp_path / "none"), "--quiet"]) == 1


def test_the_command_line_never_mixes_a_new_pack_with_old_files(
    client: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scripts import export_seminar

    _programme_id, practice_id = three_w_seminar(client)
    settings = services.settings
    monkeypatch.setenv("KIPINA_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("KIPINA_DATABASE_URL", settings.database_url)
    out = tmp_path / "pack"
    assert export_seminar.main(["3W", str(out), "--quiet", "--formats", "md"]) == 0
    assert len(list((out / "practices").iterdir())) == 1
    client.post(f"/api/good-practices/{practice_id}/retract", json={"reason": "Ei enää käytössä."})

    assert export_seminar.main(["3W", str(out), "--quiet", "--formats", "md"]) == 2, "the folder is not empty"
    assert len(list((out / "practices").iterdir())) == 1, "nothing was touched"
    assert export_seminar.main(["3W", str(out), "--quiet", "--formats", "md", "--replace"]) == 0
    assert list((out / "practices").iterdir()) == [], "the retracted practice does not linger"
    assert "Asukkaan oma aamurytmi" not in (out / "seminar.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        export_seminar.main(["3W", str(tmp_path / "other"), "--position", "0"])


def test_two_practices_of_one_initiative_keep_the_seminar_page_ids_unique(client: TestClient) -> None:
    programme_id, published_id = three_w_seminar(client)
    initiative_id = client.get(f"/api/good-practices/{published_id}").json()["initiative"]["id"]
    second = draft(client, initiative_id, **{**FILLED, "name": "Iltarytmi samalla mallilla"})
    publish(client, second["id"])
    page = client.get(f"/api/programmes/{programme_id}/seminar.html").text
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert "Iltarytmi samalla mallilla" in page and "Asukkaan oma aamurytmi" in page
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
