"""Write the bundled example cases: ``ganhe_2024.xlsx`` (Chinese), ``tiny.xlsx`` (English)
and ``qinghai_2025.xlsx`` (Chinese, multi-year 2021–2025).

Run from anywhere:  ``python cases/build_cases.py``  (writes next to this script).

The script is deterministic: no randomness, fixed document timestamps and fixed zip entry
times, so the same script always gives byte-identical workbooks (and the same SHA-256 in
a results workbook's run info).  Before writing it checks, in plain Python, that

* the twelve projects the park carried out (JN01–JN12) add up exactly to the public
  totals: 104,400 万元 of investment and 35,300 tce/yr of energy saving;
* the reference portfolio (JN01–JN12 plus the environmental works HB01–HB06) meets every
  budget and every target of the Ganhe case, so the case is feasible;
* the hand-worked optimum of ``tiny.xlsx`` (cases/README.md) is the brute-force optimum;
* the reference plan of ``qinghai_2025.xlsx`` (the optimum retrofit-opt found, with start
  years) obeys every rule, yearly and horizon budget and target of that case, recomputed
  with the counting rules of models/formulation.md, so that case is feasible.

PROJECT-LEVEL NUMBERS ARE CONSTRUCTED to match the public totals of the 2024 reports on
the Ganhe industrial park (shared/seeds/000 and 001, PRODUCT.md §7); they are not real
project data.  The Qinghai case's baseline and projects are constructed too: only its two
percentage targets, base year and target year are public (shared/seeds/003).  See
cases/README.md.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2024, 12, 31, 0, 0, 0)  # document and zip timestamps (determinism)

# ------------------------------------------------------------------ public facts (seeds)
PUBLIC_CAPEX = 104_400  # 万元: "实施投资10.44亿元的12个节能降耗项目" (seed 000)
PUBLIC_SAVING = 35_300  # tce/yr: "年节约能源达3.53万吨标准煤" (seed 000)
PV_GREEN_POWER = 1_794  # 万千瓦时/yr: 13 MW 黄河鑫业（二期）分布式光伏 "增发绿电1794万千瓦时" (seed 000)
PV_REPORTED_TCE = 8_706  # tce/yr as reported: "年节约能源8706吨标准煤" (seed 000)

# ------------------------------------------- prices and factors used to construct the data
# The same values are written to the 参数 sheet, so that every blank cell the tool
# computes (the PV row) uses exactly these.
ELECTRICITY_PRICE = 0.38  # 元/kWh, Qinghai large-industry tariff, order of magnitude
COAL_PRICE = 900.0  # 元/t raw coal
GAS_PRICE = 2.6  # 元/m³
STEAM_PRICE = 70.0  # 元/GJ
EQUIVALENT_FACTOR = 0.3055  # kgce/kWh = tce/MWh, 等价值 (retrofit_opt.accounting default)
GRID_CO2 = 0.5703  # t/MWh, 2022 national grid factor (the tool's default)
# t CO2 per tce saved, by the energy the measure saves (derived from the tool's defaults):
CO2_PER_TCE = {
    "coal": round(1.9003 / 0.7143, 2),  # 2.66: raw coal, or steam/heat raised from coal (CHP)
    "gas": round(2.1622 / 1.2143, 2),  # 1.78: natural gas
    "mixed": 2.2,  # a mix of electricity, steam and gas (energy management platform)
}
# 万元 of energy cost per tce saved at the case prices, by carrier:
VALUE_PER_TCE = {
    "coal": COAL_PRICE / 0.7143 / 1e4,  # 0.126
    "steam": STEAM_PRICE / 0.03412 / 1e4,  # 0.205 (purchased steam)
    "gas": GAS_PRICE / 1.2143e-3 / 1e4,  # 0.214
    "mixed": 0.15,
}

# ============================================================================ Ganhe case
# Pools (预算 sheet).  Projects pay from their 资金来源 pool, less the share the subsidy
# pool (补贴资金) pays at their 补贴比例; 总预算 (total) limits all spending.
POOL_ENERGY = "节能改造资金"
POOL_ENV = "环保治理资金"
BUDGETS = [  # (pool, limit 万元)
    ("总预算", 208_400),  # = 104,400 (12 energy projects) + 104,000 (environmental works)
    (POOL_ENERGY, 104_400),  # the 2024 energy-saving investment (seed 000)
    (POOL_ENV, 104_000),  # 10.19 亿元 of environmental works (seed 001) + 2,100 for two low-NOx retrofits
    ("补贴资金", 6_000),  # constructed cap on subsidies
]
TARGETS = [  # (metric as written, kind, value in the metric's canonical unit)
    ("节能量", "不低于", PUBLIC_SAVING),  # tce/yr
    ("二氧化碳减排量", "不低于", 75_000),  # t/yr
    ("二氧化硫减排量", "不低于", 10_000),  # t/yr
    ("氮氧化物减排量", "不低于", 350),  # t/yr
    ("节水量", "不低于", 3_000_000),  # m³/yr
]
PARAMETERS = [
    ("目标函数", "最大节能量"),
    ("电力折标方法", "等价值"),
    ("电价(元/kWh)", ELECTRICITY_PRICE),
    ("煤价(元/t)", COAL_PRICE),
    ("气价(元/m³)", GAS_PRICE),
    ("热价(元/GJ)", STEAM_PRICE),
    ("电网排放因子(t/MWh)", GRID_CO2),
    ("折现率", 0.08),
]

# Energy projects.  Fields:
#   id, name, enterprise, sector, category, capex 万元, energy tce/yr (None: computed),
#   electricity 万kWh/yr saved (informational, = energy / 0.3055 for electric measures),
#   co2 basis ("elec" = MWh × grid factor, or a CO2_PER_TCE key), value basis for the
#   energy-cost floor, simple payback (years) the annual benefit is constructed from,
#   lifetime, options dict (group, requires, subsidy, excluded, mandatory).
E = dict  # short alias for option dicts
ENERGY_PROJECTS = [
    # --- the twelve projects the park carried out in 2024 (seed 000: 12 projects, 10.44 亿元, 3.53 万 tce/yr)
    ("JN01", "电解槽新型稳流保温节能改造（方案A）", "黄河鑫业有限公司", "有色金属冶炼（电解铝）", "电解槽节能",
     28_000, 12_220, 4_000, "elec", "elec", 7, 15, E(group="黄河鑫业电解槽改造方案", subsidy=0.10)),
    ("JN02", "空压站变频改造及集中群控", "黄河鑫业有限公司", "有色金属冶炼（电解铝）", "压缩空气系统",
     1_800, 1_222, 400, "elec", "elec", 3, 12, E()),
    ("JN03", "氧化炉废气余热回收制蒸汽（方案A）", "中复神鹰", "化学纤维（碳纤维）", "余热利用",
     9_400, 2_600, None, "coal", "steam", 8, 15, E(group="中复神鹰氧化炉余热方案")),
    ("JN04", "还原炉冷却水余热梯级利用", "亚洲硅业", "多晶硅", "余热利用",
     12_000, 3_400, None, "coal", "steam", 8, 15, E(subsidy=0.10)),
    ("JN05", "精馏系统热耦合节能改造", "亚洲硅业", "多晶硅", "工艺节能",
     6_600, 1_700, None, "coal", "steam", 9, 15, E()),
    ("JN06", "化成分容能量回馈改造", "弗迪锂能", "锂电池", "电机系统/电力电子",
     3_400, 1_833, 600, "elec", "elec", 4, 10, E()),
    ("JN07", "合成氨转化炉烟气余热回收", "青海云天化国际化肥有限公司", "化肥", "余热利用",
     7_900, 2_100, None, "gas", "gas", 8, 15, E()),
    ("JN08", "硫酸装置低温位余热回收", "青海西矿同鑫化工有限公司", "化工", "余热利用",
     5_600, 1_500, None, "coal", "steam", 8, 15, E()),
    ("JN09", "矿热炉烟气余热发电", "青海百通高纯材料开发有限公司", "高纯材料（铁合金）", "余热发电",
     7_600, 3_055, 1_000, "elec", "elec", 6, 20, E(subsidy=0.15)),
    ("JN10", "汽轮机通流部分改造", "青海黄河上游水电开发有限责任公司西宁发电分公司", "电力热力", "汽轮机改造",
     8_200, 2_900, None, "coal", "coal", 7, 20, E()),
    ("JN11", "机组供热改造及园区集中供汽管网", "青海黄河上游水电开发有限责任公司西宁发电分公司", "电力热力", "集中供热",
     10_200, 1_150, None, "coal", "coal", 12, 25, E()),
    ("JN12", "自备燃气锅炉停用改接集中供汽", "中复神鹰", "化学纤维（碳纤维）", "集中供热",
     3_700, 1_620, None, "gas", "gas", 5, 20, E(requires="JN11")),
    # --- the 13 MW PV project (seed 000); energy, CO2 and annual benefit left blank: computed by the tool
    ("PV01", "13MW分布式光伏（二期）", "黄河鑫业有限公司", "有色金属冶炼（电解铝）", "分布式光伏",
     4_550, None, None, None, None, None, 25, E(subsidy=0.20)),
    # --- further candidates from the reserve list (constructed)
    ("CB01", "电解槽石墨化阴极+异型阴极改造（方案B）", "黄河鑫业有限公司", "有色金属冶炼（电解铝）", "电解槽节能",
     36_500, 14_664, 4_800, "elec", "elec", 8, 15, E(group="黄河鑫业电解槽改造方案", subsidy=0.10)),
    ("CB02", "空压机余热回收（供暖及生活热水）", "黄河鑫业有限公司", "有色金属冶炼（电解铝）", "余热利用",
     900, 560, None, "coal", "steam", 4, 12, E()),
    ("CB03", "氧化炉废气RTO焚烧+余热锅炉（方案B）", "中复神鹰", "化学纤维（碳纤维）", "余热利用",
     12_800, 3_300, None, "coal", "steam", 9, 15, E(group="中复神鹰氧化炉余热方案")),
    ("CB04", "还原炉大型化改造（大对棒还原炉）", "亚洲硅业", "多晶硅", "工艺节能",
     16_500, 4_888, 1_600, "elec", "elec", 8, 15, E()),
    ("CB05", "光伏玻璃窑炉全氧燃烧及余热发电", "天合光能", "光伏玻璃", "窑炉节能",
     12_000, 4_200, None, "gas", "gas", 6, 15, E(excluded=True)),
    ("CB06", "铬盐回转窑烟气余热回收", "博鸿化工", "铬盐化工", "余热利用",
     6_300, 1_900, None, "coal", "steam", 7, 15, E()),
    ("CB07", "涂布机NMP回收系统热泵改造", "弗迪锂能", "锂电池", "热泵",
     2_300, 1_222, 400, "elec", "elec", 4, 12, E()),
    ("CB09", "循环水泵及引风机变频改造", "青海黄河上游水电开发有限责任公司西宁发电分公司", "电力热力", "电机系统/变频",
     4_200, 3_055, 1_000, "elec", "elec", 4, 12, E(subsidy=0.15)),
    ("CB10", "园区智慧能源管控平台", "甘河工业园区管委会", "园区公共设施", "能源管控",
     2_800, 1_100, None, "mixed", "mixed", 5, 10, E()),
    ("CB11", "高效电机替换及变频改造", "青海百通高纯材料开发有限公司", "高纯材料（铁合金）", "电机系统/变频",
     2_600, 1_833, 600, "elec", "elec", 4, 15, E(subsidy=0.20)),
    ("CB12", "循环冷却水系统优化及节水改造", "青海西矿同鑫化工有限公司", "化工", "节水",
     1_700, 611, 200, "elec", "elec", 5, 15, E(water=800_000)),
]
REASONS = {  # notes for the 说明 sheet
    "CB05": "天合光能光伏玻璃项目尚在办理前期手续（2024年公开报道），窑炉未投产，本案例中标为排除。",
}

# Environmental works (no energy saving).  id, name, enterprise, sector, category, capex,
# so2, nox, pm, water m³/yr, annual benefit 万元/yr, opex change 万元/yr, lifetime, options.
ENV_PROJECTS = [
    ("HB01", "中水回用项目", "甘河工业园区管委会", "园区公共设施", "水资源循环利用",
     11_000, 0, 0, 0, 3_650_000, 900, 300, 20, E(requires="HB02")),
    ("HB02", "雨污分流改造", "甘河工业园区管委会", "园区公共设施", "雨污分流",
     3_700, 0, 0, 0, 0, 0, 0, 30, E()),
    ("HB03", "工业企业烟气治理和提标减排（打捆）", "园区重点排放企业", "多行业", "烟气治理",
     80_900, 9_100, 331, 876, 0, 0, 2_800, 15, E(mandatory=True)),
    ("HB04", "生活污水处理厂扩容改造", "甘河工业园区管委会", "园区公共设施", "污水处理",
     6_300, 0, 0, 0, 0, 0, 250, 20, E()),
    ("HB05", "燃气锅炉低氮燃烧改造", "青海云天化国际化肥有限公司", "化肥", "低氮燃烧",
     600, 0, 12, 0, 0, 0, 10, 15, E()),
    ("HB06", "燃煤锅炉低氮燃烧及脱硫提标改造", "青海西矿同鑫化工有限公司", "化工", "低氮燃烧",
     1_500, 1_400, 18, 20, 0, 0, 60, 15, E()),
    # --- further environmental candidates (constructed)
    ("CB08", "投料系统粉尘治理", "青海云天化国际化肥有限公司", "化肥", "粉尘治理",
     1_500, 0, 0, 45, 0, 0, 20, 15, E()),
    ("CB13", "回转窑低氮燃烧器改造", "博鸿化工", "铬盐化工", "低氮燃烧",
     850, 0, 25, 5, 0, 0, 15, 15, E()),
]
INTERACTIONS = [  # (a, b, energy overlap tce/yr, co2 overlap t/yr)
    # Variable-speed compressors run less at full load, so less heat is left to recover.
    ("JN02", "CB02", 150, round(150 * CO2_PER_TCE["coal"])),
]
CARRIED_OUT = [f"JN{i:02d}" for i in range(1, 13)]
ENVIRONMENTAL_WORKS = ["HB01", "HB02", "HB03", "HB04", "HB05", "HB06"]
REFERENCE_PORTFOLIO = CARRIED_OUT + ENVIRONMENTAL_WORKS

PROJECT_HEADERS = [  # (canonical key, header as written)
    ("id", "项目编号"), ("name", "项目名称"), ("enterprise", "企业"), ("sector", "行业"),
    ("category", "类别"), ("capex", "投资(万元)"), ("energy_saving", "节能量(吨标准煤/年)"),
    ("electricity_saving", "节电量(万千瓦时/年)"), ("green_power", "绿电量(万千瓦时/年)"),
    ("co2_reduction", "二氧化碳减排量(吨/年)"), ("so2_reduction", "二氧化硫减排量(吨/年)"),
    ("nox_reduction", "氮氧化物减排量(吨/年)"), ("pm_reduction", "颗粒物减排量(吨/年)"),
    ("water_saving", "节水量(立方米/年)"), ("annual_cost_saving", "年节约费用(万元/年)"),
    ("opex_change", "运维费用变化(万元/年)"), ("lifetime", "寿命(年)"), ("mandatory", "必选"),
    ("excluded", "排除"), ("exclusive_group", "互斥组"), ("requires", "前置项目"),
    ("budget_pool", "资金来源"), ("subsidy_rate", "补贴比例"),
    ("saving_low", "节能量下限(吨标准煤/年)"), ("saving_high", "节能量上限(吨标准煤/年)"),
    ("capex_low", "投资下限(万元)"), ("capex_high", "投资上限(万元)"),
]

# ------------------------------------------------- uncertainty ranges (CONSTRUCTED, issue 14)
# Ranges for `retrofit-opt risk` are CONSTRUCTED for the worked example: no public source
# gives them.  They encode the usual pattern of verified savings (节能量审核) falling short
# of feasibility-study estimates more often than exceeding them, most for waste heat, least
# for motors and compressed air; and capex overruns up to 20 % (10 % underrun).  Shares of
# the estimate: (saving low, saving high) by category; capex (low, high) for every project.
SAVING_RANGE_BY_CATEGORY = {
    "余热利用": (0.70, 1.05), "余热发电": (0.70, 1.05),
    "电解槽节能": (0.80, 1.05), "工艺节能": (0.80, 1.05), "窑炉节能": (0.80, 1.05),
    "汽轮机改造": (0.80, 1.05), "集中供热": (0.80, 1.05),
    "压缩空气系统": (0.85, 1.10), "电机系统/电力电子": (0.85, 1.10), "电机系统/变频": (0.85, 1.10),
    "分布式光伏": (0.85, 1.05), "热泵": (0.75, 1.10), "能源管控": (0.75, 1.10), "节水": (0.75, 1.10),
}
CAPEX_RANGE = (0.90, 1.20)
UNCERTAINTY_PARAMETERS = [  # (as written, value): triangular ranges, correlated within a category
    ("不确定性分布", "三角分布"),
    ("相关系数", 0.5),
    ("相关分组", "类别"),
    ("电价下限(元/kWh)", 0.34),  # constructed: ±10 % around the case's 0.38
    ("电价上限(元/kWh)", 0.42),
    ("电网排放因子下限(t/MWh)", 0.5366),  # the 2022 national average (MEE/NBS 2024), see parameters.csv
]


def add_ranges(row: dict) -> dict:
    """The row with its constructed saving and capex range (see SAVING_RANGE_BY_CATEGORY)."""
    saving = row.get("energy_saving")
    if saving is None and row["id"] == "PV01":
        saving = pv_computed()["energy_saving"]
    if saving:
        low, high = SAVING_RANGE_BY_CATEGORY[row["category"]]
        row["saving_low"], row["saving_high"] = round(saving * low), round(saving * high)
        assert row["saving_low"] <= saving <= row["saving_high"], row["id"]
    row["capex_low"], row["capex_high"] = round(row["capex"] * CAPEX_RANGE[0]), round(row["capex"] * CAPEX_RANGE[1])
    return row


def energy_row(spec) -> dict:
    (pid, name, enterprise, sector, category, capex, tce, elec, co2_basis, value_basis, payback,
     lifetime, opts) = spec
    row = dict(id=pid, name=name, enterprise=enterprise, sector=sector, category=category, capex=capex,
               energy_saving=tce, electricity_saving=elec, lifetime=lifetime, budget_pool=POOL_ENERGY,
               water_saving=opts.get("water"))
    if pid == "PV01":
        row["green_power"] = PV_GREEN_POWER  # energy, CO2 and benefit computed by the tool
    else:
        mwh = elec * 10 if elec else None
        if elec:  # electric measures: tce is the 等价值 of the kWh saved, exactly
            assert abs(mwh * EQUIVALENT_FACTOR - tce) < 1e-6, (pid, mwh * EQUIVALENT_FACTOR, tce)
        row["co2_reduction"] = round(mwh * GRID_CO2) if co2_basis == "elec" else round(tce * CO2_PER_TCE[co2_basis])
        energy_value = mwh * ELECTRICITY_PRICE / 10 if value_basis == "elec" else tce * VALUE_PER_TCE[value_basis]
        row["annual_cost_saving"] = round(capex / payback)
        # The benefit includes non-energy gains (yield, maintenance), never less than the energy cost saved.
        assert row["annual_cost_saving"] >= energy_value, (pid, row["annual_cost_saving"], energy_value)
    _options(row, opts)
    return row


def env_row(spec) -> dict:
    (pid, name, enterprise, sector, category, capex, so2, nox, pm, water, benefit, opex, lifetime, opts) = spec
    row = dict(id=pid, name=name, enterprise=enterprise, sector=sector, category=category, capex=capex,
               so2_reduction=so2 or None, nox_reduction=nox or None, pm_reduction=pm or None,
               water_saving=water or None, annual_cost_saving=benefit, opex_change=opex or None,
               lifetime=lifetime, budget_pool=POOL_ENV)
    _options(row, opts)
    return row


def _options(row: dict, opts: dict) -> None:
    row["exclusive_group"] = opts.get("group")
    row["requires"] = opts.get("requires")
    row["subsidy_rate"] = opts.get("subsidy")
    row["mandatory"] = "是" if opts.get("mandatory") else None
    row["excluded"] = "是" if opts.get("excluded") else None


def ganhe_rows() -> list[dict]:
    rows = [add_ranges(energy_row(s)) for s in ENERGY_PROJECTS] + [add_ranges(env_row(s)) for s in ENV_PROJECTS]
    order = {pid: i for i, pid in enumerate(
        CARRIED_OUT + ["PV01"] + ENVIRONMENTAL_WORKS + sorted(r["id"] for r in rows if r["id"].startswith("CB")))}
    return sorted(rows, key=lambda r: order[r["id"]])


# ------------------------------------------------------------- checks in plain Python
def pv_computed() -> dict:
    mwh = PV_GREEN_POWER * 10
    return {"energy_saving": mwh * EQUIVALENT_FACTOR, "co2_reduction": mwh * GRID_CO2,
            "annual_cost_saving": mwh * ELECTRICITY_PRICE / 10}


def metric(row: dict, key: str) -> float:
    if row["id"] == "PV01" and key in pv_computed():
        return pv_computed()[key]
    return row.get(key) or 0


def check_ganhe(rows: list[dict]) -> dict:
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate ids"
    carried = [by_id[p] for p in CARRIED_OUT]
    capex = sum(r["capex"] for r in carried)
    saving = sum(r["energy_saving"] for r in carried)
    assert capex == PUBLIC_CAPEX, capex
    assert saving == PUBLIC_SAVING, saving
    env_capex = sum(by_id[p]["capex"] for p in ENVIRONMENTAL_WORKS)
    assert sum(by_id[p]["capex"] for p in ("HB01", "HB02", "HB03", "HB04")) == 101_900  # 10.19 亿元 (seed 001)
    assert sum(by_id[p]["nox_reduction"] or 0 for p in ("HB05", "HB06")) == 30  # two low-NOx retrofits
    assert sum(by_id[p]["so2_reduction"] or 0 for p in ("HB05", "HB06")) == 1_400
    assert sum(by_id[p]["pm_reduction"] or 0 for p in ("HB05", "HB06")) == 20

    ref = [by_id[p] for p in REFERENCE_PORTFOLIO]
    chosen = set(REFERENCE_PORTFOLIO)
    # logic rows
    for r in rows:
        if r.get("mandatory"):
            assert r["id"] in chosen, r["id"]
        if r.get("excluded"):
            assert r["id"] not in chosen, r["id"]
        if r["id"] in chosen and r.get("requires"):
            assert r["requires"] in chosen, r["id"]
    groups: dict[str, int] = {}
    for r in ref:
        if r.get("exclusive_group"):
            groups[r["exclusive_group"]] = groups.get(r["exclusive_group"], 0) + 1
    assert all(n <= 1 for n in groups.values()), groups
    # budgets
    subsidy = sum(r["capex"] * (r.get("subsidy_rate") or 0) for r in ref)
    use = {"总预算": sum(r["capex"] for r in ref), "补贴资金": subsidy}
    for pool in (POOL_ENERGY, POOL_ENV):
        use[pool] = sum(r["capex"] * (1 - (r.get("subsidy_rate") or 0)) for r in ref if r["budget_pool"] == pool)
    for pool, limit in BUDGETS:
        assert use[pool] <= limit + 1e-9, (pool, use[pool], limit)
    # targets (net of overlaps)
    keys = {"节能量": "energy_saving", "二氧化碳减排量": "co2_reduction", "二氧化硫减排量": "so2_reduction",
            "氮氧化物减排量": "nox_reduction", "节水量": "water_saving"}
    achieved = {}
    for written, _, value in TARGETS:
        key = keys[written]
        total = sum(metric(r, key) for r in ref)
        for a, b, e_overlap, c_overlap in INTERACTIONS:
            if a in chosen and b in chosen:
                total -= {"energy_saving": e_overlap, "co2_reduction": c_overlap}.get(key, 0)
        achieved[key] = total
        assert total >= value, (written, total, value)
    return {"capex": capex, "saving": saving, "env_capex": env_capex, "budget_use": use, "achieved": achieved}


# ============================================================================ tiny case
TINY_PROJECTS = [  # id, name, capex 万元, energy tce/yr, mandatory, exclusive_group, requires
    ("P1", "Boiler economiser (mandatory)", 40, 30, "yes", None, None),
    ("P2", "Kiln burner retrofit, option A", 50, 45, None, "kiln", None),
    ("P3", "Kiln burner retrofit, option B", 80, 70, None, "kiln", None),
    ("P4", "Compressor heat recovery", 40, 42, None, None, "P5"),
    ("P5", "Compressed-air leak survey and metering", 20, 8, None, None, None),
    ("P6", "Variable-speed fan drives", 30, 24, None, None, None),
]
TINY_BUDGET = 150
TINY_TARGET = 100


def tiny_enumeration() -> list[tuple[tuple[str, ...], int, int, bool]]:
    """Every subset that obeys mandatory, the exclusive group, requires and the budget:
    (ids, capex, saving, meets the target), best saving first."""
    rows = []
    ids = [p[0] for p in TINY_PROJECTS]
    spec = {p[0]: p for p in TINY_PROJECTS}
    for n in range(len(ids) + 1):
        for subset in itertools.combinations(ids, n):
            s = set(subset)
            if any(spec[p][4] and p not in s for p in ids):
                continue
            if len({p for p in s if spec[p][5] == "kiln"}) > 1:
                continue
            if any(spec[p][6] and spec[p][6] not in s for p in s):
                continue
            capex = sum(spec[p][2] for p in s)
            if capex > TINY_BUDGET:
                continue
            saving = sum(spec[p][3] for p in s)
            rows.append((subset, capex, saving, saving >= TINY_TARGET))
    return sorted(rows, key=lambda r: (-r[2], r[1], r[0]))


TINY_OPTIMUM = (("P1", "P2", "P4", "P5"), 150, 125)


def check_tiny() -> list:
    table = tiny_enumeration()
    feasible = [r for r in table if r[3]]
    best = feasible[0]
    assert (best[0], best[1], best[2]) == TINY_OPTIMUM, best
    assert feasible[1][2] < best[2], "the optimum must be unique"
    return table


# ======================================================================= writing
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def add_table(wb: Workbook, title: str, header: list[str], rows: list[list], widths: dict | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    for index, text in enumerate(header, start=1):
        width = (widths or {}).get(text, max(10, min(40, 2 * len(str(text)) + 2)))
        ws.column_dimensions[get_column_letter(index)].width = width
    return ws


def add_notes(wb: Workbook, title: str, lines: list[str], width: int = 120):
    ws = wb.create_sheet(title)
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = width
    ws["A1"].font = Font(bold=True, size=13)
    for (cell,) in ws.iter_rows(min_row=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return ws


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save with fixed document timestamps and zip entry times, atomically."""
    wb.properties.creator = "retrofit-opt cases/build_cases.py"
    wb.properties.lastModifiedBy = "retrofit-opt cases/build_cases.py"
    wb.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps `modified` with the current time; fixed below
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              lambda m: m.group(1) + stamp.encode() + m.group(2), data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out.getvalue())
    os.replace(tmp, path)


