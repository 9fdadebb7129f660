"""Validate raw tables into a :class:`~retrofit_opt.case.Case`.

Every problem is collected (sheet, Excel row, column, value, fix) and raised once as a
:class:`~retrofit_opt.errors.CaseError`.  The order: parameters (they hold the horizon and
the factors), projects, the other sheets, then the rules that span sheets.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict

from retrofit_opt import accounting, cells, limits, schema, units, validate_funding, validate_ranges
from retrofit_opt.case import (SUBSIDY_POOL, TOTAL_POOL, BaselineYear, Budget, Case, Interaction,
                               Parameters, Project, Scenario, Target)
from retrofit_opt.cells import CellError
from retrofit_opt.errors import Problem, raise_if_errors
from retrofit_opt.reader import RawCase, RawRow, RawSheet
from retrofit_opt.schema.vocabulary import pool_alias

MAX_MAGNITUDE = limits.MAX_MAGNITUDE  # canonical units: 10¹² 万元 is a hundred times the world's GDP
INTENSITY_METRICS = {"energy_saving": "energy_consumption", "co2_reduction": "co2",
                     "water_saving": "water"}


class _Sheet:
    """Typed access to one raw sheet's cells, reporting problems with their location."""

    def __init__(self, raw: RawSheet | None, name: str, problems: list[Problem]):
        self.raw = raw
        self.name = name
        self.title = raw.title if raw else name
        self.problems = problems
        self.specs = {c.name: c for c in schema.sheet_columns(name)}

    @property
    def rows(self) -> list[RawRow]:
        return self.raw.rows if self.raw else []

    def has(self, key: str) -> bool:
        return bool(self.raw) and key in self.raw.columns

    def label(self, key: str) -> str:
        if self.raw and key in self.raw.columns:
            return self.raw.columns[key].label
        spec = self.specs.get(key)
        return f"'{key}'" + (f" ({spec.zh})" if spec else "")

    def problem(self, row: RawRow | None, key: str | None, message: str, fix: str = "", value=None,
                severity: str = "error") -> None:
        self.problems.append(Problem(message, fix, self.title, row.row if row else None,
                                     self.label(key) if key else None, value, severity))

    def typed_column(self, key: str) -> list:
        """The typed value of ``key`` in every row (aligned with :attr:`rows`), as
        :meth:`get` with ``default=None`` gives it, or :data:`SLOW` where only :meth:`get`
        may type the cell because it might report a problem.  The caller calls :meth:`get`
        for those cells in its own row order, so problems are reported exactly as before.

        Whole columns of plain numbers, text and blanks are typed here without a call per
        cell; text in other columns (yes/no, lists, choices) is typed once per distinct
        value (:meth:`_probe`)."""
        values = list(map(dict.get, [row.cells for row in self.rows], itertools.repeat(key)))
        spec = self.specs.get(key)
        blank = SLOW if spec is not None and spec.required and self.has(key) else None
        if blank is None and values.count(None) == len(values):
            return values
        type_ = spec.type if spec else "number"
        factor = self.raw.columns[key].factor if self.raw and key in self.raw.columns else 1.0
        numbers = _FAST_NUMBERS.get(type_)
        texts = type_ in ("text", "id")
        resolution = spec is not None and spec.type == "number"
        kinds = set(map(type, values))
        if type_ == "number" and kinds <= _FLOAT_OR_BLANK:
            return _float_column(values, blank, factor, resolution)
        if texts and kinds <= _TEXT_OR_BLANK:  # text stripped; "#…" may be an Excel error value
            return [blank if v is None else t if (t := v.strip())[:1] != "#" else SLOW for v in values]
        probed: dict[str, object] = {}
        out = []
        append = out.append
        for value in values:
            kind = type(value)
            if value is None:
                append(blank)
            elif kind is str:
                if texts:
                    text = value.strip()
                    append(text if text[:1] != "#" else SLOW)  # "#…" may be an Excel error value
                else:
                    typed = probed.get(value, _UNSEEN)
                    if typed is _UNSEEN:
                        typed = probed[value] = self._probe(key, value)
                    append(typed)
            elif (kind is float or kind is int) and numbers is not None:
                append(numbers(value, factor, resolution))
            else:
                append(SLOW)
        return out

    def _probe(self, key: str, value):
        """What :meth:`get` gives for ``value`` in column ``key``, or :data:`SLOW` when it
        would report a problem (or fail): get is a pure function of the value and the
        column apart from the problems it reports."""
        saved, self.problems = self.problems, []
        try:
            typed = self.get(RawRow(0, {key: value}), key)
            return SLOW if self.problems else typed
        except Exception:
            return SLOW  # let get fail again where it is called in row order
        finally:
            self.problems = saved

    def get(self, row: RawRow, key: str, default=None):
        """The typed, unit-converted value of a cell; ``default`` when blank or wrong."""
        value = row.cells.get(key)
        spec = self.specs.get(key)
        if value is None:
            if spec is not None and spec.required and self.has(key):
                self.problem(row, key, "required value is missing", f"enter the {key} ({spec.zh})")
            return default
        factor = self.raw.columns[key].factor if key in self.raw.columns else 1.0
        kind = spec.unit if spec else ""
        try:
            typed = convert(value, spec.type if spec else "number", factor, kind, key)
        except CellError as err:
            self.problem(row, key, f"{key} {err.message}", err.fix, value)
            return default
        if isinstance(typed, float) and abs(typed) > MAX_MAGNITUDE:
            # Checked after unit conversion: solvers drop coefficients this large silently.
            self.problem(row, key, f"{key} is implausibly large ({typed:.3g} {units.CANONICAL.get(kind, '')} "
                         "after unit conversion)", "check the value and the unit in the header", value)
            return default
        if isinstance(typed, float) and spec is not None and spec.type == "number" and 0 < abs(typed) < limits.RESOLUTION:
            self.problem(row, key, f"{key} {typed:.3g} {units.CANONICAL.get(kind, '')} is below the resolution of "
                         f"{limits.RESOLUTION:g} (after unit conversion)".replace("  ", " "),
                         "write 0 if nothing is meant, or check the value and the unit in the header", value)
            return default
        return typed


