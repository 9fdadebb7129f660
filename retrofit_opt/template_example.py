"""The filled examples ``retrofit-opt template --example`` writes: a small single-period
park (6 projects, two pools, four targets) and a multi-year plan 2024–2026 (5 projects,
yearly budgets, a milestone and an intensity target against 2023).  Rows are written by
canonical column name into the template's own sheets, so that the example reads exactly
like a case a user fills in; both validate and solve (tests/test_template.py)."""
from __future__ import annotations

SINGLE = {
    "projects": [
        dict(id="P01", name="余热锅炉改造", enterprise="甲钢铁公司", sector="钢铁", capex=1200, energy_saving=900,
             co2_reduction=2300, annual_cost_saving=260, lifetime=12, budget_pool="节能资金"),
        dict(id="P02", name="电机变频改造", enterprise="乙玻璃公司", sector="建材", capex=300, energy_saving=250,
             co2_reduction=620, annual_cost_saving=90, lifetime=10, budget_pool="节能资金"),
        dict(id="P03", name="空压系统优化", enterprise="乙玻璃公司", sector="建材", capex=250, energy_saving=180,
             co2_reduction=450, annual_cost_saving=60, lifetime=10, requires="P02", budget_pool="节能资金"),
        dict(id="P04", name="屋顶光伏", enterprise="丙化工公司", sector="化工", capex=800, green_power=4000,
             annual_cost_saving=150, lifetime=20, subsidy_rate=0.2, budget_pool="节能资金"),
        dict(id="P05", name="脱硫提标改造", enterprise="甲钢铁公司", sector="钢铁", capex=900, so2_reduction=120,
             nox_reduction=30, opex_change=20, lifetime=15, budget_pool="环保资金", mandatory="是"),
        dict(id="P06", name="中水回用", enterprise="丙化工公司", sector="化工", capex=400, water_saving=200000,
             annual_cost_saving=40, lifetime=15, budget_pool="环保资金"),
    ],
    "budgets": [dict(pool="总预算", limit=3500), dict(pool="节能资金", limit=2400), dict(pool="环保资金", limit=1400),
                dict(pool="补贴资金", limit=200)],
    "targets": [dict(metric="节能量", kind="不低于", value=1200), dict(metric="二氧化碳减排量", kind="不低于", value=3000),
                dict(metric="二氧化硫减排量", kind="不低于", value=100), dict(metric="节水量", kind="不低于", value=150000)],
    "parameters": {"objective": "max_saving", "carbon_price": 50},
}

MULTI = {
    "projects": [
        dict(id="M01", name="余热发电", enterprise="甲钢铁公司", sector="钢铁", capex=1000, energy_saving=12000,
             co2_reduction=30000, annual_cost_saving=300, lifetime=15, earliest_year=2024, latest_year=2025,
             build_years=2, capex_profile="40/60", subsidy_rate=0.25),
        dict(id="M02", name="电机变频", enterprise="乙玻璃公司", sector="建材", capex=300, energy_saving=5000,
             co2_reduction=12000, annual_cost_saving=120, lifetime=10, earliest_year=2024, latest_year=2026),
        dict(id="M03", name="光伏二期", enterprise="丙化工公司", sector="化工", capex=400, green_power=8000,
             annual_cost_saving=80, lifetime=20, earliest_year=2025, latest_year=2026),
        dict(id="M04", name="窑炉改造", enterprise="乙玻璃公司", sector="建材", capex=900, energy_saving=4000,
             co2_reduction=9000, annual_cost_saving=100, lifetime=10, earliest_year=2025, latest_year=2026),
        dict(id="M05", name="能源管控中心", enterprise="园区管委会", sector="公共", capex=200, energy_saving=1500,
             co2_reduction=3500, annual_cost_saving=30, lifetime=8, earliest_year=2024, latest_year=2024),
    ],
    "budgets": [dict(pool="总预算", year=2024, limit=900), dict(pool="总预算", year=2025, limit=1200),
                dict(pool="总预算", year=2026, limit=1000), dict(pool="总预算", limit=2600)],
    "targets": [dict(metric="节能量", year=2025, kind="不低于", value=6000),
                dict(metric="节能量", year=2026, kind="强度下降", value=8, base_year=2023)],
    "baseline": [dict(year=2023, energy_consumption=500000, value_added=2500000),
                 dict(year=2026, energy_consumption=540000, value_added=2900000)],
    "parameters": {"objective": "max_saving", "start_year": 2024, "end_year": 2026},
}

EXAMPLES = {"single": SINGLE, "multi": MULTI}
