"""The Not selected sheet: every project outside the portfolio with the reason, a detail
sentence, and — for a project left out on merit — how much the objective falls if it is
forced in (found by re-solving, see :mod:`retrofit_opt.studies.explain`)."""
from __future__ import annotations

from retrofit_opt.indicators import indicator_table
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


def reason_text(code: str, lang: str, result=None, loss=None, exclusion=None) -> str:
    """The reason in words; for a project left out on merit it follows the objective
    (min_cost: forcing it in raises the cost) and a proven tie is said as a tie."""
    key = f"reason.{code}"
    if code == "lowers_objective" and result is not None:
        objective = result.options.get("objective", result.case.parameters.objective)
        if is_tie(result, loss, exclusion):
            key = "reason.tie"
        elif objective == "min_cost":
            key = "reason.raises_cost"
    return L.label(key, lang) if key in L.LABELS else code


def detail_text(result, project, code: str, detail: str, loss, related, lang: str) -> str:
    """The detail sentence: the explanation's own text in English, rebuilt from its
    structured fields in Chinese (and wherever the explanation gave none).  For a project
    left out on merit: how forcing it in changes the objective (in the objective's own
    words: under least cost it raises the cost), a tie said as a tie, the budget rows or
    rules that adding it to the chosen projects breaks, and the chosen projects that the
    best plan with it pushes out (or that no such plan is known)."""
    if lang == "en" and detail and code not in ("lowers_objective", "infeasible_if_forced"):
        return detail
    exclusion = result.exclusions.get(project.id)
    if code == "lowers_objective" and loss is not None:
        text = loss_sentence(result, exclusion, loss, lang)
        text += binding_text(result, project, lang)
        text += displaced_text(result, exclusion, loss, lang)
    elif code == "infeasible_if_forced":
        text = L.label("detail.infeasible_if_forced", lang)
        alone = rows_it_exceeds_alone(result, project, lang)
        if alone:
            text += L.label("detail.exceeds_alone", lang, rows=("、" if lang == "zh" else "; ").join(alone))
        else:
            text += binding_text(result, project, lang, fits=False)
        text += L.label("detail.no_plan_with_it", lang)
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


def is_tie(result, loss, exclusion=None) -> bool:
    """A proven tie: a plan with the project is as good (a loss of 0 that is only a lower
    end is no tie)."""
    if exclusion is not None and exclusion.loss_method is not None and not exclusion.loss_exact:
        return False
    return loss is not None and abs(loss) <= 1e-6 * max(1.0, abs(result.objective or 0.0))


def loss_sentence(result, exclusion, loss: float, lang: str) -> str:
    """How forcing the project in changes the objective: exact, between two proven values,
    or at least a proven value; a tie as a tie (never as a change of 0)."""
    objective = result.options.get("objective", result.case.parameters.objective)
    unit = objective_unit(result.case, objective, lang)
    change = L.label(f"detail.change.{objective}", lang) if L.label_exists(f"detail.change.{objective}") \
        else L.label("detail.change.weighted", lang)
    exact = exclusion is None or exclusion.loss_exact or exclusion.loss_method is None
    if exact:
        if is_tie(result, loss, exclusion):
            return L.label("detail.tie", lang)
        return L.label("detail.forced_exact", lang, change=change, loss=amount(loss), unit=unit)
    high = exclusion.loss_high
    low = exclusion.loss_low if exclusion.loss_low is not None else loss
    if high is None:
        return L.label("detail.forced_at_least", lang, change=change, low=amount(low), unit=unit)
    return L.label("detail.forced_range", lang, change=change, low=amount(low), high=amount(high), unit=unit)


def amount(value: float) -> str:
    """A loss as the sheet writes it: one decimal, thousands separated (never exponent form)."""
    return f"{value:,.1f}"


def money(value: float) -> str:
    """万元 as a sentence writes it: whole when whole, else two decimals."""
    return f"{value:,.0f}" if abs(value - round(value)) < 5e-3 else f"{value:,.2f}"


def binding_text(result, project, lang: str, fits: bool = True) -> str:
    """Why the project does not simply join the chosen ones: the budget rows it would
    overrun, else the targets or rules it would break, else (``fits``) that it fits (left
    out on its own merit)."""
    rows = binding_rows(result, project, lang)
    if rows:
        return L.label("detail.binding", lang, rows=("、" if lang == "zh" else "; ").join(rows))
    rules = broken_targets(result, project, lang)
    if rules:
        return L.label("detail.rules", lang, rules=("、" if lang == "zh" else "; ").join(rules))
    if not fits or project.exclusive_group or any(r not in result.plan for r in project.requires):
        return ""  # the group or prerequisite note that follows says it
    objective = result.options.get("objective", result.case.parameters.objective)
    return L.label("detail.fits_min_cost" if objective == "min_cost" else "detail.fits", lang)


