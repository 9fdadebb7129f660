"""Shared pieces of the batch tests: the CLI, bundled and deliberately broken cases, and a
cell-by-cell view of a results workbook without the cells that hold wall-clock times."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from workbooks import minimal_case, write_workbook

from retrofit_opt.cli import main

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "cases").glob("*.xlsx"))
RUN_INFO = ("Run info", "运行信息")
TIME_LABELS = ("solve time", "total run time", "求解时间", "总运行时间", "seconds", "秒")


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def batch_json(*args) -> tuple[int, dict]:
    result = run_cli("batch", *args, "--json")
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def copy_bundled(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, folder / p.name)) for p in BUNDLED]


def write_broken(folder: Path) -> dict[str, str]:
    """Three broken cases, each with a word its error must name."""
    write_workbook(folder / "broken_columns.xlsx", {"projects": [["id", "name"], ["P1", "x"]]})
    (folder / "not_a_workbook.xlsx").write_text("this is a text file, not a workbook\n", encoding="utf-8")
    sheets = minimal_case()
    sheets["projects"][1][2] = "lots"  # capex of P1 is not a number
    write_workbook(folder / "bad_capex.xlsx", sheets)
    return {"broken_columns.xlsx": "capex", "not_a_workbook.xlsx": "Excel", "bad_capex.xlsx": "not a number"}


def workbook_values(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's cell values except Run info (time stamp, timings, batch rows) and the
    rows that report wall-clock seconds."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in RUN_INFO:
            continue
        rows = []
        for row in ws.iter_rows(values_only=True):
            label = next((str(v) for v in row if isinstance(v, str)), "").lower()
            if any(word in label for word in TIME_LABELS):
                continue
            rows.append(tuple(v for v in row))
        out[ws.title] = rows
    return out


def timing_columns_dropped(rows: list[tuple], header_words=("(s)", "秒", "seconds")) -> list[tuple]:
    """Rows without the columns whose header (in any row) names seconds."""
    drop = set()
    for row in rows:
        for k, v in enumerate(row):
            if isinstance(v, str) and any(w in v.lower() for w in header_words):
                drop.add(k)
    return [tuple(v for k, v in enumerate(row) if k not in drop) for row in rows]


def same_workbook(a: Path, b: Path) -> None:
    va, vb = workbook_values(a), workbook_values(b)
    assert list(va) == list(vb), (a, b)
    for title in va:
        assert timing_columns_dropped(va[title]) == timing_columns_dropped(vb[title]), (title, a, b)


class CrashingWorkbooks:
    """The real workbook writer, except that a run whose case file is named ``crash*.xlsx``
    ends its worker process abruptly (as an out-of-memory kill would) — fault injection
    for the worker-crash path; picklable, so spawned workers receive it."""

    def __init__(self):
        from retrofit_opt.report.run_output import WORKBOOKS
        self.real = WORKBOOKS

    def to_bytes(self, command, study, lang, provenance):
        import os
        if study.case.source_name.startswith("crash"):
            os._exit(9)
        return self.real.to_bytes(command, study, lang, provenance)

    def write(self, path, data):
        self.real.write(path, data)

    def recorded(self, path):
        return self.real.recorded(path)
