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


# Words that name the same thing in reports of every kind, folded to one term so a question in
# one wording meets a document in the other ("revenue" / "net sales", "profit" / "income",
# "expenditure" / "expenses", "buyback" / "repurchase", "staff" / "employees").
_SAME_WORDS = {
    "revenue": "sales", "turnover": "sales",
    "profit": "income", "earnings": "income",
    "expenditure": "expenses", "spending": "expenses", "outlay": "expenses",
    "buyback": "repurchase", "staff": "employees", "headcount": "employees",
    "workforce": "employees", "borrowings": "debt", "indebtedness": "debt",
    "operations": "operating", "operational": "operating",
}
# Abbreviations written out, so "R&D" meets "research and development".
_ABBREVIATIONS = {
    "r&d": "research and development", "sg&a": "selling general and administrative",
    "pp&e": "property plant and equipment", "eps": "earnings per share",
    "ceo": "chief executive officer", "cfo": "chief financial officer",
    "coo": "chief operating officer", "cto": "chief technology officer",
    "m&a": "mergers and acquisitions", "fx": "foreign exchange",
    "yoy": "year over year", "q/q": "quarter over quarter", "y/y": "year over year",
    "capex": "capital expenditures", "opex": "operating expenses",
}
_ABBREVIATION = re.compile(r"(?<![\w&/])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS)
                           + r")(?![\w&/])", re.IGNORECASE)


def terms(text: str) -> list[str]:
    """Content terms of `text` in order: stems of words, numbers without thousands separators."""
    found: list[str] = []
    text = _ABBREVIATION.sub(lambda m: f"{m.group(0)} {_ABBREVIATIONS[m.group(1).lower()]}",
                             text) if "&" in text or _HAS_UPPER_RUN.search(text) else text
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        if is_number(token):
            found.append(token.replace(",", "").rstrip("."))
        elif len(token) > 1 and token not in _STOPWORDS:
            root = stem(token)
            found.append(_same().get(root, root))
    return found


def is_abbreviation(word: str) -> bool:
    """True for the abbreviations this module writes out ("CEO", "EPS")."""
    return word.lower() in _ABBREVIATIONS


@lru_cache(maxsize=1)
def _same() -> dict[str, str]:
    return {stem(word): stem(other) for word, other in _SAME_WORDS.items()}


_HAS_UPPER_RUN = re.compile(r"\b(?:[A-Z]{2,}|[A-Z]/[A-Z]|[Cc]ap[Ee]x|[Oo]p[Ee]x|YoY)\b")


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
