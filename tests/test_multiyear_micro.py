"""Hand-worked MULTI-YEAR cases: each docstring carries the calculation the asserts check.

Rules used (PRODUCT.md §2–§3): a project started in year t with b build years pays capex
in years t … t+b−1 by its capex_profile, its capacity counts toward a target for year y
from y = t+b−1 on while within its lifetime L (t+b−1 ≤ y ≤ t+b−1+L), its benefits for NPV
run from t+b for L years; a prerequisite must be completed no later than the project
that needs it; budgets hold per pool per year and over the horizon.
"""
from __future__ import annotations

import pytest

from workbooks import write_workbook
from retrofit_opt.loader import load_case
from retrofit_opt.studies.solve import solve_case

PROJECT_HEADERS = {  # key → English header
    "id": "id", "name": "name", "capex": "capex (万元)", "energy": "energy_saving (tce/yr)",
    "co2": "co2_reduction (t/yr)", "acs": "annual_cost_saving (万元/yr)", "opex": "opex_change (万元/yr)",
    "lifetime": "lifetime", "earliest": "earliest_year", "latest": "latest_year", "build": "build_years",
    "profile": "capex_profile", "npv": "npv (万元)", "mandatory": "mandatory", "requires": "requires",
    "pool": "budget_pool", "subsidy": "subsidy_rate", "group": "exclusive_group",
}


def case_sheets(projects, *, start, end, objective="max_saving", budgets=(), targets=(), interactions=(),
                params=()):
    """English-header workbook: ``projects`` are dicts with the keys of PROJECT_HEADERS;
    budgets (pool, year, limit); targets (metric, year, kind, value)."""
    keys = [k for k in PROJECT_HEADERS if k in ("id", "name") or any(k in p for p in projects)]
    rows = [[PROJECT_HEADERS[k] for k in keys]]
    for p in projects:
        p = {"name": p["id"], **p}
        rows.append([p.get(k) for k in keys])
    sheets = {"projects": rows,
              "budgets": [["pool", "year", "limit (万元)"], *map(list, budgets)],
              "targets": [["metric", "year", "kind", "value"], *map(list, targets)],
              "parameters": [["parameter", "value"], ["objective", objective], ["start_year", start],
                             ["end_year", end], *map(list, params)]}
    if interactions:
        sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)"], *map(list, interactions)]
    return sheets


def solve(tmp_path, sheets, name="case.xlsx"):
    case = load_case(write_workbook(tmp_path / name, sheets))
    assert case.multi_year
    return solve_case(case, mip_gap=0, explain=False)


def _pool_key(name):
    """Pool names are matched ignoring case, spaces and underscores (as headers are)."""
    return "".join(name.lower().replace("_", "").split())


def used(result, pool, year):
    matches = [u.used for u in result.budget_uses
               if _pool_key(u.budget.pool) == _pool_key(pool) and u.budget.year == year]
    assert len(matches) == 1, (pool, year, result.budget_uses)
    return matches[0]


def target(result, year):
    matches = [t for t in result.target_checks if t.year == year]
    assert len(matches) == 1, (year, result.target_checks)
    return matches[0]


