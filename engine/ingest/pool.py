"""Extraction in long-lived child processes, each bounded in time and memory.

A hostile or broken file can hang pypdf, exhaust memory or crash the interpreter; in a child
that costs one replaceable process, not the engine. Children are spawned by a forkserver (never
forked from the threaded server), start lazily and are reused, so a file costs one pipe round
trip on top of the extraction itself.
"""

from __future__ import annotations

import multiprocessing
import queue
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from . import _worker
from ._document import ExtractedDocument, ExtractionError, PageText

STARTUP_TIMEOUT_SECONDS = 60.0


class ExtractorPool:
    """A fixed number of extraction children; `extract` blocks until one is free."""

    def __init__(
        self, *, workers: int = 2, timeout_seconds: float = 120.0, memory_limit_mb: int = 2048
    ):
        self._context = _child_context()
        self._timeout = timeout_seconds
        self._memory_limit_mb = memory_limit_mb
        self._slots: queue.Queue[_Slot] = queue.Queue()
        self._all_slots = [_Slot() for _ in range(workers)]
        for slot in self._all_slots:
            self._slots.put(slot)
        self._closed = threading.Event()

    def extract(self, data_path: Path, filename: str) -> ExtractedDocument:
        """Pages of the file, extracted in a child; raises ExtractionError."""
        slot = self._slots.get()
        try:
            if self._closed.is_set():
                raise ExtractionError("server_error", "The extractor is shut down.")
            return self._run(slot, str(data_path), filename)
        finally:
            if self._closed.is_set():
                slot.stop()  # close() may have run while this slot was starting a child
            self._slots.put(slot)

    def close(self) -> None:
        """Stop every child; extractions in flight fail with server_error."""
        self._closed.set()
        for slot in self._all_slots:
            slot.stop()

    def _run(self, slot: _Slot, data_path: str, filename: str) -> ExtractedDocument:
        conn = slot.connection(self._context, self._memory_limit_mb)
        try:
            conn.send((data_path, filename))
            if not conn.poll(self._timeout):
                slot.stop()
                raise ExtractionError(
                    "invalid_file",
                    f"Gave up after {self._timeout:g} s: the PDF is too complex or damaged.",
                )
            reply = conn.recv()
        except (EOFError, OSError):
            # The pipe closes a moment before the child can be reaped; wait so its own exit
            # code, not our kill, says what happened.
            exitcode = slot.stop(grace_seconds=1.0)
            raise self._crash_error(exitcode) from None
        if reply[0] == "ok":
            pages = [PageText(number=number, text=text) for number, text in reply[1]]
            return ExtractedDocument(pages=pages, page_count=reply[2])
        if reply[0] == "memory":
            slot.stop()  # after a MemoryError the child's heap is not worth trusting
            raise self._memory_error()
        raise ExtractionError(reply[1], reply[2])

    def _crash_error(self, exitcode: int | None) -> ExtractionError:
        if self._closed.is_set():
            return ExtractionError("server_error", "The extractor was shut down mid-file.")
        if exitcode == -9:  # SIGKILL from outside is nearly always the kernel's OOM killer
            return self._memory_error()
        return ExtractionError(
            "server_error", f"The text extractor crashed on this file (exit code {exitcode})."
        )

    def _memory_error(self) -> ExtractionError:
        return ExtractionError(
            "invalid_file",
            f"Extraction exceeded the memory limit of {self._memory_limit_mb} MB:"
            " the file is too large or damaged.",
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
        self._lock = threading.Lock()  # stop() may come from close() on another thread

    def connection(self, context: ForkServerContext | SpawnContext, memory_mb: int) -> Connection:
        """The pipe to a live, ready child, starting one if needed."""
        with self._lock:
            if self._process is not None and self._process.is_alive() and self._conn is not None:
                return self._conn
        self.stop()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_worker.serve, args=(theirs, memory_mb), name="pdf-extractor", daemon=True
        )
        with _parent_main_hidden():
            process.start()
        theirs.close()
        with self._lock:
            self._process, self._conn = process, ours
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
