"""The selection model as arrays in HiGHS's terms (columns, CSR rows), built from
:class:`ModelData` with numpy and no Pyomo: the hot path of ``solve`` (no study needs
Pyomo components there) hands these to :class:`retrofit_opt.solve.ArraySolver`.

It is the SAME LP as :func:`retrofit_opt.model.build_model` loaded by Pyomo's persistent
HiGHS interface — rows in the order of :data:`retrofit_opt.model.families.FAMILIES`
(one_start, mandatory, exclusive_group, prerequisite, overlap_both, overlap_a, overlap_b,
budget, min_total, max_total, intensity_reduction), terms within a row in the order of the
Pyomo expressions, columns in the order Pyomo creates them (first appearance row by row,
then the objective), and the fixed-at-0 ``budget_extra`` and ``shortfall`` columns kept —
so HiGHS takes the same path on both (tests/test_model_arrays.py compares them entry by
entry).  The equations are those of ``models/formulation.md`` and of the families'
docstrings.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from retrofit_opt.case import TOTAL_POOL
from retrofit_opt.model.data import ModelData

INF = math.inf

@dataclass
class ModelArrays:
    """A MILP in HiGHS's terms.  Columns: ``col_kind`` 0 = x (start option ``col_option``),
    1 = z, 2 = budget_extra, 3 = shortfall.  Rows: CSR (``start`` has num_rows + 1 entries)."""

    col_lower: np.ndarray
    col_upper: np.ndarray
    col_cost: np.ndarray
    col_integer: np.ndarray  # bool
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    col_kind: np.ndarray
    col_option: np.ndarray  # start option of an x column, −1 otherwise
    maximize: bool
    row_families: dict  # family → number of rows, in order
    num_options: int = 0  # start options of the case (some may appear in no row)

    @property
    def num_col(self) -> int:
        return len(self.col_lower)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def num_nz(self) -> int:
        return len(self.value)

    def rounded_plan_value(self, x: np.ndarray, must_have: list[int] | None = None,
                           tolerance: float = 1e-9) -> float | None:
        """The objective of :meth:`rounded_plan` (None when it is None)."""
        return self.value_of(self.rounded_plan(x, must_have, tolerance))

    def value_of(self, plan: np.ndarray | None) -> float | None:
        """The objective of a plan's column values (None for no plan)."""
        if plan is None:
            return None
        return float((self.col_cost * plan).sum())  # not `@`: BLAS threads stall on a busy machine

    def rounded_plan(self, x: np.ndarray, must_have: list[int] | None = None,
                     tolerance: float = 1e-9) -> np.ndarray | None:
        """The column values of the plan made by rounding the x columns of ``x`` (e.g. an LP
        solution) down to 0/1, with z_{ab} = A_a·A_b and the fixed-at-0 columns at 0, when
        that plan satisfies every row (within ``tolerance``·max(1, |side|)) and includes
        one of the columns ``must_have``; else None.  A plan found so is feasible, so its
        value (:meth:`rounded_plan_value`) bounds the best plan with those columns (the far
        end of a loss interval)."""
        kind = self.col_kind
        full = np.where(kind == 0, np.floor(np.asarray(x, dtype=np.float64) + 1e-6), 0.0)
        full = np.clip(full, 0.0, 1.0)
        if must_have is not None and not any(full[c] == 1.0 for c in must_have):
            return None
        rows = self._row_of_entry()
        if self.row_families.get("overlap_both"):
            # z ≥ A_a + A_b − 1 from its overlap_both row (the other two rows then hold)
            first = 0
            for family, count in self.row_families.items():
                if family == "overlap_both":
                    break
                first += count
            count = self.row_families["overlap_both"]
            lo, hi = self.start[first], self.start[first + count]
            entries = np.arange(lo, hi)
            cols = self.index[entries]
            is_z = kind[cols] == 1
            x_part = np.bincount(rows[entries][~is_z] - first, weights=self.value[entries][~is_z] * full[cols[~is_z]],
                                 minlength=count)
            z_cols = np.full(count, -1, dtype=np.int64)
            z_cols[rows[entries][is_z] - first] = cols[is_z]
            needed = np.clip(x_part - 1.0, 0.0, 1.0)
            ok = z_cols >= 0
            full[z_cols[ok]] = np.maximum(full[z_cols[ok]], np.round(needed[ok]))
        activity = np.bincount(rows, weights=self.value * full[self.index], minlength=self.num_row)
        slack_lo = tolerance * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_lower), self.row_lower, 0.0)))
        slack_hi = tolerance * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0.0)))
        if np.any(activity < self.row_lower - slack_lo) or np.any(activity > self.row_upper + slack_hi):
            return None
        return full

    def repaired_plan_value(self, x: np.ndarray, must_have: list[int] | None = None) -> float | None:
        """The objective of :meth:`repaired_plan` (None when it is None)."""
        return self.value_of(self.repaired_plan(x, must_have))

    def repaired_plan(self, x: np.ndarray, must_have: list[int] | None = None) -> np.ndarray | None:
        """Like :meth:`rounded_plan`, but the x columns fractional in ``x`` are then
        added back one by one (largest first) while every row stays within its bounds and
        the objective improves; the final plan is checked in full.  The better of the two
        plans (None when neither is feasible)."""
        plain = self.rounded_plan(x, must_have)
        x = np.asarray(x, dtype=np.float64)
        base = np.where(self.col_kind == 0, np.clip(np.floor(x + 1e-6), 0.0, 1.0), 0.0)
        sign = 1.0 if self.maximize else -1.0
        fractional = np.nonzero((self.col_kind == 0) & (x > base + 1e-6) & (sign * self.col_cost > 0))[0]
        if not len(fractional):
            return plain
        fractional = fractional[np.argsort(-x[fractional], kind="stable")]
        col_start, col_rows, col_values = self._columns()
        rows = self._row_of_entry()
        activity = np.bincount(rows, weights=self.value * base[self.index], minlength=self.num_row)
        exempt = self._family_mask("overlap_both")  # z follows in the full check
        upper = self.row_upper + 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0)))
        lower = self.row_lower - 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_lower), self.row_lower, 0)))
        added = False
        for c in fractional:
            r = col_rows[col_start[c]:col_start[c + 1]]
            new = activity[r] + col_values[col_start[c]:col_start[c + 1]]
            ok = exempt[r] | ((new <= upper[r]) & (new >= np.minimum(lower[r], activity[r])))
            if ok.all():
                activity[r] = new
                base[c] = 1.0
                added = True
        if not added:
            return plain
        repaired = self.rounded_plan(base, must_have)
        if repaired is None:
            return plain
        if plain is None:
            return repaired
        plain_value, repaired_value = self.value_of(plain), self.value_of(repaired)
        better = repaired_value > plain_value if self.maximize else repaired_value < plain_value
        return repaired if better else plain

    def swapped_plan_value(self, plan_x: np.ndarray, force: int, max_steps: int = 64) -> float | None:
        """The objective of :meth:`swapped_plan` (None when it is None)."""
        return self.value_of(self.swapped_plan(plan_x, force, max_steps))

    def swapped_plan(self, plan_x: np.ndarray, force: int, max_steps: int = 64) -> np.ndarray | None:
        """The column values of a plan with column ``force`` made from the plan ``plan_x``
        (column values of a solution): x_force := 1, then, while a row is above its upper
        bound, the chosen x column of that row that loses least objective per unit of the
        row is dropped (never ``force``); the final plan is checked in full
        (:meth:`rounded_plan`).  None when that fails."""
        key = id(plan_x)
        cached = getattr(self, "_plan_cache", None)
        if cached is None or cached[0] != key:
            full = np.where(self.col_kind == 0, np.clip(np.floor(np.asarray(plan_x, dtype=np.float64) + 1e-6), 0, 1), 0.0)
            activity = np.bincount(self._row_of_entry(), weights=self.value * full[self.index], minlength=self.num_row)
            self._plan_cache = cached = (key, plan_x, full, activity)
        full, activity = cached[2].copy(), cached[3].copy()
        col_start, col_rows, col_values = self._columns()
        if full[force] != 1.0:
            full[force] = 1.0
            activity[col_rows[col_start[force]:col_start[force + 1]]] += col_values[col_start[force]:col_start[force + 1]]
        exempt = self._family_mask("overlap_both")
        upper = self.row_upper + 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0)))
        sign = 1.0 if self.maximize else -1.0
        for _ in range(max_steps):
            over = np.nonzero((activity > upper) & ~exempt)[0]
            if not len(over):
                break
            r = over[0]
            entries = np.arange(self.start[r], self.start[r + 1])
            cols, coefs = self.index[entries], self.value[entries]
            keep = (coefs > 0) & (full[cols] == 1.0) & (self.col_kind[cols] == 0) & (cols != force)
            if not keep.any():
                return None
            cols, coefs = cols[keep], coefs[keep]
            drop = cols[np.argmin(sign * self.col_cost[cols] / coefs)]
            full[drop] = 0.0
            lo, hi = col_start[drop], col_start[drop + 1]
            activity[col_rows[lo:hi]] -= col_values[lo:hi]
        else:
            return None
        return self.rounded_plan(full, [force])

    def _family_mask(self, family: str) -> np.ndarray:
        masks = self.__dict__.setdefault("_mask_cache", {})
        if family in masks:
            return masks[family]
        mask = masks[family] = np.zeros(self.num_row, dtype=bool)
        first = 0
        for name, count in self.row_families.items():
            if name == family:
                mask[first:first + count] = True
            first += count
        return mask

    def _columns(self):
        """The matrix column-wise: (start, row, value) with start of length num_col + 1."""
        cached = getattr(self, "_columns_cache", None)
        if cached is None:
            order = np.argsort(self.index, kind="stable")
            counts = np.bincount(self.index, minlength=self.num_col)
            start = np.zeros(self.num_col + 1, dtype=np.int64)
            np.cumsum(counts, out=start[1:])
            cached = (start, self._row_of_entry()[order], self.value[order])
            self._columns_cache = cached
        return cached

    def _row_of_entry(self) -> np.ndarray:
        rows = getattr(self, "_rows_cache", None)
        if rows is None:
            rows = np.repeat(np.arange(self.num_row), np.diff(self.start))
            self._rows_cache = rows
        return rows

    def option_columns(self) -> np.ndarray:
        """Start option i → its column (−1 when option i appears nowhere in the model)."""
        columns = np.full(self.num_options, -1, dtype=np.int64)
        xs = np.nonzero(self.col_kind == 0)[0]
        columns[self.col_option[xs]] = xs
        return columns


