"""The built-in local model: answers by quoting the sources it is given, never by inventing."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from engine.llm._abbreviations import defined, expanded, initialisms
from engine.llm._candidates import Candidate, Pick, candidates
from engine.llm._chat import answer_chat
from engine.llm._facts import (
    Fact,
    asks_for_breakdown,
    asks_for_explanation,
    asks_for_rate,
    asks_why,
    best_breakdown,
    best_column,
    best_fact,
    render_column,
    render_fact,
    table_rows,
    without_parts_words,
)
from engine.llm._image import describe_image
from engine.llm._ranking import (
    asks_for_a_way,
    best_sentences,
    document_names,
    idf_of,
    is_summary_request,
    question_names,
    subject_terms,
    weigh_question,
)
from engine.llm._tables import Row, share_row
from engine.llm._terms import terms as _terms
from engine.retrieval.recency import document_date
from engine.retrieval.source_words import asks_for_opening, without_opening

__all__ = [
    "LOCAL_MODEL_ID",
    "NO_ANSWER",
    "Citation",
    "ExtractiveAnswer",
    "Source",
    "answer_chat",
    "answer_from_sources",
    "asks_who_wrote",
    "count_prompt_tokens",
    "describe_image",
    "source_marker",
]

LOCAL_MODEL_ID = "pdf-copilot-local"
LEAD = "From the documents:"
NO_ANSWER = "The documents don't say. I found nothing about that in the uploaded files."
_TOKEN = re.compile(r"\w+|[^\w\s]")
_MIN_QUOTE_CHARS = 40


@dataclass(frozen=True)
class Source:
    """A retrieved chunk; `page_offsets` maps character offsets in `text` to page numbers."""

    text: str
    file_id: str
    filename: str
    page_start: int | None = None
    page_end: int | None = None
    # (char_offset, page_number) pairs, ascending: the page starting at each offset of `text`.
    page_offsets: tuple[tuple[int, int], ...] = ()
    # What the whole document is about (its name and opening lines): question words found here
    # ("Apple", "2023") are taken as given for every sentence of the document, since a filing's
    # sentences rarely repeat the company's name.
    context: str = ""
    # The page the document's opening (the part of `context` after its name) stands on.
    opening_page: int | None = None


def source_marker(turn: int, index: int) -> str:
    """OpenAI's file_search citation marker, `【turn:index†source】`: `index` is the result's
    place in the run's file_search step, `turn` where the results came into the conversation."""
    return f"【{turn}:{index}†source】"


@dataclass(frozen=True)
class Citation:
    """Where the answer cites a source, and the sentence it quotes."""

    source_index: int
    marker: str
    start_index: int
    end_index: int
    quote: str
    page: int | None


@dataclass(frozen=True)
class ExtractiveAnswer:
    """Answer text with its citations; `found` is False when the sources hold nothing relevant."""

    text: str
    citations: list[Citation]
    found: bool


