"""The small value checks every aggregate command runs before it records anything."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import DomainError, InvalidField
from domain.values import optional_text, past_or_today, printable, required_text, tag_list


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
