"""The explanations' loss intervals contain the true loss (brute force, single-period).

For random cases (tests/random_cases.py, real .xlsx workbooks), the oracle (tests/oracle.py)
enumerates all subsets with each left-out project forced in; the true loss is
``reported objective − best objective with the project`` (0 when that is at least as good).
Whatever stage of :mod:`retrofit_opt.studies.explain` settled a project — the LP screen
only (no time for re-solves), the loose-gap MIP screen, or exact re-solves — its
``loss_low`` must not exceed the true loss and its ``loss_high`` (when given: from a plan
with the project — the forced LP solution rounded down, or a re-solve) must not be below it; "infeasible if forced" must be infeasible in the enumeration; an exact loss is
the true loss at ``mip_gap=0``.  The main solve runs at gap 0 and at a loose gap (its plan
then may not be optimal, and losses are measured against the plan reported).
"""
from __future__ import annotations

import copy

import pytest

import retrofit_opt
from oracle import brute_force
from random_cases import random_case
from retrofit_opt.studies import explain
from retrofit_opt.studies.solve import solve_case

SEEDS = range(0, 200, 2)


def true_losses(problem, result) -> dict[str, float | None]:
    """Project id → true loss against the reported objective (None: infeasible if forced)."""
    out = {}
    for project in problem.projects:
        if project.id in result.plan or project.excluded:
            continue
        forced = copy.deepcopy(problem)
        forced.by_id()[project.id].mandatory = True
        with_it = brute_force(forced)
        if not with_it.feasible:
            out[project.id] = None
        else:
            diff = with_it.value - result.objective if problem.minimise else result.objective - with_it.value
            out[project.id] = max(diff, 0.0)
    return out


def tolerance(result) -> float:
    return 1e-6 * max(1.0, abs(result.objective)) + 1e-7


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mip_gap, explain_seconds, screen_gap", [
    (0.0, 0.0, explain.SCREEN_GAP),    # LP screen only: lower bounds
    (0.0, 30.0, explain.SCREEN_GAP),   # every stage: exact at gap 0
    (0.3, 30.0, explain.SCREEN_GAP),   # a loose main solve: its answer gap opens many projects
    (0.0, 30.0, 0.5),                  # MIP screen at a 50 % gap before the exact stage
])
def test_loss_intervals_contain_the_true_loss(seed, mip_gap, explain_seconds, screen_gap, tmp_path, monkeypatch):
    generated = random_case(seed)
    problem = generated.problem
    monkeypatch.setattr(explain, "SCREEN_GAP", screen_gap)
    case = retrofit_opt.load_case(generated.write(tmp_path / f"seed_{seed}.xlsx"))
    result = solve_case(case, mip_gap=mip_gap, explain=True, explain_seconds=explain_seconds)
    if not brute_force(problem).feasible:  # nothing to explain: the solver must agree there is no plan
        assert result.status == "infeasible" and not result.plan and not result.exclusions, result.status
        return
    assert result.status in ("optimal", "feasible")
    tol = tolerance(result)
    truth = true_losses(problem, result)
    assert set(truth) <= set(result.exclusions)
    for pid, loss in truth.items():
        why = result.exclusions[pid]
        assert why.reason in ("infeasible_if_forced", "lowers_objective", "not_computed"), (pid, why)
        if why.reason == "not_computed":  # the LP proves no loss and no re-solve was allowed
            assert explain_seconds == 0.0 and why.loss_low == 0.0 and why.loss_high is None, (pid, why)
            continue
        if why.reason == "infeasible_if_forced":
            assert loss is None, (pid, why, loss)
            continue
        assert why.loss_low is not None and why.loss_low >= 0.0
        if loss is None:  # infeasible, not proven so: only a lower end can be stated
            assert why.loss_high is None and not why.loss_exact, (pid, why)
            continue
        assert why.loss_low <= loss + tol, (pid, why, loss)
        if why.loss_high is not None:
            assert loss <= why.loss_high + tol, (pid, why, loss)
            assert why.loss_low <= why.loss_high + tol
        if mip_gap == 0.0 and why.loss_exact:
            assert abs(why.objective_loss - loss) <= tol, (pid, why, loss)
        if explain_seconds > 0 and mip_gap == 0.0:
            assert why.loss_exact, (pid, why)  # small cases: every stage fits the budget
        if explain_seconds == 0.0:
            assert why.loss_method == "lp_bound"  # no re-solve: the LP bound and its rounded plan only
