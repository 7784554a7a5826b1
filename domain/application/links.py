"""Links between records of possibly different organisations: an initiative, a placement or
a Change Day action linked to a development target, an initiative named by a placement.

Two records of the same name in two organisations ("Tavoitteellinen työkierto" of Hamina and
of Heinävesi) are easy to mix up, so a link across organisations is refused unless whoever
links confirms it (`cross_organisation`); the events then record that it crosses, and the
histories say so. A record without an organisation crosses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.application.core import CommandPath
from domain.errors import InvalidField, RecordNotFound
from domain.organisation import Organisation


class CrossOrganisationLinks(CommandPath):
    def _crossing(
        self,
        *,
        what: str,
        title: str,
        organisation_id: UUID | None,
        record_organisations: Iterable[UUID | None],
        confirmed: bool,
    ) -> bool:
        """Whether linking `what` ("target" or "initiative", of `organisation_id`) to a record
        of `record_organisations` crosses organisations: False when it does not, True when it
        does and `confirmed`; unconfirmed, the command is refused (422 on `cross_organisation`),
        naming both."""
        own = [o for o in record_organisations if o is not None]
        if organisation_id is None or not own or organisation_id in own:
            return False
        if confirmed:
            return True
        names = {
            "title": title,
            "organisation": self._organisation_name(organisation_id),
            "other": self._organisation_name(own[0]),
        }
        if what == "initiative":
            raise InvalidField(
                "cross_organisation",
                "The initiative “{title}” belongs to {organisation}, not {other}. To link them anyway, "
                "confirm that the link crosses organisations.",
                **names,
            )
        raise InvalidField(
            "cross_organisation",
            "The development target “{title}” belongs to {organisation}, not {other}. To link them "
            "anyway, confirm that the link crosses organisations.",
            **names,
        )

    def _organisation_name(self, organisation_id: UUID) -> str:
        try:
            return self._get(Organisation, organisation_id).name
        except RecordNotFound:
            return str(organisation_id)