def answer_from_sources(
    question: str, sources: list[Source], *, max_sentences: int = 3, max_chars: int | None = None,
    turn: int = 0,
) -> ExtractiveAnswer:
    """The fact asked for (a table row's figures with their label, unit and period) when the
    question asks for one, then the sentences of `sources` that best support it, each cited.

    A compound question ("How have inventories changed, and what does this suggest about
    the supply chain?") is answered clause by clause: its first clause gives the fact and the
    main quotes, the rest one more quote. Citations read `source_marker(turn, index)`.
    """
    texts, contexts = [s.text for s in sources], [s.context for s in sources]
    if asks_for_opening(question):
        # "The share count on the cover page": what the opening pages say, and the question
        # without the words that point at them.
        texts = _on_opening_pages(sources) or texts
        question = without_opening(question)
    found = candidates(texts)  # split once: the facts and both sets of quotes read them
    abbreviations = {**initialisms(question, texts), **defined(texts)}
    if abbreviations:  # "ECM" in a sentence also says "error correction model", and back
        found = [replace(c, term_set=expanded(c.term_set, abbreviations)) for c in found]
    question = in_source_words(question, found, contexts)
    main, rest = split_question(question)
    facts = _facts(main, texts, contexts, found, abbreviations)
    if len(facts) == 1 and _ACROSS.search(question):
        facts = across_documents(facts[0], sources)
    prose = bool(facts) or asks_for_explanation(question)
    budget = max_sentences - min(len(facts), 1)
    picks = best_sentences(main, texts, budget - bool(rest), contexts=contexts,
                           prose_only=prose, found=found, last_resort=not facts)
    if facts:
        picks = _about_facts(picks, facts, main)
    if rest:
        more = best_sentences(rest, texts, budget, contexts=contexts, prose_only=prose,
                              found=found)
        if not more and _relating_sides(question) == (main, rest):
            # A discussion named by a fragment ("… suggest about their product demand and
            # supply management") may share too few words with any sentence; the whole
            # question still says what it is about.
            more = best_sentences(question, texts, budget, contexts=contexts,
                                  prose_only=prose, found=found)
        seen = {(p.source_index, p.start) for p in picks}
        picks += [p for p in more if (p.source_index, p.start) not in seen][: budget - len(picks)]
    opening = _opening(question, sources)
    if opening is not None:
        # Beside the byline, a quote that only shares the question's other words ("Another
        # package could do this!" for "Who wrote this package?") says nothing of who wrote it.
        if _ASKS_PROVENANCE.search(question) is None:
            picks = [p for p in picks if _AUTHORSHIP.search(p.text)]
        picks = [opening, *picks][:max(budget, 1)]
    if not facts and not picks:
        return ExtractiveAnswer(NO_ANSWER, [], found=False)
    text, citations = _format(facts, picks, sources, max_chars, turn)
    return ExtractiveAnswer(text, citations, found=True)


# A question about how something moved across the documents ("How has Apple's total net sales
# changed over time?" of four quarterly reports): the same line from each, oldest first.
_ACROSS = re.compile(
    r"\bover\s+time\b|\btrends?\b|\bfluctuat\w*|\b(?:across|over|in|during|between)\s+(?:the\s+"
    r"|these\s+|all\s+|each\s+|every\s+)?(?:reported\s+|various\s+|different\s+)?(?:quarters"
    r"|periods|years|reports|filings|documents|editions)\b|\beach\s+(?:reported\s+)?(?:quarter"
    r"|period|report|filing)\b", re.IGNORECASE)


def across_documents(fact: Fact, sources: list[Source]) -> list[Fact]:
    """`fact` and the same line (the same label, in a table of the same section where there is
    one) from each other document among `sources`, the documents in date order; just `fact`
    when the sources are of one document."""
    label = set(_terms(fact.row.label))
    section = set(_terms(fact.row.section))
    chosen = {sources[fact.source_index].file_id: fact}
    for index, source in enumerate(sources):
        if source.file_id in chosen:
            continue
        same = [row for row in table_rows([source.text])[0]
                if set(_terms(row.label)) == label and row.figures]
        if same:
            row = max(same, key=lambda r: set(_terms(r.section)) == section)
            chosen[source.file_id] = Fact(index, row, fact.score)
    if len(chosen) < 2:
        return [fact]

    def when(found: Fact) -> tuple[int, int, int]:
        source = sources[found.source_index]
        return document_date(f"{source.filename} {source.context}") or (0, 0, 0)

    return sorted(chosen.values(), key=when)


_WORD = re.compile(r"[^\W\d_]{5,}")


def in_source_words(question: str, found: list[Candidate], contexts: list[str]) -> str:
    """The question with a word the sources lack written as the shorter one they use, when
    it is that word and a letter or two more: "the North American segment" of a filing that
    says "North America", "European sales" of "Europe"."""
    present: set[str] = set().union(*(c.term_set for c in found),
                                    *(_terms(c) for c in set(contexts)))

    def near(match: re.Match[str]) -> str:
        word = match.group(0)
        [term, *more] = _terms(word) or [""]
        if not term or more or term in present:
            return word
        for cut in (1, 2, 3):  # "american" → "america", "european" → "europ(e)"
            shorter = term[:-cut]
            if len(shorter) >= 3 + min(cut, 2) and shorter in present \
                    and _terms(shorter) == [shorter]:
                return shorter.capitalize() if word[:1].isupper() else shorter
        return word

    return _WORD.sub(near, question)


