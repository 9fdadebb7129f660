"""Salvage value (残值) in NPV, IRR, payback and LCSE, against a published textbook example.

Source: D. G. Newnan, T. G. Eschenbach, J. P. Lavelle, *Engineering Economic Analysis*,
chapter 17 "Rationing capital among competing projects": Example 17-2 (nine independent
projects with cost, uniform annual benefit, useful life and salvage value; computed rates
of return 20, 15, 25, 20, 20, 18, 10, 12, 14 %) and Example 17-3 (present worth at a MARR of
8 %, NPW 60.04, 67.40, 11.91, 55.48, 80.52, 67.10, 13.46, 64.38, 20.13; with a capital budget
of $650,000 the book selects projects 1, 2, 4, 5, 6 and 9; at 14.5 % projects 1–6).  The
cases are tests/data/newnan_ex17_3*.xlsx (tests/data/build_textbook_cases.py), entered from
the cash flows only.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retrofit_opt import economics, load_case, solve_case
from retrofit_opt.cli import main

DATA = Path(__file__).parent / "data"
PUBLISHED_ROR = {"1": 0.20, "2": 0.15, "3": 0.25, "4": 0.20, "5": 0.20, "6": 0.18, "7": 0.10, "8": 0.12, "9": 0.14}
PUBLISHED_NPW_8 = {"1": 60.04, "2": 67.40, "3": 11.91, "4": 55.48, "5": 80.52, "6": 67.10, "7": 13.46, "8": 64.38,
                   "9": 20.13}
PUBLISHED_NPW_14_5 = {"1": 22.01, "2": 3.87, "3": 6.81, "4": 21.10, "5": 28.14, "6": 17.91, "7": -27.05,
                      "8": -31.69, "9": -1.28}
DATA_17_2 = {"1": (100, 23.85, 10, 0), "2": (200, 39.85, 10, 0), "3": (50, 34.72, 2, 0), "4": (100, 20.00, 6, 100),
             "5": (100, 20.00, 10, 100), "6": (100, 18.00, 10, 100), "7": (300, 94.64, 4, 0),
             "8": (300, 47.40, 10, 100), "9": (50, 7.00, 10, 50)}


def textbook_pw(pid: str, rate: float) -> float:
    """PW = −cost + A·(P/A, i, n) + S·(P/F, i, n), the book's formula."""
    cost, benefit, life, salvage = DATA_17_2[pid]
    p_over_a = (1 - (1 + rate) ** -life) / rate
    return -cost + benefit * p_over_a + salvage * (1 + rate) ** -life


@pytest.mark.parametrize("name, rate, published, chosen", [
    ("newnan_ex17_3.xlsx", 0.08, PUBLISHED_NPW_8, {"1", "2", "4", "5", "6", "9"}),
    ("newnan_ex17_3_mar14_5.xlsx", 0.145, PUBLISHED_NPW_14_5, {"1", "2", "3", "4", "5", "6"}),
])
def test_newnan_17_3_published_optimum_from_cash_flows(name, rate, published, chosen):
    case = load_case(DATA / name)
    params = case.parameters
    for p in case.projects:
        assert economics.npv(p, params) == pytest.approx(published[p.id], abs=0.02), p.id
        assert economics.npv(p, params) == pytest.approx(textbook_pw(p.id, rate), abs=1e-9)
    result = solve_case(case, explain=False)
    assert set(result.plan) == chosen
    # the book's answer is also the brute-force optimum of the 2⁹ bundles (its PW method)
    best = max((c for k in range(10) for c in itertools.combinations(DATA_17_2, k)
                if sum(DATA_17_2[i][0] for i in c) <= 650), key=lambda c: sum(textbook_pw(i, rate) for i in c))
    assert set(best) == chosen
    assert result.objective == pytest.approx(sum(textbook_pw(i, rate) for i in chosen), abs=1e-6)


def test_newnan_17_2_rates_of_return_include_salvage():
    case = load_case(DATA / "newnan_ex17_3.xlsx")
    for p in case.projects:
        irr = economics.irr(p, case.parameters)
        assert irr == pytest.approx(PUBLISHED_ROR[p.id], abs=0.002), p.id
        assert textbook_pw(p.id, irr) == pytest.approx(0.0, abs=1e-6)  # the book's PW is 0 at the IRR
    salvage_four = case.project("4")
    assert salvage_four.salvage_value == 100
    assert economics.irr(salvage_four, case.parameters) == pytest.approx(0.20, abs=1e-9)  # 20/100 with capital back


