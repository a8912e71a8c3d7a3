"""The extraction child's main loop: requests in over a pipe, pages out as they are read.

Replies to one (path, filename, budget) request, in order:

    ("open", page_count, cpu_budget)        once the page count is known
    ("page", number, text)                  each page as soon as it is read
    ("done", warnings, ocr_pages, ocr_seconds) | ("error", code, message) | ("memory",)

The child bounds itself: RLIMIT_AS caps its memory, and RLIMIT_CPU, raised for each file to what
the file's budget allows, makes the kernel stop it (SIGXCPU) when a file exceeds its CPU time;
the parent then reports the budget and the page reached. It dies with the engine: a watchdog
thread exits the moment the engine's process is gone (children are forked by multiprocessing's
forkserver, which outlives a killed engine, so the parent-death signal alone would not do), and
PR_SET_PDEATHSIG (Linux) covers the forkserver dying.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import os
import resource
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from ._document import Budget, ExtractionError
from ._pdf import OcrPolicy
from .extract import open_document  # imports PDFium and pypdf before "ready", off any file's clock

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.25
NICENESS = 5  # added to the engine's: extraction yields the CPU to answering runs
_served = 0  # files this child has read: OCR out of memory in a reused child ends the file
_memory_limit_mb: int | None = None


def serve(conn: Connection, memory_limit_mb: int, engine_pid: int | None = None) -> None:
    """Answer requests until the pipe closes; exit after a MemoryError or with the engine."""
    _die_with_parent()
    if engine_pid is not None:
        threading.Thread(target=_watch, args=(engine_pid,), name="engine-watch",
                         daemon=True).start()
    # Below the engine, whose runs answer people, above the embedding child (nice 10): the
    # budgets are CPU time, so a file read more slowly on a busy machine still fits its own.
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    global _served, _memory_limit_mb
    _memory_limit_mb = memory_limit_mb
    limit = memory_limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a child stopped by SIGXCPU dumps nothing
    # Ctrl-C is the parent's business; it stops us by closing the pipe or killing us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Broken files make pypdf log by the thousand, errors it recovers from included; what
    # matters about a file travels back through the pipe.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    conn.send("ready")
    while True:
        try:
            data_path, filename, budget = conn.recv()
        except EOFError:
            return
        reply = _extract(conn, Path(data_path), filename, budget)
        _served += 1
        try:
            conn.send(reply)
        except MemoryError:
            reply = ("memory",)
            conn.send(reply)
        if reply[0] == "memory":
            return


def _extract(conn: Connection, path: Path, filename: str, budget: Budget) -> tuple[object, ...]:
    start = cpu_seconds()
    allowed = budget.cpu_seconds  # opening the file and counting its pages come out of the base
    _allow_cpu(start + allowed)

    def before_ocr() -> None:
        nonlocal allowed
        allowed += budget.ocr_seconds_per_page
        _allow_cpu(start + allowed)

    policy = OcrPolicy(budget.ocr, budget.ocr_seconds_per_page, budget.ocr_max_pages,
                       budget.pdfium, memory_error_ends_file=_served > 0,
                       memory_limit_mb=_memory_limit_mb)
    try:
        reading = open_document(path, filename, policy, before_ocr)
        allowed = budget.for_pages(reading.page_count)
        _allow_cpu(start + allowed)
        conn.send(("open", reading.page_count, allowed))
        for page in reading.pages():
            conn.send(("page", page.number, page.text))
        return ("done", reading.warnings, reading.ocr_pages, reading.ocr_seconds)
    except ExtractionError as exc:
        return ("error", exc.code, exc.message)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # open_document should not raise anything else; be sure
        return ("error", "server_error", f"Extraction failed unexpectedly ({exc!r:.200}).")
    finally:
        _allow_cpu(math.inf)


def cpu_seconds() -> float:
    """CPU time this process has used, user and system, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _allow_cpu(until: float) -> None:
    """Let the kernel stop us (SIGXCPU) once our CPU time reaches `until` seconds."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = hard if math.isinf(until) else math.ceil(until)
    if hard != resource.RLIM_INFINITY and soft > hard:
        soft = hard
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _watch(engine_pid: int) -> None:
    """Exit at once when the engine is gone, even mid-page (PDFium calls release the GIL)."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(engine_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass  # alive, but not ours to signal


def _die_with_parent() -> None:
    """Ask Linux to kill us when our parent dies; elsewhere the closed pipe stops us."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
