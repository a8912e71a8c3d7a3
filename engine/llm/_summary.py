"""Extractive summary: the sentences closest to the centroid of all the text."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from engine.llm._candidates import Candidate, Pick, distinct, quotable
from engine.llm._terms import is_number, terms

# Summaries quote prose: table rows and headings say little on their own.
_MIN_SUMMARY_TERMS = 6
_MIN_RELATIVE_SCORE = 0.3
_FACT_BONUS = 1.5
_REDUNDANCY = 1.5  # how much sharing terms with an earlier pick costs, relative to the best


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
            # "… were as follows (in millions):" introduces a table; it summarises nothing.
            or candidate.text.rstrip().endswith(":")
            or not quotable(candidate)
        ):
            continue
        weights = {t: n * idf[t] for t, n in Counter(words).items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        cosine = sum(w * centroid.get(t, 0.0) for t, w in weights.items()) / (norm * centroid_norm)
        # Sentences that state a figure ("sales rose 5% to $94.8 billion") carry a report's
        # facts; the rest is often definitions and legal boilerplate.
        factual = _FACT_BONUS if any(is_number(t) for t in candidate.terms) else 1.0
        scored.append(Pick(candidate.source_index, candidate.text, candidate.start,
                           cosine * factual))
    picks = distinct(_diverse(scored, limit * 3), limit, _MIN_RELATIVE_SCORE)
    return sorted(picks, key=lambda p: (p.source_index, p.start))


def _diverse(scored: list[Pick], limit: int) -> list[Pick]:
    """Maximal marginal relevance: each next pick is central but unlike those already taken,
    so a summary covers several topics instead of rephrasing one."""
    remaining = sorted(scored, key=lambda p: (-p.score, p.source_index, p.start))
    chosen: list[Pick] = []
    chosen_terms: list[set[str]] = []
    while remaining and len(chosen) < limit:
        def marginal(pick: Pick) -> float:
            words = set(terms(pick.text))
            overlap = max((len(words & other) / (len(words | other) or 1)
                           for other in chosen_terms), default=0.0)
            return pick.score - _REDUNDANCY * overlap * (chosen[0].score if chosen else 0.0)

        best = max(remaining, key=marginal)
        remaining.remove(best)
        # The score stays the centrality, so `distinct` still drops the far weaker ones.
        chosen.append(best)
        chosen_terms.append(set(terms(best.text)))
    return chosen
