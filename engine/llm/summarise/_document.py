"""A document's structure from its text: pages, running heads, headings, and kinds of section.

The text comes as chat-completion material. Pages are marked by lines `[Page N]` (the summary
copilot sends them; without them there are no page references), Markdown `#` lines are headings
(the copilot turns PDF bookmarks into such lines), and a line `Document: name` names the file.
Other headings are found from the text's layout and wording: short lines standing alone, in
capitals or Title Case, or numbered like "Item 2.", "3.1 Results", "Chapter 4", "Abstract".

Each section is then classed by what it is for a reader: body text, or parts a summary leaves
out — a table of contents, exhibits and agreements attached to a report, certifications,
signature pages, cover-page boilerplate, references.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from engine.llm._boilerplate import LEGAL_SENTENCE_MARKS, legal_marks

PAGE_MARK = re.compile(r"^\[(?:Page|p\.)\s*(\d{1,5})\]$")
DOCUMENT_MARK = re.compile(r"^Document:\s*(.+)$")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_NUMBERED = re.compile(
    r"^(?:(?:PART|Part)\s+[IVX]+\b|(?:ITEM|Item)\s+\d+[A-Z]?\.|(?:CHAPTER|Chapter|SECTION|Section|"
    r"APPENDIX|Appendix|ANNEX|Annex|NOTE|Note|EXHIBIT|Exhibit)\s+[\dA-Z]+\b|\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z])"
)
_NAMED = re.compile(
    r"^(?:abstract|introduction|background|overview|summary|executive summary|conclusions?|"
    r"discussion|results|findings|contributions|outlook|highlights|references|bibliography|"
    r"acknowledge?ments|methods?|methodology|related work|future work|getting started|"
    r"installation|usage|requirements|limitations|signatures?|exhibits?|table of contents|"
    r"contents|certifications?|index|glossary|preface|foreword|appendix)\.?$",
    re.IGNORECASE,
)
_TABLE_HEADER = re.compile(r"\b(?:months|weeks|quarters?|years?) ended\b|^as of\b|"
                           r"^\(?in (?:millions|thousands|billions)", re.IGNORECASE)
_LETTERS = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[A-Za-z][\w’'&-]*")
_SMALL_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with vs via per nor but".split()  # noqa: SIM905
)
_MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 12
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER_LINE = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?$|^[ivxlc]{1,6}$", re.I)
_RUNNING_HEAD_SHARE = 0.3
_EDGE_LINES = 3

# What a section is for the reader; everything but "body" is left out of a summary.
SKIPPED_KINDS = {
    "toc": "table of contents",
    "exhibit": "exhibits",
    "certification": "certifications",
    "signature": "signatures",
    "cover": "cover page",
    "references": "references",
    "boilerplate": "boilerplate",
}
_TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|\s{2,}|\s)\d{1,4}\s*$")
_LEADERS = re.compile(r"\.{4,}|…{2,}|(?:\. ){3,}")
_EXHIBIT_START = re.compile(
    r"^(?:exhibit|annex|schedule)\s+(?:\d+(?:\.\d+)*|[A-Z])\b(?!\s*[-–—]?\s*\d)|"
    r"\bexhibit\s+(?:\d+(?:\.\d+)+|[A-Z])$", re.IGNORECASE)
_MAIN_PART = re.compile(r"^(?:PART|Part|ITEM|Item|CHAPTER|Chapter)\s+[\dIVX]+")
_EXHIBIT_INDEX = re.compile(r"^(?:exhibit index|index to exhibits|item\s+6\.?\s+exhibits)",
                            re.IGNORECASE)
_CERTIFICATION = re.compile(
    r"\bcertif(?:y|ies|ication)\b.*\b(?:that|pursuant)\b|pursuant to 18 u\.?s\.?c|"
    r"section 906 of the sarbanes|section 302 of the sarbanes|^certifications?\b|"
    r"^i,\s+[A-Z][\w.\s-]{2,60},\s+certify", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^signatures?$|^/s/|duly caused this (?:report|statement|amendment) to be signed|"
    r"^by:\s*/?s?/?|^(?:name|title|date):\s", re.IGNORECASE)
_COVER = re.compile(
    r"[☐☒☑✓✔]|indicate by check mark|commission file number|exact name of registrant|"
    r"i\.r\.s\. employer|securities registered pursuant|(?:large )?accelerated filer",
    re.IGNORECASE)
_REFERENCES = re.compile(r"^(?:references|bibliography|works cited|literature cited)$",
                         re.IGNORECASE)
_BOILERPLATE_HEADING = re.compile(
    r"forward[- ]looking statements|safe harbor|legal notice|disclaimer|copyright|trademarks|"
    r"acknowledge?ments|license|licence", re.IGNORECASE)
_LEGAL_SECTION_SHARE = 0.35


@dataclass
class Section:
    """A run of body lines under one heading; `offsets` maps text offsets to pages."""

    heading: str | None
    level: int
    page: int | None
    lines: list[tuple[str, int | None]] = field(default_factory=list)
    kind: str = "body"
    parents: tuple[str, ...] = ()  # the headings above this one, outermost first

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)

    def page_at(self, offset: int) -> int | None:
        position = 0
        page = self.page
        for line, line_page in self.lines:
            if position > offset:
                break
            page = line_page
            position += len(line) + 1
        return page

    @property
    def pages(self) -> list[int]:
        return sorted({p for _, p in self.lines if p is not None} | (
            {self.page} if self.page is not None else set()))


@dataclass
class Document:
    name: str | None
    pages: int
    sections: list[Section]
    lines: list[tuple[str, int | None]]  # every kept line, for figure tables

    def skipped(self) -> dict[str, list[int]]:
        """Pages of each kind of part left out, in document order."""
        found: dict[str, set[int]] = {}
        for section in self.sections:
            if section.kind != "body":
                found.setdefault(section.kind, set()).update(section.pages)
        return {kind: sorted(pages) for kind, pages in found.items()}


def split_documents(material: list[str]) -> list[tuple[str | None, str]]:
    """The material as (name, text) documents, split at `Document: name` lines."""
    documents: list[tuple[str | None, list[str]]] = []
    for text in material:
        for line in text.split("\n"):
            match = DOCUMENT_MARK.match(line.strip())
            if match:
                documents.append((match.group(1).strip(), []))
            else:
                if not documents:
                    documents.append((None, []))
                documents[-1][1].append(line)
    return [(name, "\n".join(lines)) for name, lines in documents if "".join(lines).strip()]


def read_document(name: str | None, text: str) -> Document:
    pages = _pages(text)
    running = _running_heads(pages)
    lines: list[tuple[str, int | None, int]] = []  # text, page, heading level (0: body)
    for number, page_lines in pages:
        for index, raw in enumerate(page_lines):
            line = " ".join(raw.split())
            edge = index < _EDGE_LINES or index >= len(page_lines) - _EDGE_LINES
            if not line or (edge and _PAGE_NUMBER_LINE.match(line)):
                continue
            if edge and _normalised(line) in running:
                continue
            previous = page_lines[index - 1].strip() if index else ""
            following = page_lines[index + 1].strip() if index + 1 < len(page_lines) else ""
            lines.append((line, number, _heading_level(line, previous, following)))
    sections = _sections(lines)
    _classify(sections)
    count = max((n for n, _ in pages if n is not None), default=0)
    return Document(name, count, sections, [(t, p) for t, p, _ in lines])


def _pages(text: str) -> list[tuple[int | None, list[str]]]:
    pages: list[tuple[int | None, list[str]]] = [(None, [])]
    for line in text.split("\n"):
        match = PAGE_MARK.match(line.strip())
        if match:
            pages.append((int(match.group(1)), []))
        else:
            pages[-1][1].append(line)
    return [(n, lines) for n, lines in pages if any(line.strip() for line in lines)]


def _normalised(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def _running_heads(pages: list[tuple[int | None, list[str]]]) -> set[str]:
    """Lines at the top or bottom of many pages (with their numbers ignored): running heads."""
    if len(pages) < 4:
        return set()
    counts: Counter[str] = Counter()
    for _, lines in pages:
        kept = [line.strip() for line in lines if line.strip()]
        edges = {_normalised(" ".join(line.split()))
                 for line in kept[:_EDGE_LINES] + kept[-_EDGE_LINES:]}
        counts.update(edges)
    threshold = max(3, _RUNNING_HEAD_SHARE * len(pages))
    return {line for line, count in counts.items() if count >= threshold}


def _heading_level(line: str, previous: str, following: str) -> int:
    """1 for a major heading, 2 for a minor one, 0 for body text."""
    markdown = _MARKDOWN_HEADING.match(line)
    if markdown:
        return min(len(markdown.group(1)), 3)
    if len(line) > _MAX_HEADING_CHARS or not _LETTERS.search(line):
        return 0
    words = _WORD.findall(line)
    if not words or len(line.split()) > _MAX_HEADING_WORDS:
        return 0
    # Table rows end in figures; a heading does not ("Item 2." and "3.1 Results" start with them).
    if re.search(r"[\d%)]\s*$", line) and not _NUMBERED.match(line):
        return 0
    # A contents entry: "2 Method .......... 2", "Item 2. Management's Discussion 15".
    if _LEADERS.search(line) or (re.search(r"\s\d{1,4}$", line) and len(line.split()) > 2):
        return 0
    if _NUMBERED.match(line) and not line.rstrip().endswith((",", ";")):
        if re.match(r"^(?:PART|Part|CHAPTER|Chapter|EXHIBIT|Exhibit)\b", line):
            return 1
        return 3 if re.match(r"^\d{1,2}\.\d", line) else 2
    if _NAMED.match(line.strip()):
        return 2
    ends_prose = re.search(r"[.,;:!?]$", line) is not None
    if ends_prose or _TABLE_HEADER.search(line):
        return 0
    # A lone line of capitals or Title Case between prose lines is a heading.
    upper = sum(1 for w in words if w.isupper() and len(w) > 1)
    if upper >= max(1, len(words) * 0.8) and len(words) >= 2:
        return 2
    title = all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)
    stands_alone = not previous or re.search(r"[.:!?]$", previous) is not None or (
        len(previous) < _MAX_HEADING_CHARS)
    if title and len(words) >= 2 and stands_alone and following and following[:1].isupper():
        return 3
    return 0


def _clean_heading(line: str) -> str:
    markdown = _MARKDOWN_HEADING.match(line)
    return (markdown.group(2) if markdown else line).strip().rstrip(".:")


def _sections(lines: list[tuple[str, int | None, int]]) -> list[Section]:
    sections = [Section(None, 0, lines[0][1] if lines else None)]
    chain: dict[int, str] = {}
    for text, page, level in lines:
        if level:
            current = sections[-1]
            if current.heading is not None and not current.lines and level >= current.level:
                # Consecutive heading lines ("PART I" then "Item 1. Financial Statements").
                current.heading = f"{current.heading} — {_clean_heading(text)}"
                chain[current.level] = current.heading
                continue
            chain = {lv: h for lv, h in chain.items() if lv < level}
            parents = tuple(chain[lv] for lv in sorted(chain))
            sections.append(Section(_clean_heading(text), level, page, parents=parents))
            chain[level] = sections[-1].heading or ""
        else:
            sections[-1].lines.append((text, page))
    return [s for s in sections if s.lines or s.heading]


def _classify(sections: list[Section]) -> None:
    """Set each section's kind; exhibits run from their first page to the next main part."""
    in_exhibits = False
    in_references = False
    for section in sections:
        heading = section.heading or ""
        first = [line for line, _ in section.lines[:4]]
        opening = [heading, *first]
        if _MAIN_PART.match(heading) and not _EXHIBIT_INDEX.match(heading):
            in_exhibits = False
        if any(_EXHIBIT_START.match(line) for line in opening) or any(
                _EXHIBIT_INDEX.match(line) for line in opening):
            in_exhibits = True
        if _REFERENCES.match(heading):
            in_references = True
        elif section.level == 1 and heading:
            in_references = False
        section.kind = _kind(section, heading, in_exhibits, in_references)


