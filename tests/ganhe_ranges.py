"""Ganhe 2024 with CONSTRUCTED saving ranges, for the robust README example and its test.

The bundled case has no ranges yet; this writes a copy of cases/ganhe_2024.xlsx whose
projects sheet gains ``saving_low`` = 80 % and ``saving_high`` = 110 % of each project's
energy saving (as the tool reads it, computed from carriers where the cell is blank).
The ranges are illustrative, not from any feasibility study.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from retrofit_opt.loader import load_case

GANHE = Path(__file__).resolve().parent.parent / "cases" / "ganhe_2024.xlsx"
LOW, HIGH = 0.8, 1.1


def write_ganhe_with_ranges(out: Path, source: Path = GANHE, objective: str | None = None) -> Path:
    """Write the copy; ``objective`` (e.g. ``min_cost``) replaces the case's objective."""
    case = load_case(source)
    wb = load_workbook(source)
    if objective is not None:
        params = next(ws for ws in wb.worksheets if ws.title in ("参数", "parameters"))
        for r in range(1, params.max_row + 1):
            if str(params.cell(r, 1).value or "").strip() in ("objective", "目标函数", "优化目标"):
                params.cell(r, 2, objective)
                break
        else:
            raise ValueError("no objective row on the parameters sheet")
    ws = next(ws for ws in wb.worksheets if ws.title in ("项目", "项目清单", "projects"))
    header_row = next(r for r in range(1, 10) if any(str(c.value or "").strip() in ("项目编号", "编号", "id")
                                                     for c in ws[r]))
    id_col = next(c.column for c in ws[header_row] if str(c.value or "").strip() in ("项目编号", "编号", "id"))
    low_col, high_col = ws.max_column + 1, ws.max_column + 2
    ws.cell(header_row, low_col, "节能量下限（tce/年）")
    ws.cell(header_row, high_col, "节能量上限（tce/年）")
    saving = {p.id: p.metric("energy_saving") for p in case.projects}
    for r in range(header_row + 1, ws.max_row + 1):
        pid = ws.cell(r, id_col).value
        if pid is None or str(pid).strip() not in saving:
            continue
        value = saving[str(pid).strip()]
        ws.cell(r, low_col, round(value * LOW, 4))
        ws.cell(r, high_col, round(value * HIGH, 4))
    wb.save(out)
    return Path(out)


if __name__ == "__main__":
    import sys
    print(write_ganhe_with_ranges(Path(sys.argv[1]), objective=sys.argv[2] if len(sys.argv) > 2 else None))
