"""Robust selection (issue 14): Γ-robust targets, chance-constrained targets by sample
average approximation, and LOGOS's mean-CVaR objective — each a variant of the one model
(:mod:`retrofit_opt.model.robust`) solved by :mod:`retrofit_opt.solve`, its plan checked
and evaluated in plain Python like every other solve.
"""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from retrofit_opt import evaluate
from retrofit_opt.case import Case
from retrofit_opt.errors import CaseError, Problem, SolverError
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model import robust as variants
from retrofit_opt.ranges import ROBUST_FAMILIES, deviation, worst_case_total
from retrofit_opt.results import Result
from retrofit_opt.results_robust import (CvarStats, PricePoint, RobustRun, ScenarioCvarRun, TargetRobustness,
                                         wilson_interval)
from retrofit_opt.rules import target_row
from retrofit_opt.solve import Solver
from retrofit_opt.studies.explain import FORCE_IN_SECONDS
from retrofit_opt.studies.explain_variant import explain_on_variant

DEFAULT_SAMPLES = 500  # scenarios in the optimisation (each adds a binary per target)
DEFAULT_OUT_OF_SAMPLE = 2000  # fresh scenarios on which the chosen plan is re-estimated
OUT_OF_SAMPLE_SEED_OFFSET = 1_000_003  # fresh scenarios: seed + this (never the optimisation's seed)
PRICE_CURVE_MIN = 5  # the price of robustness is traced for Γ = 0 … max(G, this)


@dataclass(frozen=True)
class ModelVariant:
    """A robust variant to apply to a freshly built model (picklable, so that sweep
    workers can rebuild it): Γ, or the sampled metric values and the confidence."""

    gamma: float | None = None
    confidence: float | None = None
    samples: dict | None = None  # metric → ndarray (N, projects)

    def apply(self, model, data: ModelData) -> None:
        """Add the variant's rows to ``model``, built from ``data``."""
        if self.gamma is not None:
            variants.define_budgeted_targets(model, data, self.gamma)
        if self.confidence is not None:
            variants.define_chance_targets(model, data, self.samples, self.confidence)


def build(case: Case):
    """(model, the ModelData it was built from)."""
    data = ModelData.from_case(case)
    return build_model(data), data


def read_plan(model, data: ModelData) -> dict:
    return extract_plan(model, data)


# ----------------------------------------------------------------------------- sampling
def draw_samples(case: Case, n: int, seed: int):
    """``n`` seeded scenarios of the case (:func:`retrofit_opt.uncertainty.sample_scenarios`)."""
    from retrofit_opt.uncertainty import sample_scenarios
    return sample_scenarios(case, n, seed)


SAMPLED_METRICS = ("energy_saving", "co2_reduction")  # the metrics the sampler varies


def metric_samples(case: Case, scenarios, metric: str) -> np.ndarray:
    """[n, projects]: a metric in every scenario (a metric the sampler does not vary stays
    at its estimate)."""
    if metric in SAMPLED_METRICS:
        return np.asarray(getattr(scenarios, metric), dtype=float)
    estimate = np.array([p.metric(metric) for p in case.projects], dtype=float)
    return np.broadcast_to(estimate, (scenarios.n_samples, len(estimate)))


def _metric_samples(case: Case, scenarios) -> dict:
    metrics = {target_row(case, t).metric for t in case.targets}
    return {m: metric_samples(case, scenarios, m) for m in metrics}


def plan_mask(case: Case, plan: dict, year) -> np.ndarray:
    """0/1 per project: does the plan's project count in ``year``?"""
    from retrofit_opt.rules import counts_in_year
    return np.array([1.0 if p.id in plan and counts_in_year(p, plan[p.id], year) else 0.0 for p in case.projects])


def scenario_totals(case: Case, plan: dict, row, values: np.ndarray) -> np.ndarray:
    """The plan's total of the row's metric in every scenario (overlaps at their estimate)."""
    from retrofit_opt.rules import counts_in_year
    totals = values @ plan_mask(case, plan, row.year)
    counted = {pid for pid, start in plan.items() if counts_in_year(case.project(pid), start, row.year)}
    for inter in case.interactions:
        if inter.project_a in counted and inter.project_b in counted:
            totals = totals - inter.overlaps.get(row.metric, 0.0)
    return totals


