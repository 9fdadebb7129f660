"""``compare`` overlaps its Python work with the scenarios' HiGHS runs (issue 19): the base
case's sheets are built on a thread while the other scenarios solve
(:class:`retrofit_opt.report.background.WorkbookInBackground`), and each scenario's model
arrays and start plan are made while the previous one solves
(:class:`retrofit_opt.studies.compare.PreparedAhead`).  Neither may change a byte of the
workbook or a number of the results; an error on those threads reaches the caller."""
from __future__ import annotations

import gc
import io
import threading
import zipfile
from datetime import datetime

import pytest
from sweep_cases import random_raw
from test_compare import SCENARIOS

from retrofit_opt.loader import load_case
from retrofit_opt.report import workbook as W
from retrofit_opt.report.background import WorkbookInBackground
from retrofit_opt.report.gc_pause import cyclic_gc_paused
from retrofit_opt.report.save import save_workbook
from retrofit_opt.scenarios import apply_scenario
from retrofit_opt.studies.compare import PreparedAhead, compare_scenarios
from retrofit_opt.background import InBackground
from retrofit_opt.studies.solve import prepare_case, solve_case, solve_case_then

WRITTEN_AT = datetime(2026, 1, 2, 3, 4, 5)


def saved_parts(report, case) -> dict[str, bytes]:
    W.finish_workbook(report, case, WRITTEN_AT)
    buffer = io.BytesIO()
    save_workbook(report.workbook, buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    path = random_raw(5, n=10).write(tmp_path_factory.mktemp("overlap") / "case.xlsx", scenarios=SCENARIOS)
    return load_case(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_base_sheets_built_in_the_background_give_the_same_workbook(case, lang):
    runs = compare_scenarios(case, mip_gap=0)
    foreground = W.build_comparison_workbook(runs, lang, WRITTEN_AT)
    background = W.build_comparison_workbook(runs, lang, WRITTEN_AT,
                                             base=WorkbookInBackground(runs[0].result, lang, WRITTEN_AT))
    assert [ws.title for ws in background.workbook.worksheets] == [ws.title for ws in foreground.workbook.worksheets]
    assert background.formulas == foreground.formulas
    assert saved_parts(background, case) == saved_parts(foreground, case)


def test_the_base_callback_comes_once_with_the_base_result_while_the_other_scenarios_solve(case):
    """``on_base`` runs on a thread of its own once the base is evaluated, so the next
    scenario's solve need not wait for the evaluation; it has run when the comparison returns."""
    import threading
    events = []
    runs = compare_scenarios(case, mip_gap=0, on_base=lambda result: events.append(
                                 ("base", result, threading.current_thread() is threading.main_thread())),
                             progress=lambda done, total: events.append(("done", done)))
    assert [e for e in events if e[0] == "done"] == [("done", k) for k in range(1, len(runs) + 1)]
    bases = [e for e in events if e[0] == "base"]
    assert len(bases) == 1 and bases[0][1] is runs[0].result and bases[0][2] is False


def test_an_error_of_the_base_callback_reaches_the_caller(case):
    def refuse(result):
        raise RuntimeError("the base sheets could not be started")
    with pytest.raises(RuntimeError, match="could not be started"):
        compare_scenarios(case, mip_gap=0, on_base=refuse)


def test_a_scenario_prepared_ahead_solves_as_one_prepared_in_place(case):
    variant = apply_scenario(case, case.scenarios[0])
    ahead = PreparedAhead(variant).prepared()
    fresh = prepare_case(variant)
    assert ahead.case is variant and ahead.start == fresh.start
    assert (ahead.arrays.col_cost.tolist(), ahead.arrays.row_upper.tolist()) == \
        (fresh.arrays.col_cost.tolist(), fresh.arrays.row_upper.tolist())
    with_ahead = solve_case(variant, mip_gap=0, explain=False, prepared=ahead)
    alone = solve_case(variant, mip_gap=0, explain=False)
    assert (with_ahead.status, with_ahead.objective, with_ahead.plan) == (alone.status, alone.objective, alone.plan)


def same_result(a, b) -> bool:
    return (a.status, a.objective, a.bound, a.plan, a.totals, a.budget_uses, a.target_checks, a.exclusions) == \
        (b.status, b.objective, b.bound, b.plan, b.totals, b.budget_uses, b.target_checks, b.exclusions)


def test_a_plan_evaluated_on_a_thread_is_the_plan_evaluated_in_place(case):
    """compare evaluates each scenario's plan on a thread while the next one solves; a
    solve that re-solves (explanations) is finished in place."""
    for variant in (case, *[apply_scenario(case, s) for s in case.scenarios]):
        later = solve_case_then(variant, mip_gap=0, explain=False)
        assert isinstance(later, InBackground)
        assert same_result(later.result(), solve_case(variant, mip_gap=0, explain=False))
    explained = solve_case_then(case, mip_gap=0, explain=True)
    assert not isinstance(explained, InBackground) and explained.result().exclusions
    assert same_result(explained.result(), solve_case(case, mip_gap=0, explain=True))


def test_a_model_prepared_for_another_case_is_refused(case):
    other = apply_scenario(case, case.scenarios[0])
    with pytest.raises(ValueError, match="another case"):
        solve_case(case, prepared=prepare_case(other))


def test_errors_of_the_background_threads_reach_the_caller(case):
    result = solve_case(case, mip_gap=0, explain=False)
    with pytest.raises(ValueError, match="unknown report language"):
        WorkbookInBackground(result, "fr").report()
    with pytest.raises(ValueError, match="another result"):
        WorkbookInBackground(result, "en").report(solve_case(case, mip_gap=0, explain=False))
    broken = PreparedAhead(None)  # not a case: prepare_case fails on its thread
    with pytest.raises(AttributeError):
        broken.prepared()


def test_a_background_base_with_provenance_or_in_another_language_is_refused(case):
    runs = compare_scenarios(case, mip_gap=0)
    with pytest.raises(ValueError, match="provenance"):
        W.build_comparison_workbook(runs, "en", provenance={"batch": "x"},
                                    base=WorkbookInBackground(runs[0].result, "en"))
    with pytest.raises(ValueError, match="built in 'zh'"):
        W.build_comparison_workbook(runs, "en", base=WorkbookInBackground(runs[0].result, "zh"))


def test_the_collector_pause_is_counted_across_threads():
    """Two pauses that overlap in two threads: the collector stays paused until the last
    one ends (the first to end must not resume it), then is resumed as it was."""
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def other():
        with cyclic_gc_paused():
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(10)
    with cyclic_gc_paused():
        release.set()
        thread.join(10)
        assert not gc.isenabled()  # the other thread's pause ended; this one's has not
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # resumed as the first pause found it: off
    finally:
        gc.enable()


def test_a_held_evaluation_waits_for_its_start_and_the_set_up_callback_comes_before_highs(case):
    """compare starts a scenario's evaluation (and the next preparation) only once the next
    solve is set up: ``start_evaluation=False`` holds the thread until ``start()`` or
    ``result()``; ``on_solving`` is called once, on the caller's thread, before HiGHS runs."""
    calls = []
    later = solve_case_then(case, mip_gap=0, explain=False, start_evaluation=False,
                            on_solving=lambda: calls.append(threading.current_thread().name))
    assert calls == [threading.current_thread().name]
    assert isinstance(later, InBackground) and not later._thread.is_alive() and later._thread.ident is None
    later.start()
    later.start()  # a second start does nothing
    assert same_result(later.result(), solve_case(case, mip_gap=0, explain=False))
    held = InBackground(lambda: threading.current_thread().name, name="held", start_now=False)
    assert held.result() == "held"  # result() starts it


def test_compare_with_held_evaluations_gives_each_scenario_its_own_result(case):
    runs = compare_scenarios(case, mip_gap=0)
    for run in runs:
        variant = case if run.scenario.name == "base" else apply_scenario(case, run.scenario)
        assert same_result(run.result, solve_case(variant, mip_gap=0, explain=False))