# Who wrote a document, and where they work, stands at its opening: a title page's byline.
# ("Which statistic does the author prefer?" asks what the text says, not who wrote it.)
_ASKS_AUTHOR = re.compile(
    r"\bwho\s+(?:(?:originally\s+)?(?:wrote|authored|prepared|presented|created)|is\s+the\s+author"
    r"|are\s+the\s+authors)\b(?P<written>.*)"
    r"|\b(?:names?\s+of\s+the\s+authors?|authors?(?:'s|’s|s'|s’)?\s+names?|(?:written|authored)"
    r"\s+by|(?:which|what)\s+authors?|the\s+authors?\s+of)\b", re.IGNORECASE)
# What a document is called when a question means it, not something it tells of.
_THE_DOCUMENT = frozenset(_terms("this the document paper article report talk slides manual "
                                "guide vignette book thesis presentation package"))
# So do where its authors work and where and when it was published or presented: the
# affiliations and venue lines of a title page, which follow the title and the names.
_ASKS_PROVENANCE = re.compile(
    r"\b(?:which|what)\s+(?:university|institution|organi[sz]ation|institute|affiliation"
    r"|workshop|conference|journal|venue|symposium|meeting|proceedings)\b"
    r"|\b(?:where|when)\s+(?:was|were)\s+(?:this|the)\s+(?:talk|paper|article|presentation"
    r"|slides|report|study|document)\s+(?:given|presented|published|held|written|released)\b",
    re.IGNORECASE)
# Words of a sentence that speaks of who wrote or made something.
_AUTHORSHIP = re.compile(
    r"\b(?:authors?|authored|wr(?:ote|itten)|co-?authors?|contributors?|contributed"
    r"|maintain(?:s|ed|er)?|developed|created|acknowledg\w*|thanks?)\b", re.IGNORECASE)
_OPENING = -1  # a Pick's start for the document's opening, which is not in the chunk's text
_OPENING_CHARS = 240


def asks_who_wrote(question: str) -> bool:
    """True when the question asks who wrote a document, where its authors work, or where
    and when it was published."""
    return (_ASKS_AUTHOR.search(question) is not None
            or _ASKS_PROVENANCE.search(question) is not None)


def _written_of(question: str) -> frozenset[str]:
    """What "Who wrote …?" names beside the document itself ("Who originally wrote dBase?":
    dBase); nothing for "Who wrote this paper?" or a question of another form."""
    found = _ASKS_AUTHOR.search(question)
    if found is None or not found.group("written"):
        return frozenset()
    return frozenset(subject_terms(found.group("written")) - _THE_DOCUMENT)


def _opening(question: str, sources: list[Source]) -> Pick | None:
    """The document's opening words (title, authors, affiliations) for a question about who
    wrote it, from the best-ranked source whose opening page is known; none when it asks who
    wrote something the document's name and opening do not name (a program it tells of)."""
    if not asks_who_wrote(question):
        return None
    provenance = _ASKS_PROVENANCE.search(question) is not None
    # The authors follow the title; the affiliation or venue asked for is looked for.
    asked = subject_terms(question) if provenance else set()
    written = frozenset() if provenance else _written_of(question)
    for index, source in enumerate(sources):
        _, _, opening = source.context.partition("\n")
        if written and not written & set(_terms(source.context)):
            return None
        if source.opening_page is not None and opening.strip():
            return Pick(index, _opening_window(opening.split(), asked), _OPENING, 0.0)
    return None


