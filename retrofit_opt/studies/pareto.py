"""The Pareto frontier of two quantities (``capex``, ``npv`` or any metric) by the
ε-constraint method, on one persistent model (its ε rows: :mod:`retrofit_opt.model.variants`)."""
from __future__ import annotations

import math
import time
from typing import Callable

from retrofit_opt import evaluate
from retrofit_opt.case import Case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.model.objective import quantity_expression
from retrofit_opt.model.variants import add_epsilon_rows, optimise_axis, set_epsilon, set_floor
from retrofit_opt.results import MINIMISED, ParetoFrontier, ParetoPoint
from retrofit_opt.scenarios import budget_levels
from retrofit_opt.solve import Solver, solver_options

Progress = Callable[[int, int], None]


def pareto_frontier(case: Case, x: str = "capex", y: str = "co2_reduction", steps: int = 11, *,
                    time_limit: float | None = None, mip_gap: float | None = None,
                    progress: Progress | None = None) -> ParetoFrontier:
    """ε-constraint method.  ``capex`` is minimised, every other quantity maximised.

    The ends of the range of ε: the best ``x`` alone, and the ``x`` of the best ``y``
    (lexicographically: best ``y``, then best ``x`` at it).  At each ε in between, optimise
    ``y`` subject to ``x`` no worse than ε, then, at that ``y``, optimise ``x``, so that every
    point is non-dominated.  Budgets, targets and rules all hold."""
    params = case.parameters
    data = ModelData.from_case(case)
    model = build_model(data)
    x_min, y_min = x in MINIMISED, y in MINIMISED
    add_epsilon_rows(model, quantity_expression(model, data, x), quantity_expression(model, data, y), x_min, y_min)
    solver = Solver(model, *solver_options(params, time_limit, mip_gap))

    def optimise(which, start=None):
        optimise_axis(model, which)
        if start:
            solver.warm_start(start)
        return solver.solve()

    def values():
        return solver.current_values()

    def plan_now():
        return extract_plan(model, data)

    def hold_y(value):
        """y no worse than ``value`` (less a feasibility tolerance)."""
        slack = 1e-6 * max(1.0, abs(value))
        set_floor(model, value + slack if y_min else value - slack)

    first = optimise("x")
    if not first.has_solution:
        return ParetoFrontier(x, y, first.status, [])
    x_best = evaluate.quantity_value(case, plan_now(), x)
    optimise("y", values())
    hold_y(evaluate.quantity_value(case, plan_now(), y))
    optimise("x", values())
    x_other = evaluate.quantity_value(case, plan_now(), x)
    set_floor(model, None)
    lo, hi = sorted((x_best, x_other))
    # From the tight end of the ε row to the loose one, so that each plan can start the next solve.
    epsilons = budget_levels(lo, hi, steps)
    order = epsilons if x_min else epsilons[::-1]
    points: list[ParetoPoint] = []
    start = None
    for k, eps in enumerate(order):
        started = time.perf_counter()
        set_epsilon(model, eps)
        set_floor(model, None)
        a = optimise("y", start)
        if not a.has_solution:
            points.append(ParetoPoint(eps, a.status, None, None, a.gap, {}, False, time.perf_counter() - started))
        else:
            plan = plan_now()
            hold_y(evaluate.quantity_value(case, plan, y))
            b = optimise("x", values())
            if b.has_solution:
                plan = plan_now()
            start = values() if b.has_solution else None
            points.append(ParetoPoint(eps, a.status, evaluate.quantity_value(case, plan, x), evaluate.quantity_value(case, plan, y),
                                      a.gap, plan, all(t.met for t in evaluate.target_checks(case, plan)),
                                      time.perf_counter() - started))
        if progress:
            progress(k + 1, len(order))
    return ParetoFrontier(x, y, first.status, non_dominated(points, x_min, y_min))


def non_dominated(points: list[ParetoPoint], x_min: bool = True, y_min: bool = False) -> list[ParetoPoint]:
    """Points with a plan that no other point dominates, one per (x, y), by increasing x."""
    def better_or_equal(a, b, minimise):
        tol = 1e-9 * max(1.0, abs(a), abs(b))
        return a <= b + tol if minimise else a >= b - tol

    def strictly(a, b, minimise):
        tol = 1e-9 * max(1.0, abs(a), abs(b))
        return a < b - tol if minimise else a > b + tol

    solved = [p for p in points if p.x is not None]
    kept: list[ParetoPoint] = []
    for p in solved:
        dominated = any(better_or_equal(q.x, p.x, x_min) and better_or_equal(q.y, p.y, y_min) and
                        (strictly(q.x, p.x, x_min) or strictly(q.y, p.y, y_min)) for q in solved)
        duplicate = any(math.isclose(q.x, p.x, rel_tol=1e-9, abs_tol=1e-9) and
                        math.isclose(q.y, p.y, rel_tol=1e-9, abs_tol=1e-9) for q in kept)
        if not dominated and not duplicate:
            kept.append(p)
    return sorted(kept, key=lambda p: p.x)
