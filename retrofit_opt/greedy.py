"""The spreadsheet baseline: fund projects by benefit per 万元 until the budget runs out.

This is what planners do by hand (PERFORMANCE-NOTES.md, "The spreadsheet baseline"); the
reports and benchmarks show what it leaves on the table.  It skips a project that does not
fit and goes on with the next; it respects ``excluded`` but ignores every other rule, as a
ranking in a spreadsheet does.
"""
from __future__ import annotations

from retrofit_opt import economics
from retrofit_opt.case import Case, Project


def benefit(case: Case, project: Project) -> float:
    """The project's own contribution to the case's objective (min_cost: its energy saving)."""
    params = case.parameters
    objective = params.objective
    if objective in ("max_saving", "min_cost"):
        return project.metric("energy_saving")
    if objective == "max_co2":
        return project.metric("co2_reduction")
    if objective == "max_npv":
        return economics.npv(project, params)
    total = 0.0
    for name, weight in params.weights.items():
        total += weight * (economics.npv(project, params) if name == "npv" else
                           project.capex if name == "capex" else project.metric(name))
    return total


def greedy_order(case: Case) -> list[Project]:
    """Projects that are not excluded, by benefit per 万元, best first (ties: by id)."""
    candidates = [p for p in case.projects if not p.excluded]
    return sorted(candidates, key=lambda p: (-benefit(case, p) / p.capex, p.id))


def greedy_portfolio(case: Case, budget: float) -> list[str]:
    """Fund in greedy order, skipping what does not fit in ``budget`` (万元 of capex)."""
    chosen, spent = [], 0.0
    for project in greedy_order(case):
        if spent + project.capex <= budget + 1e-9:
            chosen.append(project.id)
            spent += project.capex
    return chosen