SLOW = object()  # a cell :meth:`_Sheet.typed_column` leaves to :meth:`_Sheet.get`
_UNSEEN = object()
_WRITTEN_BOUND = 10 ** 15  # cells.to_number's bound on a written number, as an int


def _plain_float(value):
    """``float(value)`` for an int or float that cells.to_number accepts, else ``None``."""
    if type(value) is int:
        return float(value) if -_WRITTEN_BOUND <= value <= _WRITTEN_BOUND else None
    return value if abs(value) <= 1e15 else None  # NaN and infinities fail the comparison


def _fast_number(value, factor: float, resolution: bool):
    """:meth:`_Sheet.get` of a plain int or float in a number column, or SLOW when get
    would report a problem."""
    number = _plain_float(value)
    if number is None:
        return SLOW
    typed = number * factor
    size = abs(typed)
    if size > MAX_MAGNITUDE or resolution and 0 < size < limits.RESOLUTION:
        return SLOW
    return typed


_FLOAT_OR_BLANK = frozenset({float, int, type(None)})
_TEXT_OR_BLANK = frozenset({str, type(None)})


def _float_column(values: list, blank, factor: float, resolution: bool) -> list:
    """:func:`_fast_number` over a column of floats, ints and blanks, in one comprehension:
    a value is typed when it is within cells.to_number's bound (NaN and infinities are not)
    and, after the unit factor, at most MAX_MAGNITUDE and zero or at least the resolution."""
    low = limits.RESOLUTION if resolution else 0.0
    bound = _WRITTEN_BOUND
    return [blank if v is None else
            t if (-bound <= v <= bound if type(v) is int else abs(v) <= 1e15)
            and ((t := float(v) * factor) == 0 or low <= abs(t) <= MAX_MAGNITUDE) else SLOW
            for v in values]


def _fast_integer(value, factor: float, resolution: bool):
    if type(value) is int:
        return value if -_WRITTEN_BOUND <= value <= _WRITTEN_BOUND else SLOW
    return int(value) if abs(value) <= 1e15 and value.is_integer() else SLOW


def _fast_year(value, factor: float, resolution: bool):
    year = _fast_integer(value, factor, resolution)
    return year if year is not SLOW and cells.YEAR_RANGE[0] <= year <= cells.YEAR_RANGE[1] else SLOW


def _fast_share(value, factor: float, resolution: bool):
    number = _plain_float(value)
    if number is None:
        return SLOW
    share = number * factor
    return share if 0 <= share <= 1 else SLOW


_FAST_NUMBERS = {"number": _fast_number, "integer": _fast_integer, "year": _fast_year, "share": _fast_share}


def convert(value, type_: str, factor: float = 1.0, kind: str = "", field: str = ""):
    unit_hint = f" in {units.CANONICAL[kind]}" if kind in units.CANONICAL else ""
    if type_ == "number":
        return cells.to_number(value, unit_hint) * factor
    if type_ == "integer":
        return cells.to_integer(value)
    if type_ == "year":
        return cells.to_year(value)
    if type_ == "bool":
        return cells.to_bool(value)
    if type_ in ("text", "id", "any"):
        return cells.to_text(value) if type_ != "any" else value
    if type_ == "idlist":
        return cells.to_id_list(value)
    if type_ == "profile":
        return cells.to_profile(value)
    if type_ == "share":
        return cells.to_share(value, factor)
    if type_ == "choice":
        return cells.to_choice(value, field)
    raise AssertionError(f"unknown column type {type_}")


def validate(raw: RawCase, problems: list[Problem] | None = None) -> Case:
    """Turn raw tables into a case, or raise :class:`CaseError` listing every problem."""
    problems = problems if problems is not None else []

    def sheet(name):
        return _Sheet(raw.sheets.get(name), name, problems)

    _required_columns(raw, problems)
    params = _parameters(sheet("parameters"))
    projects_sheet = sheet("projects")
    projects, metric_units = _projects(projects_sheet, params)
    ids = {p.id for p in projects}
    params = _canonical_weights(params, metric_units, sheet("parameters"))
    budgets = _budgets(sheet("budgets"))
    projects, budgets = _unify_pools(projects, budgets)
    targets = _targets(sheet("targets"), metric_units)
    baseline = _baseline(sheet("baseline"))
    savings = {p.id: p.metrics for p in projects}
    interactions = _interactions(sheet("interactions"), ids, metric_units, savings)
    scenarios = _scenarios(sheet("scenarios"), metric_units)

    case = Case(projects=tuple(projects), parameters=params, budgets=tuple(budgets),
                targets=tuple(targets), baseline=baseline, interactions=tuple(interactions),
                scenarios=tuple(scenarios), metric_units=metric_units, language=raw.language,
                source_name=raw.source_name, source_sha256=raw.sha256)
    case = validate_funding.attach_funding(case, sheet("subsidy_rules"), sheet("budgets"), projects_sheet,
                                           sheet("baseline"))  # issue 16
    check_case(case, problems, {s: sheet(s) for s in raw.sheets} | {"projects": projects_sheet})
    _check_scenarios(case, raw, problems)
    case = validate_ranges.attach_ranges(case, projects_sheet, sheet("parameters"))  # issue 14
    raise_if_errors(problems, raw.source_name)
    return dataclasses.replace(case, warnings=tuple(p for p in problems if p.severity == "warning"))


def _required_columns(raw: RawCase, problems: list[Problem]) -> None:
    for name, sheet in raw.sheets.items():
        for spec in schema.sheet_columns(name):
            if spec.required and spec.name not in sheet.columns and spec.name not in sheet.unusable and sheet.rows:
                problems.append(Problem(f"required column '{spec.name}' ({spec.zh}) is missing",
                                        f"add a column headed '{spec.name}' or '{spec.zh}'", sheet.title,
                                        sheet.header_row))
    projects = raw.sheets.get("projects")
    if projects is not None and not projects.rows:
        problems.append(Problem("the projects sheet has no projects", "add one row per candidate project",
                                projects.title))


