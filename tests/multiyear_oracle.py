"""An independent oracle for MULTI-YEAR cases, written from PRODUCT.md §2–§3 alone.

Nothing here imports ``retrofit_opt``: the case is described by the plain dataclasses
below, written to a real workbook by :func:`case_sheets`, and every rule is re-derived
from the specification text:

* start years of a project: its window ``earliest_year … latest_year`` cut to the horizon,
  such that it completes by the end year (t + b − 1 ≤ end);
* capex is paid over the build years t … t+b−1 by the ``capex_profile`` (entries adding
  up to capex are amounts, to 100 percentages, to 1 fractions; default equal shares);
* "A target for year y counts the saving capacity formed by the end of year y: a project
  started in year t with b build years counts from year t + b − 1 on", while it is within
  its lifetime: benefits run from t + b for ``lifetime`` years, so it counts at the end of
  year y for t + b − 1 ≤ y ≤ t + b − 1 + L;
* interactions: the overlap is lost in a year when both projects count in that year;
* a prerequisite q of p must be chosen and completed no later: t_q + b_q − 1 ≤ t_p + b_p − 1;
* budgets per pool (``total`` = all spending; ``subsidy`` = subsidy_rate·capex; another
  pool = (1 − subsidy_rate)·capex of the projects whose budget_pool names it), per year
  (capex spread by the profile) or over the horizon (blank year);
* targets per milestone year (blank = end year): min_total, max_total, and
  intensity_reduction (E_bau(y) − S(y)) / VA(y) ≤ (1 − r/100)·E₀/VA₀;
* objectives: max_saving / max_co2 — capacity counted at the end year; min_cost — total
  capex; max_npv — Σ NPV of the chosen options at the horizon's start,
  (1+r)^−(t−start)·[−Σ_k capex·φ_k/(1+r)^k + Σ_{j<L} B/(1+r)^(b+j)],
  B = annual_cost_saving − opex_change + co2·carbon_price/1e4; a given ``npv`` replaces the
  bracket.

The enumerator walks every assignment project → (not chosen | a start year), pruning only
on budget rows (all spends are ≥ 0, so a violated budget row stays violated).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

TOL = 1e-6
TOTAL, SUBSIDY = "total", "subsidy"
ENERGY, CO2, SO2 = "energy_saving", "co2_reduction", "so2_reduction"


# ----------------------------------------------------------------------------- the case
@dataclass
class MYProject:
    id: str
    capex: float  # 万元
    energy: float = 0.0  # tce/yr
    co2: float = 0.0  # t/yr
    so2: float = 0.0  # t/yr
    lifetime: int | None = None  # None: default 15
    earliest: int | None = None
    latest: int | None = None
    build_years: int | None = None  # None: default 1
    profile: tuple[float, ...] | None = None  # entries as written (amounts in the capex unit)
    profile_style: str = "pct"  # how the entries were produced: pct | frac | amt (informative)
    annual_cost_saving: float = 0.0  # 万元/yr
    opex_change: float = 0.0  # 万元/yr
    npv: float | None = None  # given NPV at the start year (万元)
    mandatory: bool = False
    excluded: bool = False
    group: str = ""
    requires: tuple[str, ...] = ()
    pool: str = TOTAL
    subsidy_rate: float = 0.0

    @property
    def b(self) -> int:
        return 1 if self.build_years is None else self.build_years

    @property
    def life(self) -> int:
        return 15 if self.lifetime is None else self.lifetime

    def metric(self, name: str) -> float:
        return {ENERGY: self.energy, CO2: self.co2, SO2: self.so2}.get(name, 0.0)

    def shares(self) -> list[float]:
        """φ_k: the written entries over their sum (amounts, percentages and fractions all
        normalise this way); equal shares when no profile is given."""
        if not self.profile:
            return [1.0 / self.b] * self.b
        total = float(sum(self.profile))
        return [e / total for e in self.profile]

    def pool_share(self, pool: str) -> float:
        """Share of this project's capex drawn on ``pool``."""
        if pool == TOTAL:
            return 1.0
        share = 0.0
        if pool == SUBSIDY:
            share += self.subsidy_rate
        if pool == self.pool:
            share += 1.0 - self.subsidy_rate
        return share


@dataclass
class MYBudget:
    pool: str
    year: int | None  # None: whole horizon
    limit: float  # 万元


@dataclass
class MYTarget:
    metric: str
    kind: str  # min_total | max_total | intensity_reduction
    value: float
    year: int | None = None  # None: end of horizon
    base_year: int | None = None


