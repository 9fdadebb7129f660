"""Energy and emissions accounting: carrier savings → tce, CO2 and 万元.

Every default factor is checked (1) against its derivation from the published source,
(2) by a hand calculation through the functions the validator uses, and (3) end to end: a
case given only in carriers (kWh, t of coal, m³ of gas, GJ of steam, kWh of green power,
with prices) solves to the same portfolio and totals as the same case given directly in
tce, t CO2 and 万元, written by hand from the factors.

Sources:
* GB/T 2589-2020 《综合能耗计算通则》, Appendix A (折标准煤系数): 1 kgce = 7,000 kcal
  (29,307.6 kJ); raw coal 20,908 kJ/kg (5,000 kcal) → 0.7143 kgce/kg; gas-field natural gas
  35,544 kJ/m³ (8,500 kcal) → 1.2143 kgce/m³ (GB/T 2589-2008; the 2020 edition gives
  1.1000–1.3300); heat 0.03412 kgce/MJ; electricity 当量值 860 kcal/kWh → 0.1229 kgce/kWh.
* 等价值: China Electricity Council, 2020 national average coal consumption of power supply
  305.5 gce/kWh → 0.3055 kgce/kWh.
* Emission factors: 《省级温室气体清单编制指南》 (NDRC 2011) / GB/T 32150-2015 Appendix B
  carbon contents and oxidation rates (raw coal 20.908 GJ/t, 26.37 tC/TJ, 94 %; natural gas
  389.31 GJ/10⁴ m³, 15.3 tC/TJ, 99 %), as tabulated in the widely used table
  "各种能源折标准煤及碳排放参考系数" (1.9003 kgCO2/kg raw coal, 2.1622 kgCO2/m³ gas);
  heat 0.11 tCO2/GJ (GB/T 32150-2015); grid 0.5703 tCO2/MWh (the tool's default).
* Published worked example: the 2024 Ganhe industrial park report (shared/seeds/000,
  PRODUCT.md §7): 13 MW distributed PV, "增发绿电1794万千瓦时、年节约能源8706吨标准煤".
"""
from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import pytest

from retrofit_opt import accounting, economics, load_case, schema, solve_case
from retrofit_opt.case import Parameters, Project
from workbooks import write_workbook

KCAL_PER_KGCE = 7000.0
KJ_PER_KCAL = 4.1868


def P(**overrides) -> Parameters:
    return dataclasses.replace(Parameters(), **overrides)


# ------------------------------------------------------------- defaults and derivations
def test_case_defaults_equal_the_documented_defaults():
    """Parameters() (case.py) and schema/parameters.csv state the same default factors."""
    params = Parameters()
    for key in ("coal_tce_factor", "gas_tce_factor", "steam_tce_factor", "grid_co2_factor",
                "coal_co2_factor", "gas_co2_factor", "steam_co2_factor", "discount_rate"):
        assert getattr(params, key) == float(schema.parameter(key).default), key
    assert params.electricity_tce_method == schema.parameter("electricity_tce_method").default == "calorific"
    for method, factor in (("calorific", "0.1229"), ("equivalent", "0.3055")):
        assert factor in schema.parameter("electricity_tce_factor").source
        assert accounting.ELECTRICITY_TCE_DEFAULTS[method] == float(factor)


def test_gbt_2589_appendix_a_factors_are_calorific_values_over_7000_kcal():
    """GB/T 2589-2020 Appendix A: each factor is the average low calorific value in kcal
    divided by the 7,000 kcal of 1 kgce, rounded to four significant places."""
    assert round(860 / KCAL_PER_KGCE, 4) == 0.1229  # electricity 当量值, 860 kcal/kWh
    assert round(5000 / KCAL_PER_KGCE, 4) == 0.7143  # raw coal, 5,000 kcal/kg (20,908 kJ/kg)
    assert round(8500 / KCAL_PER_KGCE, 4) == 1.2143  # gas-field gas, 8,500 kcal/m³ (35,544 kJ/m³)
    assert round(1000 / KJ_PER_KCAL / KCAL_PER_KGCE, 5) == 0.03412  # 1 MJ of heat = 238.85 kcal
    assert round(KCAL_PER_KGCE * KJ_PER_KCAL) == 29308  # 1 kgce = 29,307.6 kJ
    params = Parameters()
    assert (params.coal_tce_factor, params.gas_tce_factor, params.steam_tce_factor) == (0.7143, 1.2143, 0.03412)
    assert accounting.electricity_tce_per_mwh(params) == 0.1229


