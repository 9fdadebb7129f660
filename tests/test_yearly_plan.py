"""The Yearly plan sheet (multi-year cases) and the intensity sentence on Summary, every
number checked against the hand calculation below (no retrofit_opt.evaluate, rules or
economics in the expected values).

The case (horizon 2023–2025, objective max_saving, every start year fixed by its window):

    id  capex  energy  co2     build  profile  life  start  pool        subsidy
    A   1000   12000   30000   2      40/60    15    2023   special     0.25
    B    200    3000    7000   1      —         1    2023   total       0
    C    300    5000   12000   1      —        10    2024   enterprise  0.5
    D    400    3300    2500   1      —        20    2025   special     0
    E    900    2000    5000   1      —        10    2025   total       0

Budgets: total 2023 ≤ 700, 2024 ≤ 1000, 2025 ≤ 1000, horizon ≤ 2500; subsidy 2024 ≤ 320,
horizon ≤ 450; special 2023 ≤ 350, horizon ≤ 1200 (no row for the pool enterprise).
Targets: energy ≥ 2500 in 2023; energy ≥ 18000 in 2024; energy intensity −12.5 % in 2025
against 2020; CO2 ≥ 40000 (blank year: the end, 2025).
Baseline: 2020 E0 = 1,000,000 tce, VA0 = 5,000,000 万元; 2025 E = 1,150,000, VA = 6,500,000.

The optimum.  Only B counts in 2023 (A is formed at the end of 2024), so B is needed for
the 2023 milestone although its one year of lifetime ends before 2025.  E cannot join D in
2025 (total 2025: 400 + 900 > 1000; horizon 1900 + 900 > 2500) and alone gives less
(2000 < 3300 tce).  Plan: A 2023, B 2023, C 2024, D 2025 (checked by enumeration too).

Spend (万元).  A pays 40 % = 400 in 2023 and 60 % = 600 in 2024; a quarter from subsidy
(100, 150), the rest from special (300, 450).  C pays 300 in 2024: half subsidy (150), half
enterprise (150).  B: 200 in 2023 (total only).  D: 400 in 2025 from special.

    pool        2023   2024   2025   horizon
    total        600    900    400    1900     limits 700 / 1000 / 1000 / 2500
    subsidy      100    300      0     400     limits  —  /  320 /   —  /  450
    special      300    450    400    1150     limits 350 /   —  /   —  / 1200
    enterprise     0    150      0     150     no limits
    used/limit: total 600/700, 0.9, 0.4, 0.76; subsidy 300/320 = 0.9375, 400/450;
    special 300/350, 1150/1200; every one within its limit.

Capacity at the end of each year: a project started in t with b build years counts from
t + b − 1 to t + b − 1 + lifetime.  A (2023, b = 2) counts from 2024; B (2023, L = 1) in
2023 and 2024 only; C from 2024; D from 2025.

    energy: 2023  B = 3000;  2024  A + B + C = 12000 + 3000 + 5000 = 20000;
            2025  A + C + D = 12000 + 5000 + 3300 = 20300
    co2:    2023  7000;      2024  30000 + 7000 + 12000 = 49000;  2025  30000 + 12000 + 2500 = 44500

Milestones (required, achieved, margin): energy 2023 (2500, 3000, 500); energy 2024
(18000, 20000, 2000); intensity 2025: required saving E − (1 − 0.125)·(E0/VA0)·VA =
1,150,000 − 0.875·0.2·6,500,000 = 12,500 tce, achieved 20300, margin 7800; CO2 2025
(40000, 44500, 4500).  Intensity reached: (1,150,000 − 20,300)/6,500,000 = 0.1738 tce/万元
against 0.2 in 2020: 0.1738/0.2 − 1 = −13.1 %  →  "−13.1 % vs 2020 (target −12.5 %)".

Schedule: A build 2023, build·counts 2024, benefit 2025 (last benefit year 2023+2+15−1 =
2039); B build·counts 2023, benefit 2024, nothing in 2025 (last benefit 2024); C —,
build·counts 2024, benefit 2025 (2034); D —, —, build·counts 2025 (2045).
"""
from __future__ import annotations

