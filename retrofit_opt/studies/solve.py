"""Solve a validated case: build model → solve → extract plan → evaluate → explain."""
from __future__ import annotations

import math
import time

from retrofit_opt import evaluate
from retrofit_opt.case import Case
from retrofit_opt.errors import SolverError
from retrofit_opt.model.arrays import model_arrays
from retrofit_opt.model.data import ModelData
from retrofit_opt.model.extract import plan_from_values
from retrofit_opt.results import Result
from retrofit_opt.solve import ArraySolver, solver_options
from retrofit_opt.studies.explain import EXPLAIN_SECONDS, FORCE_IN_SECONDS, explain_exclusions


def solve_case(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
               explain: bool = True, explain_limit: int | None = None, explain_seconds: float | None = None,
               diagnose: bool = True) -> Result:
    """Solve ``case``; the result carries the plan, its evaluation, and (on request) why
    each left-out project is out and what infeasible targets would need.

    The hot path needs no Pyomo component: the model goes to HiGHS as arrays
    (:func:`retrofit_opt.model.arrays.model_arrays`, the same LP as ``build_model``), and
    the explanations re-solve that same instance.  ``explain_limit`` caps how many
    left-out projects are analysed (default: all); ``explain_seconds`` bounds the
    explanations' re-solves (default: scaled with the main solve)."""
    params = case.parameters
    time_limit, mip_gap = solver_options(params, time_limit, mip_gap)
    started = time.perf_counter()
    data = ModelData.from_case(case)
    arrays = model_arrays(data)
    solver = ArraySolver(arrays, time_limit, mip_gap)
    built = time.perf_counter()
    outcome = solver.solve()
    solved = time.perf_counter()

    plan = plan_from_values(solver.option_values(), data) if outcome.has_solution else {}
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    if objective is not None and not math.isclose(objective, outcome.objective, rel_tol=1e-6, abs_tol=1e-4):
        raise SolverError(f"internal check failed: the solver's objective {outcome.objective} differs from "
                          f"the plan's recomputed objective {objective}")
    violations = evaluate.plan_violations(case, plan) if outcome.has_solution else []
    if violations:
        raise SolverError("internal check failed: the solver's plan breaks the case's rules ("
                          + "; ".join(violations[:5]) + "); this is a solver fault — please report it "
                          "with the case file")
    exclusions, diagnosis = {}, None
    if outcome.has_solution and explain:
        exclusions = explain_exclusions(data, solver, plan, outcome.objective, outcome.bound,
                                        params.objective == "min_cost", main_seconds=outcome.seconds,
                                        mip_gap=mip_gap, time_limit=min(time_limit, FORCE_IN_SECONDS),
                                        time_budget=explain_seconds,
                                        hard_cap=max(EXPLAIN_SECONDS, 2 * outcome.seconds), limit=explain_limit)
    explained = time.perf_counter()
    if outcome.status == "infeasible" and diagnose and case.targets:
        from retrofit_opt.studies.diagnose import diagnose as run_diagnosis
        diagnosis = run_diagnosis(case, time_limit, mip_gap)
    finished = time.perf_counter()
    checks = evaluate.target_checks(case, plan)
    if diagnosis is not None:
        from dataclasses import replace
        checks = [replace(c, best_reachable=diagnosis.best_reachable.get(c.label)) for c in checks]
    return Result(
        case=case, status=outcome.status, termination=outcome.termination, objective=objective,
        bound=outcome.bound, gap=outcome.gap, plan=plan, budget_uses=evaluate.budget_uses(case, plan),
        target_checks=checks, totals=evaluate.metric_totals(case, plan),
        timings={"build": built - started, "solve": outcome.seconds, "explain": explained - solved,
                 "diagnose": finished - explained, "total": finished - started},
        options={"time_limit": time_limit, "mip_gap": mip_gap, "objective": params.objective},
        exclusions=exclusions, diagnosis=diagnosis)
