"""Every sheet title, label and note of the results workbook, in English and Chinese.

The table ``LABELS`` maps a key to ``(en, zh)``; :func:`label` picks the language.
Headers of project fields and metrics come from the input schema instead (the English
column name or its first Chinese alias) with the canonical unit in brackets, so that the
results read like the case the user wrote.
"""
from __future__ import annotations

from retrofit_opt import schema, units

LANGUAGES = ("en", "zh")

LABELS: dict[str, tuple[str, str]] = {
    # sheet titles
    "sheet.summary": ("Summary", "概要"),
    "sheet.portfolio": ("Portfolio", "项目组合"),
    "sheet.not_selected": ("Not selected", "未入选"),
    "sheet.run_info": ("Run info", "运行信息"),

    # Summary
    "summary.title": ("Results summary", "优化结果概要"),
    "summary.solution": ("Solution", "求解结果"),
    "summary.item": ("Item", "项目"),
    "summary.value": ("Value", "数值"),
    "summary.unit": ("Unit", "单位"),
    "summary.case": ("Case file", "案例文件"),
    "summary.status": ("Status", "求解状态"),
    "summary.termination": ("Solver termination", "求解器终止条件"),
    "summary.objective": ("Objective", "目标函数"),
    "summary.objective_value": ("Objective value", "目标函数值"),
    "summary.bound": ("Best bound", "最优界"),
    "summary.gap": ("Optimality gap", "最优性间隙"),
    "summary.solve_time": ("Solve time (s)", "求解时间（秒）"),
    "summary.total_time": ("Total run time (s)", "总运行时间（秒）"),
    "summary.chosen": ("Projects chosen", "入选项目数"),
    "summary.candidates": ("Candidate projects", "候选项目数"),
    "summary.targets_met": ("All targets met", "全部目标达成"),
    "summary.targets": ("Targets", "目标完成情况"),
    "summary.no_targets": ("The case sets no targets.", "本案例未设置目标。"),
    "summary.target": ("Target", "目标"),
    "summary.metric": ("Metric", "指标"),
    "summary.kind": ("Kind", "类型"),
    "summary.year": ("Year", "年份"),
    "summary.target_value": ("Target as written", "目标值（原文）"),
    "summary.required": ("Required", "要求值"),
    "summary.achieved": ("Achieved", "实现值"),
    "summary.margin": ("Margin", "富余量"),
    "summary.met": ("Met?", "是否达成"),
    "summary.intensity_change": ("Intensity change vs base year (%)", "强度较基准年变化（%）"),
    "summary.best_reachable": ("Best reachable within budgets", "预算内可达最优值"),
    "summary.budgets": ("Budgets", "预算使用情况"),
    "summary.no_budgets": ("The case sets no budget limits.", "本案例未设置预算上限。"),
    "summary.pool": ("Pool", "资金池"),
    "summary.limit": ("Limit (万元)", "上限（万元）"),
    "summary.used": ("Used (万元)", "已用（万元）"),
    "summary.remaining": ("Remaining (万元)", "剩余（万元）"),
    "summary.share_used": ("Share used", "使用比例"),
    "summary.within": ("Within limit?", "是否在上限内"),
    "summary.whole_horizon": ("whole horizon", "全期"),
    "summary.totals": ("Totals of the chosen portfolio", "入选项目组合合计"),
    "summary.total_at": ("Total", "合计"),
    "summary.total_in": ("In {year}", "{year}年"),
    "summary.diagnosis": ("Why the targets cannot all be met", "目标无法全部达成的原因"),
    "summary.message": ("Diagnosis", "诊断结论"),
    "summary.hard_rules": ("Budgets, mandatory and logic rules can hold", "预算、必选及逻辑约束可同时满足"),
    "summary.compromise": ("Compromise plan within the budgets (least relative shortfall)",
                           "预算内折中方案（相对缺口最小）"),
    "summary.extra_all": ("Extra budget that makes every target reachable", "使全部目标可达所需追加预算"),
    "summary.extra_none": ("no extra budget makes every target reachable",
                           "任何追加预算都无法使全部目标可达"),
    "summary.extra_row": ("Budget row", "预算行"),
    "summary.extra_amount": ("Extra (万元)", "追加（万元）"),
    "summary.extra_target": ("Extra budget for this target alone (万元)", "单独达成该目标所需追加预算（万元）"),
    "summary.never": ("not reachable with any budget", "任何预算均不可达"),
    "summary.unknown": ("not computed", "未计算"),
    "summary.diag_target_unreachable": ("{target}: best reachable within the budgets is {value}",
                                        "{target}：预算内最多可达 {value}"),
    "summary.diag_hard": ("the budgets cannot pay for the mandatory projects and their prerequisites "
                          "even before any target is counted",
                          "即使不考虑目标，预算也不足以支付必选项目及其前置项目"),
    "summary.diag_extra": ("all targets become reachable with extra budget: {amounts}",
                           "追加以下预算后全部目标可达：{amounts}"),
    "summary.diag_none": ("no extra budget makes every target reachable (mandatory, exclusive or "
                          "prerequisite rules, or max_total targets, stand in the way)",
                          "任何追加预算都无法使全部目标可达（受必选、互斥、前置规则或上限类目标限制）"),

    # status texts
    "status.optimal": ("optimal", "最优"),
    "status.optimal_tol": ("optimal within the MIP gap tolerance (gap {gap})",
                           "在设定的最优性间隙容差内最优（间隙 {gap}）"),
    "status.feasible": ("feasible, not proven optimal (gap {gap})", "可行解，未证明最优（间隙 {gap}）"),
    "status.feasible_nogap": ("feasible, not proven optimal", "可行解，未证明最优"),
    "status.infeasible": ("infeasible: no plan meets every budget, target and rule",
                          "无可行解：没有方案能同时满足全部预算、目标和规则"),
    "status.timeout": ("time limit reached without a plan", "达到时间上限，未找到方案"),

    # objective names
    "objective.max_saving": ("maximise annual energy-saving capacity", "最大化年节能能力"),
    "objective.min_cost": ("minimise total investment", "最小化总投资"),
    "objective.max_npv": ("maximise total net present value", "最大化总净现值"),
    "objective.max_co2": ("maximise annual CO2 reduction capacity", "最大化年二氧化碳减排能力"),
    "objective.weighted": ("maximise the weighted score", "最大化加权得分"),
    "objective.weighted_unit": ("score", "得分"),

    # target kinds
    "kind.min_total": ("at least", "不低于"),
    "kind.max_total": ("at most", "不高于"),
    "kind.intensity_reduction": ("intensity reduction (%)", "强度下降（%）"),

    # yes / no
    "yes": ("yes", "是"),
    "no": ("no", "否"),

    # Portfolio
    "portfolio.rank": ("Priority rank", "优先序"),
    "portfolio.start_year": ("Start year", "开工年份"),
    "portfolio.net_benefit": ("Annual net benefit (万元/yr)", "年净收益（万元/yr）"),
    "portfolio.payback": ("Simple payback (years)", "静态回收期（年）"),
    "portfolio.npv": ("NPV (万元)", "净现值（万元）"),
    "portfolio.cost_per_tce": ("Cost per tce/yr (万元 per tce/yr)", "单位节能投资（万元/(tce/年)）"),
    "portfolio.cost_per_co2": ("Cost per t CO2/yr (万元 per t/yr)", "单位减碳投资（万元/(t/年)）"),
    "portfolio.contribution": ("Contribution per 万元 ({unit} per 万元)", "每万元贡献（{unit}/万元）"),
    "portfolio.never": ("never pays back", "无法回收"),
    "portfolio.na": ("—", "—"),
    "portfolio.total": ("Total", "合计"),
    "portfolio.adjust": ("Overlaps between chosen projects (interactions)", "入选项目间重叠扣减（交互）"),
    "portfolio.adjust_year": ("Overlaps, and capacity not counted in {year}",
                              "重叠扣减及{year}年不计入的能力"),
    "portfolio.empty": ("No project is chosen: the solver found no plan.", "无入选项目：求解器未找到可行方案。"),
    "portfolio.note_rank": (
        "Priority rank: projects ordered by their contribution to the objective per 万元 of capex "
        "({rule}); ties keep the input order; a project with no capex ranks first.",
        "优先序：按每万元投资对目标函数的贡献排序（{rule}）；贡献相同时按输入顺序；零投资项目排在最前。"),
    "portfolio.rule.max_saving": ("energy_saving ÷ capex", "节能量 ÷ 投资"),
    "portfolio.rule.min_cost": ("the objective is the cost itself, so energy_saving ÷ capex",
                                "目标为最小投资，故按节能量 ÷ 投资"),
    "portfolio.rule.max_npv": ("NPV ÷ capex", "净现值 ÷ 投资"),
    "portfolio.rule.max_co2": ("co2_reduction ÷ capex", "二氧化碳减排量 ÷ 投资"),
    "portfolio.rule.weighted": ("weighted score ÷ capex", "加权得分 ÷ 投资"),
    "portfolio.note_totals": (
        "The totals row sums the columns above with live formulas; the overlap row, when present, "
        "subtracts savings that chosen projects share (interactions sheet), so that the totals equal "
        "the net totals used for the targets.",
        "合计行为对上方各列求和的实时公式；如有重叠扣减行，则扣除入选项目之间重叠的节能减排量（交互表），"
        "使合计等于计入目标的净值。"),
    "portfolio.note_npv": (
        "NPV: discount rate {rate}; yearly net benefit = annual cost saving − opex change + CO2 × "
        "carbon price; benefits start after the build years and last the lifetime; a given npv is used "
        "as written.",
        "净现值：折现率 {rate}；年净收益 = 年节约费用 − 运维费用变化 + 二氧化碳减排量 × 碳价；"
        "收益自建设期结束后开始，持续寿命年限；输入中给出的净现值按原值使用。"),
    "portfolio.note_payback": ("Simple payback = capex ÷ annual net benefit.",
                               "静态回收期 = 投资 ÷ 年净收益。"),

    # Not selected
    "not_selected.reason": ("Reason", "原因"),
    "not_selected.detail": ("Detail", "说明"),
    "not_selected.loss": ("Objective loss if forced in ({unit})", "强制入选时目标值损失（{unit}）"),
    "not_selected.related": ("Related projects", "相关项目"),
    "not_selected.none": ("Every candidate project is chosen.", "全部候选项目均已入选。"),
    "reason.excluded": ("excluded in the input", "输入中标记为排除"),
    "reason.cannot_complete": ("cannot be completed within the planning horizon", "无法在规划期内完成"),
    "reason.infeasible_if_forced": ("forcing it in breaks a budget, target or rule",
                                    "强制入选将违反预算、目标或规则"),
    "reason.lowers_objective": ("left out on merit: forcing it in lowers the objective",
                                "择优未选：强制入选会降低目标值"),
    "reason.not_computed": ("not analysed", "未分析"),
    "reason.no_plan": ("no plan was found", "未找到可行方案"),
    "reason.not_explained": ("not analysed (explanations were switched off)", "未分析（已关闭原因分析）"),
    "detail.excluded": ("marked excluded in the input", "输入中标记为排除"),
    "detail.cannot_complete": ("cannot be completed within the planning horizon", "无法在规划期内完成"),
    "detail.infeasible_if_forced": ("forcing it in breaks a budget, target or rule",
                                    "强制入选将违反预算、目标或规则"),
    "detail.lowers": ("forcing it in worsens the objective by {loss} {unit}",
                      "强制入选将使目标值变差 {loss} {unit}"),
    "detail.not_proven": (" (at least, not proven)", "（至少，未经证明）"),
    "detail.not_computed": ("not analysed (too many projects left out)", "未分析（未入选项目过多）"),
    "detail.no_plan": ("the case has no feasible plan; see the Summary sheet",
                       "本案例无可行方案，见概要表"),
    "detail.needs": ("needs {other}", "需要前置项目 {other}"),
    "detail.alternative": ("alternative to {other} in exclusive group '{group}'",
                           "与 {other} 同属互斥组“{group}”"),

    # Run info
    "run.title": ("Run information (enough to reproduce the result)", "运行信息（足以复现本结果）"),
    "run.item": ("Item", "项目"),
    "run.value": ("Value", "内容"),
    "run.input": ("Input file", "输入文件"),
    "run.sha256": ("Input SHA-256", "输入文件 SHA-256"),
    "run.case_language": ("Case language", "案例语言"),
    "run.report_language": ("Report language", "报告语言"),
    "run.tool": ("retrofit-opt version", "retrofit-opt 版本"),
    "run.python": ("Python", "Python"),
    "run.platform": ("Platform", "平台"),
    "run.timestamp": ("Written at (UTC)", "生成时间（UTC）"),
    "run.status": ("Solver status / termination", "求解状态 / 终止条件"),
    "run.versions": ("Solver and libraries", "求解器及依赖库"),
    "run.options": ("Options", "求解选项"),
    "run.parameters": ("Case parameters (canonical units)", "案例参数（标准单位）"),
    "run.timings": ("Timings (s)", "耗时（秒）"),
    "run.not_installed": ("not installed", "未安装"),
}