@dataclass
class MYInteraction:
    a: str
    b: str
    energy: float = 0.0
    co2: float = 0.0

    def overlap(self, metric: str) -> float:
        return {ENERGY: self.energy, CO2: self.co2}.get(metric, 0.0)


@dataclass
class MYCase:
    start: int
    end: int
    projects: list[MYProject]
    budgets: list[MYBudget] = field(default_factory=list)
    targets: list[MYTarget] = field(default_factory=list)
    baseline: dict[int, tuple[float, float]] = field(default_factory=dict)  # year → (E tce, VA 万元)
    interactions: list[MYInteraction] = field(default_factory=list)
    objective: str = "max_saving"
    discount_rate: float | None = None  # None: default 0.08
    carbon_price: float | None = None  # 元/t; None: default 0

    def project(self, pid: str) -> MYProject:
        for p in self.projects:
            if p.id == pid:
                return p
        raise KeyError(pid)

    @property
    def r(self) -> float:
        return 0.08 if self.discount_rate is None else self.discount_rate

    @property
    def price(self) -> float:
        return 0.0 if self.carbon_price is None else self.carbon_price


# --------------------------------------------------------------------------- the rules
def start_options(case: MYCase, p: MYProject) -> list[int]:
    """Start years open to ``p``: window ∩ horizon, completed by the end year; none if excluded."""
    if p.excluded:
        return []
    first = max(case.start, p.earliest if p.earliest is not None else case.start)
    last = min(case.end - p.b + 1, p.latest if p.latest is not None else case.end)
    return list(range(first, last + 1))


def counts(p: MYProject, t: int, y: int) -> bool:
    """Capacity formed by the end of year t+b−1, counted while benefits run (L years from t+b)."""
    formed = t + p.b - 1
    return formed <= y <= formed + p.life


def metric_total(case: MYCase, plan: dict[str, int], metric: str, year: int) -> float:
    counted = {pid for pid, t in plan.items() if counts(case.project(pid), t, year)}
    total = sum(case.project(pid).metric(metric) for pid in counted)
    for inter in case.interactions:
        if inter.a in counted and inter.b in counted:
            total -= inter.overlap(metric)
    return total


def spend(case: MYCase, plan: dict[str, int], budget: MYBudget) -> float:
    total = 0.0
    for pid, t in plan.items():
        p = case.project(pid)
        share = p.pool_share(budget.pool)
        if not share:
            continue
        if budget.year is None:
            total += p.capex * share
        else:
            k = budget.year - t
            if 0 <= k < p.b:
                total += p.capex * share * p.shares()[k]
    return total


def target_year(case: MYCase, target: MYTarget) -> int:
    return case.end if target.year is None else target.year


def intensity(case: MYCase, target: MYTarget, saving: float) -> tuple[float, float]:
    """(intensity reached at the target year, allowed intensity) in tce per 万元."""
    e0, va0 = case.baseline[target.base_year]
    e, va = case.baseline[target_year(case, target)]
    return (e - saving) / va, (1 - target.value / 100.0) * e0 / va0


def intensity_change_percent(case: MYCase, target: MYTarget, saving: float) -> float:
    e0, va0 = case.baseline[target.base_year]
    reached, _ = intensity(case, target, saving)
    return 100.0 * (reached / (e0 / va0) - 1.0)


def target_ok(case: MYCase, plan: dict[str, int], target: MYTarget) -> bool:
    achieved = metric_total(case, plan, target.metric, target_year(case, target))
    if target.kind == "min_total":
        return achieved >= target.value - TOL * max(1.0, abs(target.value))
    if target.kind == "max_total":
        return achieved <= target.value + TOL * max(1.0, abs(target.value))
    reached, allowed = intensity(case, target, achieved)
    return reached <= allowed * (1 + TOL)


