"""``retrofit-opt alternatives`` through click's CliRunner and the public API, on real
workbooks and the real solver, checked against brute force (tests/alternatives_oracle.py)."""
from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import alternatives_oracle as ao
import multiyear_oracle as my
import oracle
from workbooks import minimal_case, write_workbook
import retrofit_opt
from retrofit_opt.cli import main

ROOT = Path(__file__).resolve().parent.parent
GANHE = ROOT / "cases" / "ganhe_2024.xlsx"


def run(*args):
    return CliRunner().invoke(main, ["alternatives", *map(str, args)])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_has_a_runnable_example():
    result = run("--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "retrofit-opt alternatives cases/ganhe_2024.xlsx" in result.output
    for option in ("--within", "--count", "--keep", "--drop", "--keep-enterprise", "--drop-enterprise",
                   "--by-start-year", "--json", "--lang", "--time-limit", "-o"):
        assert option in result.output


def _feasible_seed_with_band():
    """A random single-period case with several plans within 10 %, and an enterprise that
    is not the only one of a mandatory project."""
    for seed in range(200):
        case = ao.random_sp_case(seed)
        plans = ao.sp_plans(case)
        if not plans:
            continue
        optimum = ao.best(plans, case.minimise)
        within = ao.clear_within([v for _, v in plans], optimum, 0.1, case.minimise)
        if len(ao.band(plans, optimum, within, case.minimise)) >= 4:
            return seed, case, plans, optimum, within
    raise AssertionError("no suitable seed")


def test_json_and_workbook_match_brute_force(tmp_path):
    seed, case, plans, optimum, within = _feasible_seed_with_band()
    path = write_workbook(tmp_path / "case.xlsx", ao.sp_sheets(case))
    before = sha(path)
    out = tmp_path / "alt.xlsx"
    result = run(path, "--within", within, "--count", 3, "--enumerate", 500, "-o", out, "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sha(path) == before and out.is_file()
    assert data["optimum"] == pytest.approx(optimum, rel=1e-9, abs=1e-9)
    inside = ao.band(plans, optimum, within, case.minimise)
    assert data["plans_within"] == {"count": len(inside), "capped": False, "cap": 500}
    want = ao.classes([s for s, _ in inside], {p.id for p in case.problem.projects if not p.excluded},
                      [p.id for p in case.problem.projects])
    assert data["core"] == [pid for pid, k in want.items() if k == "core"]
    assert data["optional"] == [pid for pid, k in want.items() if k == "optional"]
    assert data["never"] == [pid for pid, k in want.items() if k == "never"]
    assert len(data["alternatives"]) == 3
    for entry in data["alternatives"]:
        assert {"objective", "gap_to_optimum", "selected", "totals"} <= set(entry)
        chosen = set(entry["selected"])
        assert not oracle.violations(case.problem, chosen)
        assert entry["objective"] == pytest.approx(oracle.objective(case.problem, chosen))
        assert entry["totals"]["energy_saving"] == pytest.approx(
            oracle.metric_total(case.problem, chosen, "energy_saving"))
        assert entry["gap_to_optimum"] == pytest.approx(abs(entry["objective"] - optimum) / abs(optimum))
    # the workbook shows the same plans and classes
    ws = load_workbook(out)["Alternatives"]
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"Plan 1", "Plan 2", "Plan 3"} <= cells
    for entry in data["alternatives"]:
        assert any(isinstance(v, (int, float)) and v == pytest.approx(entry["objective"]) for v in cells)


def test_keep_drop_and_enterprises_from_the_command_line(tmp_path):
    seed, case, plans, optimum, within = _feasible_seed_with_band()
    path = write_workbook(tmp_path / "case.xlsx", ao.sp_sheets(case))
    problem = case.problem
    rng = random.Random(5)
    keep = rng.choice([p.id for p in problem.projects if not p.excluded])
    enterprise = sorted({case.enterprise[p.id] for p in problem.projects if not p.mandatory}
                        - {case.enterprise[p.id] for p in problem.projects if p.mandatory})
    for args, conditions in [(["--keep", keep], dict(keep=[keep])),
                             (["--drop", keep], dict(drop=[keep])),
                             (["--keep-enterprise", enterprise[0]], dict(keep_ent=[enterprise[0]])),
                             (["--drop-enterprise", enterprise[0]], dict(drop_ent=[enterprise[0]]))]:
        if "drop" in conditions and any(p.mandatory and p.id == keep for p in problem.projects):
            continue
        under = ao.sp_plans(case, **conditions)
        result = run(path, "--count", 2, "-o", tmp_path / "out.xlsx", "--json", *args)
        if not under:
            assert result.exit_code == 1, (args, result.output)
            assert json.loads(result.stdout)["status"] == "infeasible"
            continue
        assert result.exit_code == 0, (args, result.output)
        data = json.loads(result.stdout)
        best = ao.best(under, case.minimise)
        assert data["reference"] == pytest.approx(best), args
        assert data["condition_cost"] == pytest.approx(abs(optimum - best)), args
        assert data["alternatives"][0]["role"] == "best_under_conditions"


def test_multiyear_by_start_year_from_the_command_line(tmp_path):
    for seed in range(60):
        case = my.random_case(seed)
        plans = ao.my_plans(case)
        if not plans:
            continue
        minimise = my.minimising(case)
        optimum = ao.best(plans, minimise)
        within = ao.clear_within([v for _, v in plans], optimum, 0.2, minimise)
        inside = ao.band(plans, optimum, within, minimise)
        by_project = {ao.my_units(p, False) for p, _ in inside}
        by_year = {ao.my_units(p, True) for p, _ in inside}
        if len(by_year) > len(by_project):
            break
    else:
        raise AssertionError("no seed where start years alone tell plans apart")
    path = write_workbook(tmp_path / "my.xlsx", my.case_sheets(case))
    counts = {}
    for flag in ([], ["--by-start-year"]):
        result = run(path, "--within", within, "--count", 1, "--enumerate", 1000, "-o", tmp_path / "o.xlsx",
                     "--json", *flag)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        counts[bool(flag)] = data["plans_within"]["count"]
        assert all(isinstance(e["start_year"], int) for e in data["alternatives"][0]["selected"])
    assert counts == {False: len(by_project), True: len(by_year)}


def test_bad_options_exit_2_with_every_problem_and_write_nothing(tmp_path):
    path = write_workbook(tmp_path / "case.xlsx", minimal_case())
    before = sha(path)
    out = tmp_path / "out.xlsx"
    result = run(path, "--keep", "P9", "--drop", "P1", "--keep", "P1", "--keep-enterprise", "Nobody",
                 "--by-start-year", "-o", out)
    assert result.exit_code == 2
    text = result.output
    assert "4 problem(s)" in text and "'P9'" in text and "both name P1" in text and "'Nobody'" in text
    assert "single-period" in text and "Traceback" not in text
    assert not out.exists() and sha(path) == before
    for args in (["--within", "-0.1"], ["--within", "1.5"], ["--count", "0"], ["--time-limit", "0"]):
        assert run(path, *args, "-o", out).exit_code == 2, args
        assert not out.exists()
    assert run(path, "-o", path).exit_code == 2  # never over the input
    assert sha(path) == before


def test_an_infeasible_case_exits_1_and_says_why(tmp_path):
    sheets = minimal_case()
    sheets["targets"] = [["metric", "year", "kind", "value"], ["energy_saving", None, "min_total", 99999]]
    path = write_workbook(tmp_path / "case.xlsx", sheets)
    out = tmp_path / "out.xlsx"
    result = run(path, "-o", out, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible" and data["alternatives"] == [] and data["core"] == []
    assert out.is_file()
    ws = load_workbook(out).worksheets[0]
    assert any("No plan" in str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_the_public_api_is_lazy_and_takes_a_path_or_a_case(tmp_path):
    code = "import sys, retrofit_opt; assert 'pyomo' not in sys.modules; print(retrofit_opt.alternatives.__doc__[:20])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    path = write_workbook(tmp_path / "case.xlsx", minimal_case())
    by_path = retrofit_opt.alternatives(path, within=0.5, count=3)
    by_case = retrofit_opt.alternatives(retrofit_opt.load_case(path), within=0.5, count=3)
    assert [a.plan for a in by_path.plans] == [a.plan for a in by_case.plans]
    assert by_path.to_json()["core"] == by_case.core
    with pytest.raises(retrofit_opt.RetrofitError, match="--count"):
        retrofit_opt.alternatives(path, count=2.5)
    with pytest.raises(retrofit_opt.RetrofitError, match="--within"):
        retrofit_opt.alternatives(path, within=float("nan"))


def test_ganhe_figures_in_the_readme_are_the_tools():
    """README "Near-optimal alternatives": the count within 1 % and the core list."""
    result = retrofit_opt.alternatives(GANHE, within=0.01, count=5, enumerate_cap=1000)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not result.plans_within_capped
    assert f"**{result.plans_within} distinct plans**" in readme
    assert f"{len(result.core)} core projects" in readme
    assert ", ".join(result.core) in readme
