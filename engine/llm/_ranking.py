"""Score source sentences against a question and pick the few that answer it."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from engine.llm._boilerplate import is_boilerplate
from engine.llm._candidates import (
    Candidate,
    Pick,
    candidates,
    distinct,
    ends_like_prose,
    quotable,
)
from engine.llm._summary import central_sentences
from engine.llm._tables import MONTH_ABBREVIATIONS, MONTH_NAMES, figures_in, split_row
from engine.llm._terms import is_abbreviation, is_number, is_year, stem, terms

# BM25's term-frequency saturation, and a length normalisation weaker than the usual 0.75:
# sentences vary less than documents, and full sentences should not lose to bare fragments.
_K1 = 1.2
_B = 0.3
# A sentence must hold at least half of the question's key weight (IDF-weighted; key terms
# are the question's terms the sources hold at all), counting words of its heading and of the
# document's title as held: below that, matches are incidental and quoting them would answer
# another question. Terms the sources lack are left out of the weight, so a long question is
# answered from its key terms rather than refused for its many other words; but a name or a
# year the sources lack means they are about something else, and nothing is quoted.
MIN_COVERAGE = 0.5
# Later picks must score this close to the best one, so a strong answer isn't padded with noise.
MIN_RELATIVE_SCORE = 0.5
_NUMBER_BONUS = 1.0
_BIGRAM_BONUS = 0.5
_RANK_BONUS = 0.1
_SUBJECT_BONUS = 1.0
_FORMALITY_FACTOR = 0.25
_JOINED_QUOTE_CHARS = 400
_WINDOW_SENTENCES = 3
# A how-to question is answered by the instrument (a function, a command, an option), which
# the text names a sentence or two after the one that restates the problem ("Sometimes data
# files have no field delimiters… Function read.fwf provides a simple way to read such files").
_HOW_TO_LOOKAHEAD = 3
_HOW_TO_QUOTE_CHARS = 500
_HOW_DO_I = (r"\bhow\s+(?:can|do|does|should|would|could|might|may)\s+(?:i|we|you|one)\b"
             r"|\bhow\s+to\b")
_ASKS_A_WAY = re.compile(_HOW_DO_I, re.IGNORECASE)
_HOW_TO = re.compile(
    _HOW_DO_I + r"|\b(?:what|which)\s+(?:commands?|functions?|options?|arguments?|flags?|settings?|packages?"
    r"|tools?|methods?|files?|programs?|scripts?|keys?|switch(?:es)?)\b", re.IGNORECASE)
# What code looks like in prose: a dotted or underscored name ("read.fwf", "f_stubs.c"), a
# call ("ave(z, …)"), a command-line option ("-no-include"), a console line ("> plot(z)").
_CODE = re.compile(
    r"(?<![\w.])(?!(?:e\.g|i\.e|a\.m|p\.m|et\.al)\b)"
    r"[A-Za-z]\w*(?:[._]\w+)*(?:\.[A-Za-z]\w+|\.[a-z]|_\w+)(?![\w])"
    r"|\b[A-Za-z_]\w*\((?!\s*\)|s\))|(?<![\w-])--?[a-z][\w-]{2,}|^\s*(?:R?>|\$|#)\s+\S")
_QUESTION_TAIL = 2  # question sentences skipped (and kept in the quote) before the answer
# BM25 with every bonus stays below about four times the question's weight.
_SPELLED_OUT_BONUS = 5.0
_COUNTED = re.compile(r"\bhow\s+many\s+([a-z]+)", re.IGNORECASE)
# A question that asks how much, how many, how fast or what share is answered by a sentence
# that states a figure; one that only shares its words ("We expect the business to grow") is
# worth this much of its score.
_ASKS_AMOUNT = re.compile(
    r"\bhow\s+(?:much|many|fast|big|large|high|low|long|far|often|quickly|sharply|strongly)\b"
    r"|\b(?:what|which)\s+(?:percentage|percent|share|proportion|fraction|number|amount|rate"
    r"|ratio|size|value)\b|\b(?:rate|ratio|percentage)\b|(?<=[a-z] )count\b", re.IGNORECASE)
_NO_FIGURE_FACTOR = 0.5
# A question that asks for a rate or a share is answered by a percentage.
_ASKS_PERCENT = re.compile(r"%|\bpercent(?:age)?s?\b|\brates?\b|\bratios?\b|\bproportions?\b"
                           r"|\bshare\s+of\b", re.IGNORECASE)
_PERCENT = re.compile(r"\d\s?%|\d\s+percent\b|\bper\s?cent\b", re.IGNORECASE)
# A question that asks when is answered by a date, a day or a year.
_ASKS_WHEN = re.compile(r"^\s*(?:when|since\s+when|until\s+when)\b|\b(?:what|which)\s+(?:date|day"
                        r"|month|year)s?\b", re.IGNORECASE)
# ("may" alone is the verb: "we may repurchase shares" states no date; "May 4" does.)
_BARE_MONTHS = "|".join(name for name in MONTH_NAMES.split("|") if name != "may")
_WHEN = re.compile(rf"\b(?:19|20)\d{{2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:{_BARE_MONTHS}|monday|tuesday"
                   rf"|wednesday|thursday|friday|saturday|sunday)\b"
                   rf"|\b(?:may|{MONTH_ABBREVIATIONS})\.?\s+\d{{1,2}}\b", re.IGNORECASE)
_SUMMARY_REQUEST = re.compile(
    r"\b(?:summar\w*|overview|tl;?dr|gist|(?:key|main) (?:points|ideas|takeaways))\b"
    r"|\bwhat(?:'s|’s| is| are)\s+(?:this|these|it|the\s+\w+)\s+about\b",
    re.IGNORECASE,
)


# How a question asks rather than what it asks about: instructions ("analyze", "examine how …
# correlates with …") and pointers to parts of the document ("the discussion on", "in the
# notes", "section"). Sentences that answer rarely hold them; signposts to other parts always do.
# Words of asking shared by both filters below ("What details were disclosed in the section…").
_ASKING = (r"details?|specific(?:ally)?|provided?|disclosed?|revealed?|stated|sections?"
           # "the extent of these repurchases", "what scale did these take": how much of it
           r"|(?:scale|extent|magnitude)\s+of"
           r"|what\s+(?:scale|extent|magnitude)\s+(?:did|do|does|was|were|is|are|had|has)"
           # "how fast did it grow", "how big was it": how much, in other words
           r"|how\s+(?:fast|quickly|rapidly|big|large|strongly|sharply|steeply)"
           # "the share count", "the employee count": how many shares, employees
           r"|(?<=[a-z] )count")
_INSTRUCTION = re.compile(
    r"\b(?:analy[sz]e|examine|outline|elaborate(?:\s+on)?|correlat\w*|relat(?:e|es|ed|ion)"
    r"|relationships?|insights?|implications?|discussions?\s+(?:on|of|about|in)"
    r"|(?:in|from)\s+the\s+notes"
    # "the tax rate in the financial statements": where to look, not what is asked
    r"|(?:in|from|within)\s+the\s+(?:(?:condensed|consolidated|interim|quarterly|annual)\s+)*"
    r"financial\s+(?:statements|section)(?:\s+section)?|" + _ASKING + r")\b", re.IGNORECASE)


# What a question says about which document or period it means rather than what it asks for
# ("in the latest 10-Q", "for Q1 2023", "as reported"): a row's label never holds these words,
# its columns do, so they are left out when a question is matched against row labels.
_NOT_ASKED = re.compile(
    r"\b(?:(?:first|second|third|fourth)\s+(?:quarter|half)|q[1-4]|h[12]|fy\s?\d{2,4}"
    r"|(?:19|20)\d{2}|form\s+10-[qk]|10-[qk]s?|quarters?|quarterly|fiscal|periods?|years?"
    r"|latest|most\s+recent|recent|newest|current|report(?:s|ed)?|mentioned|generated"
    r"|figures?|as\s+per|according\s+to|" + _ASKING +
    # "inventory levels", "staffing levels": how much inventory (not "Level 2" of a hierarchy)
    r"|(?<=[a-z] )levels"
    # "on the balance sheet date", "as of the cover date": which column, not which row
    r"|dates?"
    r")\b",
    re.IGNORECASE,
)


def subject_terms(question: str) -> set[str]:
    """The terms of `question` that name what it asks about, not which period or document."""
    return set(terms(_NOT_ASKED.sub(" ", question)))


# "What does PMM mean?", "What does NSTT stand for?", "What is HAC?": an abbreviation asked about.
_ASKS_DEFINITION = re.compile(
    r"\b(?i:what\s+(?:does|do|did)\s+(?:the\s+)?(?:abbreviation\s+|acronym\s+|term\s+)?)"
    r"[\"“‘']?([A-Z][A-Za-z0-9&-]*[A-Z0-9][A-Za-z0-9&-]*)[\"”’']?\s+(?i:mean|stand\s+for)\b"
    r"|\b(?i:what\s+(?:is|are)\s+(?:an?\s+|the\s+)?)[\"“‘']?([A-Z]{2,10}s?)[\"”’']?\s*\??\s*$")


def _definition_of(question: str) -> re.Pattern[str] | None:
    """Where a text spells out the abbreviation the question asks about, if it asks."""
    found = _ASKS_DEFINITION.search(question.strip())
    if found is None:
        return None
    word = re.escape((found.group(1) or found.group(2)).rstrip("s") if found.group(2)
                     else found.group(1))
    return re.compile(rf"\(\s*{word}s?\s*[),;]|\b{word}s?\s+\(|\b{word}s?\s+(?:stands?\s+for"
                      rf"|means|is\s+short\s+for|denotes)\b|\b{word}\s*[=:–—-]\s+[a-z]")


def asks_for_a_way(question: str) -> bool:
    """True for "How do I plot…?", "How to…": a way of doing something, which no figure gives."""
    return _ASKS_A_WAY.search(question) is not None


def is_summary_request(question: str) -> bool:
    """True when the question asks for a summary or overview rather than a fact."""
    return _SUMMARY_REQUEST.search(question) is not None


@dataclass(frozen=True)
class Question:
    """A question's key terms and their weights over the sources' sentences."""

    wanted: list[str]
    idf: dict[str, float]
    # Of `wanted`, what the question asks about without the words that say where, when or how
    # much it hedges ("significant", "in the latest 10-Q", "relative to past quarters").
    core: frozenset[str] = frozenset()
    # The same before it is narrowed to the terms the sources hold: a sentence that shares
    # none of these shares only how the question asks.
    about: frozenset[str] = frozenset()


def weigh_question(
    question: str, found: list[Candidate], given: list[frozenset[str]]
) -> Question | None:
    """The question's key terms; None when it names something (a name, a year) the sources
    and their documents' titles never mention."""
    wanted = list(dict.fromkeys(terms(_INSTRUCTION.sub(" ", _SUMMARY_REQUEST.sub(" ", question)))))
    if not wanted:  # a question of nothing but such words keeps them
        wanted = list(dict.fromkeys(terms(_SUMMARY_REQUEST.sub(" ", question))))
    if not wanted or not found:
        return None
    present = set().union(*(c.term_set for c in found), *given)
    if any(name not in present for name in _named(question)):
        return None
    key = [t for t in wanted if t in present]
    if not key:
        return None
    core = set(terms(_HEDGE.sub(" ", _NOT_ASKED.sub(" ", _INSTRUCTION.sub(" ", question)))))
    # "What changes in debt…" asks about debt: "There have been no material changes to our
    # market risk" shares only how it asks.
    framed = core - set(terms(" ".join(_CHANGE_FRAME.findall(question))))
    return Question(key, _idf(key, found), frozenset(t for t in key if t in core),
                    frozenset(framed or core))