def violations(case: MYCase, plan: dict[str, int]) -> list[str]:
    """Every rule the plan {id: start year} breaks (empty: feasible)."""
    out = []
    ids = {p.id for p in case.projects}
    for pid, t in plan.items():
        if pid not in ids:
            out.append(f"unknown project {pid}")
            continue
        p = case.project(pid)
        if p.excluded:
            out.append(f"{pid} is excluded")
        elif t not in start_options(case, p):
            out.append(f"{pid} cannot start in {t} (options {start_options(case, p)})")
    if out:
        return out
    for p in case.projects:
        if p.mandatory and p.id not in plan:
            out.append(f"mandatory {p.id} not chosen")
        if p.id in plan:
            for q in p.requires:
                if q not in plan:
                    out.append(f"{p.id} requires {q}, not chosen")
                elif plan[q] + case.project(q).b - 1 > plan[p.id] + p.b - 1:
                    out.append(f"{p.id} (done {plan[p.id] + p.b - 1}) requires {q} done later "
                               f"({plan[q] + case.project(q).b - 1})")
    groups: dict[str, list[str]] = {}
    for pid in plan:
        g = case.project(pid).group
        if g:
            groups.setdefault(g, []).append(pid)
    out += [f"exclusive group {g}: {m}" for g, m in groups.items() if len(m) > 1]
    for b in case.budgets:
        used = spend(case, plan, b)
        if used > b.limit * (1 + TOL) + TOL:
            out.append(f"budget {b.pool}/{b.year}: {used} > {b.limit}")
    for t in case.targets:
        if not target_ok(case, plan, t):
            out.append(f"target {t.metric} {t.kind} {t.value} in {target_year(case, t)}: "
                       f"{metric_total(case, plan, t.metric, target_year(case, t))}")
    return out


def npv_option(case: MYCase, p: MYProject, t: int) -> float:
    r = case.r
    if p.npv is not None:
        bracket = p.npv
    else:
        benefit = p.annual_cost_saving - p.opex_change + p.co2 * case.price / 1e4
        bracket = (-sum(p.capex * phi / (1 + r) ** k for k, phi in enumerate(p.shares()))
                   + sum(benefit / (1 + r) ** (p.b + j) for j in range(p.life)))
    return bracket / (1 + r) ** (t - case.start)


def objective(case: MYCase, plan: dict[str, int]) -> float:
    if case.objective == "max_saving":
        return metric_total(case, plan, ENERGY, case.end)
    if case.objective == "max_co2":
        return metric_total(case, plan, CO2, case.end)
    if case.objective == "min_cost":
        return sum(case.project(pid).capex for pid in plan)
    if case.objective == "max_npv":
        return sum(npv_option(case, case.project(pid), t) for pid, t in plan.items())
    raise ValueError(case.objective)


def minimising(case: MYCase) -> bool:
    return case.objective == "min_cost"


@dataclass
class Enumeration:
    best: float | None  # None: no feasible plan
    best_plans: list[dict[str, int]]
    feasible: int  # number of feasible plans
    visited: int  # number of complete assignments evaluated


def enumerate_plans(case: MYCase) -> Enumeration:
    """Brute force over project → (not chosen | start year), pruning on budget rows."""
    projects = case.projects
    options = [[None] + start_options(case, p) for p in projects]
    best: list = [None, [], 0, 0]

    def within_budgets(plan):
        return all(spend(case, plan, b) <= b.limit * (1 + TOL) + TOL for b in case.budgets)

    def walk(i, plan):
        if i == len(projects):
            best[3] += 1
            if violations(case, plan):
                return
            best[2] += 1
            value = objective(case, plan)
            if best[0] is None or (value < best[0] - 1e-9 if minimising(case) else value > best[0] + 1e-9):
                best[0], best[1] = value, [dict(plan)]
            elif math.isclose(value, best[0], rel_tol=1e-9, abs_tol=1e-9):
                best[1].append(dict(plan))
            return
        for t in options[i]:
            if t is None:
                walk(i + 1, plan)
                continue
            plan[projects[i].id] = t
            if within_budgets(plan):
                walk(i + 1, plan)
            del plan[projects[i].id]

    walk(0, {})
    return Enumeration(best[0], best[1], best[2], best[3])


