"""Reading pledges from a CSV file and judging each row (no I/O: the lookups are a dict).

The rows are Oulunkaari-style Change Day pledges (seed 003), in Finnish, with the
semicolons Finnish Excel writes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest

from domain.change_action import Category
from domain.errors import InvalidField
from domain.pledge_csv import (
    ROW_ID_MAX,
    CheckedRow,
    CsvRow,
    action_id_for,
    check_row,
    read_rows,
    row_key,
)

OULUNKAARI = uuid4()
KOTIHOITO = uuid4()
MAIJA = uuid4()


class Lookups:
    def person_by_email(self, email: str) -> UUID | None:
        return MAIJA if email.casefold() == "maija.meikalainen@oulunkaari.fi" else None

    def organisation(self, name: str) -> UUID | None:
        return OULUNKAARI if name.casefold() == "oulunkaaren kuntayhtymä" else None

    def unit(self, organisation_id: UUID, name: str) -> UUID | None:
        return KOTIHOITO if organisation_id == OULUNKAARI and name.casefold() == "kotihoito" else None


def lines(text: str) -> Iterator[str]:
    """As a text file opened with newline="" yields them."""
    return iter(io.StringIO(text, newline=""))


def rows(text: str) -> list[CsvRow]:
    return list(read_rows(lines(text)))


def checked(text: str) -> list[CheckedRow]:
    return [check_row(row, Lookups()) for row in read_rows(lines(text))]


def reasons(row: CheckedRow) -> dict[str, str]:
    return {e.params.get("field", "line"): e.detail for e in row.errors if isinstance(e, InvalidField)}


FINNISH = (
    "text;person_email;team;organisation;unit;category\r\n"
    "Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä;maija.meikalainen@oulunkaari.fi;;"
    "Oulunkaaren kuntayhtymä;Kotihoito;asiakaskokemus\r\n"
    "Me lupaamme pitää taukojumpan joka päivä;;Kotihoidon tiimi 3;;;työhyvinvointi\r\n"
)


class TestReading:
    def test_semicolons_and_finnish_text(self) -> None:
        found = rows(FINNISH)
        assert [r.line for r in found] == [2, 3]
        assert found[0].values["text"] == "Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä"
        assert found[1].values["team"] == "Kotihoidon tiimi 3"
        assert found[1].values["category"] == "työhyvinvointi"

    def test_commas_with_quotes(self) -> None:
        found = rows('text,team,category\n"Lupaan, että kuuntelen",Vuodeosasto,other\n')
        assert found[0].values == {
            "text": "Lupaan, että kuuntelen",
            "team": "Vuodeosasto",
            "category": "other",
        }

    def test_a_byte_order_mark_is_not_part_of_the_first_column(self) -> None:
        found = rows("\ufefftext;team;category\nLupaan;Tiimi;muu\n")
        assert found[0].values["text"] == "Lupaan"

    def test_header_names_are_matched_loosely(self) -> None:
        found = rows("Text; E-mail ;CATEGORY;External_ID\nLupaan;a@b.fi;muu;7\n")
        assert found[0].values == {"text": "Lupaan", "person_email": "a@b.fi", "category": "muu", "id": "7"}

    def test_a_quoted_line_break_stays_in_one_row_and_lines_count_rows(self) -> None:
        found = rows('text;team;category\n"Lupaan\nkaksi riviä";Tiimi;muu\nToinen;Tiimi;muu\n')
        assert [(r.line, r.values["text"]) for r in found] == [(2, "Lupaan\nkaksi riviä"), (3, "Toinen")]

    def test_blank_lines_are_skipped_but_counted(self) -> None:
        found = rows("text;team;category\n\n;;\nLupaan;Tiimi;muu\n")
        assert [r.line for r in found] == [4]

    def test_missing_cells_are_empty_and_extra_cells_are_a_problem(self) -> None:
        short, long = rows("text;team;category\nLupaan;Tiimi\nLupaan;Tiimi;muu;liikaa\n")
        assert short.values["category"] == "" and not short.problems
        (problem,) = long.problems
        assert "4 cells" in problem.detail and "3 columns" in problem.detail

    def test_an_unclosed_quote_is_a_problem_of_its_line(self) -> None:
        (row,) = rows('text;team;category\n"Lupaan;Tiimi;muu')
        assert row.line == 2
        assert row.problems and "not valid CSV" in row.problems[0].detail

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "empty"),
            ("\n", "empty"),
            ("text;team;colour\n", "colour"),
            ("team;category\n", "no text column"),
            ("text;team\n", "no category column"),
            ("text;category\n", "person_email or a team"),
            ("text;team;category;team\n", "twice"),
        ],
    )
    def test_a_bad_header_refuses_the_file(self, text: str, expected: str) -> None:
        with pytest.raises(InvalidField) as caught:
            rows(text)
        assert caught.value.field == "file"
        assert expected in caught.value.detail

    def test_rows_are_read_lazily(self) -> None:
        """Streaming: the reader asks for a line only when the next row is wanted."""
        taken: list[str] = []

        def source() -> Iterator[str]:
            for line in ["text;team;category\n", "A;T;muu\n", "B;T;muu\n", "C;T;muu\n"]:
                taken.append(line)
                yield line

        reader = read_rows(source())
        assert next(reader).values["text"] == "A"
        assert len(taken) <= 3


class TestChecking:
    def test_valid_rows_give_pledge_fields(self) -> None:
        person, team = checked(FINNISH)
        assert person.ok and team.ok
        assert person.fields == {
            "text": "Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä",
            "category": Category.PATIENT_EXPERIENCE,
            "person_id": MAIJA,
            "team": "",
            "organisation_id": OULUNKAARI,
            "unit_id": KOTIHOITO,
        }
        assert team.fields["person_id"] is None and team.fields["team"] == "Kotihoidon tiimi 3"
        assert team.fields["category"] is Category.WELLBEING_AT_WORK

    def test_every_reason_of_a_bad_row_is_given(self) -> None:
        (row,) = checked("text;person_email;team;organisation;unit;category\n;;;;Kotihoito;tärkeä\n")
        assert not row.ok and row.fields == {}
        found = reasons(row)
        assert set(found) == {"text", "person_email", "unit", "category"}
        assert "organisation column" in found["unit"]

    def test_unknown_people_and_places_are_named(self) -> None:
        (row,) = checked(
            "text;person_email;organisation;unit;category\n"
            "Lupaan;kuka@oulunkaari.fi;Oulunkaaren kuntayhtymä;Sairaala;muu\n"
        )
        found = reasons(row)
        assert "kuka@oulunkaari.fi" in found["person_email"]
        assert "Sairaala" in found["unit"]
        (row,) = checked("text;team;organisation;category\nLupaan;T;Hamina;muu\n")
        assert "Hamina" in reasons(row)["organisation"]

    def test_a_person_and_a_team_are_not_both_pledgers(self) -> None:
        (row,) = checked("text;person_email;team;category\nLupaan;maija.meikalainen@oulunkaari.fi;T;muu\n")
        assert set(reasons(row)) == {"team"}

    def test_a_shape_problem_is_the_only_reason(self) -> None:
        (row,) = checked("text;team;category\nLupaan;Tiimi;muu;liikaa\n")
        assert not row.ok and len(row.errors) == 1

    def test_names_are_matched_whatever_their_case(self) -> None:
        (row,) = checked(
            "text;person_email;organisation;unit;category\n"
            "Lupaan;MAIJA.Meikalainen@oulunkaari.fi;OULUNKAAREN KUNTAYHTYMÄ;kotihoito;Muu\n"
        )
        assert row.ok and row.fields["unit_id"] == KOTIHOITO

    def test_too_long_a_row_id_is_refused(self) -> None:
        (row,) = checked(f"text;team;category;id\nLupaan;T;muu;{'x' * (ROW_ID_MAX + 1)}\n")
        assert "id" in reasons(row)


class TestKeys:
    def test_a_row_id_is_the_key(self) -> None:
        assert row_key({"id": " 42 ", "text": "a"}) == "id:42"
        assert row_key({"id": "42", "text": "something else"}) == "id:42"

    def test_without_an_id_the_content_is_the_key_whatever_its_spacing_and_case(self) -> None:
        one = row_key({"text": "Lupaan  kuunnella", "team": "Tiimi", "category": "muu"})
        two = row_key({"text": " lupaan kuunnella ", "team": "TIIMI", "category": "Muu", "unit": ""})
        assert one == two and one.startswith("sha256:")
        assert row_key({"text": "Lupaan kuunnella", "team": "Toinen tiimi", "category": "muu"}) != one

    def test_the_same_row_in_the_same_campaign_is_the_same_action(self) -> None:
        campaign = uuid4()
        (first,) = checked("text;team;category\nLupaan;Tiimi;muu\n")
        (again,) = checked("text;team;category\n  Lupaan ;tiimi;MUU\n")
        assert action_id_for(campaign, first.key) == action_id_for(campaign, again.key)
        assert action_id_for(uuid4(), first.key) != action_id_for(campaign, first.key)

    def test_keys_fit_the_events_field(self) -> None:
        assert len(row_key({"text": "ä" * 1000})) <= 100
