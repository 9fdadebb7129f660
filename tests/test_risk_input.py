"""Uncertainty ranges on the input (issue 14): range columns with Chinese aliases, case
parameters of the distribution and correlation, parameter ranges; every bad range an error
with sheet, row, column, value and fix, through the library and ``retrofit-opt validate``."""
import pytest
from click.testing import CliRunner

from retrofit_opt.cli import main
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case
from workbooks import minimal_case

RANGES = ["saving_low (tce/yr)", "saving_high (tce/yr)", "co2_low (t/yr)", "co2_high (t/yr)",
          "capex_low (万元)", "capex_high (万元)"]


def ranged_case(rows=None, params=()):
    """The minimal case with range columns I–N; ``rows`` maps project row index → values."""
    sheets = minimal_case()
    sheets["projects"][0] += RANGES
    defaults = {1: [600, 900, 1500, 2200, 900, 1300], 2: [None] * 6, 3: [150, 250, None, None, None, 390]}
    for k, values in (rows or defaults).items():
        sheets["projects"][k] += values
    sheets["parameters"] += [list(p) for p in params]
    return sheets


def problems(path):
    with pytest.raises(CaseError) as info:
        load_case(path)
    return [p for p in info.value.problems if p.severity == "error"]


def test_ranges_are_read_onto_the_projects_and_parameters(make_case):
    path = make_case(ranged_case(params=[("uncertainty_distribution", "pert"), ("uncertainty_correlation", 0.4),
                                         ("uncertainty_group", "sector"), ("carbon_price", 80),
                                         ("carbon_price_low", 40), ("carbon_price_high", 150)]))
    case = load_case(path)
    p1, p2, p3 = case.projects
    assert (p1.saving_low, p1.saving_high, p1.co2_low, p1.co2_high, p1.capex_low, p1.capex_high) == (
        600, 900, 1500, 2200, 900, 1300)
    assert (p2.saving_low, p2.co2_low, p2.capex_high) == (None, None, None)
    assert (p3.saving_low, p3.saving_high, p3.co2_low, p3.capex_low, p3.capex_high) == (150, 250, None, None, 390)
    params = case.parameters
    assert (params.uncertainty_distribution, params.uncertainty_correlation, params.uncertainty_group) == (
        "pert", 0.4, "sector")
    assert params.range_of("carbon_price") == (40, 150)
    assert params.range_of("electricity_price") is None


def test_chinese_headers_and_parameter_names(make_case):
    sheets = {
        "项目": [["项目编号", "项目名称", "投资(万元)", "节能量(吨标准煤/年)", "节能量下限(吨标准煤/年)",
                 "节能量上限(吨标准煤/年)", "二氧化碳减排量(吨/年)", "减排量下限(吨/年)", "投资上限(万元)"],
                ["A", "余热", 100, 50, 40, 55, 120, 90, 130]],
        "参数": [["参数", "值"], ["不确定性分布", "均匀分布"], ["相关系数", 0.5], ["相关分组", "行业"],
                 ["电价(元/kWh)", 0.5], ["电价下限(元/kWh)", 0.4], ["电价上限(元/kWh)", 0.6],
                 ["电网排放因子下限(t/MWh)", 0.45]],
    }
    case = load_case(make_case(sheets))
    a = case.projects[0]
    assert (a.saving_low, a.saving_high, a.co2_low, a.co2_high, a.capex_low, a.capex_high) == (
        40, 55, 90, None, None, 130)
    p = case.parameters
    assert (p.uncertainty_distribution, p.uncertainty_correlation, p.uncertainty_group) == ("uniform", 0.5, "sector")
    assert p.range_of("electricity_price") == (0.4, 0.6)
    assert p.range_of("grid_co2_factor") == (0.45, 0.5703)  # missing high end = the estimate


def test_a_range_in_other_units_is_converted(make_case):
    sheets = ranged_case({1: [None] * 6, 2: [None] * 6, 3: [None] * 6})
    sheets["projects"][0][8] = "saving_low (万吨标准煤/年)"
    sheets["projects"][1][8] = 0.07
    assert load_case(make_case(sheets)).projects[0].saving_low == pytest.approx(700)


