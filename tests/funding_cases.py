"""Random funding cases (issue 16) as real workbooks, for tests that compare the model's two
builds (tests/test_model_arrays.py) and check plans against the case's own evaluation.

Each case mixes the funding features: award rules of every cap kind (rate only, a cap per
project, a cap as a share of capex, a cap per enterprise and year, a CO2 rate, a category
scope), budget rows on the rules' pools, the projects' own pools, ``subsidy`` and
``total``, rows restricted to an enterprise, a sector or a category, and — multi-year —
yearly rows, build years with capex profiles (some returning capital), reinvested savings
(some projects fully paid by the subsidy) and salvage values.  The generator respects what
validation asks of award rules (one budget pool per capped enterprise, awards plus subsidy
within capex), so every case loads.
"""
from __future__ import annotations

import random
from pathlib import Path

from workbooks import write_workbook

YEARS = (2024, 2025, 2026, 2027)
PROJECT_HEADER = ["id", "name", "enterprise", "sector", "category", "capex (万元)", "energy_saving (tce/yr)",
                  "co2_reduction (t/yr)", "annual_cost_saving (万元/yr)", "lifetime", "salvage_value (万元)",
                  "budget_pool", "subsidy_rate", "earliest_year", "build_years", "capex_profile", "reinvest_share"]
RULE_HEADER = ["name", "pool", "rate_per_tce (元/tce)", "rate_per_t_co2 (元/t)", "cap_per_project (万元)",
               "cap_share_of_capex", "cap_per_enterprise_year (万元)", "applies_to", "applies_names"]
BUDGET_HEADER = ["pool", "year", "limit (万元)", "enterprise", "sector", "category"]
POOL_OF = {"E1": "own", "E2": "own", "E3": "other"}  # one budget pool per enterprise (capped rules need it)

RULE_KINDS = {
    # name: (rate 元/tce, rate 元/t CO2, cap per project 万元, cap share of capex, cap per enterprise-year 万元)
    "rate": (400.0, 0.0, None, None, None),
    "project_cap": (4000.0, 0.0, 60.0, None, None),
    "share_cap": (4000.0, 0.0, None, 0.12, None),
    "enterprise_cap": (3000.0, 0.0, None, 0.1, 90.0),
    "co2_rate": (0.0, 50.0, 40.0, None, None),
}


def random_funding_case(seed: int, multi_year: bool, n_projects: int = 7) -> dict[str, list[list]]:
    """The sheets of one random funding case."""
    rng = random.Random(16_000 + seed * 2 + multi_year)
    projects = []
    for k in range(n_projects):
        enterprise = rng.choice(sorted(POOL_OF))
        build = rng.choice([1, 1, 2, 3]) if multi_year else 1
        profile = {1: None, 2: rng.choice(["40/60", "120/-20"]), 3: rng.choice(["50/70/-20", "20/30/50"])}[build]
        category = ("C1", "C2")[k] if k < 2 else rng.choice(["C1", "C2", "C3"])  # C1 and C2 always exist
        subsidy = 1.0 if category == "C3" and multi_year and rng.random() < 0.5 else rng.choice([0.0, 0.0, 0.2, 0.5])
        projects.append([f"P{k}", f"project {k}", enterprise, rng.choice(["S1", "S2"]), category,
                         rng.randint(700, 3000), rng.randint(50, 1500), rng.randint(0, 3000),
                         rng.randint(20, 400), rng.choice([1, 3, 10]), rng.choice([0, 0, 50]),
                         POOL_OF[enterprise], subsidy,
                         rng.choice([None, 2025]) if multi_year else None, build, profile,
                         rng.choice([0.0, 0.5, 1.0]) if multi_year else None])
    full_subsidy = any(row[12] == 1.0 for row in projects)
    kinds = rng.sample(sorted(RULE_KINDS), rng.randint(2, 4))
    rules = []
    for r, kind in enumerate(kinds):
        rate, rate_co2, cap_project, cap_share, cap_ent = RULE_KINDS[kind]
        scoped = full_subsidy or rng.random() < 0.3  # awards plus a full subsidy would exceed capex
        names = ",".join(rng.sample(["C1", "C2"], rng.randint(1, 2))) if scoped else None
        rules.append([f"R{r} {kind}", rng.choice(["fund", "fund", "subsidy"]), rate, rate_co2, cap_project,
                      cap_share, cap_ent, "category" if scoped else "all", names])
    capex = sum(row[5] for row in projects)
    years = YEARS if multi_year else (None,)
    budgets = [["total", None, round(capex * rng.uniform(0.4, 0.7)), None, None, None],
               ["fund", None, rng.randint(50, 400), None, None, None]]
    for year in years:
        budgets.append(["own", year, round(capex * rng.uniform(0.15, 0.4) / len(years)), None, None, None])
        if year is not None and rng.random() < 0.5:
            budgets.append(["fund", year, rng.randint(0, 150), None, None, None])
    budgets.append(["other", rng.choice(years), round(capex * rng.uniform(0.05, 0.2)), None, None, None])
    budgets.append(["subsidy", None, round(capex * rng.uniform(0.05, 0.3)), None, None, None])
    budgets.append(["own", rng.choice(years), round(capex * rng.uniform(0.05, 0.2)), "E1", None, None])
    budgets.append(["total", None, round(capex * rng.uniform(0.2, 0.4)), None, rng.choice(["S1", "S2"]), None])
    budgets.append(["fund", None, rng.randint(20, 200), "E2", None, None])
    budgets.append(["total", rng.choice(years), round(capex * rng.uniform(0.1, 0.3)), None, None,
                    rng.choice(["C1", "C2"])])
    parameters = [["parameter", "value"], ["objective", rng.choice(["max_saving", "max_npv", "min_cost"])],
                  ["mip_gap", 0], ["discount_rate", 0.06]]
    targets = [["metric", "year", "kind", "value"]]
    if parameters[1][1] == "min_cost":
        targets.append(["energy_saving", None, "min_total", rng.randint(200, 800)])
    if multi_year:
        parameters += [["start_year", YEARS[0]], ["end_year", YEARS[-1]]]
    sheets = {"projects": [PROJECT_HEADER] + projects, "subsidy_rules": [RULE_HEADER] + rules,
              "budgets": [BUDGET_HEADER] + budgets, "parameters": parameters}
    if len(targets) > 1:
        sheets["targets"] = targets
    return sheets


def write_funding_case(path: str | Path, seed: int, multi_year: bool, n_projects: int = 7) -> Path:
    return write_workbook(path, random_funding_case(seed, multi_year, n_projects))
