"""The spreadsheet baselines: fund projects by benefit per 万元 until the budget runs out.

This is what planners do by hand (PERFORMANCE-NOTES.md, "The spreadsheet baseline"); the
reports and benchmarks show what it leaves on the table.  No solver: one ranking
(:func:`greedy_order`), filled three ways:

- :func:`greedy_portfolio`: within one total budget, skipping a project that does not fit;
  it respects ``excluded`` but ignores every other rule, as a ranking in a spreadsheet does;
- :func:`greedy_plan`: each project at its earliest start, within every budget row;
- :func:`greedy_with_rules`: mandatory projects first, then within every budget row,
  exclusive groups and prerequisites, as a careful spreadsheet user checks by hand.

:func:`keeps_rules` tells whether a plan keeps the rules a level of the priority list holds.
"""
from __future__ import annotations

from retrofit_opt import evaluate
from retrofit_opt.case import Case, Project


def benefit(case: Case, project: Project) -> float:
    """The project's own contribution to the case's objective (min_cost: its energy
    saving), valued as if started at the horizon's start (:func:`evaluate.contribution`)."""
    return evaluate.contribution(case, project, None)


def greedy_order(case: Case) -> list[Project]:
    """Projects that are not excluded, by benefit per 万元, best first (ties: by id)."""
    candidates = [p for p in case.projects if not p.excluded]
    benefits = evaluate.contributions(case, candidates, None)  # benefit() of each
    keys = [(-b / p.capex, p.id) for p, b in zip(candidates, benefits)]
    return [candidates[k] for k in sorted(range(len(candidates)), key=keys.__getitem__)]


def greedy_portfolio(case: Case, budget: float) -> list[str]:
    """Fund in greedy order, skipping what does not fit in ``budget`` (万元 of capex)."""
    chosen, spent = [], 0.0
    for project in greedy_order(case):
        if spent + project.capex <= budget + 1e-9:
            chosen.append(project.id)
            spent += project.capex
    return chosen


def greedy_plan(case: Case) -> dict:
    """Fund in greedy order (benefit per 万元), each project at its earliest start year,
    skipping one that does not fit in what is left of every budget row of ``case``; like
    a spreadsheet ranking, it ignores every other rule."""
    plan: dict = {}
    left = [b.limit for b in case.budgets]
    for project in greedy_order(case):
        starts = case.start_years(project)
        if not starts:
            continue
        draws = [evaluate.spend(case, {project.id: starts[0]}, b) for b in case.budgets]
        if all(d <= room + 1e-9 for d, room in zip(draws, left)):
            plan[project.id] = starts[0]
            left = [room - d for d, room in zip(draws, left)]
    return plan


def greedy_with_rules(case: Case) -> list[str]:
    """The same ranking (benefit per 万元, ``greedy.greedy_order``) kept within the rules a
    careful spreadsheet user checks by hand: mandatory projects first; then a project is
    taken only if it fits every budget row (every pool, the subsidy cap), no other member
    of its exclusive group is taken, and its prerequisites are already taken.  Targets are
    not pursued: whether they are met is reported."""
    spend = {b: 0.0 for b in case.budgets}
    chosen: list[str] = []
    taken: set[str] = set()
    groups: set[str] = set()

    def fits(p):
        return all(spend[b] + evaluate.spend(case, {p.id: None}, b) <= b.limit * (1 + 1e-9) + 1e-9
                   for b in case.budgets)

    def take(p):
        for b in case.budgets:
            spend[b] += evaluate.spend(case, {p.id: None}, b)
        chosen.append(p.id)
        taken.add(p.id)
        if p.exclusive_group:
            groups.add(p.exclusive_group)

    for p in case.projects:
        if p.mandatory and not p.excluded:
            take(p)
    for p in greedy_order(case):
        if p.id in taken or (p.exclusive_group and p.exclusive_group in groups):
            continue
        if all(q in taken for q in p.requires) and fits(p):
            take(p)
    return chosen


def keeps_rules(case: Case, plan: dict, top: bool) -> bool:
    """Does a plan keep budgets, exclusive groups and prerequisites (and, at the top level,
    mandatory projects and targets)?"""
    if not all(u.ok for u in evaluate.budget_uses(case, plan)):
        return False
    groups = {}
    for pid in plan:
        project = case.project(pid)
        if project.exclusive_group:
            groups[project.exclusive_group] = groups.get(project.exclusive_group, 0) + 1
        if any(q not in plan for q in project.requires):
            return False
    if any(n > 1 for n in groups.values()):
        return False
    if top:
        if any(p.mandatory and p.id not in plan for p in case.projects):
            return False
        if not all(t.met for t in evaluate.target_checks(case, plan)):
            return False
    return True