def test_equivalent_value_is_the_2020_supply_coal_rate():
    """等价值: 305.5 gce/kWh (CEC, 2020 national average for power supply) = 0.3055 kgce/kWh
    = 0.3055 tce/MWh, 2.486 times the calorific value."""
    assert accounting.electricity_tce_per_mwh(P(electricity_tce_method="equivalent")) == 305.5 / 1000
    assert 0.3055 / 0.1229 == pytest.approx(2.48576, abs=1e-5)


def test_fuel_emission_factors_from_carbon_content_and_oxidation():
    """CO2 = low calorific value × carbon per unit of heat × oxidation rate × 44/12.

    Raw coal: 20.908 GJ/t × 26.37 tC/TJ × 0.94 × 44/12 = 1.9003 t/t.
    Natural gas: 389.31 GJ/10⁴ m³ × 15.3 tC/TJ × 0.99 × 44/12 = 2.1622 kg/m³.
    (Note: 38.931 MJ/m³ is the calorific value GB/T 2589 gives oilfield gas, 1.3300 kgce/m³,
    not the 35.544 MJ/m³ behind the default tce factor 1.2143: the two default gas factors
    assume different gases; the CO2 per tce of gas they imply, 2.1622/1.2143 = 1.781 t/tce,
    is 9 % above the 1.628 t/tce of a consistent pair.)
    """
    coal = 20.908 * 26.37e-3 * 0.94 * 44 / 12  # GJ/t × tC/GJ → t CO2/t
    gas = 389.31 / 1e4 * 15.3 * 0.99 * 44 / 12  # GJ/m³ × kgC/GJ → kg CO2/m³
    assert round(coal, 4) == Parameters().coal_co2_factor == 1.9003
    assert round(gas, 4) == Parameters().gas_co2_factor == 2.1622
    consistent = KCAL_PER_KGCE * KJ_PER_KCAL / 1e6 * 15.3 * 0.99 * 44 / 12  # t CO2 per tce of gas
    assert consistent == pytest.approx(1.6277, abs=1e-4)
    assert 2.1622 / 1.2143 == pytest.approx(1.7806, abs=1e-4)


# ---------------------------------------------------------------- hand calculations
@pytest.mark.parametrize("carrier, amount, params, tce", [
    ("electricity_saving", 1000.0, {}, 122.9),  # 1,000 MWh × 0.1229 tce/MWh (当量值)
    ("electricity_saving", 1000.0, {"electricity_tce_method": "equivalent"}, 305.5),  # × 0.3055 (等价值)
    ("electricity_saving", 1000.0, {"electricity_tce_factor": 0.3}, 300.0),  # case override
    ("coal_saving", 1000.0, {}, 714.3),  # 1,000 t × 0.7143 tce/t
    ("gas_saving", 10_000.0, {}, 12.143),  # 10,000 m³ × 1.2143 kgce/m³ = 12,143 kgce
    ("steam_saving", 1000.0, {}, 34.12),  # 1,000 GJ = 10⁶ MJ × 0.03412 kgce/MJ = 34,120 kgce
    ("green_power", 1000.0, {}, 122.9),  # green power: like saved grid electricity
    ("green_power", 1000.0, {"electricity_tce_method": "equivalent"}, 305.5),
])
def test_tce_hand_calculations(carrier, amount, params, tce):
    factors = accounting.tce_factors(P(**params))
    assert accounting.carriers_to(factors, {carrier: amount}) == pytest.approx(tce, rel=1e-12)


