"""The benchmark still runs end to end (tiny scale, SQLite). No timing is asserted:
speed targets are judged by `make bench`, never by tests."""

from __future__ import annotations

import pytest

from scripts import bench


def test_bench_runs_and_prints_the_three_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--bench", "core", "--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    for ratio in ("ratio 1", "ratio 2", "ratio 3"):
        assert any(line.startswith(ratio) for line in lines), f"{ratio} line missing from:\n{out}"
    verdicts = [line for line in lines if line.startswith(("ratio 1", "ratio 2", "ratio 3"))]
    assert all(line.endswith(("PASS", "MISS")) for line in verdicts)
    assert "ratio 4" not in out


def test_pages_bench_runs_and_prints_the_page_to_json_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    # Scale 0.005: 50 initiatives, 20 people, 20 history events, 20 rounds after 10 of warm-up.
    assert bench.main(["--bench", "pages", "--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    verdicts = [line for line in lines if line.startswith("ratio 4")]
    assert [line.split("(≤ 2)")[0].split("÷ JSON, ")[1].strip() for line in verdicts] == [
        "list first page",
        "filtered list",
        "initiative + history",
    ], out
    assert all(line.endswith(("PASS", "MISS")) for line in verdicts), out
    assert "items on the page and in the JSON" in out
    assert "GET /api/initiatives/{id} + GET …/{id}/history" in out  # the baseline is stated
    assert "ratio 1" not in out


def test_change_day_bench_runs_and_prints_its_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    # Scale 0.005: 1,600 pledges (1,000 for the baseline wall, then 600 imported), 50 wall requests.
    assert bench.main(["--bench", "change-day", "--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    verdicts = [line for line in lines if line.startswith(("ratio 5", "ratio 6"))]
    assert [line[:7] for line in verdicts] == ["ratio 5", "ratio 6"], out
    assert all(line.endswith(("PASS", "MISS")) for line in verdicts), out
    assert "import ev/s ÷ in-process cmd/s" in verdicts[0]
    assert "peak RSS at start / middle / end of the import" in out
    assert "memory flat during the import" in out
    assert "ratio 1" not in out and "ratio 4" not in out


def test_programme_bench_runs_and_prints_ratio_7(capsys: pytest.CaptureFixture[str]) -> None:
    # Scale 0.005: 3W through the API (about 860 events) in the store and its twin, both filled
    # to 1,500 events, the store grown to 5,000 with unrelated programmes; 20 rounds.
    assert bench.main(["--bench", "programme", "--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    verdicts = [line for line in lines if line.startswith("ratio 7")]
    assert [line.split(" (≤ 1.2)")[0].rsplit(", ", 1)[1] for line in verdicts] == ["dashboard", "digest"], out
    assert all(line.endswith(("PASS", "MISS")) for line in verdicts), out
    assert any(
        line.startswith("3W through the API: events / dashboard rows") and line.endswith(" / 29")
        for line in lines
    ), out
    assert "unrelated programmes in the grown store" in out
    assert "ratio 1" not in out and "ratio 4" not in out and "ratio 6" not in out


def test_outcomes_bench_runs_and_prints_ratio_8(capsys: pytest.CaptureFixture[str]) -> None:
    # Scale 0.005: charts of 100 and 200 values, timelines of 100 and 200 events; 20 rounds.
    assert bench.main(["--bench", "outcomes", "--scale", "0.005", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    verdicts = [line for line in lines if line.startswith(("ratio 8a", "ratio 8b"))]
    assert [line.split(" p99 ")[1].split(" ")[0] for line in verdicts] == ["chart.svg", "timeline"], out
    assert all(line.endswith(("linear", "WORSE")) for line in verdicts), out
    assert any(line.startswith("timeline: events / entries served, small") for line in lines), out
    assert "ratio 1" not in out and "ratio 7" not in out


def test_exports_bench_runs_and_prints_ratio_9(capsys: pytest.CaptureFixture[str]) -> None:
    # Scale 0.1: a pack of 3 published practices; 3 single exports and 1 pack timed, and the
    # peak memory of each case measured in 12 fresh spawned processes.
    assert bench.main(["--bench", "exports", "--scale", "0.1", "--store", "sqlite"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(
        line.startswith("practices in the pack / events in the log") and " 3 / " in line for line in lines
    ), out
    cases = ["md", "html", "pdf", "pptx", "json", "all formats"]
    for measure in ("ratio 9a time", "ratio 9b peak memory (RSS)", "ratio 9b peak memory (Python)"):
        verdicts = [line for line in lines if line.startswith(measure)]
        # The label is the first 64 columns: "…, pack ÷ single × 3, <case>"; the verdict follows.
        assert [line[:64].split(" ÷ single × 3, ")[1].strip() for line in verdicts] == cases, out
        assert all(line.endswith(("PASS", "MISS")) for line in verdicts), out
    assert "peak RSS growth MB, single / pack" in out
    assert "ratio 1" not in out and "ratio 8" not in out
