"""Seeded small single-period cases with saving ranges for the robust-variant oracles,
written as real .xlsx workbooks, and a brute-force enumerator written from the issue's
definitions (not from the package's model):

* a plan S is *feasible* when Σ capex ≤ budget, every mandatory project is in S, at most
  one project per exclusive group is in S;
* Γ-robust: for every energy target V, every subset T ⊆ S with |T| ≤ Γ keeps
  Σ_{p∈S} v_p − Σ_{p∈T} (v_p − low_p) ≥ V (the subsets are enumerated, not sorted);
* chance: in at least ⌈P·N⌉ … precisely, the number of scenarios s with
  Σ_{p∈S} v^s_p ≥ V is at least N − ⌊(1 − P)·N⌋.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

from workbooks import write_workbook

TOL = 1e-6


@dataclass
class Item:
    id: str
    capex: float
    saving: float
    low: float
    high: float
    co2: float
    npv: float
    mandatory: bool = False
    group: str = ""


@dataclass
class SmallCase:
    items: list[Item]
    budget: float
    target: float  # energy_saving ≥ target
    objective: str

    def value(self, chosen: tuple[Item, ...]) -> float:
        if self.objective == "max_saving":
            return sum(i.saving for i in chosen)
        if self.objective == "max_co2":
            return sum(i.co2 for i in chosen)
        if self.objective == "min_cost":
            return sum(i.capex for i in chosen)
        return sum(i.npv for i in chosen)

    @property
    def minimise(self) -> bool:
        return self.objective == "min_cost"


def random_small_case(seed: int, n: int | None = None, objectives=("max_saving", "max_co2", "min_cost", "max_npv"),
                      ranges: bool = True) -> SmallCase:
    rng = random.Random(seed)
    n = n or rng.randint(4, 8)
    items = []
    for k in range(n):
        saving = float(rng.randint(50, 400))
        low = saving - (float(rng.randint(0, int(saving * 0.6))) if ranges and rng.random() < 0.8 else 0.0)
        items.append(Item(f"P{k + 1}", float(rng.randint(100, 900)), saving, low,
                          saving + (float(rng.randint(0, 80)) if ranges else 0.0), float(rng.randint(0, 900)),
                          float(rng.randint(-200, 800))))
    if rng.random() < 0.4:
        rng.choice(items).mandatory = True
    if rng.random() < 0.5 and n >= 4:
        a, b = rng.sample([i for i in items if not i.mandatory], 2)
        a.group = b.group = "G1"
    total_capex = sum(i.capex for i in items)
    budget = float(round(total_capex * rng.uniform(0.4, 0.8)))
    case = SmallCase(items, budget, 0.0, rng.choice(objectives))
    reachable = max(sum(i.saving for i in c) for c in feasible_plans(case)) if any(feasible_plans(case)) else 0.0
    case.target = float(round(reachable * rng.uniform(0.5, 0.97)))  # binding often, so Γ matters
    return case


def write_case(path, case: SmallCase, with_ranges: bool = True):
    header = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)", "npv (万元)",
              "mandatory", "exclusive_group"]
    if with_ranges:
        header += ["saving_low (tce/yr)", "saving_high (tce/yr)"]
    rows = [header]
    for i in case.items:
        row = [i.id, f"project {i.id}", i.capex, i.saving, i.co2, i.npv, "yes" if i.mandatory else "no", i.group]
        if with_ranges:
            row += [i.low, i.high]
        rows.append(row)
    return write_workbook(path, {
        "projects": rows,
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, case.budget]],
        "targets": [["metric", "year", "kind", "value"], ["energy_saving", None, "min_total", case.target]],
        "parameters": [["parameter", "value"], ["objective", case.objective], ["mip_gap", 0]],
    })


def feasible_plans(case: SmallCase):
    """Every plan that keeps the budget, mandatory and exclusive-group rules."""
    for size in range(len(case.items) + 1):
        for chosen in itertools.combinations(case.items, size):
            if sum(i.capex for i in chosen) > case.budget * (1 + TOL) + TOL:
                continue
            if any(i.mandatory and i not in chosen for i in case.items):
                continue
            groups = [i.group for i in chosen if i.group]
            if len(groups) != len(set(groups)):
                continue
            yield chosen


def gamma_robust(case: SmallCase, chosen, gamma: int) -> bool:
    total = sum(i.saving for i in chosen)
    for size in range(0, min(gamma, len(chosen)) + 1):
        for fallen in itertools.combinations(chosen, size):
            if total - sum(i.saving - i.low for i in fallen) < case.target - TOL * max(1.0, case.target):
                return False
    return True


def chance_ok(case: SmallCase, chosen, scenario_savings, confidence: float) -> bool:
    """``scenario_savings[s][k]``: item k's saving in scenario s."""
    index = {i.id: k for k, i in enumerate(case.items)}
    n = len(scenario_savings)
    met = sum(1 for row in scenario_savings
              if sum(row[index[i.id]] for i in chosen) >= case.target - TOL * max(1.0, case.target))
    return n - met <= math.floor((1 - confidence) * n + 1e-9)


def best(case: SmallCase, admissible) -> float | None:
    """The best objective over feasible plans for which ``admissible(plan)`` holds."""
    values = [case.value(c) for c in feasible_plans(case) if admissible(c)]
    if not values:
        return None
    return min(values) if case.minimise else max(values)
