"""Extraction in long-lived child processes, each bounded in CPU time and memory.

A hostile or broken file can hang pypdf, exhaust memory or crash the interpreter; in a child
that costs one replaceable process, not the engine. Children are spawned by a forkserver (never
forked from the threaded server), start lazily and are reused, so a file costs one pipe round
trip on top of the extraction itself. A reused child that runs out of memory may owe it to the
files it read before (allocators keep what they took): the file is then read again in a fresh
child, and only a fresh child running out of memory blames the file.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from . import _worker
from ._document import Budget, ExtractedDocument, ExtractionError, PageText

STARTUP_TIMEOUT_SECONDS = 60.0


ProgressCallback = Callable[[int, int], None]
"""`on_progress(pages_done, pages_total)`, called as pages arrive from the child."""

POLL_SECONDS = 1.0
WALL_FACTOR = 10.0  # a file may take this many times its CPU budget in wall-clock time
MIN_WALL_SECONDS = 600.0


class ExtractorPool:
    """A fixed number of extraction children; `extract` blocks until one is free.

    Each file gets a CPU-time budget that grows with its page count (see `Budget`); the child
    enforces it with RLIMIT_CPU. A generous wall-clock limit (ten times the CPU budget, at
    least ten minutes) is only a backstop for a child that stops making progress altogether.
    """

    def __init__(
        self, *, workers: int = 2, budget: Budget | None = None, memory_limit_mb: int = 2048
    ):
        self._context = _child_context()
        self.budget = budget or Budget()
        self._memory_limit_mb = memory_limit_mb
        self._slots: queue.Queue[_Slot] = queue.Queue()
        self._all_slots = [_Slot() for _ in range(workers)]
        for slot in self._all_slots:
            self._slots.put(slot)
        self._closed = threading.Event()

    def extract(
        self, data_path: Path, filename: str, on_progress: ProgressCallback | None = None
    ) -> ExtractedDocument:
        """Pages of the file, extracted in a child; raises ExtractionError."""
        slot = self._slots.get()
        try:
            if self._closed.is_set():
                raise ExtractionError("server_error", "The extractor is shut down.")
            budget = self.budget
            while True:  # at most three tries: a fresh child, then pypdf alone
                try:
                    return self._run(slot, str(data_path), filename, on_progress, budget)
                except _Exhausted:
                    continue  # the child was reused: try again in a fresh one
                except _Crashed:
                    # PDFium is C: a file can crash it where pypdf, in Python, only raises.
                    budget = dataclasses.replace(budget, pdfium=False)
        finally:
            if self._closed.is_set():
                slot.stop()  # close() may have run while this slot was starting a child
            self._slots.put(slot)

    def close(self) -> None:
        """Stop every child; extractions in flight fail with server_error."""
        self._closed.set()
        for slot in self._all_slots:
            slot.stop()

    def _run(
        self,
        slot: _Slot,
        data_path: str,
        filename: str,
        on_progress: ProgressCallback | None,
        budget: Budget,
    ) -> ExtractedDocument:
        conn = slot.connection(self._context, self._memory_limit_mb)
        reused = slot.served > 0
        slot.served += 1
        run = _Run(budget)
        try:
            conn.send((data_path, filename, budget))
            while True:
                if not conn.poll(POLL_SECONDS):
                    if run.overdue():
                        slot.stop()
                        raise run.stalled_error()
                    continue
                reply = conn.recv()
                if reply[0] == "open":
                    run.opened(reply[1], reply[2])
                elif reply[0] == "page":
                    run.pages.append(PageText(number=reply[1], text=reply[2]))
                else:
                    break
                if on_progress is not None and run.total is not None:
                    on_progress(len(run.pages), run.total)
        except (EOFError, OSError):
            # The pipe closes a moment before the child can be reaped; wait so its own exit
            # code, not our kill, says what happened.
            exitcode = slot.stop(grace_seconds=1.0)
            raise self._crash_error(exitcode, run, budget, reused) from None
        if reply[0] == "done":
            total = run.total if run.total is not None else len(run.pages)
            return ExtractedDocument(pages=run.pages, page_count=total, warnings=reply[1],
                                     ocr_pages=reply[2], ocr_seconds=reply[3])
        if reply[0] == "memory":
            slot.stop()  # after a MemoryError the child's heap is not worth trusting
            raise self._memory_error(run, reused)
        raise ExtractionError(reply[1], reply[2])

    def _crash_error(
        self, exitcode: int | None, run: _Run, budget: Budget, reused: bool
    ) -> ExtractionError:
        if self._closed.is_set():
            return ExtractionError("server_error", "The extractor was shut down mid-file.")
        if exitcode == -signal.SIGXCPU:
            return run.budget_error()
        if exitcode == -signal.SIGKILL:  # from outside, nearly always the kernel's OOM killer
            return self._memory_error(run, reused)
        error = ExtractionError(
            "invalid_file",
            f"Both PDF readers crashed on this file{run.where()} (the second exited with code"
            f" {exitcode}): the file is damaged in a way they cannot handle.",
        )
        return _Crashed(error.code, error.message) if budget.pdfium else error

    def _memory_error(self, run: _Run, reused: bool) -> ExtractionError:
        error = _Exhausted if reused else ExtractionError
        return error(
            "invalid_file",
            f"Extraction exceeded the memory limit of {self._memory_limit_mb} MB{run.where()}:"
            " the file is too large or damaged.",
        )


class _Crashed(ExtractionError):
    """The child died reading the file with PDFium: worth one more try with pypdf alone."""


class _Exhausted(ExtractionError):
    """A reused child ran out of memory: worth one more try in a fresh child."""


class _Run:
    """What the parent knows of one extraction in progress."""

    def __init__(self, budget: Budget):
        self.started = time.monotonic()
        self.total: int | None = None
        self.cpu_budget = budget.cpu_seconds
        self.pages: list[PageText] = []

    def opened(self, total: int, cpu_budget: float) -> None:
        self.total, self.cpu_budget = total, cpu_budget

    def overdue(self) -> bool:
        limit = max(MIN_WALL_SECONDS, WALL_FACTOR * self.cpu_budget)
        return time.monotonic() - self.started > limit

    def where(self) -> str:
        if self.total is None:
            return " while opening it"
        return f" at page {min(len(self.pages) + 1, self.total)} of {self.total}"

    def budget_error(self) -> ExtractionError:
        pages = f" for {self.total} pages" if self.total is not None else " to open it"
        return ExtractionError(
            "invalid_file",
            f"Stopped after {self.cpu_budget:.0f} s of CPU time{self.where()} (its budget"
            f"{pages}): the PDF is too complex or damaged.",
        )

    def stalled_error(self) -> ExtractionError:
        waited = time.monotonic() - self.started
        return ExtractionError(
            "invalid_file",
            f"Stopped after {waited:.0f} s without finishing{self.where()}: the PDF reader made"
            " no progress within its time limit.",
        )


def _child_context() -> ForkServerContext | SpawnContext:
    """Forkserver where the platform has it: children start fast and never inherit our threads."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


