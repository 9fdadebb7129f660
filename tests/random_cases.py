"""Seeded random small single-period cases, written as real .xlsx workbooks.

:func:`random_case` returns the case twice: as the oracle's plain description
(:class:`oracle.Problem`, canonical units) and as workbook sheets, rendered with a random
mix of English and Chinese sheet and column names, money in 元 / 万元 / 亿元, other
quantities in assorted known units, yes/no as 是/否/yes/√/TRUE, target kinds as
不低于/不高于/min_total, and ids as text or numbers.  ``features`` names what the case
exercises, so that a test can check the generator covers every rule and objective.

Cases the validator must reject (circular requires, mandatory and excluded, two mandatory
projects in one exclusive group, a mandatory project requiring an excluded one) are never
generated here; :func:`invalid_variants` makes such cases on purpose.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from oracle import SUBSIDY, TOTAL, Interaction, Problem, Project, npv
from workbooks import write_workbook

N_MAX = 14
OBJECTIVES = ("max_saving", "min_cost", "max_npv", "max_npv_given", "max_co2", "weighted")

# canonical column → (English name, Chinese aliases)
COLUMNS = {
    "projects": {
        "id": ("id", ["项目编号", "编号", "项目ID"]),
        "name": ("name", ["项目名称", "名称"]),
        "enterprise": ("enterprise", ["企业", "实施单位"]),
        "capex": ("capex", ["投资", "总投资", "投资额"]),
        "energy_saving": ("energy_saving", ["节能量", "年节能量"]),
        "co2_reduction": ("co2_reduction", ["二氧化碳减排量", "CO2减排量", "碳减排量"]),
        "so2_reduction": ("so2_reduction", ["二氧化硫减排量", "SO2减排量"]),
        "water_saving": ("water_saving", ["节水量", "年节水量"]),
        "annual_cost_saving": ("annual_cost_saving", ["年节约费用", "年节约成本", "年收益"]),
        "opex_change": ("opex_change", ["运维费用变化", "年运维费用变化"]),
        "lifetime": ("lifetime", ["寿命", "使用寿命", "收益年限"]),
        "npv": ("npv", ["净现值"]),
        "mandatory": ("mandatory", ["必选", "是否必选"]),
        "excluded": ("excluded", ["排除", "是否排除"]),
        "exclusive_group": ("exclusive_group", ["互斥组"]),
        "requires": ("requires", ["前置项目"]),
        "budget_pool": ("budget_pool", ["资金来源", "资金池"]),
        "subsidy_rate": ("subsidy_rate", ["补贴比例"]),
    },
    "budgets": {"pool": ("pool", ["资金池", "资金来源"]), "year": ("year", ["年份"]),
                "limit": ("limit", ["上限", "预算上限", "金额"])},
    "targets": {"metric": ("metric", ["指标"]), "year": ("year", ["年份"]),
                "kind": ("kind", ["类型", "目标类型"]), "value": ("value", ["值", "目标值"])},
    "parameters": {"parameter": ("parameter", ["参数", "参数名"]), "value": ("value", ["值", "参数值"])},
    "interactions": {"project_a": ("project_a", ["项目A"]), "project_b": ("project_b", ["项目B"]),
                     "energy_overlap": ("energy_overlap", ["节能量重叠"]),
                     "co2_overlap": ("co2_overlap", ["减排量重叠"])},
}
SHEETS = {"projects": ["项目", "项目清单", "项目储备库"], "budgets": ["预算", "资金"],
          "targets": ["目标", "约束目标"], "parameters": ["参数"], "interactions": ["交互", "项目交互"]}

# unit written in a header → factor to the canonical unit (None: no unit written)
MONEY_UNITS = [(None, 1.0), ("万元", 1.0), ("万", 1.0), ("元", 1e-4), ("yuan", 1e-4), ("亿元", 1e4),
               ("亿", 1e4), ("千元", 0.1)]
MONEY_PER_YEAR_UNITS = [(None, 1.0), ("万元/年", 1.0), ("万元/yr", 1.0), ("元/年", 1e-4), ("亿元", 1e4)]
UNITS = {
    "energy_saving": [(None, 1.0), ("tce/yr", 1.0), ("吨标准煤/年", 1.0), ("kgce", 1e-3), ("万吨标准煤", 1e4)],
    "co2_reduction": [(None, 1.0), ("t/yr", 1.0), ("吨", 1.0), ("万吨", 1e4), ("kg", 1e-3)],
    "so2_reduction": [(None, 1.0), ("t", 1.0), ("吨/年", 1.0), ("kg", 1e-3)],
    "water_saving": [(None, 1.0), ("m³/yr", 1.0), ("m3", 1.0), ("万m³", 1e4), ("吨", 1.0)],
    "energy_overlap": [(None, 1.0), ("tce", 1.0), ("吨标准煤", 1.0), ("kgce", 1e-3)],
    "co2_overlap": [(None, 1.0), ("t", 1.0), ("万吨", 1e4)],
}
BENEFITS = {"land": ["mu", "亩"], "停产天数": ["天", "days"]}
METRIC_NAMES = {
    "energy_saving": ["energy_saving", "节能量", "年节能量", "Energy Saving"],
    "co2_reduction": ["co2_reduction", "二氧化碳减排量", "CO2减排量", "碳减排量"],
    "so2_reduction": ["so2_reduction", "二氧化硫减排量", "SO2减排量"],
    "water_saving": ["water_saving", "节水量"],
}
OBJECTIVE_NAMES = {"max_saving": ["最大节能量", "节能量最大"], "min_cost": ["最小投资", "投资最小"],
                   "max_npv": ["最大净现值", "净现值最大"], "max_co2": ["最大减排量", "减排量最大"],
                   "weighted": ["加权", "加权目标"]}
KIND_NAMES = {"min_total": ["min_total", "不低于", "下限"], "max_total": ["max_total", "不高于", "上限"]}
PARAM_NAMES = {"objective": ["objective", "目标函数", "优化目标"], "discount_rate": ["discount_rate", "折现率", "贴现率"],
               "carbon_price": ["carbon_price", "碳价", "carbon_price (元/t)"]}
YES = ["yes", "是", "Y", True, 1, "√", "TRUE"]
NO = ["no", "否", None, False, 0, "N", "×"]
POOL_NAMES = {TOTAL: ["total", "总预算"], SUBSIDY: ["subsidy", "补贴资金", "补贴"]}
ENTERPRISE_POOLS = ["企业自筹", "EntA", "enterprise_fund"]


@dataclass
class RandomCase:
    seed: int
    problem: Problem
    sheets: dict[str, list[list]]
    features: set[str] = field(default_factory=set)

    def write(self, path: str | Path) -> Path:
        return write_workbook(path, self.sheets)


# ------------------------------------------------------------------------ generation
def random_case(seed: int) -> RandomCase:
    rng = random.Random(seed * 7919 + 17)
    features: set[str] = set()
    n = 1 + seed % N_MAX
    variant = OBJECTIVES[(seed // N_MAX) % len(OBJECTIVES)]
    objective = "max_npv" if variant == "max_npv_given" else variant
    features.add(f"objective:{variant}")

    benefit_names = [b for b in BENEFITS if rng.random() < 0.45]
    has_water = rng.random() < 0.3
    id_style = rng.choice(["P", "项目", "int"])
    ids = [str(101 + i) if id_style == "int" else f"{id_style}{i + 1}" for i in range(n)]
    if id_style == "int":
        features.add("numeric_ids")

    projects = []
    for i in range(n):
        metrics = {"energy_saving": float(rng.choice([0, rng.randint(1, 400), rng.randint(1, 400)])),
                   "co2_reduction": float(rng.choice([0, rng.randint(1, 1000), rng.randint(1, 1000)])),
                   "so2_reduction": rng.randint(0, 200) / 10}
        if has_water:
            metrics["water_saving"] = float(rng.randint(0, 50) * 100)
        if "land" in benefit_names:
            metrics["benefit:land"] = float(rng.randint(0, 10))
        if "停产天数" in benefit_names:
            metrics["benefit:停产天数"] = float(rng.randint(-5, 30))  # may be negative
        projects.append(Project(
            id=ids[i], capex=rng.choice([float(rng.randint(10, 500)), rng.randint(100, 5000) / 10]),
            metrics=metrics, annual_cost_saving=rng.randint(0, 800) / 10,
            opex_change=rng.randint(-50, 100) / 10, lifetime=rng.choice([15, rng.randint(3, 25)])))

    # ---- logic rules
    if rng.random() < 0.35:
        for p in rng.sample(projects, k=max(1, n // 5)):
            p.mandatory = True
    if rng.random() < 0.35:
        for p in rng.sample(projects, k=max(1, n // 6)):
            if not p.mandatory:
                p.excluded = True
    if n >= 2 and rng.random() < 0.5:
        free = list(range(n))
        rng.shuffle(free)
        for g in range(rng.randint(1, 2)):
            size = min(len(free), rng.randint(2, 3))
            if size < 2:
                break
            members, free = free[:size], free[size:]
            name = rng.choice([f"G{g + 1}", f"锅炉{g + 1}", str(g + 1)])
            has_mandatory = False
            for j in members:
                projects[j].group = name
                if projects[j].mandatory:
                    if has_mandatory:
                        projects[j].mandatory = False
                    has_mandatory = True
    if n >= 2 and rng.random() < 0.55:
        for i in range(1, n):
            if rng.random() < 0.3:
                wanted = rng.sample(range(i), k=min(i, rng.choice([1, 1, 2])))
                projects[i].requires = tuple(ids[j] for j in wanted
                                             if not (projects[i].mandatory and projects[j].excluded))
    by_id = {p.id: p for p in projects}

    # ---- interactions
    interactions = []
    if n >= 2 and rng.random() < 0.6:
        pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(rng.randint(1, 4))}
        for a, b in sorted(pairs):
            pa, pb = projects[a], projects[b]
            if rng.random() < 0.5:
                a, b = b, a
            energy = co2 = 0.0
            kind = rng.choice(["energy", "co2", "both"])
            if kind != "co2":
                most = int(min(pa.metric("energy_saving"), pb.metric("energy_saving")))
                energy = float(rng.randint(most // 3, most))
            if kind != "energy":
                most = int(min(pa.metric("co2_reduction"), pb.metric("co2_reduction")))
                co2 = float(rng.randint(most // 3, most))
            interactions.append(Interaction(ids[a], ids[b], energy, co2))

    # ---- budget pools
    if rng.random() < 0.4:
        for p in rng.sample(projects, k=rng.randint(1, n)):
            p.subsidy_rate = rng.randint(1, 12) * 0.05
    pool_name = None
    if rng.random() < 0.4:
        pool_name = rng.choice(ENTERPRISE_POOLS)
        for p in rng.sample(projects, k=rng.randint(1, n)):
            p.pool = pool_name

    def random_subset():
        return {p.id for p in projects if rng.random() < 0.5}

    budgets = []
    total_capex = sum(p.capex for p in projects)
    if rng.random() < 0.7:
        if rng.random() < 0.25:  # exactly the capex of some set: the row is tight
            limit = sum(by_id[q].capex for q in random_subset())
        else:
            limit = round(total_capex * rng.uniform(0.15, 1.0))
        budgets.append((TOTAL, limit))
    if any(p.subsidy_rate for p in projects) and rng.random() < 0.8:
        budgets.append((SUBSIDY, round(sum(p.subsidy_rate * p.capex for p in projects) * rng.uniform(0.1, 0.9), 1)))
    if pool_name is not None and rng.random() < 0.85:
        own = sum((1 - p.subsidy_rate) * p.capex for p in projects if p.pool == pool_name)
        budgets.append((pool_name, round(own * rng.uniform(0.2, 0.9), 1)))
    rng.shuffle(budgets)

    # ---- targets
    metrics = ["energy_saving", "co2_reduction", "so2_reduction"] + (["water_saving"] if has_water else []) \
        + [f"benefit:{b}" for b in benefit_names]
    targets = []

    def achieved(metric, chosen):
        value = sum(by_id[q].metric(metric) for q in chosen)
        return value - sum(i.overlap(metric) for i in interactions if i.a in chosen and i.b in chosen)

    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        metric = rng.choice(metrics + [m for m in metrics if m.startswith("benefit:")])
        kind = "min_total" if rng.random() < 0.6 else "max_total"
        reference = achieved(metric, random_subset())
        if rng.random() < 0.2:
            value = reference  # met with equality by some set
        elif kind == "min_total":
            value = round(reference * rng.uniform(0.3, 1.3), 1)
        else:
            value = round(reference * rng.uniform(0.7, 1.5) + rng.choice([0, 5]), 1)
        if rng.random() < 0.06:  # beyond reach
            value = (sum(max(0.0, p.metric(metric)) for p in projects) + 1 if kind == "min_total"
                     else sum(min(0.0, p.metric(metric)) for p in projects) - 1)
        targets.append((metric, kind, value))

    # ---- parameters
    weights = {}
    if objective == "weighted":
        options = ["energy_saving", "co2_reduction", "so2_reduction", "npv"] + [
            m for m in metrics if m.startswith("benefit:")]
        for name in rng.sample(options, k=rng.randint(1, 3)):
            weights[name] = rng.choice([1.0, 2.0, 0.5, 0.1, 3.0, -1.0 if name.startswith("benefit:") else 1.5])
        if rng.random() < 0.7:
            weights["capex"] = -rng.choice([0.1, 0.5, 1.0, 2.0])
    problem = Problem(projects, budgets, targets, interactions, objective, weights,
                      discount_rate=rng.choice([0.08, 0.08, 0.05, 0.1, 0.12]),
                      carbon_price=rng.choice([0.0, 0.0, 50.0, 100.0, 200.0]))
    give_npv = variant == "max_npv_given" or rng.random() < 0.1
    if give_npv:
        for p in projects:
            if variant != "max_npv_given" or rng.random() < 0.75:
                p.npv = rng.randint(-1000, 3000) / 10
    _ensure_a_variable(problem, rng)
    give_npv = any(p.npv is not None for p in projects)

    sheets = _render(problem, rng, features, ids, benefit_names, has_water, give_npv, id_style)
    _record_features(problem, features)
    return RandomCase(seed, problem, sheets, features)


def _coefficient(problem: Problem, p: Project) -> float:
    """The project's own coefficient in the objective (overlaps aside)."""
    obj = problem.objective
    if obj == "max_saving":
        return p.metric("energy_saving")
    if obj == "max_co2":
        return p.metric("co2_reduction")
    if obj == "min_cost":
        return p.capex
    if obj == "max_npv":
        return npv(problem, p)
    return sum(w * (npv(problem, p) if k == "npv" else p.capex if k == "capex" else p.metric(k))
               for k, w in problem.weights.items())