def _kind(section: Section, heading: str, in_exhibits: bool, in_references: bool) -> str:
    lines = [line for line, _ in section.lines]
    text = section.text
    if re.search(r"\b(?:table of )?contents\b|^inhalt|^sommaire|^índice", heading, re.I) or _is_toc(lines):
        return "toc"
    if any(_CERTIFICATION.search(line) for line in [heading, *lines[:6]]):
        return "certification"
    if in_exhibits:
        return "exhibit"
    if any(_SIGNATURE.search(line) for line in [heading, *lines[:3]]) or (
            sum(1 for line in lines if _SIGNATURE.search(line)) >= 2):
        return "signature"
    if in_references:
        return "references"
    if lines and sum(1 for line in lines if _COVER.search(line)) >= max(2, len(lines) * 0.1):
        return "cover"
    if _BOILERPLATE_HEADING.search(heading):
        return "boilerplate"
    sentences = [s for s in re.split(r"(?<=[.;])\s+", text) if len(s.split()) >= 8]
    legal = sum(1 for s in sentences if legal_marks(s) >= LEGAL_SENTENCE_MARKS)
    if len(sentences) >= 4 and legal >= _LEGAL_SECTION_SHARE * len(sentences):
        return "boilerplate"
    return "body"


def _is_toc(lines: list[str]) -> bool:
    """Many lines ending in a page number, or dotted leaders: a table of contents."""
    if len(lines) < 3:
        return False
    leaders = sum(1 for line in lines if _LEADERS.search(line))
    numbered = sum(1 for line in lines if _TOC_LINE.search(line) and len(line.split()) <= 14
                   and not re.search(r"\d[\d,]*\.\d|\$|%", line))
    return leaders >= 3 or numbered >= max(3, 0.6 * len(lines))

