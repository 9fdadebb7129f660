"""By enterprise (按企业汇总): what the park's management committee passes on to each firm
— per enterprise, and then per sector: projects chosen and left out, investment, subsidy,
the awards of the ``subsidy_rules`` sheet (issue 16), the enterprise's own share, and the
yearly savings and reductions of the chosen projects (each project's own figures, before
overlaps between projects are deducted); with award rules, a third table gives the awards
by rule and enterprise (:func:`retrofit_opt.funding.plan_awards`: the enterprise cap per
year applied)."""
from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from retrofit_opt import funding
from retrofit_opt.report import labels as L
from retrofit_opt.report.writer import (MONEY, SECTION_FONT, TITLE_FONT, TOTAL_FONT, WRAP_INDENTED, Formula,
                                        SheetWriter, number_format)

METRICS = ("energy_saving", "co2_reduction", "so2_reduction", "nox_reduction", "pm_reduction", "water_saving")
ID_LIST_WIDTH = 40  # characters of an id list shown on one line (By enterprise); longer lists wrap
ID_LIST_HEADER = Alignment(wrap_text=True, vertical="center", horizontal="left", indent=1)


def shown_metrics(case) -> list[str]:
    """energy and CO2 always; the pollutants and water when a project of the case has them."""
    return [m for m in METRICS if m in ("energy_saving", "co2_reduction")
            or m in case.metrics_in_use()]


def groups(case, plan, field: str) -> dict[str, dict]:
    """Per value of ``field`` (enterprise or sector), in input order: chosen and left-out
    projects and the sums over the chosen ones (the own share: capex less subsidy and
    awards)."""
    awards = funding.awards_by_project(case, plan) if case.award_rules else {}
    out: dict[str, dict] = {}
    for p in case.projects:
        g = out.setdefault(getattr(p, field) or "", {"chosen": [], "left_out": [], "sectors": []})
        (g["chosen"] if p.id in plan else g["left_out"]).append(p)
        if p.sector and p.sector not in g["sectors"]:
            g["sectors"].append(p.sector)
    for g in out.values():
        chosen = g["chosen"]
        g["capex"] = sum(p.capex for p in chosen)
        g["subsidy"] = sum(p.capex * p.subsidy_rate for p in chosen)
        g["award"] = sum(awards.get(p.id, 0.0) for p in chosen)
        g["own"] = g["capex"] - g["subsidy"] - g["award"]
        for m in METRICS:
            g[m] = sum(p.metric(m) for p in chosen)
    return out


