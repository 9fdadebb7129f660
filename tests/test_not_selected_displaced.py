"""未入选 / Not selected: which budget row or rule binds, and which chosen projects forcing a
left-out project in pushes out (Exclusion.displaced) and takes in (brought_in).

Oracles, none of them the package's code:
* hand-worked micro cases (every subset listed in the docstring; the forced optima are
  unique, so the displaced set is known) — checked again by enumeration with tests/oracle.py;
* random cases (tests/random_cases.py): the plan the Exclusion describes (main − displaced
  + brought_in + the project) is feasible by tests/oracle.py and its objective is the one
  that gives ``loss_high`` — at gap 0 with every stage, and with the LP screen only (the
  swapped and rounded plans);
* Ganhe (HB04): the case read with openpyxl into the oracle's own description; the budget
  rows HB04 overruns are computed from the input and the chosen set; the forced plan is
  checked feasible with the stated loss, and no plan within three drops and three
  additions of the chosen set is better (vectorised enumeration).
"""
from __future__ import annotations

import copy
import itertools
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import retrofit_opt
from retrofit_opt.errors import CaseError
from oracle import SUBSIDY, TOTAL, Interaction, Problem, Project, brute_force, draw, objective, violations
from random_cases import random_case
from retrofit_opt.studies.solve import solve_case
from test_micro_cases import case_sheets

ROOT = Path(__file__).resolve().parents[1]
GANHE = ROOT / "cases" / "ganhe_2024.xlsx"


def enumerate_optima(problem: Problem) -> tuple[float, list[frozenset]]:
    """Best value and EVERY optimal set, by plain enumeration (small cases only)."""
    ids = [p.id for p in problem.projects]
    best, sets = None, []
    for k in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, k):
            if violations(problem, chosen):
                continue
            value = objective(problem, set(chosen))
            better = best is None or (value < best - 1e-9 if problem.minimise else value > best + 1e-9)
            if better:
                best, sets = value, [frozenset(chosen)]
            elif math.isclose(value, best, abs_tol=1e-9):
                sets.append(frozenset(chosen))
    return best, sets


def forced_optima(problem: Problem, project_id: str):
    forced = copy.deepcopy(problem)
    forced.by_id()[project_id].mandatory = True
    return enumerate_optima(forced)


def write_report(result, out: Path, lang: str) -> Path:
    from retrofit_opt.report import write_results
    write_results(result, out, lang=lang)
    return out


def not_selected_rows(path: Path) -> dict[str, dict]:
    """Project id → {header: value} of the Not selected sheet (the third sheet)."""
    ws = openpyxl.load_workbook(path).worksheets[2]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return {r[0]: dict(zip(header, r)) for r in rows[1:] if r[0] and r[1]}


MICRO = [{"id": "A", "capex": 600, "energy_saving": 500},
         {"id": "B", "capex": 400, "energy_saving": 350},
         {"id": "C", "capex": 300, "energy_saving": 200},
         {"id": "D", "capex": 700, "energy_saving": 480}]


def micro_problem(objective_name: str, budget: float, targets=()) -> Problem:
    return Problem([Project(p["id"], p["capex"], {"energy_saving": p["energy_saving"]}) for p in MICRO],
                   budgets=[(TOTAL, budget)], targets=list(targets), objective=objective_name)


