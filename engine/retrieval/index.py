"""Each searched store's parts, built from the database once and cached until they change.

A store is searched as the files it holds. Per vector-store file we keep its chunks (with an
inverted index over them), its document title, and, once the file is embedded, its passage
vectors mapped onto its chunks; per file we keep an inverted index over its whole pages. Parts
are keyed by what they were built from (chunk ids, vector counts), so a change to a store
rebuilds only the parts it touched, and nothing is shared between stores except what is the
same file's own text.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.llm._tables import Row
from engine.llm._tables import rows as table_rows
from engine.retrieval.embedder import DIMENSIONS, MODEL_ID
from engine.retrieval.lexical import Postings, build_postings

# Parts cached at most (a 50-page report is ~150 chunks): bounds the engine's memory.
MAX_CACHED_CHUNKS = 300_000
_HEAD_CHARS = 48  # a passage's opening, looked for in a chunk to tell which chunks hold it


@dataclass(frozen=True)
class FileKey:
    """A vector-store file as found at search time: identity and what its parts depend on."""

    vector_store_id: str
    file_id: str
    filename: str
    attributes: dict[str, Any]
    seq: int
    chunk_count: int
    chunk_max_id: int
    overlap: int
    vector_count: int  # passages with vectors; -1 when the file is not embedded


@dataclass(frozen=True)
class ChunkPart:
    ids: np.ndarray  # chunk ids, in document order
    indexes: np.ndarray  # chunk idx
    page_start: list[int | None]
    page_end: list[int | None]
    texts: list[str]
    postings: Postings
    title: str
    labels: Postings  # the labels of each chunk's table rows (`row_labels`), as one text
    _pairs: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False)

    def page_pairs(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(chunk position, page position) pairs: the pages (positions in `numbers`) each
        chunk spans."""
        found = self._pairs.get(len(numbers))
        if found is not None:
            return found
        where = {int(n): i for i, n in enumerate(numbers.tolist())}
        chunk_positions, page_positions = [], []
        for c, (first, last) in enumerate(zip(self.page_start, self.page_end, strict=True)):
            if first is None:
                continue
            for page in range(first, (last or first) + 1):
                if page in where:
                    chunk_positions.append(c)
                    page_positions.append(where[page])
        pairs = (np.asarray(chunk_positions, dtype=np.int64),
                 np.asarray(page_positions, dtype=np.int64))
        self._pairs[len(numbers)] = pairs
        return pairs


@dataclass(frozen=True)
class PagePart:
    numbers: np.ndarray  # page numbers in order
    postings: Postings


@dataclass(frozen=True)
class DensePart:
    vectors: np.ndarray  # passages × DIMENSIONS, float32, L2-normalised
    # (passage, chunk position) pairs: which chunks hold each passage
    pair_passages: np.ndarray
    pair_chunks: np.ndarray


class PartCache:
    """An LRU of built parts, bounded by the chunks they hold."""

    def __init__(self, max_chunks: int = MAX_CACHED_CHUNKS):
        self._parts: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self._weight = 0
        self._max = max_chunks
        self._lock = threading.Lock()

    def get(self, key: tuple, build: Any, weight: int) -> Any:
        with self._lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                return found[1]
        value = build()  # outside the lock: a big store must not stall other searches
        with self._lock:
            if key not in self._parts:
                self._parts[key] = (weight, value)
                self._weight += weight
            while self._weight > self._max and len(self._parts) > 1:
                _, (old_weight, _) = self._parts.popitem(last=False)
                self._weight -= old_weight
        return value

    def __contains__(self, key: tuple) -> bool:
        with self._lock:
            return key in self._parts

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._weight = 0


CACHE = PartCache()


def file_keys(conn: sqlite3.Connection, store_ids: list[str]) -> list[FileKey]:
    """The completed files of the stores, with the fingerprints their parts are keyed by."""
    import json

    marks = ",".join("?" * len(store_ids))
    rows = conn.execute(
        "SELECT vsf.vector_store_id, vsf.file_id, f.filename, vsf.attributes, vsf.seq,"
        " vsf.chunk_overlap, (SELECT count(*) FROM chunks c WHERE c.vector_store_id ="
        " vsf.vector_store_id AND c.file_id = vsf.file_id) AS n,"
        " (SELECT max(id) FROM chunks c WHERE c.vector_store_id = vsf.vector_store_id"
        " AND c.file_id = vsf.file_id) AS m,"
        # Vectors of another model (an older version of the engine's) are not comparable with
        # this one's questions: such a file counts as not embedded until it is embedded again.
        " (SELECT passages FROM file_embeddings fe WHERE fe.file_id = vsf.file_id"
        " AND fe.model = ?) AS v"
        " FROM vector_store_files vsf JOIN files f ON f.id = vsf.file_id"
        f" WHERE vsf.vector_store_id IN ({marks}) AND vsf.status = 'completed'"
        " ORDER BY vsf.seq",
        [MODEL_ID, *store_ids],
    ).fetchall()
    return [
        FileKey(r[0], r[1], r[2], json.loads(r[3]) if r[3] else {}, r[4], r[6] or 0, r[7] or 0,
                r[5], -1 if r[8] is None else r[8])
        for r in rows if r[6]
    ]