def displaced_text(result, exclusion, loss, lang: str) -> str:
    """The chosen projects that the best known plan with the project pushes out."""
    if exclusion is None or exclusion.loss_method is None and exclusion.displaced is None:
        return ""  # an explanation from before the displaced field: say nothing rather than guess
    if exclusion.displaced is None:
        # no plan with it recorded: say so only when none is known (no upper end either)
        return L.label("detail.displaced_unknown", lang) if exclusion.loss_high is None else ""
    if not exclusion.displaced:
        return L.label("detail.displaced_none", lang)
    join = ("、" if lang == "zh" else ", ").join
    ids = join(exclusion.displaced)
    if is_tie(result, loss, exclusion):
        text = L.label("detail.displaced_tie", lang, ids=ids)
    else:
        text = L.label("detail.displaced" if exclusion.loss_exact else "detail.displaced_found", lang, ids=ids)
    brought_in = getattr(exclusion, "brought_in", None)
    if brought_in:
        text += L.label("detail.brought_in", lang, ids=join(brought_in))
    return text


def binding_rows(result, project, lang: str) -> list[str]:
    """The budget rows that adding this project to the chosen plan (at its earliest start)
    would break, each with what remains and what the project needs: why it does not simply
    fit in (forcing it in means pushing other projects out)."""
    from retrofit_opt.report.common import budget_name, budget_uses_of
    from retrofit_opt.evaluate import option_spend
    start = first_start(result.case, project)
    out = []
    for use in budget_uses_of(result):
        budget = use.budget
        need = option_spend(project, start, budget)
        remaining = budget.limit - use.used
        if need > 0 and need > remaining + 1e-6 * max(1.0, budget.limit):
            name = budget_name(budget, lang)
            if budget.year is not None:
                name += f"（{budget.year}年）" if lang == "zh" else f" {budget.year}"
            out.append(L.label("detail.binding_row", lang, row=name, remaining=money(max(remaining, 0.0)),
                               need=money(need)))
    return out


def rows_it_exceeds_alone(result, project, lang: str) -> list[str]:
    """The budget rows whose whole limit the project (at its earliest start) exceeds on its
    own: no plan can hold it, whatever else is left out."""
    from retrofit_opt.evaluate import option_spend
    from retrofit_opt.report.common import budget_name, budget_uses_of
    start = first_start(result.case, project)
    out = []
    for use in budget_uses_of(result):
        budget = use.budget
        need = option_spend(project, start, budget)
        if need > budget.limit + 1e-6 * max(1.0, budget.limit):
            name = budget_name(budget, lang)
            if budget.year is not None:
                name += f"（{budget.year}年）" if lang == "zh" else f" {budget.year}"
            out.append(L.label("detail.exceeds_row", lang, row=name, limit=money(budget.limit), need=money(need)))
    return out


def broken_targets(result, project, lang: str) -> list[str]:
    """The targets the chosen plan meets but would miss with this project added (e.g. a
    cap a max_total target sets), as the plan states them."""
    from retrofit_opt import evaluate
    from retrofit_opt.report.common import target_text
    case = result.case
    if not _can_break_a_target(case, project, result.plan):
        return []
    with_it = dict(result.plan)
    with_it[project.id] = first_start(case, project)
    before = _targets_met(result)
    return [target_text(c, lang, case) for c in evaluate.target_checks(case, with_it)
            if not c.met and before.get((c.label, c.year), False)]


def _targets_met(result) -> dict:
    """(label, year) → whether the chosen plan meets that target: the same for every
    left-out project, so computed once per result (a pass over the plan per target)."""
    from retrofit_opt import evaluate
    cached = result.__dict__.get("_targets_met_cache")
    if cached is None:
        cached = {(c.label, c.year): c.met for c in evaluate.target_checks(result.case, result.plan)}
        object.__setattr__(result, "_targets_met_cache", cached)
    return cached