@pytest.mark.parametrize("carrier, amount, co2", [
    ("electricity_saving", 1000.0, 570.3),  # 1,000 MWh × 0.5703 t/MWh
    ("green_power", 1000.0, 570.3),  # displaces grid electricity
    ("coal_saving", 1000.0, 1900.3),  # 1,000 t × 1.9003 t/t
    ("gas_saving", 10_000.0, 21.622),  # 10,000 m³ × 2.1622 kg/m³ = 21,622 kg
    ("steam_saving", 1000.0, 110.0),  # 1,000 GJ × 0.11 t/GJ
])
def test_co2_hand_calculations(carrier, amount, co2):
    assert accounting.carriers_to(accounting.co2_factors(Parameters()), {carrier: amount}) == \
        pytest.approx(co2, rel=1e-12)


def test_cost_hand_calculations():
    """Prices in 元 per kWh, t, m³, GJ → 万元/yr: 2,400 MWh × 0.6 元/kWh = 1,440,000 元 =
    144 万元; 1,500 t × 900 元/t = 135 万元; 800,000 m³ × 3 元/m³ = 240 万元;
    20,000 GJ × 80 元/GJ = 160 万元; green power priced as electricity."""
    prices = accounting.price_factors(P(electricity_price=0.6, coal_price=900.0, gas_price=3.0, steam_price=80.0))
    cases = [("electricity_saving", 2400.0, 144.0), ("coal_saving", 1500.0, 135.0),
             ("gas_saving", 800_000.0, 240.0), ("steam_saving", 20_000.0, 160.0), ("green_power", 5000.0, 300.0)]
    for carrier, amount, cost in cases:
        assert accounting.carriers_to(prices, {carrier: amount}) == pytest.approx(cost, rel=1e-12), carrier
    mixed = {c: a for c, a, _ in cases}
    assert accounting.carriers_to(prices, mixed) == pytest.approx(979.0)


def test_carrier_metrics_mixed_and_negative_carriers():
    """Electrification of a coal boiler: 2,500 t coal saved, 3,000 MWh more electricity.
    tce = 2,500 × 0.7143 − 3,000 × 0.1229 = 1,785.75 − 368.7 = 1,417.05;
    CO2 = 2,500 × 1.9003 − 3,000 × 0.5703 = 4,750.75 − 1,710.9 = 3,039.85 t;
    cost = 2,500 × 900 − 3,000,000 × 0.6 = 2,250,000 − 1,800,000 元 = 45 万元."""
    params = P(electricity_price=0.6, coal_price=900.0)
    got = accounting.carrier_metrics({"coal_saving": 2500.0, "electricity_saving": -3000.0}, params)
    assert got["energy_saving"] == pytest.approx(1417.05)
    assert got["co2_reduction"] == pytest.approx(3039.85)
    assert got["annual_cost_saving"] == pytest.approx(45.0)
    missing = accounting.carrier_metrics({"gas_saving": 100.0}, params)
    assert missing["annual_cost_saving"] is None and missing["energy_saving"] == pytest.approx(0.12143)


# ----------------------------------------------------------------------- green power
def test_green_power_counts_like_saved_grid_electricity_by_default():
    for method in ("calorific", "equivalent"):
        params = P(electricity_tce_method=method)
        assert accounting.tce_factors(params)["green_power"] == accounting.tce_factors(params)["electricity_saving"]
        assert accounting.co2_factors(params)["green_power"] == params.grid_co2_factor
    assert accounting.green_power_tce_method(Parameters()) == "electricity"


