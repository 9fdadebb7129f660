"""The economic indicators of the results workbook, the MACC sheet and the factor table on
Run info, every number recomputed with this file's own arithmetic (no retrofit_opt.economics
or accounting): discounted payback, IRR by bisection, levelised cost of saved energy and
abatement cost through the capital recovery factor, enterprise NPV, the MACC's order and
cumulative widths, the chart's series; blanks where an indicator is undefined; both
languages; green power not counted as energy saving, and a scenario that switches the
electricity conversion method, end to end."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import ScatterChart

import retrofit_opt
from retrofit_opt.studies.solve import solve_case
from retrofit_opt.report import write_results
from retrofit_opt.scenarios import apply_scenario

from test_report import (CARBON_PRICE, RATE, evaluate_cell, column, listed, net_benefit, own_npv, portfolio_parts,
                         rich_projects, rich_sheets, rows_of, write_case, zh_case)
from test_report_libreoffice import multi_year_case

PARAMETERS_CSV = Path(retrofit_opt.__file__).parent / "schema" / "parameters.csv"
FACTOR_KEYS = ("electricity_tce_factor", "coal_tce_factor", "gas_tce_factor", "steam_tce_factor",
               "grid_co2_factor", "coal_co2_factor", "gas_co2_factor", "steam_co2_factor",
               "green_power_tce_method", "discount_rate")

EN = {"discounted_payback": "Discounted payback (years)", "irr": "IRR (%)",
      "lcse": "Levelised cost of saved energy (元/tce)", "abatement_cost": "Abatement cost (元/t CO2)",
      "npv": "NPV (万元)", "npv_enterprise": "Enterprise NPV (万元)", "payback": "Simple payback (years)"}
ZH = {"discounted_payback": "动态回收期（年）", "irr": "内部收益率（%）", "lcse": "平准化节能成本（元/tce）",
      "abatement_cost": "减排成本（元/t CO2）", "npv": "净现值（万元）", "npv_enterprise": "企业净现值（万元）",
      "payback": "静态回收期（年）"}


def approx(value, rel=1e-9):
    return pytest.approx(value, rel=rel, abs=1e-9)


# ----------------------------------------------------------------------------- own arithmetic
def crf(r: float, years: int) -> float:
    """Capital recovery factor r(1+r)^n / ((1+r)^n − 1)."""
    return r * (1 + r) ** years / ((1 + r) ** years - 1)


def capex_at_completion(capex: float, shares, r: float) -> float:
    """The capex paid over the build years, compounded to the last build year."""
    b = len(shares)
    return sum(capex * s * (1 + r) ** (b - 1 - k) for k, s in enumerate(shares))


def own_discounted_payback(capex, shares, benefit, life, r):
    """Years of operation until the benefits, discounted to the last build year, repay the
    capex valued there; linear within the year of the crossing; None if never."""
    owed = capex_at_completion(capex, shares, r)
    for j in range(1, life + 1):
        step = benefit / (1 + r) ** j
        if step >= owed:
            return (j - 1) + owed / step
        owed -= step
    return None


def own_irr(capex, shares, benefit, life):
    """The rate x at which −Σ capex·s_k/(1+x)^k + Σ_j benefit/(1+x)^(b−1+j) = 0, by bisection
    (the value falls as x rises for these flows); None when the benefit is not positive."""
    if benefit <= 0:
        return None
    b = len(shares)

    def value(x):
        return (-sum(capex * s / (1 + x) ** k for k, s in enumerate(shares))
                + sum(benefit / (1 + x) ** (b - 1 + j) for j in range(1, life + 1)))

    lo, hi = -0.99, 1000.0
    assert value(lo) > 0 > value(hi)
    for _ in range(400):
        mid = (lo + hi) / 2
        if value(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def own_lcse(capex, shares, opex, energy, life, r):
    if energy <= 0:
        return None
    return (crf(r, life) * capex_at_completion(capex, shares, r) + opex) * 1e4 / energy


def own_abatement(capex, shares, opex, acs, co2, life, r):
    if co2 <= 0:
        return None
    return (crf(r, life) * capex_at_completion(capex, shares, r) + opex - acs) * 1e4 / co2


def rich_indicators(p) -> dict:
    """Every indicator of a rich-case project (single period, one build year)."""
    benefit = net_benefit(p)
    return {"payback": p["capex"] / benefit,
            "discounted_payback": own_discounted_payback(p["capex"], [1.0], benefit, p["lifetime"], RATE),
            "npv": own_npv(p), "npv_enterprise": own_npv(p) + p["subsidy"] * p["capex"],
            "irr": own_irr(p["capex"], [1.0], benefit, p["lifetime"]),
            "lcse": (crf(RATE, p["lifetime"]) * p["capex"] + p["opex"]) * 1e4 / p["energy"],
            "abatement_cost": (crf(RATE, p["lifetime"]) * p["capex"] + p["opex"] - p["acs"]) * 1e4 / p["co2"]}


# ----------------------------------------------------------------------------- reading
def solve(path):
    return retrofit_opt.solve_case(retrofit_opt.load_case(path))


def write(result, path, lang="en"):
    write_results(result, path, lang)
    return load_workbook(path)


def not_selected(wb, sheet="Not selected") -> list[dict]:
    rows = listed(wb[sheet])
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def notes_under(ws, first_row: int) -> list[str]:
    return [r[0] for r in rows_of(ws)[first_row:] if r and isinstance(r[0], str)]


def macc_table(ws) -> list[dict]:
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] in ("Order", "序号"))
    table = []
    for r in rows[start + 1:]:
        if not isinstance(r[0], int):
            break
        table.append(dict(zip(rows[start], r)))
    return table


def chart_points(ws) -> tuple[list[list], int]:
    """The rows of the chart-point block and the sheet row its first point is on."""
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] in ("Chart points (the outline of each bar)", "图表数据点（各柱轮廓）"))
    points = []
    for r in rows[start + 2:]:
        if r[0] is None:
            break
        points.append(r[:4])
    return points, start + 3


def run_info_factors(ws) -> dict:
    rows = rows_of(ws)
    start = next(i for i, r in enumerate(rows) if r[0] in ("Conversion and emission factors used", "采用的折标及排放因子"))
    header = rows[start + 1]
    table = {}
    for r in rows[start + 2:]:
        if r[0] is None:
            break
        row = dict(zip(header, r))
        table[row.get("Parameter", row.get("参数"))] = row
    return table


def schema_sources() -> dict:
    with PARAMETERS_CSV.open(encoding="utf-8") as f:
        return {r["key"]: r for r in csv.DictReader(f)}


# ----------------------------------------------------------------------------- the rich case
@pytest.mark.parametrize("objective", ["max_saving", "max_npv"])
def test_every_new_indicator_recomputed_on_portfolio_and_not_selected(tmp_path, objective):
    projects = rich_projects()
    by_id = {p["id"]: p for p in projects}
    result = solve(write_case(tmp_path / "rich.xlsx", rich_sheets(projects, objective)))
    wb = write(result, tmp_path / "out.xlsx")
    ws = wb["Portfolio"]
    header, rows, _, total_row = portfolio_parts(ws)
    assert {r["id"] for r in rows} == set(result.plan)
    for title in EN.values():
        assert title in header, title
    checked = 0
    for r in [*rows, *not_selected(wb)]:
        own = rich_indicators(by_id[r["id"]])
        for key, title in EN.items():
            assert r[title] == approx(own[key]), (r["id"], title)
            checked += 1
    assert checked == len(projects) * len(EN)  # every project, on one sheet or the other
    # number formats
    row2 = {h: ws.cell(row=2, column=i + 1) for i, h in enumerate(header)}
    assert row2[EN["irr"]].number_format == "0.0%"
    assert row2[EN["discounted_payback"]].number_format == "0.0"
    assert row2[EN["lcse"]].number_format == row2[EN["abatement_cost"]].number_format == "#,##0.0"
    assert row2[EN["npv_enterprise"]].number_format == "#,##0.00"
    # totals: a live SUM for the enterprise NPV; none for the non-additive indicators
    cell = f"{column(header, EN['npv_enterprise'])}{total_row}"
    assert ws[cell].data_type == "f"
    assert evaluate_cell(ws, cell) == approx(sum(own_npv(by_id[i]) + by_id[i]["subsidy"] * by_id[i]["capex"]
                                                 for i in result.plan))
    for key in ("discounted_payback", "irr", "lcse", "abatement_cost"):
        assert ws[f"{column(header, EN[key])}{total_row}"].value is None, key
    notes = notes_under(ws, total_row)
    assert any(n.startswith("A blank indicator is undefined") for n in notes)
    assert any(n.startswith("Enterprise NPV") for n in notes)
    ns_notes = notes_under(wb["Not selected"], len(listed(wb["Not selected"])))
    assert any(n.startswith("A blank indicator is undefined") for n in ns_notes)


def test_the_abatement_cost_is_the_break_even_carbon_price(tmp_path):
    """NPV > 0 exactly when the abatement cost is below the carbon price (PRODUCT: MACC)."""
    projects = rich_projects()
    result = solve(write_case(tmp_path / "rich.xlsx", rich_sheets(projects)))
    wb = write(result, tmp_path / "out.xlsx")
    _, rows, _, _ = portfolio_parts(wb["Portfolio"])
    for r in [*rows, *not_selected(wb)]:
        assert (r[EN["npv"]] > 0) == (r[EN["abatement_cost"]] < CARBON_PRICE)


# ----------------------------------------------------------------------------- blanks
def blanks_case() -> dict:
    """N1 no energy saving (no LCSE; pays back in 20 years, after its 10-year life: no
    discounted payback, a negative IRR); N2 no CO2 and no benefit (no IRR, no payback, no
    abatement cost); N3 ordinary; X1 excluded, no energy saving (blank on Not selected)."""
    return {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
                      "annual_cost_saving (万元/yr)", "opex_change (万元/yr)", "lifetime", "mandatory", "excluded"],
                     ["N1", "PV with no tce", 100, 0, 500, 5, 0, 10, "yes", "no"],
                     ["N2", "Insulation", 100, 50, 0, 0, 0, 10, "yes", "no"],
                     ["N3", "Ordinary", 200, 100, 250, 40, 2, 12, "yes", "no"],
                     ["X1", "Left out", 80, 0, 300, 10, 0, 15, "no", "yes"]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 1000]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"]],
    }


def test_undefined_indicators_are_blank_and_explained(tmp_path):
    data = {r[0]: r for r in blanks_case()["projects"][1:]}
    result = solve(write_case(tmp_path / "blanks.xlsx", blanks_case()))
    assert set(result.plan) == {"N1", "N2", "N3"}
    wb = write(result, tmp_path / "out.xlsx")
    ws = wb["Portfolio"]
    header, rows, _, total_row = portfolio_parts(ws)
    assert EN["npv_enterprise"] not in header  # no subsidy anywhere
    got = {r["id"]: r for r in rows}
    for pid, r in [*got.items(), *((r["id"], r) for r in not_selected(wb))]:
        _, _, capex, energy, co2, acs, opex, life, _, _ = data[pid]
        benefit = acs - opex
        own = {"discounted_payback": own_discounted_payback(capex, [1.0], benefit, life, 0.08),
               "irr": own_irr(capex, [1.0], benefit, life),
               "lcse": own_lcse(capex, [1.0], opex, energy, life, 0.08),
               "abatement_cost": own_abatement(capex, [1.0], opex, acs, co2, life, 0.08)}
        for key, value in own.items():
            if value is None:
                assert r[EN[key]] is None, (pid, key)
            else:
                assert r[EN[key]] == approx(value), (pid, key)
    assert got["N1"][EN["lcse"]] is None and got["N1"][EN["discounted_payback"]] is None
    assert got["N1"][EN["irr"]] < 0  # defined, negative: 5 万元/yr for 10 years does not repay 100
    assert got["N2"][EN["irr"]] is None and got["N2"][EN["abatement_cost"]] is None
    assert got["N2"][EN["payback"]] == "never pays back"
    (x1,) = not_selected(wb)
    assert x1["id"] == "X1" and x1[EN["lcse"]] is None and x1[EN["abatement_cost"]] == approx(
        own_abatement(80, [1.0], 0, 10, 300, 15, 0.08))
    assert any("LCSE — no energy saving" in n for n in notes_under(ws, total_row))
    # MACC: N1, N3 only (N2 has no CO2: listed in a note; X1 excluded)
    table = macc_table(wb["MACC"])
    assert [r["id"] for r in table] == sorted(["N1", "N3"], key=lambda i: got[i][EN["abatement_cost"]])
    assert any("N2" in n for n in notes_under(wb["MACC"], 0) if n.startswith("Not on the curve"))


# ----------------------------------------------------------------------------- multi-year
def test_multi_year_build_years_and_the_npv_of_a_project_left_out(tmp_path):
    """Two build years with a 40/60 capex profile: capex valued at the end of construction;
    a project left out is valued as if started in its earliest open year."""
    sheets = multi_year_case()
    header = sheets["projects"][0]
    data = {r[0]: dict(zip(header, r)) for r in sheets["projects"][1:]}
    result = solve(write_case(tmp_path / "multi.xlsx", sheets))
    wb = write(result, tmp_path / "out.xlsx", "en")
    _, rows, _, _ = portfolio_parts(wb["Portfolio"])
    listed_rows = [*rows, *not_selected(wb)]
    assert {r["id"] for r in listed_rows} == set(data)

    def shares(d):
        if d["capex_profile"]:
            parts = [float(x) for x in d["capex_profile"].split("/")]
            return [x / sum(parts) for x in parts]
        return [1.0 / d["build_years"]] * d["build_years"]

    for r in listed_rows:
        d = data[r["id"]]
        capex, s, benefit, life = d["capex (万元)"], shares(d), d["annual_cost_saving (万元/yr)"], d["lifetime"]
        start = result.plan.get(r["id"]) or max(2024, d["earliest_year"] or 2024)
        b = len(s)
        npv = (-sum(capex * x / 1.08 ** k for k, x in enumerate(s))
               + sum(benefit / 1.08 ** (b - 1 + j) for j in range(1, life + 1))) / 1.08 ** (start - 2024)
        assert r[EN["npv"]] == approx(npv), r["id"]
        payback = own_discounted_payback(capex, s, benefit, life, 0.08)
        assert r[EN["discounted_payback"]] == (None if payback is None else approx(payback)), r["id"]
        assert r[EN["irr"]] == approx(own_irr(capex, s, benefit, life), rel=1e-7), r["id"]
        assert r[EN["lcse"]] == approx(own_lcse(capex, s, 0.0, d["energy_saving (tce/yr)"], life, 0.08))
        assert r[EN["abatement_cost"]] == approx(
            own_abatement(capex, s, 0.0, benefit, d["co2_reduction (t/yr)"], life, 0.08))
    assert data["M2"]["build_years"] == 2  # the case exercises the two-year build


# ----------------------------------------------------------------------------- the MACC sheet
def test_macc_table_order_cumulative_widths_and_chart(tmp_path):
    projects = rich_projects()
    by_id = {p["id"]: p for p in projects}
    result = solve(write_case(tmp_path / "rich.xlsx", rich_sheets(projects)))
    out = tmp_path / "out.xlsx"
    wb = write(result, out)
    assert wb.sheetnames == ["Summary", "Portfolio", "Not selected", "MACC", "Run info"]
    ws = wb["MACC"]
    table = macc_table(ws)
    order = [p["id"] for p in projects]
    own = {i: rich_indicators(by_id[i])["abatement_cost"] for i in order if not by_id[i]["excluded"]}
    expected = sorted(own, key=lambda i: (own[i], order.index(i)))
    assert [r["id"] for r in table] == expected
    assert "C1" not in expected  # excluded
    cumulative = 0.0
    for n, r in enumerate(table, start=1):
        p = by_id[r["id"]]
        assert r["Order"] == n and r["name"] == p["name"]
        assert r["Chosen?"] == ("yes" if r["id"] in result.plan else "no")
        assert r["CO2 reduction (t CO2/yr)"] == approx(p["co2"])
        assert r["Abatement cost (元/t CO2)"] == approx(own[r["id"]])
        assert r["Cumulative CO2 from (t CO2/yr)"] == approx(cumulative)
        cumulative += p["co2"]
        assert r["Cumulative CO2 to (t CO2/yr)"] == approx(cumulative)
        assert r["Net annual cost (万元/yr)"] == approx(own[r["id"]] * p["co2"] / 1e4)
    assert cumulative == approx(sum(p["co2"] for p in projects if not p["excluded"]))
    # the chart points: the outline of every bar in its group's column, then the carbon price
    points, first_row = chart_points(ws)
    assert len(points) == 4 * len(table) + 2
    for n, r in enumerate(table):
        col = 1 if r["Chosen?"] == "yes" else 2
        x0, x1 = r["Cumulative CO2 from (t CO2/yr)"], r["Cumulative CO2 to (t CO2/yr)"]
        h = r["Abatement cost (元/t CO2)"]
        block = points[4 * n:4 * n + 4]
        assert [(p[0], p[col]) for p in block] == [(x0, 0), (x0, h), (x1, h), (x1, 0)]
        assert all(p[3 - col] is None and p[3] is None for p in block)
    assert points[-2:] == [[0, None, None, CARBON_PRICE], [cumulative, None, None, CARBON_PRICE]]
    # the native chart: a scatter of straight lines, one series per group and the carbon price
    (chart,) = ws._charts
    assert isinstance(chart, ScatterChart)
    groups = {r["Chosen?"] for r in table}
    assert len(chart.series) == len(groups) + 1
    last_row = first_row + len(points) - 1
    refs = [(s.xVal.numRef.f, s.yVal.numRef.f) for s in chart.series]
    assert all(x == f"'MACC'!$A${first_row}:$A${last_row}" for x, _ in refs)
    assert [y for _, y in refs] == [f"'MACC'!${c}${first_row}:${c}${last_row}"
                                    for c in ("B" if "yes" in groups else "") + ("C" if "no" in groups else "") + "D"]
    assert [s.tx.v for s in chart.series][-1] == "Carbon price (元/t CO2)"

    def text(title):
        return "".join(run.t for para in title.tx.rich.p for run in (para.r or []))

    assert text(chart.title) == "Marginal abatement cost curve"
    assert text(chart.x_axis.title) == "Cumulative CO2 abated (t CO2/yr)"
    assert text(chart.y_axis.title) == "Abatement cost (元/t CO2)"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)  # numbers, no formulas


def test_no_macc_sheet_without_any_co2_reduction(tmp_path, make_case):
    from workbooks import minimal_case
    sheets = minimal_case()
    for row in sheets["projects"][1:]:
        row[4] = 0
    result = solve(make_case(sheets))
    wb = write(result, tmp_path / "out.xlsx")
    assert wb.sheetnames == ["Summary", "Portfolio", "Not selected", "Run info"]


# ----------------------------------------------------------------------------- Run info: factors
def test_run_info_lists_every_factor_with_its_source_and_flags_overrides(tmp_path):
    sheets = rich_sheets(rich_projects())
    sheets["parameters"].append(["grid_co2_factor", 0.5366])
    result = solve(write_case(tmp_path / "rich.xlsx", sheets))
    wb = write(result, tmp_path / "out.xlsx")
    factors = run_info_factors(wb["Run info"])
    assert list(factors) == list(FACTOR_KEYS)
    spec = schema_sources()
    for key, row in factors.items():
        assert row["Source"], key
        if key == "grid_co2_factor":
            assert row["Set by"] == "case" and row["Value"] == 0.5366
            assert "case parameter grid_co2_factor" in row["Source"] and "0.5703" in row["Source"]
            assert spec[key]["source"] in row["Source"]  # the overridden default's source named too
        else:
            assert row["Set by"] == "default", key
        if key in ("coal_tce_factor", "gas_tce_factor", "steam_tce_factor", "coal_co2_factor", "gas_co2_factor",
                   "steam_co2_factor", "discount_rate"):
            assert row["Source"] == spec[key]["source"] and row["Value"] == float(spec[key]["default"]), key
        if key not in ("green_power_tce_method", "discount_rate"):
            assert row["Unit"] == spec[key]["unit"], key
    assert factors["electricity_tce_factor"]["Value"] == 0.1229
    assert "GB/T 2589-2020" in factors["electricity_tce_factor"]["Source"]
    assert factors["discount_rate"]["Value"] == RATE


# ----------------------------------------------------------------------------- languages
def test_chinese_labels_for_the_new_columns_the_macc_and_the_factors(tmp_path):
    result = solve(write_case(tmp_path / "案例.xlsx", zh_case()))
    wb = write(result, tmp_path / "结果.xlsx", None)
    assert wb.sheetnames == ["概要", "项目组合", "未入选", "边际减排成本曲线", "运行信息"]
    header = [c.value for c in wb["项目组合"][1]]
    for key in ("discounted_payback", "irr", "lcse", "abatement_cost", "npv", "payback"):
        assert ZH[key] in header
    assert ZH["npv_enterprise"] not in header  # no subsidy in this case
    ns_header = listed(wb["未入选"])[0]
    for key in ("discounted_payback", "irr", "lcse", "abatement_cost", "npv", "payback"):
        assert ZH[key] in ns_header
    ws = wb["边际减排成本曲线"]
    assert ws["A1"].value == "边际减排成本曲线（MACC）"
    table = macc_table(ws)
    assert list(table[0])[:4] == ["序号", "项目编号", "项目名称", "是否入选"]
    assert {r["是否入选"] for r in table} <= {"是", "否"}
    (chart,) = ws._charts
    assert "".join(r.t for p in chart.y_axis.title.tx.rich.p for r in p.r) == "减排成本（元/t CO2）"
    assert len(chart.series) == 2  # chosen and not chosen; no carbon price
    factors = run_info_factors(wb["运行信息"])
    assert list(factors) == list(FACTOR_KEYS)
    assert {row["取值来源"] for row in factors.values()} == {"默认值"}
    assert factors["electricity_tce_factor"]["因子"] == "电力折标准煤系数（当量值）"
    notes = [r[0] for r in rows_of(wb["项目组合"]) if isinstance(r[0], str)]
    assert any(n.startswith("指标为空表示无定义") for n in notes)
    # English labels for the same result
    en = write(result, tmp_path / "en.xlsx", "en")
    header = [c.value for c in en["Portfolio"][1]]
    assert all(EN[k] in header for k in ("discounted_payback", "irr", "lcse", "abatement_cost"))
    assert en.sheetnames[3] == "MACC"


# ----------------------------------------------------------------------------- accounting end to end
PV_MWH, MOTOR_MWH, PRICE = 2000.0, 1000.0, 0.5  # MWh/yr, MWh/yr, 元/kWh


def green_power_case(lang: str, method: str | None) -> dict:
    """A PV project (green power, mandatory) and a motor project (saved electricity)."""
    if lang == "zh":
        params = [["参数", "值"], ["目标函数", "最大节能量"], ["电价", PRICE]]
        if method is not None:
            params.append(["绿电折标方法", {"none": "不计入", "electricity": "按电力折标"}[method]])
        return {"项目": [["项目编号", "项目名称", "投资（万元）", "绿电量（MWh/年）", "节电量（MWh/年）", "必选"],
                       ["PV", "屋顶光伏", 500, PV_MWH, None, "是"], ["EM", "电机变频", 300, None, MOTOR_MWH, "否"]],
                "预算": [["资金池", "年份", "上限（万元）"], ["总预算", None, 1000]],
                "参数": params}
    params = [["parameter", "value"], ["objective", "max_saving"], ["electricity_price", PRICE]]
    if method is not None:
        params.append(["green_power_tce_method", method])
    return {"projects": [["id", "name", "capex (万元)", "green_power (MWh/yr)", "electricity_saving (MWh/yr)",
                          "mandatory"],
                         ["PV", "Rooftop PV", 500, PV_MWH, None, "yes"],
                         ["EM", "Motor drives", 300, None, MOTOR_MWH, "no"]],
            "budgets": [["pool", "year", "limit (万元)"], ["total", None, 1000]],
            "parameters": params}


@pytest.mark.parametrize("lang, method", [("zh", "none"), ("en", "none"), ("zh", None), ("en", "electricity")])
def test_green_power_tce_method_none_end_to_end(tmp_path, lang, method):
    """Under green_power_tce_method = none (参数 绿电折标方法 = 不计入) the PV project saves
    0 tce, so it has no LCSE, while its CO2 (grid factor) and cost saving still count."""
    result = solve(write_case(tmp_path / f"pv_{lang}.xlsx", green_power_case(lang, method)))
    assert set(result.plan) == {"PV", "EM"}
    wb = write(result, tmp_path / "out.xlsx", lang)
    labels = ZH if lang == "zh" else EN
    sheet = "项目组合" if lang == "zh" else "Portfolio"
    header, rows, _, total_row = portfolio_parts(wb[sheet])
    got = {r["项目编号" if lang == "zh" else "id"]: r for r in rows}
    energy_title = next(h for h in header if h.startswith(("节能量", "energy_saving")))
    co2_title = next(h for h in header if h.startswith(("二氧化碳减排量", "co2_reduction")))
    counted = method != "none"
    pv_tce = PV_MWH * 0.1229 if counted else 0.0
    pv_co2, pv_acs = PV_MWH * 0.5703, PV_MWH * 1000 * PRICE / 1e4
    assert got["PV"][energy_title] == approx(pv_tce)
    assert got["PV"][co2_title] == approx(pv_co2)
    assert got["EM"][energy_title] == approx(MOTOR_MWH * 0.1229)  # saved electricity counts either way
    assert evaluate_cell(wb[sheet], f"{column(header, energy_title)}{total_row}") == approx(
        pv_tce + MOTOR_MWH * 0.1229)
    assert evaluate_cell(wb[sheet], f"{column(header, co2_title)}{total_row}") == approx(
        (PV_MWH + MOTOR_MWH) * 0.5703)
    assert got["PV"][labels["lcse"]] == (approx(crf(0.08, 15) * 500 * 1e4 / pv_tce) if counted else None)
    assert got["PV"][labels["abatement_cost"]] == approx((crf(0.08, 15) * 500 - pv_acs) * 1e4 / pv_co2)
    macc = macc_table(wb["边际减排成本曲线" if lang == "zh" else "MACC"])
    assert "PV" in [r[("项目编号" if lang == "zh" else "id")] for r in macc]
    factors = run_info_factors(wb["运行信息" if lang == "zh" else "Run info"])
    green = factors["green_power_tce_method"]
    flag = "取值来源" if lang == "zh" else "Set by"
    value = "数值" if lang == "zh" else "Value"
    assert green[value] == (0.1229 if counted else 0)
    if method == "none":
        assert green[flag] == ("案例设定" if lang == "zh" else "case")
    else:
        assert green[flag] == ("默认值" if lang == "zh" else "default")


def test_a_scenario_switching_to_equivalent_value_recomputes_energy_and_the_choice(tmp_path):
    """Electricity 1,000 MWh vs coal 300 t, room for one: by 当量值 (0.1229) the coal
    project saves more (214.29 tce > 122.9), by 等价值 (0.3055) the electricity one (305.5).
    The scenario's electricity_tce_method recomputes the carrier-derived savings."""
    sheets = {
        "projects": [["id", "name", "capex (万元)", "electricity_saving (MWh/yr)", "coal_saving (t/yr)"],
                     ["E", "Motor drives", 100, 1000, None], ["C", "Coal boiler tune-up", 100, None, 300]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 100]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"]],
        "scenarios": [["name", "electricity_tce_method"], ["equivalent", "equivalent"]],
    }
    case = retrofit_opt.load_case(write_case(tmp_path / "scenario.xlsx", sheets))
    base = solve_case(case)
    assert set(base.plan) == {"C"} and base.objective == approx(300 * 0.7143)
    (scenario,) = case.scenarios
    changed = apply_scenario(case, scenario)
    assert changed.parameters.electricity_tce_method == "equivalent"
    assert case.project("E").metric("energy_saving") == approx(1000 * 0.1229)  # the case is untouched
    result = solve_case(changed)
    assert set(result.plan) == {"E"} and result.objective == approx(1000 * 0.3055)
    assert result.case.project("E").metric("energy_saving") == approx(305.5)
    assert result.case.project("E").metric("co2_reduction") == approx(1000 * 0.5703)  # the method is tce only
    wb = write(result, tmp_path / "out.xlsx")
    header, rows, _, _ = portfolio_parts(wb["Portfolio"])
    (e,) = rows
    assert e["energy_saving (tce/yr)"] == approx(305.5)
    assert e[EN["lcse"]] == approx(crf(0.08, 15) * 100 * 1e4 / 305.5)
    (c,) = not_selected(wb)
    assert c["energy_saving (tce/yr)"] == approx(300 * 0.7143)
    factors = run_info_factors(wb["Run info"])
    assert factors["electricity_tce_factor"]["Value"] == 0.3055
    assert factors["electricity_tce_factor"]["Factor"] == "Electricity to standard coal, equivalent (等价值)"
    source = factors["electricity_tce_factor"]["Source"]
    assert "0.3055" in source or "305.5" in source