def _can_break_a_target(case, project, plan) -> bool:
    """Could adding the project make the plan miss a target it meets?  Not when it adds a
    non-negative amount to every target that wants more (min_total, intensity) and nothing
    to every cap (max_total), counting against it, in full, the overlaps with the chosen
    projects it interacts with (the overlaps of pairs not counted in the target's year only
    make the change larger): a target's margin then cannot fall.  Checked first, so that
    the full recomputation of the targets (a pass over the plan) runs only for the projects
    where it can matter — at 10,000 projects it ran twice for each of thousands of
    left-out projects."""
    shared = [inter.overlaps for inter in case.interactions_of(project.id)
              if (inter.project_b if inter.project_a == project.id else inter.project_a) in plan]
    for target in case.targets:
        value = project.metric(target.metric)
        overlaps = [o.get(target.metric, 0.0) for o in shared]
        if target.kind == "max_total":
            if value - sum(min(o, 0.0) for o in overlaps) > 0:
                return True
        elif value - sum(max(o, 0.0) for o in overlaps) < 0:
            return True
    return False


DETAIL_WIDTH = 58  # the detail column wraps at this width, so that a printed page shows it whole
DETAIL_COLUMN = 9  # the detail sentence's column (I)


def _write_detail(w: SheetWriter, row: int, col: int, text: str) -> None:
    """The detail sentence, wrapped in a column of DETAIL_WIDTH, its row tall enough; a
    blank detail is an empty cell of the same wrapped style."""
    import math

    from retrofit_opt.report.writer import display_width, safe_text
    if text:
        w.row(row, col, [text], wrap=True)  # as put() writes it; kept in the row's record when streamed
        text = (text if text.isprintable() else safe_text(text))[:32767]  # as stored: control characters removed
    else:
        w.empty(row, col, wrap=True)
    w.widths[col] = min(w.widths.get(col, 0), DETAIL_WIDTH) if w.widths.get(col, 0) > DETAIL_WIDTH else \
        w.widths.get(col, 0)
    lines = max(1, math.ceil(display_width(str(text)) / DETAIL_WIDTH))
    dimension = w.ws.row_dimensions[row]
    dimension.height = max(dimension.height or 0, 15 * lines)


def displaced_cell(result, project) -> str:
    """The displaced projects as a cell lists them (ids, comma separated; empty when none
    or unknown — the detail sentence says which)."""
    exclusion = result.exclusions.get(project.id)
    if exclusion is None or not exclusion.displaced:
        return ""
    return ", ".join(exclusion.displaced)


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
    table = indicator_table(result)
    indicators = indicator_columns(case, lang, INDICATORS, table)
    headers = [head("id"), head("name"), head("enterprise"), head("sector"), head("capex"),
               L.metric_header("energy_saving", energy_unit, lang),
               L.metric_header("co2_reduction", co2_unit, lang),
               t("not_selected.reason"), t("not_selected.detail"), t("not_selected.loss", unit=unit),
               t("not_selected.related"), t("not_selected.displaced"), t("portfolio.payback"),
               *[c.header for c in indicators]]
    w.header(1, 1, headers)
    loss_format = number_format(unit)
    left, details, right = [], [], []  # the columns before the detail sentence, the sentences, the columns after
    for project in case.projects:
        if project.id in result.plan:
            continue
        code, detail, loss, related = reason_of(result, project)
        start = first_start(case, project)
        payback = payback_cell(project, params, t("portfolio.never"), table)
        left.append([project.id, project.name, project.enterprise, project.sector, project.capex,
                     project.metric("energy_saving"), project.metric("co2_reduction"),
                     reason_text(code, lang, result, loss, result.exclusions.get(project.id))])
        details.append(detail_text(result, project, code, detail, loss, related, lang))
        right.append([loss, ", ".join(related), displaced_cell(result, project), payback,
                      *[c.value(project, start) for c in indicators]])
    w.rows(2, 1, left, [None, None, None, None, MONEY, number_format(energy_unit), number_format(co2_unit), None])
    for offset, text in enumerate(details):
        _write_detail(w, 2 + offset, DETAIL_COLUMN, text)
    w.rows(2, DETAIL_COLUMN + 1, right, [loss_format, None, None, PAYBACK, *[c.fmt for c in indicators]])
    row = 2 + len(left)
    if row == 2:
        w.put(row, 1, t("not_selected.none"), measure=False)
    else:
        row += 1  # a blank row ends the table; the notes follow
        notes = [t("not_selected.note_displaced"), *indicator_notes(case, lang, table)]
        if case.multi_year:
            notes.append(t("not_selected.note_npv"))
        for note in notes:
            w.note(row, note)
            row += 1
    w.finish("C2")