def _opening_window(words: list[str], asked: set[str]) -> str:
    """Whole words of the opening, at most _OPENING_CHARS, from where they hold most of the
    question's terms ("Which university is Till Tantau from?": from his name on, where the
    affiliations follow); from the start when nothing matches better."""
    # Footnote marks cling to a title page's names ("Tantau5", "5Universität"): not words.
    bare = [_FOOTNOTE_MARK.sub("", word) for word in words]
    best, best_start = -1, 0
    for start in range(len(words)):
        if start and not asked & set(_terms(bare[start])):
            continue  # a window worth having starts at a word the question holds
        window = _words_within(bare[start:])
        held = len(asked & set(_terms(window)))
        if held > best:
            best, best_start = held, start
    return _words_within(words[best_start:])


_FOOTNOTE_MARK = re.compile(r"^\d{1,2}(?=[^\W\d_]{2})|(?<=[^\W\d_]{2})\d{1,2}$")


def _words_within(words: list[str]) -> str:
    """The first words of `words` that fit in _OPENING_CHARS (nothing added: it is a quote)."""
    text = " ".join(words)
    if len(text) > _OPENING_CHARS:
        text = text[:_OPENING_CHARS].rsplit(" ", 1)[0]
    return text


# Where a compound question's second ask begins: "…, and what…", "? If so, …", "? What…".
_SECOND_ASK = re.compile(
    r"\?\s+(?=\S)|[,;]\s+and\s+(?=(?:if\s+so,?\s+)?(?:what|how|why|which|does|do|is|are|can"
    r"|could|might|will)\b)|\s+and\s+(?=(?:if\s+so,?\s+)?(?:what|how|why)\b)", re.IGNORECASE)


# A question that relates a thing to a discussion of it ("How do the shifts in inventory levels
# correspond with the supply-chain strategies outlined?", "Correlate the debt instruments with
# management's discussion of debt strategy", "the relationship between international revenue
# and the discussion of currency risk"): the thing is asked first, the discussion second.
_RELATING = re.compile(
    r"\s+(?:compared?|correspond(?:s|ed)?|connect(?:s|ed)?|tie[sd]?(?:\s+in)?|align(?:s|ed)?"
    r"|correlate[sd]?|match(?:es|ed)?|reconcile[sd]?|square[sd]?)\s+(?:to|with)\s+"
    r"|\s+relate[sd]?\s+to\s+|\s+reflect(?:s|ed)?(?:\s+(?:on|in))?\s+(?=the\b|their\b|its\b)"
    r"|\s+and\s+(?=(?:the\s+|its\s+|their\s+)?(?:\w+\s+){0,3}?(?:discussions?|strateg\w*"
    r"|risks?|polic(?:y|ies)|plans?|approach(?:es)?|outlook)\b)", re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:correlations?|relationships?|connections?|links?)\s+between\s+",
                      re.IGNORECASE)
# The imperative form names its thing after the verb: "Compare A with B", "Align A with B".
_IMPERATIVE = re.compile(
    r"(?:^|[,:;]\s*)(?:compare|correlate|align|connect|reconcile|match|relate|contrast)\s+"
    r"(?P<first>.+?)\s+(?:with|to|against)\s+(?P<second>.+)$", re.IGNORECASE)
# What a thing is read for: "What do the inventory levels suggest about inventory management?",
# "What insights into inventory management could be gleaned from the inventory levels?".
_READ_FOR = re.compile(
    r"\bwhat\s+(?:do|does|did|might|could|would|can)\s+(?P<first>.+?)\s+(?:suggest|indicate"
    r"|imply|reveal|say|tell(?:\s+us)?|show)\s+about\s+(?P<second>.+)$"
    r"|\binsights?\s+(?:in)?to\s+(?P<second2>.+?)\s+(?:could|can|might|may|would)\s+be\s+"
    r"(?:gleaned|drawn|gained|derived|obtained|inferred|had)\s+from\s+(?P<first2>.+)$",
    re.IGNORECASE)
# How the thing is asked ("how do …", "what does …") says nothing of which thing it is.
_ASKING_FRAME = re.compile(r"\b(?:how|what|in\s+what\s+way)\s+(?:does|do|did|is|are|was|were"
                           r"|has|have)\s+", re.IGNORECASE)


