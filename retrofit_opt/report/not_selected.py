"""The Not selected sheet: every project outside the portfolio with the reason, a detail
sentence, and — for a project left out on merit — how much the objective falls if it is
forced in (found by re-solving, see :mod:`retrofit_opt.studies.explain`)."""
from __future__ import annotations

from retrofit_opt.report import labels as L
from retrofit_opt.report.common import objective_unit
from retrofit_opt.report.portfolio import PAYBACK, indicator_columns, indicator_notes, payback_cell
from retrofit_opt.report.writer import MONEY, SheetWriter, number_format

# The economic indicators shown for each project left out (as on the Portfolio sheet).
INDICATORS = ("discounted_payback", "npv", "npv_enterprise", "irr", "lcse", "abatement_cost")

REASONS = ("excluded", "cannot_complete", "infeasible_if_forced", "lowers_objective", "not_computed")


def reason_of(result, project) -> tuple[str, str, float | None, tuple[str, ...]]:
    """(reason code, detail in the language's key form, objective loss, related ids)."""
    exclusion = result.exclusions.get(project.id)
    if exclusion is not None:
        return exclusion.reason, exclusion.detail, exclusion.objective_loss, tuple(exclusion.related)
    if project.excluded:
        return "excluded", "", None, ()
    if not result.plan and result.status not in ("optimal", "feasible"):
        return "no_plan", "", None, ()
    return "not_explained", "", None, ()


def reason_text(code: str, lang: str, result=None, loss=None) -> str:
    """The reason in words; for a project left out on merit it follows the objective
    (min_cost: forcing it in raises the cost) and a tie is said as a tie."""
    key = f"reason.{code}"
    if code == "lowers_objective" and result is not None:
        objective = result.options.get("objective", result.case.parameters.objective)
        if loss is not None and abs(loss) <= 1e-6 * max(1.0, abs(result.objective or 0.0)):
            key = "reason.tie"
        elif objective == "min_cost":
            key = "reason.raises_cost"
    return L.label(key, lang) if key in L.LABELS else code


def detail_text(result, project, code: str, detail: str, loss, related, lang: str) -> str:
    """The detail sentence: the explanation's own text in English, rebuilt from its
    structured fields in Chinese (and wherever the explanation gave none)."""
    if lang == "en" and detail and code != "lowers_objective":
        return detail
    objective = result.options.get("objective", result.case.parameters.objective)
    if code == "lowers_objective" and loss is not None:
        scale = max(1.0, abs(result.objective or 0.0))
        if abs(loss) <= 1e-6 * scale:
            text = L.label("detail.tie", lang)  # a tie is said as a tie, never as a loss of 0
        else:
            text = L.label("detail.lowers" if objective != "min_cost" else "detail.raises_cost", lang,
                           loss=f"{loss:,.1f}", unit=objective_unit(result.case, objective, lang))
        if "not proven" in detail:
            text += L.label("detail.not_proven", lang)
        binding = binding_rows(result, project, lang)
        if binding:
            text += L.label("detail.binding", lang, rows=("、" if lang == "zh" else "; ").join(binding))
    elif code == "no_plan":
        text = L.label("detail.no_plan", lang)
    elif code == "not_explained":
        return ""
    elif f"detail.{code}" in L.LABELS:
        text = L.label(f"detail.{code}", lang)
    else:
        text = detail
    notes = []
    for other in related:
        if other in project.requires:
            notes.append(L.label("detail.needs", lang, other=other))
        elif project.exclusive_group:
            notes.append(L.label("detail.alternative", lang, other=other, group=project.exclusive_group))
        else:
            notes.append(other)
    if notes:
        text += ("（" + "；".join(notes) + "）") if lang == "zh" else (" (" + "; ".join(notes) + ")")
    return text