_CHANGE_FRAME = re.compile(r"\b(?:changes?|alterations?|developments?)(?=\s+(?:in|to)\s)",
                           re.IGNORECASE)


# How a question hedges or places what it asks: "any significant changes", "the key factors",
# "relative to past quarters".
_HEDGE = re.compile(
    r"\b(?:significant(?:ly)?|substantial(?:ly)?|considerabl[ey]|major|notabl[ey]|key|main"
    r"|primary|chief|relative(?:ly)?|past|previous|prior|preceding)\b", re.IGNORECASE)


_NAMED = re.compile(r"(?<![.?!]\s)(?<!^)(?<!-)\b[A-Z][a-z][\w'’-]*|\b(?:19|20)\d{2}\b"
                    r"|\b[A-Z]{3,}\b")


def question_names(question: str) -> frozenset[str]:
    """The terms of the names and years a question asks about."""
    return frozenset(_named(question))


def _named(question: str) -> set[str]:
    """Terms of the question's proper names and years (not its first word), capitals too
    ("NVIDIA") but not the abbreviations written out elsewhere ("CEO", "R&D"); words with
    letters outside ASCII are left to the other terms (other languages)."""
    names = _NAMED.findall(question.strip().lstrip("¿¡\"'“‘(["))
    kept = [n for n in names if n.isascii() and not is_abbreviation(n)]
    return set(terms(" ".join(kept)))


