"""Every result type the studies hand to the reports and the JSON output (no Pyomo here).

A study solves; what it found is one of these plain, frozen objects, which the report
(:mod:`retrofit_opt.report`) and ``--json`` read without ever touching the model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt.case import TOTAL_POOL, Case, Scenario
from retrofit_opt.evaluate import BudgetUse, Plan, TargetCheck
from retrofit_opt.schema.vocabulary import objective_sense, objectives

MINIMISED = tuple(o.single_quantity for o in objectives().values() if o.minimise)
"""Quantities that are better when smaller (those of the minimised objectives: ``capex``)."""


def selected_json(case: Case, plan: Plan) -> list:
    """The chosen projects in input order: ids, or {id, start_year} in a multi-year case."""
    ids = [p.id for p in case.projects if p.id in plan]
    return [{"id": pid, "start_year": plan[pid]} for pid in ids] if case.multi_year else ids


def units_json(case: Case) -> dict:
    return {"money": "万元", **dict(case.metric_units)}


# ----------------------------------------------------------------------------- one solve
@dataclass(frozen=True)
class Exclusion:
    """Why a project is not in the portfolio."""

    project_id: str
    reason: str  # excluded | cannot_complete | infeasible_if_forced | lowers_objective | not_computed
    detail: str  # one readable sentence
    objective_loss: float | None = None  # how much the objective falls if forced in (exact, or the proven lower end)
    related: tuple[str, ...] = ()  # projects it conflicts with or needs
    loss_low: float | None = None  # the loss is proven to be at least this …
    loss_high: float | None = None  # … and at most this (None: no plan with the project known)
    loss_exact: bool = False  # proven within the main solve's gap (loss_low = loss_high)
    loss_method: str | None = None  # lp_bound | mip_screen | mip: what proved it
    displaced: tuple[str, ...] | None = None  # chosen projects the best known plan with it leaves out (None: none known)
    brought_in: tuple[str, ...] | None = None  # … and the other projects it adds (None: no such plan known)
    forced_plan: str | None = None  # where that plan came from: swap | lp_rounded | mip_screen | mip | main_plan

    def to_json(self) -> dict:
        return {"id": self.project_id, "reason": self.reason, "detail": self.detail,
                "objective_loss": self.objective_loss, "loss_low": self.loss_low, "loss_high": self.loss_high,
                "loss_exact": self.loss_exact, "loss_method": self.loss_method, "related": list(self.related),
                "displaced": None if self.displaced is None else list(self.displaced),
                "brought_in": None if self.brought_in is None else list(self.brought_in),
                "forced_plan": self.forced_plan}


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
    budget_uses: list[BudgetUse]
    target_checks: list[TargetCheck]
    totals: dict
    timings: dict  # seconds: build, solve, explain, total
    options: dict  # time_limit, mip_gap, objective, ...
    exclusions: dict[str, Exclusion] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None
    # the plan-free indicators of the case's projects (retrofit_opt.indicators), remembered
    # for the report; not part of the result's value
    indicators: object = field(default=None, compare=False, repr=False)

    @property
    def targets_met(self) -> bool:
        return self.status in ("optimal", "feasible") and all(t.met for t in self.target_checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.targets_met else 1

    def selected(self) -> list[str]:
        return [p.id for p in self.case.projects if p.id in self.plan]

    # ------------------------------------------------------------------ pandas (Jupyter)
    @property
    def portfolio(self):
        """The chosen projects as a DataFrame (:func:`retrofit_opt.result_frames.portfolio`)."""
        from retrofit_opt import result_frames
        return result_frames.portfolio(self)

    @property
    def not_selected(self):
        """The left-out projects and why, as a DataFrame."""
        from retrofit_opt import result_frames
        return result_frames.not_selected(self)

    @property
    def targets(self):
        """Each target required vs achieved, as a DataFrame (the checks: ``target_checks``)."""
        from retrofit_opt import result_frames
        return result_frames.targets(self)

    @property
    def budgets(self):
        """Each budget row's limit, use and room, as a DataFrame (the uses: ``budget_uses``)."""
        from retrofit_opt import result_frames
        return result_frames.budgets(self)

    def to_excel(self, path, lang: str | None = "zh"):
        """Write the results workbook (what ``retrofit-opt solve`` writes) to ``path``,
        atomically; ``lang`` "zh" or "en" (None: the case's language)."""
        from pathlib import Path

        from retrofit_opt.report import check_output_path, write_results
        check_output_path(Path(path))
        return write_results(self, Path(path), lang)

    def to_json(self) -> dict:
        """The ``--json`` object (PRODUCT.md §5); numbers in canonical units."""
        has_plan = self.status in ("optimal", "feasible")
        out = {
            "status": self.status,
            "objective": self.objective,
            "objective_sense": objective_sense(self.options.get("objective")),
            "objective_name": self.options.get("objective"),
            "gap": self.gap,
            "bound": self.bound,
            "selected": selected_json(self.case, self.plan),
            "totals": self.totals,
            "targets": [{"target": t.label, "metric": t.metric, "kind": t.kind, "year": t.year,
                         "required": t.required, "achieved": t.achieved if has_plan else None,
                         "met": t.met and has_plan,
                         **({"intensity_change_percent": t.achieved_intensity_change}
                            if t.achieved_intensity_change is not None else {})} for t in self.target_checks],
            "budgets": [{"pool": u.budget.pool, "year": u.budget.year, "limit": u.budget.limit,
                         "used": u.used, **({"group": list(u.budget.group)} if u.budget.group else {})}
                        for u in self.budget_uses],
            "targets_met": self.targets_met,
            "seconds": self.timings,
            "units": units_json(self.case),
        }
        if self.exclusions:
            out["not_selected"] = [e.to_json() for e in self.exclusions.values()]
        if self.case.award_rules and has_plan:  # issue 16: awards per rule and project, 万元
            from retrofit_opt.funding import plan_awards
            out["awards"] = [{"rule": self.case.award_rules[r].name, "project": pid, "award": amount}
                             for (r, pid), amount in sorted(plan_awards(self.case, self.plan).items())]
        if self.diagnosis is not None:
            d = self.diagnosis
            out["diagnosis"] = {"message": d.message, "best_reachable": d.best_reachable,
                                "extra_budget": d.extra_budget,
                                "extra_budget_per_target": d.extra_budget_per_target}
        return out