# --------------------------------------------------------------------------- from a case
class _Rows:
    """Rows collected family by family: bounds and the (column key, coefficient) terms.
    Column keys: option index i ≥ 0 for x_i; ('z', k, y), ('e', j), ('s', k) otherwise,
    encoded as integers after the options (see model_arrays)."""

    def __init__(self):
        self.lower, self.upper, self.lengths = [], [], []
        self.cols, self.vals = [], []
        self.families: dict[str, int] = {}

    def add(self, family, lower, upper, cols, vals):
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.broadcast_to(np.asarray(vals, dtype=np.float64), cols.shape)
        self.lower.append(lower)
        self.upper.append(upper)
        self.lengths.append(len(cols))
        self.cols.append(cols)
        self.vals.append(vals)
        self.families[family] = self.families.get(family, 0) + 1

    def add_block(self, family, lower, upper, lengths, cols, vals):
        """Many rows at once: ``lengths`` terms each, concatenated in ``cols``/``vals``."""
        k = len(lengths)
        if not k:
            return
        self.lower.extend(np.broadcast_to(lower, (k,)).tolist())
        self.upper.extend(np.broadcast_to(upper, (k,)).tolist())
        self.lengths.extend(np.asarray(lengths).tolist())
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=np.float64))
        self.families[family] = self.families.get(family, 0) + k


