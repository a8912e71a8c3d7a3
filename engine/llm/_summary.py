"""Extractive summary: the sentences closest to the centroid of all the text."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from engine.llm._candidates import Candidate, Pick, distinct, quotable
from engine.llm._terms import is_number

# Summaries quote prose: table rows and headings say little on their own.
_MIN_SUMMARY_TERMS = 6
_MIN_RELATIVE_SCORE = 0.3


def central_sentences(found: list[Candidate], limit: int) -> list[Pick]:
    """The `limit` sentences most similar to the text as a whole, in document order."""
    document_frequency: Counter[str] = Counter()
    for candidate in found:
        document_frequency.update(candidate.term_set)
    count = len(found)
    idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in document_frequency.items()}
    centroid: defaultdict[str, float] = defaultdict(float)
    for candidate in found:
        for term in candidate.terms:
            centroid[term] += idf[term]
    centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    scored = []
    for candidate in found:
        words = [t for t in candidate.terms if not is_number(t)]
        # A lower-case start is the tail of a sentence cut at a chunk or page edge.
        if (
            len(words) < _MIN_SUMMARY_TERMS
            or candidate.text[0].islower()
            or not quotable(candidate)
        ):
            continue
        weights = {t: n * idf[t] for t, n in Counter(words).items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        cosine = sum(w * centroid.get(t, 0.0) for t, w in weights.items()) / (norm * centroid_norm)
        scored.append(Pick(candidate.source_index, candidate.text, candidate.start, cosine))
    picks = distinct(scored, limit, _MIN_RELATIVE_SCORE)
    return sorted(picks, key=lambda p: (p.source_index, p.start))
