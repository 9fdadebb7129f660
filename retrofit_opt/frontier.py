"""Budget frontier, least budget and Pareto frontier, on one persistent model each.

A sweep builds the model once and changes only the swept budget row's right-hand side
(the mutable Param ``budget_limit``) between solves; HiGHS re-solves in place, started
from the previous level's plan (still feasible: the budget only grows).  With ``jobs`` > 1
the levels are shared among worker processes, each with its own persistent model.

- :func:`budget_sweep`: the best objective at every budget level of one pool's
  whole-horizon row (added when the case has none); more budget never gives less.
- :func:`least_budget`: the least limit on that row that meets every target, solved as a
  min-cost problem (minimise the row's spending with the row lifted), not by bisection.
- :func:`pareto_frontier`: two quantities (``capex``, ``npv`` or any metric) traded off
  by the ε-constraint method.
- :func:`run_sweep`: all of these plus the nested priority list, for ``retrofit-opt sweep``.
"""
from __future__ import annotations

import copyreg
import dataclasses
import math
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable

import pyomo.environ as pyo

from retrofit_opt import evaluate
from retrofit_opt.case import TOTAL_POOL, Budget, Case
from retrofit_opt.errors import SolverError
from retrofit_opt.evaluate import Plan
from retrofit_opt.extract import extract_plan
from retrofit_opt.model import build_model
from retrofit_opt.model.families import budget_spend, metric_total
from retrofit_opt.model.objective import capex_total, npv_total
from retrofit_opt.solve import Solver

Progress = Callable[[int, int], None]
MINIMISED = ("capex",)  # Pareto quantities that are better when smaller; every other is maximised



def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


# A case holds MappingProxyType fields; worker processes receive the case pickled.
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


@dataclass(frozen=True)
class FrontierPoint:
    level: float  # the swept limit (万元)
    status: str  # optimal | feasible | infeasible | timeout
    objective: float | None  # recomputed from the plan
    gap: float | None
    plan: Plan
    spend: float  # what the plan draws on the swept row (万元)
    targets_met: bool
    seconds: float  # wall time of the solve, Pyomo's update and solution loading included
    carried: bool = False  # the solver's plan was worse than a lower level's; that one is kept
    solver_seconds: float | None = None  # HiGHS's own run time of the solve

    @property
    def chosen(self) -> int:
        return len(self.plan)


@dataclass(frozen=True)
class LeastBudget:
    pool: str
    status: str
    budget: float | None  # the least limit on the pool's whole-horizon row that meets every target
    plan: Plan
    gap: float | None  # of the min-cost solve: the true least budget is at least budget·(1 − gap)
    seconds: float


@dataclass(frozen=True)
class ParetoPoint:
    epsilon: float  # the bound on ``x``
    status: str
    x: float | None
    y: float | None
    gap: float | None  # of the solve that optimised ``y`` at this ε
    plan: Plan
    targets_met: bool
    seconds: float


@dataclass(frozen=True)
class ParetoFrontier:
    x: str  # the ε-constrained quantity (the chart's horizontal axis)
    y: str  # the optimised quantity
    status: str  # of the first solve; no points when it found no plan
    points: list[ParetoPoint]

    @property
    def x_minimised(self) -> bool:
        return self.x in MINIMISED

    @property
    def y_minimised(self) -> bool:
        return self.y in MINIMISED


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


def at_level(case: Case, pool: str, level: float) -> Case:
    """The case with the whole-horizon limit of ``pool`` set to ``level`` (row added if none)."""
    swept, j = _with_horizon_row(case, pool, level)
    return dataclasses.replace(swept, budgets=tuple(dataclasses.replace(b, limit=level) if k == j else b
                                                    for k, b in enumerate(swept.budgets)))