@dataclass(frozen=True)
class RunInfo:
    """What the Run info sheet of a multi-solve workbook states (the sweep's)."""

    case: Case
    status: str  # e.g. "6 optimal"
    termination: str
    options: dict
    timings: dict


# ----------------------------------------------------------------------------- scenarios
@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    result: Result

    def to_json(self) -> dict:
        s = self.scenario
        return {"name": s.name, "description": s.description, "overrides": dict(s.overrides),
                **self.result.to_json()}


# ----------------------------------------------------------------------------- budget sweep
@dataclass(frozen=True)
class FrontierPoint:
    level: float  # the swept limit (万元)
    status: str  # optimal | feasible | infeasible | timeout
    objective: float | None  # recomputed from the plan
    gap: float | None
    plan: Plan
    spend: float  # what the plan draws on the swept row (万元)
    targets_met: bool
    seconds: float  # wall time of the solve, Pyomo's update and solution loading included
    carried: bool = False  # the solver's plan was worse than a lower level's; that one is kept
    solver_seconds: float | None = None  # HiGHS's own run time of the solve

    @property
    def chosen(self) -> int:
        return len(self.plan)


@dataclass(frozen=True)
class LeastBudget:
    pool: str
    status: str
    budget: float | None  # the least limit on the pool's whole-horizon row that meets every target
    plan: Plan
    gap: float | None  # of the min-cost solve: the true least budget is at least budget·(1 − gap)
    seconds: float


# ----------------------------------------------------------------------------- Pareto
@dataclass(frozen=True)
class ParetoPoint:
    epsilon: float  # the bound on ``x``
    status: str
    x: float | None
    y: float | None
    gap: float | None  # of the solve that optimised ``y`` at this ε
    plan: Plan
    targets_met: bool
    seconds: float


@dataclass(frozen=True)
class ParetoFrontier:
    x: str  # the ε-constrained quantity (the chart's horizontal axis)
    y: str  # the optimised quantity
    status: str  # of the first solve; no points when it found no plan
    points: list[ParetoPoint]

    @property
    def x_minimised(self) -> bool:
        return self.x in MINIMISED

    @property
    def y_minimised(self) -> bool:
        return self.y in MINIMISED


