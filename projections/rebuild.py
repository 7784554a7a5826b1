"""Drop every read model and build it again from the whole event log."""

from __future__ import annotations

from collections.abc import Callable

from projections.projector import Projector
from projections.tables import metadata


def rebuild(projector: Projector, on_batch: Callable[[int], None] | None = None) -> int:
    """Returns the log position the rebuilt read models stand at.

    The people registry and other non-projection tables live in their own
    MetaData and are untouched. Stop the server first: readers would see
    empty tables while this runs.
    """
    metadata.drop_all(projector.engine)
    projector.setup()
    return projector.catch_up(on_batch=on_batch)
