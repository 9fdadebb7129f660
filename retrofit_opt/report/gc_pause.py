"""The cyclic garbage collector paused while a workbook is built, finished and saved.

A results workbook of 50,000 projects holds about two million cell objects (each with its
style array) and the save makes millions of short strings; CPython's cyclic collector
runs every few hundred allocations and, as the live objects grow, re-scans all of them —
about a third of the time spent making the cells (measured: bench/RESULTS.md, issue 19).
None of these objects is cyclic garbage while the workbook is written, so the collector
is paused for that time and resumed after, as it was (reference counting still frees
everything that is not in a cycle).

The collector is one per process, and ``compare`` builds the base case's sheets on a
thread of their own while the scenarios solve (:mod:`retrofit_opt.report.background`), so
the pauses are counted: the first block to enter, in any thread, pauses the collector, and
the last to leave resumes it as the first found it."""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_open = 0  # blocks inside a pause, in every thread
_was_enabled = False  # the collector's state when the first of them entered


@contextmanager
def cyclic_gc_paused():
    """Pause :mod:`gc`'s automatic collection inside the block (also as a decorator);
    nested or concurrent blocks leave it to the last one out; an exception resumes it too."""
    global _open, _was_enabled
    with _lock:
        if _open == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _was_enabled:
                gc.enable()