def ganhe_notes(rows: list[dict], checks: dict) -> list[str]:
    pv = pv_computed()
    ids = lambda xs: "、".join(xs)  # noqa: E731
    return [
        "甘河工业园区（西宁经济技术开发区，青海）2024 节能降碳项目组合 —— retrofit-opt 示例案例",
        "【构造数据】项目级数据为构造数据，仅用于与2024年公开报道的汇总数相吻合，并非真实项目数据。"
        "Project-level numbers are constructed to match the public totals of the 2024 reports; not real project data.",
        "公开事实（见 shared/seeds/000、001，PRODUCT.md §7）：实施投资10.44亿元的12个节能降耗项目，年节约能源3.53万吨标准煤；"
        "13MW黄河鑫业（二期）分布式光伏增发绿电1794万千瓦时、年节约能源8706吨标准煤；中水回用1.1亿元（回用率84.7%）、"
        "雨污分流0.37亿元、烟气治理和提标减排8.09亿元（削减氮氧化物331吨、二氧化硫9100吨、颗粒物876吨）、"
        "生活污水处理厂扩容改造0.63亿元；2家企业低氮改造减排氮氧化物30吨、二氧化硫1400吨、颗粒物20吨。",
        f"2024年已实施的12个节能项目：{ids(CARRIED_OUT)}，投资合计 {checks['capex']:,} 万元，"
        f"节能量合计 {checks['saving']:,} 吨标准煤/年（与公开数据一致）。",
        f"已实施的环保工程：{ids(ENVIRONMENTAL_WORKS)}，投资合计 {checks['env_capex']:,} 万元"
        "（HB01–HB04 = 10.19亿元；HB05、HB06 两项低氮改造的投资 2,100 万元为构造值）。",
        "参考组合（JN01–JN12 + HB01–HB06）满足本案例全部预算与目标，因此案例可行；求解器可在同样约束下寻找更优组合。"
        "其余 PV01、CB01–CB13 为构造的储备项目。",
        f"光伏折标说明：PV01 只填绿电量 1794 万千瓦时，节能量、二氧化碳减排量、年节约费用由工具计算。本案例电力折标采用等价值 "
        f"0.3055 kgce/kWh（参数“电力折标方法=等价值”，与各节电项目口径一致），得节能量 {pv['energy_saving']:,.2f} 吨标准煤/年；"
        f"报道值 8706 吨标准煤/年 相当于 0.485 kgce/kWh，既非当量值 0.1229 也非等价值约 0.3055，无法由标准系数复现，故不采用。"
        f"按当量值则仅 2,204.83 吨标准煤/年。二氧化碳按全国电网排放因子 0.5703 t/MWh 计 {pv['co2_reduction']:,.2f} 吨/年。",
        "节电项目（JN01、JN02、JN06、JN09 等）的节能量按等价值 0.3055 kgce/kWh 由节电量折算并直接填写；其余项目的节能量直接填写。"
        "二氧化碳减排量：节电按 0.5703 t/MWh，燃煤及燃煤热力按 2.66 t/tce，天然气按 1.78 t/tce。",
        "年节约费用为构造值：按假定的静态回收期（3–12年）由投资反推，含产量、维护等非能源收益，且不低于按本案例能源价格计算的能源费用节约。",
        "资金：总预算 208,400 万元 = 12个节能项目 104,400 + 环保工程 104,000；节能改造资金 104,400 万元（2024年节能投资）；"
        "环保治理资金 104,000 万元；补贴资金上限 6,000 万元（项目“补贴比例”部分由补贴资金支付，其余由其资金来源支付）。",
        "目标：节能量 ≥ 35,300 吨标准煤/年；二氧化碳减排量 ≥ 75,000 吨/年；二氧化硫 ≥ 10,000 吨/年；氮氧化物 ≥ 350 吨/年；"
        "节水量 ≥ 3,000,000 立方米/年（目标值按各指标的标准单位填写：吨标准煤/年、吨/年、立方米/年）。",
        "逻辑关系：互斥组“黄河鑫业电解槽改造方案”（JN01/CB01）与“中复神鹰氧化炉余热方案”（JN03/CB03）；"
        "JN12 须以 JN11（集中供汽管网）为前提，HB01 中水回用须以 HB02 雨污分流为前提；HB03 为督察整改项目，必选；"
        "JN02 与 CB02 作用于同一空压系统，同时入选时节能量重叠 150 吨标准煤/年（交互 sheet）。",
        "CB05：" + REASONS["CB05"],
        "【构造数据】不确定区间（节能量下限/上限、投资下限/上限、电价下限/上限、电网排放因子下限）为构造值，仅供 retrofit-opt risk "
        "示例：节能量按类别取估计值的 70%–110%（余热类下浮最多，电机、压缩空气类最少），投资取估计值的 90%–120%；三角分布，"
        "同类别项目秩相关系数 0.5。这些区间不影响确定性优化结果。"
        "Uncertainty ranges are CONSTRUCTED for the risk example; they do not change the deterministic result.",
        "本说明 sheet 不参与计算（读取时忽略）。由 cases/build_cases.py 生成，勿手工修改；详见 cases/README.md。",
    ]