# ----------------------------------------------------------------------------- budget sweep
class _Sweeper:
    """One persistent model of the case: only the swept row's limit changes between solves."""

    def __init__(self, case: Case, row: int, time_limit: float, mip_gap: float, warm: bool, variant=None):
        self.case, self.row, self.warm = case, row, warm
        self.model = build_model(case)
        if variant is not None:  # a robust variant (studies.robust.ModelVariant)
            variant.apply(self.model)
        self.solver = Solver(self.model, time_limit, mip_gap)
        self.solver.only_parameter_changes()
        self.variables = list(self.model.component_data_objects(pyo.Var, descend_into=True))
        self.start: tuple[float, list] | None = None  # (level, variable values) of the last plan

    def solve(self, level: float) -> FrontierPoint:
        self.model.budget_limit[self.row] = level
        if self.warm and self.start is not None and self.start[0] <= level:
            self.solver.warm_start(self.start[1])  # feasible here: only this limit grew
        clock = self.solver.run_seconds()
        outcome = self.solver.solve()
        pure = max(0.0, self.solver.run_seconds() - clock)
        plan = extract_plan(self.model) if outcome.has_solution else {}
        if outcome.has_solution:
            self.start = (level, [(v, v.value) for v in self.variables])
        point = _point(self.case, level, outcome, plan, self.case.budgets[self.row])
        if point.objective is not None and not math.isclose(point.objective, outcome.objective,
                                                            rel_tol=1e-6, abs_tol=1e-4):
            raise SolverError(f"internal check failed at budget level {level:g}: the solver's objective "
                              f"{outcome.objective} differs from the plan's recomputed {point.objective}")
        return dataclasses.replace(point, solver_seconds=pure)


def _point(case: Case, level: float, outcome, plan: Plan, budget: Budget) -> FrontierPoint:
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    met = outcome.has_solution and all(t.met for t in evaluate.target_checks(case, plan))
    return FrontierPoint(level, outcome.status, objective, outcome.gap, plan,
                         evaluate.spend(case, plan, budget), met, outcome.seconds)


_WORKER: _Sweeper | None = None


def _start_worker(case: Case, row: int, time_limit: float, mip_gap: float, warm: bool, variant=None) -> None:
    global _WORKER
    _WORKER = _Sweeper(case, row, time_limit, mip_gap, warm, variant)


def _solve_in_worker(level: float) -> FrontierPoint:
    return _WORKER.solve(level)


def budget_sweep(case: Case, levels: list[float], pool: str = TOTAL_POOL, *, time_limit: float | None = None,
                 mip_gap: float | None = None, progress: Progress | None = None, warm_start: bool = True,
                 jobs: int = 1, variant=None) -> list[FrontierPoint]:
    """Solve the case at every budget level (万元) of ``pool``'s whole-horizon row, in
    increasing order, on one persistent model (per worker process when ``jobs`` > 1).

    Only the row's right-hand side changes between solves; each solve starts from the
    previous level's plan.  The frontier is monotone: when a solver stopped at its gap or
    time limit returns a plan worse than a lower level's, the lower level's plan is kept
    (``carried``) — it is feasible at every higher level."""
    params = case.parameters
    levels = sorted(float(v) for v in levels)
    if not levels:
        return []
    swept, row = _with_horizon_row(case, pool, levels[-1])
    time_limit = time_limit or params.time_limit
    mip_gap = params.mip_gap if mip_gap is None else mip_gap
    if jobs > 1 and len(levels) > 1:
        points = _parallel_sweep(swept, row, levels, time_limit, mip_gap, warm_start, jobs, progress, variant)
    else:
        sweeper = _Sweeper(swept, row, time_limit, mip_gap, warm_start, variant)
        points = []
        for k, level in enumerate(levels):
            points.append(sweeper.solve(level))
            if progress:
                progress(k + 1, len(levels))
    return monotone(points, minimise=params.objective == "min_cost")


