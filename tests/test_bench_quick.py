"""The benchmark script must keep working: run ``bench/run.py --quick`` once and check that
it writes every table.  No timing is asserted (CI machines vary); the script itself checks
that retrofit-opt and raw HiGHS get the identical LP and agree on the objective, and this
test asserts those checks passed."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_bench_quick(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--output", str(out),
                           "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-4000:]
    text = out.read_text()
    for heading in ("## Machine", "## Goals", "## Overhead: `retrofit-opt solve` against raw HiGHS",
                    "### retrofit-opt, stage by stage (seconds)", "### raw HiGHS and the ratios",
                    "### Solutions and preparation", "### Where the time goes", "## Peak memory",
                    "## Quality: Chu–Beasley instances", "## The spreadsheet baseline",
                    "### Bundled and generated cases", "## Before and after the proposals"):
        assert heading in text, heading
    for column in ("CLI / raw", "CLI / raw process", "model path / raw", "read + validate", "load", "HiGHS",
                   "write workbook", "peak RSS", "left on the table"):
        assert column in text, column
    assert "ganhe_2024.xlsx" in text and "tiny.xlsx" in text
    assert "DISAGREE" not in text

    data = json.loads(out.with_suffix(".json").read_text())
    rows = data["overhead"]
    assert len(rows) == 4
    for row in rows:
        assert row["lp"]["identical"], row["lp"]["differences"]  # the raw baseline is the same model
        assert row["agree"][0], row["agree"]
        assert not row["same_case"], row["same_case"]  # the workbook reads back as the generated case
        assert row["cli"]["maxrss_mb"] > 0
        assert row["stages"]["exit_code"] in (0, 1)
    assert len(data["quality"]) == 2  # mknapcb1 #0–1, committed in tests/data/orlib
    assert all(q["objective"] is not None for q in data["quality"])
    assert len(data["greedy_mknap"]) == 30
    for row in data["greedy_cases"]:
        if "skipped" not in row:
            assert row["ruled_violations"] == [] or all("target" in v for v in row["ruled_violations"])
    props = data["proposals"]
    for row in props.get("rows", []):
        assert row["lp"]["identical"], row["lp"]["differences"]  # the proposals leave the model unchanged
        assert math.isclose(row["after"]["objective"], row["before"]["objective"], rel_tol=1e-9)


def test_peak_memory_is_the_commands_own():
    """Linux keeps a peak RSS across fork and execve: a command started straight from a big
    benchmark process would report the benchmark's peak.  ``run_measured`` forks it from a
    bare interpreter, so a tiny command reports a small peak while this process holds 300 MB."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run as bench_run
    finally:
        sys.path.remove(str(REPO / "bench"))
    held = bytearray(300 * 2**20)
    held[::4096] = b"\x01" * len(held[::4096])  # touch every page: resident
    tiny = bench_run.run_measured([sys.executable, "-c", "pass"])
    big = bench_run.run_measured([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'\\x01' * len(b[::4096])"])
    failing = bench_run.run_measured([sys.executable, "-c", "raise SystemExit(3)"])
    del held
    assert tiny.code == 0 and tiny.maxrss_mb < 100, tiny
    assert big.code == 0 and 200 <= big.maxrss_mb < 300, big
    assert failing.code == 3