def build_ganhe(path: Path) -> dict:
    rows = ganhe_rows()
    checks = check_ganhe(rows)
    wb = Workbook()
    wb.remove(wb.active)
    add_notes(wb, "说明", ganhe_notes(rows, checks))
    headers = [h for _, h in PROJECT_HEADERS]
    widths = {"项目名称": 36, "企业": 30, "行业": 20, "互斥组": 22, "类别": 16}
    add_table(wb, "项目", headers, [[r.get(k) for k, _ in PROJECT_HEADERS] for r in rows], widths)
    add_table(wb, "预算", ["资金池", "上限(万元)"], [list(b) for b in BUDGETS])
    add_table(wb, "目标", ["指标", "类型", "值"], [list(t) for t in TARGETS])
    add_table(wb, "参数", ["参数", "值"], [list(p) for p in PARAMETERS + UNCERTAINTY_PARAMETERS],
              {"参数": 24, "值": 14})
    add_table(wb, "交互", ["项目A", "项目B", "节能量重叠(吨标准煤/年)", "减排量重叠(吨/年)"],
              [list(i) for i in INTERACTIONS])
    add_table(wb, "情景", ["情景名称", "说明", f"budget:{POOL_ENERGY}(亿元)", "预算系数"],
              [list(s) for s in GANHE_SCENARIOS], {"情景名称": 16, "说明": 40})
    save_deterministic(wb, path)
    return checks


