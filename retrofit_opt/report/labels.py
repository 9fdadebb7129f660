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
    "pool.total": ("total", "总预算"),
    "pool.subsidy": ("subsidy", "补贴资金"),
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

    # Economic indicators (Portfolio and Not selected; retrofit_opt.economics)
    "portfolio.discounted_payback": ("Discounted payback (years)", "动态回收期（年）"),
    "portfolio.npv_enterprise": ("Enterprise NPV (万元)", "企业净现值（万元）"),
    "portfolio.irr": ("IRR (%)", "内部收益率（%）"),
    "portfolio.lcse": ("Levelised cost of saved energy (元/tce)", "平准化节能成本（元/tce）"),
    "portfolio.abatement_cost": ("Abatement cost (元/t CO2)", "减排成本（元/t CO2）"),
    "portfolio.note_indicators": (
        "Discounted payback: years of operation until the discounted cash flow repays the capex. IRR: the "
        "discount rate at which the NPV is 0. LCSE = (CRF(r, L) × capex + opex change) × 10⁴ ÷ energy saving "
        "(元/tce; costs only); abatement cost = (CRF(r, L) × capex + opex change − annual cost saving) × 10⁴ ÷ "
        "CO2 reduction (元/t CO2; the carbon price is not counted, so NPV > 0 exactly when it is below the "
        "carbon price). CRF(r, L) = r(1+r)^L ÷ ((1+r)^L − 1) at the discount rate r over the lifetime L; capex "
        "paid over several build years is valued at the end of construction. Per-project values, gross of "
        "overlaps, and not additive: no totals.",
        "动态回收期：按折现现金流收回投资所需的运行年数。内部收益率：使净现值为 0 的折现率。"
        "平准化节能成本 = (CRF(r, L) × 投资 + 运维费用变化) × 10⁴ ÷ 节能量（元/tce，仅计成本）；"
        "减排成本 = (CRF(r, L) × 投资 + 运维费用变化 − 年节约费用) × 10⁴ ÷ 二氧化碳减排量（元/t CO2，不计碳价，"
        "故减排成本低于碳价时净现值为正）。CRF(r, L) = r(1+r)^L ÷ ((1+r)^L − 1)，r 为折现率，L 为寿命；"
        "多年建设的投资折算至建成时。均为单个项目的值（未扣除重叠），不可相加，不列合计。"),
    "portfolio.note_blanks": (
        "A blank indicator is undefined: discounted payback — the discounted benefits never repay the capex "
        "within the lifetime; IRR — the yearly net benefit is not positive; LCSE — no energy saving; "
        "abatement cost — no CO2 reduction.",
        "指标为空表示无定义：动态回收期 — 寿命期内折现收益无法收回投资；内部收益率 — 年净收益不为正；"
        "平准化节能成本 — 无节能量；减排成本 — 无二氧化碳减排量。"),
    "portfolio.note_enterprise": (
        "Enterprise NPV: as NPV, but the enterprise pays only (1 − subsidy_rate) × capex; the other "
        "indicators are for the whole capex.",
        "企业净现值：同净现值，但企业仅承担 (1 − 补贴比例) × 投资；其他指标均按全部投资计算。"),
    "not_selected.note_npv": (
        "NPV of a project left out: as if started in the earliest year open to it, valued at the "
        "horizon's start.",
        "未入选项目的净现值：按其最早可开工年份开工计算，折现至规划期起始年。"),

    # MACC sheet
    "sheet.macc": ("MACC", "边际减排成本曲线"),
    "macc.title": ("Marginal abatement cost curve (MACC)", "边际减排成本曲线（MACC）"),
    "macc.chart_title": ("Marginal abatement cost curve", "边际减排成本曲线"),
    "macc.note_bars": (
        "One bar per candidate project (excluded ones and those without a CO2 reduction are left out), the "
        "cheapest tonne first: width = CO2 reduction (t CO2/yr), height = abatement cost (元/t CO2); a "
        "negative cost means the project saves money.",
        "每个候选项目一根柱（已排除项目及无二氧化碳减排量的项目不列入），按减排成本由低到高排列："
        "宽度 = 二氧化碳减排量（t CO2/年），高度 = 减排成本（元/t CO2）；成本为负表示项目本身节约资金。"),
    "macc.note_cost": (
        "Abatement cost = (CRF(r, L) × capex + opex change − annual cost saving) × 10⁴ ÷ CO2 reduction; "
        "net annual cost = abatement cost × CO2 reduction ÷ 10⁴ (万元/yr).",
        "减排成本 = (CRF(r, L) × 投资 + 运维费用变化 − 年节约费用) × 10⁴ ÷ 二氧化碳减排量；"
        "年净成本 = 减排成本 × 二氧化碳减排量 ÷ 10⁴（万元/年）。"),
    "macc.note_carbon_price": (
        "Carbon price {price} 元/t CO2 (dashed line): a project whose bar lies below it has a positive NPV.",
        "碳价 {price} 元/t CO2（虚线）：柱顶低于碳价线的项目净现值为正。"),
    "macc.note_left_out": ("Not on the curve (no CO2 reduction): {ids}", "未列入曲线（无二氧化碳减排量）：{ids}"),
    "macc.order": ("Order", "序号"),
    "macc.chosen": ("Chosen?", "是否入选"),
    "macc.width": ("CO2 reduction (t CO2/yr)", "二氧化碳减排量（t CO2/年）"),
    "macc.height": ("Abatement cost (元/t CO2)", "减排成本（元/t CO2）"),
    "macc.from": ("Cumulative CO2 from (t CO2/yr)", "累计减排量起点（t CO2/年）"),
    "macc.to": ("Cumulative CO2 to (t CO2/yr)", "累计减排量终点（t CO2/年）"),
    "macc.net_cost": ("Net annual cost (万元/yr)", "年净成本（万元/年）"),
    "macc.empty": ("No candidate project reduces CO2: there is no curve to draw.",
                   "没有候选项目减少二氧化碳排放，无法绘制曲线。"),
    "macc.points": ("Chart points (the outline of each bar)", "图表数据点（各柱轮廓）"),
    "macc.x": ("Cumulative CO2 (t CO2/yr)", "累计二氧化碳减排量（t CO2/年）"),
    "macc.unit_cost": ("元/t CO2", "元/t CO2"),
    "macc.series_chosen": ("Chosen projects", "入选项目"),
    "macc.series_other": ("Other candidates", "其他候选项目"),
    "macc.series_carbon_price": ("Carbon price (元/t CO2)", "碳价（元/t CO2）"),
    "macc.axis_x": ("Cumulative CO2 abated (t CO2/yr)", "累计二氧化碳减排量（t CO2/年）"),
    "macc.axis_y": ("Abatement cost (元/t CO2)", "减排成本（元/t CO2）"),

    # Run info: the factor table
    "run.factors": ("Conversion and emission factors used", "采用的折标及排放因子"),
    "run.factor": ("Factor", "因子"),
    "run.key": ("Parameter", "参数"),
    "run.factor_value": ("Value", "数值"),
    "run.unit": ("Unit", "单位"),
    "run.set_by": ("Set by", "取值来源"),
    "run.source": ("Source", "出处"),
    "run.default": ("default", "默认值"),
    "run.case": ("case", "案例设定"),

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
    # Batch roll-up workbook (report/batch_sheet.py)
    "sheet.batch": ("Batch summary", "汇总"),
    "sheet.province": ("Province roll-up", "省级汇总"),
    "batch.title": ("Batch summary: one row per run", "批量运行汇总：每次运行一行"),
    "batch.subtitle": ("{runs} runs ({counts}); {failed} failed; {seconds} s on {executor}; written {stamp} "
                       "by retrofit-opt {version}.",
                       "共 {runs} 次运行（{counts}）；失败 {failed} 次；用时 {seconds} 秒，执行方式：{executor}；"
                       "生成于 {stamp}，retrofit-opt {version}。"),
    "batch.was_interrupted": (" The batch was interrupted: runs marked 'not run' or 'interrupted' have no workbook.",
                              " 批量运行被中断：标为“未运行”或“已中断”的运行没有结果工作簿。"),
    "batch.exec.serial": ("this process, one run at a time", "本进程逐个运行"),
    "batch.exec.processes": ("{workers} worker processes", "{workers} 个工作进程"),
    "batch.exec.dask_local": ("a local Dask cluster of {workers} workers", "本机 Dask 集群（{workers} 个工作进程）"),
    "batch.exec.dask": ("the Dask cluster at {scheduler}", "Dask 集群 {scheduler}"),
    "batch.note.compare": ("{scenarios} scenarios besides the base; {meeting} of {solved} meet their targets",
                           "除基准外 {scenarios} 个情景；{solved} 个中 {meeting} 个达成目标"),
    "batch.note.risk": ("{samples} sampled scenarios", "抽样情景 {samples} 个"),
    "batch.note.risk_lowest": ("; least sure target: {target}, met in {p} of them",
                               "；把握最小的目标：{target}，达成概率 {p}"),
    "batch.note.sweep": ("{levels} budget levels ({statuses})", "{levels} 个预算档（{statuses}）"),
    "batch.note.least": ("; least budget meeting every target {budget} 万元", "；满足全部目标的最小预算 {budget} 万元"),
    "batch.note.no_least": ("; no budget on this pool meets every target", "；该资金池任何预算均无法满足全部目标"),
    "batch.col.index": ("#", "序号"),
    "batch.col.park": ("Park", "园区"),
    "batch.col.case": ("Case file", "案例文件"),
    "batch.col.command": ("Command ", "命令"),
    "batch.col.status": ("Status", "状态"),
    "batch.col.objective": ("Objective", "目标函数值"),
    "batch.col.objective_name": ("Objective kind", "优化目标"),
    "batch.col.gap": ("Gap", "最优性间隙"),
    "batch.col.capex": ("Capex (万元)", "投资（万元）"),
    "batch.col.energy_saving": ("Energy saving (tce/yr)", "节能量（吨标准煤/年）"),
    "batch.col.co2_reduction": ("CO2 reduction (t/yr)", "二氧化碳减排量（吨/年）"),
    "batch.col.targets": ("Targets met / set", "达成目标数/目标数"),
    "batch.col.targets_met": ("All targets met", "全部目标达成"),
    "batch.col.note": ("Note", "说明"),
    "batch.col.error": ("Error", "错误信息"),
    "batch.col.seconds": ("Run time (s)", "运行时间（秒）"),
    "batch.col.workbook": ("Results workbook", "结果工作簿"),
    "batch.infeasible": ("infeasible", "不可行"),
    "batch.timeout": ("time limit, no plan", "超时未得方案"),
    "batch.error": ("error", "错误"),
    "batch.interrupted": ("interrupted", "已中断"),
    "batch.not_run": ("not run", "未运行"),
    "batch.resumed": (" (kept, --resume)", "（沿用，--resume）"),
    "batch.chart_capex": ("Capex by park (solve runs)", "各园区投资（solve 运行）"),
    "batch.chart_energy": ("Energy saving by park", "各园区节能量"),
    "batch.chart_co2": ("CO2 reduction by park", "各园区二氧化碳减排量"),
    "batch.province_title": ("Province roll-up: the parks' plans added up", "省级汇总：各园区方案合计"),
    "batch.province_note": ("Sums the plan of every successful solve run (one per park; compare and sweep runs are "
                            "not summed). Savings are annual capacities at the end of each park's horizon.",
                            "合计每个成功的 solve 运行的方案（每个园区一次；compare 与 sweep 运行不计入）。"
                            "节能量等为各园区规划期末形成的年能力。"),
    "batch.total": ("Total of {parks} parks", "{parks} 个园区合计"),
    "batch.province_targets": ("Province-level targets", "省级目标"),
    "batch.no_province_targets": ("No province-level targets given (add a province_targets sheet to the manifest).",
                                  "未给出省级目标（可在清单中添加 province_targets / 省级目标 工作表）。"),
    "batch.target.label": ("Target", "目标"),
    "batch.target.metric": ("Metric", "指标"),
    "batch.target.kind": ("Kind", "类型"),
    "batch.target.value": ("Province target", "省级目标值"),
    "batch.target.total": ("Parks' total", "园区合计"),
    "batch.target.margin": ("Margin", "富余量"),
    "batch.target.met": ("Met?", "是否达成"),
    "batch.kind.min_total": ("at least", "不低于"),
    "batch.kind.max_total": ("at most", "不高于"),
    "batch.metric.capex": ("Capex", "投资"),
    "batch.metric.energy_saving": ("Energy saving", "节能量"),
    "batch.metric.co2_reduction": ("CO2 reduction", "二氧化碳减排量"),
    "batch.metric.annual_cost_saving": ("Annual cost saving", "年节约费用"),
    # Run info rows of a batch run (report/run_info.write_batch_provenance)
    "batch.section": ("Batch run (compared by retrofit-opt batch --resume)", "批量运行（供 --resume 比对）"),
    "batch.command": ("Batch command", "批量命令"),
    "batch.options": ("Batch options (JSON)", "批量选项（JSON）"),
    "batch.sha256": ("Input SHA-256 when run", "运行时输入文件 SHA-256"),
    "batch.record": ("Roll-up row (JSON)", "汇总行（JSON）"),

    # Summary: intensity targets stated the way a plan states them
    "summary.intensity_reached": ("Intensity reached", "强度变化情况"),
    "intensity.sentence": ("{reached} vs {base} (target {target})", "较{base}年{reached}（目标{target}）"),
    "intensity.fall": ("−{value} %", "下降{value}%"),
    "intensity.rise": ("+{value} %", "上升{value}%"),
    "intensity.flat": ("0.0 %", "持平"),
    "intensity.base_year": ("the base year", "基准"),

    # Yearly plan (multi-year cases)
    "sheet.yearly_plan": ("Yearly plan", "年度计划"),
    "yearly.title": ("Yearly plan: spend, capacity formed and schedule", "年度计划：分年度支出、形成能力与实施进度"),
    "yearly.horizon": ("Planning horizon {first}–{last}", "规划期 {first}–{last}年"),
    "yearly.spend": ("Spend per budget pool and year (万元)", "各资金池分年度支出（万元）"),
    "yearly.pool": ("Pool", "资金池"),
    "yearly.item": ("Item", "内容"),
    "yearly.unit": ("Unit", "单位"),
    "yearly.whole_horizon": ("Whole horizon", "全期"),
    "yearly.spent": ("Spend", "支出"),
    "yearly.limit": ("Limit", "上限"),
    "yearly.share": ("Used / limit", "使用比例"),
    "yearly.within": ("Within limit?", "是否在上限内"),
    "yearly.note_spend": (
        "Spend: capex of the chosen projects, paid over their build years by the capex profile. Pool "
        "total = all spending; subsidy = subsidy_rate × capex; a project's own pool = the rest. A blank "
        "limit: the case sets no budget row for that pool and year.",
        "支出：入选项目的投资按分年度投资在建设期内支付。总预算资金池 = 全部支出；补贴资金 = 补贴比例 × 投资；"
        "项目自身资金池 = 其余部分。上限为空：案例未对该资金池和年份设置预算。"),
    "yearly.capacity": ("Capacity formed by the end of each year, against the milestones",
                        "各年末形成的能力与阶段目标"),
    "yearly.metric": ("Metric / target", "指标 / 目标"),
    "yearly.formed": ("Capacity at year end", "年末形成能力"),
    "yearly.required": ("Required", "要求值"),
    "yearly.cap": ("Cap", "上限值"),
    "yearly.achieved": ("Achieved", "实现值"),
    "yearly.margin": ("Margin", "富余量"),
    "yearly.met": ("Met?", "是否达成"),
    "yearly.intensity": ("Intensity reached", "强度变化情况"),
    "yearly.note_capacity": (
        "A project started in year t with b build years counts from the end of year t + b − 1 (capacity "
        "formed) for as long as it is within its lifetime; overlaps between counted projects "
        "(interactions) are deducted. A target row shows the value required under the target's year; "
        "achieved is the capacity at the end of that year (intensity targets: the saving required).",
        "t年开工、建设期b年的项目自t + b − 1年末起计入（形成能力），直至寿命期满；同时计入的项目间重叠（交互）"
        "予以扣除。目标行在目标年份下列出要求值；实现值为该年末形成的能力（强度目标：所需节能量）。"),
    "yearly.no_targets": ("The case sets no targets: capacity is shown for energy saving and CO2.",
                          "本案例未设置目标：列出节能量和二氧化碳减排量的形成能力。"),
    "yearly.schedule": ("Start-year schedule of the chosen projects", "入选项目实施进度（按开工年份）"),
    "yearly.start": ("Start year", "开工年份"),
    "yearly.build_years": ("Build years", "建设期（年）"),
    "yearly.lifetime": ("Lifetime (years)", "寿命（年）"),
    "yearly.counts_from": ("Counts from (year end)", "计入起始年（年末）"),
    "yearly.last_benefit": ("Last benefit year", "受益截止年"),
    "yearly.mark.build": ("build", "建设"),
    "yearly.mark.formed": ("build · counts", "建成·计入"),
    "yearly.mark.benefit": ("benefit", "受益"),
    "yearly.legend": ("Legend", "图例"),
    "yearly.legend.build": ("under construction: capex paid by the capex profile",
                            "在建：按分年度投资支付"),
    "yearly.legend.formed": ("last build year: the capacity formed by the year end counts toward that "
                             "year's targets", "建设期最后一年：年末形成的能力计入当年目标"),
    "yearly.legend.benefit": ("in operation: yearly benefits; counts toward targets until the lifetime ends",
                              "运行受益：计入目标直至寿命期满"),
    "yearly.no_projects": ("No project is chosen.", "无入选项目。"),
    "yearly.chart_title": ("{metric}: capacity at year end vs milestones", "{metric}：年末形成能力与阶段目标"),
    "yearly.chart_year": ("Year", "年份"),
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


