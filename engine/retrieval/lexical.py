"""BM25 over an in-memory inverted index, with statistics taken from the searched parts only.

SQLite's FTS5 computes BM25 with statistics of its whole table, so one store's ranking moved
with what other stores (other users) held. Here each searched store's chunks (or pages) are the
collection: the same question over the same store always ranks the same way.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from engine.llm._terms import is_number, stem
from engine.llm._terms import terms as _content_terms

K1 = 1.2  # BM25's usual term-frequency saturation and length normalisation
B = 0.75


def index_terms(text: str) -> list[str]:
    """The terms a text is indexed under (the answerer's own terms, so both agree)."""
    return _content_terms(text)


@dataclass(frozen=True)
class Postings:
    """An inverted index over `size` units (chunks or pages): term → units and frequencies."""

    vocabulary: dict[str, int]
    offsets: np.ndarray  # int64, len(vocabulary) + 1: term i's postings are [offsets[i], offsets[i+1])
    units: np.ndarray  # int32 unit positions
    frequencies: np.ndarray  # float32 term frequencies
    lengths: np.ndarray  # float32 terms per unit

    @property
    def size(self) -> int:
        return len(self.lengths)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        at = self.vocabulary.get(term)
        if at is None:
            return _EMPTY_UNITS, _EMPTY_FREQUENCIES
        lo, hi = self.offsets[at], self.offsets[at + 1]
        return self.units[lo:hi], self.frequencies[lo:hi]


_EMPTY_UNITS = np.zeros(0, dtype=np.int32)
_EMPTY_FREQUENCIES = np.zeros(0, dtype=np.float32)


def build_postings(texts: list[str]) -> Postings:
    vocabulary: dict[str, int] = {}
    term_ids: list[int] = []
    unit_ids: list[int] = []
    counts: list[int] = []
    lengths = np.zeros(len(texts), dtype=np.float32)
    for unit, text in enumerate(texts):
        found = index_terms(text)
        lengths[unit] = len(found)
        for term, count in Counter(found).items():
            term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
            unit_ids.append(unit)
            counts.append(count)
    order = np.argsort(np.asarray(term_ids, dtype=np.int64), kind="stable")
    sorted_terms = np.asarray(term_ids, dtype=np.int64)[order]
    offsets = np.searchsorted(sorted_terms, np.arange(len(vocabulary) + 1)).astype(np.int64)
    return Postings(
        vocabulary=vocabulary,
        offsets=offsets,
        units=np.asarray(unit_ids, dtype=np.int32)[order],
        frequencies=np.asarray(counts, dtype=np.float32)[order],
        lengths=lengths,
    )


def query_terms(question: str) -> list[str]:
    """The question's distinct terms; a question of only stopwords keeps its words."""
    found = list(dict.fromkeys(index_terms(question)))
    if found:
        return found
    words = [w for w in question.lower().split() if w.isalnum()]
    return list(dict.fromkeys(w if is_number(w) else stem(w) for w in words))


def bm25(parts: list[Postings], terms: list[str]) -> list[np.ndarray]:
    """BM25 of every unit of every part for `terms`, the parts forming one collection."""
    total = sum(p.size for p in parts)
    scores = [np.zeros(p.size, dtype=np.float32) for p in parts]
    if total == 0 or not terms:
        return scores
    average = float(sum(p.lengths.sum() for p in parts)) / total or 1.0
    for term in terms:
        hits = [p.postings(term) for p in parts]
        frequency = sum(len(units) for units, _ in hits)
        if frequency == 0:
            continue
        idf = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        for part, score, (units, tf) in zip(parts, scores, hits, strict=True):
            if len(units):
                norm = K1 * (1 - B + B * part.lengths[units] / average)
                score[units] += idf * tf * (K1 + 1) / (tf + norm)
    return scores