def _ensure_a_variable(problem: Problem, rng: random.Random) -> None:
    """Keep at least one selectable project with a non-zero objective coefficient.

    A case in which no variable appears in the objective and none in a row makes HiGHS
    report an empty model, which the package does not handle yet; that bug has its own
    test in test_bruteforce.py, so the random cases stay clear of it."""
    if any(not p.excluded and abs(_coefficient(problem, p)) > 1e-9 for p in problem.projects):
        return
    p = problem.projects[0]
    p.excluded = False
    p.metrics["energy_saving"] = p.metrics["energy_saving"] or 50.0
    p.metrics["co2_reduction"] = p.metrics["co2_reduction"] or 120.0
    if problem.objective in ("max_npv", "weighted") and abs(_coefficient(problem, p)) <= 1e-9:
        p.npv = 12.5
    assert abs(_coefficient(problem, p)) > 1e-9


# ------------------------------------------------------------------------- rendering
def _render(problem: Problem, rng: random.Random, features: set[str], ids, benefit_names, has_water,
            give_npv, id_style) -> dict[str, list[list]]:
    lang = rng.choice(["en", "zh", "mixed"])
    features.add(f"lang:{lang}")

    def zh() -> bool:
        return lang == "zh" or (lang == "mixed" and rng.random() < 0.5)

    def header(sheet: str, key: str, unit: str | None = None) -> str:
        english, chinese = COLUMNS[sheet][key]
        name = rng.choice(chinese) if zh() else rng.choice([english, english, english.upper(),
                                                             english.replace("_", " ").title()])
        if unit is None:
            return name
        return rng.choice([f"{name} ({unit})", f"{name}（{unit}）", f"{name}[{unit}]", f"{name}({unit})"])

    def sheet_title(key: str) -> str:
        return rng.choice(SHEETS[key]) if zh() else rng.choice([key, key.capitalize()])

    def unit_choice(options, feature_prefix=None):
        unit, factor = rng.choice(options)
        if feature_prefix:
            features.add(f"{feature_prefix}:{unit or '万元(none)'}")
        return unit, factor

    def scaled(value: float, factor: float):
        """The value as written under a header in another unit (12 significant digits)."""
        return float(f"{value / factor:.12g}")

    def ident(pid: str):
        return int(pid) if id_style == "int" and rng.random() < 0.8 else pid

    def boolean(flag: bool):
        return rng.choice(YES) if flag else rng.choice(NO)

    projects = problem.projects
    # ---- projects sheet
    columns: list[tuple[str, object]] = []  # (header, function project → cell)
    columns.append((header("projects", "id"), lambda p: ident(p.id)))
    columns.append((header("projects", "name"), lambda p: f"{'改造项目' if lang == 'zh' else 'Retrofit'} {p.id}"))
    if rng.random() < 0.3:
        columns.append((header("projects", "enterprise"), lambda p: rng.choice(["黄河鑫业", "中复神鹰", "ACME"])))
    unit, factor = unit_choice(MONEY_UNITS, "capex_unit")
    columns.append((header("projects", "capex", unit), lambda p, f=factor: scaled(p.capex, f)))
    for metric in ["energy_saving", "co2_reduction", "so2_reduction"] + (["water_saving"] if has_water else []):
        unit, factor = rng.choice(UNITS[metric])
        blank_zero = rng.random() < 0.3

        def cell(p, m=metric, f=factor, blank=blank_zero):
            value = p.metric(m)
            return None if blank and value == 0 else scaled(value, f)
        columns.append((header("projects", metric, unit), cell))
    for b in benefit_names:
        unit = rng.choice(BENEFITS[b])
        columns.append((rng.choice([f"benefit:{b} ({unit})", f"benefit:{b}（{unit}）", f"Benefit: {b}"]),
                        lambda p, key=f"benefit:{b}": p.metric(key)))
        features.add("benefit_column")
    unit, factor = unit_choice(MONEY_PER_YEAR_UNITS, "cost_saving_unit")
    columns.append((header("projects", "annual_cost_saving", unit),
                    lambda p, f=factor: scaled(p.annual_cost_saving, f)))
    unit, factor = rng.choice(MONEY_PER_YEAR_UNITS)
    columns.append((header("projects", "opex_change", unit), lambda p, f=factor: scaled(p.opex_change, f)))
    columns.append((header("projects", "lifetime", rng.choice([None, "年", "yr"])),
                    lambda p: None if p.lifetime == 15 and rng.random() < 0.5 else p.lifetime))
    if give_npv:
        unit, factor = unit_choice(MONEY_UNITS, "npv_unit")
        columns.append((header("projects", "npv", unit),
                        lambda p, f=factor: None if p.npv is None else scaled(p.npv, f)))
    if any(p.mandatory for p in projects) or rng.random() < 0.2:
        columns.append((header("projects", "mandatory"), lambda p: boolean(p.mandatory)))
    if any(p.excluded for p in projects) or rng.random() < 0.2:
        columns.append((header("projects", "excluded"), lambda p: boolean(p.excluded)))
    if any(p.group for p in projects):
        columns.append((header("projects", "exclusive_group"), lambda p: p.group or None))
    if any(p.requires for p in projects):
        def requires(p):
            if not p.requires:
                return None
            if len(p.requires) == 1:
                return ident(p.requires[0])
            return rng.choice([",", "，", "、", ";", " ", ", "]).join(p.requires)
        columns.append((header("projects", "requires"), requires))
    if any(p.pool != TOTAL for p in projects) or rng.random() < 0.15:
        columns.append((header("projects", "budget_pool"),
                        lambda p: (rng.choice(POOL_NAMES[TOTAL] + [None]) if p.pool == TOTAL else p.pool)))
    if any(p.subsidy_rate for p in projects):
        percent = rng.random() < 0.5
        features.add("subsidy_percent" if percent else "subsidy_fraction")
        columns.append((header("projects", "subsidy_rate", "%" if percent else None),
                        lambda p, pc=percent: (round(p.subsidy_rate * 100, 6) if pc else p.subsidy_rate)
                        if p.subsidy_rate or rng.random() < 0.5 else None))
    id_column = columns[0]
    rng.shuffle(columns)
    if rng.random() < 0.8:  # usually the id comes first, as people write it
        columns.remove(id_column)
        columns.insert(0, id_column)
    rows = [[h for h, _ in columns]] + [[fn(p) for _, fn in columns] for p in projects]
    sheets = {sheet_title("projects"): rows}

    # ---- budgets
    if problem.budgets:
        unit, factor = unit_choice(MONEY_UNITS, "budget_unit")
        with_year = rng.random() < 0.3
        head = [header("budgets", "pool"), header("budgets", "limit", unit)]
        if with_year:
            head.insert(1, header("budgets", "year"))
        rows = [head]
        for pool, limit in problem.budgets:
            pool_cell = rng.choice(POOL_NAMES[pool]) if pool in POOL_NAMES else pool
            row = [pool_cell, scaled(limit, factor)]
            if with_year:
                row.insert(1, None)
            rows.append(row)
        sheets[sheet_title("budgets")] = rows

    # ---- targets
    if problem.targets:
        head = [header("targets", "metric"), header("targets", "kind"), header("targets", "value")]
        rows = [head]
        for metric, kind, value in problem.targets:
            name = metric if metric.startswith("benefit:") else rng.choice(METRIC_NAMES[metric])
            kind_cell = None if kind == "min_total" and rng.random() < 0.2 else rng.choice(KIND_NAMES[kind])
            rows.append([name, kind_cell, value])
        sheets[sheet_title("targets")] = rows

    # ---- interactions
    if problem.interactions:
        e_unit, e_factor = rng.choice(UNITS["energy_overlap"])
        c_unit, c_factor = rng.choice(UNITS["co2_overlap"])
        head = [header("interactions", "project_a"), header("interactions", "project_b"),
                header("interactions", "energy_overlap", e_unit), header("interactions", "co2_overlap", c_unit)]
        rows = [head]
        for inter in problem.interactions:
            rows.append([ident(inter.a), ident(inter.b),
                         None if inter.energy == 0 and rng.random() < 0.5 else scaled(inter.energy, e_factor),
                         None if inter.co2 == 0 and rng.random() < 0.5 else scaled(inter.co2, c_factor)])
        sheets[sheet_title("interactions")] = rows

    # ---- parameters
    objective_cell = problem.objective if not zh() else rng.choice(OBJECTIVE_NAMES[problem.objective])
    rows = [[header("parameters", "parameter"), header("parameters", "value")],
            [rng.choice(PARAM_NAMES["objective"]), objective_cell]]
    if problem.discount_rate != 0.08 or rng.random() < 0.3:
        rows.append([rng.choice(PARAM_NAMES["discount_rate"]), problem.discount_rate])
    if problem.carbon_price != 0.0 or rng.random() < 0.2:
        rows.append([rng.choice(PARAM_NAMES["carbon_price"]), problem.carbon_price])
    metric_written = {"energy_saving": ["energy_saving", "节能量"], "co2_reduction": ["co2_reduction", "碳减排量"],
                      "so2_reduction": ["so2_reduction", "二氧化硫减排量"], "npv": ["npv", "NPV"],
                      "capex": ["capex", "CAPEX"]}
    for name, weight in problem.weights.items():
        rows.append([f"weight:{rng.choice(metric_written.get(name, [name]))}", weight])
    body = rows[1:]
    rng.shuffle(body)
    sheets[sheet_title("parameters")] = [rows[0]] + body

    order = list(sheets.items())
    rng.shuffle(order)
    return dict(order)


