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


if __name__ == "__main__":
    build()
    print(f"wrote the Newnan Example 17-3 cases to {HERE}")
