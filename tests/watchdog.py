"""A time bound for hostile inputs, checked by a watchdog thread rather than a timed assertion."""

from __future__ import annotations

import threading

import pytest


def within(seconds: float, function, *args):
    """`function(*args)` on a worker thread; fails the test if it is still running after `seconds`
    (the runaway thread is left behind as a daemon). Returns its value or re-raises its exception."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True, name="hostile-case")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after the watchdog's {seconds} s bound")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