def _record_features(problem: Problem, features: set[str]) -> None:
    ps = problem.projects
    by_id = problem.by_id()
    if any(p.mandatory for p in ps):
        features.add("mandatory")
    if any(p.excluded for p in ps):
        features.add("excluded")
    if any(p.group for p in ps):
        features.add("exclusive_group")
    if any(p.requires for p in ps):
        features.add("requires")
    if any(len(p.requires) > 1 for p in ps):
        features.add("requires_several")
    if any(by_id[q].requires for p in ps for q in p.requires):
        features.add("requires_chain")
    if any(i.energy for i in problem.interactions):
        features.add("overlap_energy")
    if any(i.co2 for i in problem.interactions):
        features.add("overlap_co2")
    if any(p.subsidy_rate for p in ps):
        features.add("subsidy_rate")
    for pool, _ in problem.budgets:
        features.add(f"budget:{pool if pool in (TOTAL, SUBSIDY) else 'enterprise'}")
    for metric, kind, _ in problem.targets:
        features.add(f"target:{kind}")
        features.add(f"target_metric:{'benefit' if metric.startswith('benefit:') else metric}")
    if any(p.npv is not None for p in ps):
        features.add("npv_column")
    if problem.weights.get("capex", 0) < 0:
        features.add("weight:capex<0")
    if any(w < 0 for k, w in problem.weights.items() if k != "capex"):
        features.add("weight:other<0")
    if problem.carbon_price:
        features.add("carbon_price")
    if problem.discount_rate != 0.08:
        features.add("discount_rate")


