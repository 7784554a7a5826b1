"""Languages of the web interface: choosing one, its messages, and how it writes
dates, numbers and sorts names.

Finnish, Swedish and English. Messages live in gettext catalogues under
`present/locale/<lang>/LC_MESSAGES/messages.po` (English msgids; see `make messages`).
They are compiled in memory when the server starts, so the repository holds no
binary `.mo` files and there is no build step.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
# Each language names itself, so a reader finds theirs whatever the page is in.
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}
COOKIE = "kipina_lang"
LOCALE_DIR = Path(__file__).parent / "locale"


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The remembered choice first, then the browser's preference, then Finnish."""
    if cookie in LANGUAGES:
        return cookie
    for tag, _quality in _preferences(accept_language or ""):
        primary = tag.split("-")[0]
        # Norwegian and Danish readers understand Swedish better than Finnish.
        primary = {"nb": "sv", "nn": "sv", "no": "sv", "da": "sv"}.get(primary, primary)
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def _preferences(header: str) -> list[tuple[str, float]]:
    ranked: list[tuple[str, float]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((tag.lower(), quality))
    return sorted(ranked, key=lambda item: -item[1])  # stable: ties keep the header's order


@cache
def translations(lang: str) -> NullTranslations:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")


class Formatter:
    """Dates, times, numbers and sort order in one language and time zone."""

    def __init__(self, lang: str, zone: ZoneInfo) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.zone = zone

    def date(self, value: dt.date | str | None, style: str = "medium") -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return format_date(value, format=style, locale=self.locale)

    def datetime(self, value: dt.datetime | None, style: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value, format=style, tzinfo=self.zone, locale=self.locale)

    def local_date(self, value: dt.datetime) -> dt.date:
        return value.astimezone(self.zone).date()

    def error_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A domain error's parameters as the reader writes them: the domain passes days and
        moments as ISO text (the API's problem+json keeps them so), a sentence on a page
        shows them in the reader's format ("1.2.2027", not "2027-02-01")."""
        shown: dict[str, Any] = {}
        for name, value in params.items():
            shown[name] = value
            try:
                if isinstance(value, str) and _ISO_DAY.fullmatch(value):
                    shown[name] = self.date(value)
                elif isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
                    shown[name] = self.datetime(dt.datetime.fromisoformat(value), "short")
            except ValueError:  # shaped like a day but none (2019-02-30, as someone typed it)
                pass
        return shown

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def sort_key(self) -> Callable[[str], tuple[str, str]]:
        return collation_key(self.lang)


# Where Finnish and Swedish differ from the plain Latin alphabet: å, ä and ö are letters
# of their own after z (æ and ø sort with ä and ö, ü with y), and w sorts as its own letter.
# PyICU would do this too, but it compiles against libicu; three languages don't need it.
_NORDIC_TAIL = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}


def collation_key(lang: str) -> Callable[[str], tuple[str, str]]:
    nordic = lang in ("fi", "sv")

    def key(text: str) -> tuple[str, str]:
        folded = text.casefold()
        letters = []
        for char in folded:
            if nordic and char in _NORDIC_TAIL:
                letters.append(_NORDIC_TAIL[char])
            else:
                base = unicodedata.normalize("NFD", char)[0]
                letters.append(base)
        # The second part orders names that differ only in accents or case, always the same way.
        return "".join(letters), folded

    return key