import time
from dataclasses import replace

import pytest
from openpyxl import load_workbook

import retrofit_opt
from retrofit_opt.studies.solve import solve_case
from retrofit_opt.report import write_results
from retrofit_opt.report.workbook import build_workbook

from multiyear_oracle import MYBudget, MYCase, MYProject, MYTarget, enumerate_plans
from workbooks import minimal_case, write_workbook

YEARS = ["2023", "2024", "2025"]
PLAN = {"A": 2023, "B": 2023, "C": 2024, "D": 2025}
NAMES = {"A": "Waste heat power", "B": "Temporary fix", "C": "Motor VFD", "D": "@PV rooftop (phase 2)",
         "E": "Too expensive"}


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-9)


def case_sheets() -> dict:
    return {
        "projects": [
            ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)", "lifetime",
             "earliest_year", "latest_year", "build_years", "capex_profile", "budget_pool", "subsidy_rate"],
            ["A", NAMES["A"], 1000, 12000, 30000, 15, 2023, 2023, 2, "40/60", "special", 0.25],
            ["B", NAMES["B"], 200, 3000, 7000, 1, 2023, 2023, 1, None, None, 0],
            ["C", NAMES["C"], 300, 5000, 12000, 10, 2024, 2024, 1, None, "enterprise", 0.5],
            ["D", NAMES["D"], 400, 3300, 2500, 20, 2025, 2025, 1, None, "special", 0],
            ["E", NAMES["E"], 900, 2000, 5000, 10, 2025, 2025, 1, None, None, 0]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", 2023, 700], ["total", 2024, 1000],
                    ["total", 2025, 1000], ["total", None, 2500], ["subsidy", 2024, 320], ["subsidy", None, 450],
                    ["special", 2023, 350], ["special", None, 1200]],
        "targets": [["metric", "year", "kind", "value", "base_year"],
                    ["energy_saving", 2023, "min_total", 2500, None],
                    ["energy_saving", 2024, "min_total", 18000, None],
                    ["energy_saving", 2025, "intensity_reduction", 12.5, 2020],
                    ["co2_reduction", None, "min_total", 40000, None]],
        "baseline": [["year", "energy_consumption (tce)", "value_added (万元)"],
                     [2020, 1_000_000, 5_000_000], [2025, 1_150_000, 6_500_000]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", 2023],
                       ["end_year", 2025]],
    }


def oracle_case() -> MYCase:
    """The same case for the independent multi-year enumerator."""
    return MYCase(2023, 2025, [
        MYProject("A", 1000, 12000, 30000, lifetime=15, earliest=2023, latest=2023, build_years=2,
                  profile=(40, 60), pool="special", subsidy_rate=0.25),
        MYProject("B", 200, 3000, 7000, lifetime=1, earliest=2023, latest=2023),
        MYProject("C", 300, 5000, 12000, lifetime=10, earliest=2024, latest=2024, pool="enterprise",
                  subsidy_rate=0.5),
        MYProject("D", 400, 3300, 2500, lifetime=20, earliest=2025, latest=2025, pool="special"),
        MYProject("E", 900, 2000, 5000, lifetime=10, earliest=2025, latest=2025)],
        budgets=[MYBudget("total", 2023, 700), MYBudget("total", 2024, 1000), MYBudget("total", 2025, 1000),
                 MYBudget("total", None, 2500), MYBudget("subsidy", 2024, 320), MYBudget("subsidy", None, 450),
                 MYBudget("special", 2023, 350), MYBudget("special", None, 1200)],
        targets=[MYTarget("energy_saving", "min_total", 2500, 2023),
                 MYTarget("energy_saving", "min_total", 18000, 2024),
                 MYTarget("energy_saving", "intensity_reduction", 12.5, 2025, 2020),
                 MYTarget("co2_reduction", "min_total", 40000)],
        baseline={2020: (1_000_000, 5_000_000), 2025: (1_150_000, 6_500_000)})


