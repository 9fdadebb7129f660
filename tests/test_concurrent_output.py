"""Several ``retrofit-opt solve`` processes writing the same ``-o`` path at the same time.

Each run saves to its own temporary file beside the output and renames it into place, so
whatever the interleaving, the output is always one complete workbook from one run —
never a mixture, never a truncated file — no temporary file remains, and the inputs are
unchanged.  While the writers run, this process keeps opening the output: every time it
exists it must be a complete workbook (the rename is atomic).

Two different cases are used so that the surviving workbook can be traced to exactly one
run: its case name, input SHA-256 and portfolio all belong to the same case.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from workbooks import write_workbook

WRITERS = 4
RESULT_SHEETS = ["Summary", "Portfolio", "Not selected", "Run info"]


def case_sheets(n: int, prefix: str) -> dict:
    """``n`` projects with ids ``<prefix>1..n``; enough rows that saving takes a moment."""
    rows = [["id", "name", "enterprise", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)"]]
    for j in range(1, n + 1):
        rows.append([f"{prefix}{j}", f"project {j}", f"@enterprise {j % 7}", 10 + j % 13, 5 + (j * 7) % 11,
                     12 + (j * 5) % 17])
    return {"projects": rows, "budgets": [["pool", "year", "limit (万元)"], ["total", None, 40 * n]],
            "targets": [["metric", "year", "kind", "value"], ["energy_saving", None, "min_total", n]],
            "parameters": [["parameter", "value"], ["objective", "max_saving"]]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def complete(path: Path) -> bool:
    """A complete .xlsx: a zip whose members all pass their CRC check, with a workbook part."""
    with zipfile.ZipFile(path) as archive:
        return archive.testzip() is None and "xl/workbook.xml" in archive.namelist()


def test_concurrent_writers_leave_one_complete_workbook(tmp_path):
    cases = {"A": write_workbook(tmp_path / "case_a.xlsx", case_sheets(300, "A")),
             "B": write_workbook(tmp_path / "case_b.xlsx", case_sheets(260, "B"))}
    hashes = {k: sha256(p) for k, p in cases.items()}
    out = tmp_path / "result.xlsx"
    first = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", "solve", str(cases["A"]), "-o", str(out),
                            "--no-explain"], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    procs = [subprocess.Popen([sys.executable, "-m", "retrofit_opt.cli", "solve", str(cases["AB"[i % 2]]),
                               "-o", str(out), "--no-explain"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(WRITERS)]
    checks = 0
    deadline = time.monotonic() + 300
    while any(p.poll() is None for p in procs):  # read the output while the writers replace it
        assert time.monotonic() < deadline, "the writers did not finish"
        assert out.exists(), "the output vanished during a replacement"
        assert complete(out), "a reader saw an incomplete workbook"
        checks += 1
        time.sleep(0.01)
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
    assert checks > 0

    assert sorted(p.name for p in tmp_path.iterdir()) == ["case_a.xlsx", "case_b.xlsx", "result.xlsx"], (
        "no temporary file may remain")
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Summary" and set(RESULT_SHEETS) <= set(wb.sheetnames)
    info = {r[0]: r[1] for r in wb["Run info"].iter_rows(values_only=True) if r and r[0] is not None}
    which = "A" if info["Input file"] == "case_a.xlsx" else "B"
    assert info["Input file"] == cases[which].name
    assert info["Input SHA-256"] == hashes[which]
    summary = {r[0]: r[1] for r in wb["Run info"].iter_rows(values_only=True) if r and r[0] is not None}
    assert summary["Case file"] == cases[which].name
    portfolio_ids = [r[1] for r in wb["Portfolio"].iter_rows(min_row=2, values_only=True)
                     if isinstance(r[1], str) and r[1][:1] in "AB" and r[1][1:].isdigit()]
    assert portfolio_ids and all(pid.startswith(which) for pid in portfolio_ids), "a mixture of two runs"
    assert summary["Projects chosen"] == len(portfolio_ids)
    assert {k: sha256(p) for k, p in cases.items()} == hashes, "an input was modified"
