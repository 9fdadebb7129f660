"""Energy and emissions accounting: carrier savings → tce, CO2 and money.

Factors come from the case's ``parameters`` (defaults and their sources are in
``schema/parameters.csv``; :func:`factor_table` lists them for the report).  Units:
electricity MWh, coal t, gas m³, heat GJ; results in tce, t CO2 and 万元.

Where the defaults come from (each is checked against these derivations in
``tests/test_accounting.py``):

* tce (GB/T 2589-2020 综合能耗计算通则, Appendix A).  1 kgce is 7,000 kcal (29,307.6 kJ);
  the Appendix A factors are the fuels' average low calorific values in kcal over 7,000:
  raw coal 5,000 kcal/kg → 0.7143 kgce/kg; natural gas (gas-field gas, the 2008 edition's
  value; the 2020 edition gives a range 1.1000–1.3300) 8,500 kcal/m³ → 1.2143 kgce/m³;
  heat 1 MJ = 238.85 kcal → 0.03412 kgce/MJ; electricity by calorific value (当量值)
  860 kcal/kWh → 0.1229 kgce/kWh.
* Electricity by equivalent value (等价值): the coal burnt to supply a kWh, the national
  average coal consumption of power supply, 305.5 gce/kWh in 2020 (China Electricity
  Council) → 0.3055 kgce/kWh.
* CO2 of fuels: low calorific value × carbon per unit of heat × oxidation rate × 44/12:
  raw coal 20.908 GJ/t × 26.37 tC/TJ × 0.94 → 1.9003 t/t; natural gas 389.31 GJ/10⁴ m³ ×
  15.3 tC/TJ × 0.99 → 2.1622 kg/m³.  Heat 0.11 t/GJ (GB/T 32150-2015); grid 0.5703 t/MWh.

Renewable output (``green_power``, on-site generation that displaces purchased grid
electricity) is, by default, counted exactly like saved grid electricity: the electricity
tce factor of the case's method (当量值 or 等价值; China's energy statistics convert
primary electricity by the coal-equivalent method, i.e. 等价值), the grid CO2 factor and
the electricity price.  A case may say instead that green power saves no energy
(``green_power_tce_method = none``: it still cuts CO2 and costs), e.g. when its plan counts
renewables apart from energy savings (新增可再生能源消费不纳入能源消费总量).
"""
from __future__ import annotations

import dataclasses

from retrofit_opt import schema
from retrofit_opt.case import Parameters, Project

# kgce/kWh: calorific value (当量值) per GB/T 2589-2020; equivalent value (等价值) as the
# 2020 national average coal consumption of power supply, 305.5 gce/kWh (CEC).
ELECTRICITY_TCE_DEFAULTS = {"calorific": 0.1229, "equivalent": 0.3055}

# How green power counts toward energy saving (parameter ``green_power_tce_method``):
# "electricity" = like saved grid electricity (default), "none" = not at all.
GREEN_POWER_TCE_METHODS = ("electricity", "none")
GREEN_POWER_TCE_DEFAULT = "electricity"

CARRIERS = schema.CARRIERS


def electricity_tce_per_mwh(params: Parameters) -> float:
    """tce per MWh; numerically equal to kgce per kWh."""
    if params.electricity_tce_factor is not None:
        return params.electricity_tce_factor
    return ELECTRICITY_TCE_DEFAULTS[params.electricity_tce_method]


def green_power_tce_method(params: Parameters) -> str:
    """The case's green-power rule; ``electricity`` unless the parameters say otherwise
    (read with a default so that parameter sets without the field keep working)."""
    return getattr(params, "green_power_tce_method", None) or GREEN_POWER_TCE_DEFAULT


def green_power_tce_per_mwh(params: Parameters) -> float:
    """tce per MWh of renewable output: the electricity factor, or 0 under ``none``."""
    method = green_power_tce_method(params)
    if method not in GREEN_POWER_TCE_METHODS:
        raise ValueError(f"green_power_tce_method must be one of {', '.join(GREEN_POWER_TCE_METHODS)}, "
                         f"not {method!r}")
    return 0.0 if method == "none" else electricity_tce_per_mwh(params)


def tce_factors(params: Parameters) -> dict[str, float]:
    """tce per canonical unit of each carrier column."""
    return {
        "electricity_saving": electricity_tce_per_mwh(params),
        "green_power": green_power_tce_per_mwh(params),  # displaces grid electricity
        "coal_saving": params.coal_tce_factor,  # kgce/kg = tce/t
        "gas_saving": params.gas_tce_factor / 1000.0,  # kgce/m³ → tce/m³
        "steam_saving": params.steam_tce_factor,  # kgce/MJ = tce/GJ
    }


def co2_factors(params: Parameters) -> dict[str, float]:
    """t CO2 per canonical unit of each carrier column."""
    return {
        "electricity_saving": params.grid_co2_factor,  # t/MWh
        "green_power": params.grid_co2_factor,  # displaces grid electricity
        "coal_saving": params.coal_co2_factor,  # t/t
        "gas_saving": params.gas_co2_factor / 1000.0,  # kg/m³ → t/m³
        "steam_saving": params.steam_co2_factor,  # t/GJ
    }