def met_share(case: Case, plan: dict, row, values: np.ndarray) -> tuple[int, int]:
    """(scenarios in which the plan meets the row, scenarios)."""
    totals = scenario_totals(case, plan, row, values)
    tol = 1e-6 * max(1.0, abs(row.rhs))
    return int(np.count_nonzero(totals >= row.rhs - tol)), len(totals)


# ----------------------------------------------------------------------------- one solve
def _validate_options(case: Case, gamma, confidence, cvar_alpha, risk_aversion, samples) -> None:
    problems = []
    chosen = [name for name, v in (("--robust-gamma", gamma), ("--confidence", confidence),
                                   ("--cvar-alpha", cvar_alpha)) if v is not None]
    if len(chosen) > 1:
        problems.append(Problem(f"{' and '.join(chosen)} were both given", "choose one robust variant per run"))
    if gamma is not None and not (gamma >= 0 and math.isfinite(gamma)):
        problems.append(Problem(f"robust gamma {gamma!r} is not a non-negative number",
                                "give the number of projects that may fall short, e.g. --robust-gamma 2"))
    if confidence is not None and not (0 < confidence <= 1):
        problems.append(Problem(f"confidence {confidence!r} is not in (0, 1]", "give e.g. --confidence 0.9"))
    if (cvar_alpha is None) != (risk_aversion is None):
        problems.append(Problem("--cvar-alpha and --risk-aversion go together",
                                "give both, e.g. --cvar-alpha 0.95 --risk-aversion 0.5"))
    if cvar_alpha is not None:
        if not (0 <= cvar_alpha < 1):
            problems.append(Problem(f"CVaR alpha {cvar_alpha!r} is not in [0, 1)", "give e.g. --cvar-alpha 0.95"))
        if risk_aversion is not None and not (0 <= risk_aversion <= 1):
            problems.append(Problem(f"risk aversion {risk_aversion!r} is not in [0, 1]",
                                    "give λ between 0 (expected NPV) and 1 (pure CVaR)"))
        if case.parameters.objective != "max_npv":
            problems.append(Problem(f"--cvar-alpha needs the objective max_npv; the case's objective is "
                                    f"{case.parameters.objective}",
                                    "set objective = max_npv on the parameters sheet"))
    if samples is not None and samples < 1:
        problems.append(Problem(f"samples {samples!r} is below 1", "give e.g. --samples 500"))
    if problems:
        raise CaseError(problems, case.source_name)


def _solve_model(model, data, time_limit, mip_gap):
    solver = Solver(model, time_limit, mip_gap)
    outcome = solver.solve()
    plan = read_plan(model, data) if outcome.has_solution else {}
    return solver, outcome, plan


def _check_rules(case: Case, plan: dict, skip_targets: bool) -> None:
    if skip_targets:
        case = dataclasses.replace(case, targets=tuple(t for t in case.targets
                                                       if target_row(case, t).family not in ROBUST_FAMILIES))
    violations = evaluate.plan_violations(case, plan)
    if violations:
        raise SolverError("internal check failed: the solver's robust plan breaks the case's rules ("
                          + "; ".join(violations[:5]) + "); this is a solver fault — please report it")


def _result(case: Case, outcome, plan, started, built, solved, options, exclusions=None) -> Result:
    objective = evaluate.objective_value(case, plan) if outcome.has_solution else None
    finished = time.perf_counter()
    return Result(case=case, status=outcome.status, termination=outcome.termination, objective=objective,
                  bound=outcome.bound, gap=outcome.gap, plan=plan, budget_uses=evaluate.budget_uses(case, plan),
                  target_checks=evaluate.target_checks(case, plan), totals=evaluate.metric_totals(case, plan),
                  timings={"build": built - started, "solve": outcome.seconds, "explain": finished - solved,
                           "diagnose": 0.0, "total": finished - started},
                  options=options, exclusions=exclusions or {})