# ---------------------------------------------------------------------------- parameters
def _parameters(sheet: _Sheet) -> Parameters:
    values: dict[str, object] = {}
    weights: dict[str, float] = {}
    seen: dict[str, int] = {}
    for row in sheet.rows:
        written = row.cells.get("parameter")
        if written is None:
            if row.cells.get("value") is not None:
                sheet.problem(row, "parameter", "value without a parameter name", "enter the parameter's name")
            continue
        if cells.is_excel_error(written):
            sheet.problem(row, "parameter", f"parameter is the Excel error {str(written).strip().upper()}",
                          cells.FIX_EXCEL_ERROR, written)
            continue
        name, unit = schema.split_header(str(written))
        norm = schema.normalise_name(name)
        value = row.cells.get("value")
        if norm.startswith("weight:"):
            try:
                weights[name.split(":", 1)[1].strip()] = cells.to_number(value)
            except CellError as err:
                sheet.problem(row, "value", f"weight {err.message}", err.fix, value)
            continue
        key = schema.parameter_lookup().get(norm)
        if key is None:
            sheet.problem(row, "parameter", f"unknown parameter '{written}' is ignored",
                          "see the parameter list in `retrofit-opt template`", severity="warning")
            continue
        if key in seen:
            sheet.problem(row, "parameter", f"parameter '{key}' is given twice (also row {seen[key]})",
                          "keep one of them")
            continue
        seen[key] = row.row
        spec = schema.parameter(key)
        if unit is not None and schema.normalise_name(unit) != schema.normalise_name(spec.unit):
            sheet.problem(row, "parameter", f"parameter '{key}' is given in '{unit}'",
                          f"give it in {spec.unit or 'no unit'}", written)
            continue
        if value is None:
            continue
        try:
            values[key] = parameter_value(key, value)
        except CellError as err:
            sheet.problem(row, "value", f"{key} {err.message}", err.fix, value)
    params = Parameters(**values, weights=weights)
    if not _check_parameters(params, sheet, seen):
        params = dataclasses.replace(params, start_year=None, end_year=None)
    return params


def parameter_value(key: str, value):
    """A parameter's typed value, from the parameters sheet or a scenario row alike."""
    spec = schema.parameter(key)
    if spec.type == "choice":
        return cells.to_choice(value, key)
    typed = convert(value, spec.type)
    if spec.type == "number":
        try:
            limits.check_number(typed, key, unit=spec.unit)
        except limits.OptionError as err:
            raise CellError(err.message.replace(f"{key} ", "", 1), err.fix) from None
    return typed


def parameter_problems(params: Parameters) -> list[tuple[str, str, str, object]]:
    """Every rule on a set of parameters, wherever they come from (the parameters sheet, a
    scenario row, the API): (parameter, message, fix, value) per problem."""
    found = []
    if (params.start_year is None) != (params.end_year is None):
        given, missing = ("start_year", "end_year") if params.start_year is not None else ("end_year", "start_year")
        found.append((given, f"{given} is given without {missing}; they go together",
                      f"add {missing}, or remove {given} for a single-period case", getattr(params, given)))
    elif params.start_year is not None and params.start_year > params.end_year:
        found.append(("start_year", f"start_year {params.start_year} is after end_year {params.end_year}",
                      "swap them", params.start_year))
    elif params.start_year is not None:
        try:
            limits.check_horizon(params.start_year, params.end_year)
        except limits.OptionError as err:
            found.append(("end_year", err.message, err.fix, params.end_year))
    checks = {"time_limit": limits.check_time_limit, "mip_gap": limits.check_mip_gap}
    for name, check in checks.items():
        try:
            check(getattr(params, name), name)
        except limits.OptionError as err:
            found.append((name, err.message, err.fix, getattr(params, name)))
    for name, value in vars(params).items():
        if (name.endswith("_factor") or name.endswith("_price")) and value is not None and value < 0:
            found.append((name, f"{name} is negative", "enter a value of 0 or more", value))
    return found


def horizon_ok(params: Parameters) -> bool:
    """True when the horizon is usable: none, or start_year ≤ end_year within the bound."""
    return not any(key in ("start_year", "end_year") for key, *_ in parameter_problems(params))


def _check_parameters(params: Parameters, sheet: _Sheet, seen) -> bool:
    def at(key):
        return RawRow(seen[key], {}) if key in seen else None
    for key, message, fix, value in parameter_problems(params):
        column = "parameter" if key in ("start_year", "end_year") else "value"
        sheet.problem(at(key), column, message, fix, value)
    return horizon_ok(params)


# ------------------------------------------------------------------------------ projects
PROJECT_SCALARS = ("id", "name", "enterprise", "sector", "category", "capex", "annual_cost_saving",
                   "opex_change", "lifetime", "earliest_year", "latest_year", "build_years",
                   "capex_profile", "npv", "mandatory", "excluded", "exclusive_group", "requires",
                   "budget_pool", "subsidy_rate", "saving_low", "saving_high")