def model_arrays(data: ModelData, *, objective: str | None = None, weights=None) -> ModelArrays:
    """The arrays of ``build_model(data)`` (``elastic=False``; ``objective`` and
    ``weights`` default to the case's)."""
    case = data.case
    projects = case.projects
    n_opt = len(data.options)
    params = case.parameters
    opt_p = np.fromiter((p for p, _ in data.options), dtype=np.int64, count=n_opt)
    single = not case.multi_year
    opt_t = np.fromiter((0 if t is None else t for _, t in data.options), dtype=np.int64, count=n_opt)
    build = np.fromiter((p.build_years for p in projects), dtype=np.int64, count=len(projects))
    life = np.fromiter((p.lifetime for p in projects), dtype=np.int64, count=len(projects))
    capex = np.fromiter((p.capex for p in projects), dtype=np.float64, count=len(projects))
    first = np.fromiter((o[0] if o else -1 for o in data.project_options), dtype=np.int64, count=len(projects))
    count = np.fromiter((len(o) for o in data.project_options), dtype=np.int64, count=len(projects))
    index = {p.id: k for k, p in enumerate(projects)}

    # column keys: options 0 … n_opt−1, then z (k, y), budget_extra j, shortfall k
    z_keys = [(k, y) for k in range(len(case.interactions)) for y in data.overlap_years]
    z_col = {key: n_opt + c for c, key in enumerate(z_keys)}
    e0 = n_opt + len(z_keys)
    s0 = e0 + len(case.budgets)
    n_keys = s0 + len(data.target_rows)

    def active_mask(year):
        if single or year is None:
            return np.ones(n_opt, dtype=bool)
        formed = opt_t + build[opt_p] - 1
        return (formed <= year) & (year <= formed + life[opt_p])

    def metric_vector(metric):
        return np.fromiter((p.metric(metric) for p in projects), dtype=np.float64, count=len(projects))

    metric_cache: dict = {}

    def gains(metric, year):
        """(options, coefficients) of Σ_p v_{p,m}·A_p(y), options ascending, zeros dropped."""
        if metric not in metric_cache:
            metric_cache[metric] = metric_vector(metric)
        v = metric_cache[metric][opt_p]
        keep = active_mask(year) & (v != 0)
        cols = np.nonzero(keep)[0]
        return cols, v[cols]

    def losses(metric, year):
        cols, vals = [], []
        for k, inter in enumerate(case.interactions):
            o = inter.overlaps.get(metric)
            if o:
                cols.append(z_col[k, year])
                vals.append(-o)
        return np.array(cols, dtype=np.int64), np.array(vals, dtype=np.float64)

    def capacity(p, year):
        opts = np.arange(first[p], first[p] + count[p]) if count[p] else np.zeros(0, dtype=np.int64)
        return opts[active_mask(year)[opts]] if len(opts) else opts

    rows = _Rows()
    # one_start: C_p ≤ 1 for projects with several options
    multi = np.nonzero(count > 1)[0]
    if len(multi):
        lens = count[multi]
        cols = np.concatenate([np.arange(first[p], first[p] + count[p]) for p in multi])
        rows.add_block("one_start", -INF, 1.0, lens, cols, np.ones(len(cols)))
    # mandatory: C_p = 1
    for p, project in enumerate(projects):
        if project.mandatory:
            rows.add("mandatory", 1.0, 1.0, np.arange(first[p], first[p] + count[p]), 1.0)
    # exclusive_group: Σ_{p ∈ g} C_p ≤ 1
    groups: dict[str, list[int]] = {}
    for p, project in enumerate(projects):
        if project.exclusive_group and count[p]:
            groups.setdefault(project.exclusive_group, []).append(p)
    for g in sorted(g for g, members in groups.items() if len(members) > 1):
        cols = np.concatenate([np.arange(first[p], first[p] + count[p]) for p in groups[g]])
        rows.add("exclusive_group", -INF, 1.0, cols, 1.0)
    # prerequisite: x_{p,t} − Σ_{t' done in time} x_{q,t'} ≤ 0
    for p, project in enumerate(projects):
        for required in project.requires:
            q = index[required]
            q_opts = np.arange(first[q], first[q] + count[q])
            for i in range(first[p], first[p] + count[p]):
                if single:
                    done = q_opts
                else:
                    done = q_opts[opt_t[q_opts] + build[q] <= opt_t[i] + build[p]]
                rows.add("prerequisite", -INF, 0.0, np.concatenate(([i], done)),
                         np.concatenate(([1.0], -np.ones(len(done)))))
    # overlap: z ≥ A_a + A_b − 1,  z ≤ A_a,  z ≤ A_b
    pairs = [(index[i.project_a], index[i.project_b]) for i in case.interactions]
    for k, y in z_keys:
        a, b = capacity(pairs[k][0], y), capacity(pairs[k][1], y)
        z = z_col[k, y]
        if len(a) + len(b) == 0:  # z ≥ −1: Pyomo keeps the bound form
            rows.add("overlap_both", -1.0, INF, [z], 1.0)
        else:
            if len(a) == 1 and len(b) > 1:  # Pyomo: x + Σ appends x to the sum
                a, b = b, a
            rows.add("overlap_both", -INF, 1.0, np.concatenate((a, b, [z])),
                     np.concatenate((np.ones(len(a) + len(b)), [-1.0])))
    for family, side in (("overlap_a", 0), ("overlap_b", 1)):
        for k, y in z_keys:
            a = capacity(pairs[k][side], y)
            rows.add(family, -INF, 0.0, np.concatenate(([z_col[k, y]], a)),
                     np.concatenate(([1.0], -np.ones(len(a)))))
    # budget: Σ_i s_ij x_i − e_j ≤ L_j
    max_b = int(build.max()) if len(build) else 1
    shares = np.zeros((len(projects), max_b))
    for p, project in enumerate(projects):
        shares[p, :len(project.capex_shares)] = project.capex_shares
    pool_share_cache: dict[str, np.ndarray] = {}
    for j, budget in enumerate(case.budgets):
        if budget.pool == TOTAL_POOL:
            share = np.ones(len(projects))
        else:
            if budget.pool not in pool_share_cache:
                pool_share_cache[budget.pool] = np.fromiter(
                    (p.pool_shares().get(budget.pool, 0.0) for p in projects), dtype=np.float64, count=len(projects))
            share = pool_share_cache[budget.pool]
        base = capex[opt_p] * share[opt_p]
        if budget.year is None:
            s = base
        else:
            offset = budget.year - opt_t
            ok = (offset >= 0) & (offset < build[opt_p])
            # (capex·share)·φ: the same floating-point products as ModelData.spend
            s = np.where(ok, base * shares[opt_p, np.clip(offset, 0, max_b - 1)], 0.0)
        cols = np.nonzero(s)[0]
        if not len(cols):  # Pyomo: Constraint.Feasible (an empty row 0 ≤ 0) or .Infeasible
            rows.add("budget", -INF, 0.0 if budget.limit >= 0 else float(budget.limit),
                     np.zeros(0, dtype=np.int64), 1.0)
            continue
        rows.add("budget", -INF, float(budget.limit), np.concatenate((cols, [e0 + j])),
                 np.concatenate((s[cols], [-1.0])))
    # targets: M_m(y) ± s_k  (≥ | ≤)  V_k, family by family
    for family in ("min_total", "max_total", "intensity_reduction"):
        for k, row in enumerate(data.target_rows):
            if row.family != family:
                continue
            gc, gv = gains(row.metric, row.year)
            lc, lv = losses(row.metric, row.year)
            sign = 1.0 if row.sense == ">=" else -1.0
            cols = np.concatenate((gc, lc, [s0 + k]))
            vals = np.concatenate((gv, lv, [sign]))
            if row.sense == ">=":
                rows.add(family, float(row.rhs), INF, cols, vals)
            else:
                rows.add(family, -INF, float(row.rhs), cols, vals)

    # objective
    objective = objective or params.objective
    weights = params.weights if weights is None else weights
    year = data.evaluation_year
    cost = np.zeros(n_keys)
    metric_of = {"max_saving": "energy_saving", "max_co2": "co2_reduction"}

    def add_metric(metric, w):
        gc, gv = gains(metric, year)
        lc, lv = losses(metric, year)
        np.add.at(cost, gc, w * gv)
        np.add.at(cost, lc, w * lv)

    npv = None
    if objective in ("max_npv", "weighted"):
        npv = np.fromiter((data.npv(i) for i in range(n_opt)), dtype=np.float64, count=n_opt)
    obj_order = []  # columns in the order the objective names them (for column order)
    if objective in metric_of:
        gc, gv = gains(metric_of[objective], year)
        lc, lv = losses(metric_of[objective], year)
        cost[gc], cost[lc] = gv, lv
        obj_order = [gc, lc]
        maximize = True
    elif objective == "min_cost":
        cost[:n_opt] = capex[opt_p]
        obj_order = [np.arange(n_opt)]
        maximize = False
    elif objective == "max_npv":
        cost[:n_opt] = npv
        obj_order = [np.arange(n_opt)]
        maximize = True
    elif objective == "weighted":
        for name, w in weights.items():
            if name == "npv":
                cost[:n_opt] += w * npv
                obj_order.append(np.arange(n_opt))
            elif name == "capex":
                cost[:n_opt] += w * capex[opt_p]
                obj_order.append(np.arange(n_opt))
            else:
                add_metric(name, w)
                obj_order += [gains(name, year)[0], losses(name, year)[0]]
        maximize = True
    else:
        raise ValueError(f"unknown objective {objective!r}")

    # columns in Pyomo's order: first appearance row by row, then in the objective
    lengths = np.asarray(rows.lengths, dtype=np.int64)
    keys = np.concatenate(rows.cols) if rows.cols else np.zeros(0, dtype=np.int64)
    vals = np.concatenate(rows.vals) if rows.vals else np.zeros(0)
    seq = np.concatenate([keys] + [np.asarray(o, dtype=np.int64) for o in obj_order])
    uniq, first_pos = np.unique(seq, return_index=True)
    used = uniq[np.argsort(first_pos, kind="stable")]
    position = np.full(n_keys, -1, dtype=np.int64)
    position[used] = np.arange(len(used))

    kind = np.where(used < n_opt, 0, np.where(used < e0, 1, np.where(used < s0, 2, 3)))
    col_lower = np.zeros(len(used))
    col_upper = np.where(kind <= 1, 1.0, 0.0)
    start = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    return ModelArrays(col_lower=col_lower, col_upper=col_upper, col_cost=cost[used], col_integer=kind == 0,
                       row_lower=np.asarray(rows.lower, dtype=np.float64),
                       row_upper=np.asarray(rows.upper, dtype=np.float64),
                       start=start, index=position[keys], value=vals, col_kind=kind,
                       col_option=np.where(kind == 0, used, -1), maximize=maximize,
                       row_families=rows.families, num_options=n_opt)
