"""Ctrl-C (SIGINT) and SIGTERM: stop within a second or two at any stage.

:func:`installed` (a context manager the command line wraps each command in) replaces the
default handlers: a signal raises :class:`Interrupted` in the main thread — a
``KeyboardInterrupt``, so no ``except Exception`` swallows it and every ``finally`` (the
temporary output file) runs — and cancels the solve that is running, if any.  The solver
runs in a worker thread (:mod:`retrofit_opt.solve`) while the main thread waits in short
steps, so the handler runs promptly even during a long HiGHS call.

Exit codes follow the shell's convention: 130 after SIGINT, 143 after SIGTERM.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
NAMES = {signal.SIGINT: "interrupted (Ctrl-C)", signal.SIGTERM: "terminated (SIGTERM)"}

_cancellers: list = []  # callables that stop the running solve
_lock = threading.Lock()
_received: list[int] = []
_active: list[bool] = []  # non-empty while :func:`installed` holds the handlers


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop (a ``KeyboardInterrupt``, so that code cleaning
    up after Ctrl-C — worker pools, executors — cleans up after SIGTERM too)."""

    def __init__(self, signum: int):
        super().__init__(NAMES.get(signum, f"signal {signum}"))
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signum, 128 + int(self.signum))


def received() -> int | None:
    """The first signal received since the handlers were installed, else ``None``."""
    return _received[0] if _received else None


def check() -> None:
    """Raise :class:`Interrupted` if a signal arrived while the handlers are installed (for
    loops that run in C between checks, and after code whose finalizers may have swallowed
    the signal's exception).  Outside :func:`installed` it does nothing: a signal an earlier
    command in this process received never stops a later library call."""
    if _received and _active:
        raise Interrupted(_received[0])


def take() -> int | None:
    """The signal received, now acted on: later :func:`check` calls do not raise for it
    (the batch command, after stopping its runs, still writes the roll-up).  A further
    signal stops the command again."""
    signum = received()
    _received.clear()
    return signum


@contextlib.contextmanager
def cancel_with(cancel):
    """While the block runs, a signal also calls ``cancel()`` (e.g. HiGHS's cancelSolve)."""
    with _lock:
        _cancellers.append(cancel)
    try:
        yield
    finally:
        with _lock:
            if cancel in _cancellers:
                _cancellers.remove(cancel)


def _handle(signum, frame):
    _received.append(signum)
    with _lock:
        cancellers = list(_cancellers)
    for cancel in cancellers:
        try:
            cancel()
        except Exception:  # a cancel must never mask the signal
            pass
    raise Interrupted(signum)


@contextlib.contextmanager
def installed():
    """Handle SIGINT and SIGTERM as :class:`Interrupted` inside the block (main thread only)."""
    _received.clear()  # a signal of an earlier command in this process is not this one's
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in EXIT_CODES}
    for s in EXIT_CODES:
        signal.signal(s, _handle)
    hook = sys.unraisablehook
    sys.unraisablehook = _quiet_about_interrupts(hook)
    _active.append(True)
    try:
        yield
    finally:
        _active.pop()
        sys.unraisablehook = hook
        for s, handler in previous.items():
            signal.signal(s, handler)


def _quiet_about_interrupts(hook):
    """An unraisable-exception hook that says nothing of an :class:`Interrupted` raised in a
    finalizer (a signal that came while, e.g., a garbage-collected ZipFile's ``__del__``
    ran: Python would print "Exception ignored in … Traceback …" under the clean stop
    message).  The signal is recorded (:func:`received`) and still stops the command:
    :func:`check`, and the atomic writer before it replaces an output.  Any other
    exception goes to ``hook``."""
    def quiet(unraisable):
        if isinstance(unraisable.exc_value, Interrupted):
            return
        hook(unraisable)
    return quiet