def deterministic_plan(case: Case, time_limit: float, mip_gap: float):
    model, data = build(case)
    _, outcome, plan = _solve_model(model, data, time_limit, mip_gap)
    return outcome, plan


def solve_robust(case: Case, *, gamma: float | None = None, confidence: float | None = None,
                 cvar_alpha: float | None = None, risk_aversion: float | None = None,
                 samples: int | None = None, seed: int = 0, out_of_sample: int | None = None,
                 time_limit: float | None = None, mip_gap: float | None = None, explain: bool = True,
                 price_curve: bool = True) -> RobustRun:
    """Solve ``case`` with one robust variant: ``gamma`` (Γ-robust targets), ``confidence``
    (chance-constrained targets over ``samples`` seeded scenarios), or ``cvar_alpha`` with
    ``risk_aversion`` (mean-CVaR of the sampled NPV, objective max_npv).  The deterministic
    plan is solved too, for the price of robustness."""
    _validate_options(case, gamma, confidence, cvar_alpha, risk_aversion, samples)
    params = case.parameters
    time_limit = params.time_limit if time_limit is None else time_limit
    mip_gap = params.mip_gap if mip_gap is None else mip_gap
    n = samples or DEFAULT_SAMPLES
    n_fresh = out_of_sample or DEFAULT_OUT_OF_SAMPLE
    fresh_seed = seed + OUT_OF_SAMPLE_SEED_OFFSET
    options = {"time_limit": time_limit, "mip_gap": mip_gap, "objective": params.objective}
    started = time.perf_counter()
    det_outcome, det_plan = deterministic_plan(case, time_limit, mip_gap)
    det_objective = evaluate.objective_value(case, det_plan) if det_outcome.has_solution else None
    det_plan = det_plan if det_outcome.has_solution else None

    fresh = draw_samples(case, n_fresh, fresh_seed)
    if gamma is not None:
        run = _solve_gamma(case, gamma, det_objective, options, time_limit, mip_gap, explain, price_curve)
        return _with_probabilities(run, case, fresh, det_plan, fresh_seed)
    drawn = draw_samples(case, n, seed)
    if confidence is not None:
        return _solve_chance(case, confidence, drawn, fresh, det_plan, det_objective, options, time_limit,
                             mip_gap, explain, seed, fresh_seed)
    return _solve_cvar(case, cvar_alpha, risk_aversion, drawn, fresh, det_plan, det_objective, options,
                       time_limit, mip_gap, seed, fresh_seed)


def _explain(model, data, solver, plan, outcome, case, explain, time_limit):
    if not (explain and outcome.has_solution):
        return {}
    return explain_on_variant(model, data, solver, plan, outcome.objective, case.parameters.objective == "min_cost",
                              time_limit=min(time_limit, FORCE_IN_SECONDS))


def _check_objective(case, plan, outcome) -> None:
    value = evaluate.objective_value(case, plan)
    if not math.isclose(value, outcome.objective, rel_tol=1e-6, abs_tol=1e-4):
        raise SolverError(f"internal check failed: the solver's objective {outcome.objective} differs from the "
                          f"plan's recomputed objective {value}")


def gamma_levels(case: Case, gamma: float) -> list[float]:
    """Γ = 0, 1, … up to max(G, 5), stopping where no target row has more uncertain
    projects (beyond that Γ changes nothing); G itself always included."""
    data = ModelData.from_case(case)  # index sets only; nothing is built
    widest = 0
    for k in variants.robust_rows(data):
        row = data.target_rows[k]
        widest = max(widest, sum(1 for p in range(len(data.projects))
                                 if data.active_options(p, row.year) and deviation(data.projects[p], row.metric) > 0))
    top = min(max(int(math.ceil(gamma)), PRICE_CURVE_MIN), widest)
    levels = [float(g) for g in range(0, top + 1)]
    if float(gamma) not in levels:
        levels.append(float(gamma))
    return sorted(levels)