def _projects(sheet: _Sheet, params: Parameters) -> tuple[list[Project], dict[str, str]]:
    metric_units = {m: units.CANONICAL[schema.column("projects", m).unit] for m in schema.METRICS}
    if sheet.raw:
        for key, column in sheet.raw.columns.items():
            if key.startswith(schema.BENEFIT_PREFIX):
                metric_units[key] = column.unit or ""
    tce, co2, prices = (accounting.tce_factors(params), accounting.co2_factors(params),
                        accounting.price_factors(params))
    projects = []
    for row, values, metrics in _project_cells(sheet, metric_units):
        if values["id"] is None or values["capex"] is None:
            continue
        carriers = {c: metrics[c] for c in schema.CARRIERS if metrics.get(c)}
        computed = set()
        if carriers and metrics["energy_saving"] is not None:
            from_carriers = accounting.carriers_to(tce, carriers)
            if not math.isclose(from_carriers, metrics["energy_saving"], rel_tol=0.05):
                sheet.problem(row, "energy_saving", f"energy_saving {metrics['energy_saving']:,.6g} tce/yr differs "
                              f"by more than 5 % from the carriers' {from_carriers:,.6g} tce/yr at this case's "
                              "factors; the given value is used", "check the value or the conversion factors "
                              "(electricity_tce_method)", severity="warning")
        if metrics["energy_saving"] is None:
            metrics["energy_saving"] = accounting.carriers_to(tce, carriers)
            computed.add("energy_saving") if carriers else None
        if metrics["co2_reduction"] is None:
            metrics["co2_reduction"] = accounting.carriers_to(co2, carriers)
            computed.add("co2_reduction") if carriers else None
        cost = values["annual_cost_saving"]
        if cost is None:
            missing = [c for c in carriers if prices[c] is None]
            cost = accounting.carriers_to(prices, {c: v for c, v in carriers.items() if prices[c] is not None})
            if missing:
                sheet.problem(row, "annual_cost_saving", "annual_cost_saving is blank and only partly computable: "
                              f"no price for {', '.join(missing)}, which count as 0", "enter annual_cost_saving, "
                              "or the price in parameters (electricity_price, coal_price, gas_price, steam_price)",
                              severity="error" if params.objective in ("max_npv", "weighted") else "warning")
            elif carriers:
                computed.add("annual_cost_saving")
        metrics = {m: (v if v is not None else 0.0) for m, v in metrics.items()}
        build_years = values["build_years"] if values["build_years"] is not None else 1
        if not _sizes_ok(sheet, row, values, params):
            continue
        project = Project(
            id=values["id"], name=values["name"] or values["id"], row=row.row, capex=values["capex"],
            metrics=metrics, enterprise=values["enterprise"] or "", sector=values["sector"] or "",
            category=values["category"] or "", annual_cost_saving=cost,
            opex_change=values["opex_change"] or 0.0,
            lifetime=values["lifetime"] if values["lifetime"] is not None else 15,
            earliest_year=values["earliest_year"], latest_year=values["latest_year"],
            build_years=build_years,
            capex_shares=_capex_shares(sheet, row, values["capex_profile"], values["capex"], build_years),
            npv_given=values["npv"], mandatory=bool(values["mandatory"]), excluded=bool(values["excluded"]),
            exclusive_group=values["exclusive_group"] or "", requires=values["requires"] or (),
            budget_pool=_pool_name(values["budget_pool"] or TOTAL_POOL),
            subsidy_rate=values["subsidy_rate"] or 0.0, saving_low=values["saving_low"],
            saving_high=values["saving_high"], computed=frozenset(computed))
        _check_project(sheet, row, project)
        projects.append(project)
    return projects, metric_units


def _project_cells(sheet: _Sheet, metric_units: dict[str, str]):
    """(row, scalars, metrics) per projects row: the typed values of :data:`PROJECT_SCALARS`
    and of the metrics, exactly as ``{k: sheet.get(row, k) for k in …}`` gives them (a blank
    cell of an optional column is ``None``).  Typed a column at a time
    (:meth:`_Sheet.typed_column`); a cell that may hold a problem is typed by
    :meth:`_Sheet.get` in the row's own order, so problems are reported as cell by cell."""
    keys = (*PROJECT_SCALARS, *metric_units)
    rows = sheet.rows
    present = set().union(*(row.cells for row in rows))
    blanks = [None] * len(rows)
    columns = [sheet.typed_column(k) if k in present or k in sheet.specs and sheet.specs[k].required else blanks
               for k in keys]
    split = len(PROJECT_SCALARS)
    slow = [j for j, column in enumerate(columns) if column is not blanks and SLOW in column]
    for row, typed in zip(rows, zip(*columns)):
        if slow and any(typed[j] is SLOW for j in slow):
            typed = tuple(sheet.get(row, k) if v is SLOW else v for k, v in zip(keys, typed))
        yield row, dict(zip(PROJECT_SCALARS, typed[:split])), dict(zip(metric_units, typed[split:]))


def _sizes_ok(sheet: _Sheet, row: RawRow, values: dict, params: Parameters) -> bool:
    """build_years and lifetime within their bounds, checked before anything is sized by them."""
    ok = True
    horizon = (params.end_year - params.start_year + 1) if params.start_year is not None else None
    most = limits.max_build_years(horizon)
    build_years = values["build_years"]
    if build_years is not None and build_years > most:
        sheet.problem(row, "build_years", f"build_years {build_years} is more than {most} years",
                      f"enter the years of construction, at most {most}", build_years)
        ok = False
    lifetime = values["lifetime"]
    if lifetime is not None and lifetime > limits.MAX_LIFETIME:
        sheet.problem(row, "lifetime", f"lifetime {lifetime} is more than {limits.MAX_LIFETIME} years",
                      f"enter the years of benefit, at most {limits.MAX_LIFETIME}", lifetime)
        ok = False
    return ok


def _pool_name(text: str) -> str:
    """Pools match like headers do (case, spaces, underscores, full-width forms ignored)."""
    if type(text) is str:
        known = _POOL_NAMES.get(text)
        if known is None:
            known = _POOL_NAMES[text] = _spelt_pool(text)
            if len(_POOL_NAMES) > 10_000:
                _POOL_NAMES.clear()
        return known
    return _spelt_pool(text)


_POOL_NAMES: dict[str, str] = {}  # text → _spelt_pool(text): a case names a few pools 50,000 times


def _spelt_pool(text) -> str:
    canonical = pool_alias(text)
    if canonical is not None:
        return canonical
    return " ".join(str(text).split())


def _normalised(name: str, seen: dict[str, str]) -> str:
    """schema.normalise_name, once per distinct name in ``seen``."""
    norm = seen.get(name) if type(name) is str else None
    if norm is None:
        norm = schema.normalise_name(name)
        if type(name) is str:
            seen[name] = norm
    return norm


def _unify_pools(projects: list[Project], budgets: list[Budget]) -> tuple[list[Project], list[Budget]]:
    """Pools that differ only in case, spaces or width are one pool, spelled as the budgets
    sheet (else the first project) spells it."""
    spelling: dict[str, str] = {}
    norms: dict[str, str] = {}
    for name in [b.pool for b in budgets] + [p.budget_pool for p in projects]:
        spelling.setdefault(_normalised(name, norms), name)

    def canonical(name):
        return spelling[_normalised(name, norms)]

    def respelt(item, field: str):  # a copy only when the spelling changes (50,000 copies cost a second)
        name = getattr(item, field)
        spelt = canonical(name)
        return item if spelt == name else dataclasses.replace(item, **{field: spelt})
    return [respelt(p, "budget_pool") for p in projects], [respelt(b, "pool") for b in budgets]


_EVEN_SHARES: dict[int, tuple[float, ...]] = {}