def label(key: str, lang: str, **fmt) -> str:
    en, zh = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


def sheet_title(key: str, lang: str) -> str:
    return label(f"sheet.{key}", lang)


def unit_of_column(sheet: str, name: str) -> str:
    spec = schema.column(sheet, name)
    return units.CANONICAL.get(spec.unit, "") if spec.unit else ""


def with_unit(text: str, unit: str, lang: str) -> str:
    if not unit:
        return text
    return f"{text}（{unit}）" if lang == "zh" else f"{text} ({unit})"


def field_name(sheet: str, name: str, lang: str) -> str:
    """A schema column's name in the language: the English name or the first Chinese alias."""
    spec = schema.column(sheet, name)
    return spec.zh if lang == "zh" else spec.name


def column_header(sheet: str, name: str, lang: str, unit: str | None = None) -> str:
    """``capex (万元)`` / ``投资（万元）``: a schema column with its canonical unit."""
    return with_unit(field_name(sheet, name, lang), unit_of_column(sheet, name) if unit is None else unit, lang)


def metric_name(metric: str, lang: str) -> str:
    """A metric as the case's schema names it; ``benefit:<name>`` columns keep their name."""
    if metric.startswith(schema.BENEFIT_PREFIX):
        return metric
    try:
        return field_name("projects", metric, lang)
    except KeyError:
        return metric


def metric_header(metric: str, unit: str, lang: str) -> str:
    return with_unit(metric_name(metric, lang), unit, lang)