def best_sentences(
    question: str, texts: list[str], max_sentences: int, *, contexts: list[str] | None = None,
    prose_only: bool = False, found: list[Candidate] | None = None, last_resort: bool = False,
) -> list[Pick]:
    """The sentences of `texts` that best answer `question`, best first.

    A request for a summary quotes the sentences on its topic, or the most central ones when it
    names none, in document order. `prose_only` leaves out table rows (for questions that ask
    why or how, which rows of figures do not answer). `found` is `candidates(texts)` when the
    caller has split them already. `last_resort`: when no sentence holds enough of the question,
    those that hold enough of what it asks about, its hedges and pointers left out, are quoted
    rather than none (for a question nothing else answers).
    """
    summary = is_summary_request(question)
    if found is None:
        found = candidates(texts)
    if not found or max_sentences < 1:
        return []
    if not terms(_SUMMARY_REQUEST.sub(" ", question)):
        return central_sentences(found, max_sentences) if summary else []
    given = [_names(c) for c in contexts] if contexts else [frozenset()] * len(texts)
    weighed = weigh_question(question, found, given)
    if weighed is None:
        return []
    counted = _COUNTED.search(question)
    counted_term = stem(counted.group(1).lower()) if counted else None
    defines = _definition_of(question)
    headings = [_heading_terms(text) for text in texts]
    # A passage not about what the question names (another company's filing) answers nothing.
    names = question_names(question)
    about = [names <= (set(terms(text)) | given[i]) for i, text in enumerate(texts)]
    found = [c for c in found if about[c.source_index]]
    if not found:
        return []
    picks = _answering(weighed, found, max_sentences, counted_term, given, headings, prose_only,
                       texts, defines, question if _HOW_TO.search(question) else "",
                       amount=_ASKS_AMOUNT.search(question) is not None, last_resort=last_resort,
                       percent=_ASKS_PERCENT.search(question) is not None,
                       when=_ASKS_WHEN.search(question) is not None,
                       given_figures=frozenset(t for t in terms(question) if is_number(t)))
    if summary:
        return sorted(picks, key=lambda p: (p.source_index, p.start))
    return picks


