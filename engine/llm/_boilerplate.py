"""Sentences that are formalities rather than substance, shared by answers and summaries.

Contract language (an agreement attached to a report), legal and certification formulas
("I have reviewed this quarterly report…", "…the registrant's internal control…"), and the
signposts of a document to itself ("should be read in conjunction with", "see Note 4"). They
share words with many questions ("most recent", "report", "financial") without answering any.
"""

from __future__ import annotations

import re

# Contract language: an agreement attached to a report, or terms and conditions.
_LEGAL = re.compile(
    r"\b(?:shall|hereby|hereof|hereunder|herein|hereto|thereof|thereunder|therein|"
    r"whereas|notwithstanding|pursuant to|in accordance with|participant|grantee|"
    r"the company's discretion|terms and conditions|agreement)\b",
    re.IGNORECASE,
)
LEGAL_SENTENCE_MARKS = 2
_BOILERPLATE = re.compile(
    r"see accompanying notes|forward-looking|incorporated (?:herein )?by reference|"
    r"should be read in conjunction|\bthis (?:quarterly|annual) report on form|"
    r"\b(?:see|refer to) (?:note|part|item)\b|unaudited|in the opinion of management|"
    r"the information contained|unless otherwise (?:stated|noted|indicated)|\bherein\b|"
    r"for more information|all rights reserved|[☐☒©]|\bcopyright\b|\(c\)\s+(?:19|20)\d\d\b|"
    r"can be found in|(?:is|are) (?:included|presented|described|discussed) (?:in|under) "
    r"(?:part|note|item|section)|"
    # Certifications: an officer's statements about the report itself.
    r"\bi have reviewed\b|\bregistrant(?:['’]s)?\b|\(the\s+[“\"]report[”\"]\)|"
    r"\bcertif(?:y|ies|ied)\b|sarbanes-oxley|\b18 u\.s\.c\.|"
    # …and the controls those statements are about.
    r"internal control over financial reporting|disclosure controls and procedures",
    re.IGNORECASE)


def legal_marks(sentence: str) -> int:
    """How many distinct contract-language markers a sentence holds."""
    return len({m.lower() for m in _LEGAL.findall(sentence)})


def is_boilerplate(sentence: str) -> bool:
    """True for a formality: contract language, a certification, a signpost."""
    return legal_marks(sentence) >= LEGAL_SENTENCE_MARKS or _BOILERPLATE.search(sentence) is not None
