"""Index sets and coefficients of the model, computed from a validated case.

Kept apart from Pyomo so that the same numbers serve the model, the independent plan
evaluation and the benchmarks.  A *start option* is a pair (project, start year); a
single-period case gives every project one option with start year ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt import economics
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
        project = self.project_of(option)
        start = self.options[option][1]
        share = 1.0 if budget.pool == TOTAL_POOL else project.pool_shares().get(budget.pool, 0.0)
        if share == 0.0:
            return 0.0
        if budget.year is None:
            return project.capex * share
        offset = budget.year - start
        if 0 <= offset < project.build_years:
            return project.capex * share * project.capex_shares[offset]
        return 0.0

    def npv(self, option: int) -> float:
        return economics.npv(self.project_of(option), self.case.parameters, self.options[option][1])


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
    year = target.year
    if year is None and case.multi_year:
        year = case.parameters.end_year
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
    the base year."""
    year = target.year if target.year is not None else case.parameters.end_year
    column = BASELINE_COLUMN[target.metric]
    base, then = case.baseline[target.base_year], case.baseline[year]
    allowed = (1 - target.value / 100.0) * getattr(base, column) / base.value_added * then.value_added
    return getattr(then, column) - allowed