_DISCUSSION = re.compile(r"\b(?:discussions?|management|notes?|sections?|md&a|outlined|narrative)"
                         r"\b", re.IGNORECASE)


def _relating_sides(question: str) -> tuple[str, str] | None:
    """(the thing, its discussion) of a question that relates the two, when the second side asks
    for prose (a discussion, a strategy, risks) the first does not; None otherwise, so "How did
    operating expenses compare with revenue?" stays one question of two figures."""
    read_for = _READ_FOR.search(question)
    if read_for is not None:  # what a thing suggests is always a reading of it, in prose
        first = question[:read_for.start()] + (read_for.group("first") or read_for.group("first2"))
        second = read_for.group("second") or read_for.group("second2")
    else:
        written = _written_sides(question)
        if written is None:
            return None
        first, second = _ASKING_FRAME.sub(" ", written[0]), written[1]
        if not (asks_for_explanation(second) or _DISCUSSION.search(second)):
            return None
    first = " ".join(first.split()).strip(" ,")
    if asks_for_explanation(first) or len(subject_terms(first)) < 2:
        return None
    return first, second.strip(" ,?")


def _written_sides(question: str) -> tuple[str, str] | None:
    """The two sides of "the relationship between A and B", "compare A with B" or "how does A
    correspond with B", as written."""
    between = _BETWEEN.search(question)
    if between is not None:
        sides = re.split(r"\s+and\s+", question[between.end():], maxsplit=1)
        return (f"{question[:between.start()]} {sides[0]}", sides[1]) if len(sides) == 2 \
            else None
    imperative = _IMPERATIVE.search(question)
    if imperative is not None:
        return (f"{question[:imperative.start()]} {imperative.group('first')}",
                imperative.group("second"))
    found = _RELATING.search(question)
    if found is None:
        return None
    return question[:found.start()], question[found.end():]


def split_question(question: str) -> tuple[str, str]:
    """(first ask, the rest) of a question; the rest is "" for a simple question."""
    found = _SECOND_ASK.search(question.strip())
    if found is None:
        return _relating_sides(question) or (question, "")
    first, rest = question[: found.start()].strip(), question[found.end():].strip()
    rest = re.sub(r"^if so,?\s*", "", rest, flags=re.IGNORECASE)
    if len(first.split()) < 3 or not rest:
        return question, ""
    return first, rest


# "A compared with B", "A against B", "A relative to B": each side asks for its own figure.
_VERSUS = re.compile(
    r"\s+(?:(?:as\s+)?compared?\s+(?:to|with)|in\s+comparison\s+(?:to|with)|(?:measure|stack)"
    r"\s+up\s+against|against|relative\s+to|versus|vs\.?|as\s+opposed\s+to)\s+",
    re.IGNORECASE)


# "What share of revenue did Services contribute?", "What proportion of the patients were
# women?": the part's figure, then the whole's.
_SHARE = re.compile(
    r"\b(?:proportion|percentage|percent|share|fraction|portion)\s+of\s+(?P<whole>.+?)\s+"
    r"(?:was|were|is|are|did|does|do|has|have|came|comes|come)\s+(?P<part>.+)$",
    re.IGNORECASE)


