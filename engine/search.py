"""Retrieval over vector stores: lexical BM25 and dense vectors, fused by reciprocal rank.

Four rankings of a store's chunks are fused (Cormack et al.'s reciprocal rank fusion, k=60):

- BM25 over the chunks;
- BM25 over whole pages: a page's table header and its rows, or a section's heading and its
  text, count together even where a chunk edge separates them (a chunk takes its best page);
- BM25 over the labels of each chunk's table rows ("Net cash from operations"), with half a
  vote (ROW_LABEL_WEIGHT): on a page of forty figures the words of the row asked for weigh
  little in the text's BM25;
- cosine similarity of the question to the file's passages (a chunk takes its best passage),
  from a local multilingual model, so paraphrases and other languages find their page.

Each lexical score adds the BM25 of the question against the chunk's document title (its name
and opening page) within the searched stores: in a store of several documents, a question
naming one ("Apple's revenue") prefers that document's chunks, which rarely repeat its name;
in a one-document store it changes nothing. A question about "the latest" or "most recent"
document gets one more ranking: the chunks of the document dated newest (its name and opening
page, engine/retrieval/recency.py). Words that point at a document rather than ask ("as
stated in the most recent 10-Q report", "according to the manual") are matched against titles
only (engine/retrieval/source_words.py). Every statistic comes from the searched stores
alone, so a store's results never depend on other stores. Overlapping neighbours of a chosen
chunk are skipped, so the top results cover distinct passages.

`search_mode` (an extension of the search request): "lexical", "semantic" or "hybrid"
(default). Dense ranking joins once every file of the searched stores has its vectors; until
then (an older store being embedded in the background) search is lexical.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any, Literal

import numpy as np

from core.types.vector_stores import ComparisonFilter, CompoundFilter
from engine.retrieval import embedder
from engine.retrieval.index import (
    ChunkPart,
    DensePart,
    FileKey,
    PagePart,
    chunk_part,
    dense_part,
    file_keys,
    page_part,
)
from engine.retrieval.lexical import Postings, bm25, build_postings, query_terms
from engine.retrieval.recency import asks_for_latest, newest
from engine.retrieval.source_words import asks_for_opening, without_pointers

SearchMode = Literal["lexical", "semantic", "hybrid"]
RRF_K = 60  # the constant of reciprocal rank fusion (Cormack, Clarke & Büttcher 2009)
TITLE_WEIGHT = 1.0  # a title match counts as much as the same match in the chunk itself
# The chunks whose table rows are labelled with the question's words get half a vote in the
# fusion: the labels add evidence for a table page, whose words the text's other figures and
# headings dilute, without outvoting the text itself.
ROW_LABEL_WEIGHT = 0.5

__all__ = ["Hit", "SearchMode", "matches", "query_terms", "search_stores"]


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

    @property
    def pages(self) -> list[int]:
        if self.page_start is None:
            return []
        return list(range(self.page_start, (self.page_end or self.page_start) + 1))

    def as_result(self, *, with_content: bool = True) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "filename": self.filename,
            "score": round(self.score, 6),
            "attributes": self.attributes,
            "content": [{"type": "text", "text": self.text}] if with_content else [],
        }


@dataclass
class _Parts:
    keys: list[FileKey]
    chunks: list[ChunkPart]
    pages: list[PagePart]
    dense: list[DensePart | None]
    titles: Postings


def _load(conn: sqlite3.Connection, store_ids: list[str]) -> _Parts:
    keys = file_keys(conn, store_ids)
    chunks = [chunk_part(conn, k) for k in keys]
    pages = [page_part(conn, k.file_id) for k in keys]
    dense = [dense_part(conn, k, c) for k, c in zip(keys, chunks, strict=True)]
    return _Parts(keys, chunks, pages, dense, build_postings([c.title for c in chunks]))


def search_stores(
    conn: sqlite3.Connection,
    store_ids: list[str],
    queries: list[str],
    *,
    max_results: int = 10,
    score_threshold: float = 0.0,
    filters: ComparisonFilter | CompoundFilter | None = None,
    title_weight: float = TITLE_WEIGHT,
    mode: SearchMode = "hybrid",
) -> list[Hit]:
    """The best chunks for any of `queries` across `store_ids`, best first.

    With several queries, each gets its turn in picking results (its best, then everyone's
    second best…), so one wordy query cannot crowd out the others.
    """
    if not store_ids or not queries:
        return []
    parts = _load(conn, store_ids)
    if not parts.keys:
        return []
    best: dict[tuple[int, int], float] = {}
    per_query: list[list[tuple[int, int]]] = []
    for query in queries:
        ranked = _rank(parts, query, title_weight, mode)
        per_query.append([])
        for where, score in ranked:
            if score < score_threshold:
                continue
            if filters is not None and not matches(filters, _attributes(parts, where)):
                continue
            per_query[-1].append(where)
            best[where] = max(best.get(where, 0.0), score)
    chosen: list[tuple[int, int]] = []
    for turn in zip_longest(*per_query):
        for where in turn:
            if where is None or where in chosen or len(chosen) >= max_results:
                continue
            if not _overlaps_chosen(parts, where, chosen):
                chosen.append(where)
    chosen.sort(key=lambda w: (-best[w], int(parts.chunks[w[0]].ids[w[1]])))
    return [_hit(parts, where, best[where]) for where in chosen]


def _rank(parts: _Parts, query: str, title_weight: float,
          mode: SearchMode) -> list[tuple[tuple[int, int], float]]:
    """(file position, chunk position) → fused score in (0, 1], best first."""
    terms = query_terms(query)
    # "…as stated in the most recent 10-Q report" says which document, matched against titles
    # only: in the text it finds the pages about the document itself (its certifications).
    asked = without_pointers(query)
    body_terms = [t for t in query_terms(asked) if t in terms] or terms
    if not set(body_terms) < set(terms):
        asked = query
    rankings: list[tuple[float, list[np.ndarray]]] = []  # (weight, scores)
    if mode != "semantic" or not _all_dense(parts):
        titles = bm25([parts.titles], terms)[0] * title_weight if title_weight else None
        chunk_scores = bm25([c.postings for c in parts.chunks], body_terms)
        page_scores = bm25([p.postings for p in parts.pages], body_terms)
        per_chunk_page = [
            _best_page_score(c, p, s) for c, p, s in zip(parts.chunks, parts.pages, page_scores,
                                                        strict=True)
        ]
        if titles is not None:
            chunk_scores = _with_title(chunk_scores, titles)
            per_chunk_page = _with_title(per_chunk_page, titles)
        rankings += [(1.0, chunk_scores), (1.0, per_chunk_page),
                     (ROW_LABEL_WEIGHT, bm25([c.labels for c in parts.chunks], body_terms))]
        latest = _latest(parts, titles) if asks_for_latest(query) else None
        if latest is not None:
            # "The latest report": one more vote, the newest document's chunks in their
            # lexical order, as a title match is one more vote for the document it names.
            rankings.append((1.0, [s if i == latest else np.zeros_like(s)
                                   for i, s in enumerate(chunk_scores)]))
        if asks_for_opening(query):
            # "The share count on the cover page": one more vote, each document's opening
            # page's chunks in their lexical order (every one of them, matched or not).
            rankings.append((1.0, [_opening_scores(c, s) for c, s in
                                   zip(parts.chunks, chunk_scores, strict=True)]))
    if mode != "lexical" and _all_dense(parts):
        vector = embedder.embed_query(asked)
        if vector is not None:
            rankings.append((1.0, [_dense_scores(c, d, vector) for c, d in
                                   zip(parts.chunks, parts.dense, strict=True)
                                   if d is not None]))
    return _fuse(rankings)


def _latest(parts: _Parts, titles: np.ndarray | None) -> int | None:
    """The newest of the documents the question names ("Apple's latest 10-Q": Apple's), or of
    all of them when it names none."""
    best = float(titles.max()) if titles is not None and len(titles) else 0.0
    # Every filing's opening page says "10-Q": the documents named are those whose title
    # matches about as well as the best one's.
    named = [i for i in range(len(parts.chunks))
             if titles is not None and best > 0 and titles[i] >= 0.5 * best]
    among = named or list(range(len(parts.chunks)))
    found = newest([parts.chunks[i].title for i in among])
    return None if found is None else among[found]


def _opening_scores(chunks: ChunkPart, scores: np.ndarray) -> np.ndarray:
    """The chunks of a document's first page, in the order of their lexical `scores` (a
    chunk the question's words miss still counts, after those they match); 0 for the rest."""
    numbered = [p for p in chunks.page_start if p is not None]
    if not numbered:
        return np.zeros(len(chunks.ids), dtype=np.float32)
    first = min(numbered)
    opening = np.asarray([p == first for p in chunks.page_start], dtype=bool)
    ceiling = float(scores.max()) + 1.0 if len(scores) else 1.0
    return np.where(opening, scores + ceiling, 0.0).astype(np.float32)


def _all_dense(parts: _Parts) -> bool:
    return all(d is not None for d in parts.dense)


def _with_title(scores: list[np.ndarray], titles: np.ndarray) -> list[np.ndarray]:
    """Add each document's title score to its chunks that match the question at all."""
    return [np.where(s > 0, s + titles[i], 0.0) for i, s in enumerate(scores)]


def _best_page_score(chunks: ChunkPart, pages: PagePart, scores: np.ndarray) -> np.ndarray:
    """Each chunk's best score among the pages it spans."""
    out = np.zeros(len(chunks.ids), dtype=np.float32)
    if len(pages.numbers) == 0:
        return out
    chunk_positions, page_positions = chunks.page_pairs(pages.numbers)
    np.maximum.at(out, chunk_positions, scores[page_positions])
    return out


def _dense_scores(chunks: ChunkPart, dense: DensePart, vector: np.ndarray) -> np.ndarray:
    """Each chunk's best passage similarity (-1 for chunks holding no embedded passage)."""
    out = np.full(len(chunks.ids), -1.0, dtype=np.float32)
    if len(dense.pair_passages):
        similarity = dense.vectors @ vector
        np.maximum.at(out, dense.pair_chunks, similarity[dense.pair_passages])
    return out


def _fuse(rankings: list[tuple[float, list[np.ndarray]]]) -> list[tuple[tuple[int, int], float]]:
    """Weighted reciprocal rank fusion of several rankings of the same chunks, scaled to
    (0, 1]: 1 for a chunk first in every ranking."""
    if not rankings:
        return []
    sizes = [len(scores) for scores in rankings[0][1]]
    fused = np.zeros(sum(sizes), dtype=np.float64)
    for weight, ranking in rankings:
        flat = np.concatenate(ranking) if ranking else np.zeros(0)
        order = np.argsort(-flat, kind="stable")
        order = order[flat[order] > 0]
        fused[order] += weight / (RRF_K + np.arange(1, len(order) + 1))
    top = sum(weight for weight, _ in rankings) / (RRF_K + 1)
    starts = np.cumsum([0, *sizes])
    ranked = np.argsort(-fused, kind="stable")
    ranked = ranked[fused[ranked] > 0]
    files = np.searchsorted(starts, ranked, side="right") - 1
    return [((int(f), int(i - starts[f])), float(fused[i] / top))
            for f, i in zip(files.tolist(), ranked.tolist(), strict=True)]


def _overlaps_chosen(parts: _Parts, where: tuple[int, int], chosen: list[tuple[int, int]]) -> bool:
    """True when an already chosen chunk of the same file shares text with this one."""
    if parts.keys[where[0]].overlap <= 0:
        return False
    index = int(parts.chunks[where[0]].indexes[where[1]])
    return any(f == where[0] and abs(int(parts.chunks[f].indexes[c]) - index) == 1
               for f, c in chosen)


def _attributes(parts: _Parts, where: tuple[int, int]) -> dict[str, Any]:
    key, chunks = parts.keys[where[0]], parts.chunks[where[0]]
    first, last = chunks.page_start[where[1]], chunks.page_end[where[1]]
    if first is None:
        return dict(key.attributes)
    last = last or first
    return {**key.attributes, "page_start": first, "page_end": last,
            "pages": ",".join(str(p) for p in range(first, last + 1))}


def _hit(parts: _Parts, where: tuple[int, int], score: float) -> Hit:
    key, chunks = parts.keys[where[0]], parts.chunks[where[0]]
    return Hit(
        chunk_id=int(chunks.ids[where[1]]), vector_store_id=key.vector_store_id,
        file_id=key.file_id, filename=key.filename, score=min(score, 1.0),
        text=chunks.texts[where[1]], page_start=chunks.page_start[where[1]],
        page_end=chunks.page_end[where[1]], attributes=_attributes(parts, where),
        title=chunks.title,
    )


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