# PRODUCT.md §1: "what does 8 亿元 buy against 10.44 亿元?" — the energy-saving fund at 8,
# 10.44 (the 2024 investment) and 12 亿元; then every budget 10 % tighter.
GANHE_SCENARIOS = (
    ("节能资金8亿元", "节能改造资金 8 亿元，其余预算不变", 8.0, None),
    ("节能资金10.44亿元", "节能改造资金 10.44 亿元（2024年实际节能投资）", 10.44, None),
    ("节能资金12亿元", "节能改造资金 12 亿元，其余预算不变", 12.0, None),
    ("预算收紧10%", "全部预算上限乘以 0.9", None, 0.9),
)


def build_tiny(path: Path) -> list:
    table = check_tiny()
    wb = Workbook()
    wb.remove(wb.active)
    add_notes(wb, "readme", [
        "tiny.xlsx — a six-project toy case small enough to solve by hand (see cases/README.md).",
        f"Budget {TINY_BUDGET} (10k yuan, total pool); target energy_saving >= {TINY_TARGET} tce/yr; "
        "objective max_saving.",
        "P1 is mandatory; P2 and P3 are alternatives (exclusive group 'kiln'); P4 requires P5.",
        f"Optimum: {', '.join(TINY_OPTIMUM[0])}, capex {TINY_OPTIMUM[1]}, saving {TINY_OPTIMUM[2]} tce/yr "
        "(unique; runner-up P1, P3, P6 with 124).",
        "Numbers are invented for illustration. This sheet is ignored by the reader. "
        "Generated by cases/build_cases.py.",
    ], width=100)
    add_table(wb, "projects",
              ["id", "name", "capex (10k yuan)", "energy_saving (tce/yr)", "mandatory", "exclusive_group",
               "requires"],
              [list(p) for p in TINY_PROJECTS], {"name": 40})
    add_table(wb, "budgets", ["pool", "limit (10k yuan)"], [["total", TINY_BUDGET]])
    add_table(wb, "targets", ["metric", "kind", "value"], [["energy_saving", "min_total", TINY_TARGET]])
    add_table(wb, "parameters", ["parameter", "value"], [["objective", "max_saving"]])
    save_deterministic(wb, path)
    return table


# ========================================================================== Qinghai case
# A multi-year (2021–2025) plan for a constructed cluster of key energy-using enterprises
# in Qinghai's industrial parks, meeting the provincial 2025 targets of seed 003
# (《青海省推动工业绿色转型实施方案》, 青政办〔2024〕35号): 规模以上工业单位增加值能耗
# −12.5 % and 万元工业增加值用水量 −10 % against 2020.  THE BASELINE, THE ENTERPRISES'
# FIGURES AND EVERY PROJECT ARE CONSTRUCTED; the enterprises are anonymised.  Only the two
# percentages, the base year, the target year and the regional industry focus are public.
QH_START, QH_END = 2021, 2025  # 十四五 (14th five-year plan) period; base year 2020
QH_BASE_YEAR = 2020
QH_ENERGY_REDUCTION = 12.5  # %: "规模以上工业单位增加值能耗较2020年下降12.5%" (seed 003)
QH_WATER_REDUCTION = 10.0  # %: "万元工业增加值用水量较2020年下降10%" (seed 003)
QH_CALORIFIC = 0.1229  # kgce/kWh = tce/MWh, 当量值 (GB/T 2589-2020; the tool's default method)

# Business-as-usual forecast (基准 sheet), constructed.  Value added grows about 6–7 % a
# year; the BAU intensities fall by themselves through structural change (new lithium,
# PV and battery capacity is far less energy-intensive than aluminium or ferroalloy).
QH_VA = {2020: 500_000, 2021: 535_000, 2022: 572_000, 2023: 610_000, 2024: 650_000, 2025: 690_000}  # 万元
QH_ENERGY_INTENSITY_0 = 2.0  # tce/万元 in 2020
QH_ENERGY_BAU_FALL = {2020: 0.0, 2021: 1.5, 2022: 3.0, 2023: 4.5, 2024: 6.0, 2025: 7.0}  # % vs 2020
QH_WATER_INTENSITY_0 = 60.0  # m³/万元 in 2020
QH_WATER_BAU_FALL = {2020: 0.0, 2021: 1.0, 2022: 2.0, 2023: 3.0, 2024: 3.5, 2025: 4.0}  # % vs 2020
QH_CO2_INTENSITY_0 = 5.0  # t CO2/万元 in 2020 (2.5 t per tce, grid electricity at the national factor)
QH_CO2_BAU_FALL = {2020: 0.0, 2021: 2.0, 2022: 4.0, 2023: 5.5, 2024: 7.0, 2025: 8.0}  # % vs 2020