class _Slot:
    """One child process and our end of its pipe; used by one thread at a time."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self.served = 0  # files the current child was given
        self._lock = threading.Lock()  # stop() may come from close() on another thread

    def connection(self, context: ForkServerContext | SpawnContext, memory_mb: int) -> Connection:
        """The pipe to a live, ready child, starting one if needed."""
        with self._lock:
            if self._process is not None and self._process.is_alive() and self._conn is not None:
                return self._conn
        self.stop()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_worker.serve, args=(theirs, memory_mb, os.getpid()), name="pdf-extractor",
            daemon=True,
        )
        with _parent_main_hidden():
            process.start()
        theirs.close()
        with self._lock:
            self._process, self._conn, self.served = process, ours, 0
        # Wait for imports here so they never eat into a file's time budget.
        try:
            if ours.poll(STARTUP_TIMEOUT_SECONDS) and ours.recv() == "ready":
                return ours
        except (EOFError, OSError):
            pass
        exitcode = self.stop()
        raise ExtractionError(
            "server_error", f"The text extractor failed to start (exit code {exitcode})."
        )

    def stop(self, grace_seconds: float = 0.0) -> int | None:
        """Kill the child if any (after `grace_seconds` to exit by itself); return its exit code."""
        with self._lock:
            process, conn = self._process, self._conn
            self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        process.join(timeout=grace_seconds)
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        return process.exitcode


@contextmanager
def _parent_main_hidden() -> Iterator[None]:
    """Start children without the parent's `__main__`.

    multiprocessing re-imports the parent's main script in every child (and in the forkserver).
    Inside Streamlit, or a test runner that has run a Streamlit page, that script is an app
    page: importing it would run the page and start an app engine in each extraction child.
    The children only need `_worker`, so they are shown an empty main module instead.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main
