"""A pasted or uploaded series of measure values: each line judged on its own, as people
paste from Excel or LibreOffice in Finnish, Swedish and English."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidField
from domain.measure_series import (
    SERIES_CHARS_MAX,
    SERIES_LINES_MAX,
    LineResult,
    as_value_lines,
    decimal_number,
    read_series,
)


def monthly(text: str, recorded: dict[str, float] | None = None) -> list:
    return read_series(text, frequency="monthly", recorded=recorded or {})


def reasons(line) -> list[str]:
    return [e.detail for e in line.errors]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12.0),
        ("12,5", 12.5),  # fi, sv
        ("12.5", 12.5),  # en
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),  # Excel's no-break space in fi
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("\u22123,5", -3.5),
        ("-0.25", -0.25),
    ],
)
def test_numbers_as_spreadsheets_show_them(raw: str, expected: float) -> None:
    assert decimal_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "12 kpl", "1e3", "NaN", "1,2,3", "--1"])
def test_what_is_no_number_is_refused(raw: str) -> None:
    with pytest.raises(InvalidField):
        decimal_number(raw)


@pytest.mark.parametrize(
    "text",
    [
        "2019-01\t34\n2019-02\t31,5\n",  # copied from a spreadsheet: tabs
        "2019-01;34\r\n2019-02;31,5\r\n",  # Finnish/Swedish CSV: semicolons, decimal comma
        "2019-01,34\n2019-02,31.5\n",  # English CSV
        "2019-01,34\n2019-02,31,5\n",  # a comma both separates and marks the decimals
        '"2019-01";"34"\n"2019-02";"31,5"\n',  # quoted cells
        "\ufeffKausi;Arvo\n2019-01;34\n\n2019-02;31,5\n",  # BOM, a header and a blank line
        "Period\tValue\n1.1.2019\t34\n14.2.2019\t31,5",  # Finnish days in a monthly measure
        "2019-01-01 00:00:00;34\n2019-02-15;31,5;",  # a spreadsheet's midnight, a trailing empty cell
    ],
)
def test_separators_decimals_bom_blank_lines_and_headers(text: str) -> None:
    lines = monthly(text)
    assert [(line.period, line.value) for line in lines] == [("2019-01", 34.0), ("2019-02", 31.5)]
    assert all(line.ok and line.result is LineResult.NEW for line in lines)


def test_line_numbers_count_every_line_of_the_text() -> None:
    lines = monthly("Kausi;Arvo\n2019-01;34\n\n2019-02;x\n")
    assert [line.line for line in lines] == [2, 4]
    assert lines[1].result is LineResult.REJECTED
    assert "is not a number" in reasons(lines[1])[0]


def test_a_note_in_the_third_cell() -> None:
    [line] = monthly("2019-03;40;Kaksi hoitajaa sairaana")
    assert line.note == "Kaksi hoitajaa sairaana"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2019-13;34", "is not a month"),
        ("maaliskuu;34", "is not a month"),
        ("31.2.2019;34", "is not a real date"),
        ("1850-01;34", "1900"),
        (f"{date.today().year + 2}-01;34", "in the future"),
        ("2019-03", "needs a period and a value"),
        ("2019-03;", "needs a period and a value"),
        ("2019-03;1;2;3", "4 cells"),
        ("2019-03;abc", "is not a number"),
        ("2019-03;1e13", "is not a number"),
        ("2019-03;10000000000000", "larger than 10^12"),
        ("2019-03;1;" + "x" * 1001, "limit is 1000"),
    ],
)
def test_a_bad_line_says_why(text: str, words: str) -> None:
    [line] = monthly("2019-01;1\n" + text)[1:]
    assert line.result is LineResult.REJECTED and line.line == 2
    assert any(words in reason for reason in reasons(line)), reasons(line)


def test_a_bad_line_leaves_the_others_valid() -> None:
    lines = monthly("2019-01;34\n2019-02;kolme\n2019-03;30")
    assert [line.ok for line in lines] == [True, False, True]
    assert as_value_lines(lines) == [
        {"period": "2019-01", "value": 34.0, "note": ""},
        {"period": "2019-03", "value": 30.0, "note": ""},
    ]


def test_a_period_given_twice_is_refused_on_its_second_line() -> None:
    lines = monthly("2019-01;34\n15.1.2019;35")
    assert lines[0].ok
    assert reasons(lines[1]) == ["Period 2019-01 is already given on line 1; a period has one value."]


def test_a_recorded_period_is_already_recorded_with_the_same_number_and_refused_with_another() -> None:
    lines = monthly("2019-01;34\n2019-02;31", recorded={"2019-01": 34.0, "2019-02": 30.0})
    assert lines[0].ok and lines[0].result is LineResult.ALREADY_RECORDED
    assert lines[1].result is LineResult.REJECTED
    assert "2019-02 already has the value 30" in reasons(lines[1])[0]
    assert as_value_lines(lines) == []


@pytest.mark.parametrize(
    ("frequency", "period"), [("weekly", "2019-W12"), ("quarterly", "2019-Q1"), ("yearly", "2019")]
)
def test_periods_as_the_frequency_writes_them(frequency: str, period: str) -> None:
    [line] = read_series(f"{period};1", frequency=frequency, recorded={})
    assert line.ok and line.period == period


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "at least one line"),
        ("\n  \n\t\n", "at least one line"),
        ("\ufeffKausi;Arvo\n", "at least one line"),
        ("2019-01;1\n" * (SERIES_LINES_MAX + 1), "limit is 1000"),
        ("x" * (SERIES_CHARS_MAX + 1), "characters long"),
    ],
)
def test_a_wholly_unusable_series_is_refused(text: str, words: str) -> None:
    with pytest.raises(InvalidField) as refused:
        monthly(text)
    assert refused.value.field == "lines" and words in refused.value.detail


def test_as_many_lines_as_the_limit_are_taken() -> None:
    text = "".join(f"{1900 + i // 12 + 10}-{i % 12 + 1:02d};{i}\n" for i in range(SERIES_LINES_MAX))
    lines = monthly(text)
    assert len(lines) == SERIES_LINES_MAX and all(line.ok for line in lines)