def price_of_robustness(case: Case, levels: list[float], time_limit: float, mip_gap: float) -> list[PricePoint]:
    """The best objective at every Γ in ``levels``: re-solves of one persistent model in
    which only the mutable Γ changes."""
    model, data = build(case)
    ModelVariant(gamma=levels[0] if levels else 0.0).apply(model, data)
    solver = Solver(model, time_limit, mip_gap)
    solver.only_parameter_changes()
    points = []
    for g in levels:
        model.robust_gamma = g
        outcome = solver.solve()
        plan = read_plan(model, data) if outcome.has_solution else {}
        value = evaluate.objective_value(case, plan) if outcome.has_solution else None
        points.append(PricePoint(g, None, outcome.status, value, len(plan)))
    return points


def _solve_gamma(case, gamma, det_objective, options, time_limit, mip_gap, explain, price_curve) -> RobustRun:
    started = time.perf_counter()
    model, data = build(case)
    ModelVariant(gamma=gamma).apply(model, data)
    built = time.perf_counter()
    solver, outcome, plan = _solve_model(model, data, time_limit, mip_gap)
    solved = time.perf_counter()
    rows = [target_row(case, t) for t in case.targets]
    if outcome.has_solution:
        _check_objective(case, plan, outcome)
        _check_rules(case, plan, skip_targets=False)
        for row in rows:
            if row.family in ROBUST_FAMILIES and worst_case_total(case, plan, row, gamma) < \
                    row.rhs - 1e-6 * max(1.0, abs(row.rhs)):
                raise SolverError(f"internal check failed: the Γ-robust plan misses {row.target.label} when "
                                  f"{gamma:g} projects fall short; this is a solver fault — please report it")
    exclusions = _explain(model, data, solver, plan, outcome, case, explain, time_limit)
    result = _result(case, outcome, plan, started, built, solved, {**options, "robust_gamma": gamma}, exclusions)
    checks = [TargetRobustness(r.target.label, r.metric, r.year, r.rhs,
                               evaluate.metric_total(case, plan, r.metric, r.year),
                               worst_case=worst_case_total(case, plan, r, gamma))
              for r in rows if r.family in ROBUST_FAMILIES]
    price = price_of_robustness(case, gamma_levels(case, gamma), time_limit, mip_gap) if price_curve else []
    return RobustRun(result, "gamma", det_objective, gamma=gamma, price=price, targets=checks)


def _with_probabilities(run: RobustRun, case: Case, fresh, det_plan, fresh_seed) -> RobustRun:
    """The Γ-robust plan's (and the deterministic plan's) probability of meeting each
    target on sampled scenarios of the ranges: how sure the worst-case guarantee leaves us."""
    if not run.has_plan:
        return run
    values = _metric_samples(case, fresh)
    rows = {target_row(case, t).target.label: target_row(case, t) for t in case.targets}
    checks = []
    for t in run.targets:
        row = rows[t.label]
        met, n = met_share(case, run.result.plan, row, values[row.metric])
        det = met_share(case, det_plan, row, values[row.metric]) if det_plan is not None else None
        checks.append(dataclasses.replace(t, out_of_sample=met / n, interval=wilson_interval(met, n),
                                          deterministic_out_of_sample=det[0] / det[1] if det else None))
    return dataclasses.replace(run, targets=checks, out_of_sample_seed=fresh_seed,
                               out_of_sample_samples=fresh.n_samples)


