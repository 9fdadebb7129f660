"""Where independent solves run: one small interface over :mod:`concurrent.futures`.

An :class:`ExecutorSpec` names an executor; ``with spec.open() as pool`` gives a
:class:`concurrent.futures.Executor` (``submit`` → ``Future``) of one of three kinds:

- ``serial``: every task runs in this process when it is submitted (no pickling);
- ``processes`` (the default): a :class:`~concurrent.futures.ProcessPoolExecutor` of
  ``jobs`` workers (default: the core count), started with the *spawn* method — HiGHS
  may hold threads, which a fork would copy half-way;
- ``dask``: a :mod:`dask.distributed` cluster's ``Client.get_executor()`` — the same
  interface — at ``scheduler`` (``tcp://host:8786``), or a
  ``dask.distributed.LocalCluster`` started for the run when ``scheduler`` is ``local``.

Tasks receive validated, Pyomo-free data (a :class:`~retrofit_opt.case.Case`, options,
levels) and build their model in the worker; a Pyomo model never crosses a process.  Each
worker solves with one HiGHS thread (:class:`retrofit_opt.solve.Solver`'s default), so
``jobs`` workers use ``jobs`` cores.  Scripts that use ``processes`` must guard their top
level with ``if __name__ == "__main__":`` (spawned workers import the main module).
"""
from __future__ import annotations

import concurrent.futures as cf
import copyreg
import multiprocessing
import os
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterator

from retrofit_opt.errors import RetrofitError

KINDS = ("serial", "processes", "dask")
LOCAL = "local"
INSTALL_DASK = 'pip install "retrofit-opt[dask]"'


def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


# A Case holds MappingProxyType fields, which pickle does not handle by itself; tasks and
# their results (which carry the case) cross processes pickled.
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


class ExecutorError(RetrofitError):
    """The executor cannot be started (bad address, Dask not installed): a usage error."""

    exit_code = 2


def core_count() -> int:
    """Cores this process may use (the affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


class SerialExecutor(cf.Executor):
    """Runs each task in the calling process at ``submit``; its future is already done."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        if self._shutdown:
            raise RuntimeError("cannot schedule new tasks after shutdown")
        future: cf.Future = cf.Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt propagates below
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


@dataclass(frozen=True)
class ExecutorSpec:
    """Which executor, with how many workers (``jobs``) or which Dask ``scheduler``."""

    kind: str = "processes"
    jobs: int | None = None  # processes: worker count (default: core count); dask local: worker count
    scheduler: str | None = None  # dask: "tcp://host:8786" or "local"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ExecutorError(f"unknown executor '{self.kind}'; use one of {', '.join(KINDS)}")
        if self.jobs is not None and self.jobs < 1:
            raise ExecutorError(f"--jobs must be at least 1 (got {self.jobs})")
        if self.kind == "dask" and not self.scheduler:
            raise ExecutorError("the dask executor needs a scheduler address (tcp://host:8786) or 'local'")

    @classmethod
    def from_options(cls, jobs: int | None = None, scheduler: str | None = None) -> "ExecutorSpec":
        """The executor the command-line options ask for: ``--scheduler`` → dask,
        ``--jobs 1`` → serial, otherwise processes."""
        if scheduler:
            return cls("dask", jobs, scheduler)
        if jobs == 1:
            return cls("serial", 1)
        return cls("processes", jobs)

    @property
    def workers(self) -> int:
        """How many tasks run at once (for a remote cluster: known only once connected)."""
        if self.kind == "serial":
            return 1
        return self.jobs or core_count()

    def describe(self) -> str:
        if self.kind == "serial":
            return "serial (this process)"
        if self.kind == "processes":
            return f"{self.workers} worker processes"
        if self.scheduler == LOCAL:
            return f"local Dask cluster, {self.workers} workers"
        return f"Dask cluster at {self.scheduler}"

    @contextmanager
    def open(self) -> Iterator[cf.Executor]:
        """The running executor; on leaving, pending tasks are cancelled and the workers
        (and a local Dask cluster started here) are stopped."""
        if self.kind == "serial":
            pool = SerialExecutor()
            try:
                yield pool
            finally:
                pool.shutdown()
        elif self.kind == "processes":
            _quiet_resource_tracker()
            pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_ignore_interrupts)
            try:
                yield pool
            except BaseException:
                stop_processes(pool)
                raise
            else:
                pool.shutdown(wait=True)
        else:
            with _dask_executor(self) as pool:
                yield pool


def _quiet_resource_tracker() -> None:
    """Workers stopped by an interrupt (:func:`stop_processes`) leave semaphores that
    multiprocessing's resource tracker frees at exit — with a "leaked semaphore objects"
    warning that would alarm a user who pressed Ctrl-C.  The tracker is a separate process
    started with this interpreter's ``-W`` options, so the filter is added to those before
    it starts; nothing else is filtered."""
    import sys
    quiet = "ignore:resource_tracker:UserWarning"
    if quiet not in sys.warnoptions:
        sys.warnoptions.append(quiet)


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops them (no tracebacks)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_processes(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a process pool now: cancel what has not started and end the running workers
    (their runs are lost; results already returned are kept by the caller)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=True)  # the pool's manager thread notices the ended workers and releases its queues


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def require_dask() -> None:
    if not dask_available():
        raise ExecutorError(f"--scheduler needs Dask's distributed scheduler, which is not installed — "
                            f"install it with: {INSTALL_DASK}")


@contextmanager
def _dask_executor(spec: ExecutorSpec) -> Iterator[cf.Executor]:
    require_dask()
    from distributed import Client, LocalCluster
    cluster = None
    try:
        if spec.scheduler == LOCAL:
            cluster = LocalCluster(n_workers=spec.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(spec.scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise ExecutorError(f"cannot reach the Dask scheduler at {spec.scheduler}: {exc} — start one with "
                            "`dask scheduler` and workers with `dask worker ADDRESS`, or use --scheduler local")\
            from exc
    try:
        # pure=False: two runs with equal arguments are two tasks, not one cached result.
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def dask_worker_count(pool: cf.Executor) -> int | None:
    """How many workers a Dask executor's cluster has now (None for other executors)."""
    client = getattr(pool, "_client", None)
    if client is None:
        return None
    try:
        return len(client.scheduler_info().get("workers", {})) or None
    except Exception:  # noqa: BLE001 - informational only
        return None
