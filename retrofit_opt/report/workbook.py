"""Minimal results workbook: the chosen portfolio (the full report replaces this)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from retrofit_opt.report.output import write_atomically


def write_results(result, out: Path, lang: str = "en") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Portfolio"
    ws.append(["id", "name", "start_year", "capex (万元)", "energy_saving (tce/yr)"])
    for pid in result.selected():
        p = result.case.project(pid)
        ws.append([p.id, p.name, result.plan[pid], p.capex, p.metric("energy_saving")])
    write_atomically(out, wb.save)