def qinghai_baseline() -> list[tuple[int, int, int, int, int]]:
    """(year, energy tce, value added 万元, CO2 t, water m³): intensity₀ × (1 − fall) × VA,
    all whole numbers."""
    rows = []
    for year, va in QH_VA.items():
        values = []
        for base, fall in ((QH_ENERGY_INTENSITY_0, QH_ENERGY_BAU_FALL), (QH_CO2_INTENSITY_0, QH_CO2_BAU_FALL),
                           (QH_WATER_INTENSITY_0, QH_WATER_BAU_FALL)):
            exact = base * (100 - fall[year]) * va / 100
            assert abs(exact - round(exact)) < 1e-6, (year, exact)
            values.append(round(exact))
        energy, co2, water = values
        rows.append((year, energy, va, co2, water))
    return rows


# Budget pools.  节能降碳改造资金: the enterprises' own funds and loans for energy projects;
# 节水治污资金: water projects; 补贴资金: 省级工业转型升级专项资金 (seed 003, item 21:
# "统筹用好省级工业转型升级等专项资金"), which pays 补贴比例 × capex.  All limits constructed.
QH_POOL_ENERGY = "节能降碳改造资金"
QH_POOL_WATER = "节水治污资金"
QH_BUDGETS = [  # (pool, year or None = whole horizon, limit 万元, note)
    ("总预算", None, 260_000, "2021–2025 全部投资上限"),
    (QH_POOL_ENERGY, 2021, 40_000, "企业自筹及贷款（节能降碳类项目）"),
    (QH_POOL_ENERGY, 2022, 45_000, None),
    (QH_POOL_ENERGY, 2023, 45_000, None),
    (QH_POOL_ENERGY, 2024, 45_000, None),
    (QH_POOL_ENERGY, 2025, 35_000, None),
    (QH_POOL_ENERGY, None, 200_000, "五年合计"),
    (QH_POOL_WATER, 2021, 6_000, "园区及企业节水治污投资"),
    (QH_POOL_WATER, 2022, 8_000, None),
    (QH_POOL_WATER, 2023, 8_000, None),
    (QH_POOL_WATER, 2024, 8_000, None),
    (QH_POOL_WATER, 2025, 6_000, None),
    (QH_POOL_WATER, None, 30_000, "五年合计"),
    ("补贴资金", 2021, 3_000, "省级工业转型升级专项资金（每年）"),
    ("补贴资金", 2022, 4_000, None),
    ("补贴资金", 2023, 4_000, None),
    ("补贴资金", 2024, 4_000, None),
    ("补贴资金", 2025, 3_000, None),
    ("补贴资金", None, 15_000, "五年合计"),
]
QH_MILESTONE_2023 = 55_000  # tce/yr of saving capacity formed by the end of 2023 (mid-term check)
QH_CO2_2025 = 300_000  # t/yr of CO2 reduction capacity at the end of 2025
QH_TARGETS = [  # (metric, year, kind, value, base year, note)
    ("节能量", 2025, "强度下降", QH_ENERGY_REDUCTION, QH_BASE_YEAR,
     "规模以上工业单位增加值能耗较2020年下降12.5%（青政办〔2024〕35号）"),
    ("节水量", 2025, "强度下降", QH_WATER_REDUCTION, QH_BASE_YEAR,
     "万元工业增加值用水量较2020年下降10%（青政办〔2024〕35号）"),
    ("节能量", 2023, "不低于", QH_MILESTONE_2023, None, "中期节点：2023年底形成节能能力（构造）"),
    ("二氧化碳减排量", 2025, "不低于", QH_CO2_2025, None, "2025年底形成的二氧化碳减排能力（构造）"),
]
QH_PARAMETERS = [
    ("目标函数", "最小投资"),
    ("起始年份", QH_START),
    ("终止年份", QH_END),
    ("电力折标方法", "当量值"),
    ("电价(元/kWh)", ELECTRICITY_PRICE),
    ("煤价(元/t)", COAL_PRICE),
    ("气价(元/m³)", GAS_PRICE),
    ("热价(元/GJ)", STEAM_PRICE),
    ("电网排放因子(t/MWh)", GRID_CO2),
    ("折现率", 0.08),
]

# Enterprises (anonymised; sector and location follow seed 003's regional focus: 西宁 PV,
# lithium batteries, fibre; 海西 salt-lake resources, non-ferrous; 海东 alloys, big data).
QH_AL = "电解铝企业A（西宁）"
QH_PS = "多晶硅企业B（西宁）"
QH_LI = "盐湖提锂企业C（海西·格尔木）"
QH_KF = "钾肥企业D（海西·格尔木）"
QH_SA = "纯碱企业E（海西·德令哈）"
QH_FA = "铁合金企业F（海东）"
QH_CE = "水泥企业G（海东）"
QH_PG = "光伏玻璃企业H（西宁）"
QH_PW = "热电企业I（西宁）"
QH_CF = "碳纤维企业J（西宁）"
QH_LB = "锂电池企业K（西宁）"
QH_DC = "数据中心L（海东）"
QH_H2 = "化工企业M（海西·格尔木）"
QH_XN = "西宁经济技术开发区管委会"
QH_HD = "海东工业园区管委会"
QH_CD = "柴达木循环经济试验区管委会"


def qp(pid, name, enterprise, sector, category, capex, *, build=1, profile=None, window=(None, None),
       life=15, tce=None, elec=None, green=None, basis=None, water=None, payback=None, benefit=None,
       opex=None, pool=QH_POOL_ENERGY, note=None, **opts) -> dict:
    """One Qinghai project.  ``elec``/``green`` in 万kWh/yr; for an electric measure the tce
    is its 当量值 (elec × 10 MWh × 0.1229) and ``tce`` must not be given.  ``basis`` is the
    CO2 basis ("elec" or a CO2_PER_TCE key).  Benefit = capex / payback unless given."""
    return dict(id=pid, name=name, enterprise=enterprise, sector=sector, category=category, capex=capex,
                build=build, profile=profile, window=window, life=life, tce=tce, elec=elec, green=green,
                basis=basis, water=water, payback=payback, benefit=benefit, opex=opex, pool=pool, note=note,
                opts=opts)


