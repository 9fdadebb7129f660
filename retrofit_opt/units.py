"""Units written in header brackets, e.g. ``投资(万元)`` or ``capex (亿元)``.

Every quantity kind has one canonical unit (money 万元, energy tce/yr, electricity MWh/yr,
mass t/yr, gas m³/yr, heat GJ/yr, water m³/yr).  A header unit is converted when it is in
the table below and is an error otherwise: a unit is never guessed.
"""
from __future__ import annotations

import re
import unicodedata

CANONICAL = {
    "money": "万元",
    "money_per_year": "万元/yr",
    "energy": "tce/yr",
    "energy_stock": "tce",
    "electricity": "MWh/yr",
    "mass": "t/yr",
    "mass_stock": "t",
    "gas": "m³/yr",
    "heat": "GJ/yr",
    "water": "m³/yr",
    "water_stock": "m³",
    "years": "yr",
    "share": "fraction",
    "award_per_energy": "元/tce",
    "award_per_mass": "元/t",
}

_MONEY = {"元": 1e-4, "yuan": 1e-4, "rmb": 1e-4, "cny": 1e-4, "千元": 0.1,
          "万元": 1.0, "万": 1.0, "10kyuan": 1.0, "wanyuan": 1.0, "万元人民币": 1.0,
          "百万元": 100.0, "millionyuan": 100.0, "myuan": 100.0, "千万元": 1000.0,
          "亿元": 1e4, "亿": 1e4, "100millionyuan": 1e4, "100myuan": 1e4}
_ENERGY = {"tce": 1.0, "吨标准煤": 1.0, "吨标煤": 1.0, "t标准煤": 1.0, "t标煤": 1.0,
           "kgce": 1e-3, "千克标准煤": 1e-3, "公斤标准煤": 1e-3,
           "万tce": 1e4, "万吨标准煤": 1e4, "万吨标煤": 1e4}
_ELECTRICITY = {"mwh": 1.0, "兆瓦时": 1.0, "kwh": 1e-3, "千瓦时": 1e-3, "度": 1e-3,
                "万kwh": 10.0, "万千瓦时": 10.0, "万度": 10.0, "gwh": 1e3, "吉瓦时": 1e3,
                "百万千瓦时": 1e3, "亿kwh": 1e5, "亿千瓦时": 1e5, "亿度": 1e5}
_MASS = {"t": 1.0, "吨": 1.0, "kg": 1e-3, "千克": 1e-3, "公斤": 1e-3, "万t": 1e4, "万吨": 1e4}
_GAS = {"m³": 1.0, "立方米": 1.0, "方": 1.0, "nm³": 1.0, "标方": 1.0, "标准立方米": 1.0,
        "万m³": 1e4, "万立方米": 1e4, "万方": 1e4, "万nm³": 1e4, "万标方": 1e4,
        "亿m³": 1e8, "亿立方米": 1e8, "亿方": 1e8}
_HEAT = {"gj": 1.0, "吉焦": 1.0, "mj": 1e-3, "兆焦": 1e-3, "tj": 1e3, "万gj": 1e4, "万吉焦": 1e4}
# One tonne of water is one cubic metre: Chinese statistics count water in 吨 and 立方米 alike.
_WATER = {"m³": 1.0, "立方米": 1.0, "方": 1.0, "t": 1.0, "吨": 1.0,
          "万m³": 1e4, "万立方米": 1e4, "万方": 1e4, "万t": 1e4, "万吨": 1e4}
_YEARS = {"年": 1.0, "yr": 1.0, "yrs": 1.0, "year": 1.0, "years": 1.0, "a": 1.0}
_SHARE = {"%": 0.01, "percent": 0.01, "fraction": 1.0}
# Award rates (subsidy_rules): 元 per tce of annual saving / per t of annual CO2 reduction.
_AWARD_PER_ENERGY = {"元/tce": 1.0, "元/吨标准煤": 1.0, "元/吨标煤": 1.0, "元/t标准煤": 1.0,
                     "yuan/tce": 1.0, "万元/tce": 1e4, "万元/吨标准煤": 1e4, "万元/万tce": 1.0,
                     "万元/万吨标准煤": 1.0}
_AWARD_PER_MASS = {"元/t": 1.0, "元/吨": 1.0, "yuan/t": 1.0, "元/tco2": 1.0, "元/吨二氧化碳": 1.0,
                   "万元/t": 1e4, "万元/万t": 1.0, "万元/万吨": 1.0}

FACTORS: dict[str, dict[str, float]] = {
    "money": _MONEY, "money_per_year": _MONEY, "energy": _ENERGY, "energy_stock": _ENERGY,
    "electricity": _ELECTRICITY, "mass": _MASS, "mass_stock": _MASS, "gas": _GAS,
    "heat": _HEAT, "water": _WATER, "water_stock": _WATER, "years": _YEARS, "share": _SHARE,
    "award_per_energy": _AWARD_PER_ENERGY, "award_per_mass": _AWARD_PER_MASS,
}
ANNUAL_KINDS = {"money_per_year", "energy", "electricity", "mass", "gas", "heat", "water"}
_PER_YEAR = re.compile(r"(/年|/yr|/a|/year|每年|/y)$")


def normalise_unit(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"m\^?3", "m³", text)  # m3 and m^3 are m³
    return text


def conversion_factor(kind: str, unit: str) -> float | None:
    """Factor that converts a value in ``unit`` to the canonical unit of ``kind``.

    ``None`` when the unit is not known for the kind.  A trailing ``/年`` or ``/yr`` is
    accepted for annual quantities only.
    """
    table = FACTORS.get(kind)
    if table is None:
        return None
    norm = normalise_unit(unit)
    if kind in ANNUAL_KINDS:
        norm = _PER_YEAR.sub("", norm)
    known = {normalise_unit(k): v for k, v in table.items()}
    return known.get(norm)


def known_units(kind: str) -> list[str]:
    return list(FACTORS.get(kind, {}))
