"""The sheets issue 13 adds — By enterprise, Cash flow, Baseline vs plan — every number
recomputed here from the input data written in the tests and the chosen set (the Portfolio
sheet's ids), with the tests' own arithmetic (no retrofit_opt code in the expected values)."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from test_report import (CARBON_PRICE, RATE, evaluate_cell, net_benefit, own_npv, portfolio_parts, rich_projects,
                         rich_sheets, rows_of, solve, write_case)
from test_yearly_plan import PLAN, case_sheets
from workbooks import write_workbook

from retrofit_opt.report import write_results


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-6)


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rich")
    projects = rich_projects()
    result = solve(write_case(folder / "rich.xlsx", rich_sheets(projects)))
    out = folder / "out.xlsx"
    write_results(result, out, "en")
    return projects, load_workbook(out)


def test_the_full_sheet_list(rich):
    _, wb = rich
    assert wb.sheetnames == ["Summary", "Portfolio", "Not selected", "By enterprise", "Cash flow", "MACC",
                             "Run info", "Chart data"]
    assert wb["Chart data"].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])


def table_after(ws, title: str) -> tuple[list, list[tuple[int, dict]]]:
    """(header, [(row number, {header: value})]) of the table under a section title."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    header = rows[start + 1]
    out = []
    for number, r in enumerate(rows[start + 2:], start=start + 3):
        if r[0] is None:
            break
        out.append((number, dict(zip(header, r))))
    return header, out


def test_by_enterprise_and_sector(rich):
    projects, wb = rich
    _, chosen_rows, _, _ = portfolio_parts(wb["Portfolio"])
    chosen = {p["id"] for p in chosen_rows}
    ws = wb["By enterprise"]
    for field, title in (("enterprise", "By enterprise"), ("sector", "By sector")):
        header, table = table_after(ws, title)
        own = {}
        for p in projects:
            g = own.setdefault(p[field], {"chosen": [], "out": []})
            g["chosen" if p["id"] in chosen else "out"].append(p)
        rows = [r for _, r in table if r[field] != "Total"]
        assert [r[field] for r in rows] == list(own)
        for r in rows:
            g = own[r[field]]
            assert r["Projects chosen"] == len(g["chosen"]) and r["Projects left out"] == len(g["out"])
            assert r["capex (万元)"] == approx(sum(p["capex"] for p in g["chosen"]))
            assert r["Subsidy (万元)"] == approx(sum(p["capex"] * p["subsidy"] for p in g["chosen"]))
            assert r["Enterprise's own share (万元)"] == approx(sum(p["capex"] * (1 - p["subsidy"])
                                                                  for p in g["chosen"]))
            assert r["energy_saving (tce/yr)"] == approx(sum(p["energy"] for p in g["chosen"]))
            assert r["co2_reduction (t/yr)"] == approx(sum(p["co2"] for p in g["chosen"]))
            assert r["so2_reduction (t/yr)"] == approx(sum(p["so2"] for p in g["chosen"]))
            assert (r["Chosen"] or "") == ", ".join(p["id"] for p in g["chosen"])
            assert (r["Left out"] or "") == ", ".join(p["id"] for p in g["out"])
        number, total = table[-1]
        assert total[field] == "Total"
        capex_col = header.index("capex (万元)") + 1
        cell = ws.cell(row=number, column=capex_col)
        assert cell.data_type == "f" and evaluate_cell(ws, cell.coordinate) == approx(
            sum(p["capex"] for p in projects if p["id"] in chosen))


