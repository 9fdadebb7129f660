"""A worker process that dies mid-run (killed, out of memory) costs that run an error row,
not the batch: the pool is opened anew and the runs it had in flight run again once."""
from __future__ import annotations

import shutil

from batch_helpers import BUNDLED, CrashingWorkbooks

from retrofit_opt.studies.batch import run_batch
from retrofit_opt.studies.execution import ExecutorSpec
from retrofit_opt.studies.manifest import plan_batch

CASES = {p.stem: p for p in BUNDLED}


def test_a_dying_worker_is_one_error_row_and_the_other_runs_finish(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(CASES["tiny"], cases / "a_tiny.xlsx")
    shutil.copy(CASES["tiny"], cases / "crash.xlsx")
    shutil.copy(CASES["ganhe_2024"], cases / "ganhe_2024.xlsx")
    shutil.copy(CASES["tiny"], cases / "z_tiny.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    plan = plan_batch([cases], out, {"no_explain": True})
    result = run_batch(plan.runs, workbooks=CrashingWorkbooks(), executor=ExecutorSpec("processes", 2))
    by_name = {r.case.rsplit("/", 1)[-1]: r for r in result.runs}
    crash = by_name["crash.xlsx"]
    assert crash.status == "error" and "stopped unexpectedly" in crash.error
    assert not (out / "crash_result.xlsx").exists()
    for name in ("a_tiny.xlsx", "ganhe_2024.xlsx", "z_tiny.xlsx"):
        assert by_name[name].status == "optimal", by_name[name]
        assert (out / name.replace(".xlsx", "_result.xlsx")).exists()
    assert by_name["a_tiny.xlsx"].objective == by_name["z_tiny.xlsx"].objective == 125.0
    assert result.failed == 1 and not result.interrupted