QH_PROJECTS = [
    # --- 电解铝 (aluminium): two alternative cell retrofits
    qp("AL01", "电解槽石墨化阴极+导流结构改造（方案A）", QH_AL, "有色金属冶炼（电解铝）", "电解槽节能", 30_000,
       build=2, profile="12000/18000", window=(2021, 2023), elec=12_000, basis="elec", payback=6,
       group="电解铝企业A电解槽改造方案", subsidy=0.10),
    qp("AL02", "电解槽新型稳流保温改造（方案B）", QH_AL, "有色金属冶炼（电解铝）", "电解槽节能", 16_000,
       window=(2022, 2023), elec=7_000, basis="elec", payback=5, group="电解铝企业A电解槽改造方案", subsidy=0.10),
    qp("AL03", "电解烟气余热回收（供暖及铸造预热）", QH_AL, "有色金属冶炼（电解铝）", "余热利用", 5_400,
       window=(2023, 2024), life=12, tce=1_800, basis="coal", payback=6),
    qp("AL04", "整流机组及空压站高效化改造", QH_AL, "有色金属冶炼（电解铝）", "电机系统/电力电子", 3_600,
       window=(2021, 2022), life=12, elec=1_800, basis="elec", payback=4),
    # --- 多晶硅 (polysilicon)
    qp("PS01", "还原炉大型化及尾气干法回收改造", QH_PS, "多晶硅", "工艺节能", 36_000,
       build=3, profile="30/40/30", window=(2021, 2023), elec=11_000, basis="elec", payback=7, subsidy=0.10),
    qp("PS02", "还原炉冷却水余热梯级利用", QH_PS, "多晶硅", "余热利用", 9_900,
       window=(2022, 2023), tce=4_300, basis="coal", payback=7),
    qp("PS03", "精馏系统热泵及热耦合改造", QH_PS, "多晶硅", "工艺节能", 10_600,
       build=2, window=(2023, 2024), tce=3_000, basis="coal", payback=9),
    # --- 盐湖化工 (salt-lake lithium and potash)
    qp("LI01", "碳酸锂蒸发结晶MVR改造", QH_LI, "盐湖化工（锂盐）", "热泵/MVR", 12_300,
       build=2, profile="40/60", window=(2021, 2022), tce=5_600, basis="gas", water=150_000, payback=6,
       subsidy=0.15),
    qp("KF01", "钾肥干燥系统余热回收及热风炉改造", QH_KF, "盐湖化工（钾肥）", "余热利用", 6_900,
       window=(2022, 2023), tce=2_300, basis="gas", payback=6),
    # --- 纯碱 (soda ash): SA01 is committed; SA02/SA03 are alternative steam sources
    qp("SA01", "煅烧炉余热回收及重碱蒸汽煅烧改造", QH_SA, "纯碱", "余热利用", 17_000,
       build=2, profile="50/50", window=(2021, 2021), tce=6_800, basis="coal", payback=7, mandatory=True,
       note="已列入2021年省级重点技改计划并开工（构造），必选"),
    qp("SA02", "自备电厂背压机组热电联产改造（方案A）", QH_SA, "纯碱", "热电联产", 16_900,
       build=3, profile="20/50/30", window=(2021, 2022), life=20, tce=5_200, basis="coal", payback=9,
       group="纯碱企业E汽源改造方案"),
    qp("SA03", "燃煤锅炉高效煤粉锅炉替代（方案B）", QH_SA, "纯碱", "锅炉改造", 5_900,
       window=(2022, 2023), tce=2_700, basis="coal", payback=6, group="纯碱企业E汽源改造方案"),
    # --- 铁合金 (ferroalloy): gas-fired power needs a closed furnace first
    qp("FA01", "密闭矿热炉煤气余热发电", QH_FA, "铁合金（硅铁）", "余热发电", 13_800,
       build=2, profile="40/60", window=(2022, 2023), life=20, elec=5_000, basis="elec", payback=6,
       requires="FA03", subsidy=0.15),
    qp("FA02", "矿热炉低压无功补偿及电极自动控制", QH_FA, "铁合金（硅铁）", "电机系统/电力电子", 4_100,
       window=(2021, 2022), elec=2_000, basis="elec", payback=4),
    qp("FA03", "矿热炉密闭化改造", QH_FA, "铁合金（硅铁）", "工艺节能", 6_500,
       window=(2021, 2022), elec=500, basis="elec", payback=8),
    # --- 水泥 (cement)
    qp("CE01", "水泥窑余热发电系统提效改造", QH_CE, "水泥", "余热发电", 6_400,
       window=(2022, 2023), elec=2_400, basis="elec", payback=5),
    qp("CE02", "熟料线六级预热器及高效篦冷机改造", QH_CE, "水泥", "窑炉节能", 19_400,
       build=2, profile="40/60", window=(2023, 2024), tce=5_400, basis="coal", payback=8),
    qp("CE03", "粉磨系统辊压机终粉磨改造", QH_CE, "水泥", "电机系统/粉磨", 5_100,
       window=(2024, 2025), elec=1_500, basis="elec", payback=5),
    # --- 光伏玻璃 (PV glass): two alternative furnace routes
    qp("PG01", "光伏玻璃窑炉全氧燃烧改造（方案A）", QH_PG, "光伏玻璃", "窑炉节能", 13_600,
       build=2, profile="50/50", window=(2022, 2023), tce=4_400, basis="gas", payback=6,
       group="光伏玻璃企业H窑炉改造方案"),
    qp("PG02", "窑炉电助熔及烟气余热发电（方案B）", QH_PG, "光伏玻璃", "窑炉节能", 8_700,
       build=2, profile="40/60", window=(2022, 2023), tce=3_300, basis="gas", payback=6,
       group="光伏玻璃企业H窑炉改造方案"),
    # --- 电力热力 (CHP) and the district steam it enables
    qp("PW01", "燃煤机组汽轮机通流改造", QH_PW, "电力热力", "汽轮机改造", 18_700,
       build=2, profile="40/60", window=(2021, 2022), life=20, tce=8_500, basis="coal", payback=8),
    qp("PW02", "机组供热改造及园区集中供汽管网", QH_PW, "电力热力", "集中供热", 12_800,
       build=2, profile="40/60", window=(2021, 2022), life=25, tce=3_200, basis="coal", payback=12),
    qp("PW03", "自备燃气锅炉停用改接集中供汽", QH_CF, "化学纤维（碳纤维）", "集中供热", 3_200,
       window=(2023, 2024), life=20, tce=2_000, basis="gas", payback=5, requires="PW02"),
    qp("PW04", "循环水泵及引风机变频改造", QH_PW, "电力热力", "电机系统/变频", 2_300,
       window=(2021, 2022), life=12, elec=1_000, basis="elec", payback=4, subsidy=0.15),
    # --- 西宁: carbon fibre, lithium batteries; 海东: data centre
    qp("CF01", "氧化炉废气余热回收制蒸汽", QH_CF, "化学纤维（碳纤维）", "余热利用", 10_900,
       window=(2023, 2024), tce=2_600, basis="coal", payback=8),
    qp("LB01", "涂布机NMP回收系统热泵改造", QH_LB, "锂电池", "热泵", 2_900,
       window=(2024, 2025), life=12, elec=700, basis="elec", payback=4),
    qp("DC01", "数据中心间接蒸发冷却改造", QH_DC, "大数据", "制冷系统", 5_900,
       window=(2024, 2025), life=12, elec=1_300, basis="elec", payback=5),
    # --- parks: energy platform, PV micro-grid; the green-hydrogen pilot is not ready
    qp("GY01", "园区智慧能源管控平台（三园区）", QH_XN, "园区公共设施", "能源管控", 4_300,
       build=2, profile="50/50", window=(2021, 2022), life=10, tce=2_200, basis="mixed", payback=5),
    qp("GY02", "工业园区绿色微电网分布式光伏（30MW）", QH_HD, "园区公共设施", "分布式光伏", 10_500,
       window=(2022, 2024), life=25, green=4_200, basis="elec", subsidy=0.20),
    qp("H201", "绿氢替代天然气示范（电解水制氢）", QH_H2, "化工", "燃料替代", 28_000,
       build=2, window=(2023, 2024), tce=3_000, basis="gas", payback=15, excluded=True,
       note="尚在前期论证（构造），本案例排除"),
    # --- water projects (节水治污资金)
    qp("WR01", "工业污水处理厂中水回用工程", QH_XN, "园区公共设施", "水资源循环利用", 12_000,
       build=2, profile="40/60", window=(2022, 2023), life=20, water=2_000_000, benefit=600, opex=250,
       pool=QH_POOL_WATER, requires="WR02"),
    qp("WR02", "园区雨污分流改造", QH_XN, "园区公共设施", "雨污分流", 3_600,
       window=(2021, 2022), life=30, benefit=0, pool=QH_POOL_WATER),
    qp("WR03", "格尔木工业园再生水利用工程", QH_CD, "园区公共设施", "水资源循环利用", 5_800,
       build=2, window=(2022, 2024), life=20, water=800_000, benefit=240, opex=80, pool=QH_POOL_WATER),
    qp("KF02", "钾肥母液及洗涤水循环回用", QH_KF, "盐湖化工（钾肥）", "节水", 4_600,
       window=(2021, 2023), water=900_000, benefit=270, opex=40, pool=QH_POOL_WATER),
    qp("SA04", "循环冷却水闭式改造及浓水回用", QH_SA, "纯碱", "节水", 4_200,
       window=(2022, 2023), elec=300, basis="elec", water=1_100_000, benefit=380, opex=30, pool=QH_POOL_WATER),
    qp("LI02", "吸附—膜法提锂工艺用水优化", QH_LI, "盐湖化工（锂盐）", "节水", 6_200,
       window=(2023, 2025), water=650_000, benefit=200, opex=20, pool=QH_POOL_WATER),
]
QH_INTERACTIONS = [  # (a, b, energy overlap tce/yr, co2 overlap t/yr)
    # Better-insulated cells leave less heat in the flue gas for AL03 to recover.
    ("AL01", "AL03", 300, round(300 * CO2_PER_TCE["coal"])),
]
# The reference plan (start years): the optimum retrofit-opt found (cases/README.md).  The
# checks below recompute it in plain Python, so the script proves the case feasible without
# a solver and cross-checks the tool's budget and target accounting.
QH_REFERENCE_PLAN = {
    "SA01": 2021, "AL01": 2021, "AL04": 2021, "FA02": 2021, "FA03": 2021, "PW04": 2021, "GY01": 2021,
    "KF02": 2021,
    "SA03": 2022, "FA01": 2022, "PW01": 2022, "WR03": 2022,
    "PS01": 2023, "PS02": 2023, "CE01": 2023, "SA04": 2023,
    "GY02": 2024, "LB01": 2024,
    "CE03": 2025,
}
QH_REFERENCE_CAPEX = 191_600  # 万元, the objective (min_cost) of the reference solve

QH_PROJECT_HEADERS = [  # (canonical key, header as written)
    ("id", "项目编号"), ("name", "项目名称"), ("enterprise", "企业"), ("sector", "行业"),
    ("category", "类别"), ("capex", "投资(万元)"), ("earliest_year", "最早开工年份"),
    ("latest_year", "最晚开工年份"), ("build_years", "建设期(年)"), ("capex_profile", "分年度投资"),
    ("energy_saving", "节能量(吨标准煤/年)"), ("electricity_saving", "节电量(万千瓦时/年)"),
    ("green_power", "绿电量(万千瓦时/年)"), ("co2_reduction", "二氧化碳减排量(吨/年)"),
    ("water_saving", "节水量(立方米/年)"), ("annual_cost_saving", "年节约费用(万元/年)"),
    ("opex_change", "运维费用变化(万元/年)"), ("lifetime", "寿命(年)"), ("mandatory", "必选"),
    ("excluded", "排除"), ("exclusive_group", "互斥组"), ("requires", "前置项目"),
    ("budget_pool", "资金来源"), ("subsidy_rate", "补贴比例"), ("note", "备注"),
]


