"""Loaded at start-up by the processes the golden-output test runs (their PYTHONPATH
names this folder first): the wall clock is moved by GOLDEN_CLOCK_OFFSET seconds and runs
on from there. The test gives the demo loader and the server the same offset, chosen so
that the run starts at one fixed moment: "today", "this year" and the span of a timeline
that ends today are then the same on every day the test runs, and the server's clock
follows on from the loader's. Monotonic clocks are left alone (time-machine does not
touch them), so timeouts and the server's loop keep real time."""

import os

_OFFSET = os.environ.get("GOLDEN_CLOCK_OFFSET")
if _OFFSET:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_OFFSET), tick=True).start()