# hand calculation (see the module docstring)
SPEND = {"total": [600, 900, 400, 1900], "subsidy": [100, 300, 0, 400], "special": [300, 450, 400, 1150],
         "enterprise": [0, 150, 0, 150]}
LIMITS = {"total": [700, 1000, 1000, 2500], "subsidy": [None, 320, None, 450], "special": [350, None, None, 1200]}
CAPACITY = {"energy_saving": [3000, 20000, 20300], "co2_reduction": [7000, 49000, 44500]}
MILESTONES = [  # (metric, year, required, achieved, margin)
    ("energy_saving", "2023", 2500, 3000, 500), ("energy_saving", "2024", 18000, 20000, 2000),
    ("energy_saving", "2025", 12500, 20300, 7800), ("co2_reduction", "2025", 40000, 44500, 4500)]
INTENSITY = {"en": "−13.1 % vs 2020 (target −12.5 %)", "zh": "较2020年下降13.1%（目标下降12.5%）"}
SCHEDULE = {  # id → (start, marks per year, build years, lifetime, counts from, last benefit year)
    "A": (2023, ["build", "formed", "benefit"], 2, 15, 2024, 2039),
    "B": (2023, ["formed", "benefit", None], 1, 1, 2023, 2024),
    "C": (2024, [None, "formed", "benefit"], 1, 10, 2024, 2034),
    "D": (2025, [None, None, "formed"], 1, 20, 2025, 2045)}
TEXT = {
    "en": {"sheet": "Yearly plan", "spend": "Spend per budget pool and year (万元)",
           "capacity": "Capacity formed by the end of each year, against the milestones",
           "schedule": "Start-year schedule of the chosen projects", "spent": "Spend", "limit": "Limit",
           "share": "Used / limit", "within": "Within limit?", "formed_row": "Capacity at year end",
           "required": "Required", "achieved": "Achieved", "margin": "Margin", "met": "Met?",
           "intensity": "Intensity reached", "horizon": "Whole horizon", "start": "Start year",
           "build_years": "Build years", "lifetime": "Lifetime (years)", "counts_from": "Counts from (year end)",
           "last_benefit": "Last benefit year", "id": "id", "name": "name", "legend": "Legend",
           "metrics": {"energy_saving": "energy_saving", "co2_reduction": "co2_reduction"},
           "marks": {"build": "build", "formed": "build · counts", "benefit": "benefit"},
           "summary": "Summary", "targets": "Targets", "reached_col": "Intensity reached"},
    "zh": {"sheet": "年度计划", "spend": "各资金池分年度支出（万元）", "capacity": "各年末形成的能力与阶段目标",
           "schedule": "入选项目实施进度（按开工年份）", "spent": "支出", "limit": "上限", "share": "使用比例",
           "within": "是否在上限内", "formed_row": "年末形成能力", "required": "要求值", "achieved": "实现值",
           "margin": "富余量", "met": "是否达成", "intensity": "强度变化情况", "horizon": "全期",
           "start": "开工年份", "build_years": "建设期（年）", "lifetime": "寿命（年）",
           "counts_from": "计入起始年（年末）", "last_benefit": "受益截止年", "id": "项目编号", "name": "项目名称",
           "legend": "图例", "metrics": {"energy_saving": "节能量", "co2_reduction": "二氧化碳减排量"},
           "marks": {"build": "建设", "formed": "建成·计入", "benefit": "受益"},
           "summary": "概要", "targets": "目标完成情况", "reached_col": "强度变化情况"},
}
FILLS = {"build": "F8CBAD", "formed": "FFD966", "benefit": "A9D08E"}