def _even_shares(build_years: int) -> tuple[float, ...]:
    """Equal capex shares over the build years (one tuple per number of years)."""
    shares = _EVEN_SHARES.get(build_years) if type(build_years) is int else None
    if shares is None:
        shares = tuple(1.0 / build_years for _ in range(build_years))
        if type(build_years) is int and len(_EVEN_SHARES) < 1000:
            _EVEN_SHARES[build_years] = shares
    return shares


def _capex_shares(sheet: _Sheet, row: RawRow, profile, capex, build_years: int) -> tuple[float, ...]:
    if profile is None or capex is None:
        return _even_shares(build_years)
    if len(profile) != build_years:
        sheet.problem(row, "capex_profile", f"capex_profile has {len(profile)} entries but build_years is "
                      f"{build_years}", "give one entry per build year, separated by /", "/".join(
                          f"{p:g}" for p in profile))
        return tuple(1.0 / build_years for _ in range(build_years))
    total = sum(profile)
    if total <= 0 or not all(math.isfinite(p) for p in profile):  # issue 16: negative entries = capital returned
        sheet.problem(row, "capex_profile", f"capex_profile adds up to {total:g}: capital returned (negative "
                      "entries) cannot reach the capital paid", "make the entries add up to the capex, to 100 or to 1",
                      "/".join(f"{p:g}" for p in profile))
        return tuple(1.0 / build_years for _ in range(build_years))
    column = sheet.raw.columns.get("capex")
    capex_written = capex / (column.factor if column else 1.0)
    for whole in (capex_written, 100.0, 1.0):
        if whole > 0 and math.isclose(total, whole, rel_tol=1e-6, abs_tol=1e-9):
            return tuple(p / total for p in profile)
    sheet.problem(row, "capex_profile", f"capex_profile adds up to {total:g}, which is neither the capex "
                  f"({capex_written:g}), 100 (percent) nor 1 (fractions)",
                  "make the entries add up to the capex, to 100 or to 1", "/".join(f"{p:g}" for p in profile))
    return tuple(1.0 / build_years for _ in range(build_years))


def _check_project(sheet: _Sheet, row: RawRow, p: Project) -> None:
    if p.capex <= 0:
        sheet.problem(row, "capex", "capex must be greater than 0", "enter the capital cost", p.capex)
    if p.lifetime < 1:
        sheet.problem(row, "lifetime", "lifetime must be at least 1 year", "enter the years of benefit", p.lifetime)
    if p.build_years < 1:
        sheet.problem(row, "build_years", "build_years must be at least 1", "enter 1 or more", p.build_years)
    if p.earliest_year is not None and p.latest_year is not None and p.earliest_year > p.latest_year:
        sheet.problem(row, "latest_year", f"latest_year {p.latest_year} is before earliest_year "
                      f"{p.earliest_year}", "widen the start window", p.latest_year)
    if p.mandatory and p.excluded:
        sheet.problem(row, "excluded", "project is both mandatory and excluded", "clear one of the two")
    if p.id in p.requires:
        sheet.problem(row, "requires", "project requires itself", "remove its own id from requires", p.id)


# ------------------------------------------------------------------- budgets and targets
def _budgets(sheet: _Sheet) -> list[Budget]:
    budgets = []
    seen: dict[tuple, int] = {}
    for row in sheet.rows:
        pool = _pool_name(sheet.get(row, "pool") or TOTAL_POOL)
        year = sheet.get(row, "year")
        limit = sheet.get(row, "limit")
        if limit is None:
            continue
        if limit < 0:
            sheet.problem(row, "limit", "budget limit is negative", "enter 0 or more", limit)
        group = validate_funding.budget_group(sheet, row)  # issue 16: enterprise / sector / category rows
        key = (schema.normalise_name(pool), year, group)
        if key in seen:
            sheet.problem(row, "pool", f"pool '{pool}' has a second limit for "
                          f"{year if year else 'the whole horizon'} (also row {seen[key]})",
                          "keep one row per pool and year")
        seen[key] = row.row
        budgets.append(Budget(pool, limit, year, row.row, group))
    return budgets


def _metric_name(text: str, metric_units) -> str | None:
    """The metric a target, weight or scenario names: a standard metric by English or
    Chinese name, or a ``benefit:`` column, matched like headers (case, spaces, width)."""
    norm = schema.normalise_name(text)
    if norm.startswith(schema.BENEFIT_PREFIX):
        wanted = schema.normalise_name(schema.split_header(str(text).split(":", 1)[1])[0])
        for key in metric_units:
            if key.startswith(schema.BENEFIT_PREFIX) and schema.normalise_name(key.split(":", 1)[1]) == wanted:
                return key
        return None
    return schema.metric_lookup().get(schema.split_header(text)[0] and schema.normalise_name(
        schema.split_header(text)[0]))


def _target_unit_factor(metric: str, unit: str) -> float | None:
    if metric not in schema.METRICS:
        return None
    return units.conversion_factor(schema.column("projects", metric).unit, unit)


def _targets(sheet: _Sheet, metric_units) -> list[Target]:
    targets = []
    for row in sheet.rows:
        written = sheet.get(row, "metric")
        kind = sheet.get(row, "kind", "min_total") if row.cells.get("kind") is not None else "min_total"
        value = sheet.get(row, "value")
        year, base_year = sheet.get(row, "year"), sheet.get(row, "base_year")
        if written is None or value is None:
            continue
        metric = _metric_name(written, metric_units)
        if metric is None:
            sheet.problem(row, "metric", f"unknown metric '{written}'", "use one of: " + ", ".join(
                metric_units) + " (or add a benefit:<name> column to projects)", written)
            continue
        unit = sheet.get(row, "unit")
        if unit is not None and kind != "intensity_reduction":
            factor = _target_unit_factor(metric, unit)
            if factor is None:
                kind_name = schema.column("projects", metric).unit if metric in schema.METRICS else ""
                sheet.problem(row, "unit", f"unknown unit '{unit}' for {metric}",
                              "use one of: " + ", ".join(units.known_units(kind_name)) if kind_name
                              else "leave the unit blank: a benefit: metric keeps its own unit", unit)
                continue
            value *= factor
        if kind == "intensity_reduction":
            if metric not in INTENSITY_METRICS:
                sheet.problem(row, "metric", f"an intensity target needs energy_saving, co2_reduction or "
                              f"water_saving, not {metric}", "change the metric or the kind", written)
            if not 0 < value < 100:
                sheet.problem(row, "value", "an intensity reduction is a percentage between 0 and 100",
                              "enter e.g. 12.5 for −12.5 %", value)
            if base_year is None:
                sheet.problem(row, "base_year", "an intensity target needs a base year",
                              "enter the base year, e.g. 2020")
        elif base_year is not None:
            sheet.problem(row, "base_year", "base_year applies only to intensity_reduction targets",
                          "clear it", base_year, severity="warning")
        targets.append(Target(metric, kind, value, year, base_year, row.row))
    return targets


