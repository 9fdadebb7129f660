"""The 备选方案 / Alternatives sheet: what it shows equals the study's result, every label
exists in both languages, it never imports Pyomo, and LibreOffice renders it."""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import retrofit_opt
from retrofit_opt import results_alternatives as R
from retrofit_opt.report.alternatives_sheet import PLAN_COL, label, labels, write_alternatives_workbook

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def ganhe():
    return retrofit_opt.alternatives(ROOT / "cases" / "ganhe_2024.xlsx", within=0.01, count=4, enumerate_cap=100)


@pytest.fixture(scope="module")
def qinghai_kept():
    return retrofit_opt.alternatives(ROOT / "cases" / "qinghai_2025.xlsx", within=0.02, count=3, keep=["PS01"],
                                     by_start_year=True)


def test_every_label_has_english_and_chinese():
    path = ROOT / "retrofit_opt" / "schema" / "labels.csv"
    rows = [r for r in csv.DictReader(path.read_text(encoding="utf-8").splitlines()) if r["key"].startswith(("alt.", "sheet.alternatives"))]
    assert len({r["key"] for r in rows}) == len(rows)
    for r in rows:
        assert r["en"].strip() and r["zh"].strip(), r["key"]
        assert CJK.search(r["zh"]) or r["zh"] == r["en"], r["key"]
        assert set(re.findall(r"{(\w+)}", r["en"])) == set(re.findall(r"{(\w+)}", r["zh"])), r["key"]
    keys = labels()
    for kind in R.CLASSES:
        assert f"alt.class.{kind}" in keys
    for reason in (R.MANDATORY, R.KEPT, R.DROPPED, R.NOT_SELECTABLE, R.INFEASIBLE_WITHOUT, R.INFEASIBLE_WITH,
                   R.WITNESSED, R.ENUMERATED, R.TIMED_OUT, R.NOT_ANALYSED):
        assert f"alt.reason.{reason}" in keys
    for role in ("optimum", "best_under_conditions", "alternative"):
        assert f"alt.role.{role}" in keys


def _matrix(ws, result, lang):
    """{project id: (class label, {plan number: cell})} read back from the sheet."""
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label("alt.project", lang))
    out = {}
    for r in range(head + 1, head + 1 + len(result.case.projects)):
        cells = {a.number: ws.cell(r, PLAN_COL + k).value for k, a in enumerate(result.plans)}
        out[ws.cell(r, 1).value] = (ws.cell(r, 4).value, cells)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sheet_shows_the_result(tmp_path, ganhe, lang):
    out = tmp_path / f"alt_{lang}.xlsx"
    write_alternatives_workbook(ganhe, out, lang)
    wb = load_workbook(out)
    assert wb.sheetnames == [label("sheet.alternatives", lang), "运行信息" if lang == "zh" else "Run info"]
    ws = wb.worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert label("alt.title", lang) in values
    assert ", ".join(ganhe.core) in values  # the core list
    matrix = _matrix(ws, ganhe, lang)
    assert set(matrix) == {p.id for p in ganhe.case.projects}
    for pid, (shown, cells) in matrix.items():
        assert shown == label(f"alt.class.{ganhe.classes[pid].kind}", lang), pid
        for a in ganhe.plans:
            assert (cells[a.number] == 1) == (pid in a.plan), (pid, a.number)
    # the plans table: one column per plan, objective and capex rows feed the chart
    unit = {"zh": "吨标准煤/年", "en": "tce/yr"}[lang]  # as plans write it (max_saving: energy saving)
    wanted = label("alt.objective_value", lang, unit=unit)
    objective_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == wanted)
    assert [ws.cell(objective_row, PLAN_COL + k).value for k in range(len(ganhe.plans))] == pytest.approx(
        [a.objective for a in ganhe.plans])
    charts = ws._charts
    assert len(charts) == 1
    kinds = {type(c).__name__ for c in [charts[0], *charts[0]._charts]}
    assert {"BarChart", "LineChart"} <= kinds


def test_conditions_and_start_years_are_shown(tmp_path, qinghai_kept):
    out = tmp_path / "qh.xlsx"
    write_alternatives_workbook(qinghai_kept, out, "en")
    ws = load_workbook(out).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "keep PS01" in values
    assert label("alt.distinct_years", "en") in values
    matrix = _matrix(ws, qinghai_kept, "en")
    for a in qinghai_kept.plans:
        assert matrix["PS01"][1][a.number] == a.plan["PS01"]  # the start year, not 1
    assert matrix["PS01"][0] == "core"


def test_the_sheet_and_the_result_type_never_import_pyomo():
    code = ("import sys; import retrofit_opt.report.alternatives_sheet, retrofit_opt.results_alternatives; "
            "bad = [m for m in sys.modules if m.startswith('pyomo') or m.startswith('highspy')]; "
            "assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_libreoffice_renders_the_sheet(tmp_path, ganhe):
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary, "LibreOffice (soffice) is required: apt-get install -y libreoffice-calc-nogui"
    out = tmp_path / "alt.xlsx"
    write_alternatives_workbook(ganhe, out, "zh")
    profile = tmp_path / "profile"
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    done = subprocess.run([binary, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "alt.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "近优备选方案" in text and "项目 × 方案矩阵" in text and "核心" in text
    assert f"{ganhe.plans[1].objective:,.1f}" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) <= 6  # one page wide, not dozens of strips
