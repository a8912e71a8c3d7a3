"""Retrieval over vector stores: SQLite FTS5 BM25 on chunk text plus the document's title.

A chunk's relevance is its own BM25 (`chunks_fts`) plus `TITLE_WEIGHT` times its document's
title BM25 (`titles_fts`: file name and opening page, which name the company, the period, the
subject). Questions usually name the document they are about ("Apple's Q1 2023 revenue"), which
the chunk text alone rarely repeats. `benchmarks/ingest_and_search.py` measures the gain against
plain BM25 over the same chunks.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any

from core.types.vector_stores import ComparisonFilter, CompoundFilter

TITLE_WEIGHT = 4.0  # tuned on the 10-Q questions: 0.5 → 78%, 2 → 94%, 4 → 96%, 8 → 96%
SCORE_SCALE = 10.0  # bm25 → (0, 1): score = x / (x + SCORE_SCALE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "tell", "show", "give", "list", "describe", "explain", "please", "much", "many"]
)


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    vector_store_id: str
    file_id: str
    filename: str
    score: float
    text: str
    page_start: int | None
    page_end: int | None
    attributes: dict[str, Any]
    title: str = ""  # the document's name and opening lines

    def as_result(self, *, with_content: bool = True) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "filename": self.filename,
            "score": round(self.score, 6),
            "attributes": self.attributes,
            "content": [{"type": "text", "text": self.text}] if with_content else [],
        }


def query_terms(query: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(query)]
    kept = [w for w in words if w not in STOPWORDS]
    return list(dict.fromkeys(kept or words))


def _match_expression(terms: list[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _title_scores(
    conn: sqlite3.Connection, store_ids: list[str], expression: str
) -> list[tuple[str, str, float]]:
    """(store id, file id, BM25 of the question against the document's title) per matching file."""
    marks = ",".join("?" * len(store_ids))
    rows = conn.execute(
        "SELECT vsf.vector_store_id, vsf.file_id, -bm25(titles_fts) FROM titles_fts"
        " JOIN vector_store_files vsf ON vsf.seq = titles_fts.rowid"
        f" WHERE titles_fts MATCH ? AND vsf.vector_store_id IN ({marks})",
        (expression, *store_ids),
    ).fetchall()
    return [(r[0], r[1], max(float(r[2]), 0.0)) for r in rows]


def search_stores(
    conn: sqlite3.Connection,
    store_ids: list[str],
    queries: list[str],
    *,
    max_results: int = 10,
    score_threshold: float = 0.0,
    filters: ComparisonFilter | CompoundFilter | None = None,
    title_weight: float = TITLE_WEIGHT,
) -> list[Hit]:
    """The best chunks for any of `queries` across `store_ids`, best first.

    With several queries, each gets its turn in picking results (its best, then everyone's
    second best…), so one wordy query cannot crowd out the others.
    """
    if not store_ids:
        return []
    best: dict[int, Hit] = {}
    per_query: list[list[int]] = []
    seqs: dict[int, int] = {}  # chunk id → its vector-store file's row, which keys the title
    fetch = max_results * (8 if filters is not None else 1)
    marks = ",".join("?" * len(store_ids))
    for query in queries:
        terms = query_terms(query)
        if not terms:
            continue
        expression = _match_expression(terms)
        titles = _title_scores(conn, store_ids, expression) if title_weight else []
        values = ", ".join("(?, ?, ?)" for _ in titles) or "(NULL, NULL, 0.0)"
        rows = conn.execute(
            f"WITH titles(store_id, file_id, score) AS (VALUES {values})"
            " SELECT c.id, c.vector_store_id, c.file_id, c.text, c.page_start, c.page_end,"
            " -bm25(chunks_fts) + ? * COALESCE(t.score, 0.0) AS relevance,"
            " f.filename, vsf.attributes, vsf.seq AS vsf_seq"
            " FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
            " JOIN files f ON f.id = c.file_id"
            " JOIN vector_store_files vsf ON vsf.vector_store_id = c.vector_store_id"
            "  AND vsf.file_id = c.file_id"
            " LEFT JOIN titles t ON t.store_id = c.vector_store_id AND t.file_id = c.file_id"
            f" WHERE chunks_fts MATCH ? AND c.vector_store_id IN ({marks})"
            " ORDER BY relevance DESC LIMIT ?",
            (*(v for t in titles for v in t), title_weight, expression, *store_ids, fetch),
        ).fetchall()
        per_query.append([])
        for row in rows:
            x = max(row["relevance"], 0.0)
            score = x / (x + SCORE_SCALE)
            attributes = json.loads(row["attributes"]) if row["attributes"] else {}
            if row["page_start"] is not None:
                attributes = {**attributes, "page_start": row["page_start"],
                              "page_end": row["page_end"]}
            if score < score_threshold or (filters is not None and not matches(filters, attributes)):
                continue
            seqs[row["id"]] = row["vsf_seq"]
            per_query[-1].append(row["id"])
            previous = best.get(row["id"])
            if previous is None or previous.score < score:
                best[row["id"]] = Hit(row["id"], row["vector_store_id"], row["file_id"],
                                      row["filename"], score, row["text"], row["page_start"],
                                      row["page_end"], attributes)
    chosen: dict[int, None] = {}
    for turn in zip_longest(*per_query):
        for chunk_id in turn:
            if chunk_id is not None and len(chosen) < max_results:
                chosen.setdefault(chunk_id)
    ranked = sorted((best[c] for c in chosen), key=lambda h: (-h.score, h.chunk_id))
    return _with_titles(conn, ranked, seqs)


def _with_titles(conn: sqlite3.Connection, hits: list[Hit], seqs: dict[int, int]) -> list[Hit]:
    """The hits with their documents' titles, read once per document."""
    titles: dict[int, str] = {}
    for seq in {seqs[h.chunk_id] for h in hits}:
        row = conn.execute("SELECT title FROM titles_fts WHERE rowid = ?", (seq,)).fetchone()
        titles[seq] = row[0] if row else ""
    return [replace(h, title=titles[seqs[h.chunk_id]]) for h in hits]


def matches(node: ComparisonFilter | CompoundFilter, attributes: dict[str, Any]) -> bool:
    """Evaluate OpenAI's attribute filter tree against one result's attributes."""
    if isinstance(node, CompoundFilter):
        results = (matches(child, attributes) for child in node.filters)
        return all(results) if node.type == "and" else any(results)
    if node.key not in attributes:
        return node.type in ("ne", "nin")
    actual, expected = attributes[node.key], node.value
    try:
        match node.type:
            case "eq":
                return bool(actual == expected)
            case "ne":
                return bool(actual != expected)
            case "gt":
                return bool(actual > expected)  # type: ignore[operator]
            case "gte":
                return bool(actual >= expected)  # type: ignore[operator]
            case "lt":
                return bool(actual < expected)  # type: ignore[operator]
            case "lte":
                return bool(actual <= expected)  # type: ignore[operator]
            case "in":
                return actual in (expected if isinstance(expected, list) else [expected])
            case "nin":
                return actual not in (expected if isinstance(expected, list) else [expected])
    except TypeError:  # comparing a string with a number: no match rather than an error
        return False
    return False
