"""Write the bundled example cases: ``ganhe_2024.xlsx`` (Chinese) and ``tiny.xlsx`` (English).

Run from anywhere:  ``python cases/build_cases.py``  (writes next to this script).

The script is deterministic: no randomness, fixed document timestamps and fixed zip entry
times, so the same script always gives byte-identical workbooks (and the same SHA-256 in
a results workbook's run info).  Before writing it checks, in plain Python, that

* the twelve projects the park carried out (JN01–JN12) add up exactly to the public
  totals: 104,400 万元 of investment and 35,300 tce/yr of energy saving;
* the reference portfolio (JN01–JN12 plus the environmental works HB01–HB06) meets every
  budget and every target of the Ganhe case, so the case is feasible;
* the hand-worked optimum of ``tiny.xlsx`` (cases/README.md) is the brute-force optimum.

PROJECT-LEVEL NUMBERS ARE CONSTRUCTED to match the public totals of the 2024 reports on
the Ganhe industrial park (shared/seeds/000 and 001, PRODUCT.md §7); they are not real
project data.  See cases/README.md.
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
]


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
    rows = [energy_row(s) for s in ENERGY_PROJECTS] + [env_row(s) for s in ENV_PROJECTS]
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
    add_table(wb, "参数", ["参数", "值"], [list(p) for p in PARAMETERS], {"参数": 24, "值": 14})
    add_table(wb, "交互", ["项目A", "项目B", "节能量重叠(吨标准煤/年)", "减排量重叠(吨/年)"],
              [list(i) for i in INTERACTIONS])
    save_deterministic(wb, path)
    return checks


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


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    checks = build_ganhe(out / "ganhe_2024.xlsx")
    table = build_tiny(out / "tiny.xlsx")
    print(f"wrote {out / 'ganhe_2024.xlsx'}: JN01–JN12 capex {checks['capex']:,} 万元, "
          f"saving {checks['saving']:,} tce/yr; reference portfolio budget use {checks['budget_use']}, "
          f"achieved {checks['achieved']}")
    print(f"wrote {out / 'tiny.xlsx'}: {len(table)} subsets within the rules and budget; optimum "
          f"{TINY_OPTIMUM}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
