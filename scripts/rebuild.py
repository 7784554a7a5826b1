"""Rebuild every read model from the event log: `python -m scripts.rebuild [--quiet]`.

Drops the read-model tables and applies the whole notification log again, with a
progress bar on stderr and a one-line summary on stdout. The people registry and
the cached idempotent responses are not read models and are left as they are.
Stop the server first: while this runs, readers would see half-built tables.
If an event cannot be applied, the read models stop just before it, the command
says which event and why on stderr and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
import time

from tqdm import tqdm

from projections.rebuild import rebuild
from services.bootstrap import bootstrap
from services.settings import settings_or_complaint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kipina-rebuild", description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = settings_or_complaint()
    if settings is None:
        return 2

    # No start-up catch-up: the tables are about to be dropped anyway.
    services = bootstrap(settings, catch_up=False)
    try:
        total = services.app.recorder.max_notification_id() or 0
        applied = 0
        started = time.perf_counter()
        with tqdm(total=total, unit="event", disable=args.quiet, file=sys.stderr) as bar:

            def on_batch(count: int) -> None:
                nonlocal applied
                applied += count
                bar.update(count)

            position = rebuild(services.projector, on_batch=on_batch)
        seconds = time.perf_counter() - started
    finally:
        services.close()
    rate = applied / seconds if seconds > 0 else 0.0
    fault = services.projector.fault
    if fault is not None:
        # The read models stand at the last good position; say which event stopped them.
        print(
            f"Rebuilt read models up to position {position} ({applied} events in {seconds:.2f} s), "
            f"then stopped. {fault.describe()}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(
        f"Rebuilt read models: {applied} events applied in {seconds:.2f} s "
        f"({rate:.0f} events/s), now at position {position}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
