"""``--resume`` reruns nothing when nothing changed, only the changed case when one changed,
everything when the options changed; SIGINT mid-batch (a real subprocess) stops the
workers and leaves only complete workbooks and the roll-up, and SIGTERM does the same
(exit 143)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from batch_helpers import BUNDLED, ROOT, batch_json

CASES = {p.stem: p for p in BUNDLED}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.xlsx")}


def test_resume_skips_unchanged_runs_and_reruns_changed_ones(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CASES["tiny"], cases / "tiny.xlsx")
    shutil.copy(CASES["tiny"], cases / "tiny_b.xlsx")
    shutil.copy(CASES["ganhe_2024"], cases / "ganhe_2024.xlsx")
    out = tmp_path / "out"
    args = (cases, "-o", out, "--jobs", 1, "--no-explain")
    code, first = batch_json(*args)
    assert code == 0 and not any(r["resumed"] for r in first["runs"])
    before = mtimes(out)

    code, again = batch_json(*args, "--resume")
    assert code == 0 and all(r["resumed"] for r in again["runs"])
    assert {k: v for k, v in mtimes(out).items() if k != "batch_summary.xlsx"} == \
        {k: v for k, v in before.items() if k != "batch_summary.xlsx"}  # nothing rewritten
    assert [(r["case"], r["status"], r["objective"], r["gap"], r["capex"]) for r in again["runs"]] == \
        [(r["case"], r["status"], r["objective"], r["gap"], r["capex"]) for r in first["runs"]]
    summary = openpyxl.load_workbook(out / "batch_summary.xlsx")["汇总"]
    assert sum(1 for row in summary.iter_rows(values_only=True) if row[4] and "--resume" in str(row[4])) == 3

    wb = openpyxl.load_workbook(cases / "tiny_b.xlsx")  # change one case: the mandatory P1 saves 1 tce/yr more
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    col = next(k for k, h in enumerate(header, 1) if h and ("节能" in str(h) or "energy" in str(h).lower()))
    ws.cell(row=2, column=col).value = float(ws.cell(row=2, column=col).value) + 1
    wb.save(cases / "tiny_b.xlsx")
    code, changed = batch_json(*args, "--resume")
    assert [r["resumed"] for r in changed["runs"]] == [True, True, False]  # ganhe, tiny kept; tiny_b rerun
    single = batch_json(cases / "tiny_b.xlsx", "-o", tmp_path / "single", "--jobs", 1, "--no-explain")[1]
    assert changed["runs"][2]["objective"] == single["runs"][0]["objective"] != first["runs"][2]["objective"]
    assert mtimes(out)["ganhe_2024_result.xlsx"] == before["ganhe_2024_result.xlsx"]

    (out / "tiny_result.xlsx").unlink()
    code, missing = batch_json(*args, "--resume")
    assert [r["resumed"] for r in missing["runs"]] == [True, False, True]

    code, other_options = batch_json(*args, "--resume", "--mip-gap", 0.01)
    assert not any(r["resumed"] for r in other_options["runs"])


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_mid_batch_leaves_only_complete_workbooks_and_the_roll_up(tmp_path, signum, code):
    sys.path.insert(0, str(ROOT / "bench"))
    import generate
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CASES["tiny"], cases / "a_tiny.xlsx")  # finishes first
    for seed in range(1, 5):  # each a long solve with force-in explanations
        generate.write_case(generate.generate_case(300, seed=seed), cases / f"park_{seed}.xlsx")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "retrofit_opt.cli", "batch", str(cases), "-o", str(out),
                                "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while not (out / "a_tiny_result.xlsx").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first run never finished"
        time.sleep(0.2)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr, stderr
    assert "Interrupted" in stdout and "leaked" not in stderr
    written = sorted(p.name for p in out.iterdir())
    assert "batch_summary.xlsx" in written and "a_tiny_result.xlsx" in written
    assert not [name for name in written if name.endswith(".tmp") or name.startswith(".")]  # no partial files
    for name in written:  # every workbook left is complete
        openpyxl.load_workbook(out / name).close()
    summary = openpyxl.load_workbook(out / "batch_summary.xlsx")["汇总"]
    rows = {row[2]: row for row in summary.iter_rows(min_row=5, values_only=True) if row[2]}
    assert rows[str(cases / "a_tiny.xlsx")][4] == "最优"
    for seed in range(1, 5):
        row = rows[str(cases / f"park_{seed}.xlsx")]
        has_workbook = f"park_{seed}_result.xlsx" in written
        assert (row[4] == "最优") == has_workbook, (row, written)
        if not has_workbook:
            assert row[4] in ("已中断", "未运行")
