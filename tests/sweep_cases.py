"""Small seeded cases for the sweep, Pareto, priority-list and compare tests, each kept
twice: as workbook sheets (written to a real .xlsx and loaded by the tool) and as a plain
description (:class:`Raw`) that the tests' own brute force evaluates without the tool.

Single period; money in 万元.  Rules: budget rows on ``total`` and on the pool ``fund_a``
(paid by the projects naming it), exclusive groups, prerequisites, at most one mandatory
project, pairwise overlaps of energy and CO2, a min_total energy target.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from workbooks import write_workbook


@dataclass
class RawProject:
    id: str
    capex: float
    energy: float
    co2: float
    pool: str = "total"
    group: str = ""
    requires: tuple[str, ...] = ()
    mandatory: bool = False


@dataclass
class Raw:
    projects: list[RawProject]
    total: float | None  # whole-horizon limit of pool total (None: no row)
    fund_a: float | None  # limit of pool fund_a (None: no row)
    energy_target: float | None
    overlaps: list[tuple[str, str, float, float]]  # (a, b, energy lost, co2 lost)
    objective: str = "max_saving"
    weights: dict = field(default_factory=dict)  # weighted: metric or capex → weight

    # ------------------------------------------------------------------ independent evaluation
    def by_id(self):
        return {p.id: p for p in self.projects}

    def totals(self, chosen: frozenset) -> dict:
        ps = self.by_id()
        energy = sum(ps[i].energy for i in chosen)
        co2 = sum(ps[i].co2 for i in chosen)
        for a, b, e, c in self.overlaps:
            if a in chosen and b in chosen:
                energy -= e
                co2 -= c
        return {"energy_saving": energy, "co2_reduction": co2, "capex": sum(ps[i].capex for i in chosen)}

    def value(self, chosen: frozenset, objective: str | None = None) -> float:
        objective = objective or self.objective
        t = self.totals(chosen)
        if objective == "max_saving":
            return t["energy_saving"]
        if objective == "max_co2":
            return t["co2_reduction"]
        if objective == "min_cost":
            return t["capex"]
        return sum(w * t[name] for name, w in self.weights.items())

    def spend(self, chosen: frozenset, pool: str) -> float:
        ps = self.by_id()
        return sum(ps[i].capex for i in chosen if pool == "total" or ps[i].pool == pool)

    def keeps_lower_rules(self, chosen: frozenset, total_limit: float | None, eps: float = 1e-7) -> bool:
        """Budgets (total at ``total_limit``), exclusive groups, prerequisites."""
        ps = self.by_id()
        if total_limit is not None and self.spend(chosen, "total") > total_limit + eps:
            return False
        if self.fund_a is not None and self.spend(chosen, "fund_a") > self.fund_a + eps:
            return False
        groups = [ps[i].group for i in chosen if ps[i].group]
        if len(groups) != len(set(groups)):
            return False
        return all(q in chosen for i in chosen for q in ps[i].requires)

    def keeps_all_rules(self, chosen: frozenset, total_limit: float | None, eps: float = 1e-7) -> bool:
        if not self.keeps_lower_rules(chosen, total_limit, eps):
            return False
        if any(p.mandatory and p.id not in chosen for p in self.projects):
            return False
        return self.energy_target is None or self.totals(chosen)["energy_saving"] >= self.energy_target - 1e-7

    def subsets(self):
        ids = [p.id for p in self.projects]
        for r in range(len(ids) + 1):
            for combo in itertools.combinations(ids, r):
                yield frozenset(combo)

    # ------------------------------------------------------------------ workbook
    def sheets(self, *, total: float | None | str = "same", fund_a: float | None | str = "same",
               energy_target: float | None | str = "same", objective: str | None = None,
               scenarios: list[list] | None = None) -> dict:
        total = self.total if total == "same" else total
        fund_a = self.fund_a if fund_a == "same" else fund_a
        energy_target = self.energy_target if energy_target == "same" else energy_target
        objective = objective or self.objective
        sheets = {
            "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
                          "budget_pool", "exclusive_group", "requires", "mandatory"]]
            + [[p.id, f"Project {p.id}", p.capex, p.energy, p.co2, p.pool, p.group, ",".join(p.requires),
                "yes" if p.mandatory else "no"] for p in self.projects],
            "budgets": [["pool", "year", "limit (万元)"]]
            + ([["total", None, total]] if total is not None else [])
            + ([["fund_a", None, fund_a]] if fund_a is not None else []),
            "targets": [["metric", "year", "kind", "value"]]
            + ([["energy_saving", None, "min_total", energy_target]] if energy_target is not None else []),
            "parameters": [["parameter", "value"], ["objective", objective]]
            + [[f"weight:{k}", w] for k, w in self.weights.items()],
        }
        if self.overlaps:
            sheets["interactions"] = [["project_a", "project_b", "energy_overlap", "co2_overlap"]] + [
                [a, b, e, c] for a, b, e, c in self.overlaps]
        if scenarios:
            sheets["scenarios"] = scenarios
        return sheets

    def write(self, path, **kw):
        return write_workbook(path, self.sheets(**kw))


def random_raw(seed: int, n: int = 8, objective: str | None = None, target: bool = True,
               mandatory: bool = True) -> Raw:
    rng = random.Random(seed)
    projects = []
    for k in range(n):
        capex = float(rng.randrange(20, 200, 5))
        energy = float(round(capex * rng.uniform(0.3, 1.5)))
        co2 = float(round(energy * rng.uniform(1.5, 3.0)))
        projects.append(RawProject(f"P{k + 1}", capex, energy, co2, pool=rng.choice(["total", "fund_a", "fund_a"])))
    ids = [p.id for p in projects]
    # exclusive groups: one or two pairs
    pool = ids[:]
    rng.shuffle(pool)
    for g in range(rng.choice([0, 1, 2])):
        a, b = pool[2 * g], pool[2 * g + 1]
        for p in projects:
            if p.id in (a, b):
                p.group = f"G{g + 1}"
    # prerequisites: a later project requires an earlier one (acyclic), not within a group
    for _ in range(rng.choice([0, 1, 2])):
        i, j = sorted(rng.sample(range(n), 2))
        later, earlier = projects[j], projects[i]
        if not (later.group and later.group == earlier.group) and earlier.id not in later.requires:
            later.requires = later.requires + (earlier.id,)
    if mandatory and rng.random() < 0.5:
        free = [p for p in projects if not p.group and not p.requires
                and not any(p.id in q.requires for q in projects)]
        if free:
            rng.choice(free).mandatory = True
    overlaps = []
    for _ in range(rng.choice([0, 1, 2])):
        a, b = rng.sample(projects, 2)
        if any({a.id, b.id} == {x, y} for x, y, _, _ in overlaps):
            continue
        overlaps.append((a.id, b.id, float(round(0.3 * min(a.energy, b.energy))),
                         float(round(0.3 * min(a.co2, b.co2)))))
    capex_total = sum(p.capex for p in projects)
    fund_a_total = sum(p.capex for p in projects if p.pool == "fund_a")
    objective = objective or rng.choice(["max_saving", "max_co2", "weighted"])
    weights = {}
    if objective == "weighted":
        weights = {"energy_saving": rng.choice([1.0, 2.0]), "co2_reduction": rng.choice([0.5, 1.0]),
                   "capex": -rng.choice([0.1, 0.5])}
    raw = Raw(projects, float(round(capex_total * 0.6)), float(round(fund_a_total * rng.uniform(0.5, 0.9))),
              None, overlaps, objective, weights)
    if target:
        best = max((raw.totals(s)["energy_saving"] for s in raw.subsets() if raw.keeps_all_rules(s, raw.total)),
                   default=0.0)
        raw.energy_target = float(round(best * rng.uniform(0.4, 0.8)))
    return raw