def test_portfolio_columns_agree_with_each_other(tmp_path):
    """NPV > 0 ⇔ IRR > MARR ⇔ discounted payback within the life; LCSE·energy = the
    annualised net cost; the NPV column is the book's PW."""
    out = tmp_path / "newnan_result.xlsx"
    run = CliRunner().invoke(main, ["solve", str(DATA / "newnan_ex17_3.xlsx"), "-o", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.output
    ws = load_workbook(out)["Portfolio"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2) if row[1].value in DATA_17_2]
    assert {r["ID"] if "ID" in r else r[header[1]] for r in rows} == {"1", "2", "4", "5", "6", "9"}
    npv_col = next(h for h in header if h and h.startswith("NPV"))
    irr_col = next(h for h in header if h and h.startswith("IRR"))
    dpb_col = next(h for h in header if h and h.startswith("Discounted payback"))
    for r in rows:
        pid = r[header[1]]
        life = DATA_17_2[pid][2]
        assert r[npv_col] == pytest.approx(textbook_pw(pid, 0.08), abs=1e-6)
        assert (r[npv_col] > 0) == (r[irr_col] > 0.08)
        assert r[dpb_col] is not None and r[dpb_col] <= life
    case = load_case(DATA / "newnan_ex17_3.xlsx")
    assert economics.simple_payback(case.project("9"), case.parameters) == pytest.approx(50 / 7)


def test_payback_reached_only_through_salvage_hand_worked():
    """capex 100, 10/yr for 5 years, salvage 60: cumulative −90, −80, −70, −60, +10, so the
    simple payback is 4 + 60/70 = 4.857 years (capex/B = 10 would exceed the life); at 8 %
    the discounted flows −100, 9.259, 8.573, 7.938, 7.350, 47.641 add up to −19.238 < 0: the
    discounted payback is never reached (NPV −19.24 < 0, IRR below 8 %)."""
    import dataclasses

    case = load_case(DATA / "newnan_ex17_3.xlsx")
    p = dataclasses.replace(case.project("1"), capex=100.0, annual_cost_saving=10.0, lifetime=5, salvage_value=60.0)
    params = case.parameters
    assert economics.simple_payback(p, params) == pytest.approx(4 + 60 / 70)
    assert economics.discounted_payback(p, params) is None
    assert economics.npv(p, params) == pytest.approx(-19.238, abs=5e-4)
    assert economics.irr(p, params) < 0.08


def test_lcse_counts_salvage_consistently_with_npv():
    """NPV (carbon price 0) = PV(annuity over the life)·(B − opex − A), A the annualised net
    capex (capex less the salvage's present value) — so LCSE·energy/10⁴ = A."""
    case = load_case(DATA / "newnan_ex17_3.xlsx")
    params = case.parameters
    for p in case.projects:
        annuity = (1 - 1.08 ** -p.lifetime) / 0.08
        a = economics.annualised_capex(p, params)
        assert economics.npv(p, params) == pytest.approx(annuity * (p.annual_cost_saving - a), abs=1e-9)
        assert economics.levelised_cost_of_saved_energy(p, params) == pytest.approx(a * 1e4 / 1.0)


def test_given_npv_without_salvage_leaves_contradicting_columns_blank(tmp_path):
    """Issue 16: the book's NPW typed into the npv column, salvage not entered.  Projects 4,
    5, 6, 8, 9 (with salvage) would show an IRR and a discounted payback that contradict the
    NPV; those cells are blank with a note.  1, 2, 3, 7 agree to rounding and keep theirs."""
    case = load_case(DATA / "newnan_ex17_3_given_npv.xlsx")
    params = case.parameters
    contradicting = {p.id for p in case.projects if economics.given_npv_contradicts_flows(p, params)}
    assert contradicting == {"4", "5", "6", "8", "9"}
    for p in case.projects:
        if p.id in contradicting:
            assert economics.irr(p, params) is None and economics.discounted_payback(p, params) is None
        else:
            assert economics.irr(p, params) == pytest.approx(PUBLISHED_ROR[p.id], abs=0.002)
    result = solve_case(case, explain=False)
    assert set(result.plan) == {"1", "2", "4", "5", "6", "9"}  # the given NPVs give the book's answer too
    out = tmp_path / "given.xlsx"
    run = CliRunner().invoke(main, ["solve", str(DATA / "newnan_ex17_3_given_npv.xlsx"), "-o", str(out),
                                    "--lang", "en"])
    assert run.exit_code == 0, run.output
    ws = load_workbook(out)["Portfolio"]
    header = [c.value for c in ws[1]]
    irr_col = header.index(next(h for h in header if h and h.startswith("IRR")))
    cells = {row[1].value: row[irr_col].value for row in ws.iter_rows(min_row=2) if row[1].value in DATA_17_2}
    assert cells["5"] is None and cells["1"] == pytest.approx(0.20, abs=0.002)
    notes = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value and isinstance(c.value, str))
    assert "differs from the NPV of their cash flows (4, 5, 6, 8, 9)" in notes
