"""Idle work: what is done while she is not speaking, on one background thread.

The CLI's conversation and the server use the same scheduler. Work is a function given a
cancel event; it is set the moment a person speaks (`paused()`, which the reply path
enters before it takes the model), and work that sees it stops at once. Today's work folds
the manuscript as it now stands into the model's cached context (Character.settle), so her
next reply pays only for what is new; reflection will run here too.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Callable, Hashable, Iterator

__all__ = ["Idle"]

log = logging.getLogger("inkborn")
STOP_WAIT = 30.0  # seconds closing waits for idle work to let go

Work = Callable[[threading.Event], None]


class Idle:
    """One background thread running work while no reply is being made.

    `soon(key, work)` runs work once; `every(key, seconds, work)` runs it again and again.
    A later `soon` or `every` with the same key replaces work not yet begun.
    `soon(key, work, quiet=s)` waits until nobody has spoken for s seconds: long work begun the
    moment her reply ends would only be cancelled by the next words (and cost her cached context).
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._once: dict[Hashable, tuple[Work, float]] = {}
        self._spoken = time.monotonic()  # when a reply last let idle work go on
        self._repeat: dict[Hashable, tuple[float, Work]] = {}
        self._due: dict[Hashable, float] = {}
        self._paused = 0
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._running = False

    def soon(self, key: Hashable, work: Work, *, quiet: float = 0.0) -> None:
        with self._lock:
            self._once[key] = (work, quiet)
            self._start()
            self._lock.notify_all()

    def every(self, key: Hashable, seconds: float, work: Work) -> None:
        with self._lock:
            self._repeat[key] = (seconds, work)
            self._due[key] = 0.0
            self._start()
            self._lock.notify_all()

    def forget(self, key: Hashable) -> None:
        """No more of this work (work under way is not stopped: pause for that)."""
        with self._lock:
            self._once.pop(key, None)
            self._repeat.pop(key, None)
            self._due.pop(key, None)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No idle work while this block runs: work under way is cancelled and waited for.

        Never from idle work itself, which would wait for its own end."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("idle work cannot pause the idle scheduler it runs on")
        try:
            with self._lock:
                self._paused += 1
                self._cancel.set()
                while self._running:
                    self._lock.wait()
            yield
        finally:
            with self._lock:
                self._paused -= 1
                self._spoken = time.monotonic()
                if not self._paused:
                    self._cancel = threading.Event()
                self._lock.notify_all()

    def stop(self) -> None:
        """End the thread, cancelling work under way."""
        with self._lock:
            self._stopping = True
            self._cancel.set()
            self._lock.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_WAIT)  # work that will not let go is left to end (a daemon): closing goes on
            if thread.is_alive():
                log.warning("idle work did not stop within %s s; closing anyway", STOP_WAIT)
        with self._lock:
            self._thread, self._stopping = None, False
            self._cancel = threading.Event() if not self._paused else self._cancel

    def _start(self) -> None:
        if self._thread is None and not self._stopping:
            self._thread = threading.Thread(target=self._loop, name="inkborn-idle", daemon=True)
            self._thread.start()

    def _next(self) -> tuple[Hashable, Work] | None:
        """The work to run now, or None after waiting a little (the lock held)."""
        now = time.monotonic()
        if not self._paused:
            for key, (work, quiet) in self._once.items():
                if now - self._spoken >= quiet:
                    del self._once[key]
                    return key, work
            for key, (seconds, work) in self._repeat.items():
                if self._due.get(key, 0.0) <= now:
                    self._due[key] = now + seconds
                    return key, work
        soonest = min([*self._due.values(), *(self._spoken + quiet for _, quiet in self._once.values())], default=None)
        self._lock.wait(None if self._paused or soonest is None else max(0.01, soonest - time.monotonic()))
        return None

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                chosen = self._next()
                if chosen is None:
                    continue
                self._running = True
                cancel = self._cancel
            try:
                chosen[1](cancel)
            except Exception:  # idle work only saves time later; the reply path reports real trouble
                log.exception("idle work %r failed", chosen[0])
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()