def write_enterprises(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    w.put(1, 1, t("enterprise.title"), font=TITLE_FONT, measure=False)
    w.note(2, t("enterprise.note"))
    row = 4
    row = _table(w, result, lang, "enterprise", row)
    row = _table(w, result, lang, "sector", row + 1)
    if case.award_rules:
        row = _awards_table(w, result, lang, row + 1)
    w.finish("B5")


def awards_by_rule(case, plan) -> list[dict]:
    """Per award rule and enterprise (rules in input order, enterprises in project order):
    the projects awarded, their entitlement before the enterprise cap, and the award."""
    awards = funding.plan_awards(case, plan)
    out: dict[tuple[int, str], dict] = {}
    for p in case.projects:
        for r, rule in enumerate(case.award_rules):
            amount = awards.get((r, p.id))
            if amount is None:
                continue
            g = out.setdefault((r, p.enterprise or ""), {"rule": rule, "enterprise": p.enterprise or "",
                                                       "projects": [], "entitled": 0.0, "award": 0.0})
            g["projects"].append(p.id)
            g["entitled"] += rule.entitlement(p)
            g["award"] += amount
    return [out[k] for k in sorted(out, key=lambda k: k[0])]


def _awards_table(w: SheetWriter, result, lang: str, row: int) -> int:
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    from retrofit_opt.report.common import pool_name
    w.put(row, 1, t("enterprise.by_rule"), font=SECTION_FONT, measure=False)
    row += 1
    w.header(row, 1, [t("enterprise.rule"), t("enterprise.rule_pool"), L.field_name("projects", "enterprise", lang),
                      t("enterprise.awarded"), t("enterprise.entitled"), t("enterprise.award")])
    row += 1
    first = row
    table = awards_by_rule(result.case, result.plan)
    for g in table:
        w.row(row, 1, [g["rule"].name, pool_name(g["rule"].pool, lang), g["enterprise"] or t("enterprise.blank"),
                       ", ".join(g["projects"]), g["entitled"], g["award"]], [None, None, None, None, MONEY, MONEY])
        row += 1
    if not table:
        w.put(row, 1, t("enterprise.no_awards"), measure=False)
        return row + 2
    last = row - 1
    w.put(row, 1, t("portfolio.total"), font=TOTAL_FONT)
    for col, key in ((5, "entitled"), (6, "award")):
        letter = get_column_letter(col)
        w.put(row, col, Formula(f"=SUM({letter}{first}:{letter}{last})", sum(g[key] for g in table)), MONEY,
              font=TOTAL_FONT)
    row += 1
    w.note(row + 1, t("enterprise.note_awards"))
    return row + 3


def _table(w: SheetWriter, result, lang: str, field: str, row: int) -> int:
    case = result.case
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    metrics = shown_metrics(case)
    w.put(row - 1 if field == "enterprise" else row, 1, t(f"enterprise.by_{field}"), font=SECTION_FONT,
          measure=False)
    if field != "enterprise":
        row += 1
    first_col = [L.field_name("projects", field, lang)]
    if field == "enterprise":
        first_col.append(L.field_name("projects", "sector", lang))
    money_keys = ["capex", "subsidy", *(["award"] if case.award_rules else []), "own"]
    headers = [*first_col, t("enterprise.chosen_count"), t("enterprise.left_out_count"),
               L.column_header("projects", "capex", lang), t("enterprise.subsidy"),
               *([t("enterprise.award")] if case.award_rules else []), t("enterprise.own"),
               *[L.metric_header(m, case.metric_units.get(m, ""), lang) for m in metrics],
               t("enterprise.chosen"), t("enterprise.left_out")]
    w.header(row, 1, headers)
    for col in (len(headers) - 1, len(headers)):  # the id lists' headers, indented as the lists are
        w.ws.cell(row=row, column=col).alignment = ID_LIST_HEADER
    row += 1
    first = row
    sums = {}
    for name, g in groups(case, result.plan, field).items():
        values = [name or t("enterprise.blank")]
        if field == "enterprise":
            values.append("、".join(g["sectors"]) if lang == "zh" else ", ".join(g["sectors"]))
        values += [len(g["chosen"]), len(g["left_out"]), *[g[k] for k in money_keys],
                   *[g[m] for m in metrics]]
        formats = [None] * len(first_col) + ["0", "0", *[MONEY] * len(money_keys),
                                             *[number_format(case.metric_units.get(m, "")) for m in metrics]]
        w.row(row, 1, values, formats)
        for offset, key in enumerate(("chosen", "left_out")):
            # An id list is on one line up to ID_LIST_WIDTH characters, wrapped beyond, its
            # row as tall as the wrapped list (at most FITTED_LINES lines).
            col, ids = len(values) + 1 + offset, ", ".join(p.id for p in g[key])
            w.put(row, col, ids, measure=False, wrap=WRAP_INDENTED)  # set off from the numbers on its left
            w.widen(col, ids, ID_LIST_WIDTH)
            w.fit_height(row, col)
        for key in ("chosen", "left_out"):
            sums[key] = sums.get(key, 0) + len(g[key])
        for key in (*money_keys, *metrics):
            sums[key] = sums.get(key, 0.0) + g[key]
        row += 1
    last = row - 1
    w.put(row, 1, t("portfolio.total"), font=TOTAL_FONT)
    keys = ["chosen", "left_out", *money_keys, *metrics]
    for offset, key in enumerate(keys):
        col = len(first_col) + 1 + offset
        letter = get_column_letter(col)
        fmt = "0" if key in ("chosen", "left_out") else MONEY if key in money_keys \
            else number_format(case.metric_units.get(key, ""))
        w.put(row, col, Formula(f"=SUM({letter}{first}:{letter}{last})", sums[key]), fmt, font=TOTAL_FONT)
    return row + 2