# ------------------------------------------------------------------------ the workbook
EN = {
    "sheets": {"projects": "projects", "budgets": "budgets", "targets": "targets", "parameters": "parameters",
               "baseline": "baseline", "interactions": "interactions"},
    "id": "id", "name": "name", "energy": "energy_saving (tce/yr)", "co2": "co2_reduction (t/yr)",
    "so2": "so2_reduction (t/yr)", "acs": "annual_cost_saving (万元/yr)", "opex": "opex_change (万元/yr)",
    "lifetime": "lifetime", "earliest": "earliest_year", "latest": "latest_year", "build": "build_years",
    "profile": "capex_profile", "npv": "npv (万元)", "mandatory": "mandatory", "excluded": "excluded",
    "group": "exclusive_group", "requires": "requires", "pool": "budget_pool", "subsidy": "subsidy_rate",
    "b_pool": "pool", "b_year": "year", "b_limit": "limit (万元)",
    "t_metric": "metric", "t_year": "year", "t_kind": "kind", "t_value": "value", "t_base": "base_year",
    "param": "parameter", "value": "value",
    "bl": ["year", "energy_consumption (tce)", "value_added (万元)"],
    "ia": ["project_a", "project_b", "energy_overlap (tce/yr)", "co2_overlap (t/yr)"],
    "yes": "yes", "no": "no", "pools": {},
    "metrics": {ENERGY: "energy_saving", CO2: "co2_reduction", SO2: "so2_reduction"},
    "kinds": {"min_total": "min_total", "max_total": "max_total", "intensity_reduction": "intensity_reduction"},
    "objectives": {o: o for o in ("max_saving", "max_co2", "min_cost", "max_npv")},
    "params": {"objective": "objective", "start_year": "start_year", "end_year": "end_year",
               "discount_rate": "discount_rate", "carbon_price": "carbon_price"},
}
ZH = {
    "sheets": {"projects": "项目", "budgets": "预算", "targets": "目标", "parameters": "参数",
               "baseline": "基准", "interactions": "交互"},
    "id": "项目编号", "name": "项目名称", "energy": "节能量(吨标准煤/年)", "co2": "二氧化碳减排量(吨/年)",
    "so2": "二氧化硫减排量（吨/年）", "acs": "年节约费用(万元/年)", "opex": "运维费用变化(万元/年)",
    "lifetime": "寿命(年)", "earliest": "最早开工年份", "latest": "最晚开工年份", "build": "建设期(年)",
    "profile": "分年度投资", "npv": "净现值(万元)", "mandatory": "必选", "excluded": "排除",
    "group": "互斥组", "requires": "前置项目", "pool": "资金来源", "subsidy": "补贴比例",
    "b_pool": "资金池", "b_year": "年份", "b_limit": "上限(万元)",
    "t_metric": "指标", "t_year": "年份", "t_kind": "类型", "t_value": "值", "t_base": "基准年",
    "param": "参数", "value": "值",
    "bl": ["年份", "综合能耗(吨标准煤)", "工业增加值(万元)"],
    "ia": ["项目A", "项目B", "节能量重叠(吨标准煤/年)", "减排量重叠(吨/年)"],
    "yes": "是", "no": "否", "pools": {TOTAL: "总预算", SUBSIDY: "补贴资金"},
    "metrics": {ENERGY: "节能量", CO2: "二氧化碳减排量", SO2: "二氧化硫减排量"},
    "kinds": {"min_total": "不低于", "max_total": "不高于", "intensity_reduction": "强度下降"},
    "objectives": {"max_saving": "最大节能量", "max_co2": "最大减排量", "min_cost": "最小投资",
                   "max_npv": "最大净现值"},
    "params": {"objective": "目标函数", "start_year": "起始年份", "end_year": "终止年份",
               "discount_rate": "折现率", "carbon_price": "碳价"},
}
# capex header variants: (English header, Chinese header, factor from 万元 to the written unit)
CAPEX_UNITS = {"万元": ("capex (万元)", "投资(万元)", 1.0), "元": ("capex (yuan)", "投资（元）", 1e4)}


def _num(x: float):
    """A clean number for a cell: int when whole, else rounded to kill binary noise."""
    x = round(float(x), 9)
    return int(x) if x == int(x) else x


def profile_text(p: MYProject, capex_factor: float) -> str | None:
    """The capex_profile cell; amounts are written in the capex column's unit."""
    if not p.profile:
        return None
    entries = p.profile
    if p.profile_style == "amt":
        entries = [e * capex_factor for e in entries]
    return "/".join(str(_num(e)) for e in entries)


