"""``retrofit-opt risk`` through click's CliRunner on real workbooks: JSON, the 风险分析 /
Risk sheet (numbers, charts, the plain-language line), reproducibility, bad input, and the
Risk workbook rendered by LibreOffice."""
import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import retrofit_opt
from retrofit_opt.cli import main
from workbooks import write_workbook

PROJECTS = [("A", 300, 100, 60, 120, "heat"), ("B", 250, 90, 50, 110, "heat"), ("C", 200, 80, 70, 85, "motors"),
            ("D", 180, 60, 30, 70, "motors"), ("E", 150, 50, 20, 65, "pv"), ("F", 120, 40, 35, 42, "pv")]


def write_case(path, lang="en", capex_high=True):
    if lang == "en":
        header = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "saving_low (tce/yr)",
                  "saving_high (tce/yr)", "category", "capex_high (万元)"]
        sheets = {"projects": [header] + [[p, f"project {p}", c, e, lo, hi, g, c * 1.2 if capex_high else None]
                                          for p, c, e, lo, hi, g in PROJECTS],
                  "budgets": [["pool", "limit (万元)"], ["total", 1000]],
                  "targets": [["metric", "kind", "value"], ["energy_saving", "min_total", 300]],
                  "parameters": [["parameter", "value"], ["objective", "min_cost"],
                                 ["uncertainty_correlation", 0.3]]}
    else:
        header = ["项目编号", "项目名称", "投资(万元)", "节能量(吨标准煤/年)", "节能量下限(吨标准煤/年)",
                  "节能量上限(吨标准煤/年)", "类别", "投资上限(万元)"]
        sheets = {"项目": [header] + [[p, f"项目{p}", c, e, lo, hi, g, c * 1.2] for p, c, e, lo, hi, g in PROJECTS],
                  "预算": [["资金池", "上限(万元)"], ["总预算", 1000]],
                  "目标": [["指标", "类型", "值"], ["节能量", "不低于", 300]],
                  "参数": [["参数", "值"], ["目标函数", "最小投资"], ["相关系数", 0.3]]}
    return write_workbook(path, sheets)


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def test_risk_json_and_workbook(tmp_path):
    case = write_case(tmp_path / "case.xlsx")
    out = tmp_path / "risk.xlsx"
    result = run("risk", case, "--samples", 3000, "--seed", 4, "--tornado", 4, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    risk = data["risk"]
    target = risk["targets"][0]
    assert risk["samples"] == 3000 and risk["seed"] == 4 and risk["distribution"] == "triangular"
    assert 0 < target["probability"] < 1
    low, high = target["interval"]
    assert low < target["probability"] < high
    assert target["expected_shortfall"] > 0 and target["drivers"]
    assert set(risk["percentiles"]) == {"energy_saving", "co2_reduction", "capex", "npv"}
    assert {"p10", "p50", "p90", "mean"} == set(risk["percentiles"]["capex"])
    assert len(risk["tornado"]) == 4 and risk["tornado_candidates"] == 12 and risk["tornado_limit"] == 4
    assert data["status"] == "optimal" and data["selected"]

    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Risk" and "Summary" in wb.sheetnames
    ws = wb["Risk"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    shown = f"{100 * target['probability']:.0f}%"
    assert any("meets the target energy_saving ≥ 300 with a probability of about " + shown in t for t in texts)
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
    row = next(r for (r, col), v in values.items() if v == "energy_saving ≥ 300" and col == 1)
    assert values[(row, 4)] == pytest.approx(target["probability"])
    assert (values[(row, 5)], values[(row, 6)]) == pytest.approx((low, high))
    assert len(ws._charts) == 4  # probability, two histograms, tornado
    assert "Results:" in result.stderr


def test_same_seed_same_figures(tmp_path):
    case = write_case(tmp_path / "case.xlsx")
    first = json.loads(run("risk", case, "--seed", 9, "--tornado", 0, "-o", tmp_path / "a.xlsx", "--json").stdout)
    again = json.loads(run("risk", case, "--seed", 9, "--tornado", 0, "-o", tmp_path / "b.xlsx", "--json").stdout)
    other = json.loads(run("risk", case, "--seed", 10, "--tornado", 0, "-o", tmp_path / "c.xlsx", "--json").stdout)
    assert first["risk"]["targets"] == again["risk"]["targets"]
    assert first["risk"]["percentiles"] == again["risk"]["percentiles"]
    assert first["risk"]["percentiles"] != other["risk"]["percentiles"]


def test_chinese_case_gets_the_chinese_sheet_and_line(tmp_path):
    case = write_case(tmp_path / "案例.xlsx", lang="zh")
    out = tmp_path / "风险.xlsx"
    result = run("risk", case, "--tornado", 2, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    probability = json.loads(result.stdout)["risk"]["targets"][0]["probability"]
    ws = load_workbook(out)["风险分析"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    line = f"在节能量、投资按区间波动的情况下，完成“节能量 ≥ 300”目标的概率约为 {100 * probability:.0f}%"
    assert any(t.startswith(line) for t in texts), [t for t in texts if "概率约为" in t]
    assert any("“总预算”不超支的概率约为" in t for t in texts)


def test_bad_range_is_exit_2_without_output(tmp_path):
    sheets = {"projects": [["id", "name", "capex", "energy_saving", "saving_low"], ["A", "a", 10, 5, 7]]}
    case = write_workbook(tmp_path / "bad.xlsx", sheets)
    out = tmp_path / "out.xlsx"
    result = run("risk", case, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "row 2" in result.stderr and "saving_low" in result.stderr and "above the estimate" in result.stderr


def test_bad_options_are_usage_errors(tmp_path):
    case = write_case(tmp_path / "case.xlsx")
    assert run("risk", case, "--samples", 0).exit_code == 2
    assert run("risk", case, "--seed", -1).exit_code == 2
    assert run("risk", case, "--tornado", -3).exit_code == 2


def test_help_has_an_example():
    result = run("risk", "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "retrofit-opt risk cases/ganhe_2024.xlsx" in \
        result.output


def test_risk_modules_do_not_import_pyomo():
    root = Path(retrofit_opt.__file__).parent
    for source in (root / "uncertainty.py", root / "results_risk.py", root / "report" / "risk_sheet.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith(("pyomo", "retrofit_opt.model", "retrofit_opt.solve")) for n in names)
    code = ("import sys, retrofit_opt.uncertainty, retrofit_opt.results_risk, retrofit_opt.report.risk_sheet; "
            "print('pyomo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_libreoffice_renders_the_risk_sheet(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is required: apt-get install libreoffice-calc-nogui"
    case = write_case(tmp_path / "案例.xlsx", lang="zh")
    out = tmp_path / "风险.xlsx"
    assert run("risk", case, "--tornado", 2, "-o", out).exit_code == 0
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "风险.pdf"
    assert pdf.exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "风险分析" in text and "完成概率" in text and "龙卷风图" in text


def test_readme_ganhe_risk_example_runs_as_written(tmp_path):
    """README "Ganhe: the probability of meeting 35,300 tce/yr" (seed 1, 2,000 samples)."""
    case = Path(__file__).resolve().parents[1] / "cases" / "ganhe_2024.xlsx"
    result = run("risk", case, "--samples", 2000, "--seed", 1, "--tornado", 0, "-o", tmp_path / "r.xlsx", "--json")
    assert result.exit_code == 0, result.output
    risk = json.loads(result.stdout)["risk"]
    energy = risk["targets"][0]
    assert energy["target"] == "energy_saving ≥ 35300" and energy["probability"] == 1.0
    assert round(energy["interval"][0], 3) == 0.998
    assert [round(energy["percentiles"][k]) for k in ("p10", "p50", "p90")] == [43160, 44448, 45645]
    total = risk["budgets"][0]
    assert total["pool"] == "total" and round(total["probability"], 4) == 0.1335
    assert [round(100 * x, 1) for x in total["interval"]] == [11.9, 14.9]
    assert round(total["expected_overrun"]) == 6746 and round(risk["percentiles"]["capex"]["p90"]) == 222712
    assert [d["project"] for d in energy["drivers"][:3]] == ["JN01", "CB04", "CB03"]
    # the lines follow the case's language (Chinese): as the README shows them
    assert "在投资按区间波动的情况下，“总预算”不超支的概率约为 13%（期望超支 6,746 万元）。" in result.stderr