def test_micro_max_saving_names_the_budget_and_the_projects_pushed_out(make_case, tmp_path):
    """Budget 1000 万元, max_saving.  A 600 → 500 tce, B 400 → 350, C 300 → 200, D 700 → 480.

    Feasible sets (≤ 1000): {A,B} 850, {A,C} 700, {C,D} 680, {B,C} 550, {D} 480, {A} 500,
    {B} 350, {C} 200, {} 0 ({B,D} 1100 ✗, {A,D} 1300 ✗).  Optimum {A,B} = 850, the total
    budget used up (0 left).
    C forced in: {A,C} 700 > {C,D} 680 > {B,C} 550 → loss 150, pushes out B only.
    D forced in: {C,D} 680 > {D} 480 → loss 170, pushes out A and B, takes in C.
    """
    problem = micro_problem("max_saving", 1000)
    assert enumerate_optima(problem) == (850, [frozenset("AB")])
    assert forced_optima(problem, "C") == (700, [frozenset("AC")])
    assert forced_optima(problem, "D") == (680, [frozenset("CD")])

    sheets = case_sheets(MICRO, budgets=[("total", 1000)])
    case = retrofit_opt.load_case(make_case(sheets))
    result = solve_case(case, mip_gap=0)
    assert result.selected() == ["A", "B"]
    c, d = result.exclusions["C"], result.exclusions["D"]
    assert (c.objective_loss, c.displaced, c.brought_in, c.loss_exact) == (pytest.approx(150), ("B",), (), True)
    assert (d.objective_loss, d.displaced, d.brought_in, d.loss_exact) == (pytest.approx(170), ("A", "B"), ("C",), True)
    assert json.loads(json.dumps(d.to_json()))["displaced"] == ["A", "B"]
    assert d.to_json()["brought_in"] == ["C"]

    for lang in ("zh", "en"):
        out = write_report(result, tmp_path / f"micro_{lang}.xlsx", lang)
        rows = not_selected_rows(Path(out))
        if lang == "zh":
            assert rows["C"]["强制入选时被挤出的项目"] == "B"
            assert rows["D"]["强制入选时被挤出的项目"] == "A, B"
            assert rows["C"]["说明"] == ("强制入选将使年节能量减少 150.0 吨标准煤/年；与入选项目同时实施将超出"
                                       "总预算（剩余0万元，需300万元）；强制入选时的最优方案须挤出 B")
            assert rows["D"]["说明"].endswith("强制入选时的最优方案须挤出 A、B，并改选 C")
        else:
            assert rows["C"]["Pushed out if forced in"] == "B"
            assert rows["C"]["Detail"] == ("forcing it in lowers the annual energy saving by 150.0 tce/yr; it does "
                                           "not fit beside the chosen projects: total (0 万元 left, needs 300 万元); "
                                           "the best plan with it pushes out B")
            assert rows["D"]["Detail"].endswith("the best plan with it pushes out A, B and takes in C")


def test_micro_least_cost_says_forcing_in_raises_the_cost(make_case, tmp_path):
    """min_cost, target energy ≥ 800 tce, budget 2000 万元.  Same projects.

    Sets reaching 800: {A,B} 850 @1000, {B,D} 830 @1100, {A,D} 980 @1300, {A,B,C} 1050
    @1300, {B,C,D} 1030 @1400, {A,C,D} 1180 @1600, {A,B,D} 1330 @1700, all four @2000.
    Optimum {A,B} = 1000 万元 (1000 left).
    C forced in: {A,B,C} 1300 → cost +300, fits beside A and B, nothing pushed out.
    D forced in: {B,D} 1100 → cost +100, pushes out A (D would fit beside A and B too, at +700).
    """
    problem = micro_problem("min_cost", 2000, [("energy_saving", "min_total", 800)])
    assert enumerate_optima(problem) == (1000, [frozenset("AB")])
    assert forced_optima(problem, "C") == (1300, [frozenset("ABC")])
    assert forced_optima(problem, "D") == (1100, [frozenset("BD")])

    sheets = case_sheets(MICRO, budgets=[("total", 2000)], targets=[("energy_saving", "min_total", 800)],
                         objective="min_cost")
    result = solve_case(retrofit_opt.load_case(make_case(sheets)), mip_gap=0)
    assert result.selected() == ["A", "B"]
    c, d = result.exclusions["C"], result.exclusions["D"]
    assert (c.objective_loss, c.displaced, c.brought_in) == (pytest.approx(300), (), ())
    assert (d.objective_loss, d.displaced, d.brought_in) == (pytest.approx(100), ("A",), ())

    zh = not_selected_rows(Path(write_report(result, tmp_path / "cost_zh.xlsx", "zh")))
    assert zh["C"]["原因"] == "择优未选：强制入选会增加总投资"
    assert zh["C"]["说明"] == ("强制入选将使总投资增加 300.0 万元；可与入选项目同时实施，但不需要它即可完成全部目标，"
                             "入选只会增加投资；无需挤出任何入选项目")
    assert zh["D"]["说明"] == ("强制入选将使总投资增加 100.0 万元；可与入选项目同时实施，但不需要它即可完成全部目标，"
                             "入选只会增加投资；强制入选时的最优方案须挤出 A")
    en = not_selected_rows(Path(write_report(result, tmp_path / "cost_en.xlsx", "en")))
    assert en["D"]["Detail"] == ("forcing it in raises the total investment by 100.0 万元; it fits beside the chosen "
                                 "projects, but the targets are met without it, so choosing it only adds investment; "
                                 "the best plan with it pushes out A")
    assert "worsens" not in en["C"]["Detail"] and "lowers" not in en["C"]["Detail"]