def test_green_power_tce_method_none_counts_co2_and_cost_only():
    """With green_power_tce_method = none, 1,000 MWh of PV output saves 0 tce but still
    cuts 570.3 t CO2 and 60 万元 at 0.6 元/kWh."""
    params = P(electricity_price=0.6, green_power_tce_method="none")
    got = accounting.carrier_metrics({"green_power": 1000.0}, params)
    assert got == pytest.approx({"energy_saving": 0.0, "co2_reduction": 570.3, "annual_cost_saving": 60.0})
    bad = SimpleNamespace(**vars(params) | {"green_power_tce_method": "half"})
    with pytest.raises(ValueError, match="green_power_tce_method"):
        accounting.tce_factors(bad)


# --------------------------------------------------- the Ganhe report (published example)
def ganhe_pv_case(params=()) -> dict:
    return {
        "项目": [["项目编号", "项目名称", "投资(万元)", "绿电量(万千瓦时/年)"],
               ["PV2", "黄河鑫业（二期）13MW分布式光伏", 5200, 1794]],
        "参数": [["参数", "值"], *params],
    }


@pytest.mark.parametrize("params, tce", [
    ((), 2204.826),  # 当量值: 17,940 MWh × 0.1229
    ((("电力折标方法", "等价值"),), 5480.67),  # 等价值: 17,940 MWh × 0.3055
    ((("电力折标系数(kgce/kWh)", 0.48528),), 8705.9232),  # the report's implied factor, given explicitly
])
def test_ganhe_pv_published_example(make_case, params, tce):
    """Ganhe 2024 report (seed 000; PRODUCT.md §7): 13 MW PV, 1,794 万千瓦时/yr of green
    power, reported as 8,706 tce/yr.  8,706 / 17,940 MWh = 0.4853 kgce/kWh, neither the
    当量值 0.1229 nor the 等价值 0.3055: with the standard factors the same output is
    2,204.8 tce (当量值) or 5,480.7 tce (等价值); only an explicit electricity_tce_factor of
    0.48528 reproduces the report (8,705.9 ≈ 8,706).  CO2 at the grid factor 0.5703:
    17,940 × 0.5703 = 10,231.2 t/yr whatever the tce method."""
    case = load_case(make_case(ganhe_pv_case(params)))
    project = case.project("PV2")
    assert project.metric("green_power") == pytest.approx(17_940.0)  # 1,794 万千瓦时 = 17,940 MWh
    assert project.metric("energy_saving") == pytest.approx(tce, rel=1e-12)
    assert project.metric("co2_reduction") == pytest.approx(10_231.182, rel=1e-12)
    assert {"energy_saving", "co2_reduction"} <= project.computed
    assert 8706 / 17_940 == pytest.approx(0.4853, abs=5e-5)
    assert round(8706 / 17_940, 4) not in accounting.ELECTRICITY_TCE_DEFAULTS.values()


def test_ganhe_average_investment_per_tce():
    """Ganhe 2024 (seed 000): 12 projects, 10.44 亿元 = 104,400 万元, saving 35,300 tce/yr →
    2.96 万元 per tce/yr of saving capacity (104,400 / 35,300 = 2.9575)."""
    park = Project("ALL", "12 projects", 2, 104_400.0, {"energy_saving": 35_300.0})
    assert economics.cost_per_tce(park) == pytest.approx(2.9575, abs=1e-4)
    assert round(economics.cost_per_tce(park), 2) == 2.96


