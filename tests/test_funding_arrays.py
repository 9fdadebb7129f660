"""The hot path's plan checks with award columns (issue 16 on the array path of issue 19).

``ModelArrays.rounded_plan_value`` (and the repaired / swapped plans of the explanations
built on it) must set the continuous award A_g and the binary u_g of every capped group
from the chosen x columns, as the rows force them: otherwise a feasible plan would be
declined or — worse — an infeasible one passed as a bound.  The oracle is the case's own
plan evaluation (``evaluate.plan_violations`` / ``objective_value``, plain Python, no
model), over EVERY plan of small random funding cases.  Also a hand-worked case for the
reinvested savings of a project the subsidy pays in full (both builds credit its own pool,
as the evaluation does).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from funding_cases import write_funding_case
from retrofit_opt import evaluate, load_case, solve_case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.arrays import model_arrays
from retrofit_opt.model.extract import plan_from_values
from retrofit_opt.solve import ArraySolver, Solver
from workbooks import write_workbook

AMBIGUOUS = 1e-5  # plans this close to a budget or target side are left out (the tolerances differ)


def every_plan(case, data):
    """(plan, option indices) for every plan: each project out or at one of its starts."""
    choices = [[None] + opts for opts in data.project_options]
    for combo in itertools.product(*choices):
        chosen = [i for i in combo if i is not None]
        plan = {case.projects[data.options[i][0]].id: data.options[i][1] for i in chosen}
        yield plan, chosen


def ambiguous(case, plan) -> bool:
    near_budget = any(abs(use.used - use.budget.limit) < AMBIGUOUS * max(1.0, abs(use.budget.limit))
                      for use in evaluate.budget_uses(case, plan))
    near_target = any(abs(check.margin) < AMBIGUOUS * max(1.0, abs(check.required))
                      for check in evaluate.target_checks(case, plan))
    return near_budget or near_target


def plan_columns(arrays, chosen) -> np.ndarray:
    x = np.zeros(arrays.num_col)
    x[arrays.option_columns()[chosen]] = 1.0
    return x


CASES = [(seed, multi, n) for seed in range(6) for multi, n in ((False, 6), (True, 4))]


@pytest.mark.parametrize("seed, multi_year, n_projects", CASES)
def test_rounded_plan_value_agrees_with_the_evaluation_on_every_plan(tmp_path, seed, multi_year, n_projects):
    case = load_case(write_funding_case(tmp_path / "case.xlsx", seed, multi_year, n_projects))
    data = ModelData.from_case(case)
    arrays = model_arrays(data)
    assert arrays.row_families.get("award_cap_sum") or any(r.cap_per_enterprise_year is None for r in case.award_rules)
    assert (arrays.option_columns() >= 0).all()
    compared = 0
    for plan, chosen in every_plan(case, data):
        if ambiguous(case, plan):
            continue
        compared += 1
        value = arrays.rounded_plan_value(plan_columns(arrays, chosen))
        ok = not evaluate.plan_violations(case, plan)
        assert (value is not None) == ok, (plan, evaluate.plan_violations(case, plan))
        if ok:
            assert value == pytest.approx(evaluate.objective_value(case, plan), rel=1e-9, abs=1e-7)
    assert compared > 0.9 * np.prod([len(o) + 1 for o in data.project_options])


def test_some_plans_bind_an_enterprise_cap(tmp_path):
    """Over the cases above, feasible plans with a binding enterprise-year cap (u_g = 1)
    and with an award below its cap occur, so the completion of A_g and u_g is exercised
    both ways (a case without a feasible plan still checks that every plan is declined)."""
    binding = free = 0
    for seed, multi_year, n in CASES:
        case = load_case(write_funding_case(tmp_path / f"c{seed}{multi_year}.xlsx", seed, multi_year, n))
        data = ModelData.from_case(case)
        arrays = model_arrays(data)
        if not arrays.row_families.get("award_cap_sum"):
            continue
        for plan, chosen in every_plan(case, data):
            if arrays.rounded_plan_value(plan_columns(arrays, chosen)) is None:
                continue
            full = arrays.complete(np.where(arrays.col_kind == 0, plan_columns(arrays, chosen), 0.0))
            awards = full[arrays.col_kind == 4]
            binding += int(full[arrays.col_kind == 5].sum())
            free += int((awards > 0).sum() - full[arrays.col_kind == 5].sum())
    assert binding > 0 and free > 0


def heuristic_values_checked(path) -> int:
    """Check every value the explanations' heuristics return (the LP with a project forced
    in, rounded and repaired; the optimal plan with the project swapped in) against all
    plans: it must be the objective of a feasible plan that has the project.  Returns how
    many values were checked."""
    case = load_case(path)
    data = ModelData.from_case(case)
    arrays = model_arrays(data)
    columns = arrays.option_columns()
    values_with: dict[int, list[float]] = {}
    for plan, chosen in every_plan(case, data):
        if not evaluate.plan_violations(case, plan):
            for i in chosen:
                values_with.setdefault(int(columns[i]), []).append(evaluate.objective_value(case, plan))
    solver = ArraySolver(arrays, 30, 0.0)
    outcome = solver.solve()
    if not outcome.has_solution:
        assert not values_with
        return 0
    main_x = solver.values
    checked = 0
    for p_index, options in enumerate(data.project_options):
        cols = solver.columns_of(options)
        lp, lp_x = solver.forced_lp_bound(options, 5.0)
        candidates = []
        if lp_x is not None:
            candidates.append(arrays.repaired_plan_value(lp_x, cols))
        candidates += [arrays.swapped_plan_value(main_x, c) for c in cols]
        for value in candidates:
            if value is None:
                continue
            checked += 1
            known = [v for c in cols for v in values_with.get(c, [])]
            assert any(v == pytest.approx(value, rel=1e-9, abs=1e-7) for v in known), (p_index, value, known)
    return checked


def test_repaired_and_swapped_plans_are_real_plans(tmp_path):
    checked = sum(heuristic_values_checked(write_funding_case(tmp_path / f"c{seed}{multi}.xlsx", seed, multi, n))
                  for seed, multi, n in CASES)
    assert checked >= 2 * len(CASES)  # the heuristics do find plans, so the check has teeth


# ------------------------------------------------------------ reinvestment, full subsidy
def full_subsidy_case(tmp_path):
    """A (capex 100, all paid by the subsidy pool, own pool 'own') saves 50 万元/yr from
    2025 and reinvests all of it: 2026's own pool of 0 gains 50, so B (40, own pool,
    started in 2026) fits only thanks to A's savings."""
    return write_workbook(tmp_path / "full_subsidy.xlsx", {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "annual_cost_saving (万元/yr)",
                      "budget_pool", "subsidy_rate", "reinvest_share", "earliest_year", "latest_year"],
                     ["A", "A", 100, 10, 50, "own", 1.0, 1.0, 2024, 2024],
                     ["B", "B", 40, 20, 0, "own", 0.0, 0.0, 2026, 2026]],
        "budgets": [["pool", "year", "limit (万元)"], ["subsidy", None, 100], ["own", 2024, 0], ["own", 2025, 0],
                    ["own", 2026, 0]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", 2024],
                       ["end_year", 2026], ["mip_gap", 0]],
    })


