"""``models/formulation.md`` cannot drift from the code: its constraint-family headings are
exactly the constraint components the built Pyomo model has (and the variables it lists are
the model's variables), checked on the components themselves, not on function names.

A family heading is a ``## name`` heading in snake case; a family may be built as several
components, each named in backticks in its section (``overlap`` → ``overlap_both``,
``overlap_a``, ``overlap_b``).  ``nested`` belongs to the priority list's model, which the
test catches on its way to the solver while ``retrofit-opt sweep --priority`` runs.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyomo.environ as pyo
from click.testing import CliRunner

import retrofit_opt
from retrofit_opt.cli import main
from retrofit_opt.model import build_model

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "models" / "formulation.md"
CASES = REPO / "cases"
PRIORITY_FAMILIES = {"nested"}  # built on the priority list's model, not by build_model
AWARD_FAMILY = "award_cap"  # rows only for award rules with a cap per enterprise and year (issue 16)


def capped_award_case():
    """cases/ganhe_awards_2024.xlsx with a cap per enterprise and year on its award rule."""
    import dataclasses
    case = retrofit_opt.read_case(CASES / "ganhe_awards_2024.xlsx")
    rule = dataclasses.replace(case.award_rules[0], cap_per_enterprise_year=300.0)
    return dataclasses.replace(case, award_rules=(rule,))


def sections() -> dict[str, str]:
    """``## heading`` → the section's text, for every level-2 heading of the document."""
    parts = re.split(r"^## (.+?)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return {heading: body for heading, body in zip(parts[1::2], parts[2::2])}


def family_sections() -> dict[str, str]:
    return {h: body for h, body in sections().items() if re.fullmatch(r"[a-z][a-z0-9_]*", h)}


def components(model, kind) -> dict[str, int]:
    """Name → number of rows (or variables) of the model's components of ``kind``."""
    return {c.local_name: len(c) for c in model.component_objects(kind, descend_into=True)}


def family_components(heading: str, body: str, built: set[str]) -> set[str]:
    """The components of a family: the heading itself, and every built component named in
    backticks in its section that starts with the heading (``overlap_both``)."""
    named = set(re.findall(r"`([a-z][a-z0-9_]*)`", body))
    return {heading} & built | {n for n in named & built if n.startswith(heading)}


def test_document_has_the_constraint_families():
    assert list(family_sections()) == ["one_start", "mandatory", "exclusive_group", "prerequisite", "overlap",
                                       "budget", "award_cap", "min_total", "max_total", "intensity_reduction",
                                       "nested"]


def test_family_headings_are_the_constraints_build_model_creates():
    """Every constraint component of the model belongs to exactly one family heading, and
    every family heading (but the priority list's) is built — on the multi-year case, where
    each family but ``max_total`` has rows, and on a single-period one."""
    families = {h: b for h, b in family_sections().items() if h not in PRIORITY_FAMILIES}
    cases = {name: retrofit_opt.read_case(CASES / name) for name in ("qinghai_2025.xlsx", "ganhe_2024.xlsx")}
    cases["ganhe_awards_2024.xlsx with an enterprise cap"] = capped_award_case()
    for name, case in cases.items():
        model = build_model(case)
        built = components(model, pyo.Constraint)
        owners = {c: [h for h, b in families.items() if c in family_components(h, b, set(built))] for c in built}
        assert all(len(o) == 1 for o in owners.values()), (name, owners)  # none undocumented, none twice
        for heading, body in families.items():
            assert family_components(heading, body, set(built)), f"{name}: family '{heading}' is not built"
    qinghai = components(build_model(cases["qinghai_2025.xlsx"]), pyo.Constraint)
    empty = {c for c, rows in qinghai.items() if rows == 0 and not c.startswith(AWARD_FAMILY)}
    assert empty == {"max_total"}, empty  # so the mapping above was checked on real rows
    capped = components(build_model(capped_award_case()), pyo.Constraint)
    assert all(rows > 0 for c, rows in capped.items() if c.startswith(AWARD_FAMILY))


def test_variables_listed_are_the_models_variables():
    body = sections()["Variables"]
    listed = set(re.findall(r"^- `([a-z][a-z0-9_]*)` —", body, flags=re.M))
    model = build_model(retrofit_opt.read_case(CASES / "qinghai_2025.xlsx"))
    assert listed == set(components(model, pyo.Var))


def test_nested_heading_is_the_priority_models_constraint(monkeypatch, tmp_path):
    """The priority list's model (on its way to the solver) has the ``nested`` family and
    the build_model families on each level."""
    import retrofit_opt.solve as solver_module
    seen = []
    original = solver_module.Solver.__init__

    def recording_init(self, model, *args, **kwargs):
        seen.append(model)
        original(self, model, *args, **kwargs)

    monkeypatch.setattr(solver_module.Solver, "__init__", recording_init)
    run = CliRunner().invoke(main, ["sweep", str(CASES / "tiny.xlsx"), "--budget-from", "120", "--budget-to", "200",
                                    "--steps", "2", "--priority", "--priority-steps", "3",
                                    "-o", str(tmp_path / "tiny_sweep.xlsx")])
    assert run.exit_code == 0, run.output
    nested = [m for m in seen if "nested" in components(m, pyo.Constraint)]
    assert nested, "no model with a 'nested' constraint reached the solver"
    built = components(nested[0], pyo.Constraint)
    assert built["nested"] > 0
    assert set(PRIORITY_FAMILIES) | {"budget", "exclusive_group", "prerequisite"} <= set(built)