def _baseline(sheet: _Sheet) -> dict[int, BaselineYear]:
    baseline = {}
    for row in sheet.rows:
        values = {k: sheet.get(row, k) for k in ("year", "energy_consumption", "value_added", "co2", "water")}
        if values["year"] is None or values["energy_consumption"] is None or values["value_added"] is None:
            continue
        if values["year"] in baseline:
            sheet.problem(row, "year", f"year {values['year']} appears twice", "keep one row per year",
                          values["year"])
        if values["value_added"] <= 0:
            sheet.problem(row, "value_added", "value added must be positive", "enter the forecast value added",
                          values["value_added"])
        for key, what in (("energy_consumption", "energy consumption"), ("co2", "CO2 emissions"),
                          ("water", "water use")):
            if values[key] is not None and values[key] <= 0:
                sheet.problem(row, key, f"the baseline {what} must be positive (an intensity divides by it)",
                              f"enter the park's forecast {what} without the projects", values[key])
        baseline[values["year"]] = BaselineYear(**values)
    return baseline


def _interactions(sheet: _Sheet, ids: set[str], metric_units, savings=None) -> list[Interaction]:
    interactions = []
    seen: dict[frozenset, int] = {}
    for row in sheet.rows:
        a, b = sheet.get(row, "project_a"), sheet.get(row, "project_b")
        overlaps = {"energy_saving": sheet.get(row, "energy_overlap", 0.0) or 0.0,
                    "co2_reduction": sheet.get(row, "co2_overlap", 0.0) or 0.0}
        if a is None or b is None:
            continue
        bad = False
        for key, pid in (("project_a", a), ("project_b", b)):
            if pid not in ids:
                sheet.problem(row, key, f"unknown project id '{pid}'", "use an id from the projects sheet", pid)
                bad = True
        if a == b:
            sheet.problem(row, "project_b", "a project cannot overlap itself", "name two different projects", b)
            bad = True
        if frozenset((a, b)) in seen:
            sheet.problem(row, "project_b", f"pair {a}–{b} is listed twice (also row {seen[frozenset((a, b))]})",
                          "keep one row per pair")
            bad = True
        for metric, amount in overlaps.items():
            if amount < 0:
                sheet.problem(row, "energy_overlap" if metric == "energy_saving" else "co2_overlap",
                              "an overlap is the amount lost and cannot be negative", "enter 0 or more", amount)
                bad = True
        seen[frozenset((a, b))] = row.row
        if not bad and savings is not None:
            for metric, amount in overlaps.items():
                own = [savings.get(pid, {}).get(metric) for pid in (a, b)]
                if amount and all(v is not None for v in own) and amount > max(own) + 1e-9:
                    sheet.problem(row, "energy_overlap" if metric == "energy_saving" else "co2_overlap",
                                  f"the overlap {amount:,.6g} is larger than both projects' {metric} "
                                  f"({own[0]:,.6g} and {own[1]:,.6g})", "an overlap is the part counted twice: at "
                                  "most the smaller of the two savings", amount)
                    bad = True
        if not bad:
            interactions.append(Interaction(a, b, {m: v for m, v in overlaps.items() if v}, row.row))
    return interactions


def _scenarios(sheet: _Sheet, metric_units) -> list[Scenario]:
    """Each scenario row's values, typed cell by cell like the base sheets' (the rules that
    need the whole case are :func:`_check_scenarios`')."""
    scenarios = []
    names: dict[str, int] = {}
    if not sheet.raw:
        return scenarios
    for row in sheet.rows:
        name = sheet.get(row, "name")
        if name is None:
            continue
        if len(names) >= limits.MAX_SCENARIOS:
            sheet.problem(row, "name", f"more than {limits.MAX_SCENARIOS} scenarios", "split the comparison "
                          "into several case files")
            break
        if name in names:
            sheet.problem(row, "name", f"scenario '{name}' appears twice (also row {names[name]})",
                          "give every scenario its own name", name)
        names[name] = row.row
        overrides: dict[str, object] = {}
        for key, value in row.cells.items():
            if value is None or key in ("name", "description", "weight"):
                continue
            column = sheet.raw.columns[key]
            try:
                if key in ("budget_scale", "target_scale"):
                    number = _checked(cells.to_number(value), 0)
                    if number < 0:
                        raise CellError("is negative", "enter a factor of 0 or more")
                    overrides[key] = number
                elif key.startswith("budget:"):
                    number = _checked(cells.to_number(value) * column.factor, 0, "万元")
                    if number < 0:
                        raise CellError("is negative", "enter a budget of 0 or more")
                    overrides[f"budget:{_pool_name(key.split(':', 1)[1])}"] = number
                elif key.startswith("target:"):
                    metric = _metric_name(key.split(":", 1)[1], metric_units)
                    if metric is None:
                        raise CellError(f"names unknown metric '{key}'", "use a metric of the projects sheet")
                    overrides[f"target:{metric}"] = _checked(cells.to_number(value))
                elif key == "objective":
                    overrides[key] = cells.to_choice(value, "objective")
                else:
                    overrides[key] = parameter_value(key, value)
            except CellError as err:
                sheet.problem(row, key, f"{key} {err.message}", err.fix, value)
        weight = sheet.get(row, "weight", 1.0)
        if weight is not None and weight < 0:
            sheet.problem(row, "weight", "a scenario's weight cannot be negative", "enter 0 or more", weight)
            weight = None
        scenarios.append(Scenario(name, sheet.get(row, "description") or "", overrides,
                                  1.0 if weight is None else weight, row.row))
    return scenarios