def row_labels(text: str) -> str:
    """The labels of the rows of the tables in `text` ("Net cash from operations",
    "Inventories"): rows under column headings (periods, dates, years), and runs of at least
    MIN_TABLE_ROWS rows in a row with as many figures each (a table whose headings stand in
    the chunk before). A question names a figure by its row's label, and a table page's other
    words (dozens of figures, headings) bury that label in its text's length. Lone lines that
    end in figures (a wrapped sentence, a line of a formula) are no table."""
    kept: list[Row] = []
    run: list[Row] = []
    for row in [*(row for row in table_rows(text) if not row.named), None]:
        if (row is not None and run and len(run[-1].figures) == len(row.figures)
                and not text[run[-1].end:row.start].strip()):
            run.append(row)
            continue
        if len(run) >= MIN_TABLE_ROWS or (run and run[0].columns):
            kept += run
        run = [row] if row is not None else []
    return " ".join(row.label for row in kept)


MIN_TABLE_ROWS = 3


def chunk_part(conn: sqlite3.Connection, key: FileKey) -> ChunkPart:
    def build() -> ChunkPart:
        rows = conn.execute(
            "SELECT id, idx, page_start, page_end, text FROM chunks"
            " WHERE vector_store_id = ? AND file_id = ? ORDER BY idx",
            (key.vector_store_id, key.file_id),
        ).fetchall()
        title = conn.execute("SELECT title FROM titles_fts WHERE rowid = ?", (key.seq,)).fetchone()
        texts = [r["text"] for r in rows]
        return ChunkPart(
            ids=np.asarray([r["id"] for r in rows], dtype=np.int64),
            indexes=np.asarray([r["idx"] for r in rows], dtype=np.int32),
            page_start=[r["page_start"] for r in rows],
            page_end=[r["page_end"] for r in rows],
            texts=texts,
            postings=build_postings(texts),
            title=title[0] if title else key.filename,
            labels=build_postings([row_labels(text) for text in texts]),
        )

    part: ChunkPart = CACHE.get(chunk_key(key), build, key.chunk_count)
    return part


def chunk_key(key: FileKey) -> tuple:
    """What a file's chunk part is cached under: it is rebuilt when its chunks change."""
    return ("chunks", key.vector_store_id, key.file_id, key.chunk_count, key.chunk_max_id)


def warm(conn: sqlite3.Connection, vector_store_id: str, file_id: str) -> None:
    """Build a just-indexed file's lexical parts now, so its first question does not wait for
    them (reading a chunk's table rows takes a few milliseconds each)."""
    for key in file_keys(conn, [vector_store_id]):
        if key.file_id == file_id:
            chunk_part(conn, key)
            page_part(conn, file_id)


def page_part(conn: sqlite3.Connection, file_id: str) -> PagePart:
    count = conn.execute("SELECT count(*) FROM file_pages WHERE file_id = ?", (file_id,)).fetchone()

    def build() -> PagePart:
        rows = conn.execute(
            "SELECT page, text FROM file_pages WHERE file_id = ? ORDER BY page", (file_id,)
        ).fetchall()
        return PagePart(np.asarray([r["page"] for r in rows], dtype=np.int32),
                        build_postings([r["text"] for r in rows]))

    part: PagePart = CACHE.get(("pages", file_id, count[0]), build, count[0])
    return part


def dense_part(conn: sqlite3.Connection, key: FileKey, chunks: ChunkPart) -> DensePart | None:
    if key.vector_count < 0:
        return None

    def build() -> DensePart:
        rows = conn.execute(
            "SELECT pv.page, pv.start, pv.end, pv.vector, fp.text FROM passage_vectors pv"
            " JOIN file_pages fp ON fp.file_id = pv.file_id AND fp.page = pv.page"
            " WHERE pv.file_id = ? ORDER BY pv.id", (key.file_id,),
        ).fetchall()
        vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
        flat = [" ".join(text.split()) for text in chunks.texts]
        holders: list[list[int]] = []
        for i, row in enumerate(rows):
            vectors[i] = np.frombuffer(row["vector"], dtype=np.float16)
            passage = " ".join(row["text"][row["start"]:row["end"]].split())
            holders.append(_holding_chunks(chunks, flat, row["page"], passage))
        pairs = [(p, c) for p, chunk_list in enumerate(holders) for c in chunk_list]
        return DensePart(vectors, np.asarray([p for p, _ in pairs], dtype=np.int64),
                         np.asarray([c for _, c in pairs], dtype=np.int64))

    cache_key = ("dense", key.vector_store_id, key.file_id, key.chunk_max_id, key.vector_count)
    part: DensePart = CACHE.get(cache_key, build, key.vector_count)
    return part


def _holding_chunks(chunks: ChunkPart, flat: list[str], page: int, passage: str) -> list[int]:
    """Positions of the chunks that hold the opening or the end of a passage of `page` (a
    passage can straddle a chunk edge); failing both, the chunks spanning its page."""
    head, tail = passage[:_HEAD_CHARS], passage[-_HEAD_CHARS:]
    spanning = [i for i, (first, last) in enumerate(zip(chunks.page_start, chunks.page_end,
                                                        strict=True))
                if first is not None and first <= page <= (last or first)]
    holding = [i for i in spanning if head and (head in flat[i] or tail in flat[i])]
    return holding or spanning
