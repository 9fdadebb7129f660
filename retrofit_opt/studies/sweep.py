"""Budget frontier and least budget, on one persistent model each, and the sweep command.

A sweep builds the model once and changes only the swept budget row's right-hand side
(the mutable Param ``budget_limit``) between solves; HiGHS re-solves in place, started
from the previous level's plan (still feasible: the budget only grows).  On an executor
(``--jobs``, ``--scheduler``) the levels are shared among workers, each sweeping runs of
consecutive levels on its own persistent model.

- :func:`budget_sweep`: the best objective at every budget level of one pool's
  whole-horizon row (added when the case has none); more budget never gives less.
- :func:`least_budget`: the least limit on that row that meets every target, solved as a
  min-cost problem (minimise the row's spending with the row lifted), not by bisection.
- :func:`run_sweep`: both, plus the Pareto frontier (:mod:`retrofit_opt.studies.pareto`)
  and the nested priority list (:mod:`retrofit_opt.studies.priority`), for
  ``retrofit-opt sweep``.
"""
from __future__ import annotations

import copyreg
import dataclasses
import math
import time
from types import MappingProxyType
from typing import Callable

from retrofit_opt import evaluate
from retrofit_opt.case import TOTAL_POOL, Budget, Case
from retrofit_opt.errors import SolverError
from retrofit_opt.evaluate import Plan
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.arrays import model_arrays
from retrofit_opt.model.extract import extract_plan, plan_from_values
from retrofit_opt.results import FrontierPoint, LeastBudget, SweepRun
from retrofit_opt.scenarios import with_horizon_row
from retrofit_opt.solve import ArraySolver, Solver, solver_options

Progress = Callable[[int, int], None]


def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


# A case holds MappingProxyType fields; worker processes receive the case pickled.
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


# ----------------------------------------------------------------------------- budget sweep
class _Sweeper:
    """One persistent model of the case: only the swept row's limit changes between solves.

    Without a ``variant`` (which edits Pyomo components) the model goes to HiGHS as arrays
    (:func:`retrofit_opt.model.arrays.model_arrays`, the same LP as ``build_model``) and a
    level is one row bound changed in place; ``pyomo=True`` keeps the Pyomo model (the
    model of record; tests compare the two)."""

    def __init__(self, case: Case, row: int, time_limit: float, mip_gap: float, warm: bool, variant=None,
                 pyomo: bool = False):
        self.case, self.row, self.warm = case, row, warm
        self.data = ModelData.from_case(case)
        self.pyomo = pyomo or variant is not None
        self.start: tuple[float, object] | None = None  # (level, start values) of the last plan
        if not self.pyomo:
            arrays = model_arrays(self.data)
            self.solver = ArraySolver(arrays, time_limit, mip_gap)
            self.swept_row = arrays.budget_row(row)
            return
        from retrofit_opt.model.variants import set_budget_limit
        self._set_limit = set_budget_limit
        self.model = build_model(self.data)
        if variant is not None:  # a robust variant (studies.robust.ModelVariant)
            variant.apply(self.model, self.data)
        self.solver = Solver(self.model, time_limit, mip_gap)
        self.solver.only_parameter_changes()

    def solve(self, level: float) -> FrontierPoint:
        if self.pyomo:
            self._set_limit(self.model, self.row, level)
        elif self.swept_row is not None:  # a row without terms holds at every level (as in Pyomo)
            self.solver.set_row_upper(self.swept_row, level)
        if self.warm and self.start is not None and self.start[0] <= level:
            # feasible here: only this limit grew
            if self.pyomo:
                self.solver.warm_start(self.start[1])
            else:
                self.solver.warm_start_columns(self.start[1])
        clock = self.solver.run_seconds()
        outcome = self.solver.solve()
        pure = max(0.0, self.solver.run_seconds() - clock)
        plan = {}
        if outcome.has_solution:
            if self.pyomo:
                plan = extract_plan(self.model, self.data)
                self.start = (level, self.solver.current_values())
            else:
                plan = plan_from_values(self.solver.option_values(), self.data)
                self.start = (level, self.solver.values.copy())
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


