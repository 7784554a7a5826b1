"""The pledge import's refusals name categories the way the reader may write them
(present/pledge_import.py): every label a page shows is a word the import accepts, and a
refused category lists every category by its label and its code in fi, sv and en."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from domain.change_action import Category, category_of
from domain.errors import DomainError, InvalidField
from present import labels
from present.i18n import translations
from present.pledge_import import api_reason, category_choices, page_reason
from present.reader import Audience

LANGUAGES = ("fi", "sv", "en")


def refused(word: str) -> InvalidField:
    with pytest.raises(InvalidField) as error:
        category_of(word)
    return error.value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_a_page_shows_is_a_word_the_import_accepts(lang: str) -> None:
    gettext = translations(lang).gettext
    for category in Category:
        label = gettext(labels.CATEGORY[category.value])
        assert category_of(label) == category, (lang, label)
        assert category_of(label.upper()) == category


def test_the_domain_sentence_lists_the_codes() -> None:
    error = refused("tärkeä")
    assert error.detail.endswith(", ".join(c.value for c in Category) + ".")


@pytest.mark.parametrize(
    ("lang", "sentence", "first"),
    [
        (
            "fi",
            "”tärkeä” ei ole Change Day -teon luokka.",
            "Potilas- tai asiakaskokemus (patient_experience)",
        ),
        ("sv", "”tärkeä” är inte en kategori för Change Day-handlingar.", "Patient- eller kundupplevelse"),
        ("en", "'tärkeä' is not a category of a Change Day action", "Patient or customer experience"),
    ],
)
def test_a_page_names_each_category_by_its_label_with_its_code(lang: str, sentence: str, first: str) -> None:
    reader = Audience(lang, ZoneInfo("Europe/Helsinki"), people=None)  # type: ignore[arg-type]
    shown = page_reason(reader, refused("tärkeä"))
    assert shown.startswith(sentence), shown
    assert first in shown
    for category in Category:
        label = translations(lang).gettext(labels.CATEGORY[category.value])
        assert f"{label} ({category.value})" in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_api_names_each_code_with_its_label_in_the_requests_language(lang: str) -> None:
    shown = api_reason(lang)(refused("tärkeä"))
    assert shown.startswith("'tärkeä' is not a category of a Change Day action; use one of: ")
    assert shown.endswith(category_choices(translations(lang).gettext, code_first=True) + ".")
    assert "environment (" + translations(lang).gettext(labels.CATEGORY["environment"]) + ")" in shown


def test_other_refusals_are_worded_as_before() -> None:
    errors: list[DomainError] = [
        InvalidField("text", "{field} is required and cannot be blank."),
        InvalidField("person_email", "There is no person with the e-mail address {email}.", email="x@y.fi"),
    ]
    for error in errors:
        assert api_reason("fi")(error) == error.detail
        reader = Audience("en", ZoneInfo("Europe/Helsinki"), people=None)  # type: ignore[arg-type]
        assert page_reason(reader, error) == error.detail