_NAME = re.compile(r"\b[A-Z0-9][\w&.'’-]*")


def _names(context: str) -> frozenset[str]:
    """The terms of a document's names and figures (capitalised words, numbers): "Apple Inc.",
    "NVIDIA", "2023", "Q1". Its common words say nothing about which document it is."""
    return frozenset(terms(" ".join(_NAME.findall(context))))


def document_names(context: str) -> frozenset[str]:
    return _names(context)


_HEADING_WORDS = 10


def _heading_terms(text: str) -> list[tuple[int, frozenset[str]]]:
    """(offset, terms) of the heading lines of a text: short lines that end without
    punctuation and are not rows of figures ("Foreign Exchange Risk", "Liquidity")."""
    found: list[tuple[int, frozenset[str]]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = " ".join(line.split())
        words = stripped.split()
        if (0 < len(words) <= _HEADING_WORDS and stripped[-1:] not in ".,;!?"
                and not figures_in(stripped) and stripped[:1].isupper()):
            found.append((offset, frozenset(terms(stripped))))
        offset += len(line)
    return found


def _heading_of(headings: list[tuple[int, frozenset[str]]], start: int) -> frozenset[str]:
    """The terms of the last heading before `start` (none when the text has none above it)."""
    current: frozenset[str] = frozenset()
    for offset, heading in headings:
        if offset > start:
            break
        current = heading
    return current


def _answering(
    question: Question, found: list[Candidate], limit: int, counted: str | None,
    given: list[frozenset[str]], headings: list[list[tuple[int, frozenset[str]]]],
    prose_only: bool, texts: list[str], defines: re.Pattern[str] | None = None,
    how_to: str = "", *, amount: bool = False, given_figures: frozenset[str] = frozenset(),
    last_resort: bool = False, percent: bool = False, when: bool = False,
) -> list[Pick]:
    """BM25-ranked sentences that cover enough of the question's key terms; the best one with
    the sentence that follows it in its paragraph (for a how-to question, `how_to`, up to the
    code that answers it)."""
    wanted, idf = question.wanted, question.idf
    average_length = sum(len(c.terms) for c in found) / len(found) or 1.0
    total_weight = sum(idf[t] for t in wanted)
    running = _running_lines(found)

    def fitting(candidate: Candidate) -> bool:
        return not (prose_only and _is_figures(candidate)) and _masked(candidate.text) not in running

    def usable(candidate: Candidate) -> bool:
        return quotable(candidate) and fitting(candidate)

    def joinable(candidate: Candidate) -> bool:  # a short line within a quote of several
        return fitting(candidate) and (quotable(candidate) or ends_like_prose(candidate.text))

    def scored_in(pool: list[Candidate], usable: Callable[[Candidate], bool],
                  required: Collection[str] = wanted) -> list[Pick]:
        """The picks of `pool` that cover enough of the `required` terms' weight."""
        needed = MIN_COVERAGE * sum(idf[t] for t in required)
        scored = []
        for candidate in pool:
            if not usable(candidate):
                continue
            matched = [t for t in wanted if t in candidate.term_set]
            if not matched:
                continue
            heading = _heading_of(headings[candidate.source_index], candidate.start)
            context = given[candidate.source_index] | heading
            spelled_out = defines is not None and defines.search(candidate.text) is not None
            # "This 10-Q covers the latest quarter" shares the words of asking, not the
            # subject, of "the significant changes in warranty reserves in the latest 10-Q".
            if (question.about and not question.about & (candidate.term_set | heading)
                    and not spelled_out):
                continue
            covered = sum(idf[t] for t in required if t in candidate.term_set or t in context)
            if covered < needed and not spelled_out:
                continue
            score = _score(wanted, matched, candidate, idf, average_length)
            # A sentence under a heading that names the question's subject ("Foreign Exchange
            # Risk") is about it, even where it does not repeat every word.
            score += sum(idf[t] for t in wanted if t in heading and t not in candidate.term_set)
            if counted and _counts(candidate.terms, counted):
                score += idf.get(counted, 0.0)
            # "What does PMM stand for?" is answered where the text spells it out: "population
            # marginal mean (PMM)", "PMM (population marginal mean)", "PMM stands for …".
            if spelled_out:  # outranks every sentence that merely uses the abbreviation
                score += _SPELLED_OUT_BONUS * total_weight
            # A formality (a certification, a signpost to another part) shares words with many
            # questions and answers none; it is quoted only when nothing of substance matches.
            # So is a line that introduces a table or a list ("…were as follows (in millions):"):
            # by itself it says nothing.
            if is_boilerplate(candidate.text) or candidate.text.rstrip("”’\"') ").endswith(":"):
                score *= _FORMALITY_FACTOR
            # A rate is stated as one: "Our effective tax rate was 19%", not "The increase in
            # our effective tax rate … was due to a $3.3 billion benefit".
            if amount and not (_states_figure(candidate.text, given_figures) and (
                    not percent or _PERCENT.search(candidate.text))):
                score *= _NO_FIGURE_FACTOR
            # "When was the report signed?" is answered by a date ("Date: July 28, 2022").
            if when and not _WHEN.search(candidate.text):
                score *= _NO_FIGURE_FACTOR
            scored.append(Pick(candidate.source_index, candidate.text, candidate.start, score))
        return scored

    scored = scored_in(found, usable)
    if not scored:
        # No one sentence holds enough of the question: a definition list, a slide or an FAQ
        # spreads the answer over neighbouring lines ("character varying(n) / variable-length
        # character string. Often called varchar. Almost always has a limit of 255 chars.").
        windows = _windows(found, texts, joinable)
        ends = {(w.source_index, w.start): end for w, end in windows}
        picks = _apart(distinct(scored_in([w for w, _ in windows], lambda window: True),
                                len(windows), MIN_RELATIVE_SCORE), ends)[:limit]
        if picks or not last_resort or not question.core or len(question.core) == len(wanted):
            return picks
        # A long question whose hedges and pointers outweigh what it asks about ("the
        # significant factors behind changes in gross margin in the latest 10-Q relative to
        # past quarters") is answered from that alone, rather than not at all.
        return distinct(scored_in(found, usable, question.core), limit, MIN_RELATIVE_SCORE)
    picks = distinct(scored, limit, MIN_RELATIVE_SCORE)
    if picks:
        joined = _with_instrument(picks[0], found, texts, how_to) if how_to else None
        if joined is not None:  # what it took in is not quoted again
            picks = [joined, *(p for p in picks[1:] if p.source_index != joined.source_index
                               or " ".join(p.text.split()) not in joined.text)]
        elif not (amount and _states_figure(picks[0].text, given_figures)):
            # (A sentence that states the figure asked for is the answer by itself.)
            picks[0] = _with_next_sentence(picks[0], found, texts, picks, usable)
    return picks


def _windows(found: list[Candidate], texts: list[str],
             joinable: Callable[[Candidate], bool]) -> list[tuple[Candidate, int]]:
    """Runs of two or three consecutive sentences of one paragraph, each run one candidate
    quoted whole (at most _JOINED_QUOTE_CHARS), with where it ends in its source: usable
    sentences (`joinable`), an FAQ's question before its answer among them."""
    windows = []
    for at, first in enumerate(found):
        if not joinable(first):
            continue
        run, text, end = [first], "", 0
        for following in found[at + 1:at + _WINDOW_SENTENCES]:
            if not _same_paragraph(run[-1], following, texts) or not joinable(following):
                break
            reach = following.start + len(following.text)
            longer = " ".join(texts[first.source_index][first.start:reach].split())
            if len(longer) > _JOINED_QUOTE_CHARS:
                break
            run.append(following)
            text, end = longer, reach
        if text:  # the longest run: what follows a match is where the answer stands
            joined = tuple(t for c in run for t in c.terms)
            windows.append((Candidate(first.source_index, text, first.start, joined,
                                      frozenset(joined)), end))
    return windows


def _apart(picks: list[Pick], ends: dict[tuple[int, int], int]) -> list[Pick]:
    """Picks, best first, that share no text with a better one."""
    kept: list[Pick] = []
    for pick in picks:
        end = ends[(pick.source_index, pick.start)]
        if not any(other.source_index == pick.source_index and other.start < end
                   and pick.start < ends[(other.source_index, other.start)] for other in kept):
            kept.append(pick)
    return kept


_URL = re.compile(r"\b(?:https?://|www\.)\S+")


def _names_code(text: str, question: str) -> bool:
    """True when `text` names code the question does not (a web address is no code)."""
    asked = question.lower()
    return any(m.group(0).strip(" >$#").lower() not in asked
               for m in _CODE.finditer(_URL.sub(" ", text)))


def _position(pick: Pick, found: list[Candidate]) -> int | None:
    """Where the sentence `pick` quotes stands among `found`."""
    return next((i for i, c in enumerate(found)
                 if c.source_index == pick.source_index and c.start == pick.start), None)


def _with_instrument(pick: Pick, found: list[Candidate], texts: list[str],
                     question: str) -> Pick | None:
    """For a how-to question, the best sentence with those that follow it up to the first that
    names code (a function, a command, an option) the question does not; None when it names
    such code itself or none of the next few does."""
    if _names_code(pick.text, question):
        return None
    at = _position(pick, found)
    if at is None:
        return None
    following = found[at + 1:at + 1 + _HOW_TO_LOOKAHEAD]
    for k, candidate in enumerate(following):
        if candidate.source_index != pick.source_index or is_boilerplate(candidate.text):
            return None
        if _names_code(candidate.text, question):
            text = texts[pick.source_index]
            end = candidate.start + len(candidate.text)
            joined = " ".join(text[pick.start:end].split())
            if len(joined) > _HOW_TO_QUOTE_CHARS or not joined.endswith(candidate.text[-20:]):
                return None
            return Pick(pick.source_index, joined, pick.start, pick.score)
        if k == 0 and not _same_paragraph(found[at], candidate, texts):
            return None
    return None


def _with_next_sentence(pick: Pick, found: list[Candidate], texts: list[str],
                        picks: list[Pick], usable: Callable[[Candidate], bool]) -> Pick:
    """The best sentence together with the next one of its paragraph: the sentence that best
    matches a question often restates it (an FAQ's question, a manual's "Sometimes data files
    have no field delimiters."), and the answer follows ("…read.fwf reads them")."""
    at = _position(pick, found)
    if at is None:
        return pick
    # The rest of an FAQ's question ("… a warning is issued. What is wrong?") comes along.
    between: list[str] = []
    while (at + 1 + len(between) < len(found) and len(between) < _QUESTION_TAIL
           and found[at + 1 + len(between)].text.endswith("?")):
        between.append(found[at + 1 + len(between)].text)
    if at + 1 + len(between) >= len(found):
        return pick
    following = found[at + 1 + len(between)]
    if (not _same_paragraph(found[at], following, texts) or not usable(following)
            or is_boilerplate(following.text)
            or any(p.source_index == following.source_index and p.start == following.start
                   for p in picks)):
        return pick
    joined = " ".join([pick.text, *between, following.text])
    if len(joined) > _JOINED_QUOTE_CHARS:
        return pick
    return Pick(pick.source_index, joined, pick.start, pick.score)


def _same_paragraph(first: Candidate, second: Candidate, texts: list[str]) -> bool:
    """True when `second` comes right after `first` in the same source, no blank line between."""
    if first.source_index != second.source_index or second.start <= first.start:
        return False
    return "\n\n" not in texts[first.source_index][first.start:second.start]


_DIGITS = re.compile(r"\d+")


def _masked(text: str) -> str:
    return _DIGITS.sub("#", text.lower())


def _running_lines(found: list[Candidate]) -> set[str]:
    """Running headers and footers: lines that recur with only their numbers changed
    ("Apple Inc. | Q1 2023 Form 10-Q | 4", "… | 5"). They name the document, answer nothing."""
    variants: dict[str, set[str]] = {}
    for candidate in found:
        if _DIGITS.search(candidate.text):
            variants.setdefault(_masked(candidate.text), set()).add(candidate.text)
    return {masked for masked, texts in variants.items() if len(texts) > 1}


def _is_figures(candidate: Candidate) -> bool:
    """A table row, or a run that is more figures than words."""
    if split_row(candidate.text) is not None:
        return True
    numbers = sum(1 for t in candidate.terms if is_number(t))
    return numbers >= len(candidate.terms) - numbers


def _idf(wanted: list[str], found: list[Candidate]) -> dict[str, float]:
    """BM25 inverse document frequency of each question term, sentences as documents."""
    weight = idf_of(found)
    return {term: weight(term) for term in wanted}


def idf_of(found: list[Candidate]) -> Callable[[str], float]:
    """The BM25 inverse document frequency of any term over `found`, sentences as documents."""
    count = len(found)
    frequencies = Counter(term for c in found for term in c.term_set)

    def weight(term: str) -> float:
        # A word the sources lack weighs as if it occurred once: with few sentences it would
        # otherwise outweigh every word they do share, and one synonym would sink the answer.
        frequency = max(1, frequencies[term])
        return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))

    return weight


