"""How a pledge import's refusals read: each category named the way its reader can write it.

A sheet may give a pledge's category as its code or as its name in Finnish, Swedish or
English (`domain.change_action.CATEGORY_NAMES`). The domain's refusal of any other word
lists the codes only, which a Finnish coordinator does not recognise as the words she
may use. So a page names each category in the reader's language with its code beside it,
and the JSON API (English sentences, for programs and the people who write them) gives
each code with its label in the request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.change_action import Category
from domain.errors import DomainError
from present import labels
from present.i18n import translations
from present.reader import Reader


def category_choices(gettext: Callable[[str], str], *, code_first: bool) -> str:
    """Every category as its code and its label: "Ympäristö (environment)" on a page,
    "environment (Ympäristö)" in the API."""
    shown = []
    for category in Category:
        label = gettext(labels.CATEGORY[category.value])
        shown.append(f"{category.value} ({label})" if code_first else f"{label} ({category.value})")
    return ", ".join(shown)


def page_reason(reader: Reader, error: DomainError) -> str:
    """A rejected row's reason in the reader's language."""
    return reader.error_text(
        error.message, _with_choices(error, category_choices(reader.gettext, code_first=False))
    )


def api_reason(lang: str) -> Callable[[DomainError], str]:
    """A rejected row's reason as the API gives it: the English sentence, the categories'
    labels in `lang` (the request's language)."""
    choices = category_choices(translations(lang).gettext, code_first=True)

    def reason(error: DomainError) -> str:
        return error.message.format(**_with_choices(error, choices))

    return reason


def _with_choices(error: DomainError, choices: str) -> Mapping[str, Any]:
    """The error's parameters, the categories a row may use written out as `choices`."""
    if getattr(error, "field", None) == "category" and "choices" in error.params:
        return {**error.params, "choices": choices}
    return error.params
