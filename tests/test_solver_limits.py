"""Solver limits and faults, through the real command line in a child process.

* **Time limit.**  A seeded multidimensional knapsack in the style of Chu & Beasley (1998) —
  500 projects, 10 ``max_total`` resource rows at a quarter of each row's total, profits
  correlated with the weights — is far beyond proving optimality in seconds.  Under
  ``--time-limit`` HiGHS stops with its incumbent: the run reports status ``feasible``
  with a positive gap in the JSON, on stderr, and on every sheet that states a status;
  nothing calls it optimal.  Exit code: a feasible plan that meets every target is a
  solved case, so 0 (the CLI's documented rule: 1 only when targets cannot be met or the
  solver stopped without a plan).  With a limit too small to find any plan, the status is
  ``timeout``, there is no plan and no gap, and the exit code is 1.
* **Solver failure.**  A broken HiGHS installation — a ``highspy`` whose import fails the
  way a missing shared library makes it fail — is put first on ``PYTHONPATH`` of the child.
  Nothing in retrofit-opt is patched; this is the environment a user with a damaged install
  has.  The run must end with exit 3 (not 2: the input is fine), a message saying what to
  do, no traceback and no output file.
* **Silent solver faults.**  HiGHS refuses matrix coefficients above its
  ``large_matrix_value`` (1e15) with an error status when a row is added; a case whose
  capex, after unit conversion, exceeds that must not end as an "optimal" plan that
  breaks its budget.  It must be refused as bad input (exit 2) or reported as a solver
  failure (exit 3).
"""
from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbooks import minimal_case, write_workbook

N, M, SEED = 500, 10, 7
ENERGY_TARGET = 1000.0
STATUS_NOT_OPTIMAL = re.compile(r"(?<!not proven )\boptimal\b")


def knapsack():
    rng = random.Random(SEED)
    weights = [[rng.randint(1, 1000) for _ in range(N)] for _ in range(M)]
    profits = [round(sum(weights[i][j] for i in range(M)) / M + 500 * rng.random(), 3) for j in range(N)]
    capacities = [0.25 * sum(row) for row in weights]
    return profits, weights, capacities


def knapsack_sheets() -> dict:
    """The seeded knapsack as case sheets: projects, targets (its capacities as max_total
    rows and an energy floor) and parameters (max_saving)."""
    profits, weights, capacities = knapsack()
    head = ["id", "name", "capex (万元)", "energy_saving (tce/yr)"] + [f"benefit:r{i + 1}" for i in range(M)]
    rows = [head] + [[f"J{j + 1}", f"item {j + 1}", 1, profits[j]] + [weights[i][j] for i in range(M)]
                     for j in range(N)]
    targets = [["metric", "kind", "value"]] + [[f"benefit:r{i + 1}", "max_total", c] for i, c in enumerate(capacities)]
    targets.append(["energy_saving", "min_total", ENERGY_TARGET])
    return {"projects": rows, "targets": targets, "parameters": [["parameter", "value"], ["objective", "max_saving"]]}


@pytest.fixture(scope="module")
def hard_case(tmp_path_factory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("hard") / "knapsack.xlsx", knapsack_sheets())


