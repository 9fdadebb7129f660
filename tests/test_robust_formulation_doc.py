"""The robust sections of models/formulation.md (### headings under "Robust variants")
name components the robust variants really build, and every component a variant adds is
named there — checked on the built Pyomo models."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyomo.environ as pyo

from retrofit_opt.loader import load_case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model import robust as variants
from retrofit_opt.scenarios import apply_scenario

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "models" / "formulation.md").read_text(encoding="utf-8")


def robust_sections() -> dict[str, str]:
    part = DOC.split("## Robust variants", 1)[1]
    pieces = re.split(r"^### ([a-z][a-z0-9_]*)\s*$", part, flags=re.M)
    return dict(zip(pieces[1::2], pieces[2::2]))


def named(heading: str, body: str) -> set[str]:
    return {heading} | set(re.findall(r"`([a-z][a-z0-9_]*)`", body))


def added(before: set[str], model) -> set[str]:
    now = {c.local_name for c in model.component_objects((pyo.Constraint, pyo.Objective), descend_into=True)}
    return now - before


def _components(model) -> set[str]:
    return {c.local_name for c in model.component_objects((pyo.Constraint, pyo.Objective), descend_into=True)}


def test_sections_are_the_variants():
    assert list(robust_sections()) == ["budgeted_target", "chance_target", "mean_cvar", "priority_order"]


def test_every_component_a_variant_adds_is_in_its_section():
    sections = robust_sections()
    case = load_case(REPO / "cases" / "ganhe_2024.xlsx")
    data = ModelData.from_case(case)
    n = 5
    samples = {m: np.broadcast_to([p.metric(m) for p in case.projects], (n, len(case.projects)))
               for m in case.metrics}
    builds = {
        "budgeted_target": lambda m: variants.define_budgeted_targets(m, data, 2),
        "chance_target": lambda m: variants.define_chance_targets(m, data, samples, 0.8),
        "mean_cvar": lambda m: variants.define_mean_cvar_objective(m, data, np.ones((n, len(case.projects))), 0.9, 0.5),
    }
    for heading, build in builds.items():
        model = build_model(data)
        before = _components(model)
        build(model)
        new = added(before, model)
        assert new, heading
        assert new <= named(heading, sections[heading]) | named("mean_cvar", sections["mean_cvar"]), (heading, new)
        assert heading in new or any(c.startswith(heading.split("_")[0]) for c in new)
    logos = load_case(REPO / "tests" / "data" / "logos" / "logos_cvar_mckp.xlsx")
    cases = [apply_scenario(logos, s) for s in logos.scenarios]
    built = variants.build_scenario_cvar_model(cases, [0.2, 0.6, 0.2], 0.95, 0.1).model
    top = {c.local_name for c in built.component_objects((pyo.Constraint, pyo.Objective), descend_into=False)}
    assert top <= named("priority_order", sections["priority_order"]) | named("mean_cvar", sections["mean_cvar"])
    assert {"priority_pair", "priority_order", "cvar_tail", "mean_cvar"} <= top