def case_sheets(case: MYCase, lang: str = "en", capex_unit: str = "万元") -> dict[str, list[list]]:
    """The workbook of ``case`` as {sheet title: rows}, headers in ``lang`` (en | zh)."""
    L = EN if lang == "en" else ZH
    cap_en, cap_zh, factor = CAPEX_UNITS[capex_unit]
    yes_no = lambda flag: L["yes"] if flag else L["no"]  # noqa: E731
    header = [L["id"], L["name"], cap_en if lang == "en" else cap_zh, L["energy"], L["co2"], L["so2"], L["acs"],
              L["opex"], L["lifetime"], L["earliest"], L["latest"], L["build"], L["profile"], L["npv"],
              L["mandatory"], L["excluded"], L["group"], L["requires"], L["pool"], L["subsidy"]]
    rows = [header]
    for p in case.projects:
        rows.append([p.id, f"Project {p.id}", _num(p.capex * factor), _num(p.energy), _num(p.co2), _num(p.so2),
                     _num(p.annual_cost_saving), _num(p.opex_change), p.lifetime, p.earliest, p.latest,
                     p.build_years, profile_text(p, factor), None if p.npv is None else _num(p.npv),
                     yes_no(p.mandatory) if p.mandatory or p.id.endswith("1") else None,
                     yes_no(p.excluded) if p.excluded or p.id.endswith("2") else None,
                     p.group or None, ("，" if lang == "zh" else ",").join(p.requires) or None,
                     None if p.pool == TOTAL else p.pool, p.subsidy_rate or None])
    sheets = {L["sheets"]["projects"]: rows}
    sheets[L["sheets"]["budgets"]] = [[L["b_pool"], L["b_year"], L["b_limit"]]] + [
        [L["pools"].get(b.pool, b.pool), b.year, _num(b.limit)] for b in case.budgets]
    if case.targets:
        sheets[L["sheets"]["targets"]] = [[L["t_metric"], L["t_year"], L["t_kind"], L["t_value"], L["t_base"]]] + [
            [L["metrics"][t.metric], t.year, L["kinds"][t.kind], _num(t.value), t.base_year]
            for t in case.targets]
    params = [[L["param"], L["value"]],
              [L["params"]["objective"], L["objectives"][case.objective]],
              [L["params"]["start_year"], case.start], [L["params"]["end_year"], case.end]]
    if case.discount_rate is not None:
        params.append([L["params"]["discount_rate"], case.discount_rate])
    if case.carbon_price is not None:
        params.append([L["params"]["carbon_price"], case.carbon_price])
    sheets[L["sheets"]["parameters"]] = params
    if case.baseline:
        sheets[L["sheets"]["baseline"]] = [L["bl"]] + [[y, _num(e), _num(va)]
                                                       for y, (e, va) in sorted(case.baseline.items())]
    if case.interactions:
        sheets[L["sheets"]["interactions"]] = [L["ia"]] + [[i.a, i.b, _num(i.energy), _num(i.co2)]
                                                           for i in case.interactions]
    return sheets


# ---------------------------------------------------------------------- random cases
def _split(rng: random.Random, parts: int) -> list[int]:
    """Integer percentages, each ≥ 10, adding up to 100."""
    while True:
        cuts = sorted(rng.sample(range(10, 91), parts - 1))
        shares = [b - a for a, b in zip([0] + cuts, cuts + [100])]
        if min(shares) >= 10:
            return shares


