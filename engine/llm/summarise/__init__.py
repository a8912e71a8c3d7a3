"""The built-in model's summaries: from the parts of a document that carry its substance.

`summarise(material, focus, target_words)` reads each document's structure (see `_document`),
leaves out tables of contents, exhibits, certifications, signature pages, cover pages and
boilerplate, and builds a Markdown summary: a short lead (what the document is, and for a
financial statement its revenue and net income with their period), then the chosen sentences as
bullets under the headings of the sections they come from, each with its page reference, then
a line naming what was left out. Sentences are quoted whole. Their choice: similarity to the
substantive text as a whole, weighted by the kind of section (results, overview, abstract and
conclusions count more; notes and accounting policies less), by stated figures, and towards the
focus prompt when there is one; each next pick unlike the earlier ones. The length is honoured
within ±20% of `target_words`, or the summary says why a short document gives less.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from engine.llm._boilerplate import is_boilerplate
from engine.llm._sentences import split_sentences
from engine.llm._terms import is_number, terms
from engine.llm.summarise._document import (
    SKIPPED_KINDS,
    Document,
    Section,
    read_document,
    split_documents,
)
from engine.llm.summarise._figures import KeyFigures, figures_sentence, key_figures

__all__ = ["DEFAULT_WORDS", "summarise", "summary_words"]

DEFAULT_WORDS = 150
LOW_SHARE = 0.8
HIGH_SHARE = 1.2
_FILL_SHARE = 1.1  # aim a little over the target so whole sentences land inside ±20%
_MIN_WORDS = 8
_MAX_WORDS = 70
_MAX_NUMERIC_SHARE = 0.35
_FACT_BONUS = 1.4
_REDUNDANCY = 1.2
_FOCUS_WEIGHT = 4.0
_OFF_FOCUS = 0.15
_MAX_SECTIONS = 6
_PER_SECTION = 3
_MAX_COVERED = 8
_WORD = re.compile(r"\S*\w\S*")
# A sentence opening on a connective or a pronoun leans on the one before it, which a summary
# may not quote: it reads out of context.
_LEANING = re.compile(r"^(?:additionally|also|further(?:more)?|however|in addition|moreover|"
                      r"as a result|therefore|thus|this|these|that|those|it|they|such)\b",
                      re.IGNORECASE)
_LEANING_FACTOR = 0.6
_PAGE_REF = re.compile(r"\s*\((?:pp?\.|page)\s*(\d{1,5})(?:[–-]\d+)?\)\s*$")
_BULLET = re.compile(r"^(?:[-*•●▪]|\d{1,2}[.)])\s+")
_ENDS = re.compile(r"[.!?][\"'”’)\]]*$")
_HIGH = re.compile(
    r"overview|highlight|summary|results|performance|discussion|analysis|abstract|conclusion|"
    r"contribution|finding|outlook|executive|introduction|business|liquidity|segment|purpose|"
    r"what(?:'|’)s new|getting started|about this|scope", re.IGNORECASE)
_LOW = re.compile(
    r"notes? to|^notes?\s+\d|basis of presentation|accounting (?:standards|pronouncements|policies)|"
    r"recent(?:ly)? (?:issued|adopted)|legal proceedings|controls and procedures|mine safety|"
    r"defaults|unregistered|other information|market risk|fair value|derivative|income tax|"
    r"contingenc|commitments|leases|debt|share-based|stock-based|per share|appendix|"
    r"related work|implementation details|license|index", re.IGNORECASE)
_REQUEST_WORDS = frozenset(terms(
    "summarize summarise summary summarizing summarising summaries text above below focus "
    "focusing key points point main brief briefly write give make highlight highlights overview "
    "short long words concise document report file pdf paper please mainly especially "
    "particular particularly emphasis emphasize emphasise concentrate"))
# A few everyday synonyms, so a focus prompt in plain words meets a document's own terms.
_SYNONYMS = {
    "profit": ("income", "earning", "margin"),
    "revenue": ("sale", "net sale"),
    "sale": ("revenue",),
    "income": ("profit", "earning"),
    "earning": ("income", "profit"),
    "outlook": ("expect", "future", "guidance", "forecast", "anticipat", "plan"),
    "risk": ("uncertaint", "adverse"),
    "cost": ("expens",),
    "growth": ("increas", "grow", "grew"),
    "cash": ("liquidity",),
    "result": ("finding", "conclusion"),
}


@dataclass(frozen=True)
class _Sentence:
    section: int
    text: str
    page: int | None
    terms: tuple[str, ...]
    words: int
    order: int
    score: float = 0.0


def summary_words(text: str) -> int:
    """Words a reader reads: whitespace-separated tokens holding a letter or digit."""
    return len(_WORD.findall(text))


def summarise(material: list[str], focus: str = "", target_words: int = DEFAULT_WORDS) -> str:
    """A Markdown summary of each document in the material (see the module doc)."""
    documents = [read_document(name, text) for name, text in split_documents(material)]
    documents = [d for d in documents if d.sections]
    if not documents:
        return ""
    share = max(target_words // len(documents), 20)
    parts = []
    for document in documents:
        body = _summary_of(document, _focus_terms(focus), share)
        parts.append(f"## {document.name}\n\n{body}" if len(documents) > 1 and document.name
                     else body)
    return "\n\n".join(parts)


def _focus_terms(focus: str) -> dict[str, float]:
    """Focus terms (weight 1) and their synonyms (weight 0.7)."""
    wanted: dict[str, float] = {}
    for term in terms(focus):
        if term in _REQUEST_WORDS or is_number(term):
            continue
        wanted[term] = 1.0
        for synonym in _SYNONYMS.get(term, ()):
            for part in terms(synonym):
                wanted.setdefault(part, 0.7)
    return wanted


def _summary_of(document: Document, focus: dict[str, float], target: int) -> str:
    figures = key_figures([(t, p) for t, p in document.lines]) if _is_report(document) else None
    lead = _lead(document, figures)
    note = _left_out(document)
    sentences = _scored(document, focus)
    budget = target * _FILL_SHARE - summary_words(lead) - summary_words(note)
    chosen = _choose(sentences, budget, document.sections)
    body = _render(chosen, document.sections)
    text = "\n\n".join(part for part in (lead, body, note) if part)
    available = summary_words(lead) + summary_words(note) + sum(s.words for s in sentences)
    if summary_words(text) < LOW_SHARE * target and available < LOW_SHARE * target * 1.3:
        text += ("\n\n_The document is short: this summary holds all the substance found in it"
                 f" ({summary_words(text)} words of the {target} asked for)._")
    return text


def _is_report(document: Document) -> bool:
    opening = " ".join(t for t, _ in document.lines[:400]).lower()
    return bool(re.search(r"statements? of (?:consolidated )?(?:operations|income|earnings)|"
                          r"income statement|profit and loss", opening))


def _kind(document: Document) -> str | None:
    opening = " ".join(t for t, _ in document.lines[:120])
    form = re.search(r"\bform\s+(10-q|10-k|20-f|8-k|6-k)\b", opening, re.IGNORECASE)
    if form:
        code = form.group(1).upper()
        kind = {"10-Q": "quarterly report", "10-K": "annual report",
                "20-F": "annual report"}.get(code, "report")
        return f"{kind} (Form {code})"
    headings = " ".join((s.heading or "").lower() for s in document.sections)
    if "abstract" in headings or ("introduction" in headings and "references" in headings):
        return "paper"
    if re.search(r"\b(?:user(?:'|’)?s? guide|manual|handbook|reference guide)\b", opening,
                 re.IGNORECASE):
        return "manual"
    return None


def _lead(document: Document, figures: KeyFigures | None) -> str:
    name = f"**{document.name}**" if document.name else "The document"
    facts = []
    kind = _kind(document)
    if kind:
        facts.append(f"a {kind}")
    if document.pages:
        facts.append(f"{document.pages} page{'s' if document.pages != 1 else ''}")
    lead = f"{name}: {', '.join(facts)}." if facts else ""
    covered = _main_parts(document)
    if kind in (None, "manual") and len(covered) >= 3:
        lead += f" It covers: {'; '.join(covered)}."
    if figures is not None and figures.found:
        pages = sorted({f.page for f in (figures.revenue, figures.net_income)
                        if f is not None and f.page is not None})
        reference = f" ({_pages(pages)})" if pages else ""
        lead = f"{lead} {figures_sentence(figures)[:-1]}{reference}.".strip()
    return lead


def _main_parts(document: Document) -> list[str]:
    """The top-level headings of the body, in order: what the document covers."""
    levels = [s.level for s in document.sections if s.kind == "body" and s.heading]
    if not levels:
        return []
    top = min(levels)
    parts = []
    for section in document.sections:
        if section.kind == "body" and section.heading and section.level == top:
            heading = re.sub(r"^(?:chapter\s+)?[\dIVX]+(?:\.\d+)*\.?\s+", "",
                             section.heading.split(" — ")[0], flags=re.IGNORECASE)
            if heading and heading not in parts and len(heading) <= 60:
                parts.append(heading)
    return parts[:_MAX_COVERED]


def _left_out(document: Document) -> str:
    skipped = document.skipped()
    if not skipped:
        return ""
    listed = [f"{SKIPPED_KINDS[kind]} ({_pages(pages)})" if pages else SKIPPED_KINDS[kind]
              for kind, pages in skipped.items()]
    return "_Left out: " + "; ".join(listed) + "._"


def _pages(pages: list[int]) -> str:
    if not pages:
        return ""
    ranges: list[str] = []
    start = previous = pages[0]
    for page in [*pages[1:], None]:
        if page is not None and page == previous + 1:
            previous = page
            continue
        ranges.append(f"{start}–{previous}" if previous != start else str(start))
        if page is not None:
            start = previous = page
    prefix = "p." if len(pages) == 1 else "pp."
    return f"{prefix} {', '.join(ranges)}"


def _candidates(document: Document) -> list[_Sentence]:
    found: list[_Sentence] = []
    seen: set[str] = set()
    for index, section in enumerate(document.sections):
        if section.kind != "body":
            continue
        for span in split_sentences(section.text):
            text = _BULLET.sub("", span.text).strip()
            page = section.page_at(span.start)
            reference = _PAGE_REF.search(text)
            if reference:
                page = int(reference.group(1))
                text = text[: reference.start()].rstrip()
            if not _is_prose(text):
                continue
            key = " ".join(terms(text))
            if key in seen:
                continue
            seen.add(key)
            sentence_terms = tuple(terms(text))
            found.append(_Sentence(index, text, page, sentence_terms, summary_words(text),
                                   len(found)))
    return found


def _is_prose(text: str) -> bool:
    words = text.split()
    if not (_MIN_WORDS <= len(words) <= _MAX_WORDS) or not _ENDS.search(text):
        return False
    if text.endswith("?") or text.rstrip("”’\"')").endswith(":"):
        return False
    if re.match(r"^\(?\d{1,2}\)\s", text):  # a footnote: "(4) Includes …"
        return False
    first = text.lstrip("“‘\"'(")[:1]
    if not (first.isupper() or first.isdigit() or first == "$"):
        return False
    numeric = sum(1 for w in words if not re.search(r"[A-Za-z]{2}", w))
    if numeric > _MAX_NUMERIC_SHARE * len(words):
        return False
    return not is_boilerplate(text)


def _weight(section: Section) -> float:
    """Notes and policies weigh less, results and overviews more, the section's own heading
    first, then those above it."""
    for heading in [section.heading or "", *reversed(section.parents)]:
        if _LOW.search(heading):
            return 0.5
        if _HIGH.search(heading):
            return 1.5
    return 1.0


def _scored(document: Document, focus: dict[str, float]) -> list[_Sentence]:
    found = _candidates(document)
    if not found:
        return []
    frequency: Counter[str] = Counter()
    for sentence in found:
        frequency.update(set(sentence.terms))
    count = len(found)
    idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in frequency.items()}
    centroid: defaultdict[str, float] = defaultdict(float)
    for sentence in found:
        for term in sentence.terms:
            centroid[term] += idf[term]
    centroid_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    focus_total = sum(focus.values())
    scored = []
    for sentence in found:
        words = [t for t in sentence.terms if not is_number(t)]
        weights = {t: n * idf[t] for t, n in Counter(words).items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        score = sum(w * centroid.get(t, 0.0) for t, w in weights.items()) / (norm * centroid_norm)
        score *= _weight(document.sections[sentence.section])
        if _LEANING.match(sentence.text):
            score *= _LEANING_FACTOR
        if re.search(r"\$\s?\d|\d%|\d percent|\b\d[\d,.]*\s+(?:million|billion)\b",
                     sentence.text):
            score *= _FACT_BONUS
        if focus:
            matched = _focus_match(sentence, focus)
            score *= (1 + _FOCUS_WEIGHT * matched / focus_total) if matched else _OFF_FOCUS
        scored.append(_Sentence(sentence.section, sentence.text, sentence.page, sentence.terms,
                                sentence.words, sentence.order, score))
    return scored


def _focus_match(sentence: _Sentence, focus: dict[str, float]) -> float:
    text = " ".join(sentence.terms)
    return sum(weight for term, weight in focus.items()
               if term in sentence.terms or (" " in term and term in text)
               or any(t.startswith(term) for t in sentence.terms if len(term) >= 5))


def _choose(sentences: list[_Sentence], budget: float, sections: list[Section]) -> list[_Sentence]:
    """Greedy maximal marginal relevance within the word budget."""
    remaining = sorted(sentences, key=lambda s: (-s.score, s.order))
    chosen: list[_Sentence] = []
    chosen_terms: list[set[str]] = []
    used = 0.0
    headed: set[str | None] = set()
    best = remaining[0].score if remaining else 0.0
    per_section: float = _PER_SECTION
    while remaining and used < budget * 0.9:
        def marginal(sentence: _Sentence) -> float:
            words = set(sentence.terms)
            overlap = max((len(words & other) / (len(words | other) or 1)
                           for other in chosen_terms), default=0.0)
            return sentence.score - _REDUNDANCY * overlap * best

        ordered = sorted(remaining, key=lambda s: (-marginal(s), s.order))
        added = False
        for sentence in ordered:
            heading = _heading_of(sections[sentence.section])
            if heading is not None and sum(
                    1 for c in chosen if _heading_of(sections[c.section]) == heading) >= \
                    per_section:
                continue  # a summary covers several parts, not one at length
            cost = sentence.words + 2  # the page reference
            new_heading = heading not in headed
            if new_heading:
                if len(headed) >= _MAX_SECTIONS:
                    continue
                cost += summary_words(heading or "")
            if used + cost > budget * (HIGH_SHARE / _FILL_SHARE):
                continue
            remaining.remove(sentence)
            chosen.append(sentence)
            chosen_terms.append(set(sentence.terms))
            headed.add(heading)
            used += cost
            added = True
            break
        if not added:
            if per_section != math.inf:
                per_section = math.inf  # only one part has more to say: let it
                continue
            break
    return chosen


def _heading_of(section: Section) -> str | None:
    heading = section.heading
    if heading is None:
        return None
    heading = re.sub(r"^(?:PART|Part)\s+[IVX]+\s*[—–-]\s*", "", heading)
    if len(heading) > 70 and " — " in heading:
        heading = heading.rsplit(" — ", 1)[-1]
    return heading[:100]


def _render(chosen: list[_Sentence], sections: list[Section]) -> str:
    groups: dict[str | None, list[_Sentence]] = {}
    first_seen: dict[str | None, int] = {}
    for sentence in sorted(chosen, key=lambda s: s.order):
        heading = _heading_of(sections[sentence.section])
        groups.setdefault(heading, []).append(sentence)
        first_seen.setdefault(heading, sentence.order)
    blocks = []
    for heading in sorted(groups, key=lambda h: first_seen[h]):
        bullets = "\n".join(f"- {_with_page(s)}" for s in groups[heading])
        title = heading if heading else "Main points"
        blocks.append(f"### {title}\n\n{bullets}" if len(groups) > 1 or heading else bullets)
    return "\n\n".join(blocks)


def _with_page(sentence: _Sentence) -> str:
    return f"{sentence.text} (p. {sentence.page})" if sentence.page is not None else sentence.text
