"""The demo's loader: commands as a demo user, each carrying an idempotency key named
after its step, so that loading the demo again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.application import CommandContext, RequestKey
from services.bootstrap import Services


@dataclass
class Loader:
    services: Services
    actor: UUID

    def ctx(self, step: str) -> CommandContext:
        # The key names the step, so a second run replays instead of recording again.
        return CommandContext(self.actor, request_key=RequestKey(f"demo:{step}", f"demo:{step}"))

    def person(self, slug: str, name: str, organisation_id: UUID, unit_id: UUID | None) -> UUID:
        person_id = uuid5(NAMESPACE_URL, f"https://kipina.invalid/demo/{slug}")
        if not self.services.people.exists(person_id):
            with self.services.projector.engine.begin() as conn:
                self.services.people.register(
                    conn,
                    {
                        "name": name,
                        "organisation_id": str(organisation_id),
                        "unit_id": str(unit_id) if unit_id else None,
                    },
                    person_id=person_id,
                )
        return person_id
