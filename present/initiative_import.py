"""How an initiative import's refusals read: each status named the way its reader can
write it (its code, or its name in Finnish, Swedish or English: `domain.initiative_csv`).

The domain's refusal of another word lists the codes only; a page names each status in
the reader's language with its code beside it, and the JSON API (English sentences) gives
each code with its label in the request's language. As `present.pledge_import` does for
a pledge's category.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.errors import DomainError
from domain.initiative_csv import IMPORTABLE
from present import labels
from present.i18n import translations
from present.reader import Reader


def status_choices(gettext: Callable[[str], str], *, code_first: bool) -> str:
    """Every status an import can give, as its label and its code: "Käynnissä (in_progress)"
    on a page, "in_progress (Käynnissä)" in the API."""
    shown = []
    for status in IMPORTABLE:
        label = gettext(labels.STATUS[status.value])
        shown.append(f"{status.value} ({label})" if code_first else f"{label} ({status.value})")
    return ", ".join(shown)


def page_reason(reader: Reader, error: DomainError) -> str:
    """A rejected row's reason in the reader's language."""
    return reader.error_text(
        error.message, _with_choices(error, status_choices(reader.gettext, code_first=False))
    )


def api_reason(lang: str) -> Callable[[DomainError], str]:
    """A rejected row's reason as the API gives it: the English sentence, the statuses'
    labels in `lang` (the request's language)."""
    choices = status_choices(translations(lang).gettext, code_first=True)

    def reason(error: DomainError) -> str:
        return error.message.format(**_with_choices(error, choices))

    return reason


def _with_choices(error: DomainError, choices: str) -> Mapping[str, Any]:
    if getattr(error, "field", None) == "status" and "statuses" in error.params:
        return {**error.params, "statuses": choices}
    return error.params