def _parallel_sweep(case, row, levels, time_limit, mip_gap, warm, jobs, progress, variant=None) -> list[FrontierPoint]:
    """Levels handed out in increasing order to ``jobs`` worker processes (spawned: HiGHS
    may hold threads, which a fork would copy half-way), each sweeping its share on its own
    persistent model with warm starts.  As always with spawned workers, a script calling
    this must guard its top level with ``if __name__ == "__main__":``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    context = multiprocessing.get_context("spawn")
    points: list[FrontierPoint | None] = [None] * len(levels)
    with ProcessPoolExecutor(max_workers=min(jobs, len(levels)), mp_context=context, initializer=_start_worker,
                             initargs=(case, row, time_limit, mip_gap, warm, variant)) as pool:
        futures = {pool.submit(_solve_in_worker, level): k for k, level in enumerate(levels)}
        for done, future in enumerate(as_completed(futures), 1):
            points[futures[future]] = future.result()
            if progress:
                progress(done, len(levels))
    return points


def monotone(points: list[FrontierPoint], minimise: bool = False) -> list[FrontierPoint]:
    """Points in level order with every level at least as good as the levels below it: a
    worse or missing plan is replaced by the best lower level's (``carried``)."""
    best: FrontierPoint | None = None
    out = []
    for point in points:
        if best is not None:
            tol = 1e-9 * max(1.0, abs(best.objective))
            worse = point.objective is None or (point.objective > best.objective + tol if minimise
                                                else point.objective < best.objective - tol)
            if worse:
                point = dataclasses.replace(
                    best, level=point.level, status=point.status if point.objective is not None else "feasible",
                    gap=point.gap if point.objective is not None else None, seconds=point.seconds,
                    solver_seconds=point.solver_seconds, carried=True)
        if point.objective is not None:
            best = point
        out.append(point)
    return out


