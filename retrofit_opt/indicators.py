"""The economic indicators of every project that depend on neither the plan nor the start
year — IRR, discounted and simple payback, levelised cost of saved energy, abatement cost,
the NPVs at the project's own start — computed once per case, and while HiGHS solves.

At 50,000 projects they take about 3 s of Python (the IRR alone 2.3 s); none depends on
the solve, and HiGHS runs without the GIL on a thread of its own, so
:func:`retrofit_opt.studies.solve.solve_case` fills the table on another thread while the
solver works (:meth:`IndicatorTable.fill_in_background`) and the report reads it.  Each
value is the one the :mod:`retrofit_opt.economics` function returns: the table only
remembers it.
"""
from __future__ import annotations

from retrofit_opt import economics
from retrofit_opt.background import InBackground
from retrofit_opt.case import Case, Project

PLAN_FREE = {
    "irr": economics.irr,
    "discounted_payback": economics.discounted_payback,
    "simple_payback": economics.simple_payback,
    "lcse": economics.levelised_cost_of_saved_energy,
    "abatement_cost": economics.abatement_cost,
    "npv_contradicts_flows": economics.given_npv_contradicts_flows,
    "npv_at_start": economics.npv_at_start,
    "enterprise_npv_at_start": economics.enterprise_npv_at_start,
}


class IndicatorTable:
    """``table.get("irr", project)``: the indicator of one project of ``case``, computed on
    first use and remembered."""

    def __init__(self, case: Case):
        self.case = case
        self._values: dict[str, dict[str, object]] = {name: {} for name in PLAN_FREE}
        self._filling: InBackground | None = None

    def get(self, name: str, project: Project):
        if self._filling is not None:
            self.wait()
        values = self._values[name]
        try:
            return values[project.id]
        except KeyError:
            value = values[project.id] = PLAN_FREE[name](project, self.case.parameters)
            return value

    def npv(self, project: Project, start_year: int | None = None) -> float:
        """:func:`retrofit_opt.economics.npv`, from the remembered NPV at the project's start."""
        return economics.at_horizon(self.get("npv_at_start", project), self.case.parameters, start_year)

    def npv_enterprise(self, project: Project, start_year: int | None = None) -> float:
        """:func:`retrofit_opt.economics.npv_enterprise`, likewise."""
        return economics.at_horizon(self.get("enterprise_npv_at_start", project), self.case.parameters, start_year)

    def fill(self) -> None:
        """Every indicator of every project of the case."""
        params = self.case.parameters
        for name, function in PLAN_FREE.items():
            values = self._values[name]
            for project in self.case.projects:
                if project.id not in values:
                    values[project.id] = function(project, params)

    def fill_in_background(self) -> "IndicatorTable":
        """:meth:`fill` on a daemon thread; :meth:`get` and :meth:`wait` wait for it."""
        self._filling = InBackground(self.fill, name="indicators")
        return self

    def wait(self) -> None:
        """Wait for a background fill; its error, if any, is raised here (once)."""
        if self._filling is not None:
            filling, self._filling = self._filling, None
            filling.result()


def indicator_table(result) -> IndicatorTable:
    """The result's table when it has one for its own case, a fresh one otherwise."""
    table = getattr(result, "indicators", None)
    return table if table is not None and table.case is result.case else IndicatorTable(result.case)
