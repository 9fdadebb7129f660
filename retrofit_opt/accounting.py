"""Energy and emissions accounting: carrier savings → tce, CO2 and money.

Factors come from the case's ``parameters`` (defaults and their sources are in
``schema/parameters.csv``).  Units: electricity MWh, coal t, gas m³, heat GJ; results in
tce, t CO2 and 万元.
"""
from __future__ import annotations

from retrofit_opt.case import Parameters

# kgce/kWh: calorific value (当量值) per GB/T 2589-2020; equivalent value (等价值) as the
# 2020 national average coal consumption of power supply, 305.5 gce/kWh (CEC).
ELECTRICITY_TCE_DEFAULTS = {"calorific": 0.1229, "equivalent": 0.3055}


def electricity_tce_per_mwh(params: Parameters) -> float:
    """tce per MWh; numerically equal to kgce per kWh."""
    if params.electricity_tce_factor is not None:
        return params.electricity_tce_factor
    return ELECTRICITY_TCE_DEFAULTS[params.electricity_tce_method]


def tce_factors(params: Parameters) -> dict[str, float]:
    """tce per canonical unit of each carrier column."""
    electricity = electricity_tce_per_mwh(params)
    return {
        "electricity_saving": electricity,
        "green_power": electricity,  # renewable output displaces grid electricity
        "coal_saving": params.coal_tce_factor,  # kgce/kg = tce/t
        "gas_saving": params.gas_tce_factor / 1000.0,  # kgce/m³ → tce/m³
        "steam_saving": params.steam_tce_factor,  # kgce/MJ = tce/GJ
    }


def co2_factors(params: Parameters) -> dict[str, float]:
    """t CO2 per canonical unit of each carrier column."""
    return {
        "electricity_saving": params.grid_co2_factor,  # t/MWh
        "green_power": params.grid_co2_factor,
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
        "green_power": per(params.electricity_price, 1000.0),
        "coal_saving": per(params.coal_price, 1.0),
        "gas_saving": per(params.gas_price, 1.0),
        "steam_saving": per(params.steam_price, 1.0),
    }


def carriers_to(factors: dict[str, float | None], carriers: dict[str, float]) -> float:
    return sum((amount * factors[name] for name, amount in carriers.items() if amount), 0.0)