def _sweep_chunk(case: Case, row: int, levels: list[float], time_limit: float, mip_gap: float,
                 warm: bool, variant=None) -> list[FrontierPoint]:
    """A worker's share of a sweep: consecutive levels on its own persistent model."""
    sweeper = _Sweeper(case, row, time_limit, mip_gap, warm, variant)
    return [sweeper.solve(level) for level in levels]


def budget_sweep(case: Case, levels: list[float], pool: str = TOTAL_POOL, *, time_limit: float | None = None,
                 mip_gap: float | None = None, progress: Progress | None = None, warm_start: bool = True,
                 jobs: int = 1, executor=None, variant=None) -> list[FrontierPoint]:
    """Solve the case at every budget level (万元) of ``pool``'s whole-horizon row, in
    increasing order, on one persistent model (one per run of levels when ``executor``,
    an :class:`~retrofit_opt.studies.execution.ExecutorSpec`, is not serial; ``jobs`` > 1
    is short for that many worker processes).

    Only the row's right-hand side changes between solves; each solve starts from the
    previous level's plan.  The frontier is monotone: when a solver stopped at its gap or
    time limit returns a plan worse than a lower level's, the lower level's plan is kept
    (``carried``) — it is feasible at every higher level."""
    params = case.parameters
    levels = sorted(float(v) for v in levels)
    if not levels:
        return []
    swept, row = with_horizon_row(case, pool, levels[-1])
    time_limit, mip_gap = solver_options(params, time_limit, mip_gap)
    executor = _executor(executor, jobs)
    if executor.kind != "serial" and len(levels) > 1:
        points = _parallel_sweep(swept, row, levels, time_limit, mip_gap, warm_start, executor, progress, variant)
    else:
        sweeper = _Sweeper(swept, row, time_limit, mip_gap, warm_start, variant)
        points = []
        for k, level in enumerate(levels):
            points.append(sweeper.solve(level))
            if progress:
                progress(k + 1, len(levels))
    return monotone(points, minimise=params.objective == "min_cost")


def _executor(executor, jobs: int):
    from retrofit_opt.studies.execution import ExecutorSpec
    return executor if executor is not None else ExecutorSpec.from_options(jobs)


def _parallel_sweep(case, row, levels, time_limit, mip_gap, warm, executor, progress,
                    variant=None) -> list[FrontierPoint]:
    """Levels cut into runs of consecutive levels (two per worker, so that an uneven share
    evens out), each swept on its own persistent model with warm starts, on any executor
    of :mod:`retrofit_opt.studies.execution` (spawned worker processes or a Dask cluster).
    The workers receive the case, never a model."""
    from concurrent.futures import as_completed
    chunks = chunks_of(levels, 2 * executor.workers)
    points: list[FrontierPoint | None] = [None] * len(levels)
    done = 0
    with executor.open() as pool:
        futures = {pool.submit(_sweep_chunk, case, row, [levels[k] for k in chunk], time_limit, mip_gap, warm,
                               variant):
                   chunk for chunk in chunks}
        for future in as_completed(futures):
            for k, point in zip(futures[future], future.result()):
                points[k] = point
            done += len(futures[future])
            if progress:
                progress(done, len(levels))
    return points


def chunks_of(levels: list, count: int) -> list[list[int]]:
    """Indices of ``levels`` in at most ``count`` runs of consecutive levels, near-equal in size."""
    count = max(1, min(count, len(levels)))
    size, extra = divmod(len(levels), count)
    out, start = [], 0
    for k in range(count):
        stop = start + size + (1 if k < extra else 0)
        out.append(list(range(start, stop)))
        start = stop
    return out



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
                 mip_gap: float | None = None, variant=None, pyomo: bool = False) -> LeastBudget:
    """The least whole-horizon limit on ``pool`` that meets every target: a min-cost solve
    of the pool's spending with that row lifted (other rows and all rules kept).  Without
    a ``variant`` it is solved from arrays (``model_arrays(…, minimise_spend=row)``, the
    same LP as the Pyomo model with that objective); ``pyomo=True`` keeps Pyomo."""
    params = case.parameters
    lifted = dataclasses.replace(case, budgets=tuple(b for b in case.budgets
                                                     if not (b.pool == pool and b.year is None and b.group is None)))
    data = ModelData.from_case(lifted)
    row = Budget(pool, 0.0)
    if variant is None and not pyomo:
        solver = ArraySolver(model_arrays(data, minimise_spend=row), *solver_options(params, time_limit, mip_gap))
        outcome = solver.solve()
        plan = plan_from_values(solver.option_values(), data) if outcome.has_solution else {}
    else:
        from retrofit_opt.model.families import budget_spend
        from retrofit_opt.model.variants import set_objective
        model = build_model(data)
        if variant is not None:
            variant.apply(model, data)
        set_objective(model, budget_spend(model, data, row), minimise=True)
        solver = Solver(model, *solver_options(params, time_limit, mip_gap))
        outcome = solver.solve()
        plan = extract_plan(model, data) if outcome.has_solution else {}
    budget = evaluate.spend(lifted, plan, row) if outcome.has_solution else None
    return LeastBudget(pool, outcome.status, budget, plan, outcome.gap, outcome.seconds)