def qinghai_row(spec: dict) -> dict:
    """The written row of one Qinghai project, with every computed figure filled in."""
    row = dict(id=spec["id"], name=spec["name"], enterprise=spec["enterprise"], sector=spec["sector"],
               category=spec["category"], capex=spec["capex"], earliest_year=spec["window"][0],
               latest_year=spec["window"][1], build_years=spec["build"],
               capex_profile=spec["profile"], lifetime=spec["life"], budget_pool=spec["pool"],
               water_saving=spec["water"], opex_change=spec["opex"], note=spec["note"])
    kwh = spec["elec"] or spec["green"]
    if kwh:
        assert spec["tce"] is None, spec["id"]
        assert kwh % 10 == 0, spec["id"]  # whole hundredths of a tce
        mwh = kwh * 10
        tce = round(mwh * QH_CALORIFIC, 2)
        assert abs(tce - mwh * QH_CALORIFIC) < 1e-9, (spec["id"], tce)
        row["electricity_saving" if spec["elec"] else "green_power"] = kwh
    else:
        tce, mwh = spec["tce"], None
    row["energy_saving"] = tce
    if spec["basis"] == "elec":
        row["co2_reduction"] = round(mwh * GRID_CO2)
    elif spec["basis"]:
        row["co2_reduction"] = round(tce * CO2_PER_TCE[spec["basis"]])
    if spec["benefit"] is not None:
        row["annual_cost_saving"] = spec["benefit"]
    elif spec["payback"] is None:  # PV: the grid electricity it displaces, at the case price
        row["annual_cost_saving"] = round(mwh * ELECTRICITY_PRICE / 10, 2)
    else:
        row["annual_cost_saving"] = round(spec["capex"] / spec["payback"])
    if tce:  # the benefit is never below the energy cost saved at the case prices
        energy_value = (mwh * ELECTRICITY_PRICE / 10 if mwh else
                        tce * VALUE_PER_TCE["steam" if spec["basis"] == "coal" else spec["basis"]])
        assert row["annual_cost_saving"] >= energy_value - 1e-9, (spec["id"], row["annual_cost_saving"], energy_value)
    _options(row, spec["opts"])
    return row


def qinghai_rows() -> list[dict]:
    return [qinghai_row(s) for s in QH_PROJECTS]


def _shares(row: dict) -> list[float]:
    build = row["build_years"] or 1
    if row["capex_profile"] is None:
        return [1 / build] * build
    parts = [float(x) for x in row["capex_profile"].split("/")]
    assert len(parts) == build, row["id"]
    whole = next(w for w in (row["capex"], 100.0, 1.0) if abs(sum(parts) - w) < 1e-9)
    return [x / whole for x in parts]


def qinghai_required(metric: str, year: int, reduction: float) -> float:
    """Saving needed in ``year`` so that the intensity falls by ``reduction`` % against 2020:
    E_bau(y) − (1 − r/100)·(E₀/VA₀)·VA(y)."""
    base = {r[0]: r for r in qinghai_baseline()}
    column = {"energy_saving": 1, "co2_reduction": 3, "water_saving": 4}[metric]
    b, y = base[QH_BASE_YEAR], base[year]
    return y[column] - (1 - reduction / 100) * b[column] / b[2] * y[2]


def qinghai_evaluate(rows: list[dict], plan: dict[str, int]) -> dict:
    """Check a plan {id: start year} against every rule, budget and target of the case in
    plain Python (the counting and budget rules of models/formulation.md)."""
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows), "duplicate ids"
    formed = {}
    for pid, start in plan.items():
        r = by_id[pid]
        build = r["build_years"] or 1
        first = max(QH_START, r["earliest_year"] or QH_START)
        last = min(QH_END - build + 1, r["latest_year"] or QH_END)
        assert first <= start <= last, (pid, start, first, last)
        assert not r.get("excluded"), pid
        formed[pid] = start + build - 1
    for r in rows:
        if r.get("mandatory"):
            assert r["id"] in plan, r["id"]
        if r["id"] in plan and r.get("requires"):
            assert r["requires"] in plan and formed[r["requires"]] <= formed[r["id"]], r["id"]
    groups: dict[str, int] = {}
    for pid in plan:
        if by_id[pid].get("exclusive_group"):
            groups[by_id[pid]["exclusive_group"]] = groups.get(by_id[pid]["exclusive_group"], 0) + 1
    assert all(n <= 1 for n in groups.values()), groups

    def draw(r, pool):
        sigma = r.get("subsidy_rate") or 0
        if pool == "总预算":
            return 1.0
        if pool == "补贴资金":
            return sigma
        return 1 - sigma if r["budget_pool"] == pool else 0.0

    use = {}
    for pool, year, limit, _ in QH_BUDGETS:
        total = 0.0
        for pid, start in plan.items():
            r = by_id[pid]
            for k, share in enumerate(_shares(r)):
                if year is None or start + k == year:
                    total += r["capex"] * share * draw(r, pool)
        use[(pool, year)] = total
        assert total <= limit + 1e-6, (pool, year, total, limit)

    def metric_total(key, year):
        counts = {pid for pid in plan if formed[pid] <= year <= formed[pid] + by_id[pid]["lifetime"]}
        total = sum(by_id[pid].get(key) or 0 for pid in counts)
        for a, b, e_overlap, c_overlap in QH_INTERACTIONS:
            if a in counts and b in counts:
                total -= {"energy_saving": e_overlap, "co2_reduction": c_overlap}.get(key, 0)
        return total

    keys = {"节能量": "energy_saving", "节水量": "water_saving", "二氧化碳减排量": "co2_reduction"}
    achieved = []
    for written, year, kind, value, _, _ in QH_TARGETS:
        key = keys[written]
        required = qinghai_required(key, year, value) if kind == "强度下降" else value
        total = metric_total(key, year)
        assert total >= required - 1e-6, (written, year, total, required)
        achieved.append((written, year, kind, value, required, total))
    capex = sum(by_id[p]["capex"] for p in plan)
    return {"capex": capex, "use": use, "achieved": achieved}


def qinghai_intensity_change(metric: str, year: int, saving: float) -> float:
    base = {r[0]: r for r in qinghai_baseline()}
    column = {"energy_saving": 1, "co2_reduction": 3, "water_saving": 4}[metric]
    b, y = base[QH_BASE_YEAR], base[year]
    return 100 * (((y[column] - saving) / y[2]) / (b[column] / b[2]) - 1)


def qinghai_notes(rows: list[dict], check: dict) -> list[str]:
    base = qinghai_baseline()
    b0, b25 = base[0], base[-1]
    e_req = qinghai_required("energy_saving", 2025, QH_ENERGY_REDUCTION)
    w_req = qinghai_required("water_saving", 2025, QH_WATER_REDUCTION)

    def pool_text(pool: str) -> str:
        yearly = [f"{y}年 {limit:,}" for p, y, limit, _ in QH_BUDGETS if p == pool and y is not None]
        whole = [f"{limit:,}" for p, y, limit, _ in QH_BUDGETS if p == pool and y is None]
        return "、".join(yearly) + ("，" if yearly else "") + f"2021–2025 合计 {whole[0]}"

    return [
        "青海省重点园区重点用能企业集群 2021–2025 节能节水改造规划 —— retrofit-opt 示例案例（多年度）",
        "【构造数据】基准情景、企业数据和全部项目均为构造数据，仅与公开的省级目标相吻合，并非真实项目数据；企业已匿名。"
        "Constructed project data matching public targets; not real project data.",
        "公开目标（shared/seeds/003，《青海省推动工业绿色转型实施方案》青政办〔2024〕35号）：到2025年，全省规模以上工业单位增加值能耗"
        "较2020年下降12.5%，万元工业增加值用水量较2020年下降10%，一般工业固体废物综合利用率达到60%；2030年碳排放总量实现达峰。"
        "区域布局（同一文件）：西宁重点发展光伏、锂电、复合纤维材料，海西重点发展盐湖资源综合利用、有色冶金、氢能，海东重点发展新能源、合金材料、大数据。",
        "案例口径：分布于西宁、海东、海西工业园区的13家重点用能企业及3个园区管委会组成的构造集群，不是全省规模以上工业的真实数据。"
        f"2020年综合能耗 {b0[1]:,} 吨标准煤、工业增加值 {b0[2]:,} 万元（{QH_ENERGY_INTENSITY_0} 吨标准煤/万元）、"
        f"用水量 {b0[4]:,} 立方米（{QH_WATER_INTENSITY_0:g} 立方米/万元）、二氧化碳排放 {b0[3]:,} 吨。",
        "基准情景（基准 sheet）：不实施候选项目时的预测。工业增加值年均增长约6–7%；由于低能耗的锂电、光伏制造占比上升，"
        f"单位增加值能耗到2025年自然下降 {QH_ENERGY_BAU_FALL[2025]:g}%，用水强度自然下降 {QH_WATER_BAU_FALL[2025]:g}%，"
        "其余降幅须由项目实现。",
        f"所需节能量（2025）= E_bau − (1 − 12.5%)×(E₀/VA₀)×VA = {b25[1]:,} − 0.875×{QH_ENERGY_INTENSITY_0}×{b25[2]:,} "
        f"= {e_req:,.0f} 吨标准煤/年；所需节水量（2025）= {b25[4]:,} − 0.9×{QH_WATER_INTENSITY_0:g}×{b25[2]:,} "
        f"= {w_req:,.0f} 立方米/年。",
        f"另设两项构造目标：2023年底形成节能能力 ≥ {QH_MILESTONE_2023:,} 吨标准煤/年（中期节点）；"
        f"2025年底二氧化碳减排能力 ≥ {QH_CO2_2025:,} 吨/年。",
        "计数规则：第t年开工、建设期b年的项目，从第 t+b−1 年底起计入目标（形成节能能力）；投资按分年度投资在建设期内支付。",
        "折标：基准与节能量统一按当量值（电力 0.1229 kgce/kWh，GB/T 2589-2020，参数“电力折标方法=当量值”）；"
        "节电项目的节能量 = 节电量 × 0.1229 并直接填写。二氧化碳：节电按全国电网排放因子 0.5703 t/MWh（工具默认值；"
        "青海电网以水电、光伏为主，实际因子更低，可在参数中覆盖），燃煤及燃煤热力 2.66 t/tce，天然气 1.78 t/tce，能源管控平台 2.2 t/tce。",
        "GY02 光伏（30MW）绿电 4,200 万千瓦时/年按替代电网电量计：节能量 5,161.8 吨标准煤/年、减排 23,953 吨/年"
        "（按“新增可再生能源消费不纳入能源消费总量”的口径计入）。",
        "年节约费用为构造值：按假定静态回收期（4–15年）由投资反推，且不低于按本案例能源价格计算的能源费用节约；"
        "光伏按替代电网电量×电价计；节水项目直接给出（节水收益较低，单独看净现值为负，入选是为了达成用水强度目标）。",
        f"资金（万元）：总预算 {pool_text('总预算')}；节能降碳改造资金 {pool_text(QH_POOL_ENERGY)}；"
        f"节水治污资金 {pool_text(QH_POOL_WATER)}；补贴资金（省级工业转型升级专项资金）{pool_text('补贴资金')}。"
        "项目“补贴比例”部分由补贴资金支付，其余由其资金来源支付；多年建设项目按分年度投资计入各年预算。",
        "目标函数：最小投资 —— 满足全部规划目标所需的最少投资。",
        "逻辑关系：互斥组“电解铝企业A电解槽改造方案”（AL01/AL02）、“纯碱企业E汽源改造方案”（SA02/SA03）、"
        "“光伏玻璃企业H窑炉改造方案”（PG01/PG02）；FA01 须以 FA03（矿热炉密闭化）为前提，PW03 须以 PW02（集中供汽管网）为前提，"
        "WR01 须以 WR02（雨污分流）为前提，且前提项目不晚于本项目建成；SA01 已开工（2021），必选；H201 尚在前期论证，排除；"
        "AL01 与 AL03 同时实施时节能量重叠 300 吨标准煤/年（交互 sheet）。",
        f"可行性：参考方案（retrofit-opt 求得的最优解，{len(QH_REFERENCE_PLAN)} 个项目，投资 {check['capex']:,} 万元）"
        "满足全部规则、预算与目标（生成脚本以纯 Python 复核）。"
        + "；".join(f"{w}（{y}）要求 {req:,.0f}、实现 {got:,.1f}" for w, y, _, _, req, got in check["achieved"])
        + f"；2025年单位增加值能耗较2020年下降 "
        f"{-qinghai_intensity_change('energy_saving', 2025, check['achieved'][0][5]):.2f}%（目标 12.5%），"
        f"用水强度下降 {-qinghai_intensity_change('water_saving', 2025, check['achieved'][1][5]):.2f}%（目标 10%）。",
        "本说明 sheet 不参与计算（读取时忽略）。由 cases/build_cases.py 生成，勿手工修改；详见 cases/README.md。",
    ]


