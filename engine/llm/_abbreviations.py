"""Abbreviations a document defines ("an error correction model (ECM)", "plasma cell
malignancy (PCM)"), so that a question in one form meets the text in the other: "What is the
exp F statistic for the error correction model?" is answered by "sctest(ecm.model, …) exp.F =
8.9955". Read from the sources themselves; nothing here knows any field's abbreviations.
"""

from __future__ import annotations

import re

from engine.llm._terms import terms

# Up to eight words, then the abbreviation in parentheses: capitals, maybe lower-case letters
# among them ("HbA1c", with a digit, is left out).
_DEFINED = re.compile(
    r"((?:[^\W\d_][\w'’-]*\s+){1,8})\(\s*([A-Z][A-Za-z]*[A-Z])s?\s*[),;]")


def defined(texts: list[str]) -> dict[str, frozenset[str]]:
    """Each abbreviation the texts spell out, as a term, with the terms of its long form."""
    found: dict[str, frozenset[str]] = {}
    for text in texts:
        if "(" not in text:
            continue
        for match in _DEFINED.finditer(text):
            abbreviation = match.group(2)
            long_form = _spelled_out(match.group(1).split(), abbreviation)
            key = terms(abbreviation)
            if long_form and len(key) == 1:
                long_terms = frozenset(terms(" ".join(long_form))) - {key[0]}
                if len(long_terms) >= 2:
                    found.setdefault(key[0], long_terms)
    return found


def _spelled_out(words: list[str], abbreviation: str) -> list[str] | None:
    """The words before the parenthesis that the abbreviation abbreviates, else None: its
    letters found in order from the last one back, its first letter starting a word ("vector
    autoregression (VAR)", "return on invested capital (ROIC)"), in at most a few more words
    than it has letters (the method of Schwartz and Hearst, 2003)."""
    letters = [c.lower() for c in abbreviation if c.isalnum()]
    text = " ".join(words[-(len(letters) + _EXTRA_WORDS):])
    at = len(text) - 1
    for k in range(len(letters) - 1, -1, -1):
        while at >= 0 and (text[at].lower() != letters[k]
                           or (k == 0 and at > 0 and text[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return None
        at -= 1
    start = text.rfind(" ", 0, at + 1) + 1
    found = text[start:].split()
    return found if len(found) <= len(letters) + _EXTRA_WORDS - 2 else None


_EXTRA_WORDS = 3

# A name of capitalised words in a question ("Amazon Web Services", "Data Center and AI"),
# small joining words allowed inside.
_CAPITALISED_RUN = re.compile(
    r"\b[A-Z][\w'’-]*(?:\s+(?:(?:and|of|for|&)\s+)?[A-Z][\w'’-]*){1,5}\b")


def initialisms(question: str, texts: list[str]) -> dict[str, frozenset[str]]:
    """The names of a question that the texts write as their initials: "How much did Amazon
    Web Services sell?" of a table whose row is "AWS 16,110 20,538", where no retrieved
    passage spells the abbreviation out."""
    found: dict[str, frozenset[str]] = {}
    for match in _CAPITALISED_RUN.finditer(question):
        words = [w for w in match.group(0).split() if w[:1].isupper()]
        for first in range(len(words) - 1):
            name = words[first:]
            letters = "".join(w if w.isupper() else w[0] for w in name)
            written = re.compile(rf"(?<![\w&]){re.escape(letters)}(?![\w&])")
            if len(letters) < 2 or not any(written.search(t) for t in texts):
                continue
            key = terms(letters)
            long_terms = frozenset(terms(" ".join(name))) - set(key)
            if len(key) == 1 and len(long_terms) >= 2:
                found.setdefault(key[0], long_terms)
            break
    return found


def expanded(term_set: frozenset[str], abbreviations: dict[str, frozenset[str]]
             ) -> frozenset[str]:
    """`term_set` with each defined abbreviation's long form beside it, and the abbreviation
    beside its long form."""
    extra: set[str] = set()
    for abbreviation, long_terms in abbreviations.items():
        if abbreviation in term_set:
            extra |= long_terms
        elif long_terms <= term_set:
            extra.add(abbreviation)
    return term_set | extra if extra else term_set
