"""Plain result objects handed from the solve pipeline to the reports (no Pyomo here)."""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt.case import Case
from retrofit_opt.evaluate import BudgetUse, Plan, TargetCheck


@dataclass(frozen=True)
class Exclusion:
    """Why a project is not in the portfolio."""

    project_id: str
    reason: str  # excluded | cannot_complete | infeasible_if_forced | lowers_objective | not_computed
    detail: str  # one readable sentence
    objective_loss: float | None = None  # how much the objective falls if forced in
    related: tuple[str, ...] = ()  # projects it conflicts with or needs


@dataclass(frozen=True)
class Diagnosis:
    """Why targets cannot all be met, and what it would take."""

    hard_rules_feasible: bool  # can budgets, mandatory and logic rows hold at all?
    best_reachable: dict  # target label → best value reachable within budgets (ignoring other targets)
    extra_budget: dict | None  # budget row label → extra 万元 that makes all targets reachable; None: no budget suffices
    extra_budget_per_target: dict  # target label → total extra 万元 that makes that target alone reachable (None: never)
    compromise_plan: Plan = field(default_factory=dict)  # least relative shortfall within budgets
    message: str = ""


@dataclass(frozen=True)
class Result:
    case: Case
    status: str  # optimal | feasible | infeasible | timeout
    termination: str
    objective: float | None  # recomputed from the plan by evaluate.objective_value
    bound: float | None
    gap: float | None
    plan: Plan  # chosen project id → start year (None: single period)
    budgets: list[BudgetUse]
    targets: list[TargetCheck]
    totals: dict
    timings: dict  # seconds: build, solve, explain, total
    options: dict  # time_limit, mip_gap, objective, ...
    exclusions: dict[str, Exclusion] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None

    @property
    def targets_met(self) -> bool:
        return self.status in ("optimal", "feasible") and all(t.met for t in self.targets)

    @property
    def exit_code(self) -> int:
        return 0 if self.targets_met else 1

    def selected(self) -> list[str]:
        return [p.id for p in self.case.projects if p.id in self.plan]

    def to_json(self) -> dict:
        """The ``--json`` object (PRODUCT.md §5); numbers in canonical units."""
        has_plan = self.status in ("optimal", "feasible")
        selected = ([{"id": pid, "start_year": self.plan[pid]} for pid in self.selected()]
                    if self.case.multi_year else self.selected())
        out = {
            "status": self.status,
            "objective": self.objective,
            "objective_sense": "min" if self.options.get("objective") == "min_cost" else "max",
            "objective_name": self.options.get("objective"),
            "gap": self.gap,
            "bound": self.bound,
            "selected": selected,
            "totals": self.totals,
            "targets": [{"target": t.label, "metric": t.metric, "kind": t.kind, "year": t.year,
                         "required": t.required, "achieved": t.achieved if has_plan else None,
                         "met": t.met and has_plan,
                         **({"intensity_change_percent": t.achieved_intensity_change}
                            if t.achieved_intensity_change is not None else {})} for t in self.targets],
            "budgets": [{"pool": u.budget.pool, "year": u.budget.year, "limit": u.budget.limit,
                         "used": u.used} for u in self.budgets],
            "targets_met": self.targets_met,
            "seconds": self.timings,
            "units": {"money": "万元", **dict(self.case.metric_units)},
        }
        if self.diagnosis is not None:
            d = self.diagnosis
            out["diagnosis"] = {"message": d.message, "best_reachable": d.best_reachable,
                                "extra_budget": d.extra_budget,
                                "extra_budget_per_target": d.extra_budget_per_target}
        return out