def test_savings_of_a_fully_subsidised_project_fund_its_own_pool_in_both_builds(tmp_path):
    case = load_case(full_subsidy_case(tmp_path))
    assert evaluate.plan_violations(case, {"A": 2024, "B": 2026}) == []  # the evaluation credits own 2026
    assert evaluate.plan_violations(case, {"B": 2026})  # without A's savings B does not fit
    data = ModelData.from_case(case)
    pyomo = Solver(build_model(data), 30, 0.0)
    outcome = pyomo.solve()
    assert outcome.status == "optimal" and outcome.objective == pytest.approx(30)
    import pyomo.environ as pyo
    values = [pyo.value(pyomo.model.x[i]) for i in range(len(data.options))]
    assert plan_from_values(values, data) == {"A": 2024, "B": 2026}
    result = solve_case(case, explain=False)
    assert result.status == "optimal" and result.plan == {"A": 2024, "B": 2026}


# ------------------------------------------------- explanations of award cases (brute force)
def true_losses(case, data, objective: float) -> dict[str, float | None]:
    """Project id → reported objective − best objective of a feasible plan with the project
    (0 when that is at least as good; None when no feasible plan has it), by enumeration
    with the plan evaluation."""
    minimise = case.parameters.objective == "min_cost"
    best: dict[str, float] = {}
    for plan, _ in every_plan(case, data):
        if evaluate.plan_violations(case, plan):
            continue
        value = evaluate.objective_value(case, plan)
        for pid in plan:
            if pid not in best or (value < best[pid] if minimise else value > best[pid]):
                best[pid] = value
    out = {}
    for project in case.projects:
        if project.id not in best:
            out[project.id] = None
        else:
            diff = best[project.id] - objective if minimise else objective - best[project.id]
            out[project.id] = max(diff, 0.0)
    return out


@pytest.mark.parametrize("seed, multi_year, n_projects", CASES)
@pytest.mark.parametrize("mip_gap, explain_seconds", [(0.0, 0.0), (0.0, 30.0), (0.3, 30.0)],
                         ids=["lp-screen-only", "exact", "loose-main"])
def test_explanations_of_award_cases_contain_the_true_loss(tmp_path, seed, multi_year, n_projects, mip_gap,
                                                           explain_seconds):
    """The hot path's explanations (LP screen with rounded / repaired / swapped plans, MIP
    re-solves) on award cases: every stated loss interval holds the brute-force loss."""
    case = load_case(write_funding_case(tmp_path / "case.xlsx", seed, multi_year, n_projects))
    result = solve_case(case, mip_gap=mip_gap, explain=True, explain_seconds=explain_seconds)
    if result.status == "infeasible":
        assert all(evaluate.plan_violations(case, plan) for plan, _ in every_plan(case, ModelData.from_case(case)))
        return
    tol = 1e-6 * max(1.0, abs(result.objective)) + 1e-7
    truth = true_losses(case, ModelData.from_case(case), result.objective)
    for pid, why in result.exclusions.items():
        loss = truth[pid]
        if why.reason == "not_computed":
            assert explain_seconds == 0.0 and why.loss_high is None, (pid, why)
            continue
        if why.reason == "infeasible_if_forced":
            assert loss is None, (pid, why)
            continue
        if why.reason != "lowers_objective":
            continue
        if loss is None:
            assert why.loss_high is None and not why.loss_exact, (pid, why)
            continue
        assert why.loss_low <= loss + tol, (pid, why, loss)
        if why.loss_high is not None:
            assert loss <= why.loss_high + tol, (pid, why, loss)
        if mip_gap == 0.0 and why.loss_exact:
            assert abs(why.objective_loss - loss) <= tol, (pid, why, loss)
        if explain_seconds > 0 and mip_gap == 0.0:
            assert why.loss_exact, (pid, why)
