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


def target_text(check, lang: str, case=None) -> str:
    """A target as a plan states it: ``节能量 ≥ 35300`` (English: the target's own label);
    an intensity target ``单位工业增加值能耗较2020年下降12.5%（2025年）`` /
    ``energy intensity −12.5 % vs 2020 by 2025``."""
    if check is None:
        return ""
    if check.kind == "intensity_reduction":
        base, year = None, check.year
        if case is not None:
            target = next((t for t in case.targets if t.kind == check.kind and t.metric == check.metric
                           and t.value == check.target_value), None)
            if target is not None:
                base = target.base_year
                year = year if year is not None else target.year
        key = f"target.intensity.{check.metric}"
        name = L.label(key, lang) if L.label_exists(key) else L.metric_name(check.metric, lang)
        return L.label("target.intensity" if year is not None else "target.intensity_no_year", lang, name=name,
                       value=plain_number(check.target_value),
                       base=base if base is not None else L.label("intensity.base_year", lang), year=year)
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
    """The objective's unit (its row of ``schema/objectives.csv``) as the report's language
    writes it (吨标准煤/年, 万元 …)."""
    return unit_text(quantity_unit(case, objective_spec(objective).single_quantity, lang), lang)


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
    return unit_text(quantity_unit(case, quantity, lang), lang)


# ----------------------------------------------------------------------------------------------
# Units and figures in the report's language
from retrofit_opt.report.labels import ZH_UNITS, unit_text  # noqa: E402,F401 (the units table lives with the labels)


# Leadership units (PRODUCT.md §4 for 概要): (divisor, zh unit, en unit) by canonical unit; a
# quantity below the divisor stays in its canonical unit.
LEADERSHIP = {
    "万元": (1e4, "亿元", "亿元 (100 M yuan)"),
    "tce/yr": (1e4, "万吨标准煤/年", "10⁴ tce/yr"),
    "t/yr": (1e4, "万吨/年", "10⁴ t/yr"),
    "m³/yr": (1e4, "万立方米/年", "10⁴ m³/yr"),
    "MWh/yr": (10.0, "万千瓦时/年", "10⁴ kWh/yr"),
    "GJ/yr": (1e4, "万吉焦/年", "10⁴ GJ/yr"),
}


def leadership_figure(value: float, unit: str, lang: str) -> tuple[float, str]:
    """(value, unit) in the units leadership reads: 207,950 万元 → (20.795, 亿元);
    46,729.7 tce/yr → (4.67297, 万吨标准煤/年); small quantities stay as they are."""
    if unit in LEADERSHIP:
        divisor, zh, en = LEADERSHIP[unit]
        if abs(value) >= divisor or unit == "万元":
            return value / divisor, zh if lang == "zh" else en
    return value, unit_text(unit, lang)


def plain_decimal(value: float, decimals: int) -> str:
    """A number with ``decimals`` places and thousands separators, never in exponent form."""
    return f"{value:,.{decimals}f}"


def percent_text(fraction: float) -> str:
    """A fraction as a percentage without exponent form or trailing zeros: 1e-4 → ``0.01%``."""
    text = f"{fraction * 100:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def target_checks_of(result) -> list:
    """The result's target checks (``target_checks`` after the issue-12 rename, ``targets`` before)."""
    checks = getattr(result, "target_checks", None)
    return list(checks if checks is not None else result.targets)


def budget_uses_of(result) -> list:
    """The result's budget uses (``budget_uses`` after the issue-12 rename, ``budgets`` before)."""
    uses = getattr(result, "budget_uses", None)
    return list(uses if uses is not None else result.budgets)


def objective_of(result) -> str:
    return result.options.get("objective", result.case.parameters.objective)