def _score(
    wanted: list[str],
    matched: list[str],
    candidate: Candidate,
    idf: dict[str, float],
    average_length: float,
) -> float:
    """BM25 plus bonuses for matched figures, matched word pairs and the source's rank."""
    length_norm = 1 - _B + _B * len(candidate.terms) / average_length
    score = 0.0
    # Each matched term counts once: a sentence that repeats a word is no more about it.
    saturation = (_K1 + 1) / (1 + _K1 * length_norm)
    for term in matched:
        score += idf[term] * saturation
        if is_number(term):
            score += _NUMBER_BONUS * idf[term]
    # A sentence whose subject is what the question asks about ("Revenue for the quarter was
    # $13.5 billion") answers it more directly than one that mentions it in passing.
    if candidate.terms and candidate.terms[0] in matched:
        score += _SUBJECT_BONUS * idf[candidate.terms[0]]
    pairs = set(zip(candidate.terms, candidate.terms[1:], strict=False))
    for first, second in zip(wanted, wanted[1:], strict=False):
        if (first, second) in pairs:
            score += _BIGRAM_BONUS * (idf[first] + idf[second]) / 2
    # Retrieval already ordered the sources; let that break near-ties, nothing more.
    return score * (1 + _RANK_BONUS / (1 + candidate.source_index))


def _states_figure(sentence: str, given: frozenset[str]) -> bool:
    """True when a sentence holds a figure other than a year, one the question gives ("a 200
    by 2000 matrix") or a small number it ends in without a full stop (a page number: "…for
    our cloud business 34")."""
    found = terms(_TRAILING_NUMBER.sub("", sentence))
    return any(is_number(t) and not is_year(t) and t not in given for t in found)


_TRAILING_NUMBER = re.compile(r"(?<=[^\W\d_])\s+\d{1,3}\s*$")


def _counts(sentence_terms: tuple[str, ...], counted: str) -> bool:
    """True when a figure comes just before the counted word ("133 million shares")."""
    return any(
        is_number(term) and counted in sentence_terms[i + 1 : i + 3]
        for i, term in enumerate(sentence_terms)
    )
