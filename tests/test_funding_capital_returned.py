"""Capital returned by a project (a negative ``capex_profile`` entry, issue 16), against a
published multi-year project-selection exercise.

Source: J. E. Beasley, *OR-Notes*, "Integer programming project selection tutorial
question" (http://people.brunel.ac.uk/~mastjjb/jeb/or/class9q.html) and its answer.  Four
projects over a 3-year horizon (£m):

    project  return  capital required in year 1   2    3
    1        0.2                           0.5  0.3  0.2
    2        0.3                           –    0.8  0.2
    3        0.5                           1.5  1.5  0.3
    4        0.1                           0.1  0.4  –
    capital available                      3.1  2.5  0.4

projects 1 and 2 are mutually exclusive, and if project 4 is chosen its whole return (0.1)
is added to the capital available in year 3.  The published answer's integer program:

    maximise 0.2x1 + 0.3x2 + 0.5x3          (project 4 does not contribute to the objective)
    0.5x1 + 1.5x3 + 0.1x4 ≤ 3.1             (year 1)
    0.3x1 + 0.8x2 + 1.5x3 + 0.4x4 ≤ 2.5     (year 2)
    0.2x1 + 0.2x2 + 0.3x3 − 0.1x4 ≤ 0.4     (year 3, amended from "≤ 0.4" by project 4's return)
    x1 + x2 ≤ 1,  x binary.

The answer solves it with Excel Solver (a screenshot); the optimum asserted here is that
of the published program, enumerated below over its 16 plans: projects 1, 3 and 4, a
return of 0.7 — project 4 is chosen only for the capital it returns, which lets year 3
fund projects 1 and 3 (0.2 + 0.3 = 0.4 + 0.1).  With the answer's initial year-3 row
(no return) the best is 0.5.

The case is tests/data/beasley_project_selection.xlsx (tests/data/build_textbook_cases.py):
the capital requirements are capex profiles, project 4's 0.1/0.4/−0.1 (capital returned in
year 3), the yearly capital ``total`` budget rows for 2001–2003 (= years 1–3), the return
the given ``npv`` (the program's objective coefficient; no discounting), projects 1 and 2 an
exclusive group.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retrofit_opt import economics, load_case, solve_case
from retrofit_opt.cli import main

from workbooks import write_workbook

DATA = Path(__file__).parent / "data"
CASE = DATA / "beasley_project_selection.xlsx"
YEARS = (2001, 2002, 2003)
IDS = ("1", "2", "3", "4")

# The published answer's program, written here row by row (coefficients of x1 … x4).
OBJECTIVE = (0.2, 0.3, 0.5, 0.0)
CAPITAL_ROWS = (((0.5, 0.0, 1.5, 0.1), 3.1),
                ((0.3, 0.8, 1.5, 0.4), 2.5),
                ((0.2, 0.2, 0.3, -0.1), 0.4))
INITIAL_YEAR_3 = ((0.2, 0.2, 0.3, 0.0), 0.4)  # the answer's year-3 row before project 4's return


def published_optimum(rows=CAPITAL_ROWS, force_in: str | None = None):
    """Every best plan of the published program (x1 + x2 ≤ 1 and the capital rows) by
    enumeration of the 2⁴ plans, with its value."""
    plans = []
    for x in itertools.product((0, 1), repeat=4):
        if x[0] + x[1] > 1 or (force_in and not x[IDS.index(force_in)]):
            continue
        if all(sum(a * xi for a, xi in zip(coef, x)) <= limit + 1e-9 for coef, limit in rows):
            plans.append(({i for i, xi in zip(IDS, x) if xi}, sum(c * xi for c, xi in zip(OBJECTIVE, x))))
    best = max(value for _, value in plans)
    return [plan for plan, value in plans if value > best - 1e-9], best


def test_the_published_program_has_one_optimum_which_needs_the_capital_returned():
    (plan,), value = published_optimum()
    assert plan == {"1", "3", "4"} and value == pytest.approx(0.7)
    plans, value = published_optimum(CAPITAL_ROWS[:2] + (INITIAL_YEAR_3,))
    assert value == pytest.approx(0.5) and {"3"} in plans  # without the return: project 3 alone


def test_the_case_holds_the_published_table():
    """Capital per year = capex × share of each build year (project 4: −0.1 in year 3),
    yearly capital rows, the return as the given NPV (0 for project 4)."""
    case = load_case(CASE)
    assert (case.parameters.start_year, case.parameters.end_year) == (2001, 2003)
    for p, coef in zip(case.projects, zip(*(c for c, _ in CAPITAL_ROWS))):
        assert [p.capex * s for s in p.capex_shares] == pytest.approx(coef), p.id
        assert p.npv_given == pytest.approx(OBJECTIVE[IDS.index(p.id)])
        assert case.start_years(p) == (2001,)  # three build years in a 3-year horizon: year 1 only
    assert min(case.project("4").capex_shares) < 0  # capital returned in its third year
    rows = {(b.pool, b.year): b.limit for b in case.budgets}
    assert rows == {("total", y): limit for y, (_, limit) in zip(YEARS, CAPITAL_ROWS)}


def test_cli_reproduces_the_published_optimum(tmp_path):
    out = tmp_path / "beasley_result.xlsx"
    run = CliRunner().invoke(main, ["solve", str(CASE), "-o", str(out), "--lang", "en", "--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    (best,), value = published_optimum()
    assert payload["status"] == "optimal"
    assert {s["id"] for s in payload["selected"]} == best
    assert payload["objective"] == pytest.approx(value)
    used = {b["year"]: b["used"] for b in payload["budgets"]}
    # year 3 is exactly full: 0.2 + 0.3 paid, 0.1 returned by project 4
    assert used == pytest.approx({2001: 2.1, 2002: 2.2, 2003: 0.4})
    # project 2 (exclusive with 1) forced in: the best plan with it is worth 0.3
    (left,) = payload["not_selected"]
    _, with_two = published_optimum(force_in="2")
    assert left["id"] == "2" and left["objective_loss"] == pytest.approx(value - with_two)
    summary = [[c.value for c in row] for row in load_workbook(out)["Summary"].iter_rows()]
    year3 = next(r for r in summary if r[:2] == ["total", 2003])
    assert year3[2:4] == [0.4, pytest.approx(0.4)] and year3[6] == "yes"


def test_without_the_returned_capital_the_tool_and_the_initial_program_agree(tmp_path):
    """Project 4 entered without its return (year-3 entry 0, capex 0.5): the answer's
    initial year-3 row.  The tool's optimum is that program's, 0.5."""
    wb = load_workbook(CASE)
    sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    head = sheets["projects"][0]
    four = next(r for r in sheets["projects"] if r[0] == "4")
    four[head.index("capex")], four[head.index("capex_profile")] = 0.5, "0.1/0.4/0"
    result = solve_case(load_case(write_workbook(tmp_path / "no_return.xlsx", sheets)), explain=False)
    plans, value = published_optimum(CAPITAL_ROWS[:2] + (INITIAL_YEAR_3,))
    assert result.status == "optimal"
    assert result.objective == pytest.approx(value) and set(result.plan) in plans


def test_api_result_is_the_brute_force_optimum():
    result = solve_case(load_case(CASE), explain=False)
    (best,), value = published_optimum()
    assert result.status == "optimal" and set(result.plan) == best
    assert result.objective == pytest.approx(value)
    assert set(result.plan.values()) == {2001}


def test_portfolio_npv_irr_and_payback_never_contradict_each_other(tmp_path):
    """The exercise gives each project's value (its return), not a stream of benefits: the
    NPV column is that value, and every indicator the cash flows would give (IRR, simple and
    discounted payback) is blank with a note — no "never pays back" beside a positive NPV."""
    case = load_case(CASE)
    for p in case.projects:
        # the flows are the capital alone, so their NPV is −capex ≠ the given return
        assert economics.cash_flow_npv(p, case.parameters) == pytest.approx(-p.capex)
        assert economics.given_npv_contradicts_flows(p, case.parameters)
        assert economics.simple_payback(p, case.parameters) is None
        assert economics.irr(p, case.parameters) is None
    out = tmp_path / "beasley_result.xlsx"
    run = CliRunner().invoke(main, ["solve", str(CASE), "-o", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.output
    wb = load_workbook(out)
    ws = wb["Portfolio"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2) if row[1].value in IDS]
    col = {key: next(h for h in header if h and h.startswith(key))
           for key in ("NPV", "IRR", "Simple payback", "Discounted payback")}
    assert {r["id"] for r in rows} == {"1", "3", "4"}
    for r in rows:
        assert r[col["NPV"]] == pytest.approx(OBJECTIVE[IDS.index(r["id"])])
        assert r[col["IRR"]] is None and r[col["Simple payback"]] is None and r[col["Discounted payback"]] is None
    total = next(row for row in ws.iter_rows(min_row=2) if row[2].value == "Total")
    assert total[header.index(col["Simple payback"])].value is None  # not "never pays back" beside NPV 0.7
    notes = " ".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert "simple and discounted payback" in notes and "(1, 2, 3, 4)" in notes
    left = wb["Not selected"]
    left_header = [c.value for c in left[1]]
    (two,) = [dict(zip(left_header, (c.value for c in row))) for row in left.iter_rows(min_row=2)
              if row[0].value == "2"]
    assert two[next(h for h in left_header if h.startswith("Simple payback"))] is None
