"""Which document of several is the latest, for questions that ask about "the latest" one.

A store often holds editions of one kind of document (four quarterly reports, yearly manuals),
and "the latest 10-Q" or "the most recent report" means the one whose date is newest. A
document's date is the newest date its name and opening page state: a full date ("July 1,
2023"), a quarter ("2023 Q3", "Q3 2023") or a year; no date, no preference.
"""

from __future__ import annotations

import re

_ASKS_LATEST = re.compile(r"\b(?:latest|most\s+recent|newest)\b", re.IGNORECASE)
_MONTHS = {name: number for number, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"],
    start=1) for name in names.split()}
_FULL_DATE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                        + r")\.?\s+(\d{1,2}),?\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_QUARTER = re.compile(r"\b(?:((?:19|20)\d{2})\s*Q([1-4])|Q([1-4])\s*((?:19|20)\d{2}))\b",
                      re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")

Date = tuple[int, int, int]


def asks_for_latest(query: str) -> bool:
    return _ASKS_LATEST.search(query) is not None


def document_date(title: str) -> Date | None:
    """The newest date `title` (a document's name and opening lines) states."""
    found: list[Date] = [(int(y), _MONTHS[m.lower()], int(d))
                         for m, d, y in _FULL_DATE.findall(title)]
    for year, quarter, quarter2, year2 in _QUARTER.findall(title):
        found.append((int(year or year2), 3 * int(quarter or quarter2), 31))
    if not found:
        found = [(int(y), 0, 0) for y in _YEAR.findall(title)]
    return max(found) if found else None


def newest(titles: list[str]) -> int | None:
    """The position of the one document dated after all the others, else None."""
    dates = [document_date(t) for t in titles]
    dated = sorted(((d, i) for i, d in enumerate(dates) if d is not None), reverse=True)
    if len(dated) < 2 or dated[0][0] == dated[1][0]:
        return None
    return dated[0][1]
