"""Budget frontier, least budget and Pareto frontier, on one persistent model each.

A sweep builds the model once and changes only the swept budget row's right-hand side
(a mutable Param) between solves; HiGHS re-solves in place.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Callable

import pyomo.environ as pyo

from retrofit_opt import evaluate
from retrofit_opt.case import Budget, Case
from retrofit_opt.evaluate import Plan
from retrofit_opt.extract import extract_plan
from retrofit_opt.model import build_model
from retrofit_opt.model.families import budget_spend, metric_total
from retrofit_opt.model.objective import capex_total, npv_total
from retrofit_opt.solve import Solver

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FrontierPoint:
    level: float  # the swept limit (万元), or ε for a Pareto point
    status: str
    objective: float | None  # recomputed from the plan
    gap: float | None
    plan: Plan
    spend: float  # what the plan draws on the swept row
    targets_met: bool
    seconds: float
    carried: bool = False  # the solver's plan was worse than a lower level's; that one is kept
    second: float | None = None  # Pareto: the minimised quantity


@dataclass(frozen=True)
class LeastBudget:
    status: str
    budget: float | None  # the least limit on the pool that meets every target
    plan: Plan
    gap: float | None
    seconds: float


def budget_levels(start: float, stop: float, steps: int) -> list[float]:
    if steps < 2:
        return [stop]
    return [start + (stop - start) * k / (steps - 1) for k in range(steps)]


def _with_horizon_row(case: Case, pool: str, limit: float) -> tuple[Case, int]:
    """The case with a whole-horizon budget row for ``pool`` and that row's index."""
    for j, b in enumerate(case.budgets):
        if b.pool == pool and b.year is None:
            return case, j
    return dataclasses.replace(case, budgets=case.budgets + (Budget(pool, limit),)), len(case.budgets)


