"""Infeasible targets are never just "infeasible": elastic re-solves find, per target, the
best value reachable within the budgets, the compromise plan with the least relative
shortfall, and the smallest extra budget that makes all targets (or each alone) reachable.
"""
from __future__ import annotations

from retrofit_opt.case import Case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.model.families import metric_total
from retrofit_opt.model.variants import (allow_budget_extra, allow_shortfall, extra_budget,
                                         extra_budget_total, set_objective, shortfall_terms)
from retrofit_opt.results import Diagnosis
from retrofit_opt.solve import Solver


def budget_label(budget) -> str:
    return f"{budget.pool} {budget.year}" if budget.year is not None else budget.pool


def diagnose(case: Case, time_limit: float, mip_gap: float) -> Diagnosis:
    data = ModelData.from_case(case)
    m = build_model(data, elastic=True)
    rows = data.target_rows
    solver = Solver(m, time_limit, mip_gap)

    def solve_with(expr, minimise: bool):
        set_objective(m, expr, minimise)
        return solver.solve()

    all_targets = set(m.TARGETS)
    scale = {k: max(abs(rows[k].rhs), 1.0) for k in m.TARGETS}

    allow_budget_extra(m, False)
    allow_shortfall(m, all_targets)
    outcome = solve_with(shortfall_terms(m, scale), minimise=True)
    hard_ok = outcome.has_solution
    compromise = extract_plan(m, data) if hard_ok else {}

    best = {}
    if hard_ok:
        for k in m.TARGETS:
            outcome = solve_with(metric_total(m, data, rows[k].metric, rows[k].year), minimise=rows[k].sense != ">=")
            best[rows[k].target.label] = outcome.objective if outcome.has_solution else None

    extra_cost = extra_budget_total(m)
    allow_budget_extra(m, True)
    allow_shortfall(m, set())
    outcome = solve_with(extra_cost, minimise=True)
    extra = ({budget_label(b): e for b, e in zip(case.budgets, extra_budget(m))}
             if outcome.has_solution else None)
    per_target = {}
    for k in m.TARGETS:
        allow_shortfall(m, all_targets - {k})
        outcome = solve_with(extra_cost, minimise=True)
        per_target[rows[k].target.label] = outcome.objective if outcome.has_solution else None

    return Diagnosis(hard_ok, best, extra, per_target, compromise, diagnosis_message(case, hard_ok, best, extra))


def diagnosis_message(case: Case, hard_ok: bool, best: dict, extra: dict | None) -> str:
    parts = []
    if not hard_ok:
        parts.append("the budgets cannot pay for the mandatory projects and their prerequisites "
                     "even before any target is counted")
    unreachable = [t for t in case.targets if t.label in best]
    for t in unreachable:
        value = best[t.label]
        if value is not None:
            parts.append(f"{t.label}: best reachable within the budgets is {value:,.6g}")
    if extra is None:
        parts.append("no extra budget makes every target reachable (mandatory, exclusive or "
                     "prerequisite rules, or max_total targets, stand in the way)")
    else:
        needed = {k: v for k, v in extra.items() if v > 1e-6}
        if needed:
            parts.append("all targets become reachable with extra budget: " +
                         ", ".join(f"{k} +{v:,.2f} 万元" for k, v in needed.items()))
    return "; ".join(parts)