def _checked(number: float, low: float | None = None, unit: str = "") -> float:
    """A scenario value through the same bounds as every other value (limits.check_number)."""
    try:
        return limits.check_number(number, "the value", low=low, unit=unit)
    except limits.OptionError as err:
        raise CellError(err.message.replace("the value ", "", 1), err.fix) from None


def case_pools(case: Case) -> list[str]:
    """The budget pools of a case: total, every pool on the budgets sheet or a project's
    budget_pool, and subsidy when some project has a subsidy."""
    pools = [TOTAL_POOL] + [b.pool for b in case.budgets] + [p.budget_pool for p in case.projects]
    if any(p.subsidy_rate > 0 for p in case.projects):
        pools.append(SUBSIDY_POOL)
    return list(dict.fromkeys(pools))


def _check_scenarios(case: Case, raw: RawCase, base_problems: list[Problem]) -> None:
    """Every scenario through the same rules as the case itself: its values applied, the
    derived case is checked like the base one and every new problem reported at the
    scenario's row."""
    from retrofit_opt.scenarios import apply_scenario
    if not case.scenarios:
        return
    sheet = _Sheet(raw.sheets.get("scenarios"), "scenarios", base_problems)
    pools = {schema.normalise_name(p): p for p in case_pools(case)}
    seen = {(p.message, p.sheet, p.row, p.column) for p in base_problems}
    for scenario in case.scenarios:
        row = RawRow(scenario.row, {}) if scenario.row is not None else None
        overrides = dict(scenario.overrides)
        for key in list(overrides):
            if key.startswith("budget:"):
                pool = key.split(":", 1)[1]
                if schema.normalise_name(pool) not in pools:
                    column = next((k for k in (sheet.raw.columns if sheet.raw else {})
                                   if k.startswith("budget:") and _pool_name(k.split(":", 1)[1]) == pool), None)
                    sheet.problem(row, column, f"budget:{pool} names a pool the case does not have",
                                  "use one of the case's pools: " + ", ".join(pools.values()))
                    del overrides[key]
                else:
                    overrides[f"budget:{pools[schema.normalise_name(pool)]}"] = overrides.pop(key)
        derived_params = dataclasses.replace(case.parameters, **{k: v for k, v in overrides.items()
                                                                 if k in vars(case.parameters)})
        found = parameter_problems(derived_params)
        for key, message, fix, value in found:
            column = key if sheet.has(key) else None
            sheet.problem(row, column, f"with this scenario's values, {message}", fix, value)
        if not horizon_ok(derived_params):
            continue  # the rules across sheets need a usable horizon
        variant = apply_scenario(case, dataclasses.replace(scenario, overrides=overrides))
        inner: list[Problem] = []
        sheets = {name: _Sheet(raw_sheet, name, inner) for name, raw_sheet in raw.sheets.items()}
        sheets.setdefault("projects", _Sheet(None, "projects", inner))
        check_case(variant, inner, sheets)
        for p in inner:
            if p.severity != "error" or (p.message, p.sheet, p.row, p.column) in seen:
                continue
            sheet.problem(row, None, f"scenario '{scenario.name}' makes the case invalid: {p}")


# -------------------------------------------------------------------- rules across sheets
def check_case(case: Case, problems: list[Problem], sheets: dict[str, _Sheet]) -> None:
    projects = sheets["projects"]

    def sheet(name):
        return sheets.get(name) or _Sheet(None, name, problems)

    def at(sheet_: _Sheet, row_number: int | None) -> RawRow | None:
        return RawRow(row_number, {}) if row_number is not None else None

    by_id: dict[str, Project] = {}
    for p in case.projects:
        if p.id in by_id:
            projects.problem(at(projects, p.row), "id", f"duplicate id '{p.id}' (also row {by_id[p.id].row})",
                             "give every project its own id", p.id)
        else:
            by_id[p.id] = p
    for p in case.projects:
        for q in p.requires:
            if q not in by_id:
                projects.problem(at(projects, p.row), "requires", f"requires unknown project '{q}'",
                                 "use an id from the projects sheet", q)
    for cycle in _prerequisite_cycles(case.projects, by_id):
        first = by_id[cycle[0]]
        projects.problem(at(projects, first.row), "requires", "circular prerequisites: " +
                         " → ".join(cycle + [cycle[0]]), "remove one of these requirements")
    _check_forced_chains(case, by_id, projects, at)
    _check_years(case, projects, sheet("budgets"), sheet("targets"), at)
    _check_pools(case, sheet("budgets"), at)
    _check_targets(case, sheet("targets"), sheet("baseline"), at)
    _check_objective(case, sheet("parameters"))
    if not case.multi_year and any(p.build_years > 1 for p in case.projects):
        first = next(p for p in case.projects if p.build_years > 1)
        projects.problem(at(projects, first.row), "build_years", "in a single-period case build_years only "
                         "times the NPV (capex over the build years, benefits after them); budgets and "
                         "targets do not see years", "set start_year and end_year in parameters for a "
                         "multi-year plan", severity="warning")


def forced_chains(case: Case, by_id: dict[str, Project]) -> dict[str, list[str]]:
    """Every project a mandatory project forces in, through its chain of prerequisites:
    id → the chain from the mandatory project to it (the mandatory project itself: [id])."""
    chains: dict[str, list[str]] = {}
    for p in case.projects:
        if not p.mandatory or p.id in chains:
            continue
        chains[p.id] = [p.id]
        queue = [p.id]
        while queue:
            node = queue.pop(0)
            for needed in by_id[node].requires:
                if needed in by_id and needed not in chains:
                    chains[needed] = chains[node] + [needed]
                    queue.append(needed)
    return chains


