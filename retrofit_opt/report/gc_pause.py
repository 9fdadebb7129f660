"""The cyclic garbage collector paused while a workbook is built, finished and saved.

A results workbook of 50,000 projects holds about two million cell objects (each with its
style array) and the save makes millions of short strings; CPython's cyclic collector
runs every few hundred allocations and, as the live objects grow, re-scans all of them —
about a third of the time spent making the cells (measured: bench/RESULTS.md, issue 19).
None of these objects is cyclic garbage while the workbook is written, so the collector
is paused for that time and resumed after, as it was (reference counting still frees
everything that is not in a cycle)."""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused():
    """Pause :mod:`gc`'s automatic collection inside the block (also as a decorator);
    nested blocks leave it to the outermost; an exception resumes it too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
