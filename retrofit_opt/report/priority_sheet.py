"""The Priority list sheet of ``retrofit-opt sweep``: the nested portfolios' ranking, and
level by level what the greedy order (benefit per 万元) loses against it.

``ranking`` is a :class:`retrofit_opt.results.PriorityList`; nothing here solves.
"""
from __future__ import annotations

from retrofit_opt.report import labels as L
from retrofit_opt.report.charts import bars, reference
from retrofit_opt.report.common import objective_unit, status_text, yes_no
from retrofit_opt.report.writer import (INTEGER, MONEY, PERCENT, SECTION_FONT, TITLE_FONT, SheetWriter,
                                        number_format)


def write_priority(w: SheetWriter, run, lang: str) -> None:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    case, ranking = run.case, run.priority
    unit = objective_unit(case, ranking.objective, lang)
    value_format = number_format(unit)
    w.put(1, 1, t("priority.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("priority.note", objective=t("objective." + ranking.objective), pool=ranking.pool))
    w.note(3, t("priority.weights." + ranking.weights_from))
    w.row(4, 1, [t("priority.status"), status_text(ranking, lang)])
    row = 6
    w.put(row, 1, t("priority.by_level"), font=SECTION_FONT, measure=False)
    head = row + 1
    w.header(head, 1, [t("priority.level"), t("priority.budget"), t("priority.weight"),
                       t("priority.nested", unit=unit), t("priority.greedy", unit=unit), t("priority.loss", unit=unit),
                       t("priority.loss_share"), t("priority.greedy_ok"), t("priority.chosen"),
                       t("priority.greedy_chosen")])
    last = head
    for s, level in enumerate(ranking.comparison):
        last = head + 1 + s
        loss = level.greedy_loss
        share = loss / abs(level.objective) if loss is not None and level.objective else None
        w.row(last, 1, [s + 1, level.budget, level.weight, level.objective, level.greedy_objective, loss, share,
                        yes_no(level.greedy_feasible, lang), level.chosen if level.objective is not None else None,
                        level.greedy_chosen],
              [INTEGER, MONEY, "0.###", value_format, value_format, value_format, PERCENT, None, INTEGER, INTEGER])
    w.note(last + 1, t("priority.note_greedy", rule=t("portfolio.rule." + ranking.objective)))
    if ranking.comparison:
        bars(w.ws, "M6", t("priority.chart"), t("priority.budget"), unit, reference(w.ws, 2, head + 1, last),
             [reference(w.ws, 4, head, last), reference(w.ws, 5, head, last)])

    row = last + 3
    w.put(row, 1, t("sheet.priority"), font=SECTION_FONT, measure=False)
    row += 1
    if not ranking.entries:
        w.put(row, 1, t("priority.none") if not ranking.plans else "—", measure=False)
        w.finish(None)
        return
    w.header(row, 1, [t("priority.rank"), L.field_name("projects", "id", lang), L.field_name("projects", "name", lang),
                      L.column_header("projects", "capex", lang, "万元"), t("priority.level"), t("priority.budget"),
                      t("priority.greedy_rank")])
    first = row + 1
    for k, entry in enumerate(ranking.entries):
        project = case.project(entry.project_id)
        w.row(first + k, 1, [entry.rank, project.id, project.name, project.capex, entry.level, entry.budget,
                             entry.greedy_rank],
              [INTEGER, None, None, MONEY, INTEGER, MONEY, INTEGER])
    w.finish(f"A{first}")
