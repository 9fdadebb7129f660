"""Random small MULTI-YEAR cases: the MILP's optimum equals brute-force enumeration.

Each case (≤ 6 projects × ≤ 4 start years, seeded) is written as a real .xlsx workbook —
English or Chinese headers, capex in 万元 or 元, capex profiles as percentages, fractions
or amounts — loaded and solved with ``solve_case(mip_gap=0, explain=False)``, and checked
against the independent oracle in ``tests/multiyear_oracle.py``:

* the status is ``optimal`` exactly when enumeration finds a feasible plan;
* the objective equals the enumerated optimum (rel 1e-6);
* the returned plan (id → start year) passes the oracle's feasibility checker and its
  objective, recomputed by the oracle, is the optimum;
* the reported budget use and target achievement agree with the oracle.

A few cases also go through the command line (``solve … --json --mip-gap 0``).
"""
from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from click.testing import CliRunner

from multiyear_oracle import (ENERGY, enumerate_plans, intensity_change_percent, metric_total, objective,
                              random_case, spend, start_options, target_year, violations, case_sheets)
from workbooks import write_workbook
from retrofit_opt.cli import main
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case

SEEDS = range(120)
CLI_SEEDS = (0, 1, 3, 7, 12, 21)


def _write(tmp_path, seed):
    case = random_case(seed)
    lang = "zh" if seed % 2 else "en"
    unit = "元" if seed % 5 == 0 else "万元"
    path = write_workbook(tmp_path / f"case_{seed}.xlsx", case_sheets(case, lang, unit))
    return case, path


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_multiyear_case_matches_enumeration(tmp_path, seed):
    oracle_case, path = _write(tmp_path, seed)
    enumeration = enumerate_plans(oracle_case)
    case = load_case(path)
    assert case.multi_year and case.years == tuple(range(oracle_case.start, oracle_case.end + 1))

    result = solve_case(case, mip_gap=0, explain=False)

    if enumeration.best is None:
        assert result.status == "infeasible", (
            f"enumeration finds no feasible plan, the solver says {result.status} with {result.plan}")
        return
    assert result.status == "optimal", f"enumeration finds {enumeration.best_plans[0]}"
    plan = dict(result.plan)
    assert all(isinstance(t, int) for t in plan.values()), plan
    assert violations(oracle_case, plan) == [], plan
    assert _close(objective(oracle_case, plan), enumeration.best), (plan, enumeration.best_plans)
    assert _close(result.objective, enumeration.best), (result.objective, enumeration.best,
                                                       enumeration.best_plans)
    # the reported numbers are those of the plan
    assert len(result.budget_uses) == len(oracle_case.budgets)
    for use, budget in zip(result.budget_uses, oracle_case.budgets):
        assert (use.budget.year, use.budget.limit) == (budget.year, pytest.approx(budget.limit))
        assert use.used == pytest.approx(spend(oracle_case, plan, budget), rel=1e-9, abs=1e-9)
    assert len(result.target_checks) == len(oracle_case.targets)
    for check, target in zip(result.target_checks, oracle_case.targets):
        year = target_year(oracle_case, target)
        assert check.year == year
        assert check.achieved == pytest.approx(metric_total(oracle_case, plan, target.metric, year))
        assert check.met
        if target.kind == "intensity_reduction":
            assert check.achieved_intensity_change == pytest.approx(
                intensity_change_percent(oracle_case, target, check.achieved))


@pytest.mark.parametrize("seed", CLI_SEEDS)
def test_cli_solve_json_matches_enumeration(tmp_path, seed):
    oracle_case, path = _write(tmp_path, seed)
    enumeration = enumerate_plans(oracle_case)
    out = tmp_path / "out.xlsx"

    run = CliRunner().invoke(main, ["solve", str(path), "-o", str(out), "--json", "--mip-gap", "0"])

    assert run.exit_code == (0 if enumeration.best is not None else 1), run.output
    data = json.loads(run.stdout)
    assert out.exists()
    if enumeration.best is None:
        assert data["status"] == "infeasible"
        assert data["selected"] == []
        return
    assert data["status"] == "optimal"
    assert data["objective"] == pytest.approx(enumeration.best, rel=1e-6, abs=1e-6)
    for entry in data["selected"]:
        assert set(entry) == {"id", "start_year"}, entry
        assert isinstance(entry["start_year"], int)
    plan = {e["id"]: e["start_year"] for e in data["selected"]}
    assert len(plan) == len(data["selected"])
    assert violations(oracle_case, plan) == []
    assert objective(oracle_case, plan) == pytest.approx(enumeration.best, rel=1e-6, abs=1e-6)
    energy = data["totals"][ENERGY]
    end_value = energy[str(oracle_case.end)] if isinstance(energy, dict) else energy
    assert end_value == pytest.approx(metric_total(oracle_case, plan, ENERGY, oracle_case.end))


def test_random_cases_cover_the_multiyear_features():
    """The seeds above are only worth something if they exercise every rule: check the mix."""
    seen = Counter()
    for seed in SEEDS:
        case = random_case(seed)
        enumeration = enumerate_plans(case)
        seen["feasible" if enumeration.best is not None else "infeasible"] += 1
        seen[case.objective] += 1
        seen["zh"] += seed % 2
        span = case.end - case.start
        for p in case.projects:
            seen["build>1"] += p.b > 1
            seen[f"profile:{p.profile_style}"] += bool(p.profile) and p.b > 1
            seen["window"] += p.earliest is not None or p.latest is not None
            seen["lifetime ends in horizon"] += p.life + p.b - 1 < span
            seen["never completes"] += not start_options(case, p) and not p.excluded
            seen["requires"] += bool(p.requires)
            seen["mandatory"] += p.mandatory
            seen["excluded"] += p.excluded
            seen["subsidy"] += p.subsidy_rate > 0
            seen["own pool"] += p.pool != "total"
            seen["npv given"] += p.npv is not None
        for b in case.budgets:
            seen["yearly budget" if b.year is not None else "horizon budget"] += 1
        for t in case.targets:
            seen[t.kind] += 1
            seen["milestone before end"] += t.year is not None and t.year < case.end
        seen["interactions"] += bool(case.interactions)
        seen["max options 4"] += max(len(start_options(case, p)) for p in case.projects) == 4
        assert len(case.projects) <= 6 and all(len(start_options(case, p)) <= 4 for p in case.projects)
    for feature in ("feasible", "infeasible", "max_saving", "max_co2", "min_cost", "max_npv", "zh", "build>1",
                    "profile:pct", "profile:frac", "profile:amt", "window", "lifetime ends in horizon",
                    "never completes", "requires", "mandatory", "excluded", "subsidy", "own pool", "npv given",
                    "yearly budget", "horizon budget", "min_total", "max_total", "intensity_reduction",
                    "milestone before end", "interactions", "max options 4"):
        assert seen[feature] >= 3, (feature, seen)
    assert min(seen["feasible"], seen["infeasible"]) >= len(SEEDS) // 5, seen
