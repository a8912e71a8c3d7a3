"""The run queue's bound and Retry-After, and the default number of run workers."""

from __future__ import annotations

import os

import pytest

from engine import settings as settings_module
from engine.db import Database
from engine.runner.scheduling import FIRST_RUN_SECONDS, EngineBusy, RunQueue
from engine.settings import EngineSettings, default_run_workers


def test_a_full_queue_refuses_with_a_retry_after_from_the_queue(tmp_path):
    runs = RunQueue(Database(tmp_path / "db.sqlite3"), workers=2, depth=3)
    for n in range(3):
        runs.admit()
        runs.put(f"run_{n}")
    with pytest.raises(EngineBusy) as caught:
        runs.admit()
    busy = caught.value
    assert (busy.status_code, busy.error_type, busy.code) == (429, "requests",
                                                              "rate_limit_exceeded")
    expected = 3 * FIRST_RUN_SECONDS / 2  # three runs ahead, two workers
    assert busy.headers == {"Retry-After": "1", "retry-after-ms": str(round(expected * 1000))}
    assert "3 runs are waiting" in busy.message
    assert runs.get() == "run_0"
    runs.admit()  # room again


def test_retry_after_follows_how_long_runs_take(tmp_path, monkeypatch):
    runs = RunQueue(Database(tmp_path / "db.sqlite3"), workers=1, depth=1)
    clock = iter([0.0, 10.0] * 50)
    monkeypatch.setattr("engine.runner.scheduling.time.monotonic", lambda: next(clock))
    for _ in range(30):  # runs of 10 s each: the moving average converges there
        with runs.timed():
            pass
    assert runs.retry_after(4) == pytest.approx(40.0, rel=0.01)
    runs.put("run_1")
    with pytest.raises(EngineBusy) as caught:
        runs.admit()
    assert caught.value.headers is not None and caught.value.headers["Retry-After"] == "10"


def test_run_workers_default_to_two_per_cpu_of_the_process(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5}, raising=False)
    assert default_run_workers() == 12
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert default_run_workers() == 4
    assert EngineSettings(run_workers=3).workers_for_runs() == 3
    assert EngineSettings().workers_for_runs() == settings_module.default_run_workers()