def test_cash_flow_single_period(rich):
    projects, wb = rich
    _, chosen_rows, _, _ = portfolio_parts(wb["Portfolio"])
    chosen = [p for p in projects if p["id"] in {r["id"] for r in chosen_rows}]
    ws = wb["Cash flow"]
    rows = rows_of(ws)
    header = rows[3]
    table = [dict(zip(header, r)) for r in rows[4:] if isinstance(r[0], int)]
    horizon = max(p["lifetime"] for p in chosen)
    assert [r["Year from the start"] for r in table] == list(range(0, horizon + 1))
    cumulative = 0.0
    for r in table:
        k = r["Year from the start"]
        capex = sum(p["capex"] for p in chosen) if k == 0 else 0.0
        running = [p for p in chosen if 1 <= k <= p["lifetime"]]
        saving = sum(p["acs"] for p in running)
        opex = sum(p["opex"] for p in running)
        carbon = sum(p["co2"] * CARBON_PRICE / 1e4 for p in running)
        net = -capex + saving - opex + carbon
        cumulative += net
        assert r["Capex (万元)"] == approx(-capex)
        assert r["Cost saving (万元)"] == approx(saving) and r["O&M change (万元)"] == approx(-opex)
        assert r["Carbon value (万元)"] == approx(carbon) and r["Net cash flow (万元)"] == approx(net)
        assert r["Cumulative net cash flow (万元)"] == approx(cumulative)
        assert r["Discounted net cash flow (万元)"] == approx(net / (1 + RATE) ** k)
        subsidy = sum(p["capex"] * p["subsidy"] for p in chosen) if k == 0 else 0.0
        assert r["Subsidy received (万元; a transfer, not in the NPV)"] == approx(subsidy)
    # consistent with each project's NPV: the discounted flows add up to Σ NPV
    npv = sum(own_npv(p) for p in chosen)
    assert table[-1]["Cumulative discounted (万元)"] == approx(npv)
    assert sum(net_benefit(p) for p in chosen) > 0
    total_row = next(i for i, r in enumerate(rows, start=1) if r[0] == "Total")
    col = header.index("Discounted net cash flow (万元)") + 1
    assert evaluate_cell(ws, ws.cell(row=total_row, column=col).coordinate) == approx(npv)


@pytest.fixture(scope="module")
def multi_year(tmp_path_factory):
    folder = tmp_path_factory.mktemp("multi")
    result = solve(write_workbook(folder / "case.xlsx", case_sheets()))
    assert result.plan == PLAN
    books = {}
    for lang in ("en", "zh"):
        write_results(result, folder / f"out_{lang}.xlsx", lang)
        books[lang] = load_workbook(folder / f"out_{lang}.xlsx")
    return books


def test_baseline_vs_plan(multi_year):
    """Baseline 2020: 1,000,000 tce, 5,000,000 万元; 2025: 1,150,000 tce, 6,500,000 万元.
    Capacity counted at the end of 2025: A + C + D = 20,300 tce (test_yearly_plan's hand
    calculation); 2020 is before the horizon: nothing counted.  Required in 2025:
    0.2 × (1 − 12.5 %) = 0.175 tce/万元."""
    wb = multi_year["en"]
    assert "Baseline vs plan" in wb.sheetnames
    header, table = table_after(wb["Baseline vs plan"], "Energy use")
    rows = {r["Year"]: r for _, r in table}
    assert set(rows) == {2020, 2025}
    r = rows[2020]
    assert r["Without the plan (tce)"] == 1_000_000 and r["Capacity formed (tce)"] == 0
    assert r["Intensity without the plan (tce/万元)"] == approx(0.2)
    assert r["Intensity with the plan (tce/万元)"] == approx(0.2)
    assert r["Required by a target (tce/万元)"] is None
    r = rows[2025]
    assert r["Capacity formed (tce)"] == approx(20_300)
    assert r["With the plan (tce)"] == approx(1_150_000 - 20_300)
    assert r["Intensity without the plan (tce/万元)"] == approx(1_150_000 / 6_500_000)
    assert r["Intensity with the plan (tce/万元)"] == approx(1_129_700 / 6_500_000)
    assert r["Change vs first year (with the plan)"] == approx(1_129_700 / 6_500_000 / 0.2 - 1)
    assert r["Required by a target (tce/万元)"] == approx(0.175)
    zh = multi_year["zh"]
    assert "基准对比" in zh.sheetnames


def test_cash_flow_multi_year_capex_by_year(multi_year):
    """A pays 40/60 % of 1,000 in 2023/2024, B 200 in 2023, C 300 in 2024, D 400 in 2025;
    no cost saving or carbon price in this case, so the flows are the capex alone."""
    ws = multi_year["en"]["Cash flow"]
    rows = rows_of(ws)
    header = rows[3]
    table = {r[0]: dict(zip(header, r)) for r in rows[4:] if isinstance(r[0], int)}
    assert table[2023]["Capex (万元)"] == approx(-600) and table[2024]["Capex (万元)"] == approx(-900)
    assert table[2025]["Capex (万元)"] == approx(-400)
    assert table[2023]["Subsidy received (万元; a transfer, not in the NPV)"] == approx(100)
    assert table[2024]["Subsidy received (万元; a transfer, not in the NPV)"] == approx(300)
    expected = -600 - 900 / 1.08 - 400 / 1.08 ** 2  # default discount rate 8 %, to 2023
    assert table[max(table)]["Cumulative discounted (万元)"] == approx(expected)
