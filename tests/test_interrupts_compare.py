"""Ctrl-C while ``compare`` explains the base case on a thread beside the other scenarios'
solves (issue 19): two HiGHS runs at once, each in its own thread.  A signal must stop both
— the scenario's solve and the explanations' current re-solve, with no new one started —
and the command must exit 130 cleanly, within a few seconds, writing nothing.

The case is the seeded 500-project knapsack of test_solver_limits with a scenarios sheet,
solved at gap 0 within 2 s a solve (far from proven optimal, so each scenario runs about a
second or two) while the base case's explanations take a second or more (their budget's
floor): the signal lands while both run, at several points."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from test_interrupts import STOP_WITHIN, signal_and_wait, wait_for_stage
from test_solver_limits import knapsack_sheets
from workbooks import write_workbook


@pytest.fixture(scope="module")
def case_with_scenarios(tmp_path_factory):
    sheets = knapsack_sheets()
    sheets["scenarios"] = [["name", "budget_scale"], ["tight", 0.8], ["lean", 0.9], ["ample", 1.1], ["generous", 1.2]]
    return write_workbook(tmp_path_factory.mktemp("compare") / "knapsack_scenarios.xlsx", sheets)


def start_compare(case, out) -> subprocess.Popen:
    env = dict(os.environ, RETROFIT_OPT_TRACE_STAGES="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "retrofit_opt.cli", "compare", str(case), "-o", str(out),
                             "--time-limit", "2", "--mip-gap", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.parametrize("pause", [0.05, 0.3, 0.7])
def test_ctrl_c_while_the_base_is_explained_beside_a_scenario_solve(case_with_scenarios, tmp_path, pause):
    out = tmp_path / "comparison.xlsx"
    proc = start_compare(case_with_scenarios, out)
    wait_for_stage(proc, "explain")  # printed by the explanations' thread as they begin
    time.sleep(pause)
    stderr, took = signal_and_wait(proc, signal.SIGINT, "during the base explanations")
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert took < STOP_WITHIN, f"took {took:.1f} s to stop"
    assert "Traceback" not in stderr and "stopped; nothing more was written" in stderr, stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [], list(tmp_path.iterdir())


def test_the_comparison_runs_to_the_end_with_the_base_explained(case_with_scenarios, tmp_path):
    """The command left alone (at gap 0.2: seconds in all): every scenario solved, the base
    case's left-out projects explained (none "not analysed")."""
    import json
    proc = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", "compare", str(case_with_scenarios), "-o",
                           str(tmp_path / "comparison.xlsx"), "--time-limit", "600", "--mip-gap", "0.2", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    scenarios = json.loads(proc.stdout)["scenarios"]
    base = scenarios[0]
    assert base["name"] == "base" and len(scenarios) == 5
    reasons = [e["reason"] for e in base["not_selected"]]
    assert reasons and "not_computed" not in reasons