# ---------------------------------------------------------------------- capex profiles
@pytest.mark.parametrize("profile", ["40/60", "400/600", "0.4/0.6"])
def test_second_year_share_breaks_a_yearly_budget_unless_started_earlier(tmp_path, profile):
    """Horizon 2024–2026. A: capex 1000 万元, 2 build years, profile 40/60 (written as
    percentages, as amounts adding up to the capex, or as fractions), window 2024–2025,
    500 tce/yr, mandatory. Budget total 2026 ≤ 500 (and loose 2024/2025 rows to read the
    spend back).

    Start 2025: pays 0.4·1000 = 400 in 2025 and 0.6·1000 = 600 in 2026 > 500 → infeasible.
    Start 2024: pays 400 in 2024, 600 in 2025, 0 in 2026 → the only feasible plan.
    max_saving: A formed at the end of 2025, counts in 2026 → objective 500."""
    sheets = case_sheets(
        [{"id": "A", "capex": 1000, "energy": 500, "build": 2, "profile": profile, "earliest": 2024,
          "latest": 2025, "mandatory": "yes"}],
        start=2024, end=2026,
        budgets=[("total", 2024, 5000), ("total", 2025, 5000), ("total", 2026, 500)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal"
    assert result.plan == {"A": 2024}
    assert result.objective == pytest.approx(500)
    assert used(result, "total", 2024) == pytest.approx(400)
    assert used(result, "total", 2025) == pytest.approx(600)
    assert used(result, "total", 2026) == pytest.approx(0)


def test_late_start_window_with_heavy_second_year_is_infeasible(tmp_path):
    """Same project, window 2025 only: the 2026 spend is 0.6·1000 = 600 > 500, and A is
    mandatory → no feasible plan."""
    sheets = case_sheets(
        [{"id": "A", "capex": 1000, "energy": 500, "build": 2, "profile": "40/60", "earliest": 2025,
          "mandatory": "yes"}],
        start=2024, end=2026, budgets=[("total", 2026, 500)])
    assert solve(tmp_path, sheets).status == "infeasible"


def test_front_loaded_profile_fits_the_late_start(tmp_path):
    """Profile 60/40 instead, window 2025 only: start 2025 pays 600 in 2025 and
    0.4·1000 = 400 ≤ 500 in 2026 → feasible, plan {A: 2025}, 2026 use 400."""
    sheets = case_sheets(
        [{"id": "A", "capex": 1000, "energy": 500, "build": 2, "profile": "60/40", "earliest": 2025,
          "mandatory": "yes"}],
        start=2024, end=2026, budgets=[("total", 2025, 5000), ("total", 2026, 500)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and result.plan == {"A": 2025}
    assert used(result, "total", 2025) == pytest.approx(600)
    assert used(result, "total", 2026) == pytest.approx(400)


def test_profile_amounts_in_the_capex_unit(tmp_path):
    """capex written in 元 (capex (yuan) = 10,000,000 元 = 1000 万元) with the profile as
    amounts in 元, 3,000,000/7,000,000: shares 30 %/70 %. Start 2024 (the only start with
    2 build years in 2024–2025): 2024 use 300 万元, 2025 use 700 万元."""
    sheets = case_sheets([{"id": "A", "energy": 500, "build": 2, "profile": "3000000/7000000",
                           "mandatory": "yes"}], start=2024, end=2025,
                         budgets=[("total", 2024, 5000), ("total", 2025, 5000)])
    sheets["projects"][0].insert(2, "capex (yuan)")
    sheets["projects"][1].insert(2, 10_000_000)
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and result.plan == {"A": 2024}
    assert used(result, "total", 2024) == pytest.approx(300)
    assert used(result, "total", 2025) == pytest.approx(700)


def test_latest_start_is_cut_so_that_the_project_completes_in_the_horizon(tmp_path):
    """Horizon 2024–2027. E: 3 build years, window from 2025 (latest blank = 2027), npv given
    −10 at its start, mandatory; max_npv (r = 0.08) prefers the latest start, whose NPV is
    discounted most. Start years must satisfy t + 3 − 1 ≤ 2027 → t ≤ 2025, so the window
    2025–2027 shrinks to {2025}: plan {E: 2025}, objective −10/1.08 = −9.25926."""
    sheets = case_sheets([{"id": "E", "capex": 100, "energy": 10, "npv": -10, "build": 3, "earliest": 2025,
                           "mandatory": "yes"}], start=2024, end=2027, objective="max_npv")
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and result.plan == {"E": 2025}
    assert result.objective == pytest.approx(-10 / 1.08, rel=1e-9)


# -------------------------------------------------------------------- milestone counting
def _milestone_case(target_year, value=300.5):
    """B: 2 build years, must start in 2025 (window 2025–2025), 400 tce/yr, mandatory.
    Horizon 2024–2027, target energy_saving ≥ value in ``target_year``."""
    return case_sheets([{"id": "B", "capex": 100, "energy": 400, "build": 2, "earliest": 2025, "latest": 2025,
                         "mandatory": "yes"}],
                       start=2024, end=2027, targets=[("energy_saving", target_year, "min_total", value)])


def test_two_build_years_started_2025_count_for_a_2026_target(tmp_path):
    """t = 2025, b = 2: capacity formed by the end of t + b − 1 = 2026 → counts for the 2026
    target: 400 ≥ 300.5, met, achieved 400."""
    result = solve(tmp_path, _milestone_case(2026))
    assert result.status == "optimal" and result.plan == {"B": 2025}
    check = target(result, 2026)
    assert check.achieved == pytest.approx(400) and check.met


def test_two_build_years_started_2025_do_not_count_for_a_2025_target(tmp_path):
    """Same project, target in 2025: 2025 < t + b − 1 = 2026 → counts 0 < 300.5, and B is
    the only project (mandatory, only start 2025) → infeasible."""
    assert solve(tmp_path, _milestone_case(2025)).status == "infeasible"


def test_milestone_picks_the_start_that_counts_in_time(tmp_path):
    """Horizon 2024–2027. C: 2 build years, window 2024–2026, 400 tce/yr; target ≥ 300.5 in
    2025. Counting needs t + 1 ≤ 2025 → t = 2024; the solver must start C in 2024.
    max_saving at 2027: lifetime 15, counts → objective 400."""
    sheets = case_sheets([{"id": "C", "capex": 100, "energy": 400, "build": 2, "earliest": 2024,
                           "latest": 2026}],
                         start=2024, end=2027, targets=[("energy_saving", 2025, "min_total", 300.5)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and result.plan == {"C": 2024}
    assert result.objective == pytest.approx(400)
    assert target(result, 2025).achieved == pytest.approx(400)


def test_one_build_year_counts_in_its_start_year(tmp_path):
    """D: 1 build year started 2025 (window 2025): t + b − 1 = 2025 → counts for a 2025
    target of ≥ 300.5 (400 tce/yr)."""
    sheets = case_sheets([{"id": "D", "capex": 100, "energy": 400, "earliest": 2025, "latest": 2025,
                           "mandatory": "yes"}],
                         start=2024, end=2027, targets=[("energy_saving", 2025, "min_total", 300.5)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and target(result, 2025).achieved == pytest.approx(400)


# ------------------------------------------------------------------------------ lifetime
def _lifetime_case(latest_l):
    """Horizon 2024–2027, max_saving (capacity at the end of 2027), horizon budget 1000:
    L (capex 800, 1000 tce/yr, lifetime 1, 1 build year, window 2024–latest_l) or M (capex
    700, 600 tce/yr, lifetime 15) — not both (1500 > 1000)."""
    return case_sheets([{"id": "L", "capex": 800, "energy": 1000, "lifetime": 1, "earliest": 2024,
                         "latest": latest_l},
                        {"id": "M", "capex": 700, "energy": 600, "lifetime": 15}],
                       start=2024, end=2027, budgets=[("total", None, 1000)])


def test_short_lifetime_project_counts_at_the_end_only_when_started_late(tmp_path):
    """L started in t counts at the end of 2027 iff t ≤ 2027 ≤ t + 1 (formed t, one year of
    benefit in t + 1) → t ∈ {2026, 2027}. Window up to 2027 → choose L late: 1000 > 600."""
    result = solve(tmp_path, _lifetime_case(2027))
    assert result.status == "optimal"
    assert set(result.plan) == {"L"} and result.plan["L"] in (2026, 2027)
    assert result.objective == pytest.approx(1000)


def test_lifetime_ending_before_the_end_year_does_not_count(tmp_path):
    """Window of L ends in 2025: L counts at most until 2025 + 1 = 2026 < 2027, so it adds 0
    to the end-year capacity → M is chosen, objective 600; the totals of 2027 say 600."""
    result = solve(tmp_path, _lifetime_case(2025))
    assert result.status == "optimal"
    assert set(result.plan) == {"M"}
    assert result.objective == pytest.approx(600)
    assert result.totals["energy_saving"] == pytest.approx(600)


def test_expired_project_leaves_the_milestone_count_and_its_overlap(tmp_path):
    """Horizon 2024–2026. A: 500 tce/yr, lifetime 1, start 2024 only (counts 2024–2025);
    B: 400 tce/yr, start 2025 only (counts 2025–2026); overlap A–B 150 tce/yr; both
    mandatory. 2025: both count → 500 + 400 − 150 = 750. 2026: only B → 400 (no overlap).
    Targets ≥ 749.5 in 2025 met; max_saving objective 400."""
    sheets = case_sheets([{"id": "A", "capex": 100, "energy": 500, "lifetime": 1, "earliest": 2024,
                           "latest": 2024, "mandatory": "yes"},
                          {"id": "B", "capex": 100, "energy": 400, "earliest": 2025, "latest": 2025,
                           "mandatory": "yes"}],
                         start=2024, end=2026, targets=[("energy_saving", 2025, "min_total", 749.5)],
                         interactions=[("A", "B", 150)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal" and result.plan == {"A": 2024, "B": 2025}
    assert target(result, 2025).achieved == pytest.approx(750)
    assert result.objective == pytest.approx(400)
    assert result.totals["energy_saving"] == {"2026": pytest.approx(400), "2025": pytest.approx(750)}
    # one more tonne in 2025 is out of reach
    sheets["targets"][1][3] = 750.5
    assert solve(tmp_path, sheets, "case2.xlsx").status == "infeasible"


# -------------------------------------------------------------------------------- NPV
def test_npv_with_build_years_profile_carbon_price_and_start_delay(tmp_path):
    """Horizon 2024–2026, r = 0.10, carbon price 80 元/t.
    N1: capex 100, 2 build years 50/50, lifetime 2, annual_cost_saving 65, opex_change 3,
    CO2 1000 t/yr → B = 65 − 3 + 1000·80/1e4 = 70 万元/yr.
    NPV at its start = −50 − 50/1.1 + 70/1.1² + 70/1.1³ = 14.98873; starts 2024 or 2025
    (completes by 2026): 14.98873 vs 14.98873/1.1 = 13.62612 → 2024.
    N2: npv given 20 at its start, window from 2025: 20/1.1 = 18.18182 (2025) vs
    20/1.1² (2026) → 2025. N3: npv given −5 → left out.
    Objective 14.98873 + 18.18182 = 33.17055."""
    sheets = case_sheets(
        [{"id": "N1", "capex": 100, "energy": 10, "co2": 1000, "acs": 65, "opex": 3, "lifetime": 2, "build": 2,
          "profile": "50/50"},
         {"id": "N2", "capex": 100, "energy": 10, "npv": 20, "earliest": 2025},
         {"id": "N3", "capex": 100, "energy": 10, "npv": -5}],
        start=2024, end=2026, objective="max_npv", params=[("discount_rate", 0.1), ("carbon_price", 80)])
    result = solve(tmp_path, sheets)
    n1 = -50 - 50 / 1.1 + 70 / 1.1 ** 2 + 70 / 1.1 ** 3
    assert n1 == pytest.approx(14.98873, abs=1e-5)
    assert result.status == "optimal"
    assert result.plan == {"N1": 2024, "N2": 2025}
    assert result.objective == pytest.approx(n1 + 20 / 1.1, rel=1e-9)
    assert result.totals["npv"] == pytest.approx(33.17055, abs=1e-5)


# ----------------------------------------------------------------- prerequisite timing
def _prerequisite_case(q_build, p_latest=2026):
    """Horizon 2024–2026, max_npv (r = 0.08 default). P (npv 100 at its start, 1 build year,
    window 2024–p_latest, mandatory) requires Q (npv 50, window 2025 only, q_build years)."""
    return case_sheets([{"id": "P", "capex": 100, "energy": 10, "npv": 100, "latest": p_latest,
                         "mandatory": "yes", "requires": "Q"},
                        {"id": "Q", "capex": 100, "energy": 10, "npv": 50, "build": q_build, "earliest": 2025,
                         "latest": 2025}],
                       start=2024, end=2026, objective="max_npv")


def test_prerequisite_must_complete_no_later_than_the_project(tmp_path):
    """Q (2 build years) starts 2025 → completed at the end of 2026. P completes in its start
    year, so t_P ≥ 2026: P would like 2024 (NPV 100) but must start 2026 → 100/1.08² =
    85.73388; Q 50/1.08 = 46.29630; objective 132.03018. Same completion year is allowed."""
    result = solve(tmp_path, _prerequisite_case(2))
    assert result.status == "optimal"
    assert result.plan == {"P": 2026, "Q": 2025}
    assert result.objective == pytest.approx(100 / 1.08 ** 2 + 50 / 1.08, rel=1e-9)
    assert result.objective == pytest.approx(132.03018, abs=1e-5)


def test_prerequisite_done_earlier_lets_the_project_start_earlier(tmp_path):
    """Q with 1 build year starts 2025 → done 2025 → P may start 2025 (not 2024: done 2024 <
    2025): 100/1.08 + 50/1.08 = 138.88889."""
    result = solve(tmp_path, _prerequisite_case(1))
    assert result.status == "optimal"
    assert result.plan == {"P": 2025, "Q": 2025}
    assert result.objective == pytest.approx(150 / 1.08, rel=1e-9)


def test_prerequisite_that_cannot_finish_in_time_makes_the_mandatory_project_infeasible(tmp_path):
    """Q (2 build years from 2025) is done 2026; P's window ends 2025 (done ≤ 2025 < 2026) →
    no start of P is allowed, and P is mandatory → infeasible."""
    assert solve(tmp_path, _prerequisite_case(2, p_latest=2025)).status == "infeasible"


# ---------------------------------------------------------------- intensity reduction
def _intensity_sheets(reduction):
    """Chinese headers. Baseline: 2020 E₀ = 1,000,000 tce, VA₀ = 5,000,000 万元; 2025
    forecast E = 1,150,000 tce, VA = 6,500,000 万元. Horizon 2024–2025, max_saving, budget
    (总预算, whole horizon) 2000 万元. Projects A 12,000 tce capex 1200; B 8,300 tce capex 800;
    C 15,000 tce capex 1500, 2 build years (must start 2024)."""
    return {
        "项目": [["项目编号", "项目名称", "投资(万元)", "节能量(吨标准煤/年)", "建设期(年)"],
                 ["A", "余热回收", 1200, 12000, None],
                 ["B", "电机变频", 800, 8300, None],
                 ["C", "窑炉改造", 1500, 15000, 2]],
        "预算": [["资金池", "年份", "上限(万元)"], ["总预算", None, 2000]],
        "目标": [["指标", "年份", "类型", "值", "基准年"], ["节能量", 2025, "强度下降", reduction, 2020]],
        "基准": [["年份", "综合能耗(吨标准煤)", "工业增加值(万元)"],
                 [2020, 1_000_000, 5_000_000], [2025, 1_150_000, 6_500_000]],
        "参数": [["参数", "值"], ["目标函数", "最大节能量"], ["起始年份", 2024], ["终止年份", 2025]],
    }


def test_intensity_reduction_target_from_the_baseline(tmp_path):
    """Target −12.5 % against 2020: base intensity E₀/VA₀ = 0.2 tce/万元; allowed 2025
    intensity 0.875·0.2 = 0.175 → allowed energy 0.175·6,500,000 = 1,137,500 tce →
    required saving 1,150,000 − 1,137,500 = 12,500 tce.
    Within 2000 万元: A+B (2000, 20,300 tce), C (1500, 15,000), A (12,000 ✗ alone),
    A+C / B+C over budget → max_saving picks A+B = 20,300 tce.
    Intensity reached (1,150,000 − 20,300)/6,500,000 = 0.1738 → 0.1738/0.2 − 1 = −13.1 %."""
    result = solve(tmp_path, _intensity_sheets(12.5))
    assert result.status == "optimal"
    assert set(result.plan) == {"A", "B"}  # 1 build year: either start counts in 2025
    assert result.objective == pytest.approx(20_300)
    check = target(result, 2025)
    assert check.kind == "intensity_reduction"
    assert check.required == pytest.approx(12_500)
    assert check.achieved == pytest.approx(20_300)
    assert check.met
    assert check.achieved_intensity_change == pytest.approx(-13.1, abs=1e-9)
    assert result.to_json()["targets"][0]["intensity_change_percent"] == pytest.approx(-13.1, abs=1e-9)


def test_intensity_reduction_out_of_reach_is_infeasible(tmp_path):
    """Target −14 %: allowed intensity 0.86·0.2 = 0.172 → allowed energy 1,118,000 →
    required saving 32,000 tce; the best within 2000 万元 is 20,300 → infeasible, and the
    check reports the requirement 32,000."""
    result = solve(tmp_path, _intensity_sheets(14))
    assert result.status == "infeasible"
    check = target(result, 2025)
    assert check.required == pytest.approx(32_000)
    assert not check.met


# ------------------------------------------------------------------ yearly pool budgets
def test_yearly_budget_per_pool_spreads_two_projects_over_two_years(tmp_path):
    """Horizon 2024–2025, max_saving at 2025 (1 build year: a project started in either year
    counts). Pool fund_a ≤ 500 in 2024 and ≤ 500 in 2025; total over the horizon ≤ 1250.
    X (fund_a, 400, 300 tce), Y (fund_a, 300, 250 tce), Z (total pool, 600, 200 tce).
    X+Y+Z = 1300 > 1250, so at most two: X+Y 550 > X+Z 500 > Y+Z 450 → X and Y, which
    cannot share a year in fund_a (400 + 300 = 700 > 500) → one in 2024, one in 2025;
    fund_a use per year 400/300 (in some order), total 700."""
    sheets = case_sheets([{"id": "X", "capex": 400, "energy": 300, "pool": "fund_a"},
                          {"id": "Y", "capex": 300, "energy": 250, "pool": "fund_a"},
                          {"id": "Z", "capex": 600, "energy": 200}],
                         start=2024, end=2025,
                         budgets=[("fund_a", 2024, 500), ("fund_a", 2025, 500), ("total", None, 1250)])
    result = solve(tmp_path, sheets)
    assert result.status == "optimal"
    assert set(result.plan) == {"X", "Y"} and result.plan["X"] != result.plan["Y"]
    assert result.objective == pytest.approx(550)
    assert sorted([used(result, "fund_a", 2024), used(result, "fund_a", 2025)]) == pytest.approx([300, 400])
    assert used(result, "total", None) == pytest.approx(700)


@pytest.mark.parametrize("fund_2026, expected", [(450, {"S": 2025}), (400, None)])
def test_subsidy_and_own_pool_shares_per_year(tmp_path, fund_2026, expected):
    """Horizon 2024–2026. S: capex 1000, 2 build years 40/60, window 2024–2025, subsidy_rate
    0.3, budget_pool fund_a, mandatory.
    Start 2024: subsidy 0.3·400 = 120 (2024), 0.3·600 = 180 (2025); fund_a 280, 420.
    Start 2025: subsidy 120 (2025), 180 (2026); fund_a 280 (2025), 420 (2026).
    Budgets: subsidy 2025 ≤ 150 (rules out start 2024: 180), fund_a 2026 ≤ fund_2026.
    fund_2026 = 450: start 2025 fits (420) → {S: 2025}, subsidy 2025 use 120, fund_a 2026 420.
    fund_2026 = 400: 420 > 400 → no start fits → infeasible."""
    sheets = case_sheets([{"id": "S", "capex": 1000, "energy": 100, "build": 2, "profile": "40/60",
                           "latest": 2025, "subsidy": 0.3, "pool": "fund_a", "mandatory": "yes"}],
                         start=2024, end=2026,
                         budgets=[("subsidy", 2025, 150), ("fund_a", 2026, fund_2026), ("total", 2026, 1000)])
    result = solve(tmp_path, sheets)
    if expected is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal" and result.plan == expected
    assert used(result, "subsidy", 2025) == pytest.approx(120)
    assert used(result, "fund_a", 2026) == pytest.approx(420)
    assert used(result, "total", 2026) == pytest.approx(600)
