"""The private corner of Pyomo's HiGHS interface that warm starts need
(retrofit_opt.solve.pyomo_highs_internals): these tests fail loudly when a Pyomo upgrade
moves it, instead of warm starts silently doing nothing."""
from pathlib import Path

import highspy
import pyomo
import pyomo.environ as pyo

from retrofit_opt import load_case
from retrofit_opt.model import ModelData, build_model
from retrofit_opt.model.extract import extract_plan
from retrofit_opt.solve import PYOMO_HIGHS_PRIVATE, Solver, pyomo_highs_internals

CASES = Path(__file__).resolve().parents[1] / "cases"


def tiny_solver():
    data = ModelData.from_case(load_case(CASES / "tiny.xlsx"))
    model = build_model(data)
    return Solver(model, 60, 0), model, data


def test_the_private_attributes_exist_on_this_pyomo():
    solver, _, _ = tiny_solver()
    missing = [name for name in PYOMO_HIGHS_PRIVATE if not hasattr(solver.opt, name)]
    assert not missing, f"Pyomo {pyomo.__version__} moved {missing}: update retrofit_opt.solve.pyomo_highs_internals"


def test_internals_map_every_variable_to_a_column_of_the_highs_object():
    solver, model, _ = tiny_solver()
    solver.solve()
    internals = pyomo_highs_internals(solver.opt)
    assert isinstance(internals.highs, highspy.Highs)
    variables = list(model.component_data_objects(pyo.Var, descend_into=True))
    columns = sorted(internals.columns[id(v)] for v in variables)
    assert columns == list(range(internals.highs.getNumCol()))
    assert internals.rows[model.budget[0]] in range(internals.highs.getNumRow())


def test_a_warm_start_reaches_highs_once_and_keeps_the_optimum():
    solver, model, data = tiny_solver()
    first = solver.solve()
    plan = extract_plan(model, data)
    start = solver.current_values()
    solver.warm_start(start)
    assert "_solve" in vars(solver.opt)  # the one-shot hook is armed
    again = solver.solve()
    assert "_solve" not in vars(solver.opt)  # and gone after one solve
    assert solver.last_start_size == len(start)
    assert again.objective == first.objective and extract_plan(model, data) == plan
    # A second start is armed and passed again (the hook is per solve, not per solver).
    solver.warm_start([(v, 0.0) for v, _ in start])
    assert solver.solve().objective == first.objective
    assert solver.last_start_size == len(start)
