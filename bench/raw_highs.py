"""The benchmark's raw baseline: the SAME model as ``retrofit_opt.model.build_model``, built
directly with highspy from numpy arrays (``addVars``, ``changeColsIntegrality``,
``changeColsCost``, ``addRows`` in CSR form), following ``models/formulation.md``.

"The same" is meant literally: rows in the order of the constraint families
(one_start, mandatory, exclusive_group, prerequisite, overlap_both, overlap_a, overlap_b,
budget, min_total, max_total, intensity_reduction), terms within a row in the order of the
Pyomo expressions, columns in the order Pyomo's persistent HiGHS interface creates them
(first appearance, row by row, then the objective), and the fixed-at-0 ``budget_extra`` and
``shortfall`` columns included.  HiGHS then sees an identical LP, so that its solve takes
the same path; ``compare_lp`` checks this against the LP Pyomo passes to HiGHS.

Two steps, timed apart:

* ``model_arrays(case)``: the arrays from a validated case (numpy, vectorised over start
  options; "prep" — the raw baseline assumes the data is already in arrays);
* ``build_highs(arrays, ...)``: a ``highspy.Highs`` from the arrays (the raw "build").

Run as a script it is the raw end-to-end process of the benchmark:
``python bench/raw_highs.py ARRAYS.npz --time-limit S --mip-gap G --out RESULT.json``
(start-up, imports, loading the arrays, build, solve, each timed).
"""
from __future__ import annotations

import time

_T0 = time.perf_counter()

import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass, fields  # noqa: E402

import numpy as np  # noqa: E402

_T_NUMPY = time.perf_counter()

INF = math.inf

ARRAY_FIELDS = ("col_lower", "col_upper", "col_cost", "col_integer", "row_lower", "row_upper",
                "start", "index", "value", "col_kind", "col_option")


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

    @property
    def num_col(self) -> int:
        return len(self.col_lower)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def num_nz(self) -> int:
        return len(self.value)

    def save(self, path) -> None:
        np.savez(path, maximize=np.array(self.maximize), families=np.array(json.dumps(self.row_families)),
                 **{f: getattr(self, f) for f in ARRAY_FIELDS})

    @classmethod
    def load(cls, path) -> "ModelArrays":
        with np.load(path) as z:
            return cls(**{f: z[f] for f in ARRAY_FIELDS}, maximize=bool(z["maximize"]),
                       row_families=json.loads(str(z["families"])))


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


def model_arrays(case, *, objective: str | None = None, weights=None) -> ModelArrays:
    """The arrays of ``build_model(case)`` (``elastic=False``)."""
    from retrofit_opt import economics
    from retrofit_opt.case import TOTAL_POOL
    from retrofit_opt.model.data import ModelData

    data = ModelData.from_case(case)
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
        if not len(cols):  # Pyomo: Constraint.Feasible, kept as an empty row 0 ≤ 0
            rows.add("budget", -INF, 0.0, np.zeros(0, dtype=np.int64), 1.0)
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
                       row_families=rows.families)


# ------------------------------------------------------------------------ HiGHS, raw
def build_highs(a: ModelArrays, *, time_limit: float, mip_gap: float, threads: int = 1):
    """A ``highspy.Highs`` holding the model, with the same options ``retrofit_opt.solve``
    sets (threads, time_limit, mip_rel_gap); the log is off."""
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    n = a.num_col
    h.addVars(n, a.col_lower, a.col_upper)
    integer = np.nonzero(a.col_integer)[0]
    if len(integer):
        h.changeColsIntegrality(len(integer), integer.astype(np.int32),
                                np.full(len(integer), highspy.HighsVarType.kInteger))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if a.maximize else highspy.ObjSense.kMinimize)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), a.col_cost)
    if a.num_row:
        h.addRows(a.num_row, a.row_lower, a.row_upper, a.num_nz, a.start[:-1].astype(np.int32),
                  a.index.astype(np.int32), a.value)
    return h


@dataclass
class RawOutcome:
    status: str  # optimal | feasible | infeasible | timeout | other
    objective: float | None
    bound: float | None
    gap: float | None  # |objective − bound| / max(|objective|, 1), as retrofit_opt.solve
    seconds: float  # wall time of run()
    highs_seconds: float  # HiGHS's own run time
    nodes: int | None = None

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def solve_highs(h) -> tuple[RawOutcome, np.ndarray | None]:
    import highspy
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    status = h.getModelStatus()
    info = h.getInfo()
    has = info.primal_solution_status == 2
    if status == highspy.HighsModelStatus.kOptimal and has:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        name = "infeasible"
    elif has:
        name = "feasible"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        name = "timeout"
    else:
        name = "other"
    objective = info.objective_function_value if has else None
    bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    gap = None
    if objective is not None:
        gap = 0.0 if bound is None and name == "optimal" else (
            abs(objective - bound) / max(abs(objective), 1.0) if bound is not None else None)
    x = np.asarray(h.getSolution().col_value) if has else None
    return RawOutcome(name, objective, bound, gap, seconds, h.getRunTime(), int(info.mip_node_count)), x


def plan_from(a: ModelArrays, x: np.ndarray, case) -> dict:
    """Project id → start year of the x columns at 1."""
    from retrofit_opt.model.data import ModelData
    data = ModelData.from_case(case)
    plan = {}
    for c in np.nonzero((a.col_kind == 0) & (x > 0.5))[0]:
        p, t = data.options[int(a.col_option[c])]
        plan[case.projects[p].id] = t
    return plan