# ------------------------------------------------------------------------- factor table
def test_factor_table_lists_each_factor_with_unit_and_source():
    rows = {r["key"]: r for r in accounting.factor_table(Parameters())}
    assert list(rows) == ["electricity_tce_factor", "coal_tce_factor", "gas_tce_factor", "steam_tce_factor",
                          "grid_co2_factor", "coal_co2_factor", "gas_co2_factor", "steam_co2_factor",
                          "green_power_tce_method", "discount_rate"]
    assert rows["electricity_tce_factor"]["value"] == 0.1229
    assert rows["electricity_tce_factor"]["unit"] == "kgce/kWh"
    assert "GB/T 2589-2020" in rows["electricity_tce_factor"]["source"]
    assert "当量值" in rows["electricity_tce_factor"]["label_zh"]
    assert rows["coal_tce_factor"] == {"key": "coal_tce_factor", "label": "Raw coal to standard coal",
                                       "label_zh": "原煤折标准煤系数", "value": 0.7143, "unit": "kgce/kg",
                                       "source": "GB/T 2589-2020 Appendix A", "default": True}
    assert rows["grid_co2_factor"]["unit"] == "t/MWh" and rows["gas_co2_factor"]["unit"] == "kg/m³"
    assert all(r["source"] and r["default"] for r in rows.values())
    assert rows["green_power_tce_method"]["value"] == 0.1229


def test_factor_table_marks_case_overrides():
    rows = {r["key"]: r for r in accounting.factor_table(P(electricity_tce_method="equivalent",
                                                           grid_co2_factor=0.5366))}
    assert rows["electricity_tce_factor"]["value"] == 0.3055
    assert rows["electricity_tce_factor"]["default"] is True
    assert "305.5" in rows["electricity_tce_factor"]["source"] or "0.3055" in rows["electricity_tce_factor"]["source"]
    assert "等价值" in rows["electricity_tce_factor"]["label_zh"]
    assert rows["grid_co2_factor"]["default"] is False
    assert rows["grid_co2_factor"]["source"].startswith("case parameter grid_co2_factor (default 0.5703 t/MWh")
    rows = {r["key"]: r for r in accounting.factor_table(P(electricity_tce_factor=0.485))}
    assert rows["electricity_tce_factor"]["value"] == 0.485 and not rows["electricity_tce_factor"]["default"]


# ------------------------------------------------------------ scenarios: re-derivation
def test_recompute_project_under_other_parameters(make_case):
    """A quantity computed from carriers follows a change of method or price; a given
    one does not."""
    case = load_case(make_case({
        "projects": [["id", "name", "capex", "electricity_saving (MWh/yr)", "co2_reduction (t/yr)"],
                     ["E1", "drives", 100, 1000, 999]],
        "parameters": [["parameter", "value"], ["electricity_price", 0.5]],
    }))
    project = case.project("E1")
    assert project.computed == {"energy_saving", "annual_cost_saving"}
    assert (project.metric("energy_saving"), project.annual_cost_saving) == pytest.approx((122.9, 50.0))
    other = accounting.recompute_project(project, P(electricity_tce_method="equivalent", electricity_price=0.7))
    assert other.metric("energy_saving") == pytest.approx(305.5)
    assert other.annual_cost_saving == pytest.approx(70.0)
    assert other.metric("co2_reduction") == 999  # given, kept
    given = Project("G", "given", 2, 10.0, {"energy_saving": 5.0})
    assert accounting.recompute_project(given, P(electricity_tce_method="equivalent")) is given


# -------------------------------------------------------------------- end to end
# (id, capex 万元, opex_change 万元/yr, lifetime, carriers in written units)
CARRIER_PROJECTS = [
    ("P1", 600, 0, 15, {"electricity_saving": 2_400_000}),  # motor drives, kWh
    ("P2", 900, 5, 15, {"coal_saving": 1_500}),  # boiler upgrade, t
    ("P3", 1500, 0, 20, {"gas_saving": 800_000}),  # kiln burners, m³
    ("P4", 700, 10, 12, {"steam_saving": 20_000}),  # steam traps and insulation, GJ
    ("P5", 1200, 0, 15, {"coal_saving": 2_500, "electricity_saving": -3_000_000}),  # electrification
    ("P6", 2000, 20, 25, {"green_power": 5_000_000}),  # rooftop PV, kWh
]
CARRIER_HEADERS = {"electricity_saving": "electricity_saving (kWh/yr)", "coal_saving": "coal_saving (t/yr)",
                   "gas_saving": "gas_saving (m³/yr)", "steam_saving": "steam_saving (GJ/yr)",
                   "green_power": "green_power (kWh/yr)"}
