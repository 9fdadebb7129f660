"""Index sets and coefficients of the model, computed from a validated case.

The rules it applies (counting, spending, targets as rows) are :mod:`retrofit_opt.rules`,
shared with the plan evaluation and the reports.  A *start option* is a pair (project, start year); a
single-period case gives every project one option with start year ``None``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from retrofit_opt import economics
from retrofit_opt.case import TOTAL_POOL, Budget, Case, Project
from retrofit_opt.funding import completion_year
from retrofit_opt.rules import TargetRow, counts_in_year, horizon_of, option_draw, target_row


@dataclass
class ModelData:
    case: Case
    options: list[tuple[int, int | None]] = field(default_factory=list)  # (project index, start year)
    project_options: list[list[int]] = field(default_factory=list)  # project index → option indices
    evaluation_year: int | None = None  # year the objective counts capacity
    target_rows: list[TargetRow] = field(default_factory=list)
    overlap_years: list[int | None] = field(default_factory=list)

    @classmethod
    def from_case(cls, case: Case) -> "ModelData":
        data = cls(case)
        for p_index, project in enumerate(case.projects):
            indices = []
            if not project.excluded:
                for year in case.start_years(project):
                    indices.append(len(data.options))
                    data.options.append((p_index, year))
            data.project_options.append(indices)
        data.evaluation_year = case.evaluation_year
        data.target_rows = [target_row(case, t) for t in case.targets]
        years = {row.year for row in data.target_rows} | {data.evaluation_year}
        data.overlap_years = sorted(years, key=lambda y: -1 if y is None else y)
        return data

    @property
    def projects(self) -> tuple[Project, ...]:
        return self.case.projects

    def project_of(self, option: int) -> Project:
        return self.case.projects[self.options[option][0]]

    def active(self, option: int, year: int | None) -> bool:
        """Does the option's saving capacity count at the end of ``year``?"""
        return counts_in_year(self.project_of(option), self.options[option][1], year)

    def active_options(self, p_index: int, year: int | None) -> list[int]:
        return [i for i in self.project_options[p_index] if self.active(i, year)]

    def spend(self, option: int, budget: Budget) -> float:
        """万元 the option draws on a budget row (its pool, its year or the horizon)."""
        return option_draw(self.project_of(option), self.options[option][1], budget, horizon_of(self.case))

    def budget_terms(self) -> list[list[tuple[int, float]]]:
        """For every budget row j, the pairs (option i, s_ij) with s_ij ≠ 0, options
        ascending — what ``spend`` gives, computed only where it can be non-zero: on the
        rows of the option's pools (``total`` and ``pool_shares``; with reinvested savings
        also its own ``budget_pool``, whose rows the savings raise even when a subsidy pays
        all its capex), for the horizon and its build years (with reinvested savings: every
        year), instead of for every option on every row (O(options × rows))."""
        budgets = self.case.budgets
        rows_at: dict[tuple[str, int | None], list[int]] = {}
        for j, budget in enumerate(budgets):
            rows_at.setdefault((budget.pool, budget.year), []).append(j)
        terms: list[list[tuple[int, float]]] = [[] for _ in budgets]
        for i, (p_index, start) in enumerate(self.options):
            project = self.case.projects[p_index]
            pools = dict.fromkeys((TOTAL_POOL, *project.pool_shares()))
            years = (None,) if start is None else (None, *range(start, start + project.build_years))
            if project.reinvest_share and start is not None:  # savings reinvested in later years,
                years = (None, *self.case.years)  # on total and the own pool (even if a subsidy pays all)
                pools.setdefault(project.budget_pool)
            for pool in pools:
                for year in years:
                    for j in rows_at.get((pool, year), ()):
                        s = self.spend(i, budgets[j])
                        if s:
                            terms[j].append((i, s))
        return terms

    def npv(self, option: int) -> float:
        return economics.npv(self.project_of(option), self.case.parameters, self.options[option][1])


def award_groups(data: ModelData) -> dict[tuple[int, str, int | None], list[tuple[int, float]]]:
    """(rule, enterprise, completion year) → [(option, w)] for the rules with a cap per
    enterprise and year."""
    groups: dict = defaultdict(list)
    for r, rule in enumerate(data.case.award_rules):
        if rule.cap_per_enterprise_year is None:
            continue
        for i, (p_index, start) in enumerate(data.options):
            project = data.projects[p_index]
            w = rule.entitlement(project)
            if w > 0:
                groups[(r, project.enterprise, completion_year(project, start))].append((i, w))
    return dict(groups)
