"""Award families of the selection model (issue 16, ``subsidy_rules`` sheet).

An award of rule r to start option i = (p, t) is w_{r,p}·x_i (the entitlement of
:meth:`retrofit_opt.case.AwardRule.entitlement`) unless the rule has a cap per enterprise
and year; then the options of one enterprise e completing in one year y form a group
g = (r, e, y) whose award A_g = min(Σ_{i ∈ g} w_{r,p}·x_i, E_r) is exact through one
binary u_g (``award_capped``).  :func:`award_terms` gives every budget row the awards it
carries (+ on the rule's pool, − on the projects' own pools), the same amounts as
:func:`retrofit_opt.funding.award_draw` computes for a plan.
"""
from __future__ import annotations

import pyomo.environ as pyo

from retrofit_opt.funding import award_sign
from retrofit_opt.model.data import ModelData, award_groups

__all__ = ["award_groups", "award_terms", "define_award_cap"]


def define_award_cap(m, data: ModelData) -> None:
    """award_cap: for every group g = (r, e, y) of a rule with a cap E_r per enterprise and
    year, A_g ≤ Σ_{i∈g} w_{r,p}·x_i,  A_g ≤ E_r,  A_g ≥ Σ_{i∈g} w_{r,p}·x_i − W_g·u_g,
    A_g ≥ E_r·u_g  (u_g ∈ {0,1}, W_g = Σ_{i∈g} w_{r,p}): A_g = min(Σ w·x, E_r) exactly."""
    groups = award_groups(data)
    m.AWARD_GROUPS = pyo.Set(initialize=list(groups), dimen=3)
    m.award = pyo.Var(m.AWARD_GROUPS, domain=pyo.NonNegativeReals)
    m.award_capped = pyo.Var(m.AWARD_GROUPS, domain=pyo.Binary)
    m.award_data = groups  # read by award_terms; plain Python, not a Pyomo component

    def entitled(m, g):
        return pyo.quicksum(w * m.x[i] for i, w in groups[g])

    def cap(g):
        return data.case.award_rules[g[0]].cap_per_enterprise_year

    m.award_cap_sum = pyo.Constraint(m.AWARD_GROUPS, rule=lambda m, *g: m.award[g] <= entitled(m, g))
    m.award_cap_limit = pyo.Constraint(m.AWARD_GROUPS, rule=lambda m, *g: m.award[g] <= cap(g))
    m.award_cap_floor_sum = pyo.Constraint(m.AWARD_GROUPS, rule=lambda m, *g: m.award[g] >= entitled(m, g)
                                           - sum(w for _, w in groups[g]) * m.award_capped[g])
    m.award_cap_floor_limit = pyo.Constraint(m.AWARD_GROUPS,
                                             rule=lambda m, *g: m.award[g] >= cap(g) * m.award_capped[g])


def award_terms(m, data: ModelData, budget) -> list:
    """The award terms of one budget row: ±w_{r,p}·x_i for uncapped rules and ±A_g for
    capped groups (validation makes every member of a group carry the same sign)."""
    terms = []
    rules = data.case.award_rules
    if not rules:
        return terms
    for r, rule in enumerate(rules):
        if rule.cap_per_enterprise_year is not None:
            continue
        for i, (p_index, start) in enumerate(data.options):
            project = data.projects[p_index]
            sign = award_sign(rule, project, start, budget)
            if sign:
                w = rule.entitlement(project)
                if w > 0:
                    terms.append(sign * w * m.x[i])
    for g, members in getattr(m, "award_data", {}).items():
        signs = {award_sign(rules[g[0]], data.project_of(i), data.options[i][1], budget) for i, _ in members}
        if len(signs) > 1:
            raise ValueError(f"award group {g} has members on both sides of budget row {budget.label}")
        sign = signs.pop()
        if sign:
            terms.append(sign * m.award[g])
    return terms