def _facts(question: str, texts: list[str], contexts: list[str],
           found: list[Candidate], abbreviations: dict[str, frozenset[str]] | None = None
           ) -> list[Fact]:
    """The table rows that answer a question asking for figures: one, or one per side of a
    comparison ("How did operating expenses compare with revenue?"); `found` are the
    sentences of `texts`."""
    if asks_why(question) or is_summary_request(question) or asks_for_a_way(question):
        return []
    # "services such as the App Store and iCloud": the examples are not the row's name.
    question = _EXAMPLES.sub(" ", question)
    given = [document_names(c) for c in contexts]
    rows = table_rows(texts)
    sides = [question]
    parts = _VERSUS.split(question, maxsplit=1)
    share = _SHARE.search(question)
    if len(parts) == 2 and all(subject_terms(part) for part in parts):
        sides = parts
    elif share is not None and all(subject_terms(share.group(g)) for g in ("part", "whole")):
        sides = [share.group("part"), share.group("whole")]
    facts = _facts_of(sides, question, texts, given, found, rows, abbreviations)
    if len(sides) == 2 and facts:
        # "How did operating expenses compare to revenue?": the line that says what share of
        # revenue they were ("% of net revenue 34.9 %") is the comparison itself.
        first = facts[0]
        share_of = share_row(rows[first.source_index], first.row, subject_terms(sides[1]))
        if share_of is not None:
            facts.insert(1, Fact(first.source_index, share_of, first.score))
    both = _BOTH.search(question) if len(sides) == 1 and len(facts) <= 1 else None
    words = [set(_terms(both.group(k))) for k in (1, 2)] if both is not None else []
    if both is not None and all(words):
        # "the insurance and depreciation charges": a row each, when no row is both (as
        # "Research and development" is).
        each = [question[:both.start()] + both.group(k) + question[both.end():] for k in (1, 2)]
        label = set(_terms(facts[0].row.label)) if facts else set()
        missing = [side for side, named in zip(each, words, strict=True) if not named <= label]
        if len(missing) < 2 or not facts:
            # A row of one of the two, named by it ("debt and interest expense": no row of
            # "Other income (expense)").
            facts += [f for f in _facts_of(missing, question, texts, given, found, rows,
                                           abbreviations)
                      if all((f.source_index, f.row.start) != (g.source_index, g.row.start)
                             for g in facts)
                      and any(named <= set(_terms(f.row.label)) for named in words)]
    return facts


_EXAMPLES = re.compile(r",?\s*\b(?:such\s+as|including|like|e\.g\.|for\s+example)\s+[^,;?]*,?",
                       re.IGNORECASE)


# Two things asked for at once: "gaming and professional", "e-commerce and AWS".
_BOTH = re.compile(r"\b([^\W\d_][\w-]*)\s+and\s+([^\W\d_][\w-]*)\b")


def _facts_of(sides: list[str], question: str, texts: list[str], given: list[frozenset[str]],
              found: list[Candidate], rows: list[list[Row]],
              abbreviations: dict[str, frozenset[str]] | None = None) -> list[Fact]:
    """A row (or a breakdown, a column) for each side of the question, none stated twice."""
    names = question_names(question)
    weight = idf_of(found)
    facts: list[Fact] = []
    for side in sides:
        weighed = weigh_question(question if len(sides) == 1 else side, found, given)
        if weighed is None:
            continue
        asked = subject_terms(side)
        wanted = [t for t in weighed.wanted if t in asked]
        if asks_for_breakdown(side):
            divided = subject_terms(without_parts_words(side))
            fact = best_breakdown([t for t in wanted if t in divided], weighed.idf, rows, given,
                                  texts, names=names)
            if fact is not None:
                facts.append(fact)
                continue
        fact = best_fact(wanted, weighed.idf, rows, given, texts,
                         asks_rate=asks_for_rate(side), names=names,
                         skip=frozenset((f.source_index, f.row.start) for f in facts),
                         idf_of=weight, abbreviations=abbreviations) or (
            None if facts else best_column(wanted, weighed.idf, rows, given, texts,
                                           names=names))
        if fact is not None:
            facts.append(fact)
    return facts


def _about_facts(picks: list[Pick], facts: list[Fact], question: str) -> list[Pick]:
    """The quotes after a stated figure speak of what it is (most of the words its label shares
    with the question), or of the rest of the question: "Cash and cash equivalents" is not
    supported by "Dividend Equivalent Rights"; "How did inventory levels reflect on the supply
    chain?" keeps its quote on the supply chain."""
    asked = subject_terms(question)
    labels = set().union(*(set(_terms(f.row.label)) for f in facts))
    # The names the question gives ("Northwind's") say whose figure, not what else it asks.
    subjects, rest = labels & asked, asked - labels - question_names(question)
    if not subjects:
        return picks
    kept = []
    for pick in picks:
        said = set(_terms(pick.text))
        if rest & said or 2 * len(subjects & said) > len(subjects):
            kept.append(pick)
    return kept


