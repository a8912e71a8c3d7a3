"""The embedding child: loads the model once, then turns lists of passages into vectors.

It runs at a lower CPU priority than the engine, so background embedding never slows a
question's answer or a file's extraction, and in its own process, so its memory is bounded.
"""

from __future__ import annotations

import contextlib
import os
import resource
from multiprocessing.connection import Connection


def serve(conn: Connection, memory_limit_mb: int) -> None:
    with contextlib.suppress(OSError):
        os.nice(10)
    # Every core, at low priority: idle cores embed, busy ones are left to the engine. Each core
    # as a thread of our own with one BLAS thread (set before numpy loads here): BLAS's own
    # threads spin waiting for each other on a busy machine (measured: 2 of them gave 0.6-2.7
    # passages per CPU-second, one 5.4), ours just wait for the CPU.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    threads = os.cpu_count() or 1
    limit = memory_limit_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from engine.retrieval import embedder

    if not embedder.passages_available():
        conn.send(("unavailable",))
        return
    conn.send(("ready",))
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        if texts is None:
            return
        try:
            vectors = embedder.embed_passages(texts, threads=threads)
            conn.send(("ok", vectors.astype("float32").tobytes()))
        except MemoryError:
            conn.send(("error", "out of memory"))
            return
        except Exception as exc:  # report, then keep serving
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