# ----------------------------------------------------------------------------- priority list
@dataclass(frozen=True)
class PriorityEntry:
    project_id: str
    level: int  # 1-based index of the first level that funds it
    budget: float  # that level's budget
    rank: int  # 1 = fund first
    greedy_rank: int | None  # position in the benefit-per-万元 order


@dataclass(frozen=True)
class LevelComparison:
    budget: float
    weight: float
    objective: float | None  # nested portfolio at this level
    greedy_objective: float  # greedy (benefit per 万元) portfolio at this level
    greedy_feasible: bool  # does the greedy portfolio keep every rule of this level?
    chosen: int = 0  # projects in the nested portfolio
    greedy_chosen: int = 0

    @property
    def greedy_loss(self) -> float | None:
        """How much worse the greedy portfolio is (positive: the greedy order loses)."""
        if self.objective is None:
            return None
        return self.objective - self.greedy_objective


@dataclass(frozen=True)
class PriorityList:
    status: str
    gap: float | None
    levels: list[float]
    entries: list[PriorityEntry]
    comparison: list[LevelComparison]
    plans: list[dict]  # level → plan
    seconds: float
    weights: list[float] = field(default_factory=list)
    objective: str = "max_saving"  # the objective each level maximises
    pool: str = TOTAL_POOL
    weights_from: str = "equal"  # "equal", "scenarios" or "given"
    objective_value: float | None = None  # Σ_s w_s·f_s


# ----------------------------------------------------------------------------- the sweep command
@dataclass
class SweepRun:
    """What ``retrofit-opt sweep`` computed, for the workbook and the JSON."""

    case: Case
    pool: str
    points: list[FrontierPoint]
    least: LeastBudget | None = None
    pareto: ParetoFrontier | None = None
    priority: PriorityList | None = None
    options: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.points:
            counts[p.status] = counts.get(p.status, 0) + 1
        return counts

    @property
    def any_plan_meets_targets(self) -> bool:
        """Does the plan of some budget level meet every target (the command's exit code 0)?"""
        return any(p.targets_met for p in self.points)

    def run_info(self) -> RunInfo:
        """The Run info sheet's facts: the status counts stand for the one status."""
        statuses = ", ".join(f"{n} {s}" for s, n in self.status_counts().items())
        return RunInfo(self.case, statuses, "—", self.options, self.timings)

    def to_json(self) -> dict:
        case = self.case

        def selected(plan):
            return selected_json(case, plan)

        objective = case.parameters.objective
        out = {
            "pool": self.pool,
            "objective_name": objective,
            "objective_sense": objective_sense(objective),
            "points": [{"level": p.level, "status": p.status, "objective": p.objective, "gap": p.gap,
                        "spend": p.spend, "targets_met": p.targets_met, "carried": p.carried,
                        "chosen": p.chosen, "seconds": p.seconds, "solver_seconds": p.solver_seconds,
                        "selected": selected(p.plan)} for p in self.points],
        }
        if self.least is not None:
            lb = self.least
            out["least_budget"] = {"pool": lb.pool, "status": lb.status, "budget": lb.budget, "gap": lb.gap,
                                   "chosen": len(lb.plan), "selected": selected(lb.plan)}
        if self.pareto is not None:
            pf = self.pareto
            out["pareto"] = {"x": pf.x, "y": pf.y, "x_sense": "min" if pf.x_minimised else "max",
                             "y_sense": "min" if pf.y_minimised else "max", "status": pf.status,
                             "points": [{"epsilon": p.epsilon, "status": p.status, "x": p.x, "y": p.y,
                                         "gap": p.gap, "targets_met": p.targets_met,
                                         "selected": selected(p.plan)} for p in pf.points]}
        if self.priority is not None:
            pr = self.priority
            out["priority"] = {
                "status": pr.status, "gap": pr.gap, "objective_name": pr.objective, "levels": pr.levels,
                "weights": pr.weights, "weights_from": pr.weights_from,
                "list": [{"rank": e.rank, "id": e.project_id, "level": e.level, "budget": e.budget,
                          "greedy_rank": e.greedy_rank} for e in pr.entries],
                "by_level": [{"budget": c.budget, "weight": c.weight, "objective": c.objective,
                              "greedy_objective": c.greedy_objective, "greedy_loss": c.greedy_loss,
                              "greedy_keeps_rules": c.greedy_feasible} for c in pr.comparison],
            }
        out["options"] = self.options
        out["seconds"] = self.timings
        out["units"] = units_json(case)
        return out
