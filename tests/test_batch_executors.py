"""The executor interface (serial, processes, Dask) under compare and sweep: the same
scenarios and frontier whichever executor runs them; the progress display."""
from __future__ import annotations

import io
import json

import pytest
from batch_helpers import BUNDLED, run_cli, same_workbook

from retrofit_opt.cli import _BatchProgress
from retrofit_opt.studies.sweep import chunks_of
from retrofit_opt.results_batch import RunRecord
from retrofit_opt.studies.batch import BatchProgress
from retrofit_opt.studies.execution import ExecutorError, ExecutorSpec, SerialExecutor

CASES = {p.stem: p for p in BUNDLED}


def test_executor_from_options():
    assert ExecutorSpec.from_options(1, None).kind == "serial"
    assert ExecutorSpec.from_options(None, None) == ExecutorSpec("processes", None)
    assert ExecutorSpec.from_options(3, None).workers == 3
    assert ExecutorSpec.from_options(2, "local") == ExecutorSpec("dask", 2, "local")
    with pytest.raises(ExecutorError):
        ExecutorSpec("threads")
    with pytest.raises(ExecutorError):
        ExecutorSpec("dask")


def test_serial_executor_keeps_a_task_error_on_its_future():
    pool = SerialExecutor()
    good, bad = pool.submit(sum, [1, 2]), pool.submit(int, "x")
    assert good.result() == 3 and isinstance(bad.exception(), ValueError)


def test_sweep_chunks_cover_every_level_once_in_order():
    for n in range(1, 30):
        for count in range(1, 8):
            chunks = chunks_of(list(range(n)), count)
            assert [k for chunk in chunks for k in chunk] == list(range(n))
            assert len(chunks) == min(n, count) and max(map(len, chunks)) - min(map(len, chunks)) <= 1


def json_of(result) -> dict:
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_compare_on_a_local_dask_cluster_and_on_processes_equals_serial(tmp_path):
    case = CASES["ganhe_2024"]
    serial = json_of(run_cli("compare", case, "-o", tmp_path / "s.xlsx", "--no-explain", "--json"))
    on_dask = json_of(run_cli("compare", case, "-o", tmp_path / "d.xlsx", "--no-explain", "--json",
                              "--scheduler", "local", "--jobs", 2))
    on_processes = json_of(run_cli("compare", case, "-o", tmp_path / "p.xlsx", "--no-explain", "--json",
                                   "--jobs", 2))
    for other in (on_dask, on_processes):
        assert [(s["name"], s["status"], s["objective"], s["selected"]) for s in other["scenarios"]] == \
            [(s["name"], s["status"], s["objective"], s["selected"]) for s in serial["scenarios"]]
    same_workbook(tmp_path / "d.xlsx", tmp_path / "s.xlsx")
    same_workbook(tmp_path / "p.xlsx", tmp_path / "s.xlsx")


def test_sweep_on_a_local_dask_cluster_equals_serial(tmp_path):
    case = CASES["ganhe_2024"]
    args = ("sweep", case, "--budget-from", 150000, "--budget-to", 260000, "--steps", 6, "--no-priority",
            "--mip-gap", 0, "--json")
    serial = json_of(run_cli(*args, "-o", tmp_path / "s.xlsx"))
    on_dask = json_of(run_cli(*args, "-o", tmp_path / "d.xlsx", "--scheduler", "local", "--jobs", 2))
    assert [(p["level"], p["status"], p["objective"], p["selected"]) for p in on_dask["points"]] == \
        [(p["level"], p["status"], p["objective"], p["selected"]) for p in serial["points"]]
    same_workbook(tmp_path / "d.xlsx", tmp_path / "s.xlsx")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_plain_lines_otherwise():
    record = RunRecord(1, "cases/tiny.xlsx", "solve", "tiny", "out/tiny_result.xlsx", "optimal", objective=125.0,
                       seconds=0.5)
    terminal = Terminal()
    bar = _BatchProgress(terminal)
    bar(BatchProgress(0, 4, 0, 0.0, None))
    bar(BatchProgress(1, 4, 1, 10.0, record))
    bar.close()
    text = terminal.getvalue()
    assert "\r[------" in text and "1/4 runs, 1 failed, 0:10 elapsed, ~0:30 left" in text
    plain = io.StringIO()
    lines = _BatchProgress(plain)
    lines(BatchProgress(0, 4, 0, 0.0, None))
    lines(BatchProgress(1, 4, 0, 10.0, record))
    assert plain.getvalue() == "[1/4] cases/tiny.xlsx solve: optimal, objective 125 (0.5 s)\n"
