"""Archive and restore any record a person creates: one command path for every kind.

The kind is the aggregate class (`present/kinds.py` names them); the rules are the
`Archivable` mixin's (`domain/archive.py`).
"""

from __future__ import annotations

from uuid import UUID

from domain.application.core import CommandContext, CommandPath, Receipt
from domain.archive import Archivable


class ArchiveCommands(CommandPath):
    def archive(
        self, ctx: CommandContext, kind: type[Archivable], record_id: UUID, *, reason: str | None
    ) -> Receipt:
        """Hide a record from the lists, with the reason; its page and history stay."""
        return self._change(
            ctx,
            kind,  # type: ignore[type-var]
            record_id,
            lambda record: record.archive(actor=ctx.actor, reason=reason),
            archived_ok=True,
        )

    def restore(
        self, ctx: CommandContext, kind: type[Archivable], record_id: UUID, *, reason: str | None = None
    ) -> Receipt:
        """Bring an archived record back to the lists."""
        return self._change(
            ctx,
            kind,  # type: ignore[type-var]
            record_id,
            lambda record: record.restore(actor=ctx.actor, reason=reason),
            archived_ok=True,
        )
