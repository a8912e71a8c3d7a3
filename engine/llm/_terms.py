"""Turn text into comparable terms: lower-cased, stopwords dropped, lightly stemmed."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUMBER = re.compile(r"\d[\d.,]*")
# Function words plus the filler of questions ("what does the document say about ...").
_STOPWORDS = frozenset(
    """
    a about above according after again against all also am an and any are as at be because
    been before being below between both but by can could describe did do does doing done
    down during each either explain few for from further get give had has have having he her
    here hers him his how i if in into is it its itself just know let many me mention
    mentioned more most much my no nor not now of off on once only or other our ours out
    over own please same say says said she should show so some such tell than that the their
    theirs them then there these they this those through to too under until up upon us very
    was we were what when where whether which while who whom whose why will with within
    would you your yours document documents pdf text
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def terms(text: str) -> list[str]:
    """Content terms of `text` in order: stems of words, numbers without thousands separators."""
    found: list[str] = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if is_number(token):
            found.append(token.replace(",", "").rstrip("."))
        elif len(token) > 1 and token not in _STOPWORDS:
            found.append(stem(token))
    return found


def is_number(term: str) -> bool:
    """True for terms that are figures (years, amounts, counts)."""
    return _NUMBER.fullmatch(term) is not None


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip plural, -ing and -ed endings and a final e, so 'repurchased' meets 'repurchase'."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = _undouble(word[:-3])
    elif len(word) > 4 and word.endswith("ed"):
        word = _undouble(word[:-2])
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    """'plann' -> 'plan', so 'planned' meets 'plan'."""
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        return word[:-1]
    return word
