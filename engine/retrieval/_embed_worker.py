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
    # One BLAS thread (set before numpy loads here): on a busy machine a second thread mostly
    # spins waiting for the first (measured: 2 threads gave 0.6-2.7 passages per CPU-second
    # against 5.4 for one), and the extraction children need the other core.
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    limit = memory_limit_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from engine.retrieval import embedder

    if not embedder.available():
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
            vectors = embedder.embed_passages(texts)
            conn.send(("ok", vectors.astype("float32").tobytes()))
        except MemoryError:
            conn.send(("error", "out of memory"))
            return
        except Exception as exc:  # report, then keep serving
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
