"""Small helpers the sheets share: status text, target text, the years totals are
reported at, the objective's unit, and each project's contribution to the objective.

Nothing here imports Pyomo (PRODUCT.md: reports see only the case and the result).
"""
from __future__ import annotations

from retrofit_opt import evaluate
from retrofit_opt.case import SUBSIDY_POOL, TOTAL_POOL, plain_number
from retrofit_opt.report import labels as L
from retrofit_opt.schema.vocabulary import default_unit
from retrofit_opt.schema.vocabulary import objective as objective_spec

_SIGN = {"min_total": "≥", "max_total": "≤", "intensity_reduction": "−%"}


def yes_no(flag: bool, lang: str) -> str:
    return L.label("yes" if flag else "no", lang)


def format_gap(gap: float) -> str:
    return f"{gap:.4%}"


def status_text(result, lang: str) -> str:
    """Readable status; a result is called optimal only when the solver proved it."""
    status, gap = result.status, result.gap
    if status == "optimal":
        if gap is None or gap <= 1e-9:
            return L.label("status.optimal", lang)
        return L.label("status.optimal_tol", lang, gap=format_gap(gap))
    if status == "feasible":
        if gap is None:
            return L.label("status.feasible_nogap", lang)
        return L.label("status.feasible", lang, gap=format_gap(gap))
    if status in ("infeasible", "timeout"):
        return L.label(f"status.{status}", lang)
    return status


def target_text(check, lang: str) -> str:
    """A target as the user reads it: ``energy_saving ≥ 500`` / ``节能量 ≥ 500``."""
    if check is None:
        return ""
    if lang == "en":
        return check.label
    value = check.target_value
    when = f"（{check.year}年）" if check.year is not None else ""
    return f"{L.metric_name(check.metric, lang)} {_SIGN.get(check.kind, check.kind)} {plain_number(value)}{when}"


def pool_name(pool: str, lang: str) -> str:
    """The special pools in the report's language (总预算, 补贴资金); other pools as written."""
    if pool in (TOTAL_POOL, SUBSIDY_POOL):
        return L.label(f"pool.{pool}", lang)
    return pool


def budget_name(budget, lang: str) -> str:
    """A budget row's pool, and its group when the row is restricted to one (issue 16):
    ``总预算（企业 企业A）``."""
    name = pool_name(budget.pool, lang)
    if budget.group is None:
        return name
    kind = L.label(f"group.{budget.group[0]}", lang)
    return f"{name}（{kind} {budget.group[1]}）" if lang == "zh" else f"{name} ({kind} {budget.group[1]})"


def evaluation_years(case) -> list:
    """Years of ``result.totals`` (evaluate.metric_totals): the horizon's end (``None`` in a
    single-period case), then each further milestone year of a target."""
    years = [case.parameters.end_year] if case.multi_year else [None]
    years += sorted({t.year for t in case.targets if t.year is not None and t.year not in years})
    return years


def total_at(result, metric: str, year) -> float:
    """``result.totals[metric]`` at ``year`` (the evaluation total of the chosen plan)."""
    value = result.totals.get(metric, 0.0)
    if isinstance(value, dict):
        return value[str(year)]
    return value


def objective_unit(case, objective: str, lang: str) -> str:
    """Unit of the objective (its row of ``schema/objectives.csv``)."""
    return quantity_unit(case, objective_spec(objective).single_quantity, lang)


def counts_at_end(case, project, start) -> bool:
    """Whether a project's capacity counts at the horizon's end (:func:`evaluate.counts_in_year`)."""
    return evaluate.counts_in_year(project, start, case.evaluation_year)


def contribution(case, project, start, objective: str, weights) -> float:
    """The project's own contribution to the objective (for min_cost: its energy saving),
    the numerator of the priority rank (:func:`retrofit_opt.evaluate.contribution`)."""
    return evaluate.contribution(case, project, start, objective, weights)


def quantity_unit(case, quantity: str | None, lang: str) -> str:
    """Unit of a quantity: 万元 for capex and npv, a metric's own unit, the weighted label."""
    if quantity is None:
        return L.label("objective.weighted_unit", lang)
    if quantity in ("capex", "npv"):
        return "万元"
    return case.metric_units.get(quantity, default_unit(quantity))


def contribution_unit(case, objective: str, lang: str) -> str:
    quantity = objective_spec(objective).rank_quantity
    return quantity_unit(case, quantity, lang)
