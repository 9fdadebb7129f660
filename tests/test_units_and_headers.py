"""Header units, header and sheet name matching, yes/no cells and id lists.

Each test edits the minimal case (tests/workbooks.py), writes a real .xlsx and loads it
with ``load_case``; values are checked in the canonical units of PRODUCT.md §2 (money 万元,
energy tce/yr, electricity MWh/yr, mass t/yr, water m³/yr).
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from retrofit_opt.cli import main
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case
from workbooks import minimal_case

# Column indexes of the minimal projects sheet.
ID, NAME, CAPEX, ENERGY, CO2, MANDATORY, GROUP, REQUIRES = range(8)
P1_VALUES = {"capex": 1000, "energy_saving": 800, "co2_reduction": 2000}  # row 2 of the minimal case


def load(make_case, case) -> "object":
    try:
        return load_case(make_case(case))
    except CaseError as err:  # show the problems, not just "CaseError"
        pytest.fail("case should be valid:\n" + err.report())


def errors_of(make_case, case):
    with pytest.raises(CaseError) as raised:
        load_case(make_case(case))
    return raised.value.errors


def project(case_obj, pid="P1"):
    return case_obj.project(pid)


def with_header(index: int, header: str) -> dict:
    case = minimal_case()
    case["projects"][0][index] = header
    return case


def add_column(case: dict, sheet: str, header: str, values: list) -> None:
    rows = case[sheet]
    rows[0].append(header)
    for i, row in enumerate(rows[1:]):
        row.append(values[i] if i < len(values) else None)


# ----------------------------------------------------------------------------- money
@pytest.mark.parametrize("unit, factor", [
    ("元", 1e-4), ("yuan", 1e-4), ("万元", 1.0), ("亿元", 1e4), ("千元", 0.1), ("百万元", 100.0),
])
def test_capex_units_convert_to_wan_yuan(make_case, unit, factor):
    loaded = load(make_case, with_header(CAPEX, f"capex ({unit})"))
    assert [p.capex for p in loaded.projects] == pytest.approx([1000 * factor, 400 * factor, 300 * factor])


def test_capex_without_unit_is_wan_yuan(make_case):
    loaded = load(make_case, with_header(CAPEX, "capex"))
    assert project(loaded).capex == pytest.approx(1000)


def test_ganhe_total_in_yi_yuan(make_case):
    """10.44 亿元 is 104,400 万元 (PRODUCT.md §7)."""
    case = with_header(CAPEX, "投资（亿元）")
    case["projects"][1][CAPEX] = 10.44
    assert project(load(make_case, case)).capex == pytest.approx(104_400)


def test_budget_limit_units_convert(make_case):
    case = minimal_case()
    case["budgets"] = [["pool", "year", "limit (亿元)"], ["total", None, 0.15]]
    loaded = load(make_case, case)
    assert loaded.budgets[0].limit == pytest.approx(1500)


def test_capex_profile_amounts_use_the_capex_unit(make_case):
    case = with_header(CAPEX, "capex (亿元)")
    case["projects"][1][CAPEX] = 0.1
    case["parameters"] += [["start_year", 2024], ["end_year", 2030]]
    add_column(case, "projects", "build_years", [2])
    add_column(case, "projects", "capex_profile", ["0.04/0.06"])  # amounts in 亿元, adding up to capex
    loaded = load(make_case, case)
    assert project(loaded).capex == pytest.approx(1000)
    assert project(loaded).capex_shares == pytest.approx((0.4, 0.6))


# ---------------------------------------------------------------------------- energy
@pytest.mark.parametrize("unit, factor", [
    ("tce", 1.0), ("tce/yr", 1.0), ("吨标准煤", 1.0), ("吨标准煤/年", 1.0), ("kgce", 1e-3),
    ("千克标准煤", 1e-3), ("万吨标准煤", 1e4), ("万tce", 1e4),
])
def test_energy_units_convert_to_tce(make_case, unit, factor):
    loaded = load(make_case, with_header(ENERGY, f"energy_saving ({unit})"))
    assert [p.metric("energy_saving") for p in loaded.projects] == pytest.approx(
        [800 * factor, 300 * factor, 200 * factor])


# ----------------------------------------------------------------------- electricity
CALORIFIC_TCE_PER_MWH = 0.1229  # 0.1229 kgce/kWh, GB/T 2589-2020


@pytest.mark.parametrize("unit, factor", [
    ("MWh", 1.0), ("kWh", 1e-3), ("万千瓦时", 10.0), ("万kWh", 10.0), ("GWh", 1e3), ("MWh/yr", 1.0),
])
def test_electricity_units_convert_to_mwh_and_give_energy(make_case, unit, factor):
    """With no energy_saving column, energy is electricity × 0.1229 tce/MWh."""
    loaded = load(make_case, with_header(ENERGY, f"electricity_saving ({unit})"))
    for p, written in zip(loaded.projects, (800, 300, 200)):
        assert p.metric("electricity_saving") == pytest.approx(written * factor)
        assert p.metric("energy_saving") == pytest.approx(written * factor * CALORIFIC_TCE_PER_MWH)
        assert "energy_saving" in p.computed


def test_blank_energy_saving_cell_is_computed_from_electricity(make_case):
    case = minimal_case()
    case["projects"][2][ENERGY] = None  # P2: energy blank
    add_column(case, "projects", "electricity_saving (万千瓦时)", [None, 100])
    loaded = load(make_case, case)
    assert project(loaded, "P1").metric("energy_saving") == pytest.approx(800)  # given, kept
    assert "energy_saving" not in project(loaded, "P1").computed
    assert project(loaded, "P2").metric("electricity_saving") == pytest.approx(1000)
    assert project(loaded, "P2").metric("energy_saving") == pytest.approx(1000 * CALORIFIC_TCE_PER_MWH)
    assert "energy_saving" in project(loaded, "P2").computed


def test_given_energy_saving_wins_over_electricity(make_case):
    case = minimal_case()
    add_column(case, "projects", "electricity_saving (MWh)", [5000])
    assert project(load(make_case, case)).metric("energy_saving") == pytest.approx(800)


# ------------------------------------------------------------------------------ mass
@pytest.mark.parametrize("unit, factor", [
    ("t", 1.0), ("t/yr", 1.0), ("吨", 1.0), ("吨/年", 1.0), ("kg", 1e-3), ("万吨", 1e4), ("万t", 1e4),
])
def test_mass_units_convert_to_tonnes(make_case, unit, factor):
    loaded = load(make_case, with_header(CO2, f"co2_reduction ({unit})"))
    assert project(loaded).metric("co2_reduction") == pytest.approx(2000 * factor)


@pytest.mark.parametrize("column", ["so2_reduction", "nox_reduction", "pm_reduction"])
def test_pollutant_columns_in_kg(make_case, column):
    case = minimal_case()
    add_column(case, "projects", f"{column} (kg)", [1500])
    assert project(load(make_case, case)).metric(column) == pytest.approx(1.5)


# ----------------------------------------------------------------------------- water
@pytest.mark.parametrize("unit, factor", [
    ("m³", 1.0), ("m3", 1.0), ("立方米", 1.0), ("m³/yr", 1.0), ("万立方米", 1e4), ("万m³", 1e4), ("万吨", 1e4),
])
def test_water_units_convert_to_cubic_metres(make_case, unit, factor):
    case = minimal_case()
    add_column(case, "projects", f"water_saving ({unit})", [12])
    assert project(load(make_case, case)).metric("water_saving") == pytest.approx(12 * factor)


# ---------------------------------------------------------------------- unknown units
@pytest.mark.parametrize("index, header, unit", [
    (CAPEX, "capex (美元)", "美元"),
    (CAPEX, "capex (USD)", "USD"),
    (CAPEX, "capex (万元/年)", "万元/年"),  # capex is not an annual quantity
    (ENERGY, "energy_saving (bananas)", "bananas"),
    (ENERGY, "energy_saving (MWh)", "MWh"),  # an electricity unit on an energy column
    (CO2, "co2_reduction (m³)", "m³"),
])
def test_unknown_unit_is_an_error_naming_the_column(make_case, index, header, unit):
    errors = errors_of(make_case, with_header(index, header))
    letter = "ABCDEFGH"[index]
    hits = [p for p in errors if p.sheet == "projects" and p.column and p.column.startswith(f"{letter} ")
            and header in p.column and unit in str(p) and p.fix]
    assert hits, "\n".join(str(p) for p in errors)
    assert hits[0].row == 1


def test_unknown_unit_is_reported_by_the_cli(make_case):
    result = CliRunner().invoke(main, ["validate", str(make_case(with_header(CAPEX, "capex (美元)")))])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "sheet 'projects', row 1, column C 'capex (美元)'" in result.stderr
    assert "美元" in result.stderr and "万元" in result.stderr  # the fix lists known units


def test_unknown_unit_is_one_problem_not_a_missing_column_too(make_case):
    """The capex column is there, with a bad unit: saying it is missing (and that every row
    lacks a capex) would send the user looking for the wrong mistake."""
    errors = errors_of(make_case, with_header(CAPEX, "capex (美元)"))
    assert len(errors) == 1, "\n".join(str(p) for p in errors)


def test_unit_on_a_column_without_units_is_an_error(make_case):
    errors = errors_of(make_case, with_header(NAME, "name (万元)"))
    assert any(p.column and p.column.startswith("B ") and "万元" in p.message for p in errors), \
        "\n".join(str(p) for p in errors)


# ------------------------------------------------------------------- header matching
@pytest.mark.parametrize("header", [
    "capex (万元)", "CAPEX (万元)", "Capex(万元)", "  capex  (万元)  ", "capex（万元）", "capex （万元）",
    "capex [万元]", "capex【万元】", "Cap_Ex (万元)", "cap ex (万元)", "ｃａｐｅｘ（万元）", "投资（万元）", "投资 (万元)",
    "总投资(万元)", "投 资（万元）",
])
def test_capex_header_variants_match(make_case, header):
    loaded = load(make_case, with_header(CAPEX, header))
    assert project(loaded).capex == pytest.approx(1000)


@pytest.mark.parametrize("header", [
    "energy_saving (tce/yr)", "Energy Saving (tce/yr)", "ENERGY_SAVING（tce/yr）", "energysaving(tce)",
    "energy__saving (tce)", "节能量（吨标准煤/年）", "年节能量(tce)",
])
def test_energy_header_variants_match(make_case, header):
    assert project(load(make_case, with_header(ENERGY, header))).metric("energy_saving") == pytest.approx(800)


@pytest.mark.parametrize("header", ["Mandatory", "MANDATORY", "必选", "是否必选", "mandatory "])
def test_bool_header_variants_match(make_case, header):
    case = with_header(MANDATORY, header)
    case["projects"][2][MANDATORY] = "yes"
    assert project(load(make_case, case), "P2").mandatory is True


@pytest.mark.parametrize("projects, budgets, targets, parameters", [
    ("Projects", "Budgets", "Targets", "Parameters"),
    ("PROJECTS", "BUDGETS", "TARGETS", "PARAMETERS"),
    (" projects ", "budgets", "targets", "parameters"),
    ("项目", "预算", "目标", "参数"),
    ("项目储备库", "资金", "约束目标", "参数"),
    ("项目清单", "预算", "目标", "parameters"),
])
def test_sheet_names_in_english_or_chinese(make_case, projects, budgets, targets, parameters):
    base = minimal_case()
    case = {projects: base["projects"], budgets: base["budgets"], targets: base["targets"],
            parameters: base["parameters"]}
    loaded = load(make_case, case)
    assert len(loaded.projects) == 3 and len(loaded.budgets) == 1 and len(loaded.targets) == 1
    assert loaded.parameters.objective == "max_saving"


def test_all_chinese_case(make_case):
    case = {
        "项目": [["项目编号", "项目名称", "企业", "投资（万元）", "节能量（吨标准煤/年）", "二氧化碳减排量（吨/年）",
                "节水量（万立方米/年）", "是否必选", "排除", "互斥组", "前置项目", "资金来源", "补贴比例（%）"],
               ["A1", "余热回收", "黄河鑫业", 1200, 900, 2300, 1.5, "是", "否", "", "", "总预算", 20],
               ["A2", "电机变频", "亚洲硅业", 300, 250, 600, None, "否", "否", "电机", "A1", "", None],
               ["A3", "空压机", "中复神鹰", 260, 180, 450, None, "否", "是", "电机", "A1、A2", "", None]],
        "预算": [["资金池", "年份", "上限（亿元）"], ["总预算", None, 0.2], ["补贴资金", None, 0.03]],
        "目标": [["指标", "年份", "类型", "值"], ["节能量", None, "不低于", 1000], ["二氧化碳减排量", None, "不低于", 100]],
        "参数": [["参数", "值"], ["目标函数", "最大节能量"], ["电力折标方法", "当量值"]],
    }
    loaded = load(make_case, case)
    assert loaded.language == "zh"
    a1, a2, a3 = loaded.projects
    assert (a1.id, a1.name, a1.enterprise, a1.capex) == ("A1", "余热回收", "黄河鑫业", pytest.approx(1200))
    assert a1.metric("energy_saving") == pytest.approx(900)
    assert a1.metric("co2_reduction") == pytest.approx(2300)
    assert a1.metric("water_saving") == pytest.approx(15_000)
    assert a1.mandatory is True and a1.excluded is False and a3.excluded is True
    assert a1.subsidy_rate == pytest.approx(0.2) and a1.budget_pool == "total"
    assert a2.exclusive_group == a3.exclusive_group == "电机"
    assert a2.requires == ("A1",) and a3.requires == ("A1", "A2")
    assert sorted((b.pool, b.limit) for b in loaded.budgets) == [("subsidy", pytest.approx(300)),
                                                                 ("total", pytest.approx(2000))]
    assert [(t.metric, t.kind, t.value) for t in loaded.targets] == [
        ("energy_saving", "min_total", 1000), ("co2_reduction", "min_total", 100)]
    assert loaded.parameters.objective == "max_saving"
    assert loaded.parameters.electricity_tce_method == "calorific"


def test_chinese_headers_in_english_sheets_and_mixed(make_case):
    case = minimal_case()
    case["projects"][0] = ["编号", "名称", "投资(万元)", "年节能量(tce)", "CO2减排量(t)", "必选", "互斥组", "前置项目"]
    case["targets"][0] = ["指标", "年份", "目标类型", "目标值"]
    loaded = load(make_case, case)
    assert project(loaded, "P3").requires == ("P2",)
    assert loaded.targets[0].value == 500


def test_header_row_may_follow_blank_rows(make_case):
    case = minimal_case()
    case["projects"] = [[None] * 8, [None] * 8] + case["projects"]
    loaded = load(make_case, case)
    assert [p.row for p in loaded.projects] == [4, 5, 6]


# -------------------------------------------------------------------------- yes / no
@pytest.mark.parametrize("cell, expected", [
    ("yes", True), ("no", False), ("Yes", True), ("NO", False), ("是", True), ("否", False),
    ("Y", True), ("N", False), ("y", True), ("n", False), ("1", True), ("0", False), (1, True), (0, False),
    (1.0, True), (0.0, False), ("TRUE", True), ("FALSE", False), ("true", True), ("false", False),
    (True, True), (False, False), (" yes ", True), ("Ｙ", True), (None, False),
])
def test_yes_no_variants(make_case, cell, expected):
    case = minimal_case()
    case["projects"][2][MANDATORY] = cell  # P2, in no exclusive group
    assert project(load(make_case, case), "P2").mandatory is expected


@pytest.mark.parametrize("cell, expected", [("是", True), ("否", False), ("TRUE", True), (0, False)])
def test_yes_no_variants_for_excluded(make_case, cell, expected):
    case = minimal_case()
    add_column(case, "projects", "excluded", [cell])
    assert project(load(make_case, case)).excluded is expected


@pytest.mark.parametrize("cell", ["maybe", "yes please", 2, -1, 0.5, "是的吧", "x"])
def test_not_yes_or_no_is_an_error_at_the_cell(make_case, cell):
    case = minimal_case()
    case["projects"][2][MANDATORY] = cell
    errors = errors_of(make_case, case)
    hits = [p for p in errors if p.sheet == "projects" and p.row == 3 and p.column and
            p.column.startswith("F ") and "mandatory" in p.column and p.fix]
    assert hits, "\n".join(str(p) for p in errors)
    assert str(cell) in str(hits[0])


# -------------------------------------------------------------------------- id lists
@pytest.mark.parametrize("cell", [
    "P1,P2", "P1, P2", "P1，P2", "P1 ，P2", "P1、P2", "P1 、 P2", "P1,P2,", " P1 , P2 ", "P1，P2、",
])
def test_id_list_separators(make_case, cell):
    case = minimal_case()
    case["projects"][3][REQUIRES] = cell
    assert project(load(make_case, case), "P3").requires == ("P1", "P2")


def test_single_id_and_numeric_ids(make_case):
    case = minimal_case()
    for row, pid in zip(case["projects"][1:], (101, 102, 103)):
        row[ID] = pid
    case["projects"][3][REQUIRES] = 102  # a number, not text
    case["projects"][2][REQUIRES] = "101"
    loaded = load(make_case, case)
    assert [p.id for p in loaded.projects] == ["101", "102", "103"]
    assert project(loaded, "103").requires == ("102",)
    assert project(loaded, "102").requires == ("101",)


def test_id_list_with_an_unknown_id_names_only_that_id(make_case):
    case = minimal_case()
    case["projects"][3][REQUIRES] = "P1、P9，P2"
    errors = errors_of(make_case, case)
    assert len(errors) == 1, "\n".join(str(p) for p in errors)
    assert errors[0].row == 4 and errors[0].column.startswith("H ") and "P9" in str(errors[0])