def binding_rows(result, project, lang: str) -> list[str]:
    """The budget rows that adding this project to the chosen plan (at its earliest start)
    would break, each with what remains and what the project needs: why it does not simply
    fit in (forcing it in means pushing other projects out)."""
    from retrofit_opt.report.common import budget_uses_of, pool_name
    from retrofit_opt.evaluate import option_spend
    start = first_start(result.case, project)
    out = []
    for use in budget_uses_of(result):
        budget = use.budget
        need = option_spend(project, start, budget)
        remaining = budget.limit - use.used
        if need > 0 and need > remaining + 1e-6 * max(1.0, budget.limit):
            name = pool_name(budget.pool, lang)
            if budget.year is not None:
                name += f"（{budget.year}年）" if lang == "zh" else f" {budget.year}"
            out.append(L.label("detail.binding_row", lang, row=name, remaining=f"{max(remaining, 0.0):,.2f}",
                               need=f"{need:,.2f}"))
    return out


DETAIL_WIDTH = 58  # the detail column wraps at this width, so that a printed page shows it whole


def _wrap_detail(w: SheetWriter, row: int, col: int) -> None:
    """Wrap the detail sentence in a column of DETAIL_WIDTH and make its row tall enough."""
    import math

    from openpyxl.styles import Alignment
    from retrofit_opt.report.writer import display_width
    cell = w.ws.cell(row=row, column=col)
    text = cell.value or ""
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    w.widths[col] = min(w.widths.get(col, 0), DETAIL_WIDTH) if w.widths.get(col, 0) > DETAIL_WIDTH else \
        w.widths.get(col, 0)
    lines = max(1, math.ceil(display_width(str(text)) / DETAIL_WIDTH))
    w.ws.row_dimensions[row].height = max(w.ws.row_dimensions[row].height or 0, 15 * lines)


def first_start(case, project):
    """The start year a left-out project's NPV is valued for: the earliest open to it
    (``None`` in a single-period case or when no start year is open)."""
    years = case.start_years(project)
    return years[0] if years else None


def write_not_selected(w: SheetWriter, result, lang: str) -> None:
    case = result.case
    params = case.parameters
    t = lambda key, **fmt: L.label(key, lang, **fmt)  # noqa: E731
    head = lambda name: L.column_header("projects", name, lang)  # noqa: E731
    objective = result.options.get("objective", params.objective)
    unit = objective_unit(case, objective, lang)
    energy_unit = case.metric_units.get("energy_saving", "tce/yr")
    co2_unit = case.metric_units.get("co2_reduction", "t/yr")
    indicators = indicator_columns(case, lang, INDICATORS)
    headers = [head("id"), head("name"), head("enterprise"), head("sector"), head("capex"),
               L.metric_header("energy_saving", energy_unit, lang),
               L.metric_header("co2_reduction", co2_unit, lang),
               t("not_selected.reason"), t("not_selected.detail"), t("not_selected.loss", unit=unit),
               t("not_selected.related"), t("portfolio.payback"), *[c.header for c in indicators]]
    w.header(1, 1, headers)
    row = 2
    loss_format = number_format(unit)
    for project in case.projects:
        if project.id in result.plan:
            continue
        code, detail, loss, related = reason_of(result, project)
        start = first_start(case, project)
        payback = payback_cell(project, params, t("portfolio.never"))
        w.row(row, 1, [project.id, project.name, project.enterprise, project.sector, project.capex,
                       project.metric("energy_saving"), project.metric("co2_reduction"),
                       reason_text(code, lang, result, loss), detail_text(result, project, code, detail, loss, related, lang),
                       loss, ", ".join(related), payback,
                       *[c.value(project, start) for c in indicators]],
              [None, None, None, None, MONEY, number_format(energy_unit), number_format(co2_unit),
               None, None, loss_format, None, PAYBACK, *[c.fmt for c in indicators]])
        _wrap_detail(w, row, 9)
        row += 1
    if row == 2:
        w.put(row, 1, t("not_selected.none"), measure=False)
    else:
        row += 1  # a blank row ends the table; the notes follow
        notes = indicator_notes(case, lang)
        if case.multi_year:
            notes.append(t("not_selected.note_npv"))
        for note in notes:
            w.note(row, note)
            row += 1
    w.finish("C2")
