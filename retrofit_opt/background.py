"""Work on a daemon thread while the caller goes on.

HiGHS runs without the GIL, so Python work that does not depend on the solve can fill the
second core meanwhile (issue 19): the plan-free indicators during the main solve
(:mod:`retrofit_opt.indicators`), and in ``compare`` the next scenario's model and the base
case's sheets during the other scenarios' solves.  Nothing here writes a file; a run that
is interrupted simply drops the work (the thread is a daemon).
"""
from __future__ import annotations

import threading


class InBackground:
    """``work(*args)`` on a daemon thread named ``name``; :meth:`result` waits for it and
    returns its value, raising in the caller's thread whatever it raised.  With
    ``start_now=False`` the thread waits for :meth:`start` (or :meth:`result`): ``compare``
    starts a scenario's evaluation only once the next scenario's HiGHS runs, so that the
    Python work of setting that solve up does not share the GIL with it."""

    def __init__(self, work, *args, name: str, start_now: bool = True):
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work, args), name=name, daemon=True)
        self._lock = threading.Lock()
        self._started = False
        if start_now:
            self.start()

    def start(self) -> None:
        """Start the work (once; later calls do nothing)."""
        with self._lock:
            if not self._started:
                self._started = True
                self._thread.start()

    def _run(self, work, args) -> None:
        try:
            self._value = work(*args)
        except BaseException as exc:  # noqa: BLE001 - raised again by result(), in the caller's thread
            self._error = exc

    def settle(self, timeout: float) -> None:
        """Wait at most ``timeout`` s for started work to end (its result, if any, is
        kept); work never started stays so.  ``compare`` settles its background work
        before a signal stops the command, so that no HiGHS run outlives it."""
        if self._started:
            self._thread.join(timeout)

    def result(self):
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