# ----------------------------------------------------------------------------- the sweep command
def run_sweep(case: Case, levels: list[float], pool: str = TOTAL_POOL, *, pareto: tuple[str, str] | None = None,
              pareto_steps: int = 11, priority_levels: list[float] | None = None,
              priority_weights: list[float] | None = None, weights_from: str = "equal",
              time_limit: float | None = None, mip_gap: float | None = None, jobs: int = 1, executor=None,
              progress: Callable[[str, int, int], None] | None = None, variant=None) -> SweepRun:
    """The budget frontier of ``pool``, its least budget, optionally the Pareto frontier of
    ``pareto`` = (x, y) and the nested priority list over ``priority_levels``.  A robust
    ``variant`` (studies.robust.ModelVariant) applies to the levels and the least budget."""
    def stage(name):
        return (lambda done, total: progress(name, done, total)) if progress else None

    from retrofit_opt import limits  # every level through the one validation path (issue 18)
    limits.check_steps(len(levels), "the number of budget levels")
    levels = [limits.check_budget_level(v) for v in levels]
    priority_levels = [limits.check_budget_level(v) for v in priority_levels] if priority_levels else priority_levels
    limits.check_steps(pareto_steps, "pareto_steps", low=2)
    params = case.parameters
    time_limit, mip_gap = solver_options(params, time_limit, mip_gap)
    timings = {}
    started = time.perf_counter()
    executor = _executor(executor, jobs)
    points = budget_sweep(case, levels, pool, time_limit=time_limit, mip_gap=mip_gap, progress=stage("sweep"),
                          executor=executor, variant=variant)
    timings["sweep"] = time.perf_counter() - started
    mark = time.perf_counter()
    least = least_budget(case, pool, time_limit=time_limit, mip_gap=mip_gap, variant=variant)
    if progress:
        progress("least budget", 1, 1)
    timings["least_budget"] = time.perf_counter() - mark
    front = None
    if pareto is not None:
        from retrofit_opt.studies.pareto import pareto_frontier  # Pyomo: imported only when asked
        mark = time.perf_counter()
        front = pareto_frontier(case, pareto[0], pareto[1], pareto_steps, time_limit=time_limit, mip_gap=mip_gap,
                                progress=stage("pareto"))
        timings["pareto"] = time.perf_counter() - mark
    ranking = None
    if priority_levels:
        from retrofit_opt.studies.priority import nested_priority
        mark = time.perf_counter()
        ranking = nested_priority(case, priority_levels, pool, priority_weights, time_limit=time_limit,
                                  mip_gap=mip_gap, weights_from=weights_from)
        if progress:
            progress("priority list", 1, 1)
        timings["priority"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    options = {"pool": pool, "levels": len(levels), "budget_from": min(levels), "budget_to": max(levels),
               "time_limit": time_limit, "mip_gap": mip_gap, "objective": params.objective,
               "jobs": executor.workers}
    if executor.kind == "dask":
        options["scheduler"] = executor.scheduler
    if pareto is not None:
        options["pareto"] = f"{pareto[0]}:{pareto[1]}"
        options["pareto_steps"] = pareto_steps
    return SweepRun(case, pool, points, least, front, ranking, options, timings)
