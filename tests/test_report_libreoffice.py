"""The results workbook opened and recalculated by LibreOffice Calc (headless): every
formula's value equals the tool's own number, recalculation really happens (a wrong cached
value is corrected), and input text that looks like a formula stays text.

LibreOffice is a test requirement, not an optional extra: without it these tests fail.
.ci/run installs it from Debian packages:
    apt-get install -y --no-install-recommends libreoffice-calc-nogui
(``libreoffice-calc`` where the -nogui flavour does not exist).
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import retrofit_opt
from retrofit_opt.report import write_results

from test_report import INJECTED, rich_projects, rich_sheets, weighted_case, write_case, zh_case
from workbooks import minimal_case, write_workbook

INSTALL_HINT = ("LibreOffice Calc (soffice) is not on PATH; it is required to recalculate the results "
                "workbook. .ci/run installs it from Debian packages: apt-get install -y "
                "--no-install-recommends libreoffice-calc-nogui (or libreoffice-calc)")
WRONG = 12345.0  # a cached value planted in every formula; recalculation must replace it
CONVERT_TIMEOUT = 300

# Recalculate every formula on load, whatever the file's cached values say (0 = always).
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


def convert(files: list[Path], folder: Path) -> Path:
    """Open each workbook in LibreOffice Calc, recalculate, save as .xlsx into ``folder/out``
    (a private profile and HOME, so parallel runs and a user's own LibreOffice do not clash)."""
    binary = soffice()
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    home = folder / "home"
    home.mkdir(exist_ok=True)
    out = folder / "out"
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(folder)}
    command = [binary, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx", "--outdir", str(out),
               *map(str, files)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    missing = [f.name for f in files if not (out / f.name).is_file()]
    assert proc.returncode == 0 and not missing, (
        f"LibreOffice failed (exit {proc.returncode}, missing {missing}):\n{proc.stdout}\n{proc.stderr}")
    return out


def plant_wrong_cached_values(source: Path, target: Path) -> int:
    """Copy ``source`` with ``WRONG`` as every formula's cached value; returns how many."""
    count = 0
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text, n = re.subn(r"</f>(<v\s*/>|<v>[^<]*</v>)?", f"</f><v>{WRONG:g}</v>", data.decode("utf-8"))
                count += n
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return count


def formula_cells(path: Path) -> dict:
    wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def multi_year_case() -> dict:
    header = ["id", "name", "capex (万元)", "energy_saving (tce/yr)", "co2_reduction (t/yr)",
              "annual_cost_saving (万元/yr)", "lifetime", "earliest_year", "latest_year", "build_years",
              "capex_profile"]
    return {
        "projects": [header,
                     ["M1", "Short-lived retrofit", 100, 300, 700, 20, 1, 2024, 2024, 1, None],
                     ["M2", "Big boiler", 1000, 800, 2000, 200, 15, 2024, 2026, 2, "40/60"],
                     ["M3", "Motors", 300, 250, 600, 60, 10, 2025, 2026, 1, None],
                     ["M4", "Lighting", 200, 100, 250, 30, 10, None, None, 1, None]],
        "budgets": [["pool", "year", "limit (万元)"], ["total", None, 1500], ["total", 2024, 600],
                    ["total", 2025, 700]],
        "targets": [["metric", "year", "kind", "value"], ["energy_saving", 2025, "min_total", 300],
                    ["energy_saving", None, "min_total", 900]],
        "interactions": [["project_a", "project_b", "energy_overlap", "co2_overlap"], ["M2", "M3", 50, 120]],
        "parameters": [["parameter", "value"], ["objective", "max_saving"], ["start_year", 2024],
                       ["end_year", 2026]],
    }


CASES = {
    "minimal": (lambda folder: write_workbook(folder / "minimal.xlsx", minimal_case()), "en"),
    "rich": (lambda folder: write_case(folder / "rich.xlsx", rich_sheets(rich_projects())), "en"),
    "rich_min_cost": (lambda folder: write_case(folder / "rich_min_cost.xlsx",
                                                rich_sheets(rich_projects(), "min_cost")), "en"),
    "injected": (lambda folder: write_case(folder / "injected.xlsx", rich_sheets(rich_projects(inject=True))),
                 "en"),
    "injected_infeasible": (lambda folder: write_case(folder / "injected_infeasible.xlsx",
                                                      rich_sheets(rich_projects(inject=True), energy_target=5000)),
                            "en"),
    "zh": (lambda folder: write_case(folder / "zh.xlsx", zh_case()), "zh"),
    "weighted": (lambda folder: write_case(folder / "weighted.xlsx", weighted_case()), "en"),
    "multi_year": (lambda folder: write_case(folder / "multi_year.xlsx", multi_year_case()), "zh"),
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Each case solved, its results workbook written, a copy with wrong cached values made,
    and all of them recalculated by LibreOffice in one run.  Without LibreOffice: ``None``,
    and each test fails (it does not error or skip) through :func:`soffice`."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        return None
    folder = tmp_path_factory.mktemp("libreoffice")
    inputs, results = folder / "inputs", folder / "results"
    inputs.mkdir()
    results.mkdir()
    runs = {}
    files = []
    for name, (make, lang) in CASES.items():
        result = retrofit_opt.solve_case(retrofit_opt.load_case(make(inputs)))
        path = results / f"{name}.xlsx"
        report = write_results(result, path, lang)
        wrong = results / f"{name}_wrong.xlsx"
        planted = plant_wrong_cached_values(path, wrong)
        assert planted == len(report.formulas)
        runs[name] = (result, report, path, wrong)
        files += [path, wrong]
    out = convert(files, folder)
    return {name: (result, report, path, out / path.name, out / wrong.name)
            for name, (result, report, path, wrong) in runs.items()}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def tool_number(result, header: str, lang: str):
    """The evaluation total a Portfolio totals column must show, looked up by its header
    (independently of the report's own record of expected values)."""
    case = result.case
    totals = result.totals
    year = str(case.parameters.end_year) if case.multi_year else "None"

    def total(metric):
        value = totals[metric]
        return value[year] if isinstance(value, dict) else value

    money = {"capex (万元)": "capex", "投资（万元）": "capex", "NPV (万元)": "npv", "净现值（万元）": "npv"}
    if header in money:
        return totals[money[header]]
    if header in ("Enterprise NPV (万元)", "企业净现值（万元）"):  # NPV + the subsidy's share of the capex's PV
        params = case.parameters
        r = params.discount_rate
        extra = 0.0
        for pid, start in result.plan.items():
            p = case.project(pid)
            pv = sum(p.capex * share / (1 + r) ** k for k, share in enumerate(p.capex_shares))
            extra += p.subsidy_rate * pv / (1 + r) ** ((start - params.start_year) if start is not None else 0)
        return totals["npv"] + extra
    if header.startswith("benefit:"):
        return total(header.split(" (")[0])
    for metric in ("energy_saving", "co2_reduction", "so2_reduction"):
        names = {metric, {"energy_saving": "节能量", "co2_reduction": "二氧化碳减排量",
                          "so2_reduction": "二氧化硫减排量"}[metric]}
        if header.split(" (")[0].split("（")[0] in names:
            return total(metric)
    if header.startswith(("Cost per tce", "单位节能投资")):
        return totals["capex"] / total("energy_saving")
    if header.startswith(("Cost per t CO2", "单位减碳投资")):
        return totals["capex"] / total("co2_reduction")
    chosen = [case.project(pid) for pid in result.plan]
    if header.startswith(("annual_cost_saving", "年节约费用")):
        return sum(p.annual_cost_saving for p in chosen)
    if header.startswith(("opex_change", "运维费用变化")):
        return sum(p.opex_change for p in chosen)
    net = sum(p.annual_cost_saving - p.opex_change + p.metric("co2_reduction") * case.parameters.carbon_price / 1e4
              for p in chosen)
    if header.startswith(("Annual net benefit", "年净收益")):
        return net
    if header.startswith(("Simple payback", "静态回收期")):
        return totals["capex"] / net
    raise AssertionError(f"no tool number for the totals column {header!r}")


@pytest.mark.parametrize("name", list(CASES))
def test_every_formula_equals_the_tools_number_after_recalculation(converted, name):
    soffice()
    result, report, original, recalculated, _ = converted[name]
    formulas = formula_cells(original)
    assert set(formulas) == set(report.formulas)
    if result.plan:
        assert formulas, "a solved case has a totals row of formulas"
    values = load_workbook(recalculated, data_only=True)
    kept = formula_cells(recalculated)
    original_wb = load_workbook(original)
    for (sheet, ref), text in formulas.items():
        value = values[sheet][ref].value
        assert isinstance(value, (int, float)), (name, sheet, ref, text, value)  # openpyxl wrote no cached value
        expected = report.formulas[sheet, ref]
        assert close(value, expected), (name, sheet, ref, text, value, expected)
        if sheet in ("Portfolio", "项目组合"):  # the other sheets' totals: tests/test_report_sheets.py
            column = re.match(r"[A-Z]+", ref).group(0)
            header = original_wb[sheet][f"{column}1"].value
            assert close(value, tool_number(result, header, report.lang)), (name, sheet, ref, header, value)
        assert (sheet, ref) in kept, "LibreOffice kept the formula live"
    errors = [(ws.title, c.coordinate, c.value) for ws in values for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and re.fullmatch(r"#[A-Z/0!?]+[!?]?|Err:\d+", c.value)]
    assert errors == []


@pytest.mark.parametrize("name", ["rich", "multi_year"])
def test_wrong_cached_values_are_recalculated(converted, name):
    soffice()
    result, report, _, _, recalculated_wrong = converted[name]
    assert report.formulas
    values = load_workbook(recalculated_wrong, data_only=True)
    for (sheet, ref), expected in report.formulas.items():
        value = values[sheet][ref].value
        assert value != WRONG and close(value, expected), (sheet, ref, value, expected)


@pytest.mark.parametrize("name", ["injected", "injected_infeasible"])
def test_formula_like_input_text_stays_text_in_libreoffice(converted, name):
    soffice()
    result, report, original, recalculated, _ = converted[name]
    for path, data_only in ((recalculated, False), (recalculated, True)):
        wb = load_workbook(path, data_only=data_only)
        found = {text: [] for text in [*INJECTED, "=1+1", "@glass"]}
        for ws in wb:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in found:
                        found[cell.value].append((ws.title, cell.coordinate))
                        assert cell.data_type == "s", (path.name, ws.title, cell.coordinate, cell.value)
        for text, places in found.items():
            assert places, f"{text!r} did not arrive unchanged as text (LibreOffice evaluated it?)"
    assert set(formula_cells(recalculated)) == set(report.formulas)  # no new formulas appeared
