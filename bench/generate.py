"""Seeded generator of realistic large retrofit cases, for the benchmarks.

``generate_case(n, years, seed)`` returns a validated-looking :class:`retrofit_opt.case.Case`
in memory; ``write_case(case, path)`` writes it as a case workbook (openpyxl write-only
mode, English canonical headers with units) that ``retrofit-opt solve`` reads back into
the same case (``bench/run.py --quick`` checks this).

What a generated case looks like (all numbers seeded, ``numpy.random.default_rng(seed)``):

* **Enterprises and sectors.** About one enterprise per 8 projects, each in one of twelve
  industrial sectors (power and heat, steel, non-ferrous, chemicals, building materials,
  ...); projects are spread over enterprises with a Zipf-like skew (a few big emitters
  carry many candidates).
* **Categories.** Eleven kinds of measure (waste-heat recovery, motor drives, compressed
  air, boilers, kilns, process, heat pumps, PV, lighting, energy management, waste-heat
  power), each with its own capex scale and cost of saving.
* **Capex** lognormal around the category's median (σ = 0.9 in log space), 10–80,000 万元.
* **Energy saving** = capex / (万元 per tce/yr), the latter drawn from the category's range
  and clipped to 1.5–6 万元 per tce/yr.  **CO2** = saving × 2.0–2.7 t per tce (the
  sector's fuel mix).  Annual cost saving 0.15–0.35 万元 per tce; lifetime 10–20 years.
* **Exclusive groups**: about 10 % of projects, in groups of 2–3 alternative schemes of the
  same enterprise.  **Prerequisites**: about 5 % of projects require one earlier project of
  the same enterprise (acyclic: a project only requires a lower-numbered one, never one in
  its own group, never an excluded one).  **Mandatory**: about 0.2 % (at least one), cheap
  stand-alone projects.  **Excluded**: about 0.5 %.
* **Interactions**: about 1 % of projects form a pair with another measure on the same
  system of the same enterprise, losing 10–30 % of the smaller saving when both are done.
* **Funding**: each project is paid by one of three pools (专项资金 special funds 35 %,
  企业自筹 own funds 50 %, 绿色信贷 green loans 15 %); 30 % get a subsidy of 10–30 %.
  Budgets: the ``total`` pool at 30–60 % of all capex (drawn per case), each pool and the
  subsidy pool at about the same share of what it could be asked to pay.
* **Targets**: energy saving and CO2 reduction ``min_total`` at 10–20 % of their totals.
* **Multi-year** (``years > 1``; horizon 2025 … 2024 + years): build_years 1 (60 %),
  2 (30 %) or 3 (10 %), capex spread equally; start windows ``earliest_year`` …
  ``latest_year`` of 2–6 years, ending early enough to complete in the horizon; yearly
  budget rows per pool (the horizon limit / years × 0.9–1.5) besides the horizon rows; an
  energy milestone at mid-horizon at 40–60 % of the final energy target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrofit_opt import schema, units
from retrofit_opt.case import SUBSIDY_POOL, TOTAL_POOL, Budget, Case, Interaction, Parameters, Project, Target

START_YEAR = 2025

# sector → (share of enterprises, CO2 t per tce saved: low, high)
SECTORS = {
    "电力热力": (0.10, 2.50, 2.70),
    "钢铁": (0.10, 2.40, 2.70),
    "有色金属冶炼": (0.08, 2.00, 2.30),
    "石油化工": (0.07, 2.20, 2.50),
    "化工": (0.14, 2.20, 2.60),
    "建材": (0.10, 2.40, 2.70),
    "造纸": (0.06, 2.30, 2.60),
    "纺织印染": (0.07, 2.20, 2.50),
    "多晶硅": (0.06, 2.00, 2.20),
    "锂电池": (0.06, 2.00, 2.20),
    "食品饮料": (0.10, 2.10, 2.40),
    "园区公共设施": (0.06, 2.00, 2.30),
}
# category → (share, median capex 万元, 万元 per tce/yr: low, high)
CATEGORIES = {
    "余热利用": (0.16, 1500.0, 2.0, 4.0),
    "余热发电": (0.05, 5000.0, 3.0, 5.0),
    "电机系统/变频": (0.16, 300.0, 1.5, 3.0),
    "压缩空气系统": (0.08, 400.0, 1.5, 3.0),
    "锅炉改造": (0.08, 1200.0, 2.0, 4.0),
    "窑炉节能": (0.06, 3000.0, 2.5, 4.5),
    "工艺节能": (0.12, 2500.0, 2.5, 5.0),
    "热泵": (0.06, 600.0, 2.5, 5.0),
    "分布式光伏": (0.08, 2000.0, 4.0, 6.0),
    "照明改造": (0.07, 100.0, 1.5, 2.5),
    "能源管控平台": (0.08, 800.0, 3.0, 6.0),
}
POOLS = {"专项资金": 0.35, "企业自筹": 0.50, "绿色信贷": 0.15}
SYLLABLES = ["华", "源", "恒", "泰", "鑫", "盛", "瑞", "宏", "海", "东", "西", "南", "北", "中", "金", "永",
             "丰", "达", "通", "嘉", "昌", "荣", "新", "天", "明", "光", "宇", "德", "正", "远"]
SECTOR_SUFFIX = {"电力热力": "热电", "钢铁": "钢铁", "有色金属冶炼": "铝业", "石油化工": "石化",
                 "化工": "化工", "建材": "建材", "造纸": "纸业", "纺织印染": "印染", "多晶硅": "硅业",
                 "锂电池": "锂能", "食品饮料": "食品", "园区公共设施": "园区服务"}

ENERGY, CO2 = "energy_saving", "co2_reduction"
METRIC_UNITS = {m: units.CANONICAL[schema.column("projects", m).unit] for m in schema.METRICS}


@dataclass(frozen=True)
class Spec:
    """What ``generate_case`` was asked for, and the case-level draws (for the report)."""

    n: int
    years: int
    seed: int
    budget_share: float  # total budget / total capex
    energy_share: float  # energy target / total energy saving
    co2_share: float


def _round(x: float, digits: int) -> float:
    return float(round(float(x), digits))


def generate_case(n: int, years: int = 1, seed: int = 0, *, objective: str = "max_saving",
                  time_limit: float = 300.0, mip_gap: float = 1e-4) -> Case:
    """A realistic case with ``n`` candidate projects; ``years`` = 1: single period,
    otherwise a multi-year horizon of ``years`` years starting in 2025."""
    if n < 2:
        raise ValueError("n must be at least 2")
    rng = np.random.default_rng([seed, n, years])
    multi = years > 1
    end_year = START_YEAR + years - 1

    # ---- enterprises, each in one sector
    n_ent = max(2, int(round(n / 8)))
    sector_names = list(SECTORS)
    sector_p = np.array([SECTORS[s][0] for s in sector_names])
    ent_sector = rng.choice(len(sector_names), size=n_ent, p=sector_p / sector_p.sum())
    ent_names = []
    for k in range(n_ent):
        a, b = rng.choice(len(SYLLABLES), size=2, replace=False)
        ent_names.append(f"{SYLLABLES[a]}{SYLLABLES[b]}{SECTOR_SUFFIX[sector_names[ent_sector[k]]]}{k + 1:04d}有限公司")
    weight = 1.0 / np.arange(1, n_ent + 1) ** 0.6
    proj_ent = np.sort(rng.choice(n_ent, size=n, p=weight / weight.sum()))  # grouped by enterprise

    # ---- category, capex, saving, CO2
    cat_names = list(CATEGORIES)
    cat_p = np.array([CATEGORIES[c][0] for c in cat_names])
    proj_cat = rng.choice(len(cat_names), size=n, p=cat_p / cat_p.sum())
    median = np.array([CATEGORIES[c][1] for c in cat_names])[proj_cat]
    capex = np.clip(median * np.exp(rng.normal(0.0, 0.9, size=n)), 10.0, 80_000.0)
    lo = np.array([CATEGORIES[c][2] for c in cat_names])[proj_cat]
    hi = np.array([CATEGORIES[c][3] for c in cat_names])[proj_cat]
    cost_per_tce = np.clip(rng.uniform(lo, hi) * np.exp(rng.normal(0.0, 0.15, size=n)), 1.5, 6.0)
    energy = capex / cost_per_tce
    sec = ent_sector[proj_ent]
    co2_lo = np.array([SECTORS[s][1] for s in sector_names])[sec]
    co2_hi = np.array([SECTORS[s][2] for s in sector_names])[sec]
    co2 = energy * rng.uniform(co2_lo, co2_hi)
    cost_saving = energy * rng.uniform(0.15, 0.35, size=n)
    lifetime = rng.integers(10, 21, size=n)

    # ---- funding
    pool_names = list(POOLS)
    pool_p = np.array(list(POOLS.values()))
    proj_pool = rng.choice(len(pool_names), size=n, p=pool_p)
    subsidy = np.where(rng.random(n) < 0.30, rng.choice([0.10, 0.15, 0.20, 0.30], size=n), 0.0)

    # ---- logic: exclusive groups (same enterprise), prerequisites (earlier project, same enterprise)
    by_ent: dict[int, list[int]] = {}
    for p in range(n):
        by_ent.setdefault(int(proj_ent[p]), []).append(p)
    group = [""] * n
    grouped = 0
    order = rng.permutation(n)
    g = 0
    for p in order:
        if grouped >= 0.10 * n:
            break
        if group[p]:
            continue
        mates = [q for q in by_ent[int(proj_ent[p])] if q != p and not group[q]]
        if not mates:
            continue
        size = min(len(mates), int(rng.integers(1, 3)))  # 1–2 mates: groups of 2–3
        members = [int(p)] + [int(q) for q in rng.choice(mates, size=size, replace=False)]
        g += 1
        for q in members:
            group[q] = f"G{g:04d}"
        grouped += len(members)

    excluded = np.zeros(n, dtype=bool)
    n_excl = int(round(0.005 * n))
    if n_excl:
        excluded[rng.choice(n, size=n_excl, replace=False)] = True

    requires: list[tuple[str, ...]] = [() for _ in range(n)]
    required_by = np.zeros(n, dtype=bool)
    target_req = int(round(0.05 * n))
    made = 0
    for p in rng.permutation(n):
        if made >= target_req:
            break
        earlier = [q for q in by_ent[int(proj_ent[p])] if q < p and not excluded[q]
                   and not (group[p] and group[q] == group[p])]
        if not earlier or excluded[p]:
            continue
        q = int(rng.choice(earlier))
        requires[p] = (_pid(q),)
        required_by[q] = True
        made += 1

    mandatory = np.zeros(n, dtype=bool)
    n_mand = max(1, int(round(0.002 * n)))
    cheap = [p for p in range(n) if not group[p] and not requires[p] and not excluded[p]
             and capex[p] <= np.median(capex)]
    for p in rng.choice(cheap, size=min(n_mand, len(cheap)), replace=False):
        mandatory[int(p)] = True

    # ---- multi-year windows
    build = np.ones(n, dtype=int)
    earliest = latest = None
    if multi:
        build = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
        build = np.minimum(build, years)
        last_start = end_year - build + 1
        earliest = START_YEAR + rng.integers(0, max(1, years - 3), size=n)
        earliest = np.minimum(earliest, last_start)
        latest = np.minimum(earliest + rng.integers(1, 6, size=n), last_start)
        # mandatory projects get the whole horizon so that they can always be scheduled
        earliest = np.where(mandatory, START_YEAR, earliest)
        latest = np.where(mandatory, last_start, latest)

    # ---- round as written to the workbook, build projects
    projects = []
    for p in range(n):
        b = int(build[p])
        e = _round(energy[p], 1)
        projects.append(Project(
            id=_pid(p), name=f"{ent_names[proj_ent[p]][:2]}{cat_names[proj_cat[p]]}项目{p + 1}", row=p + 2,
            capex=_round(capex[p], 2),
            metrics={m: (e if m == ENERGY else _round(co2[p], 1) if m == CO2 else 0.0) for m in METRIC_UNITS},
            enterprise=ent_names[proj_ent[p]], sector=sector_names[sec[p]], category=cat_names[proj_cat[p]],
            annual_cost_saving=_round(cost_saving[p], 2), lifetime=int(lifetime[p]),
            earliest_year=int(earliest[p]) if multi else None, latest_year=int(latest[p]) if multi else None,
            build_years=b, capex_shares=tuple(1.0 / b for _ in range(b)),
            mandatory=bool(mandatory[p]), excluded=bool(excluded[p]), exclusive_group=group[p],
            requires=requires[p], budget_pool=pool_names[proj_pool[p]], subsidy_rate=float(subsidy[p])))

    # ---- interactions: pairs of the same enterprise, not in one group
    interactions = []
    seen = set()
    for p in rng.permutation(n)[: int(round(0.01 * n))]:
        mates = [q for q in by_ent[int(proj_ent[p])] if q != p and not (group[p] and group[q] == group[p])]
        if not mates:
            continue
        q = int(rng.choice(mates))
        a, b = sorted((int(p), q))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        share = rng.uniform(0.1, 0.3)
        small_e = min(projects[a].metric(ENERGY), projects[b].metric(ENERGY))
        small_c = min(projects[a].metric(CO2), projects[b].metric(CO2))
        interactions.append(Interaction(_pid(a), _pid(b), {ENERGY: _round(share * small_e, 1),
                                                           CO2: _round(share * small_c, 1)},
                                        row=len(interactions) + 2))

    # ---- budgets and targets
    caps = np.array([pr.capex for pr in projects])
    budget_share = float(rng.uniform(0.30, 0.60))
    total_limit = _round(budget_share * caps.sum(), 0)
    limits = {TOTAL_POOL: total_limit}
    for k, pool in enumerate(pool_names):
        own = float((caps * (1 - subsidy) * (proj_pool == k)).sum())
        limits[pool] = _round(budget_share * own * rng.uniform(1.0, 1.3), 0)
    limits[SUBSIDY_POOL] = _round(budget_share * float((caps * subsidy).sum()) * rng.uniform(0.8, 1.1), 0)
    budgets = [Budget(pool, limit) for pool, limit in limits.items()]
    if multi:
        for pool, limit in limits.items():
            for y in range(START_YEAR, end_year + 1):
                budgets.append(Budget(pool, _round(limit / years * rng.uniform(0.9, 1.5), 0), y))
    budgets = [Budget(b.pool, b.limit, b.year, row=j + 2) for j, b in enumerate(budgets)]

    energy_share, co2_share = float(rng.uniform(0.10, 0.20)), float(rng.uniform(0.10, 0.20))
    e_total = sum(pr.metric(ENERGY) for pr in projects)
    c_total = sum(pr.metric(CO2) for pr in projects)
    targets = [Target(ENERGY, "min_total", _round(energy_share * e_total, 0)),
               Target(CO2, "min_total", _round(co2_share * c_total, 0))]
    if multi:
        mid = START_YEAR + years // 2
        targets.append(Target(ENERGY, "min_total", _round(targets[0].value * rng.uniform(0.4, 0.6), 0), mid))
    targets = [Target(t.metric, t.kind, t.value, t.year, row=k + 2) for k, t in enumerate(targets)]

    params = Parameters(objective=objective, start_year=START_YEAR if multi else None,
                        end_year=end_year if multi else None, time_limit=time_limit, mip_gap=mip_gap)
    case = Case(projects=tuple(projects), parameters=params, budgets=tuple(budgets), targets=tuple(targets),
                interactions=tuple(interactions), metric_units=dict(METRIC_UNITS), language="en",
                source_name=f"generated_n{n}_y{years}_s{seed}")
    object.__setattr__(case, "_spec", Spec(n, years, seed, budget_share, energy_share, co2_share))
    return case


def _pid(p: int) -> str:
    return f"P{p + 1:05d}"


def spec_of(case: Case) -> Spec | None:
    return case.__dict__.get("_spec")


# ----------------------------------------------------------------------------- writing
PROJECT_COLUMNS = [
    ("id", lambda p: p.id), ("name", lambda p: p.name), ("enterprise", lambda p: p.enterprise),
    ("sector", lambda p: p.sector), ("category", lambda p: p.category),
    ("capex (万元)", lambda p: p.capex), ("energy_saving (tce/yr)", lambda p: p.metric(ENERGY)),
    ("co2_reduction (t/yr)", lambda p: p.metric(CO2)),
    ("annual_cost_saving (万元/yr)", lambda p: p.annual_cost_saving), ("lifetime (yr)", lambda p: p.lifetime),
]
MULTI_COLUMNS = [("earliest_year", lambda p: p.earliest_year), ("latest_year", lambda p: p.latest_year),
                 ("build_years", lambda p: p.build_years)]
LOGIC_COLUMNS = [
    ("mandatory", lambda p: "yes" if p.mandatory else None),
    ("excluded", lambda p: "yes" if p.excluded else None),
    ("exclusive_group", lambda p: p.exclusive_group or None),
    ("requires", lambda p: ",".join(p.requires) or None),
    ("budget_pool", lambda p: p.budget_pool), ("subsidy_rate", lambda p: p.subsidy_rate or None),
]


def case_sheets(case: Case) -> dict[str, list[list]]:
    """The case as workbook rows: ``{sheet: [header, row, ...]}`` (English canonical names)."""
    cols = PROJECT_COLUMNS + (MULTI_COLUMNS if case.multi_year else []) + LOGIC_COLUMNS
    sheets = {"projects": [[c for c, _ in cols]] + [[f(p) for _, f in cols] for p in case.projects]}
    sheets["budgets"] = [["pool", "year", "limit (万元)"]] + [[b.pool, b.year, b.limit] for b in case.budgets]
    sheets["targets"] = [["metric", "year", "kind", "value"]] + [[t.metric, t.year, t.kind, t.value]
                                                                 for t in case.targets]
    prm = case.parameters
    rows = [["objective", prm.objective], ["time_limit", prm.time_limit], ["mip_gap", prm.mip_gap]]
    if case.multi_year:
        rows += [["start_year", prm.start_year], ["end_year", prm.end_year]]
    sheets["parameters"] = [["parameter", "value"]] + rows
    if case.interactions:
        sheets["interactions"] = [["project_a", "project_b", "energy_overlap (tce/yr)", "co2_overlap (t/yr)"]] + [
            [i.project_a, i.project_b, i.overlaps.get(ENERGY, 0.0), i.overlaps.get(CO2, 0.0)]
            for i in case.interactions]
    return sheets


def write_case(case: Case, path: str | Path) -> Path:
    """Write ``case`` as a case workbook (openpyxl write-only mode), then give every sheet
    the ``<dimension>`` element that Excel and LibreOffice always write but a streaming
    writer cannot: without it openpyxl's read-only reader parses a whole sheet once more
    just to find its size, which would make reading our files slower than reading a
    user's."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    sheets = case_sheets(case)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = Path(path)
    wb.save(path)
    refs = [f"A1:{get_column_letter(max(len(r) for r in rows))}{len(rows)}" for rows in sheets.values()]
    _add_dimensions(path, refs)
    return path


