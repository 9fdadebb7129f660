"""A :class:`~retrofit_opt.results.Result` as pandas DataFrames, for work in Jupyter.

Column names carry the canonical unit after the quantity, "/" written ``_per_`` and "³"
as ``3``: ``capex_万元``, ``energy_saving_tce_per_yr``, ``co2_reduction_t_per_yr``.  A
column whose rows have different units (a target's required and achieved values) comes
with a ``unit`` column instead.  Every number is the one the report and ``--json`` show
(:mod:`retrofit_opt.evaluate`).
"""
from __future__ import annotations

import pandas as pd

from retrofit_opt import economics, evaluate

MONEY = "万元"


def unit_suffix(unit: str) -> str:
    """``tce/yr`` → ``tce_per_yr``; ``m³/yr`` → ``m3_per_yr``; ``万元`` stays."""
    return unit.replace("³", "3").replace("²", "2").replace("/", "_per_").replace(" ", "_")


def column(quantity: str, unit: str) -> str:
    """The column of ``quantity`` in ``unit``: ``energy_saving_tce_per_yr``."""
    return f"{quantity}_{unit_suffix(unit)}"


def with_years(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Year columns as nullable integers (``<NA>``: single period / whole horizon)."""
    if name in frame.columns:
        frame[name] = frame[name].astype("Int64")
    return frame


def portfolio(result) -> pd.DataFrame:
    """One row per chosen project, in input order: id, name, enterprise, start year
    (multi-year cases), capex, each metric of the project alone counted at the evaluation
    year (overlaps between projects are not split: the totals are in ``result.totals``),
    NPV and the project's contribution to the objective."""
    case = result.case
    year = case.evaluation_year
    rows = []
    for project in case.projects:
        if project.id not in result.plan:
            continue
        start = result.plan[project.id]
        row = {"id": project.id, "name": project.name, "enterprise": project.enterprise}
        if case.multi_year:
            row["start_year"] = start
        row[column("capex", MONEY)] = project.capex
        for metric, unit in case.metric_units.items():
            row[column(metric, unit)] = evaluate.metric_total(case, {project.id: start}, metric, year)
        row[column("npv", MONEY)] = economics.npv(project, case.parameters, start)
        row["contribution"] = evaluate.contribution(case, project, start)
        rows.append(row)
    columns = ["id", "name", "enterprise", *(["start_year"] if case.multi_year else []), column("capex", MONEY),
               *(column(m, u) for m, u in case.metric_units.items()), column("npv", MONEY), "contribution"]
    return with_years(pd.DataFrame(rows, columns=columns), "start_year")


def not_selected(result) -> pd.DataFrame:
    """One row per project left out, in input order: id, name, capex, and why (the
    reason code, the sentence, how much forcing it in costs the objective)."""
    case = result.case
    rows = []
    for project in case.projects:
        if project.id in result.plan:
            continue
        why = result.exclusions.get(project.id)
        rows.append({"id": project.id, "name": project.name, "enterprise": project.enterprise,
                     column("capex", MONEY): project.capex,
                     "reason": why.reason if why else None, "detail": why.detail if why else None,
                     "objective_loss": why.objective_loss if why else None})
    return pd.DataFrame(rows, columns=["id", "name", "enterprise", column("capex", MONEY), "reason", "detail",
                                       "objective_loss"])


def targets(result) -> pd.DataFrame:
    """One row per target: label, metric, kind, year, required and achieved (in ``unit``,
    the metric's; intensity targets: the saving required), met, and the intensity change
    in percent for intensity targets."""
    case = result.case
    has_plan = result.status in ("optimal", "feasible")
    rows = [{"target": t.label, "metric": t.metric, "kind": t.kind, "year": t.year,
             "required": t.required, "achieved": t.achieved if has_plan else None,
             "unit": case.metric_units.get(t.metric, ""), "met": t.met and has_plan,
             "intensity_change_percent": t.achieved_intensity_change} for t in result.target_checks]
    return with_years(pd.DataFrame(rows, columns=["target", "metric", "kind", "year", "required", "achieved", "unit",
                                                  "met", "intensity_change_percent"]), "year")


def budgets(result) -> pd.DataFrame:
    """One row per budget row: pool, year (None: the whole horizon), limit, used, left
    (万元) and whether the plan keeps it."""
    rows = [{"pool": u.budget.pool, "year": u.budget.year, column("limit", MONEY): u.budget.limit,
             column("used", MONEY): u.used, column("left", MONEY): u.budget.limit - u.used, "ok": u.ok}
            for u in result.budget_uses]
    return with_years(pd.DataFrame(rows, columns=["pool", "year", column("limit", MONEY), column("used", MONEY),
                                                  column("left", MONEY), "ok"]), "year")