# ----------------------------------------------------------------------------- reading the sheet
def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def section(ws, title: str):
    """(header, [(row number, row values)]) of the table under a section title; it ends at
    the first blank row."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    header = rows[start + 1]
    body = []
    for i in range(start + 2, len(rows)):
        if all(v is None for v in rows[i]):
            break
        body.append((i + 1, rows[i]))
    return header, body


def col(header, title) -> int:
    return header.index(title)


def spend_table(ws, tx) -> tuple[list, dict]:
    """(header, {(pool, item): (row number, [2023, 2024, 2025, horizon])}); a pool's name
    stands on its first row only."""
    header, body = section(ws, tx["spend"])
    table, pool = {}, None
    for number, r in body:
        pool = r[0] if r[0] is not None else pool
        table[pool, r[1]] = (number, r[3:7])
    return header, table


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("yearly")
    started = time.perf_counter()
    result = solve_case(retrofit_opt.load_case(write_workbook(folder / "case.xlsx", case_sheets())), mip_gap=0)
    seconds = time.perf_counter() - started
    books = {}
    for lang in ("en", "zh"):
        path = folder / f"result_{lang}.xlsx"
        report = write_results(result, path, lang)
        books[lang] = (report, load_workbook(path))
    return result, books, seconds


# ----------------------------------------------------------------------------- the plan itself
def test_the_plan_is_the_hand_worked_optimum(solved):
    result, _, seconds = solved
    assert result.status == "optimal" and result.plan == PLAN
    found = enumerate_plans(oracle_case())
    assert found.best == approx(20300) and found.best_plans == [PLAN]
    assert seconds < 30


# ----------------------------------------------------------------------------- spend
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_spend_per_pool_and_year_against_the_limits(solved, lang):
    _, books, _ = solved
    tx = TEXT[lang]
    ws = books[lang][1][tx["sheet"]]
    header, table = spend_table(ws, tx)
    labels = ["资金池", "内容", "单位"] if lang == "zh" else ["Pool", "Item", "Unit"]
    assert header[:8] == [*labels, *YEARS, tx["horizon"], None]
    # The special pools are named in the workbook's language; the user's pools as written.
    shown = {"总预算": "total", "补贴资金": "subsidy"} if lang == "zh" else {}
    names = list(dict.fromkeys(p for p, _ in table))
    assert names == (["总预算", "补贴资金", "special", "enterprise"] if lang == "zh"
                     else ["total", "subsidy", "special", "enterprise"])
    table = {(shown.get(p, p), item): v for (p, item), v in table.items()}
    for name, spent in SPEND.items():
        number, values = table[name, tx["spent"]]
        assert values == [approx(v) for v in spent], name
        assert all(ws.cell(row=number, column=c).number_format == "#,##0.00" for c in range(4, 8))
    assert (("enterprise", tx["limit"]) not in table) and ("enterprise", tx["within"]) not in table
    for name, limits in LIMITS.items():
        _, limit_row = table[name, tx["limit"]]
        number, shares = table[name, tx["share"]]
        _, within = table[name, tx["within"]]
        for k, limit in enumerate(limits):
            if limit is None:
                assert limit_row[k] is None and shares[k] is None and within[k] is None, (name, k)
            else:
                assert limit_row[k] == approx(limit)
                assert shares[k] == approx(SPEND[name][k] / limit)
                assert within[k] == "✓"
        assert ws.cell(row=number, column=7).number_format == "0.0%"  # the horizon column
    assert table["subsidy", tx["share"]][1][1] == approx(0.9375)
    assert table["total", tx["share"]][1][3] == approx(0.76)


def test_a_plan_over_the_limits_gets_crosses(solved):
    """The sheet recomputes spend from the plan: E added in 2025 breaks total 2025
    (400 + 900 = 1300 > 1000) and the horizon (1900 + 900 = 2800 > 2500)."""
    result, _, _ = solved
    wb = build_workbook(replace(result, plan={**PLAN, "E": 2025}), "en").workbook
    _, table = spend_table(wb["Yearly plan"], TEXT["en"])
    assert table["total", "Spend"][1] == [600, 900, 1300, 2800]
    assert table["total", "Within limit?"][1] == ["✓", "✓", "✗", "✗"]
    assert table["total", "Used / limit"][1][2:] == [approx(1.3), approx(2800 / 2500)]
    assert table["special", "Within limit?"][1] == ["✓", None, None, "✓"]  # E draws nothing from special


# ----------------------------------------------------------------------------- capacity and milestones
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_capacity_per_year_against_the_milestones(solved, lang):
    _, books, _ = solved
    tx = TEXT[lang]
    ws = books[lang][1][tx["sheet"]]
    header, body = section(ws, tx["capacity"])
    years = [col(header, y) for y in YEARS]
    after = [col(header, tx[k]) for k in ("achieved", "margin", "met", "intensity")]
    assert after == [6, 7, 8, 9] and years == [3, 4, 5]
    capacity_rows = [(n, r) for n, r in body if r[1] == tx["formed_row"]]
    assert [r[0] for _, r in capacity_rows] == [tx["metrics"]["energy_saving"], tx["metrics"]["co2_reduction"]]
    for (_, r), metric in zip(capacity_rows, CAPACITY):
        assert [r[i] for i in years] == [approx(v) for v in CAPACITY[metric]], metric
        assert r[2] == ("tce/yr" if metric == "energy_saving" else "t/yr")
    target_rows = [(n, r) for n, r in body if r[1] == tx["required"]]
    assert len(target_rows) == len(MILESTONES)
    # each target row sits under its metric's capacity row
    energy_at, co2_at = capacity_rows[0][0], capacity_rows[1][0]
    assert [n for n, _ in target_rows] == [energy_at + 1, energy_at + 2, energy_at + 3, co2_at + 1]
    for (number, r), (metric, year, required, achieved, margin) in zip(target_rows, MILESTONES):
        for y, i in zip(YEARS, years):  # the required value stands under the target's year only
            assert r[i] == (approx(required) if y == year else None), (metric, y)
        assert (r[after[0]], r[after[1]], r[after[2]]) == (approx(achieved), approx(margin), "✓")
        assert ws.cell(row=number, column=years[YEARS.index(year)] + 1).fill.fgColor.rgb.endswith("C6EFCE")
    assert [r[after[3]] for _, r in target_rows] == [None, None, INTENSITY[lang], None]
    zh_texts = [r[0] for _, r in target_rows]
    if lang == "zh":
        assert zh_texts[:2] == ["节能量 ≥ 2500（2023年）", "节能量 ≥ 18000（2024年）"]
    else:
        assert zh_texts[:2] == ["energy_saving ≥ 2500 in 2023", "energy_saving ≥ 18000 in 2024"]


def test_capacity_chart_per_metric(solved):
    result, _, _ = solved
    ws = build_workbook(result, "en").workbook["Yearly plan"]
    charts = ws._charts
    assert len(charts) == 2  # energy_saving, co2_reduction
    assert [len(c.series) for c in charts] == [1 + 3, 1 + 1]  # the capacity line and one marker per milestone


# ----------------------------------------------------------------------------- schedule
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_start_year_schedule(solved, lang):
    _, books, _ = solved
    tx = TEXT[lang]
    ws = books[lang][1][tx["sheet"]]
    header, body = section(ws, tx["schedule"])
    assert header[:10] == [tx["id"], tx["name"], tx["start"], *YEARS, tx["build_years"], tx["lifetime"],
                           tx["counts_from"], tx["last_benefit"]]
    assert [r[0] for _, r in body] == ["A", "B", "C", "D"]  # E is not chosen
    for number, r in body:
        start, marks, build, life, counts_from, last = SCHEDULE[r[0]]
        assert r[1] == NAMES[r[0]] and r[2] == start
        assert r[3:6] == [tx["marks"][m] if m else None for m in marks], r[0]
        for k, mark in enumerate(marks):
            cell = ws.cell(row=number, column=4 + k)
            assert cell.data_type == "s" or mark is None
            if mark:
                assert cell.fill.fgColor.rgb.endswith(FILLS[mark])
        assert r[6:10] == [build, life, counts_from, last]
    name_cell = ws.cell(row=body[3][0], column=2)  # "@PV rooftop (phase 2)": input text stays text
    assert name_cell.data_type == "s" and name_cell.value == NAMES["D"]
    rows = rows_of(ws)
    legend = next(i for i, r in enumerate(rows) if r[0] == tx["legend"])
    assert [rows[legend + k][0] for k in (1, 2, 3)] == [tx["marks"][m] for m in ("build", "formed", "benefit")]
    for k, mark in enumerate(("build", "formed", "benefit"), start=1):
        assert ws.cell(row=legend + 1 + k, column=1).fill.fgColor.rgb.endswith(FILLS[mark])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_yearly_plan_sheet_place_and_no_formulas(solved, lang):
    _, books, _ = solved
    report, wb = books[lang]
    tx = TEXT[lang]
    names = wb.sheetnames
    after, before = ("未入选", "运行信息") if lang == "zh" else ("Not selected", "Run info")
    assert names.index(after) < names.index(tx["sheet"]) < names.index(before)
    ws = wb[tx["sheet"]]
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert not any(sheet == tx["sheet"] for sheet, _ in report.formulas)


# ----------------------------------------------------------------------------- single period
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_single_period_case_has_no_yearly_plan(tmp_path, lang):
    result = solve_case(retrofit_opt.load_case(write_workbook(tmp_path / "case.xlsx", minimal_case())))
    names = build_workbook(result, lang).workbook.sheetnames
    assert TEXT[lang]["sheet"] not in names and len(names) >= 4


# ----------------------------------------------------------------------------- Summary's intensity sentence
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_states_the_intensity_reached(solved, lang):
    _, books, _ = solved
    tx = TEXT[lang]
    rows = rows_of(books[lang][1][tx["summary"]])
    start = next(i for i, r in enumerate(rows) if r[0] == tx["targets"])
    header = rows[start + 1]
    targets = [dict(zip(header, r)) for r in rows[start + 2:start + 6]]
    assert [t[tx["reached_col"]] for t in targets] == [None, None, INTENSITY[lang], None]
    required = 1_150_000 - (1 - 0.125) * (1_000_000 / 5_000_000) * 6_500_000
    assert required == approx(12_500)
    intensity = targets[2]
    assert intensity[tx["required"]] == approx(required)
    assert intensity[tx["achieved"]] == approx(20_300)


def test_intensity_sentence_rise_and_rounding(solved):
    """A rise reads as such; an unmet target never rounds into looking met."""
    from retrofit_opt.report.summary import intensity_sentence

    result, _, _ = solved
    check = result.target_checks[2]
    # unmet by a hair: −12.46 % against −12.5 % must not print "−12.5 %"
    near = replace(check, achieved=12_490.0, achieved_intensity_change=-12.46)
    assert not near.met
    changed = replace(result, target_checks=[*result.target_checks[:2], near, result.target_checks[3]])
    assert intensity_sentence(changed, near, "en") == "−12.46 % vs 2020 (target −12.5 %)"
    rise = replace(check, achieved=0.0, achieved_intensity_change=3.2)
    changed = replace(result, target_checks=[*result.target_checks[:2], rise, result.target_checks[3]])
    assert intensity_sentence(changed, rise, "en") == "+3.2 % vs 2020 (target −12.5 %)"
    assert intensity_sentence(changed, rise, "zh") == "较2020年上升3.2%（目标下降12.5%）"
    assert intensity_sentence(changed, result.target_checks[0], "en") == ""
