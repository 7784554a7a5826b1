"""A domain error's days and moments read in the reader's format inside a sentence; the
domain (and so the API's problem+json) keeps ISO text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.errors import InvalidField
from present.i18n import Formatter, translations

HELSINKI = ZoneInfo("Europe/Helsinki")


def test_iso_days_and_moments_are_formatted_and_other_values_kept() -> None:
    fi = Formatter("fi", HELSINKI)
    shown = fi.error_params(
        {
            "day": "2027-02-01",
            "moment": "2026-12-07T10:30:00+00:00",
            "field": "Alkaa",
            "count": 3,
            "id": "2027-02",
        }
    )
    assert shown == {
        "day": "1.2.2027",
        "moment": "7.12.2026 12.30",
        "field": "Alkaa",
        "count": 3,
        "id": "2027-02",
    }


def test_a_finnish_sentence_shows_no_iso_date() -> None:
    error = InvalidField(
        "day",
        "{day} is outside the programme's period {start} – {end}.",
        day="2027-02-01",
        start="2018-04-01",
        end="2019-04-30",
    )
    fi = Formatter("fi", HELSINKI)
    sentence = translations("fi").gettext(error.message).format(**fi.error_params(error.params))
    assert "1.2.2027" in sentence and "1.4.2018" in sentence and "30.4.2019" in sentence
    assert "2027-02-01" not in sentence
    assert error.params["day"] == "2027-02-01", "the error itself, and the API, keep ISO text"


def test_a_parameter_shaped_like_a_day_that_is_none_is_shown_as_given() -> None:
    fmt = Formatter("fi", ZoneInfo("Europe/Helsinki"))
    assert fmt.error_params({"value": "2019-02-30", "day": "2019-02-28"}) == {
        "value": "2019-02-30",
        "day": fmt.date("2019-02-28"),
    }