# ----------------------------------------------------------------------------- least budget
def least_budget(case: Case, pool: str = TOTAL_POOL, *, time_limit: float | None = None,
                 mip_gap: float | None = None, variant=None) -> LeastBudget:
    """The least whole-horizon limit on ``pool`` that meets every target: a min-cost solve
    of the pool's spending with that row lifted (other rows and all rules kept)."""
    params = case.parameters
    lifted = dataclasses.replace(case, budgets=tuple(b for b in case.budgets
                                                     if not (b.pool == pool and b.year is None)))
    model = build_model(lifted)
    if variant is not None:
        variant.apply(model)
    model.objective.deactivate()
    row = Budget(pool, 0.0)
    model.least_budget = pyo.Objective(expr=budget_spend(model, model.data, row), sense=pyo.minimize)
    solver = Solver(model, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    outcome = solver.solve()
    plan = extract_plan(model) if outcome.has_solution else {}
    budget = evaluate.spend(lifted, plan, row) if outcome.has_solution else None
    return LeastBudget(pool, outcome.status, budget, plan, outcome.gap, outcome.seconds)


# ----------------------------------------------------------------------------- Pareto frontier
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


def pareto_frontier(case: Case, x: str = "capex", y: str = "co2_reduction", steps: int = 11, *,
                    time_limit: float | None = None, mip_gap: float | None = None,
                    progress: Progress | None = None) -> ParetoFrontier:
    """ε-constraint method.  ``capex`` is minimised, every other quantity maximised.

    The ends of the range of ε: the best ``x`` alone, and the ``x`` of the best ``y``
    (lexicographically: best ``y``, then best ``x`` at it).  At each ε in between, optimise
    ``y`` subject to ``x`` no worse than ε, then, at that ``y``, optimise ``x``, so that every
    point is non-dominated.  Budgets, targets and rules all hold."""
    params = case.parameters
    model = build_model(case)
    model.objective.deactivate()
    x_expr, y_expr = quantity(model, x), quantity(model, y)
    x_min, y_min = x in MINIMISED, y in MINIMISED
    model.pareto_x = pyo.Objective(expr=x_expr, sense=pyo.minimize if x_min else pyo.maximize)
    model.pareto_y = pyo.Objective(expr=y_expr, sense=pyo.minimize if y_min else pyo.maximize)
    model.epsilon = pyo.Param(mutable=True, initialize=0.0)
    model.epsilon_row = pyo.Constraint(expr=(x_expr <= model.epsilon) if x_min else (x_expr >= model.epsilon))
    model.floor = pyo.Param(mutable=True, initialize=0.0)
    model.floor_row = pyo.Constraint(expr=(y_expr <= model.floor) if y_min else (y_expr >= model.floor))
    model.epsilon_row.deactivate()
    model.floor_row.deactivate()
    solver = Solver(model, time_limit or params.time_limit, params.mip_gap if mip_gap is None else mip_gap)
    variables = list(model.component_data_objects(pyo.Var, descend_into=True))

    def optimise(which, start=None):
        (model.pareto_x if which == "x" else model.pareto_y).activate()
        (model.pareto_y if which == "x" else model.pareto_x).deactivate()
        if start:
            solver.warm_start(start)
        return solver.solve()

    def values():
        return [(v, v.value) for v in variables]

    def hold_y(value):  # y no worse than ``value`` (less a feasibility tolerance)
        slack = 1e-6 * max(1.0, abs(value))
        model.floor = value + slack if y_min else value - slack
        model.floor_row.activate()

    first = optimise("x")
    if not first.has_solution:
        return ParetoFrontier(x, y, first.status, [])
    x_best = quantity_value(case, extract_plan(model), x)
    optimise("y", values())
    hold_y(quantity_value(case, extract_plan(model), y))
    optimise("x", values())
    x_other = quantity_value(case, extract_plan(model), x)
    model.floor_row.deactivate()
    lo, hi = sorted((x_best, x_other))
    # From the tight end of the ε row to the loose one, so that each plan can start the next solve.
    epsilons = budget_levels(lo, hi, steps)
    order = epsilons if x_min else epsilons[::-1]
    model.epsilon_row.activate()
    points: list[ParetoPoint] = []
    start = None
    for k, eps in enumerate(order):
        started = time.perf_counter()
        model.epsilon = eps
        model.floor_row.deactivate()
        a = optimise("y", start)
        if not a.has_solution:
            points.append(ParetoPoint(eps, a.status, None, None, a.gap, {}, False, time.perf_counter() - started))
        else:
            plan = extract_plan(model)
            hold_y(quantity_value(case, plan, y))
            b = optimise("x", values())
            if b.has_solution:
                plan = extract_plan(model)
            start = values() if b.has_solution else None
            points.append(ParetoPoint(eps, a.status, quantity_value(case, plan, x), quantity_value(case, plan, y),
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


# ----------------------------------------------------------------------------- the sweep command
@dataclass
class SweepRun:
    """What ``retrofit-opt sweep`` computed, for the workbook and the JSON (no Pyomo)."""

    case: Case
    pool: str
    points: list[FrontierPoint]
    least: LeastBudget | None = None
    pareto: ParetoFrontier | None = None
    priority: object | None = None  # priority.PriorityList
    options: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.points:
            counts[p.status] = counts.get(p.status, 0) + 1
        return counts

    @property
    def any_plan_meets_targets(self) -> bool:
        """Does the plan of some budget level meet every target (the command's exit code 0)?"""
        return any(p.targets_met for p in self.points)

    def to_json(self) -> dict:
        case = self.case
        multi = case.multi_year

        def selected(plan):
            ids = [p.id for p in case.projects if p.id in plan]
            return [{"id": pid, "start_year": plan[pid]} for pid in ids] if multi else ids

        objective = case.parameters.objective
        out = {
            "pool": self.pool,
            "objective_name": objective,
            "objective_sense": "min" if objective == "min_cost" else "max",
            "points": [{"level": p.level, "status": p.status, "objective": p.objective, "gap": p.gap,
                        "spend": p.spend, "targets_met": p.targets_met, "carried": p.carried,
                        "chosen": p.chosen, "seconds": p.seconds, "solver_seconds": p.solver_seconds,
                        "selected": selected(p.plan)} for p in self.points],
        }
        if self.least is not None:
            lb = self.least
            out["least_budget"] = {"pool": lb.pool, "status": lb.status, "budget": lb.budget, "gap": lb.gap,
                                   "chosen": len(lb.plan), "selected": selected(lb.plan)}
        if self.pareto is not None:
            pf = self.pareto
            out["pareto"] = {"x": pf.x, "y": pf.y, "x_sense": "min" if pf.x_minimised else "max",
                             "y_sense": "min" if pf.y_minimised else "max", "status": pf.status,
                             "points": [{"epsilon": p.epsilon, "status": p.status, "x": p.x, "y": p.y,
                                         "gap": p.gap, "targets_met": p.targets_met,
                                         "selected": selected(p.plan)} for p in pf.points]}
        if self.priority is not None:
            pr = self.priority
            out["priority"] = {
                "status": pr.status, "gap": pr.gap, "objective_name": pr.objective, "levels": pr.levels,
                "weights": pr.weights, "weights_from": pr.weights_from,
                "list": [{"rank": e.rank, "id": e.project_id, "level": e.level, "budget": e.budget,
                          "greedy_rank": e.greedy_rank} for e in pr.entries],
                "by_level": [{"budget": c.budget, "weight": c.weight, "objective": c.objective,
                              "greedy_objective": c.greedy_objective, "greedy_loss": c.greedy_loss,
                              "greedy_keeps_rules": c.greedy_feasible} for c in pr.comparison],
            }
        out["options"] = self.options
        out["seconds"] = self.timings
        out["units"] = {"money": "万元", **dict(case.metric_units)}
        return out


def run_sweep(case: Case, levels: list[float], pool: str = TOTAL_POOL, *, pareto: tuple[str, str] | None = None,
              pareto_steps: int = 11, priority_levels: list[float] | None = None,
              priority_weights: list[float] | None = None, weights_from: str = "equal",
              time_limit: float | None = None, mip_gap: float | None = None, jobs: int = 1,
              progress: Callable[[str, int, int], None] | None = None, variant=None) -> SweepRun:
    """The budget frontier of ``pool``, its least budget, optionally the Pareto frontier of
    ``pareto`` = (x, y) and the nested priority list over ``priority_levels``."""
    from retrofit_opt.priority import nested_priority

    def stage(name):
        return (lambda done, total: progress(name, done, total)) if progress else None

    timings = {}
    started = time.perf_counter()
    points = budget_sweep(case, levels, pool, time_limit=time_limit, mip_gap=mip_gap, progress=stage("sweep"),
                          jobs=jobs, variant=variant)
    timings["sweep"] = time.perf_counter() - started
    mark = time.perf_counter()
    least = least_budget(case, pool, time_limit=time_limit, mip_gap=mip_gap, variant=variant)
    if progress:
        progress("least budget", 1, 1)
    timings["least_budget"] = time.perf_counter() - mark
    front = None
    if pareto is not None:
        mark = time.perf_counter()
        front = pareto_frontier(case, pareto[0], pareto[1], pareto_steps, time_limit=time_limit, mip_gap=mip_gap,
                                progress=stage("pareto"))
        timings["pareto"] = time.perf_counter() - mark
    ranking = None
    if priority_levels:
        mark = time.perf_counter()
        ranking = nested_priority(case, priority_levels, pool, priority_weights, time_limit=time_limit,
                                  mip_gap=mip_gap, weights_from=weights_from)
        if progress:
            progress("priority list", 1, 1)
        timings["priority"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    params = case.parameters
    options = {"pool": pool, "levels": len(levels), "budget_from": min(levels), "budget_to": max(levels),
               "time_limit": time_limit or params.time_limit,
               "mip_gap": params.mip_gap if mip_gap is None else mip_gap, "objective": params.objective,
               "jobs": jobs}
    if pareto is not None:
        options["pareto"] = f"{pareto[0]}:{pareto[1]}"
        options["pareto_steps"] = pareto_steps
    return SweepRun(case, pool, points, least, front, ranking, options, timings)
