"""The small value checks every aggregate command runs before it records anything."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import DomainError, InvalidField
from domain.values import (
    EARLIEST_DAY,
    LATEST_DAY,
    NUMBER_MAX,
    at_most,
    finite_number,
    optional_text,
    past_or_today,
    plausible_date,
    printable,
    required_text,
    tag_list,
)


class TestRequiredText:
    def test_trims_and_keeps_finnish_characters(self) -> None:
        assert required_text("title", "  Perustehtävän kirkastaminen\n", max_length=200) == (
            "Perustehtävän kirkastaminen"
        )

    @pytest.mark.parametrize("blank", [None, "", "   ", "\t\n"])
    def test_blank_is_refused_with_the_field_named(self, blank: str | None) -> None:
        with pytest.raises(InvalidField) as caught:
            required_text("title", blank, max_length=200)
        assert caught.value.field == "title"
        assert caught.value.detail == "title is required and cannot be blank."
        assert isinstance(caught.value, DomainError)

    def test_exactly_the_limit_is_accepted(self) -> None:
        assert required_text("title", "ä" * 10, max_length=10) == "ä" * 10

    def test_one_over_the_limit_is_refused_with_both_lengths(self) -> None:
        with pytest.raises(InvalidField) as caught:
            required_text("title", "ö" * 11, max_length=10)
        assert caught.value.field == "title"
        assert caught.value.detail == "title is 11 characters long; the limit is 10."

    def test_length_is_judged_after_trimming(self) -> None:
        assert required_text("title", "  " + "a" * 10 + "  ", max_length=10) == "a" * 10


class TestOptionalText:
    @pytest.mark.parametrize("empty", [None, "", "   "])
    def test_blank_becomes_empty_string(self, empty: str | None) -> None:
        assert optional_text("summary", empty, max_length=10) == ""

    def test_trims(self) -> None:
        assert optional_text("summary", "  Kotihoito  ", max_length=50) == "Kotihoito"

    def test_too_long_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            optional_text("summary", "x" * 6, max_length=5)
        assert caught.value.field == "summary"
        assert "6 characters long; the limit is 5" in caught.value.detail


class TestControlCharacters:
    """PostgreSQL cannot store NUL in text: a read model would fail on such an event for good."""

    @pytest.mark.parametrize("bad", ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f"])
    def test_control_characters_inside_text_are_refused(self, bad: str) -> None:
        for check in (
            lambda: required_text("title", f"Koti{bad}hoito", max_length=200),
            lambda: optional_text("summary", f"Koti{bad}hoito", max_length=200),
            lambda: tag_list("themes", [f"Koti{bad}hoito"], max_items=5, max_length=60),
        ):
            with pytest.raises(InvalidField) as caught:
                check()
            assert caught.value.field in ("title", "summary", "themes")
            assert "control character" in caught.value.detail

    def test_tabs_and_line_breaks_are_text(self) -> None:
        text = "Rivi yksi\r\nRivi kaksi\n\tsisennetty"
        assert optional_text("summary", text, max_length=200) == text
        assert printable("summary", text) == text

    def test_printable_names_the_field(self) -> None:
        with pytest.raises(InvalidField) as caught:
            printable("lessons", "a\x00b")
        assert caught.value.field == "lessons"
        assert caught.value.detail.startswith("lessons contains a control character")


class TestTagList:
    def test_trims_drops_blanks_and_case_insensitive_duplicates_keeping_first_spelling(self) -> None:
        cleaned = tag_list(
            "themes",
            [" Työkierto ", "työkierto", "", "   ", "TYÖKIERTO", "Vuorovaikutus", "vuorovaikutus "],
            max_items=5,
            max_length=60,
        )
        assert cleaned == ["Työkierto", "Vuorovaikutus"]

    def test_casefold_treats_sharp_s_and_ss_as_one(self) -> None:
        # casefold (not lower) is what makes this a duplicate.
        assert tag_list("themes", ["Straße", "STRASSE"], max_items=5, max_length=60) == ["Straße"]

    def test_limit_counts_distinct_entries_after_cleaning(self) -> None:
        # Five spellings of two themes stay within a limit of two.
        assert tag_list("themes", ["a", "A", "b", " B", "b"], max_items=2, max_length=5) == ["a", "b"]

    def test_too_many_entries_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            tag_list("themes", ["a", "b", "c"], max_items=2, max_length=5)
        assert caught.value.field == "themes"
        assert caught.value.detail == "themes has 3 entries; the limit is 2."

    def test_too_long_entry_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            tag_list("themes", ["ok", "liian pitkä"], max_items=5, max_length=5)
        assert caught.value.field == "themes"
        assert "the limit is 5" in caught.value.detail

    def test_empty_input_gives_empty_list(self) -> None:
        assert tag_list("themes", [], max_items=5, max_length=5) == []


class TestPastOrToday:
    def test_none_means_not_back_dated(self) -> None:
        assert past_or_today("occurred_on", None) is None

    def test_past_dates_pass_unchanged(self) -> None:
        assert past_or_today("occurred_on", date(2012, 1, 15)) == date(2012, 1, 15)

    def test_today_and_tomorrow_in_utc_pass(self) -> None:
        # Finland is ahead of UTC: just after local midnight "today" is tomorrow in UTC.
        today = datetime.now(UTC).date()
        assert past_or_today("occurred_on", today) == today
        assert past_or_today("occurred_on", today + timedelta(days=1)) == today + timedelta(days=1)

    def test_more_than_a_day_ahead_is_refused(self) -> None:
        future = datetime.now(UTC).date() + timedelta(days=3)
        with pytest.raises(InvalidField) as caught:
            past_or_today("occurred_on", future)
        assert caught.value.field == "occurred_on"
        assert future.isoformat() in caught.value.detail
        assert "in the future" in caught.value.detail


class TestUnicodeHygiene:
    """What reaches the permanent log must be text a person typed and can see."""

    @pytest.mark.parametrize("surrogate", ["\ud800", "\udbff", "\udc00", "\udfff"])
    def test_a_lone_surrogate_is_refused_by_every_text_check(self, surrogate: str) -> None:
        for check in (
            lambda: required_text("title", f"Koti{surrogate}hoito", max_length=200),
            lambda: optional_text("summary", f"Koti{surrogate}hoito", max_length=200),
            lambda: tag_list("themes", [f"Koti{surrogate}hoito"], max_items=5, max_length=60),
            lambda: printable("name", surrogate),
        ):
            with pytest.raises(InvalidField) as caught:
                check()
            assert "broken character" in caught.value.detail
            assert f"U+{ord(surrogate):04X}" in caught.value.detail

    @pytest.mark.parametrize("c1", ["\x80", "\x85", "\x9f"])
    def test_c1_control_characters_are_refused(self, c1: str) -> None:
        with pytest.raises(InvalidField) as caught:
            required_text("title", f"a{c1}b", max_length=200)
        assert caught.value.detail == "title contains a control character (such as NUL); remove it."

    @pytest.mark.parametrize(
        "bidi",
        [
            "\u202a",
            "\u202b",
            "\u202c",
            "\u202d",
            "\u202e",
            "\u2066",
            "\u2067",
            "\u2068",
            "\u2069",
            "\u200e",
            "\u200f",
            "\u061c",
        ],
    )
    def test_direction_changing_characters_are_refused_with_their_code(self, bidi: str) -> None:
        with pytest.raises(InvalidField) as caught:
            required_text("title", f"Palaute{bidi}fdp.exe", max_length=200)
        assert caught.value.field == "title"
        assert caught.value.detail == (
            f"title contains an invisible direction-changing character (U+{ord(bidi):04X}); remove it."
        )

    @pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff", "\u180e"])
    def test_zero_width_characters_are_refused(self, invisible: str) -> None:
        with pytest.raises(InvalidField) as caught:
            tag_list("themes", [f"Lean{invisible}"], max_items=5, max_length=60)
        assert caught.value.field == "themes"
        assert f"invisible zero-width character (U+{ord(invisible):04X})" in caught.value.detail

    def test_zero_width_joiners_stay_for_emoji_and_scripts(self) -> None:
        health_worker = "\U0001f469\u200d\u2695\ufe0f"  # 👩‍⚕️ is woman + ZWJ + staff of Aesculapius
        persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ inside a Persian word
        assert (
            required_text("title", f"Hoitaja {health_worker}", max_length=200) == f"Hoitaja {health_worker}"
        )
        assert optional_text("summary", persian, max_length=200) == persian

    def test_finnish_swedish_and_sami_letters_pass(self) -> None:
        text = "Äänekoski, Närpes, Åbo, Anár – Aanaar (čđŋšŧž)"
        assert required_text("title", text, max_length=200) == text

    def test_text_is_stored_composed_so_equal_spellings_compare_equal(self) -> None:
        decomposed = "Ha\u0308meenlinna"  # "a" + combining diaeresis
        composed = "Hämeenlinna"
        assert required_text("title", decomposed, max_length=200) == composed
        assert tag_list("themes", [composed, decomposed], max_items=5, max_length=60) == [composed]

    def test_the_limit_is_judged_on_the_composed_text(self) -> None:
        # Eleven code points decomposed, ten composed: what is stored is within the limit.
        assert required_text("title", "a\u0308" + "b" * 9, max_length=10) == "ä" + "b" * 9

    def test_compatibility_characters_keep_their_meaning(self) -> None:
        # NFC, not NFKC: m² stays m², not m2.
        assert optional_text("unit", "m²", max_length=10) == "m²"


class TestAtMost:
    def test_within_the_limit_passes(self) -> None:
        at_most("goals", ["a"] * 50, max_items=50)

    def test_over_the_limit_names_the_field_and_both_counts(self) -> None:
        with pytest.raises(InvalidField) as caught:
            at_most("goals", ["a"] * 4000, max_items=50)
        assert caught.value.field == "goals"
        assert caught.value.detail == "goals has 4000 entries; the limit is 50."


class TestFiniteNumber:
    @pytest.mark.parametrize("good", [0, -3, 7.5, NUMBER_MAX, -NUMBER_MAX, 10**12])
    def test_numbers_within_the_range(self, good: float) -> None:
        assert finite_number(good)

    @pytest.mark.parametrize(
        "bad", [True, False, "12", None, float("nan"), float("inf"), -float("inf"), 10**13, 10**400, 1.5e12]
    )
    def test_everything_else(self, bad: object) -> None:
        # 10**400 is beyond a float's range: math.isfinite alone would raise on it.
        assert not finite_number(bad)


class TestPlausibleDate:
    def test_the_range_ends_are_accepted(self) -> None:
        assert plausible_date("day", EARLIEST_DAY) == date(1900, 1, 1)
        assert plausible_date("day", LATEST_DAY) == date(2100, 12, 31)

    @pytest.mark.parametrize(
        ("bad", "shown"),
        [
            (date(1, 1, 1), "0001-01-01"),
            (date(1899, 12, 31), "1899-12-31"),
            (date(2101, 1, 1), "2101-01-01"),
            (date(9999, 12, 31), "9999-12-31"),
        ],
    )
    def test_outside_the_range_is_refused_with_a_sentence(self, bad: date, shown: str) -> None:
        with pytest.raises(InvalidField) as caught:
            plausible_date("period_start", bad)
        assert caught.value.field == "period_start"
        assert caught.value.detail == (
            f"period_start is {shown}; a date must be between 1900-01-01 and 2100-12-31."
        )

    def test_occurred_on_in_year_one_is_refused(self) -> None:
        with pytest.raises(InvalidField) as caught:
            past_or_today("occurred_on", date(1, 1, 1))
        assert "a date must be between 1900-01-01 and 2100-12-31" in caught.value.detail

    def test_occurred_on_in_9999_is_refused_as_not_yet_happened(self) -> None:
        with pytest.raises(InvalidField) as caught:
            past_or_today("occurred_on", date(9999, 12, 31))
        assert caught.value.detail == (
            "occurred_on is 9999-12-31, which is in the future; "
            "back-dated entries must have happened already."
        )