def _check_forced_chains(case: Case, by_id, projects: _Sheet, at) -> None:
    """Mandatory propagates through prerequisites: a forced project that is excluded, or two
    forced projects in one exclusive group, make the case infeasible whatever the budget."""
    chains = forced_chains(case, by_id)

    def named(chain):
        return " → ".join(chain)
    for pid, chain in chains.items():
        if by_id[pid].excluded and len(chain) > 1:
            first = by_id[chain[0]]
            text = (f"mandatory project requires '{pid}', which is excluded" if len(chain) == 2 else
                    f"mandatory project {chain[0]} needs {pid} through its prerequisites ({named(chain)}), but "
                    f"{pid} is excluded")
            projects.problem(at(projects, first.row), "requires", text,
                             "clear mandatory at the start of the chain or excluded at its end", pid)
    groups: dict[str, list[str]] = defaultdict(list)
    for pid in chains:
        if by_id[pid].exclusive_group:
            groups[by_id[pid].exclusive_group].append(pid)
    for group, members in groups.items():
        if len(members) < 2:
            continue
        if all(len(chains[m]) == 1 for m in members):
            second = by_id[members[1]]
            projects.problem(at(projects, second.row), "mandatory",
                             f"mandatory projects {', '.join(members)} are in the same exclusive group '{group}'",
                             "make at most one of them mandatory")
            continue
        routes = "; ".join(named(chains[m]) for m in members)
        first = by_id[chains[members[0]][0]]
        projects.problem(at(projects, first.row), "requires",
                         f"mandatory projects force in {', '.join(members)} through their prerequisites ({routes}), "
                         f"but they are in the same exclusive group '{group}', which allows one",
                         "clear a mandatory mark, a requirement in the chain, or the exclusive group")


def _prerequisite_cycles(projects, by_id) -> list[list[str]]:
    state: dict[str, int] = {}
    cycles = []
    for root in (p.id for p in projects):
        if state.get(root):
            continue
        stack = [(root, iter(by_id[root].requires))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif child in by_id:
                if state.get(child) == 1:
                    cycles.append(path[path.index(child):])
                elif not state.get(child):
                    state[child] = 1
                    stack.append((child, iter(by_id[child].requires)))
                    path.append(child)
    return cycles


def _check_years(case: Case, projects: _Sheet, budgets: _Sheet, targets: _Sheet, at) -> None:
    params = case.parameters
    windows = [p for p in case.projects if p.earliest_year is not None or p.latest_year is not None]
    if not case.multi_year:
        if windows:
            projects.problem(at(projects, windows[0].row), "earliest_year", "start windows need a horizon",
                             "set start_year and end_year in parameters")
        for b in case.budgets:
            if b.year is not None:
                budgets.problem(at(budgets, b.row), "year", "a yearly budget needs a multi-year case",
                                "leave year blank, or set start_year and end_year in parameters", b.year)
        for t in case.targets:
            if t.year is not None and t.kind != "intensity_reduction":
                targets.problem(at(targets, t.row), "year", "a milestone year needs a multi-year case",
                                "leave year blank, or set start_year and end_year in parameters", t.year)
        return
    horizon = f"{params.start_year}–{params.end_year}"
    for p in windows:
        for key in ("earliest_year", "latest_year"):
            year = getattr(p, key)
            if year is not None and not params.start_year <= year <= params.end_year:
                projects.problem(at(projects, p.row), key, f"{key} {year} is outside the horizon {horizon}",
                                 "move it into the horizon or change start_year/end_year", year)
    for p in case.projects:
        if not case.start_years(p):
            severity = "error" if p.mandatory else "warning"
            projects.problem(at(projects, p.row), "build_years", f"project {p.id} cannot be completed within "
                             f"{horizon} and can never be selected", "widen its start window or the horizon",
                             severity=severity)
    for b in case.budgets:
        if b.year is not None and not params.start_year <= b.year <= params.end_year:
            budgets.problem(at(budgets, b.row), "year", f"year {b.year} is outside the horizon {horizon}",
                            "use a year within the horizon", b.year)
    for t in case.targets:
        if t.year is not None and not params.start_year <= t.year <= params.end_year:
            targets.problem(at(targets, t.row), "year", f"year {t.year} is outside the horizon {horizon}",
                            "use a year within the horizon", t.year)


def _check_pools(case: Case, budgets: _Sheet, at) -> None:
    drawn = {TOTAL_POOL}
    for p in case.projects:
        drawn |= set(p.pool_shares())
    drawn |= {rule.pool for rule in case.award_rules}
    for b in case.budgets:
        if b.pool not in drawn:
            budgets.problem(at(budgets, b.row), "pool", f"no project draws from pool '{b.pool}'",
                            "set budget_pool (or subsidy_rate for 'subsidy') on the projects it pays for",
                            b.pool, severity="warning")


def _check_targets(case: Case, targets: _Sheet, baseline: _Sheet, at) -> None:
    for t in case.targets:
        if t.kind != "intensity_reduction":
            continue
        if not case.baseline:
            targets.problem(at(targets, t.row), "kind", "an intensity target needs the baseline sheet",
                            "add a baseline sheet with energy consumption and value added by year")
            continue
        year = t.year if t.year is not None else case.evaluation_year
        if year is None:
            targets.problem(at(targets, t.row), "year", "a single-period intensity target needs its year",
                            "enter the year the target applies to")
        column = INTENSITY_METRICS.get(t.metric)
        for y in (t.base_year, year):
            if y is None or column is None:
                continue
            row = case.baseline.get(y)
            if row is None:
                targets.problem(at(targets, t.row), "year" if y == year else "base_year",
                                f"the baseline has no row for {y}", f"add {y} to the baseline sheet", y)
            elif getattr(row, column) is None:
                targets.problem(at(targets, t.row), "metric", f"the baseline has no {column} for {y}",
                                f"fill the {column} column of the baseline sheet", y)


def _canonical_weights(params: Parameters, metric_units, sheet: _Sheet) -> Parameters:
    weights = {}
    for name, weight in params.weights.items():
        key = name.lower() if name.lower() in ("npv", "capex") else _metric_name(name, metric_units)
        if key is None:
            sheet.problem(None, "parameter", f"weight:{name} names an unknown metric",
                          "use a project metric (e.g. weight:energy_saving), weight:npv or weight:capex", name)
        else:
            weights[key] = weight
    return dataclasses.replace(params, weights=weights)


def _check_objective(case: Case, parameters: _Sheet) -> None:
    if case.parameters.objective == "weighted" and not case.parameters.weights:
        parameters.problem(None, None, "objective 'weighted' needs weights",
                           "add rows weight:<metric> (e.g. weight:energy_saving) with their weights")
