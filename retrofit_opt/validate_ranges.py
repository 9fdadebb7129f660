"""Validate the uncertainty ranges of a case (issue 14) and carry them on the case.

Ranges are optional.  On the projects sheet: ``saving_low``/``saving_high`` (energy
saving), ``co2_low``/``co2_high`` (CO2 reduction), ``capex_low``/``capex_high`` (capital
cost); on the parameters sheet: ``<key>_low``/``<key>_high`` for ``electricity_price``,
``carbon_price`` and ``grid_co2_factor``.  A missing end of a range is the estimate, so
``saving_low`` alone says "the saving may fall to this, never rise".

Rules (each break is an error with sheet, row, column, the value and a fix):

* low ≤ estimate ≤ high (the estimate is the point value the deterministic model uses);
* no negative low end where the quantity cannot be negative: capex (whose low end must be
  above 0), prices and factors, and a saving or CO2 reduction whose estimate is not
  negative;
* a parameter range needs the parameter's estimate (e.g. ``electricity_price``).

Called from :func:`retrofit_opt.validate.validate` by one hook line, after the case is
built; this module only reads cells through the sheet objects validate passes in.
"""
from __future__ import annotations

import dataclasses

from retrofit_opt import schema
from retrofit_opt.case import Case, Project

# (range prefix, the estimate's name, how to get the estimate, may the quantity be negative?)
PROJECT_RANGES = (
    ("saving", "energy_saving", lambda p: p.metric("energy_saving")),
    ("co2", "co2_reduction", lambda p: p.metric("co2_reduction")),
    ("capex", "capex", lambda p: p.capex),
)
RANGED_PARAMETERS = ("electricity_price", "carbon_price", "grid_co2_factor")
READ_HERE = ("co2_low", "co2_high", "capex_low", "capex_high")  # saving_* are read by validate


class _At:
    """The row object the sheet's ``problem`` method expects (only ``.row`` is used)."""

    def __init__(self, row: int | None):
        self.row = row


def attach_ranges(case: Case, projects_sheet, parameters_sheet) -> Case:
    """The case with its project ranges read and every range checked.  Problems go to the
    sheets' shared problem list; the caller raises them together with all the others."""
    rows = {row.row: row for row in projects_sheet.rows}
    # a blank cell of an optional column is None without a call (get would say nothing)
    required = {key for key in READ_HERE if (spec := projects_sheet.specs.get(key)) is not None and spec.required}
    projects = []
    for project in case.projects:
        raw_row = rows.get(project.row)
        values = {key: projects_sheet.get(raw_row, key) for key in READ_HERE
                  if key in raw_row.cells or key in required} if raw_row is not None else {}
        given = {k: v for k, v in values.items() if v is not None}
        if given:
            project = dataclasses.replace(project, **given)
        _check_project_ranges(projects_sheet, project)
        projects.append(project)
    _check_parameter_ranges(case, parameters_sheet)
    return dataclasses.replace(case, projects=tuple(projects))


def _check_project_ranges(sheet, p: Project) -> None:
    if p.saving_low is None and p.saving_high is None and p.co2_low is None and p.co2_high is None and \
            p.capex_low is None and p.capex_high is None:
        return  # no range: no rule applies (most projects of a large case)
    at = _At(p.row)
    for prefix, estimate_name, estimate_of in PROJECT_RANGES:
        low, high = getattr(p, f"{prefix}_low"), getattr(p, f"{prefix}_high")
        _check_range(sheet, (at, f"{prefix}_low"), (at, f"{prefix}_high"), f"{prefix}_low", f"{prefix}_high",
                     low, high, estimate_name, estimate_of(p), positive=prefix == "capex", never_negative=False)


def _check_range(sheet, where_low, where_high, low_key: str, high_key: str, low, high, estimate_name: str,
                 estimate, *, positive: bool, never_negative: bool) -> None:
    """One range's rules; ``where_low``/``where_high`` are the (row, column) of each end."""
    if low is not None and high is not None and low > high:
        sheet.problem(*where_high, f"{high_key} {high:,.6g} is below {low_key} {low:,.6g}",
                      f"swap them: {low_key} is the low end, {high_key} the high end", high)
        return
    if low is not None and low > estimate:
        sheet.problem(*where_low, f"{low_key} {low:,.6g} is above the estimate {estimate_name} {estimate:,.6g}",
                      f"the low end is at most the estimate: lower {low_key} or correct {estimate_name}", low)
    if high is not None and high < estimate:
        sheet.problem(*where_high, f"{high_key} {high:,.6g} is below the estimate {estimate_name} "
                      f"{estimate:,.6g}", f"the high end is at least the estimate: raise {high_key} or correct "
                      f"{estimate_name}", high)
    if low is None:
        return
    if positive and low <= 0:
        sheet.problem(*where_low, f"{low_key} must be greater than 0", f"enter the lowest plausible "
                      f"{estimate_name}, above 0", low)
    elif low < 0 and (never_negative or estimate >= 0):
        sheet.problem(*where_low, f"{low_key} is negative: {estimate_name} cannot fall below 0 here",
                      "enter 0 or more", low)


def _check_parameter_ranges(case: Case, sheet) -> None:
    params = case.parameters
    written_rows = _parameter_rows(sheet)
    for key in RANGED_PARAMETERS:
        low, high = getattr(params, f"{key}_low"), getattr(params, f"{key}_high")
        if low is None and high is None:
            continue
        where_low = (_At(written_rows.get(f"{key}_low")), "value")
        where_high = (_At(written_rows.get(f"{key}_high")), "value")
        estimate = getattr(params, key)
        if estimate is None:
            given = f"{key}_low" if low is not None else f"{key}_high"
            sheet.problem(*(where_low if low is not None else where_high),
                          f"{given} is given but {key} ({schema.parameter(key).zh}) is not",
                          f"enter {key}, the estimate the range is around", low if low is not None else high)
            continue
        _check_range(sheet, where_low, where_high, f"{key}_low", f"{key}_high", low, high, key, estimate,
                     positive=False, never_negative=True)


def _parameter_rows(sheet) -> dict[str, int]:
    """Parameter key → the Excel row it is written on."""
    rows = {}
    for row in sheet.rows:
        written = row.cells.get("parameter")
        if written is None:
            continue
        key = schema.parameter_lookup().get(schema.normalise_name(schema.split_header(str(written))[0]))
        if key is not None:
            rows.setdefault(key, row.row)
    return rows
