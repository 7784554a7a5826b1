"""The benchmark still runs end to end (tiny scale, SQLite). No timing is asserted:
speed targets are judged by `make bench`, never by tests."""

from __future__ import annotations

import pytest

from scripts import bench


def test_bench_runs_and_prints_the_three_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    for ratio in ("ratio 1", "ratio 2", "ratio 3"):
        assert any(line.startswith(ratio) for line in lines), f"{ratio} line missing from:\n{out}"
    verdicts = [line for line in lines if line.startswith(("ratio 1", "ratio 2", "ratio 3"))]
    assert all(line.endswith(("PASS", "MISS")) for line in verdicts)