def build_qinghai(path: Path) -> dict:
    rows = qinghai_rows()
    check = qinghai_evaluate(rows, QH_REFERENCE_PLAN)
    assert check["capex"] == QH_REFERENCE_CAPEX, check["capex"]
    wb = Workbook()
    wb.remove(wb.active)
    add_notes(wb, "说明", qinghai_notes(rows, check))
    headers = [h for _, h in QH_PROJECT_HEADERS]
    widths = {"项目名称": 36, "企业": 26, "行业": 20, "互斥组": 24, "类别": 16, "备注": 36}
    add_table(wb, "项目", headers, [[r.get(k) for k, _ in QH_PROJECT_HEADERS] for r in rows], widths)
    add_table(wb, "预算", ["资金池", "年份", "上限(万元)", "备注"], [list(b) for b in QH_BUDGETS],
              {"资金池": 18, "备注": 36})
    add_table(wb, "目标", ["指标", "年份", "类型", "值", "基准年", "备注"], [list(t) for t in QH_TARGETS],
              {"备注": 60})
    add_table(wb, "基准", ["年份", "综合能耗(吨标准煤)", "工业增加值(万元)", "二氧化碳排放(吨)", "用水量(立方米)"],
              [list(r) for r in qinghai_baseline()])
    add_table(wb, "参数", ["参数", "值"], [list(p) for p in QH_PARAMETERS], {"参数": 24, "值": 14})
    add_table(wb, "交互", ["项目A", "项目B", "节能量重叠(吨标准煤/年)", "减排量重叠(吨/年)"],
              [list(i) for i in QH_INTERACTIONS])
    save_deterministic(wb, path)
    return check


# ====================================================== Ganhe case with per-tce awards (issue 16)
# The Ganhe case, its own energy fund tightened and a per-tce award rule added at the
# PUBLISHED rates of Tianjin's 节能专项资金 (400 元/tce of annual saving, at most 400 万元 per
# project and 30 % of the investment; electricity counted at 315 gce/kWh, close to the
# 等价值 0.3055 this case uses).  The fund's limit, the tightened energy fund and the
# enterprise row are CONSTRUCTED.
AWARD_POOL = "节能专项资金"
AWARD_RULES = (
    ("天津市节能专项资金标准（参照）", AWARD_POOL, 400, 400, 0.30,
     "公开标准：天津市节能专项资金 400元/吨标准煤，单个项目不超过400万元且不超过项目投资的30%；在本构造案例中参照使用"),
)
AWARD_BUDGETS = (
    ("总预算", None, 208_400),
    (POOL_ENERGY, None, 103_600),  # constructed: 800 万元 below Ganhe's 104,400, the awards make up for it
    (POOL_ENERGY, "黄河鑫业有限公司", 31_000),  # constructed: the enterprise's self-funding capacity
    (POOL_ENV, None, 104_000),
    ("补贴资金", None, 6_000),
    (AWARD_POOL, None, 2_500),  # constructed: the award fund available to the park this year
)


def build_ganhe_awards(path: Path) -> None:
    rows = ganhe_rows()
    wb = Workbook()
    wb.remove(wb.active)
    add_notes(wb, "说明", [
        "甘河工业园区 2024 项目组合 + 按节能量奖励（retrofit-opt 示例案例，issue 16）",
        "【公开标准】补贴规则参照天津市节能专项资金：400元/吨标准煤（年节能量），单个项目不超过400万元，且不超过项目投资的30%。"
        "Published rates of Tianjin's energy-saving fund: 400 元/tce, ≤ 400 万元 per project, ≤ 30 % of the investment.",
        "【构造数据】项目数据同 ganhe_2024.xlsx（构造值）；节能改造资金上限 103,600 万元（比原案例少 800 万元）、"
        "黄河鑫业有限公司自筹上限 31,000 万元、节能专项资金 2,500 万元均为构造值。Budgets here are CONSTRUCTED.",
        "奖励由“节能专项资金”支付，并相应减少项目资金来源（节能改造资金）的支出；总预算仍计全部投资。",
        "本说明 sheet 不参与计算（读取时忽略）。由 cases/build_cases.py 生成，勿手工修改；详见 cases/README.md。",
    ])
    headers = [h for _, h in PROJECT_HEADERS]
    widths = {"项目名称": 36, "企业": 30, "行业": 20, "互斥组": 22, "类别": 16}
    add_table(wb, "项目", headers, [[r.get(k) for k, _ in PROJECT_HEADERS] for r in rows], widths)
    add_table(wb, "预算", ["资金池", "企业", "上限(万元)"], [list(b) for b in AWARD_BUDGETS], {"企业": 20})
    add_table(wb, "目标", ["指标", "类型", "值"], [list(t) for t in TARGETS])
    add_table(wb, "参数", ["参数", "值"], [list(p) for p in PARAMETERS], {"参数": 24, "值": 14})
    add_table(wb, "交互", ["项目A", "项目B", "节能量重叠(吨标准煤/年)", "减排量重叠(吨/年)"],
              [list(i) for i in INTERACTIONS])
    add_table(wb, "补贴规则", ["规则名称", "资金池", "奖励标准(元/吨标准煤)", "单个项目上限(万元)", "占投资比例上限", "备注"],
              [list(r) for r in AWARD_RULES], {"规则名称": 30, "备注": 60})
    save_deterministic(wb, path)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    build_ganhe_awards(out / "ganhe_awards_2024.xlsx")
    print(f"wrote {out / 'ganhe_awards_2024.xlsx'}: the Ganhe case with the Tianjin per-tce award rule")
    checks = build_ganhe(out / "ganhe_2024.xlsx")
    table = build_tiny(out / "tiny.xlsx")
    qinghai = build_qinghai(out / "qinghai_2025.xlsx")
    print(f"wrote {out / 'ganhe_2024.xlsx'}: JN01–JN12 capex {checks['capex']:,} 万元, "
          f"saving {checks['saving']:,} tce/yr; reference portfolio budget use {checks['budget_use']}, "
          f"achieved {checks['achieved']}")
    print(f"wrote {out / 'tiny.xlsx'}: {len(table)} subsets within the rules and budget; optimum "
          f"{TINY_OPTIMUM}")
    print(f"wrote {out / 'qinghai_2025.xlsx'}: {len(QH_PROJECTS)} projects, 2021–2025; reference plan "
          f"{len(QH_REFERENCE_PLAN)} projects, capex {qinghai['capex']:,} 万元, targets (required, achieved): "
          + "; ".join(f"{w} {y} {req:,.0f} / {got:,.1f}" for w, y, _, _, req, got in qinghai['achieved']))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
