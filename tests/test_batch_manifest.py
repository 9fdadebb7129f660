"""Manifests: one row per run (solve, compare, sweep, risk with options), each giving the single
command's workbook; a run that fails inside its study (no scenarios, an unknown pool) is an
error row; the provincial roll-up sums the parks' solve plans against province-level
targets; a bad manifest is refused like a bad case sheet (sheet, row, column, fix; exit 2;
nothing written)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from batch_helpers import BUNDLED, batch_json, run_cli, same_workbook
from workbooks import write_workbook

CASES = {p.stem: p for p in BUNDLED}


@pytest.fixture
def cases(tmp_path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    for p in BUNDLED:
        shutil.copy(p, folder / p.name)
    return folder


def single_json(*args) -> dict:
    result = run_cli(*args, "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_manifest_runs_solve_compare_and_sweep_as_the_single_commands_do(cases, tmp_path):
    manifest = write_workbook(cases / "plan.xlsx", {
        "runs": [["case", "command", "output", "park", "budget_from", "budget_to", "steps", "options"],
                 ["ganhe_2024.xlsx", "solve", "ganhe.xlsx", "甘河工业园区", None, None, None, "--no-explain"],
                 ["qinghai_2025.xlsx", "solve", None, None, None, None, None, "--no-explain --mip-gap 0"],
                 ["ganhe_2024.xlsx", "compare", "ganhe_scenarios.xlsx", None, None, None, None, "--no-explain"],
                 ["tiny.xlsx", "sweep", None, None, 0, 300, 4, "--no-priority --pareto capex:energy_saving "
                                                               "--pareto-steps 3"],
                 ["tiny.xlsx", "compare", "tiny_compare.xlsx", None, None, None, None, None],
                 ["tiny.xlsx", "sweep", "tiny_bad_pool.xlsx", None, None, None, None,
                  "--budget-from 0 --budget-to 100 --pool no_such_pool"],
                 ["ganhe_2024.xlsx", "risk", None, None, None, None, None, "--samples 200 --seed 3 --tornado 2"]],
        "province_targets": [["label", "metric", "kind", "value"],
                             ["全省节能量", "节能量", "min_total", 100_000],
                             ["全省投资上限", "capex", "max_total", 300_000]]})
    out = tmp_path / "out"
    code, data = batch_json(manifest, "-o", out)
    assert code == 1  # two runs fail
    runs = data["runs"]
    assert [(r["command"], r["status"] == "error") for r in runs] == [
        ("solve", False), ("solve", False), ("compare", False), ("sweep", False), ("compare", True), ("sweep", True),
        ("risk", False)]
    assert "no scenarios" in runs[4]["error"] and "no_such_pool" in runs[5]["error"] and "total" in runs[5]["error"]
    assert not (out / "tiny_compare.xlsx").exists() and not (out / "tiny_bad_pool.xlsx").exists()
    assert runs[0]["park"] == "甘河工业园区" and runs[1]["output"] == str(out / "qinghai_2025_result.xlsx")

    single = tmp_path / "single"
    single.mkdir()
    ganhe = single_json("solve", cases / "ganhe_2024.xlsx", "-o", single / "g.xlsx", "--no-explain")
    qinghai = single_json("solve", cases / "qinghai_2025.xlsx", "-o", single / "q.xlsx", "--no-explain",
                          "--mip-gap", 0)
    compare = single_json("compare", cases / "ganhe_2024.xlsx", "-o", single / "c.xlsx", "--no-explain")
    sweep = single_json("sweep", cases / "tiny.xlsx", "--budget-from", 0, "--budget-to", 300, "--steps", 4,
                        "--no-priority", "--pareto", "capex:energy_saving", "--pareto-steps", 3, "-o", single / "s.xlsx")
    for run, want, path in ((runs[0], ganhe, "g"), (runs[1], qinghai, "q")):
        assert (run["status"], run["objective"], run["gap"]) == (want["status"], want["objective"], want["gap"])
        same_workbook(Path(run["output"]), single / f"{path}.xlsx")
    assert runs[2]["objective"] == compare["scenarios"][0]["objective"]
    same_workbook(out / "ganhe_scenarios.xlsx", single / "c.xlsx")
    assert runs[3]["objective"] == sweep["points"][-1]["objective"]
    same_workbook(out / "tiny_sweep.xlsx", single / "s.xlsx")
    risk = single_json("risk", cases / "ganhe_2024.xlsx", "--samples", 200, "--seed", 3, "--tornado", 2,
                       "-o", single / "r.xlsx")
    assert (runs[6]["status"], runs[6]["objective"]) == (risk["status"], risk["objective"])
    same_workbook(out / "ganhe_2024_risk.xlsx", single / "r.xlsx")

    # provincial roll-up: the two solve runs summed, against the two province rows
    def end(value):
        return next(iter(value.values())) if isinstance(value, dict) else value
    energy = end(ganhe["totals"]["energy_saving"]) + end(qinghai["totals"]["energy_saving"])
    capex = ganhe["totals"]["capex"] + qinghai["totals"]["capex"]
    province = data["province"]
    assert province["parks"] == 2
    assert province["totals"]["energy_saving"] == pytest.approx(energy)
    assert province["totals"]["capex"] == pytest.approx(capex)
    lines = {t["label"]: t for t in province["targets"]}
    assert lines["全省节能量"]["met"] == (energy >= 100_000) and lines["全省节能量"]["total"] == pytest.approx(energy)
    assert lines["全省投资上限"]["met"] == (capex <= 300_000)
    ws = openpyxl.load_workbook(out / "batch_summary.xlsx")["省级汇总"]
    cells = [r for r in ws.iter_rows(values_only=True) if r[0] in lines]
    assert [(r[0], r[4], r[6]) for r in cells] == [
        ("全省节能量", pytest.approx(energy), "是" if energy >= 100_000 else "否"),
        ("全省投资上限", pytest.approx(capex), "是" if capex <= 300_000 else "否")]


def test_csv_manifest_with_relative_paths(cases, tmp_path):
    (cases / "runs.csv").write_text("case,command,output,no_explain\ntiny.xlsx,solve,t.xlsx,yes\n", encoding="utf-8")
    code, data = batch_json(cases / "runs.csv", "-o", tmp_path / "out", "--jobs", 1)
    assert code == 0 and data["runs"][0]["status"] == "optimal" and data["runs"][0]["output"].endswith("t.xlsx")


def test_a_bad_manifest_is_refused_with_every_problem_located(cases, tmp_path):
    manifest = write_workbook(cases / "bad.xlsx", {
        "批量运行": [["案例", "命令", "输出", "mip_gap", "options"],
                  ["tiny.xlsx", "optimise", None, None, None],
                  ["missing.xlsx", "solve", None, None, None],
                  ["tiny.xlsx", "solve", "a.xlsx", 2, None],
                  ["tiny.xlsx", "sweep", "b.xlsx", None, "--steps 3"],
                  ["tiny.xlsx", "solve", "a.xlsx", None, "--frobnicate 1"],
                  ["tiny.xlsx", "compare", "c.csv", None, "--budget-from 5"]],
        "省级目标": [["指标", "值"], ["happiness", 3], ["节能量", "many"]]})
    out = tmp_path / "out"
    result = run_cli("batch", manifest, "-o", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not out.exists()
    text = result.output
    for expected in ("sheet '批量运行', row 2, column B '命令'", "'optimise'",
                     "row 3, column A '案例'", "'missing.xlsx'",
                     "row 4, column D 'mip_gap'", "at most 1",
                     "row 5", "a sweep needs --budget-from",
                     "row 6, column E 'options'", "unknown option '--frobnicate'",
                     "two runs write a.xlsx",
                     "row 7", "'compare' has no option --budget-from", "must be an .xlsx",
                     "sheet '省级目标', row 2, column A '指标'", "'happiness'",
                     "sheet '省级目标', row 3, column B '值'", "not a number"):
        assert expected in text, (expected, text)


def test_scheduler_without_distributed_says_how_to_install_it(tmp_path):
    import subprocess
    import sys
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from retrofit_opt.cli import main\n"
            "main(['batch', sys.argv[1], '-o', sys.argv[2], '--scheduler', 'local'])")
    done = subprocess.run([sys.executable, "-c", code, str(CASES["tiny"]), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert 'pip install "retrofit-opt[dask]"' in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
