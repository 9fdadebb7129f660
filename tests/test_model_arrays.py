"""The hot path's LP (``model_arrays`` → ``ArraySolver``) is the LP of record
(``build_model`` → Pyomo's persistent HiGHS interface), entry by entry: same columns in the
same order, same bounds, costs, integrality, sense, row bounds and coefficients in the
same order — so HiGHS takes the same path on both.

Cases: every bundled workbook (the award case too), the textbook salvage cases, random
funding cases (tests/funding_cases.py: award rules of every cap kind, enterprise-year caps,
group budget rows, reinvested savings; single-period and multi-year), random single-period cases (tests/random_cases.py: pools,
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
from funding_cases import write_funding_case
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


BUNDLED = sorted(path.name for path in CASES.glob("*.xlsx"))


def test_every_bundled_case_is_compared():
    """The parametrisation below takes every workbook of cases/, the award case among them."""
    assert {"tiny.xlsx", "ganhe_2024.xlsx", "qinghai_2025.xlsx", "ganhe_awards_2024.xlsx"} <= set(BUNDLED)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_cases_give_the_identical_lp(name):
    assert_same_lp(retrofit_opt.load_case(CASES / name))


@pytest.mark.parametrize("path", sorted((REPO / "tests" / "data").glob("newnan_ex17_3*.xlsx")), ids=lambda p: p.stem)
def test_textbook_salvage_cases_give_the_identical_lp(path):
    assert_same_lp(retrofit_opt.load_case(path))


def test_the_award_case_has_award_terms_merged_with_capex_shares():
    """ganhe_awards_2024 exercises the merge: on a project's own pool its column carries
    its capex share less its award (one term, as Pyomo writes it)."""
    case = retrofit_opt.load_case(CASES / "ganhe_awards_2024.xlsx")
    data = ModelData.from_case(case)
    arrays = model_arrays(data)
    first, count = arrays._family_range("budget")
    assert case.award_rules and count == len(case.budgets)
    columns = arrays.option_columns()
    merged = 0
    for j, budget in enumerate(case.budgets):
        lo, hi = arrays.start[first + j], arrays.start[first + j + 1]
        row = dict(zip(arrays.index[lo:hi].tolist(), arrays.value[lo:hi].tolist()))
        assert len(row) == hi - lo  # one term per column
        for i, (p_index, _) in enumerate(data.options):
            project = case.projects[p_index]
            if budget.pool != "total" and budget.pool == project.budget_pool and columns[i] in row:
                merged += row[columns[i]] < data.spend(i, budget) - 1e-9
    assert merged > 0


@pytest.mark.parametrize("multi_year", [False, True], ids=["single", "multi"])
@pytest.mark.parametrize("seed", range(24))
def test_random_funding_cases_give_the_identical_lp(seed, multi_year, tmp_path):
    """Award rules of every cap kind, enterprise-year caps, group budget rows, reinvested
    savings, capital returned, salvage (tests/funding_cases.py)."""
    case = retrofit_opt.load_case(write_funding_case(tmp_path / "case.xlsx", seed, multi_year))
    assert case.award_rules and any(b.group for b in case.budgets)
    assert_same_lp(case)


def test_random_funding_cases_cover_every_feature(tmp_path):
    """The random funding cases above exercise what they claim to."""
    seen = set()
    for multi_year in (False, True):
        for seed in range(24):
            case = retrofit_opt.load_case(write_funding_case(tmp_path / f"c{seed}{multi_year}.xlsx", seed, multi_year))
            arrays = model_arrays(ModelData.from_case(case))
            seen |= {family for family, n in arrays.row_families.items() if n}
            seen |= {"group " + b.group[0] for b in case.budgets if b.group}
            seen |= {"reinvest" for p in case.projects if p.reinvest_share and case.multi_year}
            seen |= {"reinvest, full subsidy" for p in case.projects
                     if p.reinvest_share and case.multi_year and p.subsidy_rate == 1.0}
            seen |= {"capital returned" for p in case.projects if min(p.capex_shares) < 0}
            seen |= {"yearly award row" for b in case.budgets if b.year is not None and b.pool == "fund"}
            for rule in case.award_rules:
                seen |= {kind for kind, value in (("cap per project", rule.cap_per_project),
                                                  ("cap share", rule.cap_share_of_capex),
                                                  ("cap per enterprise", rule.cap_per_enterprise_year),
                                                  ("co2 rate", rule.rate_per_t_co2 or None)) if value}
                seen.add("scope " + rule.scope[0])
            seen.add(case.parameters.objective)
    assert {"award_cap_sum", "award_cap_limit", "award_cap_floor_sum", "award_cap_floor_limit", "budget",
            "one_start", "group enterprise", "group sector", "group category", "reinvest",
            "reinvest, full subsidy", "capital returned", "yearly award row", "cap per project", "cap share",
            "cap per enterprise", "co2 rate", "scope all", "scope category", "max_saving", "max_npv",
            "min_cost"} <= seen


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
