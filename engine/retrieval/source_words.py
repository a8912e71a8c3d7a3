"""The words of a question that say which document it means, not what it asks about.

"What was NVIDIA's gross margin as stated in the most recent 10-Q report?" asks about gross
margin; "as stated in the most recent 10-Q report" points at a document. Matched against a
document's text, the pointer finds the pages that talk about the document itself (the officers'
certifications of "this quarterly report", a list of exhibits, "this paper describes…"), not
the answer. Search matches the pointer against document titles only.
"""

from __future__ import annotations

import re

# Kinds of document a question may point at ("in the latest 10-Q", "according to the manual").
_DOCUMENT = (r"reports?|filings?|10-[qk]s?|form\s+10-[qk]|documents?|papers?|manuals?|guides?"
             r"|decks?|presentations?|slides?|articles?|stud(?:y|ies)|vignettes?|faqs?"
             r"|handbooks?|publications?|files?|pdfs?")
_POINTER = re.compile(
    r"(?:,\s*)?\b(?:as\s+)?(?:(?:stated|reported|mentioned|described|disclosed|discussed"
    r"|outlined|presented|shown|given|noted|provided|published)\s+)?"
    r"(?:in|from|within|according\s+to)\s+(?:the|this|that|its|their|(?P<owner>[A-Z][\w&.-]*)['’]s)"
    r"\s+(?:[\w&.'’-]+\s+){0,4}?(?:" + _DOCUMENT + r")(?:\s+(?:" + _DOCUMENT + r"))*\b",
    re.IGNORECASE)


def without_pointers(question: str) -> str:
    """`question` with the phrases that point at a document or at its opening page taken out;
    whose document it is and the period it covers stay ("in Apple's Q2 2023 10-Q" leaves
    "Apple Q2 2023": pages say which quarter their figures are for)."""
    question = without_opening(question)
    return _POINTER.sub(lambda m: " ".join(["", m.group("owner") or "",
                                            *_PERIOD.findall(m.group(0)), ""]), question)


# A document's opening page named as such: "on the cover page", "the title page's date", "as of
# the cover date", "on the front page". In the text these words find the pages that talk about
# a cover (a list of exhibits: "Inline XBRL for the cover page"), not the cover itself.
_OPENING = re.compile(
    r"(?:\b(?:on|in|from|of|at|as\s+of)\s+)?\b(?:the|its|this|their|[A-Z][\w&.-]*['’]s)\s+"
    r"(?:(?:cover|title|front)\s+(?:page|sheet|date)|cover)(?:['’]s)?\b",
    re.IGNORECASE)


def without_opening(question: str) -> str:
    """`question` without the words that point at the document's opening page."""
    return _OPENING.sub(" ", question)


def asks_for_opening(question: str) -> bool:
    """True when the question points at the document's opening page ("the cover page")."""
    return _OPENING.search(question) is not None


_PERIOD = re.compile(r"\b(?:[QH][1-4]|FY\s?\d{2,4}|(?:19|20)\d{2})\b", re.IGNORECASE)
