"""Brute force for the alternatives study, written from issue 15 and PRODUCT.md alone.

Nothing here imports ``retrofit_opt``.  Every plan of a small case is enumerated; the
plans *within E* are those whose objective is no worse than the optimum z* by more than
E·|z*| (max: f ≥ z* − E·|z*|; min_cost: f ≤ z* + E·|z*|), up to 1e-9·max(1, |z*|).  From
that list:

* the classes: *core* — selectable and in every plan within E; *never* — in none;
  *optional* — in some and not in others;
* the number of distinct plans within E (by project set, or by (project, start year) set);
* for a list of plans already reported, the largest least Hamming distance any further
  distinct plan within E can have to them (what the max–min re-solve must reach).

Single-period cases use tests/oracle.py's checker (``violations``, ``objective``) plus an
enterprise per project; multi-year cases tests/multiyear_oracle.py's.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field

import multiyear_oracle as my
import oracle

WITHIN_TOL = 1e-9
BOUNDARY = 1e-6  # no plan may lie this close (relative) to the threshold, or the case is ambiguous


def threshold(optimum: float, within: float, minimise: bool) -> float:
    return optimum + within * abs(optimum) if minimise else optimum - within * abs(optimum)


def is_within(value: float, optimum: float, within: float, minimise: bool) -> bool:
    slack = WITHIN_TOL * max(1.0, abs(optimum))
    limit = threshold(optimum, within, minimise)
    return value <= limit + slack if minimise else value >= limit - slack


def clear_within(values, optimum: float, within: float, minimise: bool) -> float:
    """``within``, nudged up until no plan value lies within BOUNDARY of the threshold
    (other than plans exactly as good as the optimum), so tolerances cannot decide."""
    scale = max(1.0, abs(optimum))
    while True:
        limit = threshold(optimum, within, minimise)
        if all(abs(v - limit) > BOUNDARY * scale or v == optimum for v in values):
            return within
        within = round(within + 0.00137, 6)


# ---------------------------------------------------------------- single-period cases
@dataclass
class SPCase:
    problem: oracle.Problem
    enterprise: dict[str, str] = field(default_factory=dict)

    @property
    def minimise(self) -> bool:
        return self.problem.minimise


def sp_plans(case: SPCase, keep=(), drop=(), keep_ent=(), drop_ent=()) -> list[tuple[frozenset, float]]:
    """Every feasible plan meeting the conditions, with its objective."""
    problem = case.problem
    ids = [p.id for p in problem.projects]
    out = []
    for bits in itertools.product((0, 1), repeat=len(ids)):
        chosen = frozenset(pid for pid, b in zip(ids, bits) if b)
        if any(pid not in chosen for pid in keep) or any(pid in chosen for pid in drop):
            continue
        if any(case.enterprise.get(pid) in drop_ent for pid in chosen):
            continue
        if any(not any(case.enterprise.get(pid) == e for pid in chosen) for e in keep_ent):
            continue
        if oracle.violations(problem, chosen):
            continue
        out.append((chosen, oracle.objective(problem, chosen)))
    return out


def best(plans, minimise: bool):
    if not plans:
        return None
    return min(v for _, v in plans) if minimise else max(v for _, v in plans)


def band(plans, optimum, within, minimise):
    return [(s, v) for s, v in plans if is_within(v, optimum, within, minimise)]


def classes(units_of_plans, selectable, all_ids) -> dict[str, str]:
    """core / optional / never per project from the plans within E (sets of project ids)."""
    out = {}
    for pid in all_ids:
        n_in = sum(pid in s for s in units_of_plans)
        if pid not in selectable or n_in == 0:
            out[pid] = "never"
        elif n_in == len(units_of_plans):
            out[pid] = "core"
        else:
            out[pid] = "optional"
    return out


def best_next_distance(candidates, reported) -> int | None:
    """max over candidate unit sets not reported of min |c △ r| over the reported sets."""
    rest = [c for c in candidates if c not in reported]
    if not rest:
        return None
    return max(min(len(c ^ r) for r in reported) for c in rest)


ENTERPRISES = ["黄河鑫业", "中复神鹰", "ACME Steel"]


def random_sp_case(seed: int) -> SPCase:
    """A small single-period case (5–10 projects) with enterprises; integer data, budget
    limits ending in .37 and targets in .5 keep plans off the constraints' edges."""
    rng = random.Random(seed * 104729 + 3)
    n = rng.randint(5, 10)
    objective = rng.choice(["max_saving", "max_saving", "max_co2", "min_cost", "max_npv", "max_npv"])
    losing = objective == "max_npv" and rng.random() < 0.3  # every NPV negative: the optimum is ≤ 0
    projects = []
    for k in range(n):
        energy = rng.choice([rng.randint(10, 400), rng.randint(10, 400), 0])
        capex = float(rng.randint(20, 400))
        npv = float(rng.randint(-150, -1) if losing else rng.randint(-150, 300))
        if k and rng.random() < 0.4:  # a twin of an earlier project: ties between plans
            twin = rng.choice(projects)
            energy, capex, npv = twin.metric("energy_saving"), twin.capex, twin.npv if twin.npv is not None else npv
        p = oracle.Project(id=f"P{k + 1}", capex=capex,
                           metrics={"energy_saving": float(energy),
                                    "co2_reduction": float(round(energy * rng.uniform(1.5, 3.0)))},
                           npv=npv if objective == "max_npv" else None)
        p.group = rng.choice(["", "", "", "", "G1", "G2"])
        if k and rng.random() < 0.2:
            p.requires = (f"P{rng.randint(1, k)}",)
        p.excluded = rng.random() < 0.06
        projects.append(p)
    if losing:
        free = [p for p in projects if not p.excluded and not p.requires and not p.group]
        if free:
            free[0].mandatory = True
    for p in projects:
        if rng.random() < 0.08 and not p.excluded and not p.requires and not p.group:
            p.mandatory = True
    total_capex = sum(p.capex for p in projects)
    total_energy = sum(p.metric("energy_saving") for p in projects)
    budgets = []
    if rng.random() < 0.85:
        budgets.append(("total", round(total_capex * rng.uniform(0.35, 0.85)) + 0.37))
    targets = []
    if objective == "min_cost" and rng.random() < 0.8 or rng.random() < 0.3:
        targets.append(("energy_saving", "min_total", math.floor(total_energy * rng.uniform(0.15, 0.5)) + 0.5))
    problem = oracle.Problem(projects, budgets, targets, objective=objective)
    enterprise = {p.id: rng.choice(ENTERPRISES) for p in projects}
    return SPCase(problem, enterprise)