# ------------------------------------------------------------------- comparing models
def lp_arrays(h) -> dict:
    """The LP inside a Highs object, as row-wise numpy arrays."""
    import highspy
    lp = h.getLp()
    n, m = lp.num_col_, lp.num_row_
    A = lp.a_matrix_
    start, index, value = np.asarray(A.start_), np.asarray(A.index_), np.asarray(A.value_)
    if A.format_ == highspy.MatrixFormat.kColwise and m:
        import scipy.sparse as sp  # pragma: no cover - HiGHS keeps what addRows gave it
        csr = sp.csc_matrix((value, index, start), shape=(m, n)).tocsr()
        start, index, value = csr.indptr, csr.indices, csr.data
    integrality = np.asarray(lp.integrality_) if len(lp.integrality_) else np.zeros(n)
    return {"num_col": n, "num_row": m, "col_lower": np.asarray(lp.col_lower_), "col_upper": np.asarray(lp.col_upper_),
            "col_cost": np.asarray(lp.col_cost_), "integer": np.array([int(v) == 1 for v in integrality]),
            "row_lower": np.asarray(lp.row_lower_), "row_upper": np.asarray(lp.row_upper_),
            "start": start[:m + 1] if m else np.zeros(1, dtype=int), "index": index, "value": value,
            "maximize": lp.sense_ == highspy.ObjSense.kMaximize, "offset": lp.offset_}


def compare_lp(a: dict, b: dict, rel: float = 1e-12) -> list[str]:
    """Differences between two LPs (empty: identical up to ``rel`` in the numbers)."""
    out = []
    for k in ("num_col", "num_row", "maximize"):
        if a[k] != b[k]:
            out.append(f"{k}: {a[k]} vs {b[k]}")
    if out:
        return out
    for k in ("col_lower", "col_upper", "col_cost", "row_lower", "row_upper", "value"):
        x, y = np.asarray(a[k], dtype=float), np.asarray(b[k], dtype=float)
        if x.shape != y.shape:
            out.append(f"{k}: shapes {x.shape} vs {y.shape}")
            continue
        same_inf = (np.isinf(x) == np.isinf(y)) & (np.sign(x) == np.sign(y))
        fin = np.isfinite(x) & np.isfinite(y)
        diff = np.abs(np.where(fin, x, 0.0) - np.where(fin, y, 0.0))
        bad = ~same_inf | (fin & (diff > rel * np.maximum(1.0, np.abs(np.where(fin, x, 0.0)))))
        if bad.any():
            out.append(f"{k}: {int(bad.sum())} entries differ (first at {int(np.argmax(bad))})")
    for k in ("integer", "start", "index"):
        if not np.array_equal(np.asarray(a[k]), np.asarray(b[k])):
            out.append(f"{k} differs")
    if a["offset"] != b["offset"]:
        out.append(f"offset: {a['offset']} vs {b['offset']}")
    return out


def pyomo_lp(case) -> tuple[dict, float, float]:
    """The LP that retrofit-opt passes to HiGHS for ``case`` (build_model + the persistent
    interface's set_instance), with the build and load seconds."""
    from pyomo.contrib.solver.common.factory import SolverFactory

    from retrofit_opt.model import build_model
    from retrofit_opt.solve import pyomo_highs_internals
    t0 = time.perf_counter()
    model = build_model(case)
    t1 = time.perf_counter()
    opt = SolverFactory("highs")
    opt.set_instance(model)
    t2 = time.perf_counter()
    return lp_arrays(pyomo_highs_internals(opt).highs), t1 - t0, t2 - t1


# ------------------------------------------------------------------------- the script
def check_lp_main(case_path: str, arrays_path: str) -> int:
    """Print, as JSON, whether retrofit-opt's LP for the case workbook (with whichever
    package this process imports) equals the raw arrays'."""
    import retrofit_opt
    from retrofit_opt.loader import load_case
    case = load_case(case_path)
    lp, build, load = pyomo_lp(case)
    a = ModelArrays.load(arrays_path)
    differences = compare_lp(lp_arrays(build_highs(a, time_limit=1.0, mip_gap=1.0)), lp)
    print(json.dumps({"identical": not differences, "differences": differences, "build": build, "load": load,
                      "package": retrofit_opt.__file__}))
    return 0


def main(argv=None) -> int:
    import argparse
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--check-lp":
        return check_lp_main(argv[1], argv[2])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("arrays", help="ModelArrays .npz written by the benchmark")
    ap.add_argument("--time-limit", type=float, required=True)
    ap.add_argument("--mip-gap", type=float, required=True)
    ap.add_argument("--out", required=True, help="JSON file for the timings and the outcome")
    args = ap.parse_args(argv)
    t_imp0 = time.perf_counter()
    import highspy  # noqa: F401
    t_imp1 = time.perf_counter()
    a = ModelArrays.load(args.arrays)
    t_load = time.perf_counter()
    h = build_highs(a, time_limit=args.time_limit, mip_gap=args.mip_gap)
    t_build = time.perf_counter()
    outcome, _ = solve_highs(h)
    t_end = time.perf_counter()
    result = {"imports": (_T_NUMPY - _T0) + (t_imp1 - t_imp0), "load_arrays": t_load - t_imp1,
              "build": t_build - t_load, "solve": t_end - t_build, "in_script": t_end - _T0,
              "outcome": outcome.to_json(), "num_col": a.num_col, "num_row": a.num_row, "num_nz": a.num_nz}
    with open(args.out, "w") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
