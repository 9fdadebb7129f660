"""Bounds on every value, wherever it comes from, and on everything that sizes work.

One validation path: a cell of the case, a parameter, a scenario row, a command-line
option and a Python API argument all go through :func:`check_number` (and the named
checks built on it), which raises :class:`OptionError` with the value and the fix; the
workbook side turns that into a located problem, the command line into a usage error
(exit 2), the API into the exception itself.

Resolution and range (canonical units: money 万元, energy tce/yr, …):

* a magnitude above :data:`MAX_MAGNITUDE` (10¹² — a hundred times the world's GDP in 万元)
  is an error: solvers drop coefficients that large silently;
* a non-zero magnitude below :data:`RESOLUTION` (10⁻⁶: 0.01 元, a gram of standard coal)
  is an error — it is below what the tool resolves, and ratios of such numbers overflow;
  write 0 if nothing is meant;
* NaN and ±infinity are errors everywhere.

Bounds that size work are checked before anything is allocated: the rows of a sheet, the
years of the horizon, build years, lifetime, capex profile entries, scenarios, sweep steps.
"""
from __future__ import annotations

import math

from retrofit_opt.errors import RetrofitError

MAX_MAGNITUDE = 1e12
RESOLUTION = 1e-6
MAX_DATA_ROWS = 200_000  # rows with data on one sheet (empty rows are not counted)
MAX_HORIZON_YEARS = 100  # end_year − start_year + 1
MAX_BUILD_YEARS = 50  # longer than the horizon is a warning (it can never be selected)
MAX_LIFETIME = 200  # years of benefit
MAX_PROFILE_ENTRIES = MAX_BUILD_YEARS
MAX_SCENARIOS = 1000
MAX_SWEEP_STEPS = 10_000
MAX_TIME_LIMIT = 7 * 24 * 3600.0  # a week, in seconds


class OptionError(RetrofitError, ValueError):
    """A value out of its bounds: ``message`` says what is wrong, ``fix`` what to do
    (exit code 2 on the command line, like any bad input)."""

    exit_code = 2

    def __init__(self, message: str, fix: str, value=None):
        found = f" (found {value!r})" if value is not None else ""
        super().__init__(f"{message}{found} — {fix}" if fix else f"{message}{found}")
        self.message = message
        self.fix = fix
        self.value = value


def check_number(value, name: str = "the value", *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, unit: str = "", resolution: bool = True) -> float:
    """``value`` as a finite float within [low, high] (``low_open``: above ``low``), not
    above :data:`MAX_MAGNITUDE` and, with ``resolution``, not a non-zero magnitude below
    :data:`RESOLUTION`."""
    shown_unit = f" {unit}" if unit else ""
    in_unit = f" in {unit}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{name} is not a number", f"give a number{in_unit}", value) from None
    number = float(value)
    if not math.isfinite(number):
        raise OptionError(f"{name} is not a finite number", f"give a finite number{in_unit}", value)
    if abs(number) > MAX_MAGNITUDE:
        raise OptionError(f"{name} is implausibly large ({number:.3g}{shown_unit})",
                          f"give at most {MAX_MAGNITUDE:.0e}{shown_unit}; check the unit")
    if resolution and 0 < abs(number) < RESOLUTION:
        raise OptionError(f"{name} {number:.3g}{shown_unit} is below the resolution of {RESOLUTION:g}",
                          "write 0 if nothing is meant, or check the unit")
    if low is not None and (number <= low if low_open else number < low):
        relation = "above" if low_open else "at least"
        raise OptionError(f"{name} must be {relation} {low:g}{shown_unit}", f"give a value {relation} {low:g}",
                          value)
    if high is not None and number > high:
        raise OptionError(f"{name} must be at most {high:g}{shown_unit}", f"give a value of at most {high:g}",
                          value)
    return number


def check_time_limit(value, name: str = "time_limit") -> float:
    """Seconds, above 0 and at most a week."""
    return check_number(value, name, low=0, low_open=True, high=MAX_TIME_LIMIT, unit="s", resolution=False)


def check_mip_gap(value, name: str = "mip_gap") -> float:
    """A relative gap between 0 and 1."""
    return check_number(value, name, low=0, high=1, resolution=False)


def check_budget_level(value, name: str = "the budget level") -> float:
    """A budget in 万元: 0 or more, finite, at most :data:`MAX_MAGNITUDE`."""
    return check_number(value, name, low=0, unit="万元")


def check_steps(value, name: str = "steps", low: int = 1, high: int = MAX_SWEEP_STEPS) -> int:
    """A whole number of levels between ``low`` and ``high``."""
    number = check_number(value, name, low=low, high=high, resolution=False)
    if number != int(number):
        raise OptionError(f"{name} must be a whole number", "give a whole number", value)
    return int(number)


def check_horizon(start_year: int, end_year: int) -> None:
    """The horizon's length, checked before any year is allocated."""
    years = end_year - start_year + 1
    if years > MAX_HORIZON_YEARS:
        raise OptionError(f"the horizon {start_year}–{end_year} has {years} years; at most {MAX_HORIZON_YEARS} "
                          "are supported", "shorten the horizon (start_year, end_year)")


def max_build_years(horizon_years: int | None) -> int:
    """Build years allowed, whatever the horizon: a project longer than the horizon is
    valid input (it can never be selected, a warning says so), but more than
    :data:`MAX_BUILD_YEARS` is refused before anything is sized by it."""
    return MAX_BUILD_YEARS
