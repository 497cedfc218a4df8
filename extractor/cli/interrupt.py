"""Ctrl-C for commands that run many calls on worker threads (`batch`).

The first Ctrl-C raises KeyboardInterrupt in the main thread as usual: the command stops starting work,
records what it must, and says so. Worker threads may still be waiting on an HTTP reply; Python would join
them at exit and hang there, so `leave(code)` ends the process without joining them once everything is
written. A second Ctrl-C exits at once, with one line and no traceback.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

from extractor.errors import Interrupted

SECOND = b"interrupted again: exiting now (finished reports are saved; rerun to resume)\n"


@contextmanager
def interruptible():
    """Within: the first SIGINT is a KeyboardInterrupt; the second ends the process at once (exit 130).
    Outside the main thread (an embedding app) signal handlers cannot be set, and nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = threading.Event()

    def on_sigint(signum, frame):
        if pressed.is_set():
            os.write(2, SECOND)
            os._exit(Interrupted.exit_code)
        pressed.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def leave(code: int) -> None:
    """Exit with `code` now if threads that Python would wait for are still running (a call waiting on
    its reply); otherwise return and let the command exit normally. Output streams are flushed first."""
    alive = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon and t.is_alive()]
    if not alive:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