def _solve_chance(case, confidence, drawn, fresh, det_plan, det_objective, options, time_limit, mip_gap, explain,
                  seed, fresh_seed) -> RobustRun:
    started = time.perf_counter()
    values = _metric_samples(case, drawn)
    model, data = build(case)
    rows_used = variants.define_chance_targets(model, data, values, confidence)
    built = time.perf_counter()
    solver, outcome, plan = _solve_model(model, data, time_limit, mip_gap)
    solved = time.perf_counter()
    rows = [target_row(case, t) for t in case.targets]
    fresh_values = _metric_samples(case, fresh)
    checks = []
    for row in rows:
        if row.family not in ROBUST_FAMILIES:
            continue
        inside = met_share(case, plan, row, values[row.metric]) if outcome.has_solution else None
        outside = met_share(case, plan, row, fresh_values[row.metric]) if outcome.has_solution else None
        det = met_share(case, det_plan, row, fresh_values[row.metric]) if det_plan is not None else None
        checks.append(TargetRobustness(
            row.target.label, row.metric, row.year, row.rhs, evaluate.metric_total(case, plan, row.metric, row.year),
            in_sample=inside[0] / inside[1] if inside else None,
            out_of_sample=outside[0] / outside[1] if outside else None,
            interval=wilson_interval(*outside) if outside else None,
            deterministic_out_of_sample=det[0] / det[1] if det else None))
    if outcome.has_solution:
        _check_objective(case, plan, outcome)
        _check_rules(case, plan, skip_targets=True)
        for check in checks:
            if check.in_sample < confidence - 1e-12:
                raise SolverError(f"internal check failed: the chance-constrained plan meets {check.label} in "
                                  f"{check.in_sample:.1%} of its scenarios, below {confidence:.1%}")
    exclusions = _explain(model, data, solver, plan, outcome, case, explain, time_limit)
    result = _result(case, outcome, plan, started, built, solved,
                     {**options, "confidence": confidence, "samples": drawn.n_samples, "seed": seed}, exclusions)
    big_m = {}
    for r in rows_used:
        used = [b for b in r.big_m if b is not None]
        if used:
            big_m[data.target_rows[r.k].target.label] = (min(used), max(used))
    det_point = PricePoint(None, None, "optimal" if det_objective is not None else "infeasible", det_objective,
                           len(det_plan or {}))
    here = PricePoint(None, confidence, outcome.status, result.objective, len(plan))
    return RobustRun(result, "confidence", det_objective, confidence=confidence, samples=drawn.n_samples, seed=seed,
                     out_of_sample_seed=fresh_seed, out_of_sample_samples=fresh.n_samples, price=[det_point, here],
                     targets=checks, big_m=big_m)


# ----------------------------------------------------------------------------- mean-CVaR
def mean_cvar(npv: np.ndarray, probabilities: np.ndarray, alpha: float, risk_aversion: float) -> tuple:
    """(objective, E[NPV], tail-mean NPV, VaR as NPV) of a discrete NPV distribution:
    CVaR_α(L) = min_u u + E[(L − u)⁺]/(1 − α) for the loss L = −NPV, whose minimum lies at
    one of the scenarios' losses (Rockafellar & Uryasev 2000)."""
    npv = np.asarray(npv, dtype=float)
    q = np.asarray(probabilities, dtype=float)
    loss = -npv
    candidates = [u + float(np.dot(q, np.maximum(loss - u, 0.0))) / (1.0 - alpha) for u in loss]
    best = int(np.argmin(candidates))
    cvar_loss = candidates[best]
    expected = float(np.dot(q, npv))
    objective = (1.0 - risk_aversion) * expected - risk_aversion * cvar_loss
    return objective, expected, -cvar_loss, -float(loss[best])


def _plan_npv(case: Case, plan: dict, npv_by_project: np.ndarray) -> np.ndarray:
    from retrofit_opt import economics
    params = case.parameters
    weights = np.array([economics.at_horizon(1.0, params, plan[p.id]) if p.id in plan else 0.0
                        for p in case.projects])
    return npv_by_project @ weights


