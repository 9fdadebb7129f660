"""The risk study (issue 14): how sure is the deterministic plan to meet its targets?

1. Solve the case as given (the deterministic pipeline).
2. Sample ``samples`` scenarios of every ranged input (:func:`uncertainty.sample_scenarios`)
   and evaluate the chosen plan on each, vectorised (:func:`uncertainty.evaluate_plan`).
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
from retrofit_opt.uncertainty import (DEFAULT_SAMPLES, evaluate_plan, fixed_scenarios, project_deviations,
                                      sample_scenarios, scenario_case, uncertain_inputs, wilson_interval)

try:  # issue 12 moves the pipeline to studies/solve.py
    from retrofit_opt.studies.solve import solve_case
except ImportError:  # pragma: no cover - before the architecture refactor lands
    from retrofit_opt.pipeline import solve_case

TORNADO_DEFAULT = 10
DRIVERS_SHOWN = 10
HISTOGRAM_BINS = 20


def percentiles(values: np.ndarray) -> Percentiles:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Percentiles(float(p10), float(p50), float(p90), float(np.mean(values)))


def histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    counts, edges = np.histogram(values, bins=bins)
    return Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


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
    scenarios = sample_scenarios(case, samples, seed)
    sampled = time.perf_counter()
    outcome = evaluate_plan(case, plan, scenarios)
    evaluated = time.perf_counter()

    targets = []
    for i, (target, check) in enumerate(zip(case.targets, result.targets)):
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
            drivers=_drivers(case, plan, scenarios, row.metric, row.year)))
    budgets = []
    for j, use in enumerate(result.budgets):
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


def _tornado(case: Case, result, limit: int, time_limit, mip_gap) -> tuple[list[TornadoBar], int]:
    inputs = [i for i in uncertain_inputs(case) if i.width > 0]
    if not inputs:
        return [], 0
    settings = []
    for i in inputs:
        settings += [{i.key: i.low}, {i.key: i.high}]
    swings = fixed_scenarios(case, settings)
    outcome = evaluate_plan(case, result.plan, swings)
    base_objective = result.objective

    def relative(values: np.ndarray, base: float) -> np.ndarray:
        return np.abs(values - base) / max(abs(base), 1e-9)
    score = relative(outcome.totals["objective"], base_objective)
    for values, check in zip(outcome.targets, result.targets):
        score = np.maximum(score, relative(values, check.achieved))
    per_input = np.maximum(score[0::2], score[1::2])
    width = np.array([i.width / max(abs(i.estimate), 1e-9) for i in inputs])
    moves = per_input > 1e-12
    order = sorted(range(len(inputs)), key=lambda k: (not moves[k], -(per_input[k] if moves[k] else width[k]), k))
    bars = []
    for k in order[:limit]:
        runs = []
        for row in (2 * k, 2 * k + 1):
            swung = solve_case(scenario_case(case, swings, row), time_limit=time_limit, mip_gap=mip_gap,
                               explain=False, diagnose=False)
            has_plan = swung.status in ("optimal", "feasible")
            runs.append((swung.objective if has_plan else None, swung.status,
                         has_plan and swung.plan != result.plan))
        plan_values = outcome.totals["objective"]
        bars.append(TornadoBar(inputs[k], runs[0][0], runs[1][0], runs[0][1], runs[1][1],
                               float(plan_values[2 * k]), float(plan_values[2 * k + 1]), runs[0][2], runs[1][2]))
    bars.sort(key=lambda b: -b.swing if math.isfinite(b.swing) else -math.inf)
    return bars, len(inputs)
