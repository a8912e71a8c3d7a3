"""Score source sentences against a question and pick the few that answer it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.llm._sentences import split_sentences
from engine.llm._terms import is_number, terms

# BM25's usual constants: term-frequency saturation and length normalisation.
_K1 = 1.2
_B = 0.75
# A sentence must hold at least this share of the question's weight (IDF-weighted) to count;
# below it, matches are incidental words and quoting them would be answering another question.
MIN_COVERAGE = 0.45
# Later picks must score this close to the best one, so a strong answer isn't padded with noise.
MIN_RELATIVE_SCORE = 0.5
_NUMBER_BONUS = 1.0
_BIGRAM_BONUS = 0.5
_RANK_BONUS = 0.1
_DUPLICATE_JACCARD = 0.8


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: which source, where in it, and how well it scored."""

    source_index: int
    text: str
    start: int
    score: float


@dataclass(frozen=True)
class _Candidate:
    source_index: int
    text: str
    start: int
    terms: tuple[str, ...]


def best_sentences(question: str, texts: list[str], max_sentences: int) -> list[Pick]:
    """The top `max_sentences` distinct sentences of `texts` that answer `question`, best first."""
    wanted = list(dict.fromkeys(terms(question)))
    candidates = [
        _Candidate(index, span.text, span.start, tuple(terms(span.text)))
        for index, text in enumerate(texts)
        for span in split_sentences(text)
    ]
    if not wanted or not candidates or max_sentences < 1:
        return []
    idf = _idf(wanted, candidates)
    average_length = sum(len(c.terms) for c in candidates) / len(candidates) or 1.0
    total_weight = sum(idf[t] for t in wanted)
    scored = []
    for candidate in candidates:
        if not _quotable(candidate.terms):
            continue
        present = set(candidate.terms)
        matched = [t for t in wanted if t in present]
        if sum(idf[t] for t in matched) < MIN_COVERAGE * total_weight:
            continue
        score = _score(wanted, matched, candidate, idf, average_length)
        scored.append(Pick(candidate.source_index, candidate.text, candidate.start, score))
    # Ties break on position so the output never depends on dict or set ordering.
    scored.sort(key=lambda p: (-p.score, p.source_index, p.start))
    return _distinct(scored, max_sentences)


def _idf(wanted: list[str], candidates: list[_Candidate]) -> dict[str, float]:
    """BM25 inverse document frequency of each question term, sentences as documents."""
    count = len(candidates)
    idf = {}
    for term in wanted:
        frequency = sum(1 for c in candidates if term in c.terms)
        idf[term] = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    return idf


def _quotable(sentence_terms: tuple[str, ...]) -> bool:
    """Prose of a few words, or a table row (a label and figures); not a bare heading."""
    numbers = sum(1 for t in sentence_terms if is_number(t))
    words = len(sentence_terms) - numbers
    return len(sentence_terms) >= 5 or (words >= 1 and numbers >= 2)


def _score(
    wanted: list[str],
    matched: list[str],
    candidate: _Candidate,
    idf: dict[str, float],
    average_length: float,
) -> float:
    """BM25 plus bonuses for matched figures, matched word pairs and the source's rank."""
    length_norm = 1 - _B + _B * len(candidate.terms) / average_length
    score = 0.0
    for term in matched:
        frequency = candidate.terms.count(term)
        score += idf[term] * frequency * (_K1 + 1) / (frequency + _K1 * length_norm)
        if is_number(term):
            score += _NUMBER_BONUS * idf[term]
    pairs = set(zip(candidate.terms, candidate.terms[1:], strict=False))
    for first, second in zip(wanted, wanted[1:], strict=False):
        if (first, second) in pairs:
            score += _BIGRAM_BONUS * (idf[first] + idf[second]) / 2
    # Retrieval already ordered the sources; let that break near-ties, nothing more.
    return score * (1 + _RANK_BONUS / (1 + candidate.source_index))


def _distinct(scored: list[Pick], limit: int) -> list[Pick]:
    """Drop near-duplicates (overlapping chunks repeat sentences) and weak trailing picks."""
    picks: list[Pick] = []
    seen: list[tuple[str, set[str]]] = []
    for pick in scored:
        if len(picks) == limit or (picks and pick.score < MIN_RELATIVE_SCORE * picks[0].score):
            break
        lowered, words = pick.text.lower(), set(terms(pick.text))
        if any(_near(lowered, words, other, other_words) for other, other_words in seen):
            continue
        picks.append(pick)
        seen.append((lowered, words))
    return picks


def _near(text: str, words: set[str], other: str, other_words: set[str]) -> bool:
    """True when one sentence contains the other or they share almost all their terms."""
    if text in other or other in text:
        return True
    union = words | other_words
    return bool(union) and len(words & other_words) / len(union) >= _DUPLICATE_JACCARD
