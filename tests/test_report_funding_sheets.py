"""Issue 16's results on the report: awards by enterprise and by rule on 按企业汇总 / By
enterprise, and salvage, awards and reinvested savings on 现金流 / Cash flow.

Every expected number is recomputed here from the input workbook (read with openpyxl, or
the dicts the test writes) and the chosen set read off the Portfolio sheet, with the test's
own arithmetic (award = min(rate × saving / 10⁴, cap per project, share × capex), an
enterprise's cap per year shared in proportion to the entitlements; salvage with the last
benefit year; a share ρ of S − O&M reinvested in each benefit year) — no retrofit_opt code
in the expected values.  The chosen set comes from ``solve`` as users run it (the array
path, which carries the award and reinvestment rows), proven optimal at gap 0.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import retrofit_opt
from retrofit_opt.report import write_results
from retrofit_opt.studies.solve import solve_case
from test_funding_awards import project as award_project
from test_funding_awards import row as budget_row
from test_funding_awards import rule as award_rule
from test_funding_awards import workbook as award_workbook
from test_funding_reinvest import project as reinvest_project
from test_funding_reinvest import write as reinvest_workbook
from test_report import evaluate_cell, portfolio_parts, rows_of
from test_report_sheets import table_after

ROOT = Path(__file__).resolve().parents[1]
AWARDS_CASE = ROOT / "cases" / "ganhe_awards_2024.xlsx"
NEWNAN = ROOT / "tests" / "data"


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def solved_workbooks(path: Path, folder: Path) -> dict:
    """lang → the results workbook of the case at ``path`` (optimal plan, gap 0)."""
    case = retrofit_opt.load_case(path)
    result = solve_case(case, time_limit=120, mip_gap=0, explain=False)
    assert result.status == "optimal"
    books = {}
    for lang in ("zh", "en"):
        out = folder / f"{path.stem}_{lang}.xlsx"
        write_results(result, out, lang)
        books[lang] = openpyxl.load_workbook(out)
    return books


def chosen_ids(wb) -> set[str]:
    _, projects, _, _ = portfolio_parts(wb.worksheets[1])
    first = list(projects[0])[0] if projects else None
    id_key = next(k for k in projects[0] if k in ("id", "项目编号")) if projects else first
    return {str(p[id_key]) for p in projects}


# ---------------------------------------------------------------- Ganhe with the Tianjin rate
def ganhe_awards_input():
    """Projects (id → fields), the award rule and the discount rate, read from the workbook."""
    wb = openpyxl.load_workbook(AWARDS_CASE, data_only=True)
    rows = list(wb["项目"].iter_rows(values_only=True))
    col = {name: j for j, name in enumerate(rows[0])}
    projects = {}
    for r in rows[1:]:
        if not r[0]:
            continue
        saving = float(r[col["节能量(吨标准煤/年)"]] or 0)
        green = r[col["绿电量(万千瓦时/年)"]]
        if green and not saving:  # PV01: 万kWh × 10⁴ × 0.3055 kgce/kWh (the case's 等价值) ÷ 1000
            saving = green * 1e4 * 0.3055 / 1000
        projects[r[0]] = {"enterprise": r[col["企业"]], "sector": r[col["行业"]], "capex": float(r[col["投资(万元)"]]),
                          "saving": saving, "subsidy": float(r[col["补贴比例"]] or 0)}
    (rule,) = [r for r in wb["补贴规则"].iter_rows(min_row=2, values_only=True) if r[0]]
    name, pool, rate, cap, share = rule[:5]
    return projects, {"name": name, "pool": pool, "rate": float(rate), "cap": float(cap), "share": float(share)}


def tianjin_award(p, rule) -> float:
    return max(0.0, min(rule["rate"] * p["saving"] / 1e4, rule["cap"], rule["share"] * p["capex"]))


@pytest.fixture(scope="module")
def ganhe_awards(tmp_path_factory):
    return solved_workbooks(AWARDS_CASE, tmp_path_factory.mktemp("ganhe_awards"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ganhe_awards_by_enterprise_and_by_rule(ganhe_awards, lang):
    wb = ganhe_awards[lang]
    projects, rule = ganhe_awards_input()
    chosen = chosen_ids(wb)
    assert len(chosen) == 21
    ws = wb.worksheets[3]
    zh = lang == "zh"
    names = {"enterprise": "企业" if zh else "enterprise", "award": "奖励资金（万元）" if zh else "Awards (万元)",
             "subsidy": "补贴资金（万元）" if zh else "Subsidy (万元)",
             "own": "企业自筹（万元）" if zh else "Enterprise's own share (万元)",
             "capex": "投资（万元）" if zh else "capex (万元)"}
    header, table = table_after(ws, "按企业" if zh else "By enterprise")
    expected: dict[str, dict] = {}
    for pid, p in projects.items():
        g = expected.setdefault(p["enterprise"], {"capex": 0.0, "subsidy": 0.0, "award": 0.0})
        if pid in chosen:
            g["capex"] += p["capex"]
            g["subsidy"] += p["capex"] * p["subsidy"]
            g["award"] += tianjin_award(p, rule)
    body = [(n, r) for n, r in table if r[names["enterprise"]] not in ("合计", "Total")]
    assert [r[names["enterprise"]] for _, r in body] == list(expected)
    for _, r in body:
        g = expected[r[names["enterprise"]]]
        assert r[names["capex"]] == approx(g["capex"]) and r[names["subsidy"]] == approx(g["subsidy"])
        assert r[names["award"]] == approx(g["award"])
        assert r[names["own"]] == approx(g["capex"] - g["subsidy"] - g["award"])
    # JN01's 12,220 tce/yr would earn 488.8 万元: the 400 万元 cap per project binds
    assert tianjin_award(projects["JN01"], rule) == 400 and "JN01" in chosen
    total_number, total = table[-1]
    award_col = header.index(names["award"]) + 1
    all_awards = sum(tianjin_award(projects[pid], rule) for pid in chosen)
    assert all_awards == pytest.approx(1786.3868, abs=1e-4)  # the README's 1,786.4 万元
    assert evaluate_cell(ws, ws.cell(row=total_number, column=award_col).coordinate) == approx(all_awards)

    header, by_rule = table_after(ws, "按奖励规则、企业汇总" if zh else "Awards by rule and enterprise")
    rows = [r for _, r in by_rule if r[header[0]] not in ("合计", "Total")]
    per_enterprise: dict[str, list[str]] = {}
    for pid, p in projects.items():
        if pid in chosen and tianjin_award(p, rule) > 0:
            per_enterprise.setdefault(p["enterprise"], []).append(pid)
    assert {r[header[2]] for r in rows} == set(per_enterprise)
    for r in rows:
        ids = per_enterprise[r[header[2]]]
        assert r[header[0]] == rule["name"] and r[header[1]] == rule["pool"]
        assert r[header[3]] == ", ".join(ids)
        amount = sum(tianjin_award(projects[pid], rule) for pid in ids)
        assert r[header[4]] == approx(amount) and r[header[5]] == approx(amount)  # no enterprise cap in this rule
    number, _ = by_rule[-1]
    assert evaluate_cell(ws, ws.cell(row=number, column=6).coordinate) == approx(all_awards)

    cash = wb.worksheets[4]
    rows = rows_of(cash)
    head = rows[3]
    award_head = "奖励资金（万元，转移支付，不计入净现值）" if zh else "Awards received (万元; a transfer, not in the NPV)"
    flows = [dict(zip(head, r)) for r in rows[4:] if isinstance(r[0], int)]
    assert flows[0][award_head] == approx(all_awards)  # single period, one build year: paid in year 0
    assert all(f[award_head] == 0 for f in flows[1:])


def test_enterprise_cap_per_year_is_shared_in_proportion(tmp_path):
    """Rule: 500 元/tce, at most 800 万元 per enterprise and year.  E1: P1 10,000 tce, P2
    6,000 tce and P3 4,000 tce are entitled to 500 + 300 + 200 = 1,000, scaled to the cap
    of 800 (P1 400, P2 240, P3 160).  E2: P4 2,000 tce → 100 (under the cap).  Budgets are
    loose: all four are chosen."""
    projects = {"P1": award_project(5000, 10000, enterprise="E1"), "P2": award_project(3000, 6000, enterprise="E1"),
                "P3": award_project(2000, 4000, enterprise="E1"), "P4": award_project(1000, 2000, enterprise="E2")}
    rules = [award_rule(rate_tce=500.0, cap_ent=800.0, name="city fund 2025")]
    rows = [budget_row("own", 1e6), budget_row("fund", 1e6)]
    books = solved_workbooks(award_workbook(tmp_path, projects, rules, rows, None), tmp_path)
    wb = books["en"]
    assert chosen_ids(wb) == set(projects)
    ws = wb.worksheets[3]
    header, table = table_after(ws, "By enterprise")
    by = {r["enterprise"]: r for _, r in table}
    assert by["E1"]["Awards (万元)"] == approx(800) and by["E2"]["Awards (万元)"] == approx(100)
    assert by["E1"]["Enterprise's own share (万元)"] == approx(10000 - 800)
    header, by_rule = table_after(ws, "Awards by rule and enterprise")
    rows_ = {r["enterprise"]: r for _, r in by_rule if r["Award rule"] != "Total"}
    assert rows_["E1"]["Projects awarded"] == "P1, P2, P3"
    assert rows_["E1"]["Entitlement before the enterprise cap (万元)"] == approx(1000)
    assert rows_["E1"]["Awards (万元)"] == approx(800)
    assert rows_["E2"]["Entitlement before the enterprise cap (万元)"] == approx(100)
    assert rows_["E2"]["Awards (万元)"] == approx(100)
    zh = books["zh"].worksheets[3]
    _, zh_rule = table_after(zh, "按奖励规则、企业汇总")
    assert [r["奖励资金（万元）"] for _, r in zh_rule[:2]] == [approx(800), approx(100)]
    number, total = zh_rule[2]
    assert total["奖励规则"] == "合计" and evaluate_cell(zh, f"F{number}") == approx(900)


# ------------------------------------------------------------------------- salvage (Newnan)
def newnan_input(path: Path):
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = list(wb["projects"].iter_rows(values_only=True))
    projects = {str(r[0]): {"capex": r[2], "saving": r[3], "life": r[4], "salvage": r[5]} for r in rows[1:] if r[0]}
    rate = next(v for k, v in wb["parameters"].iter_rows(min_row=2, values_only=True) if k == "discount_rate")
    return projects, rate


@pytest.mark.parametrize("name", ["newnan_ex17_3.xlsx", "newnan_ex17_3_mar14_5.xlsx"])
def test_cash_flow_with_salvage_adds_up_to_the_projects_npv(name, tmp_path):
    """Newnan's capital-rationing example: capex in year 0, the annual benefit in years
    1…L and the salvage value in year L; the discounted flows add up to Σ NPV of the
    chosen projects, NPV = −capex + Σ_k B/(1+r)^k + S/(1+r)^L, and to the Portfolio's NPV."""
    projects, rate = newnan_input(NEWNAN / name)
    books = solved_workbooks(NEWNAN / name, tmp_path)
    for lang, heads in (("en", ("Year from the start", "Capex (万元)", "Cost saving (万元)", "Salvage value (万元)",
                                "Net cash flow (万元)", "Discounted net cash flow (万元)",
                                "Cumulative discounted (万元)")),
                        ("zh", ("年份（自开工起）", "投资（万元）", "节约费用（万元）", "残值（万元）", "净现金流（万元）",
                                "折现净现金流（万元）", "累计折现净现金流（万元）"))):
        wb = books[lang]
        chosen = chosen_ids(wb)
        year, capex_h, saving_h, salvage_h, net_h, disc_h, cum_h = heads
        rows = rows_of(wb.worksheets[4])
        header = rows[3]
        flows = [dict(zip(header, r)) for r in rows[4:] if isinstance(r[0], int)]
        assert [f[year] for f in flows] == list(range(0, max(projects[p]["life"] for p in chosen) + 1))
        for f in flows:
            k = f[year]
            capex = sum(projects[p]["capex"] for p in chosen) if k == 0 else 0.0
            saving = sum(projects[p]["saving"] for p in chosen if 1 <= k <= projects[p]["life"])
            salvage = sum(projects[p]["salvage"] for p in chosen if k == projects[p]["life"])
            assert f[capex_h] == approx(-capex) and f[saving_h] == approx(saving) and f[salvage_h] == approx(salvage)
            assert f[net_h] == approx(-capex + saving + salvage)
            assert f[disc_h] == approx((-capex + saving + salvage) / (1 + rate) ** k)
        npv = sum(-projects[p]["capex"] + sum(projects[p]["saving"] / (1 + rate) ** k
                                              for k in range(1, projects[p]["life"] + 1))
                  + projects[p]["salvage"] / (1 + rate) ** projects[p]["life"] for p in chosen)
        assert flows[-1][cum_h] == approx(npv)
        _, portfolio, _, _ = portfolio_parts(wb.worksheets[1])
        npv_key = next(k for k in portfolio[0] if k.startswith(("NPV (", "净现值（")))
        assert sum(r[npv_key] for r in portfolio) == pytest.approx(npv, rel=1e-9)


