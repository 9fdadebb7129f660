"""The swapped plans of the explanations (stage 0 of ``studies/explain.py``, issue 19: at
10,000 projects the swaps were two thirds of the explanation time) are exactly the plans of
the plain definition written out here: x_force := 1, then, while a row (not an
overlap_both row) is above its upper bound, drop the chosen x column of that row with the
least objective per unit of the row (the first in the row's order among equals, never the
forced one or one added for it, never one whose removal takes a row it is in below that
row's lower bound — a mandatory project, a target only just met); a row with nothing to
drop gets the x column outside the plan with a negative coefficient there (a missing
prerequisite, a project whose reinvested savings lower a budget row) and the best
objective added, kept from then on; and finally check the
whole plan with :meth:`ModelArrays.rounded_plan`.

The fast path keeps each row's columns sorted by that ratio and checks the final plan from
its row activity; these tests compare both, plan for plan, column for column."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from retrofit_opt.loader import load_case
from retrofit_opt.model.arrays import AWARD_FAMILIES, OPTION
from retrofit_opt.solve import ArraySolver
from retrofit_opt.studies.solve import prepare_case

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_case  # noqa: E402

sys.path.remove(str(ROOT / "bench"))


def plain_swapped_plan(arrays, plan_x, force: int, max_steps: int = 64):
    """The definition, every step recomputed from scratch (no award groups)."""
    full = np.where(arrays.col_kind == OPTION, np.clip(np.floor(np.asarray(plan_x, dtype=np.float64) + 1e-6), 0, 1),
                    0.0)
    full[force] = 1.0
    families = list(arrays.row_families.items())  # the overlap_both rows wait for the final check (z follows)
    exempt = np.repeat([name == "overlap_both" for name, _ in families], [count for _, count in families])
    upper = arrays.row_upper + 1e-9 * np.maximum(1.0, np.abs(np.where(np.isfinite(arrays.row_upper),
                                                                      arrays.row_upper, 0)))
    sign = 1.0 if arrays.maximize else -1.0
    rows = np.repeat(np.arange(arrays.num_row), np.diff(arrays.start))
    finite = np.isfinite(arrays.row_lower)
    floor = np.where(finite, arrays.row_lower - 1e-9 * np.maximum(1.0, np.abs(np.where(finite, arrays.row_lower, 0))),
                     -np.inf)

    def keeps_lower_bounds(c, activity):
        entries = np.nonzero(arrays.index == c)[0]
        return all(activity[rows[e]] - arrays.value[e] >= floor[rows[e]] for e in entries if arrays.value[e] > 0)

    kept = {force}
    for _ in range(max_steps):
        activity = np.bincount(rows, weights=arrays.value * full[arrays.index], minlength=arrays.num_row)
        over = [r for r in range(arrays.num_row) if activity[r] > upper[r] and not exempt[r]]
        if not over:
            break
        r = over[0]
        best, best_ratio = None, None
        for e in range(arrays.start[r], arrays.start[r + 1]):
            c, coef = int(arrays.index[e]), float(arrays.value[e])
            if coef > 0 and full[c] == 1.0 and arrays.col_kind[c] == OPTION and c not in kept \
                    and keeps_lower_bounds(c, activity):
                ratio = sign * arrays.col_cost[c] / coef
                if best_ratio is None or ratio < best_ratio:
                    best, best_ratio = c, ratio
        if best is not None:
            full[best] = 0.0
            continue
        for e in range(arrays.start[r], arrays.start[r + 1]):  # nothing to drop: add what the row lacks
            c, coef = int(arrays.index[e]), float(arrays.value[e])
            if coef < 0 and full[c] == 0.0 and arrays.col_kind[c] == OPTION:
                if best is None or sign * arrays.col_cost[c] > sign * arrays.col_cost[best]:
                    best = c
        if best is None:
            return None
        full[best] = 1.0
        kept.add(best)
    else:
        return None
    return arrays.rounded_plan(full, [force])


def _cases():
    out = [(path.stem, load_case(path)) for path in sorted((ROOT / "cases").glob("*.xlsx"))]
    out += [("generated 400 × 1", generate_case(400, 1, seed=5)),
            ("generated 150 × 3", generate_case(150, 3, seed=6)),
            ("generated 300 × 1, min cost", generate_case(300, 1, seed=7, objective="min_cost"))]
    return out


@pytest.mark.parametrize("name,case", _cases(), ids=[name for name, _ in _cases()])
def test_swapped_plans_are_the_plain_definitions(name, case):
    arrays = prepare_case(case).arrays
    solver = ArraySolver(arrays, 30, 0.01)
    outcome = solver.solve()
    assert outcome.has_solution
    main_x = solver.values
    has_awards = any(arrays.row_families.get(f, 0) for f in AWARD_FAMILIES)
    options = np.nonzero(arrays.col_kind == OPTION)[0]
    found = compared = 0
    for force in options:
        fast = arrays.swapped_plan(main_x, int(force))
        if has_awards:  # awards take the path of the full check; both must still be real plans
            assert fast is None or arrays.rounded_plan(fast, [int(force)]) is not None
            continue
        plain = plain_swapped_plan(arrays, main_x, int(force))
        assert (fast is None) == (plain is None), (name, int(force))
        if fast is not None:
            assert np.array_equal(fast, plain), (name, int(force))
            found += 1
        compared += 1
    if not has_awards:
        assert compared == len(options)
        assert found > 0  # the swaps do find plans, so the comparison has teeth


def test_swapping_twice_gives_the_same_plans_and_leaves_the_main_plan_alone():
    """The main plan's rounding and each row's sorted candidates are kept between swaps:
    a swap must not change them (nor the solution it starts from)."""
    case = generate_case(200, 1, seed=8)
    arrays = prepare_case(case).arrays
    solver = ArraySolver(arrays, 30, 0.01)
    assert solver.solve().has_solution
    main_x = solver.values.copy()
    first = [arrays.swapped_plan(main_x, int(c)) for c in np.nonzero(arrays.col_kind == OPTION)[0][:50]]
    again = [arrays.swapped_plan(main_x, int(c)) for c in np.nonzero(arrays.col_kind == OPTION)[0][:50]]
    assert np.array_equal(main_x, solver.values)
    assert all((a is None and b is None) or np.array_equal(a, b) for a, b in zip(first, again))


def _micro(make_case, rows, target, requires=None):
    """A hand-worked case: ``rows`` (id, capex, saving, co2, mandatory), budget 20 万元,
    maximise energy saving, ``target`` (metric, value) as a min_total target;
    ``requires``: project id → the id it requires."""
    requires = requires or {}
    sheets = {
        "projects": [["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)", "mandatory",
                      "requires"],
                     *[[pid, f"project {pid}", capex, saving, co2, "yes" if mandatory else "no", requires.get(pid, "")]
                       for pid, capex, saving, co2, mandatory in rows]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 20]],
        "targets": [["metric", "year", "kind", "value"], [target[0], None, "min_total", target[1]]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"]],
    }
    prepared = prepare_case(load_case(make_case(sheets)))
    solver = ArraySolver(prepared.arrays, 30, 0.0)
    assert solver.solve().status == "optimal"
    ids = [prepared.case.projects[p].id for p, _ in prepared.data.options]
    column = {ids[i]: int(c) for i, c in enumerate(solver.option_columns) if c >= 0}
    return prepared.arrays, solver.values, column


def _chosen(plan, column):
    return {pid for pid, c in column.items() if plan[c] == 1.0}


def _assert_swap(arrays, main_x, column, main: set, force: str, expected: set, value: float) -> None:
    """The main plan is ``main``; swapping ``force`` in gives ``expected`` of objective
    ``value``, the plain definition's plan column for column."""
    assert _chosen(main_x, column) == main
    swapped = arrays.swapped_plan(main_x, column[force])
    assert swapped is not None and _chosen(swapped, column) == expected
    assert arrays.value_of(swapped) == pytest.approx(value)
    assert np.array_equal(swapped, plain_swapped_plan(arrays, main_x, column[force]))


