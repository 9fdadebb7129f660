"""Uncertainty ranges of project quantities as the robust models read them (no Pyomo).

A project's metric m has a low end ``low_m`` (``saving_low`` for energy_saving,
``co2_low`` for co2_reduction, when the case gives them); its *deviation*
d_{p,m} = v_{p,m} − low_m ≥ 0 is how far the saving can fall below the estimate.  As in
the sampler (:mod:`retrofit_opt.uncertainty`), a CO2 reduction without its own range
follows the energy saving: low_co2 = co2 · saving_low / energy_saving.  Any other metric,
or one without a range, has d = 0: it is certain.
"""
from __future__ import annotations

from retrofit_opt.case import Case, Project
from retrofit_opt.rules import TargetRow, counts_in_year

RANGE_PREFIX = {"energy_saving": "saving", "co2_reduction": "co2"}
ROBUST_FAMILIES = ("min_total", "intensity_reduction")  # the ≥ target rows a shortfall can break


def low_value(project: Project, metric: str) -> float:
    """The low end of the project's ``metric`` (its estimate when no range is given)."""
    prefix = RANGE_PREFIX.get(metric)
    low = getattr(project, f"{prefix}_low", None) if prefix else None
    nominal = project.metric(metric)
    if low is None and metric == "co2_reduction" and project.saving_low is not None:
        energy = project.metric("energy_saving")
        if energy > 0:
            low = nominal * project.saving_low / energy
    return nominal if low is None else min(float(low), nominal)


def deviation(project: Project, metric: str) -> float:
    """d_{p,m} = v_{p,m} − low_m ≥ 0."""
    return project.metric(metric) - low_value(project, metric)


def has_ranges(case: Case) -> bool:
    """Does any project give a low end below its estimate for a metric a target is on?"""
    metrics = {t.metric for t in case.targets} | set(RANGE_PREFIX)
    return any(deviation(p, m) > 0 for p in case.projects for m in metrics)


def worst_case_total(case: Case, plan: dict, row: TargetRow, gamma: int) -> float:
    """The row's metric total when the ``gamma`` counted projects with the largest
    deviations fall to their low ends (Bertsimas–Sim's protection, evaluated on a plan;
    a fractional Γ lets one more project fall by the fraction)."""
    from retrofit_opt.rules import metric_total
    counted = [pid for pid, start in plan.items() if counts_in_year(case.project(pid), start, row.year)]
    drops = sorted((deviation(case.project(pid), row.metric) for pid in counted), reverse=True)
    whole = max(0, int(gamma))
    part = (gamma - whole) * drops[whole] if whole < len(drops) and gamma > whole else 0.0
    return metric_total(case, plan, row.metric, row.year) - sum(drops[:whole]) - part