# ----------------------------------------------------------------------------------------------
# retrofit-opt compare / sweep: Scenarios, Scenario matrix, Frontier, Pareto, Priority list
LABELS.update({
    "sheet.scenarios": ("Scenarios", "情景对比"),
    "sheet.scenario_matrix": ("Scenario matrix", "情景项目矩阵"),
    "sheet.frontier": ("Frontier", "预算曲线"),
    "sheet.pareto": ("Pareto", "帕累托前沿"),
    "sheet.priority": ("Priority list", "优先序列"),

    # Scenarios
    "scenarios.title": ("Scenarios side by side", "情景对比"),
    "scenarios.note": (
        "One row per scenario, each solved from scratch; 'base' is the case as given, which the Summary, "
        "Portfolio and Not selected sheets show in detail. Money in 万元; targets in their metric's unit.",
        "每行一个情景，均独立求解；“base”为原案例，其详细结果见概要、项目组合和未入选表。金额单位为万元，目标为其指标单位。"),
    "scenarios.name": ("Scenario", "情景"),
    "scenarios.description": ("Description", "说明"),
    "scenarios.overrides": ("Overrides", "覆盖设置"),
    "scenarios.objective_name": ("Objective", "目标函数"),
    "scenarios.objective": ("Objective value", "目标函数值"),
    "scenarios.objective_unit": ("Objective unit", "目标函数单位"),
    "scenarios.capex": ("Total capex (万元)", "总投资（万元）"),
    "scenarios.used": ("{budget}: used (万元)", "{budget}：已用（万元）"),
    "scenarios.limit": ("{budget}: limit (万元)", "{budget}：上限（万元）"),
    "scenarios.required": ("{target}: required", "{target}：要求值"),
    "scenarios.achieved": ("{target}: achieved", "{target}：实现值"),
    "scenarios.met": ("{target}: met?", "{target}：是否达成"),
    "scenarios.base_description": ("the case as given", "原案例"),
    "scenarios.chart_objective": ("Objective value by scenario", "各情景目标函数值"),
    "scenarios.chart_spend": ("Spending by budget row (万元)", "各情景预算使用（万元）"),
    "scenarios.chart_capex": ("Total capex by scenario (万元)", "各情景总投资（万元）"),
    "scenarios.horizon": ("whole horizon", "全期"),

    # Scenario matrix
    "matrix.title": ("Projects chosen in each scenario", "各情景入选项目"),
    "matrix.note": ("1 = chosen (multi-year cases: its start year); blank = not chosen.",
                    "1 = 入选（多年度案例为开工年份）；空白 = 未入选。"),
    "matrix.count": ("Chosen in how many scenarios", "入选情景数"),
    "matrix.total": ("Projects chosen", "入选项目数"),

    # Frontier
    "frontier.title": ("Budget–benefit frontier", "预算—效益曲线"),
    "frontier.pool": ("Swept budget pool", "扫描资金池"),
    "frontier.objective_name": ("Objective", "目标函数"),
    "frontier.note": (
        "Each level sets the pool's whole-horizon limit; every other budget row, target and rule holds as in the "
        "case. One model is built and re-solved with only this limit changed, each solve starting from the "
        "previous level's plan. More budget never gives less: where a solve stopped at its gap or time limit with "
        "a worse plan than a lower level's, that plan is kept (carried).",
        "每个预算水平设定该资金池的全期上限，其余预算、目标和规则与案例相同。模型只建一次，每次仅修改该上限后重新求解，"
        "并以上一预算水平的方案为初始解。预算增加不会使结果变差：若某次求解因间隙或时限停止且方案劣于较低预算水平，则沿用该方案。"),
    "frontier.level": ("Budget level (万元)", "预算水平（万元）"),
    "frontier.status": ("Status", "求解状态"),
    "frontier.objective": ("Objective ({unit})", "目标函数值（{unit}）"),
    "frontier.gap": ("Gap", "最优性间隙"),
    "frontier.spend": ("Spent on the pool (万元)", "该资金池已用（万元）"),
    "frontier.targets_met": ("Targets met?", "目标是否达成"),
    "frontier.carried": ("Carried from a lower level?", "沿用较低预算方案？"),
    "frontier.chosen": ("Projects chosen", "入选项目数"),
    "frontier.seconds": ("Solve time (s)", "求解时间（秒）"),
    "frontier.above_least": ("At or above the least budget?", "不低于最小预算？"),
    "frontier.least": ("Least budget that meets every target", "满足全部目标的最小预算"),
    "frontier.least_value": ("Least budget (万元)", "最小预算（万元）"),
    "frontier.least_status": ("Status of the min-cost solve", "最小成本求解状态"),
    "frontier.least_gap": ("Gap of the min-cost solve", "最小成本求解间隙"),
    "frontier.least_chosen": ("Projects of the least-budget plan", "最小预算方案项目"),
    "frontier.least_method": (
        "Solved as a min-cost problem, not by bisection: minimise the pool's spending with its whole-horizon "
        "limit lifted, every other budget row, target and rule kept.",
        "按最小成本问题直接求解（非二分搜索）：取消该资金池的全期上限，在其余预算、目标和规则均满足的前提下最小化该资金池支出。"),
    "frontier.least_none": ("no budget on this pool meets every target", "该资金池任何预算均无法满足全部目标"),
    "frontier.chart": ("Best objective by budget level", "各预算水平下的最优目标值"),
    "frontier.axis_budget": ("Budget (万元)", "预算（万元）"),
    "frontier.series": ("Optimum", "最优值"),
    "frontier.series_least": ("Least budget meeting every target", "满足全部目标的最小预算"),

    # Pareto
    "pareto.title": ("Pareto frontier: {x} against {y}", "帕累托前沿：{x} 与 {y}"),
    "pareto.note": (
        "ε-constraint method: at each ε, the best {y} with {x} no worse than ε, then the best {x} at that {y}; "
        "dominated and repeated points are dropped. Budgets, targets and rules hold at every point.",
        "ε 约束法：对每个 ε，在 {x} 不劣于 ε 的条件下求最优 {y}，再在该 {y} 下求最优 {x}；剔除被支配和重复的点。"
        "每个点均满足全部预算、目标和规则。"),
    "pareto.epsilon": ("ε (bound on {x})", "ε（{x} 的界）"),
    "pareto.none": ("No plan meets every budget, target and rule: no frontier.",
                    "没有方案能同时满足全部预算、目标和规则，无法给出前沿。"),
    "pareto.chart": ("Pareto frontier", "帕累托前沿"),
    "pareto.series": ("Non-dominated plans", "非支配方案"),
    "pareto.min": ("minimised", "最小化"),
    "pareto.max": ("maximised", "最大化"),

    # Priority list
    "priority.title": ("Priority list: nested portfolios over budget levels", "优先序列：按预算水平嵌套的项目组合"),
    "priority.note": (
        "Each level's portfolio contains the one before; together they maximise Σ weight × {objective} over the "
        "levels of pool '{pool}'. A project's rank is the first level that funds it (ties: benefit per 万元). "
        "Budgets, exclusive groups, prerequisites and overlaps hold at every level; mandatory projects and "
        "targets at the top level only.",
        "每一预算档的项目组合包含上一档的全部项目；各档共同最大化资金池“{pool}”各预算档的 Σ 权重 × {objective}。"
        "项目的优先序为首次入选的预算档（同档按每万元效益排序）。各档均满足预算、互斥、前置和重叠规则；必选项目和目标仅在最高档要求。"),
    "priority.weights.equal": ("Weights: equal.", "权重：各档相等。"),
    "priority.weights.scenarios": ("Weights: the weight column of the scenarios sheet, whose rows are the levels.",
                                   "权重：取自情景表的权重列（各情景即各预算档）。"),
    "priority.weights.given": ("Weights: as given.", "权重：按指定值。"),
    "priority.status": ("Status", "求解状态"),
    "priority.rank": ("Rank", "优先序"),
    "priority.level": ("First level", "首次入选档"),
    "priority.budget": ("Level budget (万元)", "该档预算（万元）"),
    "priority.greedy_rank": ("Greedy rank (benefit per 万元)", "贪心排序（每万元效益）"),
    "priority.by_level": ("By level: the nested portfolio against the greedy order",
                          "各预算档：嵌套方案与贪心排序对比"),
    "priority.weight": ("Weight", "权重"),
    "priority.nested": ("Nested portfolio ({unit})", "嵌套方案（{unit}）"),
    "priority.greedy": ("Greedy order ({unit})", "贪心排序（{unit}）"),
    "priority.loss": ("Greedy loses ({unit})", "贪心损失（{unit}）"),
    "priority.loss_share": ("Greedy loses (share)", "贪心损失（比例）"),
    "priority.greedy_ok": ("Greedy keeps every rule?", "贪心方案满足全部规则？"),
    "priority.chosen": ("Projects (nested)", "入选项目数（嵌套）"),
    "priority.greedy_chosen": ("Projects (greedy)", "入选项目数（贪心）"),
    "priority.note_greedy": (
        "Greedy order: fund by benefit per 万元 ({rule}), skipping what does not fit in the budgets (this level's "
        "and the case's other budget rows); like a spreadsheet ranking it ignores the other rules, so it may break them (see the last column). A negative "
        "loss means the greedy plan is better at that level: because it breaks a rule, or because the nested "
        "portfolios give up something there for the levels above.",
        "贪心排序：按每万元效益（{rule}）依次安排，放不进预算（该档预算及案例其他预算行）的项目跳过；与表格排序一样不考虑其他规则，可能违反规则（见最后一列）。"
        "损失为负表示贪心方案在该档更优：或因其违反规则，或因嵌套方案为更高预算档而在该档有所取舍。"),
    "priority.none": ("No nested plan: the top level cannot meet every budget, target and rule.",
                      "无嵌套方案：最高档无法同时满足全部预算、目标和规则。"),
    "priority.chart": ("Nested portfolio against the greedy order", "嵌套方案与贪心排序对比"),
    "priority.series_nested": ("Nested portfolio", "嵌套方案"),
    "priority.series_greedy": ("Greedy order", "贪心排序"),
})


def _csv_labels(name: str) -> dict[str, tuple[str, str]]:
    """Labels kept in a CSV table of ``schema/`` (key,en,zh), e.g. the funding rules' (issue 16)."""
    import csv
    from pathlib import Path
    with open(Path(schema.__file__).parent / name, encoding="utf-8", newline="") as fh:
        return {row["key"]: (row["en"], row["zh"]) for row in csv.DictReader(fh)}


LABELS.update(_csv_labels("labels_funding.csv"))
