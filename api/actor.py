"""Who is asking. This dependency is the only place that knows how.

Two modes: single-user (every request acts as the local default person) and
trusted reverse proxy (a municipal sign-in proxy puts the user name in a header
named by KIPINA_ACTOR_HEADER; requests without it get 401). The user name is
mapped to a person id in the people registry, so events never hold it.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from api.errors import Unauthenticated
from services.people_registry import LOGIN_MAX


def current_actor(request: Request) -> UUID:
    services = request.app.state.services
    header = services.settings.actor_header
    if header is None:
        actor_id: UUID = services.local_actor_id
        return actor_id
    login = request.headers.get(header, "").strip()
    if not login:
        raise Unauthenticated(
            f"This Kipinä runs behind a sign-in service, and the request did not say "
            f"who you are (no {header} header). Sign in and try again."
        )
    if len(login) > LOGIN_MAX:
        raise Unauthenticated(
            f"The sign-in service sent a user name of {len(login)} characters in {header}; "
            f"Kipinä accepts at most {LOGIN_MAX}. Ask the administrator to check the proxy."
        )
    person_id: UUID = services.people.id_for_login(login)
    return person_id


Actor = Annotated[UUID, Depends(current_actor)]
