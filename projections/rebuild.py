"""Drop every read model and build it again from the whole event log."""

from __future__ import annotations

from collections.abc import Callable

from projections.projector import Projector


def rebuild(projector: Projector, on_batch: Callable[[int], None] | None = None) -> int:
    """Returns the log position the rebuilt read models stand at.

    The people registry and other non-projection tables live in their own
    MetaData and are untouched. Stop the server first: readers would see
    empty tables while this runs. If an event cannot be applied, the read
    models stop just before it and `projector.fault` says why.
    """
    projector.setup(rebuild=True)
    return projector.catch_up(on_batch=on_batch)
