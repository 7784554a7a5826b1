"""Whom a view is made for: the reader's language and its formats, and how people are named.

The floor's views take a `Reader`, so that a page (`api.pages.web.Page`) and a document or a
script (`Audience`) show a record the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from present import labels
from present import people as people_views
from present.i18n import Formatter, translations
from services.people_registry import PeopleRegistry


class Reader(Protocol):
    @property
    def fmt(self) -> Formatter: ...

    def gettext(self, message: str, **params: Any) -> str:
        """A message in the reader's language, filled in with `%(name)s` parameters."""
        ...

    def error_text(self, message: str, params: Mapping[str, Any]) -> str:
        """A domain error's sentence in the reader's language ({placeholders}, str.format)."""
        ...

    def person_names(self, conn: Connection, ids: set[str]) -> dict[str, str]:
        """Display names by person id; an erased person is named in the reader's language."""
        ...


class Audience:
    """A reader outside a web request: an export, a script, a test."""

    def __init__(self, lang: str, zone: ZoneInfo, people: PeopleRegistry) -> None:
        self.lang = lang
        self.fmt = Formatter(lang, zone)
        self.people = people

    def gettext(self, message: str, **params: Any) -> str:
        translated: str = translations(self.lang).gettext(message)
        return translated % params if params else translated

    def error_text(self, message: str, params: Mapping[str, Any]) -> str:
        return translations(self.lang).gettext(message).format(**self.fmt.error_params(params))

    def person_names(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        return people_views.names(conn, self.people, set(ids), self.gettext(labels.ERASED_PERSON))
