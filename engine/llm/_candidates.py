"""Candidate sentences of the sources, and the rules shared by every way of choosing them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.llm._sentences import split_sentences
from engine.llm._terms import is_number, is_year, terms

_DUPLICATE_JACCARD = 0.8
_MIXED_HEADING_WORDS = 6
# A short line in capitals is a name or a heading ("AMAZON.COM, INC."), full stop or not.
_SHOUTED_TERMS = 6
# A table of contents' dot leaders ("2.1 Data . . . . . . 3"): a list of pages, no prose.
_LEADER = re.compile(r"(?:\.\s?){5,}")
_ENDS_PROSE = re.compile(r"[.!?:;][\"'”’)\]]*$")
_LONG_WORD = re.compile(r"[A-Za-z][\w’'-]{3,}")


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: which source, where in it, and how well it scored."""

    source_index: int
    text: str
    start: int
    score: float


@dataclass(frozen=True)
class Candidate:
    """A sentence of a source with its terms, ready for scoring."""

    source_index: int
    text: str
    start: int
    terms: tuple[str, ...]
    term_set: frozenset[str]


def candidates(texts: list[str]) -> list[Candidate]:
    """Every sentence of every text, in source order."""
    found = []
    for index, text in enumerate(texts):
        for span in split_sentences(text):
            sentence_terms = tuple(terms(span.text))
            found.append(
                Candidate(index, span.text, span.start, sentence_terms, frozenset(sentence_terms))
            )
    return found


def quotable(candidate: Candidate) -> bool:
    """Prose of a few words, or a table row (a label and figures); not a heading or a question."""
    numbers = sum(1 for t in candidate.terms if is_number(t))
    words = len(candidate.terms) - numbers
    shouted = candidate.text.upper() == candidate.text and len(candidate.terms) <= _SHOUTED_TERMS
    if (candidate.text.endswith("?") or _looks_like_heading(candidate.text) or shouted
            or _LEADER.search(candidate.text) or _UNIT_LINE.match(candidate.text)
            or _ends_in_page_number(candidate.text)):
        return False
    # Short sentences count when they end like prose ("The sky is blue because of scattering.").
    short_prose = len(candidate.terms) >= 3 and _ENDS_PROSE.search(candidate.text) is not None
    return len(candidate.terms) >= 5 or (words >= 1 and numbers >= 2) or short_prose


# A table's unit line says how to read its figures, nothing by itself: "(In millions, except
# number of shares which are reflected in thousands and par value)".
_UNIT_LINE = re.compile(r"\s*\(\s*(?:\$\s*|dollars\s+|amounts\s+)?in\s+(?:thousands|millions"
                        r"|billions)\b[^)]*\)\s*$", re.IGNORECASE)


# A contents entry: a title and its page number, the title a list item's ("d) Cash Flows
# Statements … 6") or ending in a year ("…Ended March 31, 2023 and 2022 6"). A table row's
# last figure follows other figures; a sentence's ("docked at pier 7") follows a word.
_PAGE_AT_END = re.compile(r"(\S+)\s+\d{1,3}$")
_LIST_ITEM = re.compile(r"^\(?[a-z0-9]{1,2}[).]\s")
_TITLE_WORDS = 4


def _ends_in_page_number(text: str) -> bool:
    found = _PAGE_AT_END.search(text.strip())
    if found is None or len(re.findall(r"[^\W\d_]{2,}", text)) < _TITLE_WORDS:
        return False
    return is_year(found.group(1)) or _LIST_ITEM.match(text) is not None


def ends_like_prose(text: str) -> bool:
    """True when `text` ends as a sentence or a clause does ("Also known as varbinary."), not
    in a contents line's dot leaders."""
    return _ENDS_PROSE.search(text) is not None and not _LEADER.search(text)


# Numbers a heading carries: years and quarters ("Q1 2023"), and one small number at most, a
# note's, a section's or the page's in a table of contents ("Note 11 – Derivative Financial
# Instruments", "Risk Factors 22"). An amount ("$1,039", "12.5%") makes the line a fact.
_HEADING_NUMBER = re.compile(r"(?:19|20)\d{2}|[QH][1-4]|FY\s?\d{2,4}")
_SMALL_NUMBER = re.compile(r"(?:\d{1,3}\.)*\d{1,3}\.?")


def _looks_like_heading(text: str) -> bool:
    """Title Case or capitals with no closing punctuation: a heading (or a line of column
    headings, "Q1 2022 Q1 2023"), which answers nothing."""
    if _ENDS_PROSE.search(text):
        return False
    small = 0
    for position, token in enumerate(text.split()):
        token = token.strip("()[],:;|–—-")
        if not token or not token[0].isdigit() or _HEADING_NUMBER.fullmatch(token):
            continue
        # A section's number leads ("4.2.1 Installing"); a decimal elsewhere is a value.
        dotted = "." in token.rstrip(".")
        if not _SMALL_NUMBER.fullmatch(token) or (dotted and position > 0):
            if any(ch.isdigit() for ch in token) and not any(ch.isalpha() for ch in token):
                return False  # an amount
            continue  # "10-Q", "3D": a name
        small += 1
        if small > 1:
            return False
    words = _LONG_WORD.findall(text)
    if not words:
        return any(_HEADING_NUMBER.fullmatch(t) for t in text.split()) and small == 0
    # One lower-case word among many capitalised ones is still a heading ("Revenue Gross
    # Margin Diluted EPS attributable to Intel Cash Flows").
    lower = sum(not word[0].isupper() for word in words)
    return lower == 0 or (len(words) >= _MIXED_HEADING_WORDS and lower == 1)


def distinct(scored: list[Pick], limit: int, min_relative_score: float) -> list[Pick]:
    """The best `limit` picks, skipping near-duplicates and those far below the best one."""
    picks: list[Pick] = []
    seen: list[tuple[str, set[str]]] = []
    for pick in sorted(scored, key=lambda p: (-p.score, p.source_index, p.start)):
        if len(picks) == limit or (picks and pick.score < min_relative_score * picks[0].score):
            break
        lowered, words = pick.text.lower(), set(terms(pick.text))
        # Overlapping chunks repeat sentences, sometimes cut short at a chunk edge.
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
