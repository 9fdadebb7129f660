"""Solve a validated case: build model → solve → extract plan → evaluate → explain."""
from __future__ import annotations

import math
import time

from retrofit_opt import evaluate
from retrofit_opt.case import Case
from retrofit_opt.errors import SolverError
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.results import Result
from retrofit_opt.solve import Solver, solver_options
from retrofit_opt.studies.explain import EXPLAIN_LIMIT, FORCE_IN_SECONDS, explain_exclusions


def solve_case(case: Case, *, time_limit: float | None = None, mip_gap: float | None = None,
               explain: bool = True, explain_limit: int = EXPLAIN_LIMIT, diagnose: bool = True) -> Result:
    """Solve ``case``; the result carries the plan, its evaluation, and (on request) why
    each left-out project is out and what infeasible targets would need."""
    params = case.parameters
    time_limit, mip_gap = solver_options(params, time_limit, mip_gap)
    started = time.perf_counter()
    data = ModelData.from_case(case)
    model = build_model(data)
    built = time.perf_counter()
    solver = Solver(model, time_limit, mip_gap)
    outcome = solver.solve()
    solved = time.perf_counter()

    plan = extract_plan(model, data) if outcome.has_solution else {}
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
        exclusions = explain_exclusions(model, data, solver, plan, outcome.objective,
                                        params.objective == "min_cost", explain_limit,
                                        min(time_limit, FORCE_IN_SECONDS))
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