def random_case(seed: int) -> MYCase:
    """A small random multi-year case: ≤ 6 projects, ≤ 4 start years each.

    Data are chosen so that no plan sits exactly on a constraint's boundary (metric values
    are integers and target values end in .5; budget limits end in .3719 while every spend
    is a multiple of 1/300 万元), so the solver's tolerances cannot flip feasibility."""
    rng = random.Random(seed)
    start = rng.choice([2024, 2025])
    n_years = rng.randint(2, 4)
    end = start + n_years - 1
    years = list(range(start, end + 1))
    n = rng.randint(3, 6)
    pools = [TOTAL, TOTAL, TOTAL, "fund_a", "专项资金"]
    projects = []
    for k in range(n):
        pid = f"P{k + 1}"
        capex = rng.randrange(100, 1000, 10)
        energy = rng.randrange(50, 800, 5)
        b = rng.choice([None, 1, 1, 2, 2, 3])
        bb = 1 if b is None else b
        profile, style = None, "pct"
        if bb > 1 and rng.random() < 0.8:
            pct = _split(rng, bb)
            style = rng.choice(["pct", "frac", "amt"])
            profile = tuple(pct if style == "pct" else [x / 100 for x in pct] if style == "frac"
                            else [capex * x / 100 for x in pct])
        elif bb == 1 and rng.random() < 0.15:
            profile = (100,)
        earliest = latest = None
        if rng.random() < 0.4:
            earliest = rng.choice(years)
        if rng.random() < 0.4:
            latest = rng.choice([y for y in years if earliest is None or y >= earliest])
        p = MYProject(
            id=pid, capex=capex, energy=energy, co2=round(energy * rng.uniform(1.5, 3.0)),
            so2=rng.choice([0, 0, rng.randrange(1, 30)]),
            lifetime=rng.choice([None, 1, 1, 2, 2, 3]), earliest=earliest, latest=latest, build_years=b,
            profile=profile, profile_style=style,
            annual_cost_saving=round(capex * rng.uniform(0.05, 0.5), 1),
            opex_change=rng.choice([0, 0, 5, -3, 12.5]),
            npv=round(rng.uniform(-150, 400), 1) if rng.random() < 0.2 else None,
            group=rng.choice(["", "", "", "G1", "G2"]),
            pool=rng.choice(pools), subsidy_rate=rng.choice([0, 0, 0, 0.2, 0.3, 0.5]))
        if k and rng.random() < 0.25:
            p.requires = (f"P{rng.randint(1, k)}",)
        if rng.random() < 0.08:
            p.excluded = True
        projects.append(p)
    case = MYCase(start, end, projects)
    # mandatory projects: completable, not excluded, not needing an excluded project,
    # at most one per exclusive group
    for p in projects:
        if rng.random() < 0.12 and not p.excluded and start_options(case, p) and not any(
                case.project(q).excluded for q in p.requires):
            if p.group and any(o.mandatory and o.group == p.group for o in projects):
                continue
            p.mandatory = True
    total_capex = sum(p.capex for p in projects)
    total_energy = sum(p.energy for p in projects)
    frac = lambda lo, hi: round(rng.uniform(lo, hi) * total_capex) + 0.3719  # noqa: E731
    if rng.random() < 0.7:
        case.budgets.append(MYBudget(TOTAL, None, frac(0.3, 0.9)))
    for y in years:
        if rng.random() < 0.4:
            case.budgets.append(MYBudget(TOTAL, y, frac(0.1, 0.5)))
    own = sorted({p.pool for p in projects} - {TOTAL})
    for pool in own:
        if rng.random() < 0.6:
            case.budgets.append(MYBudget(pool, rng.choice([None, rng.choice(years)]), frac(0.1, 0.4)))
    if any(p.subsidy_rate for p in projects) and rng.random() < 0.6:
        case.budgets.append(MYBudget(SUBSIDY, rng.choice([None, rng.choice(years)]), frac(0.03, 0.12)))

    def half(x):
        return math.floor(x) + 0.5

    if rng.random() < 0.5:
        case.targets.append(MYTarget(ENERGY, "min_total", half(total_energy * rng.uniform(0.1, 0.35))))
    if rng.random() < 0.35 and n_years > 1:
        case.targets.append(MYTarget(ENERGY, "min_total", half(total_energy * rng.uniform(0.05, 0.2)),
                                     year=rng.choice(years[:-1])))
    if rng.random() < 0.2:
        case.targets.append(MYTarget(CO2, "min_total", half(total_energy * rng.uniform(0.2, 0.8)),
                                     year=rng.choice([None] + years)))
    if rng.random() < 0.15:
        total_so2 = sum(p.so2 for p in projects)
        if total_so2:
            case.targets.append(MYTarget(SO2, "max_total", half(total_so2 * rng.uniform(0.3, 0.8)),
                                         year=rng.choice([None] + years)))
    if rng.random() < 0.1:
        case.targets.append(MYTarget(ENERGY, "max_total", half(total_energy * rng.uniform(0.4, 0.8)),
                                     year=rng.choice([None] + years)))
    if rng.random() < 0.15:
        # E0/VA0 = 0.2 tce/万元; VA(y) = 600,000 万元; r = 10 % → allowed E = 108,000 tce
        y = rng.choice([None] + years)
        needed = half(total_energy * rng.uniform(0.1, 0.5))
        case.baseline = {2020: (100_000, 500_000), (end if y is None else y): (108_000 + needed, 600_000)}
        case.targets.append(MYTarget(ENERGY, "intensity_reduction", 10, year=y, base_year=2020))
    if rng.random() < 0.35 and n >= 2:
        a, b = rng.sample([p.id for p in projects], 2)
        pa, pb = case.project(a), case.project(b)
        case.interactions.append(MYInteraction(a, b, energy=rng.randrange(5, min(pa.energy, pb.energy) + 1),
                                               co2=rng.choice([0, rng.randrange(1, 50)])))
    case.objective = rng.choice(["max_saving", "max_saving", "max_co2", "min_cost", "max_npv", "max_npv"])
    if case.objective == "min_cost" and not case.targets:
        case.targets.append(MYTarget(ENERGY, "min_total", half(total_energy * rng.uniform(0.2, 0.5))))
    if case.objective == "max_npv" or rng.random() < 0.3:
        case.discount_rate = rng.choice([None, 0.05, 0.06, 0.1])
        case.carbon_price = rng.choice([None, 0, 50, 80])
    return case