def _solve_cvar(case, alpha, risk_aversion, drawn, fresh, det_plan, det_objective, options, time_limit, mip_gap,
                seed, fresh_seed) -> RobustRun:
    started = time.perf_counter()
    model, data = build(case)
    variants.define_mean_cvar_objective(model, data, np.asarray(drawn.npv_at_start, dtype=float), alpha,
                                        risk_aversion)
    built = time.perf_counter()
    _, outcome, plan = _solve_model(model, data, time_limit, mip_gap)
    solved = time.perf_counter()
    stats = None
    if outcome.has_solution:
        _check_rules(case, plan, skip_targets=False)
        q = np.full(drawn.n_samples, 1.0 / drawn.n_samples)
        objective, expected, tail, var = mean_cvar(_plan_npv(case, plan, drawn.npv_at_start), q, alpha, risk_aversion)
        if not math.isclose(objective, outcome.objective, rel_tol=1e-6, abs_tol=1e-4):
            raise SolverError(f"internal check failed: the solver's mean-CVaR {outcome.objective} differs from the "
                              f"plan's recomputed {objective}")
        qf = np.full(fresh.n_samples, 1.0 / fresh.n_samples)
        _, fresh_expected, fresh_tail, _ = mean_cvar(_plan_npv(case, plan, fresh.npv_at_start), qf, alpha, risk_aversion)
        det_expected = det_tail = None
        if det_plan is not None:
            _, det_expected, det_tail, _ = mean_cvar(_plan_npv(case, det_plan, fresh.npv_at_start), qf, alpha, risk_aversion)
        stats = CvarStats(alpha, risk_aversion, objective, expected, tail, var, drawn.n_samples, fresh_expected, fresh_tail,
                          det_expected, det_tail)
    result = _result(case, outcome, plan, started, built, solved,
                     {**options, "cvar_alpha": alpha, "risk_aversion": risk_aversion, "samples": drawn.n_samples,
                      "seed": seed})
    return RobustRun(result, "cvar", det_objective, samples=drawn.n_samples, seed=seed, out_of_sample_seed=fresh_seed,
                     out_of_sample_samples=fresh.n_samples, cvar=stats)


def scenario_mean_cvar(case: Case, alpha: float, risk_aversion: float, *, time_limit: float | None = None,
                       mip_gap: float | None = None) -> ScenarioCvarRun:
    """Mean-CVaR over the case's scenarios sheet (weights = probabilities, normalised):
    one plan per scenario, all following one priority order (LOGOS's model)."""
    from retrofit_opt.scenarios import apply_scenario
    _validate_options(case, None, None, alpha, risk_aversion, None)
    if not case.scenarios:
        raise CaseError([Problem("--cvar-alpha with compare needs a scenarios sheet",
                                 "add a scenarios (情景) sheet with one row per scenario and a weight column "
                                 "for its probability")], case.source_name)
    weights = np.array([float(s.weight) for s in case.scenarios])
    if (weights < 0).any() or weights.sum() <= 0:
        raise CaseError([Problem("scenario weights must be non-negative and not all 0",
                                 "give each scenario's probability in its weight column")], case.source_name)
    q = weights / weights.sum()
    cases = [apply_scenario(case, s) for s in case.scenarios]
    params = case.parameters
    built = variants.build_scenario_cvar_model(cases, q, alpha, risk_aversion)
    solver = Solver(built.model, params.time_limit if time_limit is None else time_limit,
                    params.mip_gap if mip_gap is None else mip_gap)
    outcome = solver.solve()
    plans, npvs, stats = [], [], None
    if outcome.has_solution:
        for s, data in enumerate(built.datas):
            block = built.model.scenario[s]
            plan = {data.projects[p].id: start for i, (p, start) in enumerate(data.options)
                    if block.x[i].value is not None and block.x[i].value > 0.5}
            _check_rules(cases[s], plan, skip_targets=False)
            plans.append(plan)
            npvs.append(evaluate.objective_value(cases[s], plan, "max_npv"))
        objective, expected, tail, var = mean_cvar(np.array(npvs), q, alpha, risk_aversion)
        if not math.isclose(objective, outcome.objective, rel_tol=1e-6, abs_tol=1e-4):
            raise SolverError(f"internal check failed: the solver's mean-CVaR {outcome.objective} differs from the "
                              f"plans' recomputed {objective}")
        stats = CvarStats(alpha, risk_aversion, objective, expected, tail, var, len(cases))
    order = _priority_order(built, plans)
    return ScenarioCvarRun(outcome.status, outcome.gap, [s.name for s in case.scenarios], [float(v) for v in q],
                           plans, npvs, stats, order, outcome.seconds)