# --------------------------------------------------------------------- reinvested savings
def test_cash_flow_shows_reinvested_savings_and_capital_returned(tmp_path):
    """A (capex 100 in 2024, 1 build year) saves 80 万元/yr for 10 years from 2025, ρ = 0.5:
    40 of each year's saving goes to the next year's budget; B (capex 90 in 2026) fits only
    thanks to it.  C pays 80/60/−40 of 100 over 2024–2026 (capital returned in its third
    build year; saving 0) — its yearly capex is 80, 60, −40.
    Budgets (own pool): 2024 180, 2025 60, 2026 60 + 40 reinvested, 2027 0."""
    projects = {"A": reinvest_project(100, 50, 80, reinvest=0.5, earliest=2024),
                "B": reinvest_project(90, 40, 0, earliest=2026),
                "C": reinvest_project(100, 30, 0, build=3, profile=(80, 60, -40), earliest=2024)}
    rows = [dict(pool="own", year=y, limit=lim) for y, lim in ((2024, 180), (2025, 60), (2026, 60), (2027, 0))]
    books = solved_workbooks(reinvest_workbook(tmp_path, projects, rows), tmp_path)
    for lang, heads in (("en", ("Year", "Capex (万元)", "Cost saving (万元)", "Of which reinvested next year (万元; part of the saving)")),
                        ("zh", ("年份", "投资（万元）", "节约费用（万元）", "其中再投入下一年预算（万元，已含在节约费用中）"))):
        wb = books[lang]
        _, portfolio, _, _ = portfolio_parts(wb.worksheets[1])
        assert chosen_ids(wb) == {"A", "B", "C"}
        year, capex_h, saving_h, reinvest_h = heads
        table = {r[0]: dict(zip(rows_of(wb.worksheets[4])[3], r)) for r in rows_of(wb.worksheets[4])[4:]
                 if isinstance(r[0], int)}
        assert table[2024][capex_h] == approx(-(100 + 80)) and table[2025][capex_h] == approx(-60)
        assert table[2026][capex_h] == approx(-90 + 40)  # B's capex, C's 40 returned
        for y in range(2025, 2035):
            assert table[y][saving_h] == approx(80) and table[y][reinvest_h] == approx(40)
        assert table[2024][reinvest_h] == 0


