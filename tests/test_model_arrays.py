"""The hot path's LP (``model_arrays`` → ``ArraySolver``) is the LP of record
(``build_model`` → Pyomo's persistent HiGHS interface), entry by entry: same columns in the
same order, same bounds, costs, integrality, sense, row bounds and coefficients in the
same order — so HiGHS takes the same path on both.

Cases: the bundled workbooks, random single-period cases (tests/random_cases.py: pools,
subsidies, groups, prerequisites, interactions, targets, every objective), random
multi-year cases (tests/multiyear_oracle.py) and realistic generated cases of 300
projects over 1 and 6 years (bench/generate.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import multiyear_oracle
import retrofit_opt
from random_cases import random_case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.arrays import model_arrays
from retrofit_opt.solve import ArraySolver, Solver
from workbooks import write_workbook

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "cases"


def dense(lp) -> dict:
    """The LP of a ``highspy.Highs.getLp()`` with its matrix as a dense row-major array
    (row order and, row by row, the stored term order kept in ``terms``)."""
    n, m = lp.num_col_, lp.num_row_
    a = lp.a_matrix_
    start, index, value = np.asarray(a.start_), np.asarray(a.index_), np.asarray(a.value_)
    matrix = np.zeros((m, n))
    rowwise = a.format_.name == "kRowwise"
    terms = []
    outer = m if rowwise else n
    for k in range(outer):
        for e in range(start[k], start[k + 1]):
            r, c = (k, index[e]) if rowwise else (index[e], k)
            matrix[r, c] += value[e]
            terms.append((r, c))
    return {"n": n, "m": m, "col_lower": np.asarray(lp.col_lower_), "col_upper": np.asarray(lp.col_upper_),
            "cost": np.asarray(lp.col_cost_), "integrality": [int(v) for v in lp.integrality_] or [0] * n,
            "row_lower": np.asarray(lp.row_lower_), "row_upper": np.asarray(lp.row_upper_),
            "matrix": matrix, "sense": int(lp.sense_), "offset": lp.offset_,
            "terms": terms if rowwise else None}


def assert_same_lp(case) -> None:
    data = ModelData.from_case(case)
    pyomo_solver = Solver(build_model(data), 60, 1e-4)
    pyomo_solver.opt.set_instance(pyomo_solver.model)
    ours = dense(ArraySolver(model_arrays(data), 60, 1e-4).highs.getLp())
    theirs = dense(pyomo_solver.highs().getLp())
    assert (ours["n"], ours["m"], ours["sense"], ours["offset"]) == (
        theirs["n"], theirs["m"], theirs["sense"], theirs["offset"])
    for key in ("col_lower", "col_upper", "cost", "row_lower", "row_upper", "matrix"):
        assert np.array_equal(ours[key], theirs[key]), key  # exactly equal, not approximately
    assert ours["integrality"] == theirs["integrality"]
    if ours["terms"] is not None and theirs["terms"] is not None:
        assert ours["terms"] == theirs["terms"]


@pytest.mark.parametrize("name", ["tiny", "ganhe_2024", "qinghai_2025"])
def test_bundled_cases_give_the_identical_lp(name):
    assert_same_lp(retrofit_opt.load_case(CASES / f"{name}.xlsx"))


@pytest.mark.parametrize("seed", range(0, 200, 4))
def test_random_single_period_cases_give_the_identical_lp(seed, tmp_path):
    assert_same_lp(retrofit_opt.load_case(random_case(seed).write(tmp_path / "case.xlsx")))


@pytest.mark.parametrize("seed", range(0, 120, 4))
def test_random_multiyear_cases_give_the_identical_lp(seed, tmp_path):
    case = multiyear_oracle.random_case(seed)
    path = write_workbook(tmp_path / "case.xlsx", multiyear_oracle.case_sheets(case, "en", "万元"))
    assert_same_lp(retrofit_opt.load_case(path))


@pytest.mark.parametrize("years, objective", [(1, "max_saving"), (6, "max_saving"), (1, "max_npv"),
                                              (6, "min_cost"), (6, "weighted")])
def test_generated_cases_give_the_identical_lp(years, objective):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate_case
    finally:
        sys.path.remove(str(REPO / "bench"))
    try:
        case = generate_case(300, years, seed=years, objective=objective)
    except Exception as exc:  # an objective the generator cannot make is its limit, not ours
        pytest.skip(f"generator: {exc}")
    assert_same_lp(case)
