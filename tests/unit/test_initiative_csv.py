"""Initiatives from a spreadsheet: headers in fi/sv/en, every row judged with every reason,
statuses by code or name, a start date only where the work has begun, and the row's key."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidField
from domain.initiative_csv import CheckedRow, check_row, read_rows

HEINAVESI, KOTIHOITO, LIISA = uuid4(), uuid4(), uuid4()


class Refs:
    def organisation(self, name_or_id: str) -> UUID | None:
        return HEINAVESI if name_or_id.casefold() in ("heinäveden kunta", str(HEINAVESI)) else None

    def unit(self, organisation_id: UUID, name_or_id: str) -> UUID | None:
        return KOTIHOITO if name_or_id.casefold() == "kotihoito" else None

    def person(self, name_or_email: str) -> UUID | None:
        if name_or_email == "Matti Virtanen":
            raise InvalidField("owner", "{count} people are called '{owner}'.", count=2, owner=name_or_email)
        return LIISA if name_or_email.casefold() in ("liisa laine", "liisa@example.fi") else None


def checked(text: str) -> list[CheckedRow]:
    return [check_row(row, Refs()) for row in read_rows(text.splitlines(keepends=True))]


def reasons(row: CheckedRow) -> list[str]:
    return [e.detail for e in row.errors]


@pytest.mark.parametrize(
    "header",
    [
        "title;summary;organisation;unit;owner;themes;status;start date",
        "\ufeffOtsikko;Kuvaus;Organisaatio;Yksikkö;Vastuuhenkilö;Teemat;Tila;Aloituspäivä",
        "Titel;Sammanfattning;Organisation;Enhet;Ansvarig;Teman;Status;Startdatum",
    ],
)
def test_headers_in_finnish_swedish_and_english(header: str) -> None:
    [row] = checked(
        f"{header}\nAamut;Kotihoidon aamut;Heinäveden kunta;Kotihoito;Liisa Laine;aamut, kotihoito;"
        "käynnissä;14.3.2019\n"
    )
    assert row.ok, reasons(row)
    assert row.fields["organisation_id"] == HEINAVESI and row.fields["unit_id"] == KOTIHOITO
    assert row.fields["owner_id"] == LIISA and row.fields["themes"] == ["aamut", "kotihoito"]
    assert row.moves == ("plan", "start") and row.started_on == date(2019, 3, 14)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter: str) -> None:
    [row] = checked(delimiter.join(["title", "status"]) + "\n" + delimiter.join(["Aamut", "Pågår"]) + "\n")
    assert row.ok and row.moves == ("plan", "start")


@pytest.mark.parametrize(
    ("status", "moves"),
    [
        ("", ()),
        ("planned", ("plan",)),
        ("Suunniteltu", ("plan",)),
        ("in progress", ("plan", "start")),
        ("Utvärderas", ("plan", "start", "evaluate")),
        ("tauolla", ("plan", "start", "pause")),
        ("Valmis", ("plan", "start", "evaluate", "complete")),
        ("spridd", ("plan", "start", "evaluate", "complete", "spread")),
    ],
)
def test_a_status_by_code_or_name_gives_the_moves_to_it(status: str, moves: tuple[str, ...]) -> None:
    [row] = checked(f"title;status\nAamut;{status}\n")
    assert row.ok and row.moves == moves


def test_every_reason_of_a_bad_row_is_given_and_other_rows_stay_good() -> None:
    rows = checked(
        "title,organisation,unit,owner,status,start_date\n"
        ",Kuopio,Kotihoito,Pekka,lopetettu,31.2.2019\n"
        "Aamut,,Kotihoito,Matti Virtanen,,\n"
        "\n"
        "Illat,Heinäveden kunta,Kotihoito,liisa@example.fi,ehdotettu,2019-03-01\n"
        "Yöt,Heinäveden kunta,,,completed," + (date.today() + timedelta(days=9)).isoformat() + "\n"
        "Hyvä,,,,,\n"
    )
    assert [row.line for row in rows] == [2, 3, 5, 6, 7]
    first = " ".join(reasons(rows[0]))
    for words in (
        "title is required",
        "no organisation called 'Kuopio'",
        "nobody called 'Pekka'",
        "'lopetettu' is not a status",
    ):
        assert words in first, first
    assert "in_progress" in first  # the allowed statuses are named
    assert "A unit needs its organisation" in " ".join(reasons(rows[1]))
    assert "2 people are called" in " ".join(reasons(rows[1]))
    assert "A start date goes with an initiative whose work has begun" in " ".join(reasons(rows[2]))
    assert "in the future" in " ".join(reasons(rows[3]))
    assert rows[4].ok and rows[4].initiative_id is not None


def test_the_key_is_the_id_cell_else_the_organisation_and_the_title() -> None:
    a, b, c, d, e = checked(
        "title;organisation;id\n"
        "Aamut;Heinäveden kunta;\n"
        "  AAMUT ;heinäveden kunta;\n"  # the same initiative: case and spaces folded
        "Aamut;;\n"  # no organisation: another one
        "Aamut;Heinäveden kunta;H-1\n"
        "Toinen nimi;Heinäveden kunta;H-1\n"  # the same id: the same initiative
    )
    assert a.initiative_id == b.initiative_id != c.initiative_id
    assert d.initiative_id == e.initiative_id != a.initiative_id


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty"),
        ("summary;status\nx;y\n", "no title column"),
        ("title;colour\nx;y\n", "does not know: colour"),
        ("title;otsikko\nx;y\n", "names a column twice: title"),
    ],
)
def test_a_file_without_a_usable_header_is_refused(text: str, words: str) -> None:
    with pytest.raises(InvalidField) as refused:
        checked(text)
    assert words in refused.value.detail


def test_a_row_with_too_many_cells_is_refused_by_line() -> None:
    [row] = checked('title;status\n"Aamut";planned;extra\n')
    assert row.line == 2 and "3 cells" in reasons(row)[0]
