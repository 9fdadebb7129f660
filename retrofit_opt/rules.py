"""The planning rules shared by the model, the plan evaluation and the reports (no Pyomo):
when a start option's capacity counts, what it draws on a budget row, and targets as rows.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from retrofit_opt.case import TOTAL_POOL, Budget, Case, Project, Target


@dataclass(frozen=True)
class TargetRow:
    """One target row: Σ coef·x − overlaps  (≥ | ≤)  rhs, at ``year``."""

    target: Target
    metric: str
    sense: str  # ">=" or "<="
    rhs: float
    year: int | None
    family: str  # min_total | max_total | intensity_reduction


def option_spend(project: Project, start: int | None, budget: Budget) -> float:
    """万元 that project started in ``start`` draws on a budget row: its pool share
    (``total``: all; ``subsidy``: subsidy_rate; own pool: the rest) of capex, over the
    horizon or, for a yearly row, the capex profile's share of that year; 0 for a project
    outside the row's group (``enterprise``/``sector``/``category`` columns of budgets).
    Awards (``subsidy_rules``) are added by :mod:`retrofit_opt.funding`."""
    if not budget.covers(project):
        return 0.0
    share = 1.0 if budget.pool == TOTAL_POOL else project.pool_shares().get(budget.pool, 0.0)
    if share == 0.0:
        return 0.0
    if budget.year is None:
        return project.capex * share
    offset = budget.year - start
    if 0 <= offset < project.build_years:
        return project.capex * share * project.capex_shares[offset]
    return 0.0


def reinvest_credit(project: Project, start: int | None, budget: Budget, horizon: tuple[int, int] | None) -> float:
    """万元 a budget row gains from the project's reinvested savings (``reinvest_share``,
    节能收益再投入): ρ_p·max(S_p − opex_p, 0) for each benefit year y' = t+b … t+b+L−1 whose
    next year y'+1 is the row's year (a yearly row) or within the horizon (a horizon row),
    on the rows of the project's own pool and of ``total`` that hold the project.  0 in a
    single-period case (``start`` None)."""
    if not project.reinvest_share or start is None or horizon is None:
        return 0.0
    if budget.pool not in (TOTAL_POOL, project.budget_pool) or not budget.covers(project):
        return 0.0
    saving = max(project.annual_cost_saving - project.opex_change, 0.0)
    first = start + project.build_years
    last = first + project.lifetime - 1
    if budget.year is not None:
        years = 1 if first <= budget.year - 1 <= last else 0
    else:
        years = max(0, min(last, horizon[1] - 1) - max(first, horizon[0]) + 1)
    return project.reinvest_share * saving * years


def option_draw(project: Project, start: int | None, budget: Budget, horizon: tuple[int, int] | None) -> float:
    """What a start option draws on a budget row, net of its reinvested savings."""
    return option_spend(project, start, budget) - reinvest_credit(project, start, budget, horizon)


def total_draw(chosen, budget: Budget, horizon: tuple[int, int] | None) -> float:
    """Σ :func:`option_draw` over the (project, start) pairs of ``chosen``, in their order.

    A single-period case's row (``horizon`` None, no year) has no reinvestment credit and
    whole capex shares: its terms are taken as :func:`option_spend` gives them (capex ×
    share, 0 outside the row's group or pool), without three calls per project — the same
    terms, so the same sum (tests/test_rules_draw.py)."""
    if horizon is not None or budget.year is not None:
        return sum(option_draw(project, start, budget, horizon) for project, start in chosen)
    pool, covers = budget.pool, budget.covers
    if pool == TOTAL_POOL:
        if budget.group is None:
            return sum([project.capex * 1.0 for project, _ in chosen])  # as option_spend: capex × share 1.0
        return sum([project.capex * 1.0 if covers(project) else 0.0 for project, _ in chosen])
    if budget.group is None:  # covers every project
        return sum([project.capex * share if (share := project.pool_shares().get(pool, 0.0)) != 0.0 else 0.0
                    for project, _ in chosen])
    return sum([project.capex * share if (share := project.pool_shares().get(pool, 0.0)) != 0.0 and covers(project)
                else 0.0 for project, _ in chosen])


def horizon_of(case: Case) -> tuple[int, int] | None:
    p = case.parameters
    return (p.start_year, p.end_year) if case.multi_year else None


def counts_in_year(project: Project, start: int | None, year: int | None) -> bool:
    """Capacity formed by the end of year t+b−1 counts up to the last year of benefit,
    t+b+lifetime−1 (PRODUCT.md §2).  Single-period: always."""
    if start is None or year is None:
        return True
    formed = start + project.build_years - 1
    return formed <= year <= formed + project.lifetime


def target_row(case: Case, target: Target) -> TargetRow:
    """A target as a row on the metric total: intensity targets become required savings,
    E_bau(y) − S(y) ≤ (1 − r)·(E₀/VA₀)·VA(y)  ⇔  S(y) ≥ E_bau(y) − (1 − r)·(E₀/VA₀)·VA(y)."""
    year = target.year if target.year is not None else case.evaluation_year
    if target.kind == "min_total":
        return TargetRow(target, target.metric, ">=", target.value, year, "min_total")
    if target.kind == "max_total":
        return TargetRow(target, target.metric, "<=", target.value, year, "max_total")
    required = required_saving(case, target)
    return TargetRow(target, target.metric, ">=", required,
                     year if case.multi_year else None, "intensity_reduction")


BASELINE_COLUMN = {"energy_saving": "energy_consumption", "co2_reduction": "co2", "water_saving": "water"}


def required_saving(case: Case, target: Target) -> float:
    """Saving needed at the target year so that the intensity falls by ``value`` % against
    the base year.  For energy (issue 16, carbon dual control): feedstock energy F is
    deducted in both years, new renewable electricity RE in the target year, and
    cross-province green certificates C by at most certificate_cap·V₀:
    V₀ = (E(y) − F(y) − RE(y)) − (1 − r)·(E₀ − F₀)/VA₀·VA(y),  V = V₀ − min(C(y), cap·max(V₀, 0))."""
    year = target.year if target.year is not None else case.parameters.end_year
    column = BASELINE_COLUMN[target.metric]
    base, then = case.baseline[target.base_year], case.baseline[year]
    base_total, total = accounted(base, column), accounted(then, column)
    allowed = (1 - target.value / 100.0) * base_total / base.value_added * then.value_added
    required = total - allowed
    if column == "energy_consumption" and then.certificate_energy:
        required -= min(then.certificate_energy, case.parameters.certificate_cap * max(required, 0.0))
    return required


def accounted(row, column: str) -> float:
    """A baseline quantity as intensity targets count it: energy less feedstock and new
    renewable electricity (certificates aside), other quantities as given."""
    value = getattr(row, column)
    if column == "energy_consumption":
        value -= row.feedstock_energy + row.renewable_energy
    return value


def certificate_deduction(case: Case, target: Target) -> float:
    """tce of cross-province certificates an energy-intensity target deducts at its year."""
    if BASELINE_COLUMN[target.metric] != "energy_consumption":
        return 0.0
    year = target.year if target.year is not None else case.parameters.end_year
    then = case.baseline[year]
    if not then.certificate_energy:
        return 0.0
    plain = dataclasses.replace(case, baseline={**case.baseline, year: dataclasses.replace(then, certificate_energy=0.0)})
    return min(then.certificate_energy, case.parameters.certificate_cap * max(required_saving(plain, target), 0.0))


def metric_total(case: Case, plan: dict, metric: str, year: int | None) -> float:
    """M_m(y) of a plan (project id → start year): Σ v_{p,m} over the projects that count at
    the end of ``year``, less the overlaps of counted pairs."""
    return metric_totals_in_year(case, plan, (metric,), year)[metric]


def metric_totals_in_year(case: Case, plan: dict, metrics, year: int | None) -> dict[str, float]:
    """:func:`metric_total` of each of ``metrics`` in one ``year``, the counted projects
    found once."""
    # summed in the plan's order, not a set's: a set of ids iterates in an order that changes
    # with each process's hash seed, and so would the last digits of the total
    projects = case.projects_of(plan)
    if year is not None:  # without a year every chosen project counts (counts_in_year)
        projects = [p for p in projects if counts_in_year(p, plan[p.id], year)]
    overlapping = []
    if case.interactions:
        counted = {p.id for p in projects}
        overlapping = [inter for inter in case.interactions
                       if inter.project_a in counted and inter.project_b in counted]
    values = [p.metrics for p in projects]
    totals = {}
    for metric in metrics:
        # Project.metric's value, the same terms in the same order (a list: faster than a generator)
        total = sum([v.get(metric, 0.0) for v in values])
        for inter in overlapping:
            total -= inter.overlaps.get(metric, 0.0)
        totals[metric] = total
    return totals
