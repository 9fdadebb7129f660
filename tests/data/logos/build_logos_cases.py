"""Write LOGOS's CVaR test problems as retrofit-opt case workbooks (run from the repository
root: ``python tests/data/logos/build_logos_cases.py``).

Source: idaholab/LOGOS (Apache License 2.0), tests/CapitalInvestments/cvar/ —
``test_cvar_skp_scenario{,_I,_II}.xml`` (single knapsack, 16 investments, 5 time periods,
regulatory mandated investments 10–16, 10 capital scenarios) and
``test_cvar_mckp_scenario{,_I,_II}.xml`` (multiple-choice knapsack of Zhong & Young 2010,
17 investments with 1–7 options, 3 capital scenarios).  Only the data values are
re-entered here, in our case format; none of LOGOS's code is used.  The λ and α of each
LOGOS test are CLI options (--risk-aversion, --cvar-alpha), so one workbook serves the
three tests of each problem.

Mapping: an investment is a project (an MCKP investment with several options is an
exclusive group of projects, one per option); its NPV is the ``npv`` column; a time
period is a year of a 2021–2025 horizon with the investment starting in 2021 and its
cost per period as the capex profile; the capital per period is a yearly budget row;
LOGOS's capital scenarios are rows of the scenarios sheet with the probability as
weight.  Money is entered as LOGOS gives it (skp: in 万元 as written; mckp: costs and
capital in 元, NPV in 万元 as written) — the numbers, not their currency, are what the
reproduction checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for workbooks.py
from workbooks import write_workbook  # noqa: E402

SKP_NPV = [2.315, 0.824, 22.459, 60.589, 0.667, 5.173, 4.003, 0.582, 0.122, -2.870, -0.102, -0.278, -0.322,
           -3.996, -0.246, -20.155]
SKP_COSTS = [
    [0.219, 0.257, 0.085, 0.0, 0.0], [0.0, 0.0, 0.122, 0.103, 0.013], [5.044, 1.839, 0.0, 0.0, 0.0],
    [6.74, 6.134, 10.442, 0.0, 0.0], [0.425, 0.0, 0.0, 0.0, 0.0], [2.125, 2.122, 0.0, 0.0, 0.0],
    [2.387, 0.19, 0.012, 2.383, 0.192], [0.0, 0.95, 0.0, 0.0, 0.0], [0.03, 0.03, 0.688, 0.0, 0.0],
    [0, 0.2, 0.763, 0.739, 2.539], [0.081, 0.032, 0, 0, 0], [0.3, 0, 0, 0, 0], [0.347, 0, 0, 0, 0],
    [4.025, 0.297, 0, 0, 0], [0.095, 0.095, 0.095, 0, 0], [5.487, 5.664, 0.5, 6.803, 6.778]]
SKP_MANDATORY = {10, 11, 12, 13, 14, 15, 16}
SKP_CAPITAL = 18  # per period
SKP_SCENARIOS = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]  # capital per period in each scenario
SKP_PROBABILITIES = [0.012, 0.019, 0.032, 0.052, 0.086, 0.142, 0.235, 0.188, 0.141, 0.093]

MCKP_OPTIONS = [1, 1, 1, 3, 4, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]  # options per investment 1..17
MCKP_NPV = [2.046, 2.679, 2.489, 2.61, 2.313, 1.02, 3.013, 2.55, 3.351, 3.423, 3.781, 2.525, 2.169, 2.267, 2.747,
            4.309, 6.452, 2.849, 7.945, 2.538, 1.761, 3.002, 3.449, 2.865, 3.999, 2.283, 0.9, 8.608]
MCKP_COSTS = [36538462, 83849038, 4615385, 2788461538, 2692307692, 5480769231, 1634615385, 2981730768,
              7211538462, 9038461538, 649038462, 650000000, 216346154, 212500000, 3076923077, 3942307692,
              1144230769, 675721154, 1442307692, 99711538, 4807692, 123076923, 138461538, 86538462, 108653846,
              75092404, 6413462, 147932692]
MCKP_CAPITAL = 15e9  # 元
MCKP_SCENARIOS = [5e9, 10e9, 15e9]
MCKP_PROBABILITIES = [0.2, 0.6, 0.2]

PROJECT_HEADER = ["id", "name", "capex (万元)", "npv (万元)", "mandatory", "exclusive_group", "earliest_year",
                  "latest_year", "build_years", "capex_profile"]


def skp_case() -> dict:
    projects = [PROJECT_HEADER]
    for k, (npv, costs) in enumerate(zip(SKP_NPV, SKP_COSTS), 1):
        total = round(sum(costs), 9)
        profile = "/".join(f"{c:g}" for c in costs)
        projects.append([str(k), f"LOGOS investment {k}", total, npv, "yes" if k in SKP_MANDATORY else "no", "",
                         2021, 2021, 5, profile])
    budgets = [["pool", "year", "limit (万元)"]] + [["total", year, SKP_CAPITAL] for year in range(2021, 2026)]
    scenarios = [["name", "description", "budget_scale", "weight"]]
    for k, (capital, q) in enumerate(zip(SKP_SCENARIOS, SKP_PROBABILITIES), 1):
        scenarios.append([f"scenario_{k}", f"capital {capital} per period", capital / SKP_CAPITAL, q])
    return {"projects": projects, "budgets": budgets,
            "parameters": [["parameter", "value"], ["objective", "max_npv"], ["start_year", 2021],
                           ["end_year", 2025], ["mip_gap", 0]],
            "scenarios": scenarios}


def mckp_case() -> dict:
    projects = [["id", "name", "capex (元)", "npv (万元)", "exclusive_group"]]
    option = 0
    for investment, count in enumerate(MCKP_OPTIONS, 1):
        for j in range(1, count + 1):
            group = f"investment {investment}" if count > 1 else ""
            projects.append([f"{investment}.{j}", f"LOGOS investment {investment} option {j}", MCKP_COSTS[option],
                             MCKP_NPV[option], group])
            option += 1
    scenarios = [["name", "description", "budget:total (元)", "weight"]]
    for k, (capital, q) in enumerate(zip(MCKP_SCENARIOS, MCKP_PROBABILITIES), 1):
        scenarios.append([f"scenario_{k}", f"capital {capital:g} 元", capital, q])
    return {"projects": projects, "budgets": [["pool", "year", "limit (元)"], ["total", None, MCKP_CAPITAL]],
            "parameters": [["parameter", "value"], ["objective", "max_npv"], ["mip_gap", 0]],
            "scenarios": scenarios}


if __name__ == "__main__":
    write_workbook(HERE / "logos_cvar_skp.xlsx", skp_case())
    write_workbook(HERE / "logos_cvar_mckp.xlsx", mckp_case())
    print("wrote", HERE / "logos_cvar_skp.xlsx", HERE / "logos_cvar_mckp.xlsx")