# ------------------------------------------------------------------------------ 概要 / Summary
def chart_table(wb, title: str) -> list[tuple]:
    """The rows of one table on the hidden chart-data sheet (under its title and header)."""
    rows = rows_of(wb.worksheets[-1])
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    out = []
    for r in rows[start + 2:]:
        if r[0] is None:
            break
        out.append(r)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_states_awards_and_every_budget_row_as_share_of_its_limit(ganhe_awards, lang):
    """Key figures carry the awards beside the subsidy; the budget chart names the group cap
    (节能改造资金 of 黄河鑫业有限公司 alone; the Chinese label cut to 黄河鑫业…) apart from its pool and
    shows each row's use as a share of its limit.  Uses recomputed here: total = Σ capex; an own pool = Σ (1 − s)·capex
    − awards of its projects (the group row: 黄河鑫业有限公司's only); 补贴资金 = Σ s·capex;
    节能专项资金 (the rule's pool) = Σ awards."""
    wb = ganhe_awards[lang]
    projects, rule = ganhe_awards_input()
    chosen = chosen_ids(wb)
    source = openpyxl.load_workbook(AWARDS_CASE, data_only=True)
    pools = {r[0]: r[col] for r in list(source["项目"].iter_rows(values_only=True))[1:] if r[0]
             for col in [list(next(source["项目"].iter_rows(values_only=True))).index("资金来源")]}
    award = {pid: tianjin_award(projects[pid], rule) for pid in chosen}
    zh = lang == "zh"
    summary = rows_of(wb.worksheets[0])
    awards_row = next(r for r in summary if r[0] == ("奖励资金（补贴规则）" if zh else "Awards (subsidy rules)"))
    assert awards_row[3] == approx(sum(award.values())) and awards_row[1] == approx(sum(award.values()) / 1e4)

    def own(pool, enterprise=None):
        return sum((1 - projects[p]["subsidy"]) * projects[p]["capex"] - award[p] for p in chosen
                   if pools[p] == pool and (enterprise is None or projects[p]["enterprise"] == enterprise))

    used = {"总预算": sum(projects[p]["capex"] for p in chosen), "节能改造资金": own("节能改造资金"),
            "节能改造资金（企业 黄河鑫业有限公司）": own("节能改造资金", "黄河鑫业有限公司"),
            "环保治理资金": own("环保治理资金"), "补贴资金": sum(projects[p]["subsidy"] * projects[p]["capex"] for p in chosen),
            "节能专项资金": sum(award.values())}
    limits = {r[0] if r[1] is None else f"{r[0]}（企业 {r[1]}）": r[2]
              for r in source["预算"].iter_rows(min_row=2, values_only=True) if r[0]}
    names = {"总预算": "total", "补贴资金": "subsidy", "节能改造资金（企业 黄河鑫业有限公司）": "节能改造资金 (黄河鑫业有限公司)"}
    short = {"节能改造资金（企业 黄河鑫业有限公司）": "节能改造资金（黄河鑫业…）"}  # the chart's label; the table names it in full
    title = "各项预算使用比例（已用占上限的百分比）" if zh else "Budgets: used as % of the limit"
    table = chart_table(wb, title)
    expected = [(short.get(k, k) if zh else names.get(k, k), round(100 * used[k] / limits[k], 1), 100.0) for k in limits]
    assert [(r[0], r[1], r[2]) for r in table] == [(n, pytest.approx(v, abs=0.051), c) for n, v, c in expected]
    assert len({r[0] for r in table}) == len(table)  # the group cap is told from its pool


def test_intensity_note_names_only_the_deductions_the_baseline_gives(tmp_path):
    """Feedstock only (base 100,000, 2025 150,000 tce): the note says 扣除原料用能 alone."""
    from test_funding_accounting import case_file
    case = retrofit_opt.load_case(case_file(tmp_path, ("feedstock",)))
    result = solve_case(case, time_limit=60, mip_gap=0, explain=False)
    for lang, expected, absent in (("zh", "按考核口径（扣除原料用能）", "绿证"),
                                   ("en", "as the target counts it (less feedstock energy)", "certificates")):
        out = tmp_path / f"{lang}.xlsx"
        write_results(result, out, lang)
        texts = [c for r in rows_of(openpyxl.load_workbook(out).worksheets[0]) for c in r if isinstance(c, str)]
        line = next(t for t in texts if expected in t)
        assert absent not in line and "（年）" not in line and " by :" not in line