def count_prompt_tokens(text: str) -> int:
    """Rough token count for usage figures: words plus punctuation marks."""
    return len(_TOKEN.findall(text))


def _format(
    facts: list[Fact], picks: list[Pick], sources: list[Source], max_chars: int | None,
    turn: int,
) -> tuple[str, list[Citation]]:
    """The answer within `max_chars`: drop the weakest quotes first, then shorten the last one."""
    text, citations = _render(facts, picks, sources, turn)
    while max_chars is not None and len(text) > max_chars and picks:
        if len(picks) == 1 and not facts:
            break
        picks = picks[:-1]
        text, citations = _render(facts, picks, sources, turn)
    if max_chars is not None and len(text) > max_chars and picks:
        # Never below a readable stub, so an answer always says something.
        room = max(max_chars - (len(text) - len(picks[0].text)), _MIN_QUOTE_CHARS)
        text, citations = _render(facts, picks, sources, turn, quote_limit=room)
    return text, citations


def _render(
    facts: list[Fact], picks: list[Pick], sources: list[Source], turn: int,
    quote_limit: int | None = None,
) -> tuple[str, list[Citation]]:
    """The facts first (when there are any), each on its own line, then each quoted sentence
    followed by its marker; a bullet list when there are several quotes."""
    citations: list[Citation] = []
    text = ""
    for fact in facts:
        source = sources[fact.source_index]
        marker = source_marker(turn, fact.source_index)
        stated = render_column(fact) if fact.rows else render_fact(fact.row, fact.shown)
        end = fact.rows[-1].end if fact.rows else fact.row.end
        text += ("\n" if text else "") + f"{stated}."
        citations.append(Citation(fact.source_index, marker, len(text), len(text) + len(marker),
                                  " ".join(source.text[fact.row.start:end].split()),
                                  _page(source, fact.row.start)))
        text += marker
    if facts and picks:
        text += "\n\nFrom the documents:"
    elif not facts:
        text = LEAD
    separator = "\n- " if len(picks) > 1 or facts else " "
    for pick in picks:
        source = sources[pick.source_index]
        marker = source_marker(turn, pick.source_index)
        quote = pick.text if quote_limit is None else _shorten(pick.text, quote_limit)
        text += f"{separator}“{quote}”"
        citations.append(
            Citation(
                source_index=pick.source_index,
                marker=marker,
                start_index=len(text),
                end_index=len(text) + len(marker),
                quote=pick.text,
                page=_page(source, pick.start),
            )
        )
        text += marker
    return text, citations


def _shorten(quote: str, limit: int) -> str:
    """Cut `quote` at a word boundary to at most `limit` characters, marking the cut."""
    if len(quote) <= limit:
        return quote
    return quote[: limit - 1].rsplit(" ", 1)[0] + "…"


def _on_opening_pages(sources: list[Source]) -> list[str] | None:
    """The text of each source that begins on its document's opening page ("" for the others),
    or None when no source does. The whole chunk, not the first page alone: a cover runs on
    past its first page (a filing's share count stands on its second)."""
    texts = [source.text if source.opening_page is not None and source.page_start is not None
             and source.page_start <= source.opening_page else "" for source in sources]
    return texts if any(t.strip() for t in texts) else None


def _page(source: Source, offset: int) -> int | None:
    """The page of the character at `offset` of the source text."""
    if offset == _OPENING:
        return source.opening_page
    if source.page_offsets:
        starts = [start for start, _ in source.page_offsets]
        index = bisect_right(starts, offset) - 1
        return source.page_offsets[max(index, 0)][1]
    # Without offsets a chunk spanning pages is pages joined by blank lines, and blank lines
    # also occur inside a page, so the boundary can't be found: cite the first page.
    return source.page_start