@pytest.mark.parametrize("values, column, row, value, words", [
    ([900, 950, None, None, None, None], "I 'saving_low (tce/yr)'", 2, 900, "above the estimate energy_saving 800"),
    ([600, 700, None, None, None, None], "J 'saving_high (tce/yr)'", 2, 700, "below the estimate energy_saving 800"),
    ([900, 600, None, None, None, None], "J 'saving_high (tce/yr)'", 2, 600, "is below saving_low"),
    ([-5, None, None, None, None, None], "I 'saving_low (tce/yr)'", 2, -5, "negative"),
    ([None, None, 2100, None, None, None], "K 'co2_low (t/yr)'", 2, 2100, "above the estimate co2_reduction"),
    ([None, None, None, 1900, None, None], "L 'co2_high (t/yr)'", 2, 1900, "below the estimate co2_reduction"),
    ([None, None, None, None, 0, None], "M 'capex_low (万元)'", 2, 0, "greater than 0"),
    ([None, None, None, None, 1100, None], "M 'capex_low (万元)'", 2, 1100, "above the estimate capex 1,000"),
    ([None, None, None, None, None, 999], "N 'capex_high (万元)'", 2, 999, "below the estimate capex"),
])
def test_each_bad_project_range_is_an_error_at_its_cell(make_case, values, column, row, value, words):
    path = make_case(ranged_case({1: values, 2: [None] * 6, 3: [None] * 6}))
    found = problems(path)
    assert len(found) == 1, [str(p) for p in found]
    p = found[0]
    assert (p.sheet, p.row, p.column, p.value) == ("projects", row, column, value)
    assert words in p.message and p.fix
    run = CliRunner().invoke(main, ["validate", str(path)])
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert f"row {row}" in run.stderr and column in run.stderr


def test_every_bad_range_is_reported_at_once(make_case):
    path = make_case(ranged_case({1: [900, None, None, None, None, None], 2: [None, 200, None, None, None, None],
                                  3: [None, None, None, None, -1, None]}))
    assert sorted((p.row, p.column[0]) for p in problems(path)) == [(2, "I"), (3, "J"), (4, "M")]


@pytest.mark.parametrize("params, bad_row, words", [
    ([("electricity_price", 0.5), ("electricity_price_low", 0.6)], 4, "above the estimate electricity_price"),
    ([("electricity_price", 0.5), ("electricity_price_high", 0.4)], 4, "below the estimate electricity_price"),
    ([("electricity_price_low", 0.4)], 3, "electricity_price (电价) is not"),
    ([("carbon_price_low", 20), ("carbon_price_high", 90)], 3, "above the estimate carbon_price 0"),
    ([("grid_co2_factor_low", -0.1)], 3, "negative"),
    ([("grid_co2_factor_low", 0.7), ("grid_co2_factor_high", 0.6)], 4, "is below grid_co2_factor_low"),
])
def test_bad_parameter_ranges_point_at_their_row(make_case, params, bad_row, words):
    path = make_case(ranged_case({1: [None] * 6, 2: [None] * 6, 3: [None] * 6}, params))
    found = problems(path)
    assert len(found) == 1, [str(p) for p in found]
    p = found[0]
    assert (p.sheet, p.row, p.column) == ("parameters", bad_row, "B 'value'")
    assert words in p.message and p.fix


@pytest.mark.parametrize("name, value, words", [
    ("uncertainty_distribution", "normal", "not a known uncertainty distribution"),
    ("uncertainty_correlation", 1.5, "above 1"),
    ("uncertainty_correlation", -0.2, "between 0 and 1"),
    ("uncertainty_group", "enterprise", "not a known uncertainty group"),
])
def test_bad_uncertainty_parameters(make_case, name, value, words):
    found = problems(make_case(ranged_case(params=[(name, value)])))
    assert len(found) == 1 and words in found[0].message and found[0].row == 3, [str(p) for p in found]
