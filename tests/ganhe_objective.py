"""A copy of cases/ganhe_2024.xlsx (with its constructed, labelled uncertainty ranges) under
another objective, for the robust README example and its test:

    python tests/ganhe_objective.py ganhe_min_cost.xlsx min_cost
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

GANHE = Path(__file__).resolve().parent.parent / "cases" / "ganhe_2024.xlsx"
OBJECTIVE_KEYS = ("objective", "目标函数", "优化目标")


def write_ganhe_with_objective(out: Path, objective: str, source: Path = GANHE) -> Path:
    """Write the copy with the parameters sheet's objective set to ``objective``."""
    wb = load_workbook(source)
    params = next(ws for ws in wb.worksheets if ws.title in ("参数", "parameters"))
    for row in params.iter_rows():
        if str(row[0].value or "").strip() in OBJECTIVE_KEYS:
            row[1].value = objective
            break
    else:
        raise ValueError(f"{source}: no objective row on the parameters sheet")
    wb.save(out)
    return Path(out)


if __name__ == "__main__":
    print(write_ganhe_with_objective(Path(sys.argv[1]), sys.argv[2]))