PRICES = [("electricity_price", 0.6), ("coal_price", 900), ("gas_price", 3.0), ("steam_price", 80)]


def hand_totals(method: str) -> dict[str, tuple[float, float, float]]:
    """(tce, t CO2, 万元) per project, written out from the factors (not from the code)."""
    e = {"calorific": 0.1229, "equivalent": 0.3055}[method]  # kgce/kWh = tce/MWh
    return {
        # 2,400 MWh: tce 2,400e; CO2 2,400 × 0.5703 = 1,368.72; 2,400,000 kWh × 0.6 元 = 144 万元
        "P1": (2400 * e, 1368.72, 144.0),
        # 1,500 t coal: 1,500 × 0.7143 = 1,071.45 tce; × 1.9003 = 2,850.45 t; × 900 元 = 135 万元
        "P2": (1071.45, 2850.45, 135.0),
        # 800,000 m³: × 1.2143 kgce = 971.44 tce; × 2.1622 kg = 1,729.76 t; × 3 元 = 240 万元
        "P3": (971.44, 1729.76, 240.0),
        # 20,000 GJ: × 0.03412 = 682.4 tce; × 0.11 = 2,200 t; × 80 元 = 160 万元
        "P4": (682.4, 2200.0, 160.0),
        # 2,500 t coal − 3,000 MWh: 1,785.75 − 3,000e tce; 4,750.75 − 1,710.9 = 3,039.85 t; 225 − 180 = 45 万元
        "P5": (1785.75 - 3000 * e, 3039.85, 45.0),
        # 5,000 MWh of PV: 5,000e tce; × 0.5703 = 2,851.5 t; × 0.6 元/kWh = 300 万元
        "P6": (5000 * e, 2851.5, 300.0),
    }


def end_to_end_sheets(objective: str, method: str, carriers: bool) -> dict:
    params = [["parameter", "value"], ["objective", objective], ["carbon_price (元/t)", 50],
              ["electricity_tce_method", {"calorific": "当量值", "equivalent": "等价值"}[method]]]
    if carriers:
        header = ["id", "name", "capex (万元)", "opex_change (万元/yr)", "lifetime (yr)",
                  *CARRIER_HEADERS.values()]
        rows = [[pid, pid, capex, opex, life, *(amounts.get(c) for c in CARRIER_HEADERS)]
                for pid, capex, opex, life, amounts in CARRIER_PROJECTS]
        params += [list(p) for p in PRICES]
    else:
        header = ["id", "name", "capex (万元)", "opex_change (万元/yr)", "lifetime (yr)",
                  "energy_saving (tce/yr)", "co2_reduction (t/yr)", "annual_cost_saving (万元/yr)"]
        hand = hand_totals(method)
        rows = [[pid, pid, capex, opex, life, *hand[pid]] for pid, capex, opex, life, _ in CARRIER_PROJECTS]
    return {
        "projects": [header, *rows],
        "budgets": [["pool", "limit (万元)"], ["total", 4000]],
        "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", 2000],
                    ["co2_reduction", "min_total", 6000]],
        "parameters": params,
    }


