"""The risk study (issue 14): how sure is the deterministic plan to meet its targets?

1. Solve the case as given (the deterministic pipeline).
2. Sample ``samples`` scenarios of every ranged input of the plan's projects and of the
   parameters (:func:`uncertainty.sample_scenarios` on :func:`plan_case`) and evaluate the
   chosen plan on each, vectorised (:func:`uncertainty.evaluate_plan`).
3. Per target: the share of samples meeting it with a 95 % Wilson interval; the expected
   shortfall E[max(0, required − achieved)] (and its mean over the samples that miss);
   P10/P50/P90 of the achieved value; the projects driving its risk, ranked by their share
   Cov(X_p, T)/Var(T) of the variance of the plan's total T (X_p: the project's deviation
   from its estimate; the shares add up to 1, a negative share damps the total).
   Per budget row: the share of samples within the limit, the expected overrun.
   P10/P50/P90 of the plan's energy saving, CO2, capex, NPV and objective.
4. Tornado: each input at its low and at its high end, every other at its estimate,
   re-solved.  At most ``tornado`` inputs (default 10) are re-solved, chosen by their swing
   at the deterministic plan kept fixed: the largest relative change of the objective or of
   any target's achieved value; inputs that do not move the fixed plan (e.g. of projects
   left out) follow by the relative width of their range.  The fixed-plan swing is kept
   beside the re-solved one.
"""
from __future__ import annotations

import math
import time

import numpy as np

from retrofit_opt.case import Case
from retrofit_opt.results_risk import (QUANTITIES, BudgetRisk, Driver, Histogram, Percentiles, RiskResult,
                                       TargetRisk, TornadoBar)
from retrofit_opt.rules import target_row
from retrofit_opt.studies.solve import solve_case
from retrofit_opt.uncertainty import (DEFAULT_SAMPLES, evaluate_plan, fixed_scenarios, project_deviations,
                                      sample_scenarios, scenario_case, uncertain_inputs, wilson_interval)


TORNADO_DEFAULT = 10
DRIVERS_SHOWN = 10
HISTOGRAM_BINS = 20


def percentiles(values: np.ndarray) -> Percentiles:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Percentiles(float(p10), float(p50), float(p90), float(np.mean(values)))


def histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    counts, edges = np.histogram(values, bins=bins)
    return Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


def plan_case(case: Case, plan) -> Case:
    """The case restricted to the plan's projects, for sampling: the joint law of a set
    of projects under the group copula does not depend on the projects outside it, so
    the plan's figures are those of the whole case, at a fraction of the cost (the random
    numbers differ from a whole-case draw with the same seed)."""
    import dataclasses
    return dataclasses.replace(case, projects=tuple(p for p in case.projects if p.id in plan))


def risk_study(case: Case, *, samples: int = DEFAULT_SAMPLES, seed: int | None = 0,
               tornado: int = TORNADO_DEFAULT, time_limit: float | None = None,
               mip_gap: float | None = None, explain: bool = False) -> RiskResult:
    """Solve ``case`` and study its plan under the case's ranges (module docstring)."""
    started = time.perf_counter()
    result = solve_case(case, time_limit=time_limit, mip_gap=mip_gap, explain=explain)
    solved = time.perf_counter()
    params = case.parameters
    inputs = tuple(uncertain_inputs(case))
    base = dict(deterministic=result, samples=samples, seed=seed, distribution=params.uncertainty_distribution,
                correlation=params.uncertainty_correlation, group_by=params.uncertainty_group, inputs=inputs)
    if result.status not in ("optimal", "feasible"):
        return RiskResult(**base, timings={"solve": solved - started, "total": solved - started})
    plan = result.plan
    case_of_plan = plan_case(case, plan)
    scenarios = sample_scenarios(case_of_plan, samples, seed)
    sampled = time.perf_counter()
    outcome = evaluate_plan(case_of_plan, plan, scenarios)
    evaluated = time.perf_counter()

    targets = []
    for i, (target, check) in enumerate(zip(case.targets, result.target_checks)):
        met = outcome.met[i]
        shortfall = outcome.shortfall[i]
        missed = ~met
        row = target_row(case, target)
        targets.append(TargetRisk(
            label=target.label, metric=row.metric, kind=target.kind, year=row.year, required=row.rhs,
            deterministic=check.achieved, probability=float(met.mean()),
            interval=wilson_interval(int(met.sum()), samples),
            expected_shortfall=float(np.where(missed, shortfall, 0.0).mean()),
            shortfall_when_missed=float(shortfall[missed].mean()) if missed.any() else None,
            percentiles=percentiles(outcome.targets[i]),
            drivers=_drivers(case_of_plan, plan, scenarios, row.metric, row.year)))
    budgets = []
    for j, use in enumerate(result.budget_uses):
        spend = outcome.spend[j]
        limit = use.budget.limit
        within = spend <= limit * (1 + 1e-6) + 1e-6  # BudgetUse.ok's tolerance
        budgets.append(BudgetRisk(use.budget.pool, use.budget.year, limit, use.used, float(within.mean()),
                                  wilson_interval(int(within.sum()), samples),
                                  float(np.maximum(spend - limit, 0.0).mean()), percentiles(spend)))
    totals = {q: percentiles(outcome.totals[q]) for q in QUANTITIES}
    histograms = {q: histogram(outcome.totals[q]) for q in ("energy_saving", "npv")}
    measured = time.perf_counter()
    bars, candidates = _tornado(case, result, tornado, time_limit, mip_gap) if tornado > 0 else ((), _count(inputs))
    finished = time.perf_counter()
    return RiskResult(**base, targets=tuple(targets), budgets=tuple(budgets), totals=totals,
                      objective=percentiles(outcome.totals["objective"]), histograms=histograms,
                      tornado=tuple(bars), tornado_limit=tornado, tornado_candidates=candidates,
                      timings={"solve": solved - started, "sample": sampled - solved,
                               "evaluate": evaluated - sampled, "statistics": measured - evaluated,
                               "tornado": finished - measured, "total": finished - started})


