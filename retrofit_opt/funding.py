"""Awards of the ``subsidy_rules`` sheet for a plan, in plain Python (issue 16).

An award rule r gives a chosen project p its entitlement
w_{r,p} = min(rate_tce·energy_saving/10⁴ + rate_co2·co2_reduction/10⁴, cap per project,
cap share·capex) 万元 (:meth:`retrofit_opt.case.AwardRule.entitlement`), paid in the
project's completion year t + b_p − 1 (single-period: the one period).  With a cap per
enterprise and year E_r, the projects of one enterprise completing in one year together
receive min(Σ w, E_r), split in proportion to their entitlements.

On the budget rows an award is drawn from the rule's pool (like the ``subsidy`` share) and
reduces what the project's own ``budget_pool`` pays; the ``total`` pool (all spending) is
unchanged.  The model (:mod:`retrofit_opt.model.awards`) enforces the same amounts, so the
plan evaluation recomputes them from the chosen set alone.
"""
from __future__ import annotations

from collections import defaultdict

from retrofit_opt.case import TOTAL_POOL, AwardRule, Budget, Case, Project


def completion_year(project: Project, start: int | None) -> int | None:
    """The year the award is paid: the last build year (``None`` in a single-period case)."""
    return None if start is None else start + project.build_years - 1


def plan_awards(case: Case, plan: dict) -> dict[tuple[int, str], float]:
    """(rule index, project id) → award in 万元 of every chosen project a rule pays."""
    awards: dict[tuple[int, str], float] = {}
    for r, rule in enumerate(case.award_rules):
        entitled = {pid: rule.entitlement(case.project(pid)) for pid in plan}
        entitled = {pid: w for pid, w in entitled.items() if w > 0}
        if rule.cap_per_enterprise_year is None:
            awards.update({(r, pid): w for pid, w in entitled.items()})
            continue
        groups: dict[tuple[str, int | None], list[str]] = defaultdict(list)
        for pid in entitled:
            project = case.project(pid)
            groups[(project.enterprise, completion_year(project, plan[pid]))].append(pid)
        for members in groups.values():
            total = sum(entitled[pid] for pid in members)
            scale = min(1.0, rule.cap_per_enterprise_year / total)
            awards.update({(r, pid): entitled[pid] * scale for pid in members})
    return awards


def award_sign(rule: AwardRule, project: Project, start: int | None, budget: Budget) -> int:
    """+1 when an award of ``rule`` to the project is drawn on the budget row (its pool,
    the completion year or the horizon, the row's group holding the project), −1 when it
    lowers what the row pays (the project's own pool), 0 otherwise."""
    if budget.pool == TOTAL_POOL or not budget.covers(project):
        return 0
    if budget.year is not None and budget.year != completion_year(project, start):
        return 0
    sign = 0
    if budget.pool == rule.pool:
        sign += 1
    if budget.pool == project.budget_pool:
        sign -= 1
    return sign


def award_draw(case: Case, plan: dict, budget: Budget, awards: dict | None = None) -> float:
    """Net 万元 the plan's awards add to a budget row (negative on the projects' own pools)."""
    awards = plan_awards(case, plan) if awards is None else awards
    total = 0.0
    for (r, pid), amount in awards.items():
        total += award_sign(case.award_rules[r], case.project(pid), plan[pid], budget) * amount
    return total


def awards_by_project(case: Case, plan: dict) -> dict[str, float]:
    """Project id → its total award over all rules (万元); chosen projects without an award
    are absent."""
    out: dict[str, float] = defaultdict(float)
    for (_, pid), amount in plan_awards(case, plan).items():
        out[pid] += amount
    return dict(out)