def _priority_order(built, plans) -> list[str]:
    """Units ranked by how many scenarios fund them (the chain's order), ties by name."""
    if not plans:
        return []
    base = built.datas[0]
    counts = {}
    for p, project in enumerate(base.projects):
        unit = variants.selection_unit(project)
        funded = sum(1 for plan in plans if project.id in plan)
        counts[unit] = max(counts.get(unit, 0), funded)
    ranked = sorted((u for u in counts if counts[u] > 0), key=lambda u: (-counts[u], u))
    return [u.split(":", 1)[1] for u in ranked]


# ----------------------------------------------------------------------------- compare
def plan_result(case: Case, plan: dict, status: str, gap, options: dict) -> Result:
    """A :class:`Result` for a plan found by a joint model (one scenario of the scenario
    mean-CVaR), evaluated at that scenario's case."""
    has = status in ("optimal", "feasible")
    return Result(case=case, status=status, termination=status, objective=evaluate.objective_value(case, plan)
                  if has else None, bound=None, gap=gap, plan=plan, budget_uses=evaluate.budget_uses(case, plan),
                  target_checks=evaluate.target_checks(case, plan), totals=evaluate.metric_totals(case, plan),
                  timings={"total": 0.0}, options=options)


def compare_robust(case: Case, *, progress=None, explain_base: bool = True, **options) -> list:
    """The case as given and every scenario, each solved with the same robust variant
    (``options`` as for :func:`solve_robust`): a list of (scenario, RobustRun)."""
    from retrofit_opt.scenarios import apply_scenario
    from retrofit_opt.studies.compare import BASE
    if not case.scenarios:
        raise CaseError([Problem("the case has no scenarios to compare",
                                 "add a 'scenarios' (情景) sheet with one row per scenario")], case.source_name)
    runs = [BASE, *case.scenarios]
    out = []
    for k, scenario in enumerate(runs):
        variant = case if scenario is BASE else apply_scenario(case, scenario)
        out.append((scenario, solve_robust(variant, explain=explain_base and scenario is BASE,
                                           price_curve=scenario is BASE, **options)))
        if progress:
            progress(k + 1, len(runs))
    return out


def compare_mean_cvar(case: Case, alpha: float, risk_aversion: float, *, time_limit=None, mip_gap=None,
                      explain_base: bool = True):
    """``compare --cvar-alpha``: the case as given (solved as usual) and the scenarios'
    portfolios of the scenario mean-CVaR model; returns (ScenarioResult list, ScenarioCvarRun)."""
    from retrofit_opt.results import ScenarioResult
    from retrofit_opt.scenarios import apply_scenario
    from retrofit_opt.studies.compare import BASE
    from retrofit_opt.studies.solve import solve_case
    joint = scenario_mean_cvar(case, alpha, risk_aversion, time_limit=time_limit, mip_gap=mip_gap)
    base = solve_case(case, time_limit=time_limit, mip_gap=mip_gap, explain=explain_base)
    runs = [ScenarioResult(BASE, base)]
    options = {"objective": "max_npv", "cvar_alpha": alpha, "risk_aversion": risk_aversion}
    for k, scenario in enumerate(case.scenarios):
        plan = joint.plans[k] if joint.plans else {}
        runs.append(ScenarioResult(scenario, plan_result(apply_scenario(case, scenario), plan, joint.status,
                                                         joint.gap, options)))
    return runs, joint


def sweep_variant(case: Case, *, gamma: float | None = None, confidence: float | None = None,
                  samples: int | None = None, seed: int = 0) -> ModelVariant | None:
    """The robust variant every budget level of ``sweep`` (and its least budget) is
    solved with: Γ, or the chance rows over ``samples`` seeded scenarios."""
    if gamma is None and confidence is None:
        return None
    _validate_options(case, gamma, confidence, None, None, samples)
    if gamma is not None:
        return ModelVariant(gamma=gamma)
    drawn = draw_samples(case, samples or DEFAULT_SAMPLES, seed)
    return ModelVariant(confidence=confidence, samples=_metric_samples(case, drawn))
