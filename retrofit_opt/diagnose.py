"""Infeasible targets are never just "infeasible": elastic re-solves find, per target, the
best value reachable within the budgets, the compromise plan with the least relative
shortfall, and the smallest extra budget that makes all targets (or each alone) reachable.
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.case import Case
from retrofit_opt.extract import extract_plan
from retrofit_opt.model import build_model
from retrofit_opt.model.families import metric_total
from retrofit_opt.results import Diagnosis
from retrofit_opt.solve import Solver


def budget_label(budget) -> str:
    return f"{budget.pool} {budget.year}" if budget.year is not None else budget.pool


def diagnose(case: Case, time_limit: float, mip_gap: float) -> Diagnosis:
    m = build_model(case, elastic=True)
    m.objective.deactivate()
    data = m.data
    rows = data.target_rows
    solver = Solver(m, time_limit, mip_gap)

    def solve_with(expr, sense):
        if hasattr(m, "diagnosis_objective"):
            m.del_component(m.diagnosis_objective)
        m.diagnosis_objective = pyo.Objective(expr=expr, sense=sense)
        return solver.solve()

    def allow_extra(allowed: bool):
        for j in m.BUDGETS:
            m.budget_extra[j].setub(None if allowed else 0)

    def allow_shortfall(keys):
        for k in m.TARGETS:
            m.shortfall[k].setub(None if k in keys else 0)

    all_targets = set(m.TARGETS)
    scale = {k: max(abs(rows[k].rhs), 1.0) for k in m.TARGETS}

    allow_extra(False)
    allow_shortfall(all_targets)
    outcome = solve_with(pyo.quicksum(m.shortfall[k] / scale[k] for k in m.TARGETS), pyo.minimize)
    hard_ok = outcome.has_solution
    compromise = extract_plan(m) if hard_ok else {}

    best = {}
    if hard_ok:
        for k in m.TARGETS:
            sense = pyo.maximize if rows[k].sense == ">=" else pyo.minimize
            outcome = solve_with(metric_total(m, data, rows[k].metric, rows[k].year), sense)
            best[rows[k].target.label] = outcome.objective if outcome.has_solution else None

    extra_cost = pyo.quicksum(m.budget_extra[j] for j in m.BUDGETS)
    allow_extra(True)
    allow_shortfall(set())
    outcome = solve_with(extra_cost, pyo.minimize)
    extra = ({budget_label(b): m.budget_extra[j].value or 0.0 for j, b in enumerate(case.budgets)}
             if outcome.has_solution else None)
    per_target = {}
    for k in m.TARGETS:
        allow_shortfall(all_targets - {k})
        outcome = solve_with(extra_cost, pyo.minimize)
        per_target[rows[k].target.label] = outcome.objective if outcome.has_solution else None

    return Diagnosis(hard_ok, best, extra, per_target, compromise, _message(case, hard_ok, best, extra))


def _message(case: Case, hard_ok: bool, best: dict, extra: dict | None) -> str:
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
