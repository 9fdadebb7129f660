"""The Robustness (稳健性) sheet of a robust run: what the variant guarantees, the price
of robustness against the plan at the estimates (with a chart of the objective against Γ),
each target under uncertainty, and NPV risk for mean-CVaR runs.

``run`` is a :class:`retrofit_opt.results_robust.RobustRun` (or, for ``compare`` over a
scenarios sheet, a :class:`~retrofit_opt.results_robust.ScenarioCvarRun`); nothing here
solves and nothing imports Pyomo.
"""
from __future__ import annotations

from retrofit_opt.case import plain_number
from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import bars, reference
from retrofit_opt.report.common import objective_unit, status_text, target_text, yes_no
from retrofit_opt.report.writer import (INTEGER, MONEY, PERCENT, SECTION_FONT, TITLE_FONT, SheetWriter,
                                        number_format)


def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def write_robustness(w: SheetWriter, run, lang: str) -> None:
    from retrofit_opt.results_robust import ScenarioCvarRun
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("robust.title"), font=TITLE_FONT, measure=False)
    if isinstance(run, ScenarioCvarRun):
        _scenario_cvar(w, run, lang, t)
        return
    result = run.result
    case = result.case
    objective = result.options.get("objective", case.parameters.objective)
    unit = objective_unit(case, objective, lang)
    fmt = number_format(unit)
    if run.kind == "gamma":
        w.note(2, t("robust.kind.gamma", gamma=plain_number(run.gamma)) + " " + t(
            "robust.fresh_note", fresh=run.out_of_sample_samples or 0, fresh_seed=run.out_of_sample_seed))
    elif run.kind == "confidence":
        w.note(2, t("robust.kind.confidence", confidence=_percent(run.confidence), samples=run.samples,
                    seed=run.seed, fresh=run.out_of_sample_samples, fresh_seed=run.out_of_sample_seed))
    else:
        alpha = run.cvar.alpha if run.cvar else result.options.get("cvar_alpha")
        lam = run.cvar.risk_aversion if run.cvar else result.options.get("risk_aversion")
        w.note(2, t("robust.kind.cvar", tail=_percent(1 - alpha), samples=run.samples, risk_aversion=plain_number(lam),
                    alpha=plain_number(alpha)))
    w.note(3, t("robust.ranges_note"))
    row = 5
    w.row(row, 1, [t("robust.status"), status_text(result, lang)])
    row += 2
    w.put(row, 1, t("robust.price"), font=SECTION_FONT, measure=False)
    w.header(row + 1, 1, [t("robust.item"), t("robust.value") + f" ({unit})" if lang == "en"
                          else t("robust.value") + f"（{unit}）"])
    price = run.price_of_robustness
    share = price / abs(run.deterministic_objective) if price is not None and run.deterministic_objective else None
    lines = [(t("robust.deterministic"), run.deterministic_objective, fmt),
             (t("robust.robust_objective"), result.objective, fmt)]
    if run.kind != "cvar":
        lines += [(t("robust.price_abs"), price, fmt), (t("robust.price_share"), share, PERCENT)]
    for k, (name, value, number) in enumerate(lines):
        w.row(row + 2 + k, 1, [name, value], [None, number])
    row = row + 2 + len(lines) + 1
    if run.kind == "gamma" and run.has_plan and price is not None:
        w.note(row, t("robust.leadership", gamma=plain_number(run.gamma), price=f"{price:,.6g}", unit=unit))
        row += 2
    if run.kind == "confidence" and run.has_plan and run.targets:
        first = run.targets[0]
        check = next((c for c in result.target_checks if c.label == first.label), None)
        w.note(row, t("robust.leadership_confidence", target=target_text(check, lang) if check else first.label,
                      probability=_percent(first.out_of_sample), det=_percent(first.deterministic_out_of_sample)))
        row += 2
    if run.kind in ("gamma", "confidence"):
        row = _targets(w, run, lang, t, row)
    if run.kind == "gamma" and run.price:
        row = _curve(w, run, lang, t, row, unit, fmt)
    if run.kind == "confidence" and run.big_m:
        w.put(row, 1, t("robust.big_m"), font=SECTION_FONT, measure=False)
        w.header(row + 1, 1, [t("robust.target"), t("robust.big_m_min"), t("robust.big_m_max")])
        for k, (label, (lo, hi)) in enumerate(run.big_m.items()):
            check = next((c for c in result.target_checks if c.label == label), None)
            w.row(row + 2 + k, 1, [target_text(check, lang) if check else label, lo, hi], [None, fmt, fmt])
        row += 3 + len(run.big_m)
    if run.kind == "cvar" and run.cvar is not None:
        row = _cvar_table(w, run.cvar, t, row)
    w.finish(None)