def test_micro_tie_is_said_as_a_tie_with_the_project_it_replaces(make_case, tmp_path):
    """Budget 1000, max_saving.  A 600 → 500, B 400 → 300, C 400 → 300 (B and C the same).

    {A,B} = {A,C} = 800 (1000 万元 each); {B,C} 600; {A,B,C} 1400 ✗.  One of B, C is left
    out with a loss of 0: a tie; the plan with it replaces the other one."""
    projects = [{"id": "A", "capex": 600, "energy_saving": 500},
                {"id": "B", "capex": 400, "energy_saving": 300},
                {"id": "C", "capex": 400, "energy_saving": 300}]
    problem = Problem([Project(p["id"], p["capex"], {"energy_saving": p["energy_saving"]}) for p in projects],
                      budgets=[(TOTAL, 1000)])
    best, sets = enumerate_optima(problem)
    assert best == 800 and sorted(map(sorted, sets)) == [["A", "B"], ["A", "C"]]
    result = solve_case(retrofit_opt.load_case(make_case(case_sheets(projects, budgets=[("total", 1000)]))), mip_gap=0)
    left = next(p for p in ("B", "C") if p not in result.plan)
    other = "C" if left == "B" else "B"
    why = result.exclusions[left]
    assert why.loss_exact and why.objective_loss == pytest.approx(0, abs=1e-9)
    assert why.displaced == (other,) and why.brought_in == ()
    zh = not_selected_rows(Path(write_report(result, tmp_path / "tie_zh.xlsx", "zh")))[left]
    assert zh["原因"] == "并列最优：另有同样好的方案包含本项目"
    assert zh["说明"].startswith("并列最优：") and zh["说明"].endswith(f"该方案以本项目替换 {other}")
    en = not_selected_rows(Path(write_report(result, tmp_path / "tie_en.xlsx", "en")))[left]
    assert en["Reason"] == "a tie: another optimal plan includes it"
    assert en["Detail"].startswith("a tie:") and en["Detail"].endswith(f"that plan leaves out {other} instead")
    assert "worsens" not in en["Detail"]


@pytest.mark.parametrize("seed", range(0, 60, 3))
@pytest.mark.parametrize("explain_seconds", [0.0, 30.0])
def test_random_cases_the_plan_described_gives_the_upper_end(seed, explain_seconds, tmp_path):
    """The Exclusion's displaced / brought_in describe a feasible plan with the project
    (tests/oracle.py) whose objective is the one ``loss_high`` is measured from; with no
    such plan (``loss_high`` None) both are None."""
    generated = random_case(seed)
    problem = generated.problem
    feasible = brute_force(problem).feasible
    try:
        case = retrofit_opt.load_case(generated.write(tmp_path / f"seed_{seed}.xlsx"))
    except CaseError:  # validate refuses some cases outright (a mandatory chain against a group)
        assert not feasible, "validate refused a case that brute force can satisfy"
        return
    result = solve_case(case, mip_gap=0, explain=True, explain_seconds=explain_seconds)
    if not feasible:  # nothing to explain: the solver must agree there is no plan
        assert result.status == "infeasible" and not result.plan and not result.exclusions, result.status
        return
    assert result.status in ("optimal", "feasible")
    main = set(result.plan)
    sign = -1.0 if problem.minimise else 1.0
    tol = 1e-6 * max(1.0, abs(result.objective)) + 1e-6
    checked = 0
    for pid, why in result.exclusions.items():
        if why.reason != "lowers_objective":
            assert why.displaced is None and why.brought_in is None, (pid, why)
            continue
        if why.loss_high is None:
            assert why.displaced is None and why.brought_in is None, (pid, why)
            continue
        assert why.displaced is not None and set(why.displaced) <= main, (pid, why)
        assert pid not in why.brought_in and not set(why.brought_in) & main, (pid, why)
        forced = (main - set(why.displaced)) | set(why.brought_in) | {pid}
        assert not violations(problem, forced), (pid, why, violations(problem, forced))
        loss = max(sign * (result.objective - objective(problem, forced)), 0.0)
        assert loss == pytest.approx(why.loss_high, abs=tol), (pid, why)
        checked += 1
    if explain_seconds:
        assert checked or not [w for w in result.exclusions.values() if w.reason == "lowers_objective"]


# ---------------------------------------------------------------------------- Ganhe
GANHE_COLUMNS = {"节能量(吨标准煤/年)": "energy_saving", "二氧化碳减排量(吨/年)": "co2_reduction",
                 "二氧化硫减排量(吨/年)": "so2", "氮氧化物减排量(吨/年)": "nox", "节水量(立方米/年)": "water"}
TARGET_METRICS = {"节能量": "energy_saving", "二氧化碳减排量": "co2_reduction", "二氧化硫减排量": "so2",
                  "氮氧化物减排量": "nox", "节水量": "water"}
