"""Studies: each one asks :mod:`retrofit_opt.model` for a model or a variant of it,
:mod:`retrofit_opt.solve` for a solution, and returns a result of :mod:`retrofit_opt.results`.

One module per study: :mod:`~retrofit_opt.studies.solve` (the main pipeline),
:mod:`~retrofit_opt.studies.explain`, :mod:`~retrofit_opt.studies.diagnose`,
:mod:`~retrofit_opt.studies.sweep` (budget frontier, least budget, the sweep command),
:mod:`~retrofit_opt.studies.pareto`, :mod:`~retrofit_opt.studies.priority`,
:mod:`~retrofit_opt.studies.compare` (scenarios) and :mod:`~retrofit_opt.studies.greedy`
(the spreadsheet baselines, no solver), :mod:`~retrofit_opt.studies.risk` (issue 14: the
deterministic plan under sampled scenarios of the case's ranges, and the re-solved tornado);
:mod:`~retrofit_opt.studies.batch` (many runs, with :mod:`~retrofit_opt.studies.manifest`)
on the executors of :mod:`~retrofit_opt.studies.execution` (serial, processes, Dask),
which compare and sweep use too.
"""
