"""Evaluate a plan (the chosen projects and their start years) against the case, in plain
Python: metric totals per year, spend per budget row, each target required vs achieved.

Every number in a report comes from here, so that it can be recomputed from the input and
the chosen set alone.  The model's objective is checked against it after each solve.
"""
from __future__ import annotations

from dataclasses import dataclass

from retrofit_opt import economics, funding
from retrofit_opt.case import Budget, Case, Project
from retrofit_opt.rules import (BASELINE_COLUMN, accounted, certificate_deduction, counts_in_year,  # noqa: F401
                                horizon_of, metric_total, metric_totals_in_year, option_draw, option_spend,
                                target_row, total_draw)
from retrofit_opt.schema.vocabulary import objective as objective_spec

Plan = dict  # project id → start year (None in single-period cases)
TOLERANCE = 1e-6


@dataclass(frozen=True)
class BudgetUse:
    budget: Budget
    used: float
    extra_needed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.used <= self.budget.limit * (1 + TOLERANCE) + TOLERANCE


@dataclass(frozen=True)
class TargetCheck:
    label: str
    metric: str
    kind: str
    year: int | None
    required: float  # in metric units (intensity targets: the saving required)
    achieved: float
    target_value: float  # as written (percent for intensity targets)
    achieved_intensity_change: float | None = None  # % change against the base year
    best_reachable: float | None = None  # filled when the case is infeasible

    @property
    def margin(self) -> float:
        return self.achieved - self.required if self.kind != "max_total" else self.required - self.achieved

    @property
    def met(self) -> bool:
        return self.margin >= -TOLERANCE * max(1.0, abs(self.required))


def spend(case: Case, plan: Plan, budget: Budget, chosen: list | None = None) -> float:
    """万元 the plan draws on a budget row: capex shares plus the awards of the
    ``subsidy_rules`` (drawn from the rule's pool, lowering the projects' own pools).
    ``chosen``: the plan's (project, start) pairs when the caller has them already."""
    horizon = horizon_of(case)
    if chosen is None:
        chosen = [(case.project(pid), start) for pid, start in plan.items()]
    capex = total_draw(chosen, budget, horizon)
    return capex + (funding.award_draw(case, plan, budget) if case.award_rules else 0.0)


def budget_uses(case: Case, plan: Plan) -> list[BudgetUse]:
    chosen = [(case.project(pid), start) for pid, start in plan.items()]  # looked up once for every row
    return [BudgetUse(b, spend(case, plan, b, chosen)) for b in case.budgets]


def target_checks(case: Case, plan: Plan) -> list[TargetCheck]:
    checks = []
    for target in case.targets:
        row = target_row(case, target)
        achieved = metric_total(case, plan, row.metric, row.year)
        change = None
        if target.kind == "intensity_reduction":
            change = intensity_change(case, target, achieved)
        checks.append(TargetCheck(target.label, row.metric, target.kind, row.year, row.rhs, achieved,
                                  target.value, change))
    return checks


def intensity_change(case: Case, target, saving: float) -> float:
    """% change of the intensity at the target year against the base year (negative = fall),
    counted as the target counts it (energy: less feedstock, new renewables and the
    deductible certificates, :func:`retrofit_opt.rules.required_saving`)."""
    column = BASELINE_COLUMN[target.metric]
    year = target.year if target.year is not None else case.parameters.end_year
    base, then = case.baseline[target.base_year], case.baseline[year]
    base_intensity = accounted(base, column) / base.value_added
    total = accounted(then, column) - certificate_deduction(case, target)
    intensity = (total - saving) / then.value_added
    return 100.0 * (intensity / base_intensity - 1.0)


def intensity_both_ways(case: Case, plan: Plan, target) -> dict:
    """An intensity target's outcome stated both ways (issue 16, carbon dual control): the
    energy intensity change as the target counts it (less feedstock, new renewables and
    certificates) and on the energy consumption as given, and the CO2 intensity change over
    the same years (``None`` where the baseline lacks the figures).  Percent, negative = fall."""
    year = target.year if target.year is not None else case.parameters.end_year
    base, then = case.baseline[target.base_year], case.baseline[year]
    plan_year = year if case.multi_year else None

    def change(column, saving, accounted_way):
        b, t = getattr(base, column), getattr(then, column)
        if b is None or t is None or b <= 0:
            return None
        if accounted_way:
            b, t = accounted(base, column), accounted(then, column) - certificate_deduction(case, target)
        return 100.0 * (((t - saving) / then.value_added) / (b / base.value_added) - 1.0)

    energy = metric_total(case, plan, "energy_saving", plan_year)
    co2 = metric_total(case, plan, "co2_reduction", plan_year)
    return {"energy_accounted": change("energy_consumption", energy, True),
            "energy_gross": change("energy_consumption", energy, False),
            "co2": change("co2", co2, False)}


def accounting_applies(case: Case, target) -> bool:
    """Does an energy-intensity target deduct anything (feedstock, renewables, certificates)?"""
    if target.kind != "intensity_reduction" or BASELINE_COLUMN[target.metric] != "energy_consumption":
        return False
    year = target.year if target.year is not None else case.parameters.end_year
    rows = (case.baseline[target.base_year], case.baseline[year])
    return any(r.feedstock_energy or r.renewable_energy or r.certificate_energy for r in rows)


