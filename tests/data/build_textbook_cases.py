"""Write the textbook capital-budgeting cases of tests/test_funding_salvage.py (issue 16).

Run: ``python tests/data/build_textbook_cases.py`` (writes next to this script).

newnan_ex17_3.xlsx — D. G. Newnan, T. G. Eschenbach, J. P. Lavelle, *Engineering Economic
Analysis*, chapter 17 "Rationing capital among competing projects", Examples 17-2 and 17-3:
nine independent projects (cost, uniform annual benefit, useful life, salvage value, in
thousands of dollars), a capital budget of 650 and a MARR of 8 %.  The book's published
answer by present worth: projects 1, 2, 4, 5, 6 and 9; at a MARR of 14.5 % (its "alternate
formation"): projects 1–6.  The amounts are entered as the book gives them (the tool labels
money 万元; only the numbers matter here).

newnan_ex17_3_given_npv.xlsx — the same projects with the book's NPWs at 8 % typed into the
``npv`` column and no salvage: the situation of issue 16 (an NPV beside an IRR it
contradicts).

beasley_project_selection.xlsx — J. E. Beasley, *OR-Notes*, "Integer programming project
selection tutorial question" (http://people.brunel.ac.uk/~mastjjb/jeb/or/class9q.html) and
its answer: four projects over a 3-year horizon with a return (£m) and capital requirements
in years 1, 2, 3, capital available 3.1, 2.5, 0.4; projects 1 and 2 mutually exclusive; if
project 4 is chosen its whole return (0.1) is added to the capital available in year 3.
The answer's IP: max 0.2x1 + 0.3x2 + 0.5x3 (project 4's return is capital, not objective)
subject to the three yearly capital rows with −0.1x4 in year 3 and x1 + x2 ≤ 1.  Entered
as a multi-year case, years 1–3 = 2001–2003: capital requirements as ``capex_profile``
(project 2: 0/0.8/0.2; project 4: 0.1/0.4/−0.1, the capital it returns in year 3), the
yearly capital as ``total`` budget rows, the return as the given ``npv`` (the exercise's
objective coefficient: no discounting, every project starts in year 1), projects 1 and 2 an
``exclusive_group``.  £m are entered as the tool's money unit (labelled 万元).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

# (project, cost, uniform annual benefit, useful life, salvage value) — Newnan Example 17-2
NEWNAN_17_2 = (
    ("1", 100, 23.85, 10, 0), ("2", 200, 39.85, 10, 0), ("3", 50, 34.72, 2, 0),
    ("4", 100, 20.00, 6, 100), ("5", 100, 20.00, 10, 100), ("6", 100, 18.00, 10, 100),
    ("7", 300, 94.64, 4, 0), ("8", 300, 47.40, 10, 100), ("9", 50, 7.00, 10, 50),
)
NEWNAN_BUDGET = 650
# NPW at 8 % as Example 17-3 publishes them (thousands of dollars)
NEWNAN_NPW_8 = {"1": 60.04, "2": 67.40, "3": 11.91, "4": 55.48, "5": 80.52, "6": 67.10, "7": 13.46,
                "8": 64.38, "9": 20.13}


# Beasley OR-Notes project selection tutorial: (project, return, capital in years 1, 2, 3);
# "-" in the exercise is 0; project 4's year-3 entry is the return it adds to year-3 capital.
BEASLEY_PROJECTS = (
    ("1", 0.2, (0.5, 0.3, 0.2)), ("2", 0.3, (0.0, 0.8, 0.2)), ("3", 0.5, (1.5, 1.5, 0.3)),
    ("4", 0.1, (0.1, 0.4, 0.0)),
)
BEASLEY_CAPITAL = (3.1, 2.5, 0.4)
BEASLEY_YEARS = (2001, 2002, 2003)
BEASLEY_RETURNED = {"4": 0.1}  # capital returned in year 3 (the project's whole return)


def beasley_rows() -> list[list]:
    """The projects sheet of the Beasley case, from the exercise's table."""
    header = ["id", "name", "capex", "npv", "energy_saving (tce/yr)", "lifetime", "build_years", "capex_profile",
              "exclusive_group"]
    rows = [header]
    for pid, ret, capital in BEASLEY_PROJECTS:
        returned = BEASLEY_RETURNED.get(pid, 0.0)
        profile = list(capital[:2]) + [capital[2] - returned]
        value = 0.0 if returned else ret  # a return spent as capital does not count in the objective
        rows.append([pid, f"Beasley project {pid}", round(sum(profile), 10), value, 1, 1, 3,
                     "/".join(f"{x:g}" for x in profile), "1 or 2" if pid in ("1", "2") else None])
    return rows


def build_beasley(out: Path = HERE) -> Path:
    """Write beasley_project_selection.xlsx (see the module docstring)."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "projects": beasley_rows(),
        "budgets": [["pool", "year", "limit"]] + [["total", y, c] for y, c in zip(BEASLEY_YEARS, BEASLEY_CAPITAL)],
        "parameters": [["parameter", "value"], ["objective", "max_npv"], ["start_year", BEASLEY_YEARS[0]],
                       ["end_year", BEASLEY_YEARS[-1]], ["discount_rate", 0], ["mip_gap", 0]],
    }
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = out / "beasley_project_selection.xlsx"
    wb.save(path)
    return path


def _save(path: Path, projects: list[list], discount_rate: float) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "projects": projects,
        "budgets": [["pool", "limit"], ["total", NEWNAN_BUDGET]],
        "parameters": [["parameter", "value"], ["objective", "max_npv"], ["discount_rate", discount_rate],
                       ["mip_gap", 0]],
    }
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def build(out: Path = HERE) -> None:
    header = ["id", "name", "capex", "annual_cost_saving", "lifetime", "salvage_value", "energy_saving (tce/yr)"]
    rows = [[pid, f"Newnan 17-2 project {pid}", cost, benefit, life, salvage, 1]
            for pid, cost, benefit, life, salvage in NEWNAN_17_2]
    _save(out / "newnan_ex17_3.xlsx", [header] + rows, 0.08)
    _save(out / "newnan_ex17_3_mar14_5.xlsx", [header] + rows, 0.145)
    given_header = ["id", "name", "capex", "annual_cost_saving", "lifetime", "npv", "energy_saving (tce/yr)"]
    given = [[pid, f"Newnan 17-2 project {pid}", cost, benefit, life, NEWNAN_NPW_8[pid], 1]
             for pid, cost, benefit, life, _ in NEWNAN_17_2]
    _save(out / "newnan_ex17_3_given_npv.xlsx", [given_header] + given, 0.08)
    build_beasley(out)


if __name__ == "__main__":
    build()
    print(f"wrote the Newnan Example 17-3 and Beasley project selection cases to {HERE}")