def _add_dimensions(path: Path, refs: list[str]) -> None:
    import re
    import shutil
    import zipfile
    temp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if match and b"<dimension" not in data[:2000]:
                ref = refs[int(match.group(1)) - 1].encode()
                data = re.sub(rb"</sheetPr>|<sheetPr\s*/>", lambda m: m.group(0) + b'<dimension ref="' + ref + b'"/>',
                              data, count=1)
            dst.writestr(info, data)
    shutil.move(temp, path)


def same_case(a: Case, b: Case) -> list[str]:
    """Differences that matter to the model between two cases (empty: the same model)."""
    out = []
    if len(a.projects) != len(b.projects):
        return [f"{len(a.projects)} vs {len(b.projects)} projects"]
    fields = ("id", "capex", "lifetime", "earliest_year", "latest_year", "build_years", "mandatory", "excluded",
              "exclusive_group", "requires", "budget_pool", "subsidy_rate", "annual_cost_saving")
    for p, q in zip(a.projects, b.projects):
        for f in fields:
            if getattr(p, f) != getattr(q, f):
                out.append(f"{p.id}.{f}: {getattr(p, f)!r} vs {getattr(q, f)!r}")
        for m in (ENERGY, CO2):
            if p.metric(m) != q.metric(m):
                out.append(f"{p.id}.{m}: {p.metric(m)!r} vs {q.metric(m)!r}")
        if any(not math.isclose(x, y) for x, y in zip(p.capex_shares, q.capex_shares)):
            out.append(f"{p.id}.capex_shares")
    key_b = [(b.pool, b.year, b.limit) for b in a.budgets], [(b.pool, b.year, b.limit) for b in b.budgets]
    if key_b[0] != key_b[1]:
        out.append("budgets differ")
    key_t = [(t.metric, t.kind, t.value, t.year) for t in a.targets], [(t.metric, t.kind, t.value, t.year)
                                                                        for t in b.targets]
    if key_t[0] != key_t[1]:
        out.append("targets differ")
    key_i = [(i.project_a, i.project_b, dict(i.overlaps)) for i in a.interactions], [
        (i.project_a, i.project_b, {k: v for k, v in i.overlaps.items() if v}) for i in b.interactions]
    if [(x, y, {k: v for k, v in o.items() if v}) for x, y, o in key_i[0]] != key_i[1]:
        out.append("interactions differ")
    pa, pb = a.parameters, b.parameters
    for f in ("objective", "start_year", "end_year"):
        if getattr(pa, f) != getattr(pb, f):
            out.append(f"parameters.{f}: {getattr(pa, f)!r} vs {getattr(pb, f)!r}")
    return out


if __name__ == "__main__":
    import argparse
    import time
    ap = argparse.ArgumentParser(description="Write a generated case workbook.")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t = time.perf_counter()
    c = generate_case(args.n, args.years, args.seed)
    t1 = time.perf_counter()
    write_case(c, args.out)
    print(f"generated {args.n} projects × {args.years} years in {t1 - t:.2f} s, wrote {args.out} in "
          f"{time.perf_counter() - t1:.2f} s; {spec_of(c)}")
