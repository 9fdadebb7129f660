"""The bundled case cases/ganhe_awards_2024.xlsx (issue 16): the Ganhe portfolio with an
award rule at the published rates of Tianjin's 节能专项资金 — 400 元/tce of annual saving,
at most 400 万元 per project and 30 % of the investment — as README "Awards per tce saved"
shows it.  Every award is recomputed here from the rule's published numbers."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from retrofit_opt import load_case, solve_case
from retrofit_opt.cli import main

CASE = Path(__file__).resolve().parents[1] / "cases" / "ganhe_awards_2024.xlsx"
TIANJIN = dict(rate=400.0, cap=400.0, share=0.30)  # 元/tce, 万元, share of capex


def tianjin_award(capex: float, saving: float) -> float:
    return min(TIANJIN["rate"] * saving / 1e4, TIANJIN["cap"], TIANJIN["share"] * capex)


def test_the_case_carries_the_published_tianjin_rule():
    case = load_case(CASE)
    (rule,) = case.award_rules
    assert (rule.rate_per_tce, rule.cap_per_project, rule.cap_share_of_capex) == (400, 400, 0.30)
    assert "天津" in rule.name


def test_readme_awards_example(tmp_path):
    """README: with the awards the plan of the original Ganhe case (46,729.7 tce/yr, 21
    projects) fits an energy fund 800 万元 smaller; without them the best is 46,319.7 and
    CB02 drops out."""
    out = tmp_path / "awards_result.xlsx"
    run = CliRunner().invoke(main, ["solve", str(CASE), "-o", str(out), "--json", "--no-explain"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["objective"] == pytest.approx(46_729.67)
    chosen = set(data["selected"])
    assert len(chosen) == 21 and "CB02" in chosen
    case = load_case(CASE)
    expected = {p.id: tianjin_award(p.capex, p.metric("energy_saving")) for p in case.projects
                if p.id in chosen and p.metric("energy_saving") > 0}
    got = {a["project"]: a["award"] for a in data["awards"]}
    assert got == pytest.approx(expected)
    assert got["JN01"] == pytest.approx(400)  # 12,220 tce × 400 元 = 489 万元 → capped at 400 per project
    total_award = sum(expected.values())
    assert total_award == pytest.approx(1_786.39, abs=0.01)
    uses = {(b["pool"], tuple(b.get("group", ()))): b["used"] for b in data["budgets"]}
    own = sum(p.capex * (1 - p.subsidy_rate) for p in case.projects if p.id in chosen and p.budget_pool == "节能改造资金")
    assert uses[("节能改造资金", ())] == pytest.approx(own - total_award)
    assert uses[("节能专项资金", ())] == pytest.approx(total_award)
    assert own > 103_600  # without the awards this plan would break the energy fund
    without = solve_case(dataclasses.replace(case, award_rules=()), explain=False, mip_gap=0)
    assert without.objective == pytest.approx(46_319.67)
    assert "CB02" not in without.plan

    wb = load_workbook(out)
    ws = wb["项目组合"]
    header = [c.value for c in ws[1]]
    column = header.index("奖励资金（万元）")
    awards = {row[1].value: row[column].value for row in ws.iter_rows(min_row=2) if row[1].value in chosen}
    assert {pid: a for pid, a in awards.items() if a} == pytest.approx(expected)
    assert all(a == 0 for pid, a in awards.items() if pid not in expected)  # environmental works: no saving
    summary = [[c.value for c in row] for row in wb["概要"].iter_rows()]
    assert any(row[0] == "节能改造资金（企业 黄河鑫业有限公司）" for row in summary if row)


def test_readme_command_runs_as_written(tmp_path):
    """The README's command, by subprocess from the repository root."""
    root = CASE.parents[1]
    out = tmp_path / "ganhe_awards_2024_result.xlsx"
    run = subprocess.run([sys.executable, "-m", "retrofit_opt.cli", "solve", "cases/ganhe_awards_2024.xlsx",
                          "-o", str(out)], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # a Chinese case prints its line in Chinese (the README shows it)
    assert "最优，优化目标值 46,729.7 吨标准煤/年" in run.stdout and "32个候选项目中入选21个" in run.stdout
