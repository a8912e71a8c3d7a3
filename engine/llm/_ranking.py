"""Score source sentences against a question and pick the few that answer it."""

from __future__ import annotations

import math
import re

from engine.llm._candidates import Candidate, Pick, candidates, distinct, quotable
from engine.llm._summary import central_sentences
from engine.llm._terms import is_number, stem, terms

# BM25's term-frequency saturation, and a length normalisation weaker than the usual 0.75:
# sentences vary less than documents, and full sentences should not lose to bare fragments.
_K1 = 1.2
_B = 0.3
# A sentence must hold at least this share of the question's weight (IDF-weighted) to count;
# below it, matches are incidental words and quoting them would answer another question.
MIN_COVERAGE = 0.45
# Words of the document's title count towards that share, but the sentence itself must still
# hold this much: the title says what the document is about, not what a sentence says.
MIN_OWN_COVERAGE = 0.2
# Later picks must score this close to the best one, so a strong answer isn't padded with noise.
MIN_RELATIVE_SCORE = 0.5
_NUMBER_BONUS = 1.0
_BIGRAM_BONUS = 0.5
_RANK_BONUS = 0.1
_SUBJECT_BONUS = 1.0
_COUNTED = re.compile(r"\bhow\s+many\s+([a-z]+)", re.IGNORECASE)
_SUMMARY_REQUEST = re.compile(
    r"\b(?:summar\w*|overview|tl;?dr|gist|(?:key|main) (?:points|ideas|takeaways))\b"
    r"|\bwhat(?:'s|’s| is| are)\s+(?:this|these|it|the\s+\w+)\s+about\b",
    re.IGNORECASE,
)


def is_summary_request(question: str) -> bool:
    """True when the question asks for a summary or overview rather than a fact."""
    return _SUMMARY_REQUEST.search(question) is not None


def best_sentences(
    question: str, texts: list[str], max_sentences: int, *, contexts: list[str] | None = None
) -> list[Pick]:
    """The sentences of `texts` that best answer `question`, best first.

    A request for a summary quotes the sentences on its topic, or the most central ones when it
    names none, in document order.
    """
    summary = is_summary_request(question)
    wanted = list(dict.fromkeys(terms(_SUMMARY_REQUEST.sub(" ", question))))
    found = candidates(texts)
    if not found or max_sentences < 1:
        return []
    if not wanted:
        return central_sentences(found, max_sentences) if summary else []
    counted = _COUNTED.search(question)
    counted_term = stem(counted.group(1).lower()) if counted else None
    given = [_names(c) for c in contexts] if contexts else [frozenset()] * len(texts)
    picks = _answering(wanted, found, max_sentences, counted_term, given)
    if summary:
        return sorted(picks, key=lambda p: (p.source_index, p.start))
    return picks


_NAME = re.compile(r"\b[A-Z0-9][\w&.'’-]*")


def _names(context: str) -> frozenset[str]:
    """The terms of a document's names and figures (capitalised words, numbers): "Apple Inc.",
    "NVIDIA", "2023", "Q1". Its common words say nothing about which document it is."""
    return frozenset(terms(" ".join(_NAME.findall(context))))


def _answering(
    wanted: list[str], found: list[Candidate], limit: int, counted: str | None,
    given: list[frozenset[str]],
) -> list[Pick]:
    """BM25-ranked sentences that cover enough of the question's terms."""
    idf = _idf(wanted, found)
    average_length = sum(len(c.terms) for c in found) / len(found) or 1.0
    total_weight = sum(idf[t] for t in wanted)
    scored = []
    for candidate in found:
        if not quotable(candidate):
            continue
        matched = [t for t in wanted if t in candidate.term_set]
        context = given[candidate.source_index]
        covered = sum(idf[t] for t in wanted if t in candidate.term_set or t in context)
        own = sum(idf[t] for t in matched)
        if own < MIN_OWN_COVERAGE * total_weight or covered < MIN_COVERAGE * total_weight:
            continue
        score = _score(wanted, matched, candidate, idf, average_length)
        if counted and _counts(candidate.terms, counted):
            score += idf.get(counted, 0.0)
        scored.append(Pick(candidate.source_index, candidate.text, candidate.start, score))
    return distinct(scored, limit, MIN_RELATIVE_SCORE)


def _idf(wanted: list[str], found: list[Candidate]) -> dict[str, float]:
    """BM25 inverse document frequency of each question term, sentences as documents."""
    count = len(found)
    idf = {}
    for term in wanted:
        # A word the sources lack weighs as if it occurred once: with few sentences it would
        # otherwise outweigh every word they do share, and one synonym would sink the answer.
        frequency = max(1, sum(1 for c in found if term in c.term_set))
        idf[term] = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    return idf


def _score(
    wanted: list[str],
    matched: list[str],
    candidate: Candidate,
    idf: dict[str, float],
    average_length: float,
) -> float:
    """BM25 plus bonuses for matched figures, matched word pairs and the source's rank."""
    length_norm = 1 - _B + _B * len(candidate.terms) / average_length
    score = 0.0
    # Each matched term counts once: a sentence that repeats a word is no more about it.
    saturation = (_K1 + 1) / (1 + _K1 * length_norm)
    for term in matched:
        score += idf[term] * saturation
        if is_number(term):
            score += _NUMBER_BONUS * idf[term]
    # A sentence whose subject is what the question asks about ("Revenue for the quarter was
    # $13.5 billion") answers it more directly than one that mentions it in passing.
    if candidate.terms and candidate.terms[0] in matched:
        score += _SUBJECT_BONUS * idf[candidate.terms[0]]
    pairs = set(zip(candidate.terms, candidate.terms[1:], strict=False))
    for first, second in zip(wanted, wanted[1:], strict=False):
        if (first, second) in pairs:
            score += _BIGRAM_BONUS * (idf[first] + idf[second]) / 2
    # Retrieval already ordered the sources; let that break near-ties, nothing more.
    return score * (1 + _RANK_BONUS / (1 + candidate.source_index))


def _counts(sentence_terms: tuple[str, ...], counted: str) -> bool:
    """True when a figure comes just before the counted word ("133 million shares")."""
    return any(
        is_number(term) and counted in sentence_terms[i + 1 : i + 3]
        for i, term in enumerate(sentence_terms)
    )
