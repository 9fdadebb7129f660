"""The Not selected sheet's "would break a target" sentence (``broken_targets``) skips the
recomputation of the targets for a project that cannot make the plan miss one (no
interaction, nothing negative for a target that wants more, nothing for a cap).  Oracle:
the full recomputation — the plan with the project added, every target checked, those met
before and missed after — for every left-out project of random cases (with caps,
interactions and negative benefits among them) and the bundled cases."""
from __future__ import annotations

from pathlib import Path

import pytest

from random_cases import random_case
from retrofit_opt import evaluate
from retrofit_opt.errors import CaseError
from retrofit_opt.loader import load_case
from retrofit_opt.report.common import target_text
from retrofit_opt.report.not_selected import broken_targets, first_start
from retrofit_opt.studies.solve import solve_case

ROOT = Path(__file__).resolve().parent.parent


def full_recomputation(result, project, lang):
    case = result.case
    with_it = dict(result.plan)
    with_it[project.id] = first_start(case, project)
    before = {(c.label, c.year): c.met for c in evaluate.target_checks(case, result.plan)}
    return [target_text(c, lang, case) for c in evaluate.target_checks(case, with_it)
            if not c.met and before.get((c.label, c.year), False)]


def _check(result) -> int:
    """Compares every left-out project; returns how many broke a target (so that a test
    can insist the comparison was not vacuous)."""
    breaking = 0
    for project in result.case.projects:
        if project.id in result.plan or project.excluded or not result.case.start_years(project):
            continue
        for lang in ("en", "zh"):
            expected = full_recomputation(result, project, lang)
            assert broken_targets(result, project, lang) == expected, (project.id, lang)
        breaking += bool(full_recomputation(result, project, "en"))
    return breaking


def test_random_cases_agree_with_the_full_recomputation(tmp_path):
    breaking = solved = 0
    for seed in range(60):
        path = random_case(seed).write(tmp_path / f"r{seed}.xlsx")
        try:
            case = load_case(path)
        except CaseError:
            continue
        result = solve_case(case, explain=False, mip_gap=1e-6, time_limit=30)
        if not result.plan and result.status != "optimal":
            continue
        solved += 1
        breaking += _check(result)
    assert solved >= 30
    assert breaking >= 5  # projects that do break a target were compared too (15 with these seeds)


@pytest.mark.parametrize("name", ["ganhe_2024.xlsx", "qinghai_2025.xlsx", "tiny.xlsx"])
def test_bundled_cases_agree_with_the_full_recomputation(name):
    result = solve_case(load_case(ROOT / "cases" / name), explain=False)
    _check(result)


def test_a_cap_broken_by_a_left_out_project_is_still_named(tmp_path):
    """A max_total cap that the plan meets with no room: a left-out project with CO2 would
    break it, and the sentence names the target (not skipped by the shortcut)."""
    from workbooks import minimal_case, write_workbook
    sheets = minimal_case()
    sheets["targets"].append(["co2_reduction", None, "max_total", 2700])  # P1 + P2 = 2700, P3 adds 500
    sheets["budgets"][1][2] = 2000
    sheets["projects"][3][7] = ""  # P3 needs no prerequisite
    result = solve_case(load_case(write_workbook(tmp_path / "cap.xlsx", sheets)), explain=False)
    assert "P3" not in result.plan and {"P1", "P2"} <= set(result.plan)
    p3 = result.case.project("P3")
    assert broken_targets(result, p3, "en") == full_recomputation(result, p3, "en") != []


def _interacting_case(tmp_path, overlap: float):
    """P1 + P2 chosen (1,100 tce, the budget holds no more than 1,400 万元 of the three);
    P3 (200 tce) overlaps P1 by ``overlap`` tce, against a target of 1,050 tce."""
    from workbooks import minimal_case, write_workbook
    sheets = minimal_case()
    sheets["budgets"][1][2] = 1400
    sheets["projects"][3][7] = ""  # P3 needs no prerequisite
    sheets["targets"][1][3] = 1050
    sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)"], ["P1", "P3", overlap]]
    result = solve_case(load_case(write_workbook(tmp_path / f"overlap{overlap}.xlsx", sheets)), explain=False)
    assert set(result.plan) == {"P1", "P2"}
    return result, result.case.project("P3")


def test_an_overlap_with_a_chosen_project_larger_than_the_gain_breaks_a_target(tmp_path):
    """With P3 the total is 800 + 300 + 200 − 300 = 1,000 < 1,050: the target is named,
    although P3 itself adds a positive amount (the shortcut counts its overlaps)."""
    result, p3 = _interacting_case(tmp_path, 300)
    assert broken_targets(result, p3, "en") == full_recomputation(result, p3, "en") != []


def test_an_overlap_smaller_than_the_gain_breaks_nothing(tmp_path):
    result, p3 = _interacting_case(tmp_path, 150)  # 1,100 + 200 − 150 = 1,150 ≥ 1,050
    assert broken_targets(result, p3, "en") == full_recomputation(result, p3, "en") == []