def test_a_swap_never_drops_a_mandatory_project(make_case):
    """M is mandatory and the worst value per 万元 (1 tce per 10 万元); the plan is {M, A}
    (saving 6).  Forcing B in overfills the budget: dropping M, the cheapest loss per
    万元, breaks its mandatory row, so the swap drops A: {M, B}, saving 1 + 4 = 5, the only
    plan with B (loss 1)."""
    arrays, main_x, column = _micro(make_case, [("M", 10, 1, 0, True), ("A", 10, 5, 0, False),
                                                ("B", 10, 4, 0, False)], ("energy_saving", 0))
    _assert_swap(arrays, main_x, column, {"M", "A"}, "B", {"M", "B"}, 5.0)


def test_a_swap_keeps_a_target_the_plan_only_just_meets(make_case):
    """CO2 ≥ 50 t/yr: the plan {A, C} (saving 6, CO2 10 + 50 = 60) needs C, the cheapest
    loss per 万元 (1 tce).  Forcing B (4 tce, no CO2) in overfills the budget; dropping C
    would leave CO2 at 10, so the swap drops A: {C, B}, saving 5, CO2 50 (loss 1)."""
    arrays, main_x, column = _micro(make_case, [("A", 10, 5, 10, False), ("C", 10, 1, 50, False),
                                                ("B", 10, 4, 0, False)], ("co2_reduction", 50))
    _assert_swap(arrays, main_x, column, {"A", "C"}, "B", {"C", "B"}, 5.0)


def test_a_swap_takes_in_a_missing_prerequisite(make_case):
    """B requires Q.  The plan is {A, D} (saving 6 + 5 = 11, 20 万元).  Forcing B in breaks
    its prerequisite row and nothing there can be dropped, so Q is added; the budget
    (10 + 10 + 5 + 5 = 30) is then overfull and D, the cheaper loss per 万元 (0.5 against
    0.6; B and Q are kept), is dropped: {A, Q, B}, saving 6 + 1 + 3 = 10, the best plan
    with B (the other, {D, Q, B}, saves 9)."""
    arrays, main_x, column = _micro(make_case, [("A", 10, 6, 0, False), ("D", 10, 5, 0, False),
                                                ("Q", 5, 1, 0, False), ("B", 5, 3, 0, False)],
                                    ("energy_saving", 0), requires={"B": "Q"})
    _assert_swap(arrays, main_x, column, {"A", "D"}, "B", {"A", "Q", "B"}, 10.0)