def objective_value(case: Case, plan: Plan, objective: str | None = None, weights=None) -> float:
    """The plan's objective (its row of ``schema/objectives.csv``; ``weights``: the
    case's unless given)."""
    params = case.parameters
    spec = objective_spec(objective or params.objective)
    if spec.single_quantity is not None:
        return quantity_value(case, plan, spec.single_quantity)
    total = 0.0
    for name, weight in spec.coefficients(params.weights if weights is None else weights):
        total += weight * quantity_value(case, plan, name)
    return total


def quantity_value(case: Case, plan: Plan, name: str) -> float:
    """A quantity of a plan: ``capex``, ``npv`` (万元) or a metric at the evaluation year."""
    if name == "capex":
        return sum(case.project(p).capex for p in plan)
    if name == "npv":
        return sum(economics.npv(case.project(pid), case.parameters, s) for pid, s in plan.items())
    return metric_total(case, plan, name, case.evaluation_year)


def contribution(case: Case, project: Project, start: int | None, objective: str | None = None,
                 weights=None) -> float:
    """One project's own contribution to the objective's rank terms (``min_cost``: its
    energy saving), started in ``start``: its metrics count when its capacity counts at
    the evaluation year.  The numerator of the greedy order and of the Portfolio rank."""
    return contributions(case, [project], start, objective, weights)[0]


def contributions(case: Case, projects, start: int | None, objective: str | None = None,
                  weights=None) -> list[float]:
    """:func:`contribution` of each of ``projects``, all started in ``start``, the
    objective's terms looked up once (the greedy order ranks every candidate)."""
    params = case.parameters
    spec = objective_spec(objective or params.objective)
    year = case.evaluation_year
    terms = [] if spec.rank_quantity is not None else \
        spec.rank_coefficients(params.weights if weights is None else weights)

    def value(project: Project, counted: bool, name: str) -> float:
        if name == "capex":
            return project.capex
        if name == "npv":
            return economics.npv(project, params, start)
        return project.metric(name) if counted else 0.0

    out = []
    for project in projects:
        counted = counts_in_year(project, start, year)
        if spec.rank_quantity is not None:
            out.append(value(project, counted, spec.rank_quantity))
            continue
        total = 0.0
        for name, weight in terms:
            total += weight * value(project, counted, name)
        out.append(total)
    return out


def pool_spend(case: Case, plan: Plan, pool: str, year: int | None) -> float:
    """万元 the plan draws on ``pool`` in ``year`` (``None``: over the whole horizon)."""
    return spend(case, plan, Budget(pool, 0.0, year))


def metric_totals(case: Case, plan: Plan, npv=None) -> dict:
    """Each metric's total at the evaluation year (multi-year: also at every milestone).
    ``npv(project, start)``: :func:`retrofit_opt.economics.npv` of the case's projects, or
    a function returning the same numbers (the indicator table's, remembered)."""
    years = [case.evaluation_year]
    years += sorted({t.year for t in case.targets if t.year is not None and t.year not in years})
    by_year = {y: metric_totals_in_year(case, plan, case.metrics, y) for y in years}
    totals = {}
    for metric in case.metrics:
        if len(years) == 1:
            totals[metric] = by_year[years[0]][metric]
        else:
            totals[metric] = {str(y): by_year[y][metric] for y in years}
    totals["capex"] = sum(case.project(pid).capex for pid in plan)
    if npv is None:
        totals["npv"] = sum(economics.npv(case.project(pid), case.parameters, s) for pid, s in plan.items())
    else:
        totals["npv"] = sum(npv(case.project(pid), s) for pid, s in plan.items())
    return totals


def plan_violations(case: Case, plan: Plan, uses: list[BudgetUse] | None = None,
                    checks: list[TargetCheck] | None = None) -> list[str]:
    """Every rule a plan breaks: budgets, targets, mandatory, excluded, start windows,
    exclusive groups, prerequisites.  The pipeline checks each solver plan with it, so that
    a solver fault can never pass a wrong plan off as a solution.  ``uses`` and ``checks``:
    the plan's :func:`budget_uses` and :func:`target_checks` when the caller has them."""
    problems = []
    for use in budget_uses(case, plan) if uses is None else uses:
        if not use.ok:
            problems.append(f"budget {use.budget.pool} {use.budget.year or ''} used {use.used:,.6g} of "
                            f"{use.budget.limit:,.6g} 万元")
    for check in target_checks(case, plan) if checks is None else checks:
        if not check.met:
            problems.append(f"target {check.label} reached {check.achieved:,.6g}")
    groups: dict[str, list[str]] = {}
    for project in case.projects:
        chosen = project.id in plan
        if project.mandatory and not chosen:
            problems.append(f"mandatory project {project.id} is not chosen")
        if not chosen:
            continue
        if project.excluded or plan[project.id] not in case.start_years(project):
            problems.append(f"project {project.id} is chosen at a start it cannot have")
        if project.exclusive_group:
            groups.setdefault(project.exclusive_group, []).append(project.id)
        for needed in project.requires:
            if needed not in plan:
                problems.append(f"project {project.id} is chosen without its prerequisite {needed}")
    problems += [f"exclusive group {g} has {', '.join(ids)}" for g, ids in groups.items() if len(ids) > 1]
    return problems
