"""Index sets and coefficients of the model, computed from a validated case.

The rules it applies (counting, spending, targets as rows) are :mod:`retrofit_opt.rules`,
shared with the plan evaluation and the reports.  A *start option* is a pair (project, start year); a
single-period case gives every project one option with start year ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt import economics
from retrofit_opt.case import Budget, Case, Project
from retrofit_opt.rules import TargetRow, counts_in_year, option_spend, target_row


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
        data.evaluation_year = case.parameters.end_year if case.multi_year else None
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
        return option_spend(self.project_of(option), self.options[option][1], budget)

    def npv(self, option: int) -> float:
        return economics.npv(self.project_of(option), self.case.parameters, self.options[option][1])