def price_factors(params: Parameters) -> dict[str, float | None]:
    """万元 per canonical unit of each carrier; None where the price is not given."""
    def per(price, units_per_canonical):
        return None if price is None else price * units_per_canonical / 1e4
    return {
        "electricity_saving": per(params.electricity_price, 1000.0),  # 元/kWh × 1000 kWh/MWh
        "green_power": per(params.electricity_price, 1000.0),  # purchased electricity avoided
        "coal_saving": per(params.coal_price, 1.0),
        "gas_saving": per(params.gas_price, 1.0),
        "steam_saving": per(params.steam_price, 1.0),
    }


def carriers_to(factors: dict[str, float | None], carriers: dict[str, float]) -> float:
    """Σ amount × factor over the carriers given (a zero or blank amount adds nothing)."""
    return sum(amount * factors[name] for name, amount in carriers.items() if amount)


def carrier_metrics(carriers: dict[str, float], params: Parameters) -> dict[str, float | None]:
    """energy_saving (tce/yr), co2_reduction (t/yr) and annual_cost_saving (万元/yr) of the
    given carrier amounts (canonical units); annual_cost_saving is None when a carrier
    with a non-zero amount has no price."""
    prices = price_factors(params)
    priced = all(prices[name] is not None for name, amount in carriers.items() if amount)
    return {"energy_saving": carriers_to(tce_factors(params), carriers),
            "co2_reduction": carriers_to(co2_factors(params), carriers),
            "annual_cost_saving": carriers_to(prices, carriers) if priced else None}


def recompute_project(project: Project, params: Parameters) -> Project:
    """The project with every quantity it computed from carriers (``project.computed``)
    recomputed under ``params``: for scenarios that change a factor, the 当量值/等价值 choice
    or a price.  Quantities the case gave are kept.  A cost saving that becomes
    uncomputable (a price removed) is kept as it was."""
    if not project.computed:
        return project
    carriers = {c: project.metric(c) for c in CARRIERS if project.metric(c)}
    values = carrier_metrics(carriers, params)
    metrics = dict(project.metrics)
    for name in ("energy_saving", "co2_reduction"):
        if name in project.computed:
            metrics[name] = values[name]
    cost = project.annual_cost_saving
    if "annual_cost_saving" in project.computed and values["annual_cost_saving"] is not None:
        cost = values["annual_cost_saving"]
    return dataclasses.replace(project, metrics=metrics, annual_cost_saving=cost)


# --------------------------------------------------------------------- the factor table
# (key, carrier the factor applies to) in the order the report lists them.
_FACTOR_KEYS = ("electricity_tce_factor", "coal_tce_factor", "gas_tce_factor", "steam_tce_factor",
                "grid_co2_factor", "coal_co2_factor", "gas_co2_factor", "steam_co2_factor")


def _spec_source(key: str) -> str:
    try:
        return schema.parameter(key).source
    except KeyError:
        return ""


def _electricity_source(method: str) -> str:
    """The part of the electricity factor's source that concerns ``method``."""
    text = _spec_source("electricity_tce_factor")
    for part in text.split(";"):
        if part.strip().lower().startswith(method + ":"):
            return part.split(":", 1)[1].strip()
    return text


def factor_table(params: Parameters) -> list[dict]:
    """Every conversion and emission factor the case uses, for the report's Run info: one
    dict per factor with ``key``, ``label``, ``label_zh``, ``value``, ``unit``,
    ``source`` and ``default`` (False when the case overrides the default; the source
    then says so and names the default's source)."""
    rows = []
    method = params.electricity_tce_method
    method_zh = {"calorific": "当量值", "equivalent": "等价值"}.get(method, method)
    for key in _FACTOR_KEYS:
        spec = schema.parameter(key)
        if key == "electricity_tce_factor":
            value = electricity_tce_per_mwh(params)
            default_value = ELECTRICITY_TCE_DEFAULTS[method]
            default_source = _electricity_source(method)
            label = f"Electricity to standard coal, {method} ({method_zh})"
            label_zh = f"电力折标准煤系数（{method_zh}）"
        else:
            value = getattr(params, key)
            default_value = float(spec.default)
            default_source = spec.source
            label = spec.description.rstrip(".")
            label_zh = spec.description_zh.rstrip("。") or spec.zh
        is_default = value == default_value
        source = default_source if is_default else (
            f"case parameter {key} (default {default_value:g} {spec.unit}: {default_source})")
        rows.append({"key": key, "label": label, "label_zh": label_zh, "value": value, "unit": spec.unit,
                     "source": source, "default": is_default})
    green = green_power_tce_method(params)
    rows.append({
        "key": "green_power_tce_method",
        "label": "Green power counted as saved grid electricity" if green == "electricity"
        else "Green power not counted as energy saving (CO2 and cost only)",
        "label_zh": "绿电按节约电网电量计（折标与排放）" if green == "electricity" else "绿电不计入节能量（仅计减排和费用）",
        "value": green_power_tce_per_mwh(params), "unit": "kgce/kWh",
        "source": "retrofit-opt convention: renewable output displaces grid electricity (electricity tce "
                  "factor of the chosen method, grid CO2 factor, electricity price)",
        "default": green == GREEN_POWER_TCE_DEFAULT})
    spec = schema.parameter("discount_rate")
    default_rate = float(spec.default)
    rows.append({"key": "discount_rate", "label": spec.description.rstrip("."),
                 "label_zh": spec.description_zh.rstrip("。"), "value": params.discount_rate,
                 "unit": "fraction", "default": params.discount_rate == default_rate,
                 "source": spec.source if params.discount_rate == default_rate else
                 f"case parameter discount_rate (default {default_rate:g}: {spec.source})"})
    return rows