def _targets(w, run, lang, t, row) -> int:
    result = run.result
    w.put(row, 1, t("robust.targets"), font=SECTION_FONT, measure=False)
    head = [t("robust.target"), t("robust.required"), t("robust.nominal")]
    if run.kind == "gamma":
        head += [t("robust.worst_case", gamma=plain_number(run.gamma)), t("robust.met")]
    else:
        head += [t("robust.in_sample")]
    head += [t("robust.out_of_sample"), t("robust.interval_low"), t("robust.interval_high"),
             t("robust.deterministic_probability")]
    w.header(row + 1, 1, head)
    for k, target in enumerate(run.targets):
        check = next((c for c in result.target_checks if c.label == target.label), None)
        unit = result.case.metric_units.get(target.metric, "")
        number = number_format(unit)
        values = [target_text(check, lang) if check else target.label, target.required,
                  target.nominal if run.has_plan else None]
        formats = [None, number, number]
        if run.kind == "gamma":
            values += [target.worst_case if run.has_plan else None, yes_no(run.has_plan and target.robust_met, lang)]
            formats += [number, None]
        else:
            values.append(target.in_sample)
            formats.append(PERCENT)
        low, high = target.interval or (None, None)
        values += [target.out_of_sample, low, high, target.deterministic_out_of_sample]
        formats += [PERCENT] * 4
        w.row(row + 2 + k, 1, values, formats)
    if not run.has_plan:
        w.note(row + 2 + len(run.targets), t("robust.no_plan"))
    return row + 4 + len(run.targets)


def _curve(w, run, lang, t, row, unit, fmt) -> int:
    w.put(row, 1, t("robust.curve"), font=SECTION_FONT, measure=False)
    head = row + 1
    w.header(head, 1, [t("robust.gamma"), t("robust.status"), t("robust.objective") + (f" ({unit})" if lang == "en"
                                                                                        else f"（{unit}）"),
                       t("robust.price_abs"), t("robust.chosen")])
    base = run.price[0].objective if run.price and run.price[0].gamma == 0 else run.deterministic_objective
    minimise = run.result.options.get("objective") == "min_cost"
    last = head
    for k, point in enumerate(run.price):
        last = head + 1 + k
        price = None
        if point.objective is not None and base is not None:
            price = point.objective - base if minimise else base - point.objective
        status = L.label({"optimal": "status.optimal", "feasible": "status.feasible_nogap"}.get(
            point.status, f"status.{point.status}"), lang)
        w.row(last, 1, [point.gamma, status, point.objective, price, point.chosen if point.objective is not None
                        else None], [INTEGER if float(point.gamma).is_integer() else "0.0#", None, fmt, fmt, INTEGER])
    if len(run.price) > 1:
        bars(w.ws, f"H{row}", t("robust.chart"), t("robust.gamma"), unit, reference(w.ws, 1, head + 1, last),
             [reference(w.ws, 3, head, last)])
    return last + 2


def _cvar_table(w, stats, t, row) -> int:
    w.put(row, 1, t("robust.cvar"), font=SECTION_FONT, measure=False)
    w.header(row + 1, 1, [t("robust.item"), t("robust.column.optimised"), t("robust.column.fresh"),
                          t("robust.column.deterministic")])
    lines = [(t("robust.mean_cvar"), stats.objective, None, None),
             (t("robust.expected_npv"), stats.expected_npv, stats.out_of_sample_expected, stats.deterministic_expected),
             (t("robust.cvar_npv"), stats.cvar_npv, stats.out_of_sample_cvar, stats.deterministic_cvar),
             (t("robust.var_npv"), stats.var_npv, None, None)]
    for k, values in enumerate(lines):
        w.row(row + 2 + k, 1, list(values), [None, MONEY, MONEY, MONEY])
    return row + 3 + len(lines)


def _scenario_cvar(w, run, lang, t) -> None:
    stats = run.stats
    alpha = stats.alpha if stats else 0.0
    lam = stats.risk_aversion if stats else 0.0
    w.note(2, t("robust.kind.scenario_cvar", tail=_percent(1 - alpha), risk_aversion=plain_number(lam),
                alpha=plain_number(alpha)))
    w.row(4, 1, [t("robust.status"), status_text(run, lang)])
    row = 6
    if stats is not None:
        w.put(row, 1, t("robust.cvar"), font=SECTION_FONT, measure=False)
        w.header(row + 1, 1, [t("robust.item"), t("robust.value")])
        for k, (name, value) in enumerate([(t("robust.mean_cvar"), stats.objective),
                                           (t("robust.expected_npv"), stats.expected_npv),
                                           (t("robust.cvar_npv"), stats.cvar_npv),
                                           (t("robust.var_npv"), stats.var_npv)]):
            w.row(row + 2 + k, 1, [name, value], [None, MONEY])
        row += 7
    w.header(row, 1, [t("robust.scenario"), t("robust.probability"), t("robust.npv"), t("robust.chosen")])
    for k, name in enumerate(run.names):
        has = k < len(run.plans)
        w.row(row + 1 + k, 1, [name, run.probabilities[k], run.npv[k] if has else None,
                               len(run.plans[k]) if has else None], [None, "0.###", MONEY, INTEGER])
    row += 2 + len(run.names)
    if run.order:
        w.put(row, 1, t("robust.order"), font=SECTION_FONT, measure=False)
        w.put(row + 1, 1, " → ".join(run.order), measure=False)
    w.finish(None)