def budget_sweep(case: Case, levels: list[float], pool: str = "total", *, time_limit: float | None = None,
                 mip_gap: float | None = None, progress: Progress | None = None) -> list[FrontierPoint]:
    """Solve the case at every budget level of ``pool`` on one persistent model."""
    params = case.parameters
    swept, j = _with_horizon_row(case, pool, max(levels))
    model = build_model(swept)
    solver = Solver(model, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    minimise = params.objective == "min_cost"
    points: list[FrontierPoint] = []
    best: FrontierPoint | None = None
    for k, level in enumerate(sorted(levels)):
        model.budget_limit[j] = level
        outcome = solver.solve()
        plan = extract_plan(model) if outcome.has_solution else {}
        point = _point(swept, level, outcome, plan, swept.budgets[j])
        # More budget never gives less: a lower level's plan is feasible here too.
        if best is not None and best.objective is not None and (
                point.objective is None or
                (point.objective > best.objective + 1e-9 if minimise else point.objective < best.objective - 1e-9)):
            point = dataclasses.replace(best, level=level, status=point.status, gap=point.gap,
                                        seconds=point.seconds, carried=True)
        if point.objective is not None:
            best = point
        points.append(point)
        if progress:
            progress(k + 1, len(levels))
    return points


def _point(case: Case, level: float, outcome, plan: Plan, budget: Budget, second=None) -> FrontierPoint:
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    met = outcome.has_solution and all(t.met for t in evaluate.target_checks(case, plan))
    return FrontierPoint(level, outcome.status, objective, outcome.gap, plan,
                         evaluate.spend(case, plan, budget), met, outcome.seconds, second=second)


def least_budget(case: Case, pool: str = "total", *, time_limit: float | None = None,
                 mip_gap: float | None = None) -> LeastBudget:
    """The least whole-horizon limit on ``pool`` that meets every target: a min-cost solve
    of the pool's spending with that row lifted (other rows and all rules kept)."""
    params = case.parameters
    lifted = dataclasses.replace(case, budgets=tuple(b for b in case.budgets
                                                     if not (b.pool == pool and b.year is None)))
    model = build_model(lifted)
    model.objective.deactivate()
    row = Budget(pool, 0.0)
    model.least_budget = pyo.Objective(expr=budget_spend(model, model.data, row), sense=pyo.minimize)
    solver = Solver(model, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    outcome = solver.solve()
    plan = extract_plan(model) if outcome.has_solution else {}
    budget = evaluate.spend(lifted, plan, row) if outcome.has_solution else None
    return LeastBudget(outcome.status, budget, plan, outcome.gap, outcome.seconds)


def quantity(model, name: str):
    """The expression of a metric, ``capex`` or ``npv`` at the evaluation year."""
    data = model.data
    if name == "capex":
        return capex_total(model, data)
    if name == "npv":
        return npv_total(model, data)
    return metric_total(model, data, name, data.evaluation_year)


def quantity_value(case: Case, plan: Plan, name: str) -> float:
    if name == "capex":
        return sum(case.project(p).capex for p in plan)
    if name == "npv":
        return evaluate.metric_totals(case, plan)["npv"]
    return evaluate.metric_total(case, plan, name, case.parameters.end_year if case.multi_year else None)


def pareto_frontier(case: Case, minimise: str = "capex", maximise: str = "co2_reduction", steps: int = 11, *,
                    time_limit: float | None = None, mip_gap: float | None = None,
                    progress: Progress | None = None) -> list[FrontierPoint]:
    """ε-constraint method: maximise ``maximise`` subject to ``minimise`` ≤ ε for ε from
    its least to its largest useful value, then, at that optimum, minimise ``minimise``
    so that every point is non-dominated.  Budgets, targets and rules all hold."""
    params = case.parameters
    model = build_model(case)
    model.objective.deactivate()
    solver = Solver(model, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    low_expr, high_expr = quantity(model, minimise), quantity(model, maximise)

    def solve(expr, sense):
        if hasattr(model, "pareto_objective"):
            model.del_component(model.pareto_objective)
        model.pareto_objective = pyo.Objective(expr=expr, sense=sense)
        return solver.solve()

    least = solve(low_expr, pyo.minimize)
    if not least.has_solution:
        return [FrontierPoint(0.0, least.status, None, None, {}, 0.0, False, least.seconds)]
    lo = quantity_value(case, extract_plan(model), minimise)
    solve(high_expr, pyo.maximize)
    hi = quantity_value(case, extract_plan(model), minimise)
    model.epsilon = pyo.Param(mutable=True, initialize=hi)
    model.epsilon_row = pyo.Constraint(expr=low_expr <= model.epsilon)
    model.floor = pyo.Param(mutable=True, initialize=0.0)
    model.floor_row = pyo.Constraint(expr=high_expr >= model.floor)
    points = []
    for k, eps in enumerate(budget_levels(lo, hi, steps)):
        started = time.perf_counter()
        model.epsilon = eps
        model.floor_row.deactivate()
        first = solve(high_expr, pyo.maximize)
        model.floor_row.activate()
        if not first.has_solution:
            points.append(FrontierPoint(eps, first.status, None, first.gap, {}, 0.0, False, first.seconds))
            continue
        model.floor = quantity_value(case, extract_plan(model), maximise) - 1e-7 * max(1.0, abs(first.objective))
        second = solve(low_expr, pyo.minimize)
        outcome = second if second.has_solution else first
        plan = extract_plan(model) if second.has_solution else plan
        points.append(FrontierPoint(eps, outcome.status, quantity_value(case, plan, maximise), first.gap, plan,
                                    quantity_value(case, plan, minimise),
                                    all(t.met for t in evaluate.target_checks(case, plan)),
                                    time.perf_counter() - started, second=quantity_value(case, plan, minimise)))
        if progress:
            progress(k + 1, steps)
    return _non_dominated(points)


def _non_dominated(points: list[FrontierPoint]) -> list[FrontierPoint]:
    """Drop repeated plans; keep points in ε order."""
    seen, kept = set(), []
    for p in points:
        key = frozenset(p.plan.items())
        if p.objective is not None and key in seen:
            continue
        seen.add(key)
        kept.append(p)
    return kept