def _drivers(case: Case, plan, scenarios, metric: str, year) -> tuple[Driver, ...]:
    if metric not in ("energy_saving", "co2_reduction"):
        return ()
    deviations = project_deviations(case, plan, scenarios, metric, year)
    total = deviations.sum(axis=1)
    variance = float(np.var(total))
    if variance <= 0.0:
        return ()
    centred = total - total.mean()
    shares = (deviations - deviations.mean(axis=0)).T @ centred / (len(total) * variance)
    order = np.argsort(-np.abs(shares), kind="stable")[:DRIVERS_SHOWN]
    return tuple(Driver(case.projects[k].id, case.projects[k].name, float(shares[k]))
                 for k in order if abs(shares[k]) > 1e-12)


def _count(inputs) -> int:
    return sum(1 for i in inputs if i.width > 0)


def _screen(case: Case, result, inputs) -> np.ndarray:
    """Each input's swing at the deterministic plan kept fixed: the largest relative change
    of the objective or of a target's achieved value, with the input at its low or high end.

    A project's values depend on its own inputs only, so one scenario per (quantity, end)
    with every project at that end gives each project input's effect as its own column of
    :func:`project_deviations`; parameters get one scenario per end."""
    plan, params = result.plan, case.parameters
    year = params.end_year if case.multi_year else None
    rows, parameter_rows = [], []
    for q in ("saving", "co2", "capex"):
        for end in ("low", "high"):
            rows.append({i.key: getattr(i, end) for i in inputs if i.quantity == q})
    for k, i in enumerate(inputs):
        if i.project_id is None:
            parameter_rows.append(k)
            rows += [{i.key: i.low}, {i.key: i.high}]
    swings = fixed_scenarios(case, rows)
    quantities = ("energy_saving", "co2_reduction", "capex", "npv")
    deviation = {q: project_deviations(case, plan, swings, q, year) for q in quantities}
    weights = ({"max_saving": {"energy_saving": 1.0}, "max_co2": {"co2_reduction": 1.0}, "min_cost": {"capex": 1.0},
                "max_npv": {"npv": 1.0}}.get(params.objective)
               or {k: w for k, w in params.weights.items() if k in quantities})
    objective = sum(w * deviation[q] for q, w in weights.items())
    base = max(abs(result.objective), 1e-9)
    column = {p.id: j for j, p in enumerate(case.projects)}
    checks = [(target_row(case, target), check) for target, check in zip(case.targets, result.target_checks)]
    target_devs = [(project_deviations(case, plan, swings, row.metric, row.year) if row.metric in quantities[:2]
                    else None, max(abs(check.achieved), 1e-9)) for row, check in checks]
    score = np.zeros(len(inputs))
    offset = {q: 2 * n for n, q in enumerate(("saving", "co2", "capex"))}
    for k, i in enumerate(inputs):
        if i.project_id is None:
            continue
        j, first = column[i.project_id], offset[i.quantity]
        for r in (first, first + 1):
            score[k] = max(score[k], abs(objective[r, j]) / base if np.ndim(objective) else 0.0,
                           *(abs(d[r, j]) / scale for d, scale in target_devs if d is not None))
    if parameter_rows:
        outcome = evaluate_plan(case, plan, fixed_scenarios(case, rows[6:]))
        for n, k in enumerate(parameter_rows):
            for r in (2 * n, 2 * n + 1):
                score[k] = max(score[k], abs(outcome.totals["objective"][r] - result.objective) / base,
                               *(abs(values[r] - check.achieved) / max(abs(check.achieved), 1e-9)
                                 for values, (_, check) in zip(outcome.targets, checks)))
    return score


def _tornado(case: Case, result, limit: int, time_limit, mip_gap) -> tuple[list[TornadoBar], int]:
    inputs = [i for i in uncertain_inputs(case) if i.width > 0]
    if not inputs:
        return [], 0
    per_input = _screen(case, result, inputs)
    width = np.array([i.width / max(abs(i.estimate), 1e-9) for i in inputs])
    moves = per_input > 1e-12
    order = sorted(range(len(inputs)), key=lambda k: (not moves[k], -(per_input[k] if moves[k] else width[k]), k))
    bars = []
    for k in order[:limit]:
        i = inputs[k]
        swings = fixed_scenarios(case, [{i.key: i.low}, {i.key: i.high}])
        fixed = evaluate_plan(case, result.plan, swings).totals["objective"]
        runs = []
        for row in (0, 1):
            swung = solve_case(scenario_case(case, swings, row), time_limit=time_limit, mip_gap=mip_gap,
                               explain=False, diagnose=False, indicators=False)
            has_plan = swung.status in ("optimal", "feasible")
            runs.append((swung.objective if has_plan else None, swung.status,
                         has_plan and swung.plan != result.plan))
        bars.append(TornadoBar(i, runs[0][0], runs[1][0], runs[0][1], runs[1][1], float(fixed[0]), float(fixed[1]),
                               runs[0][2], runs[1][2]))
    bars.sort(key=lambda b: -b.swing if math.isfinite(b.swing) else -math.inf)
    return bars, len(inputs)
