"""Result of the near-optimal alternatives study (``retrofit-opt alternatives``), no Pyomo.

Plain data handed from :mod:`retrofit_opt.studies.alternatives` to the Alternatives sheet
and to ``--json``.  Every number of a plan was recomputed from its chosen set by
:mod:`retrofit_opt.evaluate`.  (To be consolidated into :mod:`retrofit_opt.results`.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from retrofit_opt.case import Case
from retrofit_opt.evaluate import BudgetUse, Plan, TargetCheck

CORE, OPTIONAL, NEVER, UNPROVEN = "core", "optional", "never", "unproven"
CLASSES = (CORE, OPTIONAL, NEVER, UNPROVEN)

# How a class was established (ProjectClass.reason)
MANDATORY = "mandatory"  # core: the case makes it mandatory
KEPT = "kept"  # core: --keep / a kept enterprise's only project
DROPPED = "dropped"  # never: --drop / --drop-enterprise
NOT_SELECTABLE = "not_selectable"  # never: excluded or cannot complete within the horizon
INFEASIBLE_WITHOUT = "infeasible_without"  # core: re-solve with it forced out finds no plan within E
INFEASIBLE_WITH = "infeasible_with"  # never: re-solve with it forced in finds no plan within E
WITNESSED = "witnessed"  # optional: a plan within E with it, and one without it
ENUMERATED = "enumerated"  # every plan within E was enumerated: the class is read off the list
TIMED_OUT = "timed_out"  # unproven: the re-solve stopped at its time limit without an answer
NOT_ANALYSED = "not_analysed"  # unproven: the study's time budget for class proofs ran out


@dataclass(frozen=True)
class Conditions:
    """What --keep / --drop / --keep-enterprise / --drop-enterprise ask for."""

    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    keep_enterprises: tuple[str, ...] = ()
    drop_enterprises: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keep or self.drop or self.keep_enterprises or self.drop_enterprises)

    def to_json(self) -> dict:
        return {"keep": list(self.keep), "drop": list(self.drop), "keep_enterprise": list(self.keep_enterprises),
                "drop_enterprise": list(self.drop_enterprises)}


@dataclass(frozen=True)
class AlternativePlan:
    """One plan of the study: the reference (optimum or best under the conditions) or an
    alternative found by the max–min Hamming distance re-solve."""

    number: int  # 1 = the reference plan
    role: str  # optimum | best_under_conditions | alternative
    plan: Plan  # project id → start year (None in single-period cases)
    objective: float  # recomputed from the plan
    loss: float  # how much worse than the (unconditioned) optimum, ≥ 0 up to rounding
    gap_to_optimum: float | None  # loss / |optimum|; None when the optimum is 0
    distance: int | None  # least Hamming distance to the plans before it (None for plan 1)
    status: str  # of the solve that found it: optimal | feasible
    gap: float | None  # that solve's relative gap (for alternatives: on the spread objective)
    seconds: float
    totals: dict
    target_checks: list[TargetCheck] = field(default_factory=list)
    budget_uses: list[BudgetUse] = field(default_factory=list)

    def selected(self, case: Case) -> list[str]:
        return [p.id for p in case.projects if p.id in self.plan]

    def selected_json(self, case: Case) -> list:
        ids = self.selected(case)
        return [{"id": pid, "start_year": self.plan[pid]} for pid in ids] if case.multi_year else ids


@dataclass(frozen=True)
class ProjectClass:
    project_id: str
    kind: str  # core | optional | never | unproven
    reason: str  # see the constants above
    in_plans: tuple[int, ...] = ()  # numbers of the reported plans that include it
    best_without: float | None = None  # core: best objective with it forced out (None: no plan at all)
    best_without_status: str | None = None  # status of that solve


@dataclass(frozen=True)
class AlternativesResult:
    case: Case
    status: str  # optimal | infeasible | timeout
    message: str
    within: float
    count: int
    by_start_year: bool
    conditions: Conditions
    minimise: bool
    optimum: float | None  # best objective without conditions
    optimum_plan: Plan
    optimum_gap: float | None  # gap of the optimum solve (0: proven)
    reference: float | None  # best objective under the conditions (= optimum without conditions)
    threshold: float | None  # worst objective still within E of the reference
    plans: list[AlternativePlan] = field(default_factory=list)
    classes: dict[str, ProjectClass] = field(default_factory=dict)
    exhausted: bool = False  # fewer than ``count`` distinct plans lie within E
    plans_within: int | None = None  # every distinct plan within E, counted (None: not asked)
    plans_within_capped: bool = False  # counting stopped at the cap: there are at least that many
    enumerate_cap: int | None = None
    witnesses: int = 0  # further plans within E found by the class proofs
    exact: bool = True  # optimum proven (gap 0) and every class proven
    timings: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)

    @property
    def has_plans(self) -> bool:
        return bool(self.plans)

    @property
    def termination(self) -> str:
        return self.status

    def ids_of(self, kind: str) -> list[str]:
        return [p.id for p in self.case.projects if p.id in self.classes and self.classes[p.id].kind == kind]

    @property
    def core(self) -> list[str]:
        return self.ids_of(CORE)

    @property
    def optional(self) -> list[str]:
        return self.ids_of(OPTIONAL)

    @property
    def never(self) -> list[str]:
        return self.ids_of(NEVER)

    @property
    def unproven(self) -> list[str]:
        return self.ids_of(UNPROVEN)

    @property
    def condition_cost(self) -> float | None:
        """How much the conditions cost against the optimum (≥ 0; 0 without conditions)."""
        if self.optimum is None or self.reference is None:
            return None
        return (self.reference - self.optimum) if self.minimise else (self.optimum - self.reference)

    @property
    def condition_cost_share(self) -> float | None:
        cost = self.condition_cost
        if cost is None or self.optimum == 0:
            return None
        return cost / abs(self.optimum)

    @property
    def exit_code(self) -> int:
        return 0 if self.plans else 1

    def to_json(self) -> dict:
        case = self.case
        multi = case.multi_year
        out = {
            "status": self.status,
            "message": self.message,
            "objective_name": case.parameters.objective,
            "objective_sense": "min" if self.minimise else "max",
            "within": self.within,
            "count": self.count,
            "by_start_year": self.by_start_year,
            "conditions": self.conditions.to_json(),
            "optimum": self.optimum,
            "optimum_gap": self.optimum_gap,
            "optimum_selected": ([{"id": p.id, "start_year": self.optimum_plan[p.id]} for p in case.projects
                                  if p.id in self.optimum_plan] if multi
                                 else [p.id for p in case.projects if p.id in self.optimum_plan]),
            "reference": self.reference,
            "condition_cost": self.condition_cost,
            "condition_cost_share": self.condition_cost_share,
            "threshold": self.threshold,
            "alternatives": [{
                "number": a.number, "role": a.role, "objective": a.objective, "gap_to_optimum": a.gap_to_optimum,
                "loss": a.loss, "distance": a.distance, "selected": a.selected_json(case), "totals": a.totals,
                "targets": [{"target": t.label, "required": t.required, "achieved": t.achieved, "met": t.met}
                            for t in a.target_checks],
                "status": a.status, "gap": a.gap, "seconds": a.seconds} for a in self.plans],
            "exhausted": self.exhausted,
            "core": self.core,
            "optional": self.optional,
            "never": self.never,
            "unproven": self.unproven,
            "classes": {pid: {"class": c.kind, "reason": c.reason, "in_plans": list(c.in_plans),
                              **({"best_without": c.best_without, "best_without_status": c.best_without_status}
                                 if c.kind == CORE and c.reason in (INFEASIBLE_WITHOUT, ENUMERATED) else {})}
                        for pid, c in self.classes.items()},
            "witnesses": self.witnesses,
            "exact": self.exact,
            "seconds": self.timings,
            "units": {"money": "万元", **dict(case.metric_units)},
        }
        if self.enumerate_cap is not None:
            out["plans_within"] = {"count": self.plans_within, "capped": self.plans_within_capped,
                                   "cap": self.enumerate_cap}
        return out