@pytest.mark.parametrize("method", ["calorific", "equivalent"])
@pytest.mark.parametrize("objective", ["max_saving", "max_co2", "max_npv", "min_cost"])
def test_carrier_case_solves_like_the_same_case_in_tce_and_co2(tmp_path, objective, method):
    """The issue's acceptance check: the case given only in carriers and prices and the
    same case given in tce, t CO2 and 万元/yr (hand-computed above) load to the same
    project quantities and solve (mip_gap 0) to the same portfolio, objective and totals."""
    by_carriers = load_case(write_workbook(tmp_path / "carriers.xlsx", end_to_end_sheets(objective, method, True)))
    by_hand = load_case(write_workbook(tmp_path / "tce.xlsx", end_to_end_sheets(objective, method, False)))
    hand = hand_totals(method)
    for p in by_carriers.projects:
        assert (p.metric("energy_saving"), p.metric("co2_reduction"), p.annual_cost_saving) == \
            pytest.approx(hand[p.id], rel=1e-12, abs=1e-9), p.id
        assert p.computed == {"energy_saving", "co2_reduction", "annual_cost_saving"}
        q = by_hand.project(p.id)
        assert economics.npv(p, by_carriers.parameters) == pytest.approx(economics.npv(q, by_hand.parameters))
    a = solve_case(by_carriers, mip_gap=0, explain=False)
    b = solve_case(by_hand, mip_gap=0, explain=False)
    assert a.status == b.status == "optimal"
    assert a.selected() == b.selected()
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    for key in ("energy_saving", "co2_reduction", "capex", "npv", "so2_reduction", "water_saving"):
        assert a.totals[key] == pytest.approx(b.totals[key], rel=1e-9, abs=1e-9), key
    assert a.totals["energy_saving"] == pytest.approx(sum(hand[pid][0] for pid in a.selected()))
    assert a.totals["co2_reduction"] == pytest.approx(sum(hand[pid][1] for pid in a.selected()))
    assert [t.met for t in a.target_checks] == [t.met for t in b.target_checks]
    assert [t.achieved for t in a.target_checks] == pytest.approx([t.achieved for t in b.target_checks])


def test_end_to_end_objectives_choose_different_portfolios(tmp_path):
    """Guard against a vacuous equivalence test: the objectives above disagree."""
    chosen = set()
    for objective in ("max_saving", "max_co2", "max_npv", "min_cost"):
        case = load_case(write_workbook(tmp_path / f"{objective}.xlsx",
                                        end_to_end_sheets(objective, "calorific", True)))
        chosen.add(tuple(solve_case(case, mip_gap=0, explain=False).selected()))
    assert len(chosen) >= 3


def test_calorific_vs_equivalent_scales_electricity_totals_by_the_factor_ratio(make_case):
    """Switching 当量值 → 等价值 (a parameter, written in Chinese) multiplies the tce of an
    electricity-only case by 0.3055 / 0.1229 = 2.4858 and leaves its CO2 unchanged."""
    def sheets(method_rows):
        return {
            "projects": [["id", "name", "capex", "electricity_saving (万kWh/yr)", "green_power (MWh/yr)"],
                         ["E1", "motors", 300, 120, None], ["E2", "lighting", 200, 45, None],
                         ["E3", "PV", 900, None, 3000]],
            "budgets": [["pool", "limit"], ["total", 10_000]],
            "parameters": [["参数", "值"], ["objective", "max_saving"], *method_rows],
        }
    calorific = solve_case(load_case(make_case(sheets([]), "a.xlsx")), mip_gap=0, explain=False)
    equivalent = solve_case(load_case(make_case(sheets([["电力折标方法", "等价值"]]), "b.xlsx")),
                            mip_gap=0, explain=False)
    assert calorific.selected() == equivalent.selected() == ["E1", "E2", "E3"]
    # (1,200 + 450 + 3,000) MWh = 4,650 MWh → 571.485 tce (当量值), 1,420.575 tce (等价值)
    assert calorific.totals["energy_saving"] == pytest.approx(4650 * 0.1229)
    assert equivalent.totals["energy_saving"] == pytest.approx(4650 * 0.3055)
    assert equivalent.totals["energy_saving"] / calorific.totals["energy_saving"] == pytest.approx(0.3055 / 0.1229)
    assert equivalent.totals["co2_reduction"] == calorific.totals["co2_reduction"] == pytest.approx(4650 * 0.5703)
    assert math.isclose(equivalent.objective / calorific.objective, 0.3055 / 0.1229, rel_tol=1e-12)