def run(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "retrofit_opt.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env)


def sheet_rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def value_of(rows: list[list], label: str):
    return next(r[1] for r in rows if r and r[0] == label)


def solve_with_limit(case: Path, out: Path, seconds: float):
    proc = run("solve", case, "-o", out, "--json", "--time-limit", seconds, "--mip-gap", 0, "--no-explain")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(proc.stdout)  # stdout is exactly one JSON object


def test_time_limit_returns_the_best_plan_with_its_gap_never_called_optimal(hard_case, tmp_path):
    out = tmp_path / "result.xlsx"
    for seconds in (1, 3, 10):  # a slow machine may need longer to find a first plan
        proc, report = solve_with_limit(hard_case, out, seconds)
        if report["status"] != "timeout":
            break
    assert report["status"] == "feasible", (report["status"], proc.stderr)
    # the gap: positive, and what the objective and the bound say
    objective, bound, gap = report["objective"], report["bound"], report["gap"]
    assert gap is not None and gap > 0
    assert bound is not None and bound > objective
    assert math.isclose(gap, (bound - objective) / max(abs(objective), 1.0), rel_tol=1e-6)
    # the plan is a real one: every resource row and the energy target hold
    profits, weights, capacities = knapsack()
    chosen = [int(pid[1:]) - 1 for pid in report["selected"]]
    assert chosen and all(sum(weights[i][j] for j in chosen) <= capacities[i] + 1e-9 for i in range(M))
    assert math.isclose(sum(profits[j] for j in chosen), objective, rel_tol=1e-9)
    assert objective >= ENERGY_TARGET and report["targets_met"] is True
    # a feasible plan meeting every target is a solved case: exit 0, but said to be non-optimal
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("feasible, objective") and f"gap {gap:.4%}" in proc.stderr
    wb = load_workbook(out)
    summary = sheet_rows(wb["Run info"])  # the solver's side of the result moved off the executive summary
    assert value_of(summary, "Status") == f"feasible, not proven optimal (gap {gap:.4%})"
    assert math.isclose(value_of(summary, "Optimality gap"), gap)
    assert value_of(summary, "Solver termination") == "time limit reached (maxTimeLimit)"
    assert value_of(sheet_rows(wb["Run info"]), "Solver status / termination") == (
        f"feasible, not proven optimal (gap {gap:.4%}) / time limit reached (maxTimeLimit)")
    quality = next(c for r in sheet_rows(wb["Summary"]) for c in r if isinstance(c, str) and c.startswith("Quality"))
    assert quality == f"Quality of the solution: a feasible plan within {gap * 100:.4f}".rstrip("0").rstrip(".") + \
        "% of the optimum"
    for ws in wb:  # no sheet calls the result optimal
        for row in sheet_rows(ws):
            for cell in row:
                if isinstance(cell, str):
                    assert not STATUS_NOT_OPTIMAL.search(cell), (ws.title, cell)


def test_time_limit_without_any_plan_is_timeout_exit_1(hard_case, tmp_path):
    out = tmp_path / "result.xlsx"
    proc, report = solve_with_limit(hard_case, out, 1e-6)
    assert report["status"] == "timeout"
    assert report["selected"] == [] and report["objective"] is None and report["gap"] is None
    assert report["targets_met"] is False
    assert proc.returncode == 1
    assert proc.stderr.startswith("timeout;")
    summary = sheet_rows(load_workbook(out)["Run info"])
    assert value_of(summary, "Status") == "time limit reached without a plan"
    assert value_of(summary, "Optimality gap") == "—"


BROKEN_HIGHSPY = '''raise ImportError("libhighs.so: cannot open shared object file: No such file or directory")\n'''


def test_a_broken_solver_installation_is_exit_3_with_a_clear_message(tmp_path):
    shadow = tmp_path / "site"
    (shadow / "highspy").mkdir(parents=True)
    (shadow / "highspy" / "__init__.py").write_text(BROKEN_HIGHSPY)
    case = write_workbook(tmp_path / "case.xlsx", minimal_case())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(shadow), os.environ.get("PYTHONPATH")]))}
    check = subprocess.run([sys.executable, "-c", "import highspy"], env=env, capture_output=True, text=True)
    assert check.returncode != 0 and "libhighs.so" in check.stderr, "the broken highspy must be the one imported"
    out = tmp_path / "result.xlsx"
    proc = run("solve", case, "-o", out, "--json", env=env)
    assert proc.returncode == 3, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "HiGHS" in proc.stderr and "reinstall" in proc.stderr
    assert proc.stdout == ""  # no JSON for a run that produced no result
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["case.xlsx", "site"]
    # bad input still wins over a broken solver: the input is checked first
    bad = minimal_case()
    bad["projects"][1][2] = "lots"
    proc = run("solve", write_workbook(tmp_path / "bad.xlsx", bad), "-o", out, env=env)
    assert proc.returncode == 2 and "not a number" in proc.stderr


def test_a_coefficient_highs_rejects_never_becomes_a_silent_wrong_plan(tmp_path):
    """capex 2e11 亿元 is 2e15 万元: within the validator's per-cell bound before conversion,
    beyond HiGHS's large_matrix_value after it.  HiGHS then rejects the budget row, and a
    plan that spends 2e15 万元 of a 5e4 万元 budget must not be reported as optimal."""
    sheets = {"projects": [["id", "name", "capex (亿元)", "energy_saving (tce/yr)"],
                           ["A", "huge", 2e11, 1000], ["B", "small", 1, 10]],
              "budgets": [["pool", "year", "limit (亿元)"], ["total", None, 5]],
              "parameters": [["parameter", "value"], ["objective", "max_saving"]]}
    case = write_workbook(tmp_path / "huge.xlsx", sheets)
    out = tmp_path / "result.xlsx"
    proc = run("solve", case, "-o", out, "--json")
    assert "Traceback" not in proc.stderr
    if proc.returncode == 0:
        report = json.loads(proc.stdout)
        for use in report["budgets"]:
            assert use["used"] <= use["limit"] * (1 + 1e-9), (
                f"an 'optimal' plan spends {use['used']:.6g} 万元 of a {use['limit']:.6g} 万元 budget: "
                f"HiGHS dropped the budget row (coefficient above 1e15) without an error reaching the user")
    else:
        assert proc.returncode in (2, 3), proc.stderr
        assert not out.exists()
