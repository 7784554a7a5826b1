"""The people registry: names and e-mail addresses, kept outside the event log.

Events hold only person ids. Erasing a person deletes their row here; the
history then shows "erased person" and no event has to change.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    case,
    delete,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from domain.errors import ConcurrentChange, InvalidField, RecordNotFound, StaleVersion
from domain.values import printable
from projections import organisations
from projections.tables import UTCDateTime

# The widths of the name, email and login columns; the API states them, `clean` enforces them.
NAME_MAX = 200
EMAIL_MAX = LOGIN_MAX = 254

registry_metadata = MetaData()

people = Table(
    "people",
    registry_metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("email", String(EMAIL_MAX)),
    Column("organisation_id", String(36)),
    Column("unit_id", String(36)),
    # The sign-in proxy's user name, for people who arrived through it.
    Column("login", String(LOGIN_MAX), unique=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

ERASED_NAME = "erased person"
LOCAL_ACTOR_ID = uuid5(NAMESPACE_URL, "https://kipina.invalid/local-actor")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Rounds of read-and-conditional-write an update without If-Match makes before it gives up.
_UPDATE_ATTEMPTS = 5


@dataclass(frozen=True)
class PersonPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


# Called in the erasing transaction, so every copy of a person's data outside the
# registry (cached responses, …) goes with their row or not at all.
ErasureHook = Callable[[Connection, UUID], None]


class PeopleRegistry:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._erasure_hooks: list[ErasureHook] = []

    def on_erase(self, hook: ErasureHook) -> None:
        """Erasure reaches every copy: `hook` removes the person's data from one of them."""
        self._erasure_hooks.append(hook)

    def setup(self) -> None:
        registry_metadata.create_all(self.engine)

    # ---- the port the application uses ---------------------------------------

    def exists(self, person_id: UUID) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(people.c.id).where(people.c.id == str(person_id))).first() is not None

    def placement(self, person_id: UUID) -> tuple[UUID | None, UUID | None]:
        """The person's organisation and unit ((None, None) for an unknown or erased person)."""
        query = select(people.c.organisation_id, people.c.unit_id).where(people.c.id == str(person_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None, None
        return (
            UUID(row.organisation_id) if row.organisation_id else None,
            UUID(row.unit_id) if row.unit_id else None,
        )

    # ---- commands --------------------------------------------------------------

    def register(self, conn: Connection, fields: dict[str, Any], person_id: UUID | None = None) -> UUID:
        cleaned = clean(fields, partial=False)
        _check_placement(conn, cleaned)
        now = datetime.now(UTC)
        new_id = person_id or uuid4()
        conn.execute(
            people.insert().values(id=str(new_id), version=1, created_at=now, updated_at=now, **cleaned)
        )
        return new_id

    def update(
        self,
        conn: Connection,
        person_id: UUID,
        fields: dict[str, Any],
        expected_version: int | None,
    ) -> None:
        cleaned = clean(fields, partial=True)
        for _ in range(_UPDATE_ATTEMPTS):
            current = self._require(conn, person_id)
            _check_version(current, expected_version)
            _check_placement(conn, {**current, **cleaned})
            changed = {k: v for k, v in cleaned.items() if current[k] != v}
            if not changed:
                return
            written = conn.execute(
                update(people)
                .where(people.c.id == str(person_id), people.c.version == current["version"])
                .values(version=current["version"] + 1, updated_at=datetime.now(UTC), **changed)
            ).rowcount
            # A concurrent writer may have committed between our read and this UPDATE, whose
            # WHERE then matched nothing: the change was NOT saved. With If-Match the next
            # round's version check answers 412; without it, apply the change to the new row.
            if written == 1:
                return
        raise ConcurrentChange("Someone else changed this person at the same moment.")

    def erase(self, conn: Connection, person_id: UUID, expected_version: int | None = None) -> None:
        current = self._require(conn, person_id)
        _check_version(current, expected_version)
        row = people.c.id == str(person_id)
        if expected_version is not None:
            row = row & (people.c.version == current["version"])
        if conn.execute(delete(people).where(row)).rowcount != 1:
            # Changed or erased since we read it: say which, as a fresh read would.
            _check_version(self._require(conn, person_id), expected_version)
            raise ConcurrentChange("Someone else changed this person at the same moment.")
        for hook in self._erasure_hooks:
            hook(conn, person_id)

    def id_for_login(self, login: str) -> UUID:
        """The person behind a sign-in proxy user name, registered on first sight."""
        with self.engine.begin() as conn:
            found = conn.execute(select(people.c.id).where(people.c.login == login)).scalar()
            if found is not None:
                return UUID(found)
        try:
            with self.engine.begin() as conn:
                return self.register(conn, {"name": login[:NAME_MAX], "login": login})
        except IntegrityError:  # two first requests at once: the other one registered it
            with self.engine.connect() as conn:
                return UUID(conn.execute(select(people.c.id).where(people.c.login == login)).scalar_one())

    def ensure_local_actor(self, name: str) -> UUID:
        with self.engine.begin() as conn:
            if conn.execute(select(people.c.id).where(people.c.id == str(LOCAL_ACTOR_ID))).first():
                return LOCAL_ACTOR_ID
            with contextlib.suppress(IntegrityError):  # another worker registered it first
                self.register(conn, {"name": name}, person_id=LOCAL_ACTOR_ID)
        return LOCAL_ACTOR_ID

    # ---- reads -------------------------------------------------------------------

    def get(self, conn: Connection, person_id: UUID) -> dict[str, Any] | None:
        row = conn.execute(select(people).where(people.c.id == str(person_id))).mappings().first()
        return dict(row) if row is not None else None

    def names(self, conn: Connection, ids: set[str]) -> dict[str, str]:
        """Display names by id; erased or unknown ids map to "erased person"."""
        ids = {i for i in ids if i}
        if not ids:
            return {}
        found = {
            r.id: r.name for r in conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(ids)))
        }
        return {i: found.get(i, ERASED_NAME) for i in ids}

    def id_names(self, conn: Connection, limit: int) -> list[tuple[str, str]]:
        """(id, name) of at most `limit` people, by id: only the two columns a select list needs."""
        query = select(people.c.id, people.c.name).order_by(people.c.id).limit(limit)
        return [(row.id, row.name) for row in conn.execute(query)]

    def pick(
        self,
        conn: Connection,
        words: list[str],
        *,
        limit: int,
        first_id: str | None = None,
        organisation_id: str | None = None,
        ids: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """At most `limit` people (id, name, organisation_id, rank) whose name holds every
        word: `first_id` first, then `organisation_id`'s people, then the rest by name."""
        c = people.c
        first = []
        if first_id:
            first.append(c.id == first_id)
        if organisation_id:
            first.append(c.organisation_id == organisation_id)
        rank = case(*((cond, i) for i, cond in enumerate(first)), else_=len(first)) if first else literal(0)
        query = select(c.id, c.name, c.organisation_id, rank.label("rank"))
        for word in words:
            query = query.where(c.name.icontains(word, autoescape=True))
        if ids is not None:
            query = query.where(c.id.in_(ids))
        rows = conn.execute(query.order_by(rank, c.name).limit(limit)).mappings()
        return [dict(r) for r in rows]

    def with_email(self, conn: Connection) -> list[tuple[UUID, str]]:
        """(person id, e-mail) of everyone who has an e-mail address."""
        rows = conn.execute(select(people.c.id, people.c.email).where(people.c.email.is_not(None)))
        return [(UUID(person_id), email) for person_id, email in rows]

    def search(self, conn: Connection, *, q: str | None, limit: int, after: str | None) -> PersonPage:
        query = select(people)
        if q:
            query = query.where(people.c.name.icontains(q, autoescape=True))
        if after:
            query = query.where(people.c.id > after)
        rows = [dict(r) for r in conn.execute(query.order_by(people.c.id).limit(limit + 1)).mappings()]
        next_cursor = rows[limit - 1]["id"] if len(rows) > limit else None
        return PersonPage(rows[:limit], next_cursor)

    def _require(self, conn: Connection, person_id: UUID) -> dict[str, Any]:
        current = self.get(conn, person_id)
        if current is None:
            raise RecordNotFound("There is no person with id {id}.", id=person_id)
        return current


def _check_version(current: dict[str, Any], expected_version: int | None) -> None:
    if expected_version is not None and expected_version != current["version"]:
        raise StaleVersion(
            "You edited version {expected_version} of this person, but it is now at version "
            "{current_version}. Reload it and apply your change again.",
            current_version=current["version"],
            expected_version=expected_version,
        )


def clean(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if not partial or "name" in fields:
        name = printable("name", (fields.get("name") or "").strip())
        if not name:
            raise InvalidField("name", "{field} is required and cannot be blank.")
        if len(name) > NAME_MAX:
            raise InvalidField(
                "name",
                "{field} is {length} characters long; the limit is {limit}.",
                length=len(name),
                limit=NAME_MAX,
            )
        cleaned["name"] = name
    if "email" in fields:
        email = printable("email", (fields["email"] or "").strip()) or None
        if email is not None and not _EMAIL.match(email):
            raise InvalidField("email", "'{email}' is not an e-mail address.", email=email)
        if email is not None and len(email) > EMAIL_MAX:
            raise InvalidField(
                "email",
                "{field} is {length} characters long; the limit is {limit}.",
                length=len(email),
                limit=EMAIL_MAX,
            )
        cleaned["email"] = email
    for key in ("organisation_id", "unit_id"):
        if key in fields:
            cleaned[key] = str(fields[key]) if fields[key] is not None else None
    if "login" in fields:
        cleaned["login"] = fields["login"]
    return cleaned


def _check_placement(conn: Connection, person: dict[str, Any]) -> None:
    """A person's organisation must exist, and their unit must belong to it."""
    org_id, unit_id = person.get("organisation_id"), person.get("unit_id")
    if unit_id is not None and org_id is None:
        raise InvalidField("unit_id", "A unit needs its organisation: set organisation_id too.")
    if org_id is None:
        return
    organisation = organisations.get(conn, UUID(org_id))
    if organisation is None:
        raise InvalidField("organisation_id", "There is no organisation with id {id}.", id=org_id)
    if unit_id is not None and unit_id not in {u["id"] for u in organisation["units"]}:
        raise InvalidField(
            "unit_id",
            "{organisation} has no unit with id {unit_id}.",
            organisation=organisation["name"],
            unit_id=unit_id,
        )