# -------------------------------------------------------------------- invalid cases
def invalid_variants() -> dict[str, dict[str, list[list]]]:
    """Cases the validator must reject (the CLI exits 2)."""
    head = ["id", "name", "capex", "energy_saving", "mandatory", "excluded", "exclusive_group", "requires"]
    params = [["parameter", "value"], ["objective", "max_saving"]]

    def case(*rows):
        return {"projects": [head, *[list(r) for r in rows]], "parameters": params}
    return {
        "circular_requires": case(["A", "a", 10, 5, "no", "no", None, "C"], ["B", "b", 10, 5, "no", "no", None, "A"],
                                  ["C", "c", 10, 5, "no", "no", None, "B"]),
        "mandatory_and_excluded": case(["A", "a", 10, 5, "是", "是", None, None], ["B", "b", 10, 5, "否", "否", None, None]),
        "two_mandatory_in_group": case(["A", "a", 10, 5, "yes", "no", "G", None],
                                       ["B", "b", 10, 5, "yes", "no", "G", None]),
        "mandatory_requires_excluded": case(["A", "a", 10, 5, "yes", "no", None, "B"],
                                            ["B", "b", 10, 5, "no", "yes", None, None]),
        "requires_unknown": case(["A", "a", 10, 5, "no", "no", None, "Z"]),
        "requires_itself": case(["A", "a", 10, 5, "no", "no", None, "A"]),
    }
