"""Background ingestion: vector-store files move in_progress → completed / failed / cancelled.

Status lives only in `vector_store_files`; store and batch `file_counts` are computed from it on
every read, so they are exact at every moment. Extraction results are cached per file in
`file_pages`, so adding one file to several stores parses it once.

The queue in memory is only a copy of the `in_progress` rows: a stop (graceful or kill -9) leaves
unfinished files `in_progress`, and the next start queues them again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from engine.blobs import BlobStore
from engine.db import Database
from engine.ingest import (
    Budget,
    ExtractedDocument,
    ExtractionError,
    ExtractorPool,
    PageText,
    chunk_pages,
)
from engine.retrieval.index import warm
from engine.settings import EngineSettings
from engine.stopping import join_within

log = logging.getLogger("engine.ingestion")

TITLE_CHARS = 1200
MAX_ATTEMPTS = 3  # times a file's reading may be started before it fails for good
PROGRESS_SECONDS = 0.5  # how often per-page progress is written


def budget_of(settings: EngineSettings) -> Budget:
    """The per-file extraction budget the settings describe."""
    return Budget(
        cpu_seconds=settings.ingest_cpu_seconds,
        cpu_seconds_per_page=settings.ingest_cpu_seconds_per_page,
        max_cpu_seconds=settings.ingest_max_cpu_seconds,
        ocr=settings.ingest_ocr,
        ocr_seconds_per_page=settings.ingest_ocr_seconds_per_page,
        ocr_max_pages=settings.ingest_ocr_max_pages,
    )


class IngestionService:
    """A queue of (vector_store_id, file_id) jobs worked by a few threads over an extractor pool."""

    def __init__(
        self, settings: EngineSettings, db: Database, blobs: BlobStore,
        on_indexed: Callable[[str], None] | None = None,
        on_settled: Callable[[str], None] | None = None,
    ):
        self._db, self._blobs = db, blobs
        self._on_indexed = on_indexed  # told each file id once its text is searchable
        self._on_settled = on_settled  # told the store id once one of its files is done
        self._pool = ExtractorPool(
            workers=settings.ingest_workers,
            budget=budget_of(settings),
            memory_limit_mb=settings.ingest_memory_mb,
        )
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._work, name=f"ingest-{i}", daemon=True)
            for i in range(settings.ingest_workers)
        ]
        # Files just indexed whose search parts one thread builds beside the indexing.
        self._warm_jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._warmer = threading.Thread(target=self._warm, name="search-parts", daemon=True)
        self._file_locks: dict[str, threading.Lock] = {}
        self._file_locks_guard = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._warmer.start()
        # Work interrupted by a crash or restart resumes.
        rows = self._db.read().execute(
            "SELECT vector_store_id, file_id FROM vector_store_files WHERE status = 'in_progress'"
            " ORDER BY seq"
        )
        for row in rows.fetchall():
            self.enqueue(row[0], row[1])

    def begin_stop(self) -> None:
        """Take no new job from now on; files being indexed go on. Returns at once."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        for _ in self._threads:  # wake idle workers; busy ones look at the flag after their job
            self._jobs.put(None)
        self._warm_jobs.put(None)

    def stop(self, deadline: float | None = None) -> None:
        """Stop taking jobs, let files in flight finish until `deadline` (time.monotonic()), then
        stop the extractors. Whatever is unfinished stays `in_progress` for the next start."""
        self.begin_stop()
        join_within(self._threads, deadline, self._pool.close)

    def enqueue(self, vector_store_id: str, file_id: str) -> None:
        if self._stopping.is_set():
            return  # the row is in_progress: the next start queues it
        self._jobs.put((vector_store_id, file_id))

    def pending(self) -> int:
        return self._jobs.qsize()

    def _work(self) -> None:
        while not self._stopping.is_set():
            job = self._jobs.get()
            if job is None or self._stopping.is_set():
                return  # a job left in the queue stays in_progress in the database
            try:
                self._ingest(*job)
            except Exception:
                if self._stopping.is_set():  # the database or the extractors closed under us
                    log.info("indexing of %s stopped by the engine's shutdown", job[1])
                    return
                log.exception("ingestion of %s into %s failed unexpectedly", job[1], job[0])
                self._finish_failed(*job, "server_error", "The engine failed while indexing.")
            if self._on_settled is not None:
                self._on_settled(job[0])

    def _ingest(self, vector_store_id: str, file_id: str) -> None:
        conn = self._db.read()
        job = conn.execute(
            "SELECT vsf.chunk_max, vsf.chunk_overlap, f.filename FROM vector_store_files vsf"
            " JOIN files f ON f.id = vsf.file_id"
            " WHERE vsf.vector_store_id = ? AND vsf.file_id = ? AND vsf.status = 'in_progress'",
            (vector_store_id, file_id),
        ).fetchone()
        if job is None:  # deleted or cancelled while queued
            return
        try:
            document = self._document(file_id, job["filename"])
        except ExtractionError as exc:
            if self._stopping.is_set() and exc.code == "server_error":
                return  # the extractor was stopped under this file: it resumes at the next start
            self._finish_failed(vector_store_id, file_id, exc.code, exc.message)
            return
        title = _title(job["filename"], document)
        with self._db.write() as wconn:
            still = wconn.execute(
                "SELECT 1 FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?"
                " AND status = 'in_progress'",
                (vector_store_id, file_id),
            ).fetchone()
            if still is None:
                return
            usage = 0
            # Chunks are made as they are stored: memory holds one chunk, not the document's.
            for chunk in chunk_pages(
                document.pages, max_tokens=job["chunk_max"], overlap_tokens=job["chunk_overlap"]
            ):
                cursor = wconn.execute(
                    "INSERT INTO chunks (vector_store_id, file_id, idx, text, page_start,"
                    " page_end, tokens) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (vector_store_id, file_id, chunk.index, chunk.text, chunk.page_start,
                     chunk.page_end, chunk.token_count),
                )
                wconn.execute(
                    "INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)", (cursor.lastrowid, chunk.text)
                )
                usage += len(chunk.text.encode())
            wconn.execute(
                "INSERT INTO titles_fts (rowid, title) SELECT seq, ? FROM vector_store_files"
                " WHERE vector_store_id = ? AND file_id = ?", (title, vector_store_id, file_id),
            )
            warning = "; ".join(document.warnings)
            wconn.execute(
                "UPDATE vector_store_files SET status = 'completed', usage_bytes = ?,"
                " pages_done = pages_total, error_code = ?, error_message = ?"
                " WHERE vector_store_id = ? AND file_id = ?",
                (usage, "invalid_file" if warning else None,
                 f"Indexed, except {warning}." if warning else None, vector_store_id, file_id),
            )
        if self._on_indexed is not None:
            self._on_indexed(file_id)
        self._warm_jobs.put((vector_store_id, file_id))

    def _warm(self) -> None:
        """Build each just-indexed file's search parts, so its first question need not."""
        while not self._stopping.is_set():
            job = self._warm_jobs.get()
            if job is None or self._stopping.is_set():
                return
            try:  # the file is indexed: a failure here only leaves the first search to build
                warm(self._db.read(), *job)
            except Exception:
                log.exception("building the search parts of %s failed", job[1])

    def _document(self, file_id: str, filename: str) -> ExtractedDocument:
        """Pages of a file, extracted once and cached; concurrent jobs for one file wait.

        A failure that lies in the file is kept, so the file is not read again (at the next
        start, or for another store); a file whose reading was started `MAX_ATTEMPTS` times
        without finishing (the engine died each time) fails too.
        """
        with self._file_locks_guard:
            lock = self._file_locks.setdefault(file_id, threading.Lock())
        with lock:
            conn = self._db.read()
            state = conn.execute(
                "SELECT attempts, error_code, error_message, warning FROM file_extractions"
                " WHERE file_id = ?", (file_id,),
            ).fetchone()
            if state is not None and state["error_code"]:
                raise ExtractionError(state["error_code"], state["error_message"])
            rows = conn.execute(
                "SELECT page, text FROM file_pages WHERE file_id = ? ORDER BY page", (file_id,)
            ).fetchall()
            if rows:
                pages = [PageText(number=r["page"], text=r["text"]) for r in rows]
                warnings = [state["warning"]] if state is not None and state["warning"] else []
                return ExtractedDocument(pages=pages, page_count=len(pages), warnings=warnings)
            path: Path = self._blobs.path(file_id)
            if not path.exists():
                raise ExtractionError("server_error", "The file's content is missing.")
            attempts = (state["attempts"] if state is not None else 0) + 1
            if attempts > MAX_ATTEMPTS:
                self._keep_failure(file_id, ExtractionError(
                    "invalid_file",
                    f"Reading this file was started {MAX_ATTEMPTS} times and never finished (the"
                    " engine stopped during each); it is not tried again.",
                ))
            with self._db.write() as wconn:
                wconn.execute(
                    "INSERT INTO file_extractions (file_id, attempts) VALUES (?, ?)"
                    " ON CONFLICT (file_id) DO UPDATE SET attempts = excluded.attempts",
                    (file_id, attempts),
                )
            try:
                document = self._pool.extract(path, filename, self._progress_writer(file_id))
            except ExtractionError as exc:
                if exc.code == "server_error":  # ours, not the file's: try again another time
                    self._set_attempts(file_id, attempts - 1)
                    raise
                self._keep_failure(file_id, exc)
            with self._db.write() as wconn:
                wconn.executemany(
                    "INSERT OR REPLACE INTO file_pages (file_id, page, text) VALUES (?, ?, ?)",
                    [(file_id, p.number, p.text) for p in document.pages],
                )
                wconn.execute(
                    "UPDATE file_extractions SET attempts = 0, warning = ? WHERE file_id = ?",
                    ("; ".join(document.warnings) or None, file_id),
                )
            return document

    def _keep_failure(self, file_id: str, error: ExtractionError) -> NoReturn:
        with self._db.write() as wconn:
            wconn.execute(
                "UPDATE file_extractions SET error_code = ?, error_message = ? WHERE file_id = ?",
                (error.code, error.message, file_id),
            )
        raise error

    def _set_attempts(self, file_id: str, attempts: int) -> None:
        with self._db.write() as wconn:
            wconn.execute("UPDATE file_extractions SET attempts = ? WHERE file_id = ?",
                          (attempts, file_id))

    def _progress_writer(self, file_id: str) -> Callable[[int, int], None]:
        """A pool progress callback that writes pages read to the file's in-progress rows."""
        last = 0.0

        def write(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done not in (0, total) and now - last < PROGRESS_SECONDS:
                return
            last = now
            with self._db.write() as wconn:
                wconn.execute(
                    "UPDATE vector_store_files SET pages_done = ?, pages_total = ?"
                    " WHERE file_id = ? AND status = 'in_progress'",
                    (done, total, file_id),
                )

        return write

    def _finish_failed(self, vector_store_id: str, file_id: str, code: str, message: str) -> None:
        with self._db.write() as conn:
            conn.execute(
                "UPDATE vector_store_files SET status = 'failed', error_code = ?, error_message = ?"
                " WHERE vector_store_id = ? AND file_id = ? AND status = 'in_progress'",
                (code, message, vector_store_id, file_id),
            )


def _title(filename: str, document: ExtractedDocument) -> str:
    """What a chunk is indexed under besides its text: the file name and the document's opening."""
    stem = filename.rsplit(".", 1)[0].replace("_", " ")
    opening = next((p.text for p in document.pages if p.text.strip()), "")
    return f"{stem}\n{' '.join(opening.split())[:TITLE_CHARS]}"
