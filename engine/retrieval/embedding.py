"""Background embedding: every indexed file's passages get vectors, one file at a time.

A file is searchable lexically as soon as its text is indexed; its vectors follow here, in a
child process at low priority, and are written in one transaction per file, so a file has all
its vectors or none. Files indexed before this existed (or while it was off) are queued at
start, so an older store becomes hybrid in the background and answers lexically meanwhile; so
are files whose vectors came from another model (`file_embeddings.model` is not `MODEL_ID`):
those are not searched until they are replaced, since a question's vector is of this model.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import numpy as np

from engine.db import Database
from engine.ingest.pool import _child_context, _parent_main_hidden
from engine.retrieval import _embed_worker
from engine.retrieval.embedder import DIMENSIONS, MODEL_ID
from engine.retrieval.passages import split_page

log = logging.getLogger("engine.retrieval")

BATCH = 16  # passages per round trip to the child
# The child runs at low priority, so on a busy machine it may wait long for a core: its limits
# are CPU time, not wall-clock time. A passage of ~200 tokens takes about 0.2 s of CPU.
STARTUP_CPU_SECONDS = 60.0
CPU_SECONDS_PER_PASSAGE = 20.0
POLL_SECONDS = 1.0
MEMORY_LIMIT_MB = 2048
ATTEMPTS = 2  # a file whose embedding failed is tried once more, at the back of the queue


def _cpu_seconds(process: BaseProcess | None) -> float | None:
    """User + system CPU time of a child, from /proc (None where that cannot be read)."""
    if process is None or process.pid is None:
        return None
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return (int(fields[11]) + int(fields[12])) / ticks


class EmbeddingService:
    """A queue of file ids worked by one thread that talks to one embedding child."""

    def __init__(self, db: Database, *, enabled: bool = True):
        self._db = db
        self._enabled = enabled
        self._jobs: queue.Queue[str | None] = queue.Queue()
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="embedding", daemon=True)
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._stopping = threading.Event()
        self.unavailable = not enabled
        self._busy = 0
        self._attempts: dict[str, int] = {}
        self.failures = 0  # files left lexical-only after their attempts
        self.passages_embedded = 0
        self.seconds_embedding = 0.0

    def start(self) -> None:
        if not self._enabled:
            return
        self._thread.start()
        self.enqueue_missing()

    def stop(self) -> None:
        self._stopping.set()
        self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._stop_child()

    def enqueue(self, file_id: str) -> None:
        if self.unavailable:
            return
        with self._lock:
            if file_id in self._queued:
                return
            self._queued.add(file_id)
        self._jobs.put(file_id)

    def enqueue_missing(self) -> None:
        """Queue every indexed file that has no vectors yet, or vectors of another model."""
        rows = self._db.read().execute(
            "SELECT DISTINCT vsf.file_id FROM vector_store_files vsf"
            " LEFT JOIN file_embeddings fe ON fe.file_id = vsf.file_id AND fe.model = ?"
            " WHERE vsf.status = 'completed' AND fe.file_id IS NULL ORDER BY vsf.seq",
            (MODEL_ID,),
        ).fetchall()
        for row in rows:
            self.enqueue(row[0])

    def pending(self) -> int:
        """Files waiting for vectors, the one being embedded included."""
        return self._jobs.qsize() + self._busy

    # --- the worker ----------------------------------------------------------------------

    def _work(self) -> None:
        while (file_id := self._jobs.get()) is not None:
            with self._lock:
                self._queued.discard(file_id)
            if self.unavailable or self._stopping.is_set():
                continue
            self._busy = 1
            try:
                done = self._embed_file(file_id)
            except Exception:
                log.exception("embedding %s failed", file_id)
                done = False
            finally:
                self._busy = 0
            if not done and not self._stopping.is_set():
                self._retry(file_id)

    def _retry(self, file_id: str) -> None:
        attempts = self._attempts.get(file_id, 0) + 1
        self._attempts[file_id] = attempts
        if attempts < ATTEMPTS:
            self.enqueue(file_id)
        else:
            self.failures += 1
            log.warning("embedding %s failed %d times; its search stays lexical", file_id,
                        attempts)

    def _embed_file(self, file_id: str) -> bool:
        """Embed one file's passages; False when it could not be done now."""
        conn = self._db.read()
        if conn.execute("SELECT 1 FROM file_embeddings WHERE file_id = ? AND model = ?",
                        (file_id, MODEL_ID)).fetchone():
            return True
        pages = conn.execute(
            "SELECT page, text FROM file_pages WHERE file_id = ? ORDER BY page", (file_id,)
        ).fetchall()
        passages = [p for row in pages for p in split_page(row["page"], row["text"])]
        texts = {row["page"]: row["text"] for row in pages}
        vectors: list[np.ndarray] = []
        started = time.perf_counter()
        for first in range(0, len(passages), BATCH):
            if self._stopping.is_set():
                return True  # unfinished: queued again at the next start
            batch = [" ".join(texts[p.page][p.start:p.end].split()) for p in
                     passages[first:first + BATCH]]
            result = self._embed(batch)
            if result is None:
                return False
            vectors.append(result)
        self.seconds_embedding += time.perf_counter() - started
        self.passages_embedded += len(passages)
        matrix = np.vstack(vectors) if vectors else np.zeros((0, DIMENSIONS), np.float32)
        with self._db.write() as wconn:
            if wconn.execute("SELECT 1 FROM files WHERE id = ?", (file_id,)).fetchone() is None:
                return True  # deleted meanwhile
            wconn.execute("DELETE FROM passage_vectors WHERE file_id = ?", (file_id,))
            wconn.executemany(
                "INSERT INTO passage_vectors (file_id, page, start, end, vector)"
                " VALUES (?, ?, ?, ?, ?)",
                [(file_id, p.page, p.start, p.end, matrix[i].astype(np.float16).tobytes())
                 for i, p in enumerate(passages)],
            )
            wconn.execute(
                "INSERT OR REPLACE INTO file_embeddings (file_id, model, passages, completed_at)"
                " VALUES (?, ?, ?, strftime('%s','now'))", (file_id, MODEL_ID, len(passages)),
            )
        return True

    def _embed(self, texts: list[str]) -> np.ndarray | None:
        conn = self._child()
        if conn is None:
            return None
        try:
            conn.send(texts)
            if not self._wait(conn, CPU_SECONDS_PER_PASSAGE * len(texts)):
                raise TimeoutError
            reply = conn.recv()
        except (EOFError, OSError, TimeoutError):
            self._stop_child()
            log.warning("the embedding child stopped or ran out of its CPU budget")
            return None
        if reply[0] != "ok":
            log.warning("embedding failed: %s", reply[1])
            self._stop_child()
            return None
        return np.frombuffer(reply[1], dtype=np.float32).reshape(len(texts), DIMENSIONS)

    def _wait(self, conn: Connection, cpu_budget: float) -> bool:
        """Wait for the child's reply while it is alive and within `cpu_budget` more seconds of
        CPU time; however long that takes on a busy machine."""
        process = self._process
        start = _cpu_seconds(process)
        while not conn.poll(POLL_SECONDS):
            if self._stopping.is_set() or process is None or not process.is_alive():
                return False
            used = _cpu_seconds(process)
            if used is not None and start is not None and used - start > cpu_budget:
                return False
        return True

    def _child(self) -> Connection | None:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop_child()
        context = _child_context()
        ours, theirs = context.Pipe()
        process = context.Process(target=_embed_worker.serve, args=(theirs, MEMORY_LIMIT_MB),
                                  name="embedder", daemon=True)
        with _parent_main_hidden():
            process.start()
        theirs.close()
        self._process, self._conn = process, ours
        try:
            ready = self._wait(ours, STARTUP_CPU_SECONDS) and ours.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            log.warning("no embedding model here; search stays lexical")
            self.unavailable = True
            self._stop_child()
            return None
        return ours

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