EQUIVALENT_KGCE_PER_KWH = 0.3055  # the case's 电力折标方法 = 等价值 (its 说明 sheet)
GRID_T_PER_MWH = 0.5703  # the case's 电网排放因子


def ganhe_problem() -> Problem:
    """The Ganhe case in the oracle's terms, read straight from the workbook."""
    wb = openpyxl.load_workbook(GANHE, data_only=True)
    rows = list(wb["项目"].iter_rows(values_only=True))
    col = {name: j for j, name in enumerate(rows[0])}
    projects = []
    for r in rows[1:]:
        if not r[0]:
            continue
        metrics = {key: float(r[col[name]] or 0) for name, key in GANHE_COLUMNS.items()}
        green = r[col["绿电量(万千瓦时/年)"]]
        if green and not metrics["energy_saving"]:  # PV01: saving derived from its green electricity
            metrics["energy_saving"] = green * 1e4 * EQUIVALENT_KGCE_PER_KWH / 1000
            metrics["co2_reduction"] = green * 1e4 / 1000 * GRID_T_PER_MWH
        pool = {"总预算": TOTAL}.get(r[col["资金来源"]], r[col["资金来源"]])
        projects.append(Project(r[0], float(r[col["投资(万元)"]]), metrics, mandatory=r[col["必选"]] == "是",
                                excluded=r[col["排除"]] == "是", group=r[col["互斥组"]] or "",
                                requires=tuple(x for x in [r[col["前置项目"]]] if x), pool=pool,
                                subsidy_rate=float(r[col["补贴比例"]] or 0)))
    pools = {"总预算": TOTAL, "补贴资金": SUBSIDY}
    budgets = [(pools.get(pool, pool), float(limit)) for pool, limit in wb["预算"].iter_rows(min_row=2, values_only=True)
               if pool]
    targets = [(TARGET_METRICS[m], "min_total", float(v)) for m, kind, v in wb["目标"].iter_rows(min_row=2, values_only=True)
               if m and kind == "不低于"]
    interactions = [Interaction(a, b, float(e), float(c)) for a, b, e, c in wb["交互"].iter_rows(min_row=2, values_only=True)
                    if a]
    return Problem(projects, budgets, targets, interactions, objective="max_saving")


def best_near(problem: Problem, main: set[str], forced_id: str, drops: int = 3, adds: int = 3):
    """The best plans with ``forced_id`` among main − D + A (|D| ≤ drops from the chosen
    non-mandatory projects, |A| ≤ adds from the others), every rule checked, vectorised."""
    projects = problem.projects
    index = {p.id: j for j, p in enumerate(projects)}
    droppable = [p.id for p in projects if p.id in main and not p.mandatory]
    addable = [p.id for p in projects if p.id not in main and not p.excluded and p.id != forced_id]
    base = np.zeros(len(projects), dtype=bool)
    base[[index[i] for i in main]] = True
    base[index[forced_id]] = True
    plans = []
    for k in range(drops + 1):
        for d in itertools.combinations(droppable, k):
            for m in range(adds + 1):
                for a in itertools.combinations(addable, m):
                    x = base.copy()
                    x[[index[i] for i in d]] = False
                    x[[index[i] for i in a]] = True
                    plans.append(x)
    X = np.array(plans)
    Xf = X.astype(float)
    ok = np.ones(len(X), dtype=bool)
    for pool, limit in problem.budgets:
        ok &= Xf @ np.array([draw(p, pool) for p in projects]) <= limit * (1 + 1e-9)
    for j, p in enumerate(projects):
        for q in p.requires:
            ok &= ~X[:, j] | X[:, index[q]]
        if p.mandatory:
            ok &= X[:, j]
    groups: dict[str, list[int]] = {}
    for j, p in enumerate(projects):
        if p.group:
            groups.setdefault(p.group, []).append(j)
    for members in groups.values():
        ok &= X[:, members].sum(axis=1) <= 1

    def total(metric):
        values = Xf @ np.array([p.metric(metric) for p in projects])
        for inter in problem.interactions:
            values -= inter.overlap(metric) * (X[:, index[inter.a]] & X[:, index[inter.b]])
        return values

    for metric, _, value in problem.targets:
        ok &= total(metric) >= value * (1 - 1e-9)
    values = np.where(ok, total("energy_saving"), -np.inf)
    best = values.max()
    winners = [frozenset(projects[j].id for j in np.nonzero(X[i])[0]) for i in np.nonzero(values >= best - 1e-6)[0]]
    return float(best), winners


