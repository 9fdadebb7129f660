"""The selection model as arrays in HiGHS's terms (columns, CSR rows), built from
:class:`ModelData` with numpy and no Pyomo: the hot path of ``solve`` (no study needs
Pyomo components there) hands these to :class:`retrofit_opt.solve.ArraySolver`.

It is the SAME LP as :func:`retrofit_opt.model.build_model` loaded by Pyomo's persistent
HiGHS interface — rows in the order of :data:`retrofit_opt.model.families.FAMILIES`
(one_start, mandatory, exclusive_group, prerequisite, overlap_both, overlap_a, overlap_b,
award_cap_sum, award_cap_limit, award_cap_floor_sum, award_cap_floor_limit, budget,
min_total, max_total, intensity_reduction), terms within a row in the order of the Pyomo
expressions (a column named twice in a budget row — its capex share and an award — merged
at its first place, coefficients added left to right, as Pyomo's standard representation
does), columns in the order Pyomo creates them (first appearance row by row, then the
objective), and the fixed-at-0 ``budget_extra`` and ``shortfall`` columns kept — so HiGHS
takes the same path on both (tests/test_model_arrays.py compares them entry by entry).
The equations are those of ``models/formulation.md`` and of the families' docstrings,
including the funding rules of issue 16: awards of ``subsidy_rules`` (capped per
enterprise and year through A_g and u_g), budget rows restricted to a group, reinvested
savings and negative capex-profile entries.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from retrofit_opt.case import TOTAL_POOL, Budget, Case
from retrofit_opt.model.data import ModelData, award_groups

INF = math.inf
OPTION, OVERLAP, EXTRA, SHORTFALL, AWARD, AWARD_CAPPED = range(6)
"""Column kinds (``ModelArrays.col_kind``): x_i, z_ab(y), budget_extra e_j, shortfall s_k,
award A_g, award_capped u_g."""
AWARD_FAMILIES = ("award_cap_sum", "award_cap_limit", "award_cap_floor_sum", "award_cap_floor_limit")

@dataclass(frozen=True)
class _SwapBase:
    """A plan that :meth:`ModelArrays.swapped_plan` swaps projects into: its x columns
    rounded (0 elsewhere; awards set when the model has them), their row activity, and
    the overlap columns z with the values and row activity the plan gives them."""

    plan_x: np.ndarray
    full: np.ndarray
    activity: np.ndarray
    overlaps: np.ndarray
    z: np.ndarray
    z_activity: np.ndarray
    lower_floor: np.ndarray  # each row's lower bound less the tolerance of the final check (−inf: none)
    drop_candidates: dict = field(default_factory=dict)  # row → its chosen x columns, cheapest loss first


@dataclass
class ModelArrays:
    """A MILP in HiGHS's terms.  Columns: ``col_kind`` 0 = x (start option ``col_option``),
    1 = z, 2 = budget_extra, 3 = shortfall, 4 = award A_g, 5 = award_capped u_g (the
    constants OPTION … AWARD_CAPPED).  Rows: CSR (``start`` has num_rows + 1 entries)."""

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
        """The column values of the plan made by rounding the x columns of ``x`` (e.g. an
        LP solution) down to 0/1, with the columns that follow from them set as the plan
        fixes them (:meth:`complete`: z_{ab} = A_a·A_b, each award A_g = min(Σ w·x, E_g)
        with u_g = [Σ w·x > E_g]) and the fixed-at-0 columns at 0, when that plan
        satisfies every row (within ``tolerance``·max(1, |side|)) and includes one of the
        columns ``must_have``; else None.  A plan found so is feasible, so its value
        (:meth:`rounded_plan_value`) bounds the best plan with those columns (the far end
        of a loss interval)."""
        kind = self.col_kind
        full = np.where(kind == OPTION, np.floor(np.asarray(x, dtype=np.float64) + 1e-6), 0.0)
        full = np.clip(full, 0.0, 1.0)
        if must_have is not None and not any(full[c] == 1.0 for c in must_have):
            return None
        self.complete(full)
        rows = self._row_of_entry()
        activity = np.bincount(rows, weights=self.value * full[self.index], minlength=self.num_row)
        return full if self._rows_hold(activity, tolerance) else None

    def _rows_hold(self, activity: np.ndarray, tolerance: float = 1e-9) -> bool:
        """Is every row's activity within its bounds, up to ``tolerance``·max(1, |side|)?"""
        slack_hi = tolerance * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0.0)))
        return not (np.any(activity < self._row_floor(tolerance)) or np.any(activity > self.row_upper + slack_hi))

    def _row_floor(self, tolerance: float = 1e-9) -> np.ndarray:
        """Each row's lower bound less ``tolerance``·max(1, |lower|) (−inf where it has none):
        the least activity :meth:`_rows_hold` accepts."""
        return self.row_lower - tolerance * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_lower),
                                                                            self.row_lower, 0.0)))

    def complete(self, full: np.ndarray, overlaps: bool = True, awards: bool = True) -> np.ndarray:
        """Set, in place, the columns a 0/1 choice of the x columns of ``full`` fixes: each
        z_{ab}(y) to A_a·A_b (from its overlap_both row; the other two rows then hold) and
        each award group's A_g = min(Σ_{i∈g} w_i·x_i, E_g) with u_g = 1 exactly when the cap
        binds (from its award_cap rows; all four then hold) — the only values the rows
        allow for that choice.  Returns ``full``."""
        kind = self.col_kind
        rows = self._row_of_entry()
        first, count = self._family_range("overlap_both")
        if overlaps and count:
            entries = np.arange(self.start[first], self.start[first + count])
            cols = self.index[entries]
            is_z = kind[cols] == OVERLAP
            x_part = np.bincount(rows[entries][~is_z] - first, weights=self.value[entries][~is_z] * full[cols[~is_z]],
                                 minlength=count)
            z_cols = np.full(count, -1, dtype=np.int64)
            z_cols[rows[entries][is_z] - first] = cols[is_z]
            needed = np.clip(x_part - 1.0, 0.0, 1.0)
            ok = z_cols >= 0
            full[z_cols[ok]] = np.maximum(full[z_cols[ok]], np.round(needed[ok]))
        first, count = self._family_range("award_cap_sum")
        if awards and count:
            entries = np.arange(self.start[first], self.start[first + count])
            cols = self.index[entries]
            is_award = kind[cols] == AWARD
            # the row is A_g − Σ w·x ≤ 0: Σ w·x is minus its x part
            entitled = -np.bincount(rows[entries][~is_award] - first,
                                    weights=self.value[entries][~is_award] * full[cols[~is_award]], minlength=count)
            award_cols = np.empty(count, dtype=np.int64)
            award_cols[rows[entries][is_award] - first] = cols[is_award]
            limit_first, _ = self._family_range("award_cap_limit")
            cap = self.row_upper[limit_first:limit_first + count]
            floor_first, _ = self._family_range("award_cap_floor_sum")
            entries = np.arange(self.start[floor_first], self.start[floor_first + count])
            cols = self.index[entries]
            is_capped = kind[cols] == AWARD_CAPPED
            capped_cols = np.empty(count, dtype=np.int64)
            capped_cols[rows[entries][is_capped] - floor_first] = cols[is_capped]
            full[award_cols] = np.minimum(entitled, cap)
            full[capped_cols] = (entitled > cap).astype(np.float64)
        return full

    def repaired_plan_value(self, x: np.ndarray, must_have: list[int] | None = None) -> float | None:
        """The objective of :meth:`repaired_plan` (None when it is None)."""
        return self.value_of(self.repaired_plan(x, must_have))

    def repaired_plan(self, x: np.ndarray, must_have: list[int] | None = None) -> np.ndarray | None:
        """Like :meth:`rounded_plan`, but the x columns fractional in ``x`` are then
        added back one by one (largest first) while every row stays within its bounds and
        the objective improves; the final plan is checked in full.  The better of the two
        plans (None when neither is feasible).  With award groups an addition is checked on
        the whole plan, its awards recomputed (:meth:`complete`)."""
        plain = self.rounded_plan(x, must_have)
        x = np.asarray(x, dtype=np.float64)
        base = np.where(self.col_kind == OPTION, np.clip(np.floor(x + 1e-6), 0.0, 1.0), 0.0)
        sign = 1.0 if self.maximize else -1.0
        fractional = np.nonzero((self.col_kind == OPTION) & (x > base + 1e-6) & (sign * self.col_cost > 0))[0]
        if not len(fractional):
            return plain
        fractional = fractional[np.argsort(-x[fractional], kind="stable")]
        has_awards = self._family_range("award_cap_sum")[1] > 0
        if has_awards:
            self.complete(base, overlaps=False)
        col_start, col_rows, col_values = self._columns()
        rows = self._row_of_entry()
        activity = np.bincount(rows, weights=self.value * base[self.index], minlength=self.num_row)
        exempt = self._family_mask("overlap_both")  # z follows in the full check
        upper = self.row_upper + 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0)))
        lower = self.row_lower - 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_lower), self.row_lower, 0)))
        added = False
        for c in fractional:
            if has_awards:
                trial = base.copy()
                trial[c] = 1.0
                self.complete(trial, overlaps=False)
                new = np.bincount(rows, weights=self.value * trial[self.index], minlength=self.num_row)
                if (exempt | ((new <= upper) & (new >= np.minimum(lower, activity)))).all():
                    base, activity, added = trial, new, True
                continue
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
        row is dropped (never ``force`` nor a column added on the way, nor a column whose
        rows would fall below their lower bounds: :meth:`_droppable`); a row with no such
        column but an x column outside the plan that lowers it — a missing prerequisite,
        or a project whose reinvested savings or returned capital lower a budget row —
        gets that column added (:meth:`_required_addition`), kept from then on;
        the final plan is checked in full (:meth:`rounded_plan`).  None when that fails.
        With award groups the awards are recomputed after each step (:meth:`complete`) and
        their own rows are left to the full check."""
        has_awards = self._family_range("award_cap_sum")[1] > 0
        base = self._swap_base(plan_x, has_awards)
        full, activity = base.full.copy(), base.activity.copy()
        col_start, col_rows, col_values = self._columns()

        def refresh():
            self.complete(full, overlaps=False)
            return np.bincount(self._row_of_entry(), weights=self.value * full[self.index], minlength=self.num_row)

        if full[force] != 1.0:
            full[force] = 1.0
            if has_awards:
                activity = refresh()
            else:
                activity[col_rows[col_start[force]:col_start[force + 1]]] += col_values[col_start[force]:col_start[force + 1]]
        exempt = self._family_mask("overlap_both")
        if has_awards:
            exempt = exempt | self._family_mask(*AWARD_FAMILIES)
        upper = self.row_upper + 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, 0)))
        kept = {force}  # never dropped: the forced column and the columns added for it
        for _ in range(max_steps):
            over = np.nonzero((activity > upper) & ~exempt)[0]
            if not len(over):
                break
            r = over[0]
            change = self._drop_with_awards(r, full, kept, activity, base) if has_awards \
                else self._cheapest_drop(r, full, kept, base, activity)
            step = -1.0  # dropped
            if change is None:
                change, step = self._required_addition(r, full), 1.0  # added
                if change is None:
                    return None
                kept.add(change)
            full[change] = 1.0 if step > 0 else 0.0
            if has_awards:
                activity = refresh()
            else:
                lo, hi = col_start[change], col_start[change + 1]
                activity[col_rows[lo:hi]] += step * col_values[lo:hi]
        else:
            return None
        if has_awards:
            return self.rounded_plan(full, [force])
        return self._checked_swap(full, activity, base)

    def _swap_base(self, plan_x: np.ndarray, has_awards: bool) -> "_SwapBase":
        """What every swap from the plan ``plan_x`` starts from, computed once per plan
        (the explanations swap thousands of projects into the same main plan)."""
        cached = self.__dict__.get("_plan_cache")
        if cached is not None and cached.plan_x is plan_x:
            return cached
        full = np.where(self.col_kind == OPTION, np.clip(np.floor(np.asarray(plan_x, dtype=np.float64) + 1e-6), 0, 1), 0.0)
        if has_awards:
            self.complete(full, overlaps=False)
        rows = self._row_of_entry()
        activity = np.bincount(rows, weights=self.value * full[self.index], minlength=self.num_row)
        overlaps = np.nonzero(self.col_kind == OVERLAP)[0]
        z = np.zeros(self.num_col)
        z[overlaps] = self.complete(full.copy())[overlaps]
        z_activity = np.bincount(rows, weights=self.value * z[self.index], minlength=self.num_row)
        self._plan_cache = cached = _SwapBase(plan_x, full, activity, overlaps, z[overlaps], z_activity,
                                              self._row_floor())
        return cached

    def _droppable(self, c: int, activity: np.ndarray, base: "_SwapBase") -> bool:
        """Does dropping x column ``c`` keep every row it is in with a positive coefficient
        at or above the row's lower bound (the x columns' ``activity``)?  A mandatory
        project's row, or a target the plan only just meets, is not given up to make room."""
        col_start, col_rows, col_values = self._columns()
        rows, values = col_rows[col_start[c]:col_start[c + 1]], col_values[col_start[c]:col_start[c + 1]]
        return not np.any((values > 0) & (activity[rows] - values < base.lower_floor[rows]))

    def _required_addition(self, r: int, full: np.ndarray) -> int | None:
        """The x column not in the plan ``full`` with a negative coefficient in row ``r``
        (in a prerequisite row, an option of the required project that is done in time; in
        a budget row, a project whose reinvested savings or returned capital outweigh its
        draw) with the best objective, the first in the row's order among equals; None
        when there is none."""
        cols, coefs = self.index[self.start[r]:self.start[r + 1]], self.value[self.start[r]:self.start[r + 1]]
        keep = (coefs < 0) & (self.col_kind[cols] == OPTION) & (full[cols] == 0.0)
        if not keep.any():
            return None
        cols = cols[keep]
        sign = 1.0 if self.maximize else -1.0
        return int(cols[np.argmax(sign * self.col_cost[cols])])

    def _cheapest_drop(self, r: int, full: np.ndarray, kept: set, base: "_SwapBase",
                       activity: np.ndarray) -> int | None:
        """The chosen x column of row ``r`` (positive coefficient, not in ``kept``, and
        :meth:`_droppable` at the rows' ``activity``) that loses least objective per unit of
        the row, the first in the row's order among equals; None when there is none.
        ``full`` is ``base``'s plan with the ``kept`` columns added and some of its columns
        dropped, so the candidates are the base plan's chosen columns of the row, sorted by
        that ratio once per row and plan: the first one still chosen that may be dropped
        (an added column is in ``kept``, never a candidate)."""
        candidates = base.drop_candidates.get(r)
        if candidates is None:
            cols, coefs = self.index[self.start[r]:self.start[r + 1]], self.value[self.start[r]:self.start[r + 1]]
            keep = (coefs > 0) & (self.col_kind[cols] == OPTION) & (base.full[cols] == 1.0)
            cols, coefs = cols[keep], coefs[keep]
            sign = 1.0 if self.maximize else -1.0
            candidates = base.drop_candidates[r] = cols[np.argsort(sign * self.col_cost[cols] / coefs,
                                                                   kind="stable")].tolist()
        for c in candidates:
            if c not in kept and full[c] == 1.0 and self._droppable(c, activity, base):
                return c
        return None

    def _drop_with_awards(self, r: int, full: np.ndarray, kept: set, activity: np.ndarray,
                          base: "_SwapBase") -> int | None:
        """:meth:`_cheapest_drop` in a model with award groups, where a rule's pool row
        holds the awards A_g rather than x: then a member of an award is dropped."""
        entries = np.arange(self.start[r], self.start[r + 1])
        cols, coefs = self.index[entries], self.value[entries]
        kept_cols = np.fromiter(kept, dtype=np.int64, count=len(kept))
        keep = (coefs > 0) & (full[cols] == 1.0) & (self.col_kind[cols] == OPTION) & ~np.isin(cols, kept_cols)
        if not keep.any():
            cols, coefs = self._award_members(cols[(coefs > 0) & (full[cols] > 0)])
            keep = (full[cols] == 1.0) & ~np.isin(cols, kept_cols)
        if not keep.any():
            return None
        cols, coefs = cols[keep], coefs[keep]
        sign = 1.0 if self.maximize else -1.0
        for c in cols[np.argsort(sign * self.col_cost[cols] / coefs, kind="stable")]:
            if self._droppable(int(c), activity, base):
                return int(c)
        return None

    def _checked_swap(self, full: np.ndarray, activity: np.ndarray, base: "_SwapBase") -> np.ndarray | None:
        """:meth:`rounded_plan` of a swapped plan without award groups, from its row
        activity: ``full`` holds 0/1 on the x columns and 0 elsewhere, ``activity`` = A·full
        (kept up to date step by step).  The z columns are set as :meth:`complete` sets
        them and their terms added (the main plan's, and the change in those that differ);
        every row is then checked with the tolerance of :meth:`rounded_plan`.  Returns
        ``full`` (changed in place) or None: the same plan and verdict as the full check,
        at the cost of the overlap rows and the row bounds instead of every entry of the
        matrix."""
        self.complete(full)
        activity += base.z_activity
        col_start, col_rows, col_values = self._columns()
        change = full[base.overlaps] - base.z
        for k in np.nonzero(change)[0]:
            z = base.overlaps[k]
            lo, hi = col_start[z], col_start[z + 1]
            activity[col_rows[lo:hi]] += change[k] * col_values[lo:hi]
        return full if self._rows_hold(activity) else None

    def _award_members(self, award_cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(x columns, their entitlements w) of the award groups of columns ``award_cols``
        (columns of other kinds are ignored), from their award_cap_sum rows."""
        first, count = self._family_range("award_cap_sum")
        members, weights = [], []
        for r in range(first, first + count):
            entries = slice(self.start[r], self.start[r + 1])
            cols, vals = self.index[entries], self.value[entries]
            is_award = self.col_kind[cols] == AWARD
            if np.isin(cols[is_award], award_cols).any():
                members.append(cols[~is_award])
                weights.append(-vals[~is_award])
        if not members:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(members), np.concatenate(weights)

    def budget_row(self, j: int) -> int | None:
        """The row of budget row j of the case (None when it has no terms: Pyomo's
        ``Constraint.Feasible``/``Infeasible``, fixed whatever its limit)."""
        first, count = self._family_range("budget")
        if not 0 <= j < count:
            raise IndexError(f"budget row {j} of {count}")
        r = first + j
        return r if self.start[r + 1] > self.start[r] else None

    def _family_range(self, family: str) -> tuple[int, int]:
        """(first row, number of rows) of a row family (0 rows when it has none)."""
        first = 0
        for name, count in self.row_families.items():
            if name == family:
                return first, count
            first += count
        return first, 0

    def _family_mask(self, *families: str) -> np.ndarray:
        """Rows of the named families."""
        masks = self.__dict__.setdefault("_mask_cache", {})
        if families in masks:
            return masks[families]
        mask = masks[families] = np.zeros(self.num_row, dtype=bool)
        first = 0
        for name, count in self.row_families.items():
            if name in families:
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
        xs = np.nonzero(self.col_kind == OPTION)[0]
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


def model_arrays(data: ModelData, *, objective: str | None = None, weights=None,
                 minimise_spend: Budget | None = None) -> ModelArrays:
    """The arrays of ``build_model(data)`` (``elastic=False``; ``objective`` and
    ``weights`` default to the case's).  With ``minimise_spend`` the objective is instead
    to minimise what the plan draws on that budget row (capex shares and awards), as
    ``set_objective(m, budget_spend(m, data, row), minimise=True)`` makes it (the least
    budget of a sweep)."""
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
    a0 = s0 + len(data.target_rows)  # award A_g of the groups of award_groups(data), then u_g
    award = award_groups(data) if case.award_rules else {}
    n_groups = len(award)
    u0 = a0 + n_groups
    n_keys = u0 + n_groups
    columns = _OptionColumns(data, opt_p, opt_t, build, life, capex)

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
    # award_cap (issue 16): for every group g = (r, e, y) of a rule with a cap E_r per
    # enterprise and year: A_g − Σ w x ≤ 0,  A_g ≤ E_r,  Σ w x − W_g u_g − A_g ≤ 0,  E_r u_g − A_g ≤ 0
    group_keys = list(award)
    group_members = [np.fromiter((i for i, _ in award[g]), dtype=np.int64, count=len(award[g])) for g in group_keys]
    group_weights = [np.fromiter((w for _, w in award[g]), dtype=np.float64, count=len(award[g])) for g in group_keys]
    group_caps = [float(case.award_rules[g[0]].cap_per_enterprise_year) for g in group_keys]
    for k in range(len(group_keys)):
        rows.add("award_cap_sum", -INF, 0.0, np.concatenate(([a0 + k], group_members[k])),
                 np.concatenate(([1.0], -group_weights[k])))
    for k in range(len(group_keys)):
        rows.add("award_cap_limit", -INF, group_caps[k], [a0 + k], 1.0)
    for k, g in enumerate(group_keys):
        total = sum(w for _, w in award[g])  # W_g, summed as the Pyomo family sums it
        rows.add("award_cap_floor_sum", -INF, 0.0, np.concatenate((group_members[k], [u0 + k, a0 + k])),
                 np.concatenate((group_weights[k], [-total, -1.0])))
    for k in range(len(group_keys)):
        if group_caps[k]:
            rows.add("award_cap_floor_limit", -INF, 0.0, [u0 + k, a0 + k], [group_caps[k], -1.0])
        else:  # 0·u_g: Pyomo drops the zero coefficient
            rows.add("award_cap_floor_limit", -INF, 0.0, [a0 + k], -1.0)
    # budget: Σ_i s_ij x_i + awards_j − e_j ≤ L_j
    for j, budget in enumerate(case.budgets):
        cols, vals = _budget_terms(case, budget, columns)
        award_cols, award_vals = _award_terms(case, budget, columns, group_keys, group_members, a0)
        if not len(cols) and not len(award_cols):
            # Pyomo: Constraint.Feasible (an empty row 0 ≤ 0) or .Infeasible
            rows.add("budget", -INF, 0.0 if budget.limit >= 0 else float(budget.limit),
                     np.zeros(0, dtype=np.int64), 1.0)
            continue
        cols, vals = _merged(np.concatenate((cols, award_cols)), np.concatenate((vals, award_vals)))
        rows.add("budget", -INF, float(budget.limit), np.concatenate((cols, [e0 + j])),
                 np.concatenate((vals, [-1.0])))
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
    if minimise_spend is not None:
        spend_cols, spend_vals = _budget_terms(case, minimise_spend, columns)
        award_cols, award_vals = _award_terms(case, minimise_spend, columns, group_keys, group_members, a0)
        spend_cols, spend_vals = _merged(np.concatenate((spend_cols, award_cols)),
                                         np.concatenate((spend_vals, award_vals)))
        objective = "minimise_spend"
    elif objective in ("max_npv", "weighted"):
        npv = np.fromiter((data.npv(i) for i in range(n_opt)), dtype=np.float64, count=n_opt)
    obj_order = []  # columns in the order the objective names them (for column order)
    if objective == "minimise_spend":
        cost[spend_cols] = spend_vals
        obj_order = [spend_cols]
        maximize = False
    elif objective in metric_of:
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

    kind = np.searchsorted(np.array([n_opt, e0, s0, a0, u0]), used, side="right")
    col_lower = np.zeros(len(used))
    col_upper = np.select([kind == AWARD, (kind == EXTRA) | (kind == SHORTFALL)], [INF, 0.0], 1.0)
    start = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=start[1:])
    return ModelArrays(col_lower=col_lower, col_upper=col_upper, col_cost=cost[used],
                       col_integer=(kind == OPTION) | (kind == AWARD_CAPPED),
                       row_lower=np.asarray(rows.lower, dtype=np.float64),
                       row_upper=np.asarray(rows.upper, dtype=np.float64),
                       start=start, index=position[keys], value=vals, col_kind=kind,
                       col_option=np.where(kind == OPTION, used, -1), maximize=maximize,
                       row_families=rows.families, num_options=n_opt)


class _OptionColumns:
    """Per-option arrays the budget rows need (project p of option i, its start t, …) and
    per-project lookups cached by pool, group and rule."""

    def __init__(self, data: ModelData, opt_p, opt_t, build, life, capex):
        case = data.case
        projects = case.projects
        self.case = case
        self.multi_year = case.multi_year
        self.opt_p, self.opt_t = opt_p, opt_t
        self.build = build[opt_p]
        self.life = life[opt_p]
        self.capex = capex[opt_p]
        self.completion = opt_t + self.build - 1  # the year an award is paid (multi-year)
        max_b = int(build.max()) if len(build) else 1
        shares = np.zeros((len(projects), max_b))
        for p, project in enumerate(projects):
            shares[p, :len(project.capex_shares)] = project.capex_shares
        self.shares, self.max_b = shares, max_b
        pools = {name: code for code, name in enumerate(dict.fromkeys(p.budget_pool for p in projects))}
        self.pool_code = pools
        self.own_pool = np.fromiter((pools[p.budget_pool] for p in projects), dtype=np.int64,
                                    count=len(projects))[opt_p]
        self.reinvest = np.fromiter((p.reinvest_share for p in projects), dtype=np.float64, count=len(projects))
        self.net_saving = np.fromiter((max(p.annual_cost_saving - p.opex_change, 0.0) for p in projects),
                                      dtype=np.float64, count=len(projects))
        self._pool_share: dict[str, np.ndarray] = {}
        self._covers: dict = {}
        self._entitlement: dict[int, np.ndarray] = {}

    def pool_share(self, pool: str) -> np.ndarray:
        """Per project: the share of its capex the pool pays (``Project.pool_shares``)."""
        if pool not in self._pool_share:
            self._pool_share[pool] = np.fromiter((p.pool_shares().get(pool, 0.0) for p in self.case.projects),
                                                 dtype=np.float64, count=len(self.case.projects))
        return self._pool_share[pool]

    def covers(self, budget: Budget) -> np.ndarray | None:
        """Per option: does the row's group hold its project (None: no group, all do)?"""
        if budget.group is None:
            return None
        if budget.group not in self._covers:
            mask = np.fromiter((budget.covers(p) for p in self.case.projects), dtype=bool,
                               count=len(self.case.projects))
            self._covers[budget.group] = mask[self.opt_p]
        return self._covers[budget.group]

    def own(self, pool: str) -> np.ndarray:
        """Per option: is ``pool`` its project's own budget_pool?"""
        code = self.pool_code.get(pool)
        return self.own_pool == code if code is not None else np.zeros(len(self.opt_p), dtype=bool)

    def entitlement(self, r: int) -> np.ndarray:
        """Per option: w_{r,p} of award rule r (``AwardRule.entitlement``)."""
        if r not in self._entitlement:
            rule = self.case.award_rules[r]
            w = np.fromiter((rule.entitlement(p) for p in self.case.projects), dtype=np.float64,
                            count=len(self.case.projects))
            self._entitlement[r] = w[self.opt_p]
        return self._entitlement[r]

    def award_sign(self, rule_pool: str, budget: Budget) -> np.ndarray:
        """Per option: :func:`retrofit_opt.funding.award_sign` of a rule drawn on
        ``rule_pool`` (+1 its pool, −1 the project's own pool, 0 elsewhere)."""
        n = len(self.opt_p)
        if budget.pool == TOTAL_POOL:
            return np.zeros(n)
        sign = np.full(n, 1.0 if budget.pool == rule_pool else 0.0) - self.own(budget.pool)
        covers = self.covers(budget)
        if covers is not None:
            sign = np.where(covers, sign, 0.0)
        if budget.year is not None:
            sign = np.where(self.completion == budget.year, sign, 0.0)
        return sign


def _budget_terms(case: Case, budget: Budget, c: _OptionColumns) -> tuple[np.ndarray, np.ndarray]:
    """(options ascending, s_ij ≠ 0) of one budget row: :func:`retrofit_opt.rules.option_draw`
    vectorised — the pool's share of capex (spread by the capex profile on a yearly row),
    0 outside the row's group, less the reinvested savings credited to the row."""
    share = np.ones(len(case.projects)) if budget.pool == TOTAL_POOL else c.pool_share(budget.pool)
    base = c.capex * share[c.opt_p]
    if budget.year is None:
        s = base
    else:
        offset = budget.year - c.opt_t
        ok = (offset >= 0) & (offset < c.build)
        # (capex·share)·φ: the same floating-point products as rules.option_spend
        s = np.where(ok, base * c.shares[c.opt_p, np.clip(offset, 0, c.max_b - 1)], 0.0)
    covers = c.covers(budget)
    if covers is not None:
        s = np.where(covers, s, 0.0)
    if c.multi_year and c.reinvest.any():  # rules.reinvest_credit: ρ_p·max(S_p − opex_p, 0)·years
        rho = c.reinvest[c.opt_p]
        credited = rho != 0
        if budget.pool != TOTAL_POOL:
            credited &= c.own(budget.pool)
        if covers is not None:
            credited &= covers
        if credited.any():
            params = case.parameters
            first = c.opt_t + c.build
            last = first + c.life - 1
            if budget.year is not None:
                years = ((first <= budget.year - 1) & (budget.year - 1 <= last)).astype(np.int64)
            else:
                years = np.maximum(0, np.minimum(last, params.end_year - 1) - np.maximum(first, params.start_year) + 1)
            credit = rho * c.net_saving[c.opt_p] * years
            s = np.where(credited, s - credit, s)
    cols = np.nonzero(s)[0]
    return cols, s[cols]


def _award_terms(case: Case, budget: Budget, c: _OptionColumns, group_keys, group_members,
                 a0: int) -> tuple[np.ndarray, np.ndarray]:
    """The award part of one budget row as :func:`retrofit_opt.model.awards.award_terms`
    writes it: ±w_{r,p}·x_i of the uncapped rules (rule by rule, options ascending), then
    ±A_g of the capped groups (column keys ≥ ``a0``)."""
    rules = case.award_rules
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
    if not rules or budget.pool == TOTAL_POOL:
        return empty
    cols, vals = [], []
    for r, rule in enumerate(rules):
        if rule.cap_per_enterprise_year is not None:
            continue
        sign = c.award_sign(rule.pool, budget)
        w = c.entitlement(r)
        keep = np.nonzero((sign != 0) & (w > 0))[0]
        cols.append(keep)
        vals.append(sign[keep] * w[keep])
    signs: dict[int, np.ndarray] = {}
    for k, g in enumerate(group_keys):
        if g[0] not in signs:
            signs[g[0]] = c.award_sign(rules[g[0]].pool, budget)
        member_signs = signs[g[0]][group_members[k]]
        if member_signs.min() != member_signs.max():
            raise ValueError(f"award group {g} has members on both sides of budget row {budget.label}")
        if member_signs[0]:
            cols.append(np.array([a0 + k]))
            vals.append(member_signs[:1])
    if not cols:
        return empty
    return np.concatenate(cols).astype(np.int64), np.concatenate(vals)


def _merged(cols: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One term per column, as Pyomo's standard representation writes a sum: each column
    at its first appearance, its coefficients added left to right, zero sums dropped."""
    if len(cols) < 2:
        return cols, vals
    unique, first, inverse = np.unique(cols, return_index=True, return_inverse=True)
    if len(unique) == len(cols):
        return cols, vals
    sums = np.zeros(len(unique))
    np.add.at(sums, inverse, vals)  # unbuffered, in array order: ((0 + a) + b) + c
    order = np.argsort(first, kind="stable")
    cols, vals = unique[order], sums[order]
    keep = vals != 0
    return cols[keep], vals[keep]