def sp_sheets(case: SPCase) -> dict[str, list[list]]:
    problem = case.problem
    with_npv = problem.objective == "max_npv"
    head = ["id", "name", "enterprise", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
            "mandatory", "excluded", "exclusive_group", "requires"] + (["npv (万元)"] if with_npv else [])
    rows = [head]
    for p in problem.projects:
        rows.append([p.id, f"Project {p.id}", case.enterprise[p.id], p.capex, p.metric("energy_saving"),
                     p.metric("co2_reduction"), "yes" if p.mandatory else "no", "yes" if p.excluded else "no",
                     p.group or None, ",".join(p.requires) or None] + ([p.npv] if with_npv else []))
    sheets = {"projects": rows, "parameters": [["parameter", "value"], ["objective", problem.objective]]}
    if problem.budgets:
        sheets["budgets"] = [["pool", "limit (万元)"]] + [[pool, limit] for pool, limit in problem.budgets]
    if problem.targets:
        sheets["targets"] = [["metric", "kind", "value"]] + [list(t) for t in problem.targets]
    return sheets


# ---------------------------------------------------------------- multi-year cases
def my_plans(case: my.MYCase) -> list[tuple[dict, float]]:
    """Every feasible plan {id: start year} of a multi-year case, with its objective."""
    options = [[None] + my.start_options(case, p) for p in case.projects]
    out = []
    for choice in itertools.product(*options):
        plan = {p.id: t for p, t in zip(case.projects, choice) if t is not None}
        if not my.violations(case, plan):
            out.append((plan, my.objective(case, plan)))
    return out


def my_units(plan: dict, by_start_year: bool) -> frozenset:
    return frozenset(plan.items()) if by_start_year else frozenset(plan)