@pytest.fixture(scope="module")
def ganhe_result():
    return solve_case(retrofit_opt.load_case(GANHE))


def test_ganhe_hb04_binding_budget_and_projects_pushed_out(ganhe_result, tmp_path):
    """HB04 (污水处理厂扩容, 6,300 万元, no energy saving) on Ganhe: the rows it overruns
    beside the chosen projects, computed from the input; the plan the explanation names
    (main − displaced + brought_in + HB04) meets every rule and loses exactly the stated
    energy saving; no plan within three drops and three additions does better."""
    problem = ganhe_problem()
    result = ganhe_result
    main = set(result.plan)
    assert not violations(problem, main)
    assert objective(problem, main) == pytest.approx(result.objective, abs=1e-6)

    hb04 = problem.by_id()["HB04"]
    names = {TOTAL: "总预算", SUBSIDY: "补贴资金"}
    overrun = {}
    for pool, limit in problem.budgets:
        left = limit - sum(draw(p, pool) for p in problem.projects if p.id in main)
        need = draw(hb04, pool)
        if need > left + 1e-6:
            overrun[names.get(pool, pool)] = (left, need)
    assert set(overrun) == {"总预算"}  # its own pool 环保治理资金 still has room: the total budget binds

    why = result.exclusions["HB04"]
    assert why.reason == "lowers_objective" and why.loss_exact and why.displaced
    forced = (main - set(why.displaced)) | set(why.brought_in) | {"HB04"}
    assert not violations(problem, forced), violations(problem, forced)
    assert result.objective - objective(problem, forced) == pytest.approx(why.objective_loss, abs=1e-6)
    best, winners = best_near(problem, main, "HB04")
    assert best == pytest.approx(result.objective - why.objective_loss, abs=1e-6)  # nothing nearby does better
    assert frozenset(forced) in winners
    if len(winners) == 1:
        assert set(why.displaced) == main - winners[0]

    zh = not_selected_rows(Path(write_report(result, tmp_path / "ganhe_zh.xlsx", "zh")))["HB04"]
    left, need = overrun["总预算"]
    assert f"将超出总预算（剩余{left:,.0f}万元，需{need:,.0f}万元）；" in zh["说明"]
    assert "节能改造资金" not in zh["说明"] and "环保治理资金" not in zh["说明"]
    assert f"须挤出 {'、'.join(why.displaced)}" in zh["说明"]
    assert zh["强制入选时被挤出的项目"] == ", ".join(why.displaced)
    assert zh["说明"].startswith(f"强制入选将使年节能量减少 {why.objective_loss:,.1f} 吨标准煤/年")
    en = not_selected_rows(Path(write_report(result, tmp_path / "ganhe_en.xlsx", "en")))["HB04"]
    assert f"total ({left:,.0f} 万元 left, needs {need:,.0f} 万元)" in en["Detail"]
    assert f"pushes out {', '.join(why.displaced)}" in en["Detail"]


def test_a_project_no_plan_can_hold_names_the_row_it_exceeds_alone(make_case, tmp_path):
    """Budget 1000 万元.  A 600 → 500 tce, B 1,500 → 2,000 tce: B alone costs more than the
    whole budget, so no plan has it (infeasible if forced) and nothing is pushed out."""
    projects = [{"id": "A", "capex": 600, "energy_saving": 500}, {"id": "B", "capex": 1500, "energy_saving": 2000}]
    problem = Problem([Project(p["id"], p["capex"], {"energy_saving": p["energy_saving"]}) for p in projects],
                      budgets=[(TOTAL, 1000)])
    assert forced_optima(problem, "B") == (None, [])  # no feasible set holds B
    result = solve_case(retrofit_opt.load_case(make_case(case_sheets(projects, budgets=[("total", 1000)]))), mip_gap=0)
    why = result.exclusions["B"]
    assert why.reason == "infeasible_if_forced" and why.displaced is None
    zh = not_selected_rows(Path(write_report(result, tmp_path / "zh.xlsx", "zh")))["B"]
    assert zh["说明"] == ("强制入选将违反预算、目标或规则；其本身即超出总预算（上限1,000万元，需1,500万元）；"
                        "任何方案都无法包含本项目，故无被挤出的项目")
    assert zh["强制入选时被挤出的项目"] is None
    en = not_selected_rows(Path(write_report(result, tmp_path / "en.xlsx", "en")))["B"]
    assert en["Detail"] == ("forcing it in breaks a budget, target or rule; on its own it exceeds total (limit "
                            "1,000 万元, it needs 1,500 万元); no plan can include it, so none is pushed out")
