"""The fact a question asks for, read from a table row: label, figures, unit and periods.

"What were iPhone net sales?" is answered by the row "iPhone $ 65,775 $ 71,628 (8)%" of a
table headed "Net sales by category" for two periods "in millions": the answer states
"iPhone (net sales by category): $65,775 million for the three months ended December 31,
2022; $71,628 million for the three months ended December 25, 2021; change (8)%". Every
figure stated is the row's own, every heading the table's own, so nothing is stated that the
cited passage does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.llm._abbreviations import expanded
from engine.llm._tables import Row, rows
from engine.llm._terms import terms
from engine.retrieval.recency import document_date

# Questions that ask for an explanation are answered with prose, not with table rows that
# merely share their words.
# Legal matters are told in prose: "legal proceedings", "litigation", "legal issues".
_LEGAL_MATTERS = r"proceedings?|litigation|lawsuits?|legal\s+issues?"
_EXPLAIN = re.compile(
    r"^\s*(?:why|how(?!\s+(?:much|many|large|big|long|old|high|low)\b))\b"
    r"|\b(?:risks?|reasons?|factors?|explain\w*|describe\w*|discuss\w*|impacts?|affect\w*"
    r"|drivers?|drove|contributors?|caused?|strateg\w*|approach|polic(?:y|ies)|process"
    rf"|{_LEGAL_MATTERS}|what\s+happened)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fact:
    source_index: int
    row: Row
    score: float
    shown: tuple[int, ...] = ()  # the figures the question names by their column; () = all
    rows: tuple[Row, ...] = ()  # a column's figure in each of these rows (row is the first)


# Questions a figure does not answer at all: why something happened, which risks or factors.
_WHY = re.compile(r"^\s*why\b|\b(?:risks?|reasons?|factors?|causes?|caused|explain\w*|describe"
                  rf"\w*|strateg\w*|polic(?:y|ies)|{_LEGAL_MATTERS}|drivers?|drove|contributors?)\b",
                  re.IGNORECASE)


# "How did exchange rates affect results?" asks for an effect, which prose states ("…lowered
# net sales by 2%"); a row that shares the words ("Foreign exchange contracts 240") does not.
_EFFECT = re.compile(r"\b(?:affect\w*|impact\w*|influenc\w*)\b", re.IGNORECASE)
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|many)\b", re.IGNORECASE)


def asks_why(question: str) -> bool:
    """True when the question asks for reasons, a description or an effect, which rows
    cannot give."""
    if _EFFECT.search(question) and not _HOW_MUCH.search(question):
        return True
    return _WHY.search(question) is not None


def asks_for_rate(question: str) -> bool:
    return _ASKS_RATE.search(question) is not None


def asks_for_explanation(question: str) -> bool:
    return _EXPLAIN.search(question) is not None


def table_rows(texts: list[str]) -> list[list[Row]]:
    return [rows(text) for text in texts]


_ASKS_RATE = re.compile(r"%|percent|\brate|ratio|margin|share of|proportion|growth",
                        re.IGNORECASE)


# Less of the question than this (by weight) within reach of the tables' words, and the
# question is about something the tables do not hold.
MIN_TABLE_REACH = 1 / 3
MIN_RECALL = 0.5
# At least this share of a label's weight must be asked about: "Operating lease assets
# obtained in exchange for lease obligations" is not an answer to a question on exchange rates.
MIN_PRECISION = 0.5
# Rows scoring within this share of the best, on the same words, count as the same line.
_ALIKE_SCORE = 0.8
# "Total operating expenses" are operating expenses and "net revenue" is revenue: these words
# say how a row adds up, not what it is, and count neither for nor against it.
_TALLY_WORDS = frozenset({"total", "net"})
_TALLY_PREFERENCE = 0.01  # breaks ties, no more


def best_fact(
    wanted: list[str], idf: dict[str, float], found: list[list[Row]],
    given: list[frozenset[str]], texts: list[str], *, asks_rate: bool = False,
    names: frozenset[str] = frozenset(), skip: frozenset[tuple[int, int]] = frozenset(),
    idf_of: Callable[[str], float] | None = None,
    abbreviations: dict[str, frozenset[str]] | None = None,
) -> Fact | None:
    """The row whose label (with its table's section and the document's names) best matches
    the question's terms: enough of the question covered, and a label that is mostly about it.

    A question word counts fully in the row's label, half in its table's section, caption or
    title or the document's names (they say what the table is about, not this row), a quarter
    elsewhere in the same passage. Coverage is measured over the question words some table
    holds at all, so "How did inventory levels reflect on supply-chain efficiency?" is answered
    by the inventories row and the quotes after it speak to the rest. `skip` holds rows
    (source index, start) already stated; `idf_of` weighs a label's words the question lacks
    (without it they weigh as its rarest word).
    """
    tallies = _TALLY_WORDS.intersection(wanted)
    wanted = [t for t in wanted if t not in _TALLY_WORDS]
    total = sum(idf.get(t, 0.0) for t in wanted)
    if total <= 0:
        return None
    labels = [[_label_terms(row, abbreviations, wanted) for row in source_rows]
              for source_rows in found]
    arounds = [[set(terms(f"{row.section} {row.caption} {row.table_caption}")) | given[index]
                for row in source_rows] for index, source_rows in enumerate(found)]
    reach: set[str] = set()
    for index in range(len(found)):
        for label, around in zip(labels[index], arounds[index], strict=True):
            reach |= label | around
    reachable = sum(idf[t] for t in wanted if t in reach)
    if reachable < MIN_TABLE_REACH * total:
        return None
    scored: list[tuple[Fact, frozenset[str]]] = []
    # The names that tell documents apart (a company's, a year) must be a passage's; others
    # ("GPU" of "the gaming and professional GPU segments") a row's label answers for.
    naming = names & frozenset().union(*given)
    for index, source_rows in enumerate(found):
        passage = set(expanded(frozenset(terms(texts[index])), abbreviations or {})) \
            if source_rows else set()
        if not naming <= passage | given[index]:
            continue  # the question names a company, a year this passage is not about
        for row, label, around in zip(source_rows, labels[index], arounds[index], strict=True):
            in_label = [t for t in wanted if t in label]
            # A label that shares only the document's own names with the question ("Intel up")
            # is not about what it asks.
            if not set(in_label) - given[index] or (index, row.start) in skip:
                continue
            # Columns named by the question ("…in the South leg" of "North Centre South").
            shown = _asked_columns(row, wanted)
            in_columns = set().union(*(terms(row.columns[i]) for i in shown))
            recall = _recall(wanted, idf, label | in_columns, around, passage) / reachable
            if recall < MIN_RECALL:
                continue
            # How much of the label the question asked about: "Cash and cash equivalents"
            # beats "Cash, cash equivalents and restricted cash, end of period".
            named = label - _TALLY_WORDS or label
            label_weight = sum(idf[t] if t in idf else idf_of(t) if idf_of else max(idf.values())
                               for t in named)
            precision = sum(idf[t] for t in set(in_label) & named) / label_weight \
                if label_weight else 0.0
            if precision < MIN_PRECISION:
                continue
            score = _harmonic(precision, recall)
            # A row of percentages ("Revenue 100.0 %" in a table of shares of revenue) answers
            # a question about an amount only when nothing else does.
            if not asks_rate and all(f.endswith("%") for f in row.figures):
                score *= 0.5
            # Of rows that match alike, one whose columns can be named tells the reader more;
            # "total revenue" asks for the "Total revenue" line rather than "Revenue".
            if not row.columns:
                score *= 0.9
            if tallies & label:
                score *= 1 + _TALLY_PREFERENCE
            scored.append((Fact(index, row, score, shown), frozenset(in_label)))
    if not scored:
        return None
    best, matched = max(scored, key=lambda pair: pair[0].score)
    # The same line in several tables ("Research and development" in the income statement and
    # in the stock-compensation note): a part is smaller than its whole, and a question that
    # does not name the part asks for the whole.
    # Within one table, a line repeated under another heading measures another thing
    # ("Transport" under "Energy use" and under "Emissions"), no part of it.
    alike = [fact for fact, terms_ in scored if terms_ == matched
             and fact.score >= _ALIKE_SCORE * best.score and _magnitude(fact.row) is not None
             and (fact is best or (fact.source_index, fact.row.table_caption)
                  != (best.source_index, best.row.table_caption))]
    if _magnitude(best.row) is not None and alike:
        best = max(alike, key=lambda fact: (_magnitude(fact.row) or 0.0, fact.score))
    return best


def _label_terms(row: Row, abbreviations: dict[str, frozenset[str]] | None,
                 wanted: list[str]) -> set[str]:
    """A row label's terms, an abbreviation ("AWS") the question does not use read as the
    words it stands for when the row is a report's table's, under a section or dated columns
    (a line of code output, "pcm 0 103 12" or "sex=F, pcm 690 59 3.2" under "n nevent rmean",
    is read as it stands)."""
    found = set(terms(row.label))
    if not abbreviations or not (row.section or (row.columns and not row.named)):
        return found
    for abbreviation in (found & set(abbreviations)) - set(wanted):
        found = (found - {abbreviation}) | abbreviations[abbreviation]
    return found


def _recall(wanted: list[str], idf: dict[str, float], full: set[str], half: set[str],
            passage: set[str]) -> float:
    """The question's weight a row (or a column) holds: a word counts fully in `full` (its
    label or name), half in `half` (what its table is about), a quarter elsewhere in the
    passage."""
    return sum(idf[t] * (1.0 if t in full else 0.5 if t in half else 0.25 if t in passage
                         else 0.0) for t in wanted)


def _harmonic(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall)


# A column is stated for every row of its table only when the table is this small.
MAX_COLUMN_ROWS = 6


def best_column(
    wanted: list[str], idf: dict[str, float], found: list[list[Row]],
    given: list[frozenset[str]], texts: list[str], *, names: frozenset[str] = frozenset(),
) -> Fact | None:
    """For a question that names a column of a small table of named columns but none of its
    rows ("What is the median survival of the men?" over "n events median" with rows "sex=F",
    "sex=M"): that column's figure in every row, the reader telling which row is meant.

    Scored as rows are (`best_fact`), the column's name standing for the label.
    """
    wanted = [t for t in wanted if t not in _TALLY_WORDS]
    total = sum(idf.get(t, 0.0) for t in wanted)
    tables = [_named_tables(source_rows) for source_rows in found]
    reach: set[str] = set()
    for index, source_tables in enumerate(tables):
        for table in source_tables:
            reach |= set().union(*(terms(f"{row.label} {row.table_caption}") for row in table))
            reach |= set().union(*(terms(name) for name in table[0].columns)) | given[index]
    reachable = sum(idf[t] for t in wanted if t in reach)
    if total <= 0 or reachable < MIN_TABLE_REACH * total:
        return None
    best: Fact | None = None
    for index, source_rows in enumerate(found):
        passage = set(terms(texts[index])) if source_rows else set()
        if not names <= passage | given[index]:
            continue
        for table in tables[index]:
            labels = set().union(*(terms(row.label) for row in table))
            around = set(terms(f"{table[0].table_caption}")) | given[index]
            for column, name in enumerate(table[0].columns):
                named = set(terms(name))
                asked = named & set(wanted)
                if not asked:
                    continue
                recall = _recall(wanted, idf, named, labels | around, passage) / reachable
                precision = sum(idf[t] for t in asked) / sum(idf.get(t, max(idf.values()))
                                                             for t in named)
                if recall < MIN_RECALL or precision < MIN_PRECISION:
                    continue
                score = _harmonic(precision, recall)
                if best is None or score > best.score:
                    best = Fact(index, table[0], score, (column,), tuple(table))
    return best


# "The revenue breakdown across segments", "net sales by category", "costs in each region":
# the figures of every row of the table that answers it, not one row's.
# The words that ask for the parts; what is divided, and by what, is the rest.
_DIVIDING = r"breakdown|broken\s+down|break\s+down|distribution|composition|across"
_EACH = r"each|every|various|different|individual|respective|diverse"
_BREAKDOWN = re.compile(
    rf"\b(?:{_DIVIDING}"
    r"|by\s+(?:segments?|categor(?:y|ies)|regions?|products?|geograph\w*|types?|lines?"
    r"|sources?|groups?|countr(?:y|ies)|markets?|business(?:es)?)"
    rf"|(?:{_EACH})\s+(?:of\s+(?:the\s+|its\s+|their\s+)?)?\w+)\b", re.IGNORECASE)
_PARTS_WORDS = re.compile(rf"\b(?:{_DIVIDING}|{_EACH})\b", re.IGNORECASE)
# A breakdown has parts: at least this many rows besides its total.
MIN_BREAKDOWN_PARTS = 2


def asks_for_breakdown(question: str) -> bool:
    return _BREAKDOWN.search(question) is not None


def without_parts_words(question: str) -> str:
    """The question without the words that ask for its answer's parts ("the revenue
    breakdown across segments" → "the revenue segments")."""
    return _PARTS_WORDS.sub(" ", question)


def best_breakdown(
    wanted: list[str], idf: dict[str, float], found: list[list[Row]],
    given: list[frozenset[str]], texts: list[str], *, names: frozenset[str] = frozenset(),
) -> Fact | None:
    """For a question asking how something divides ("What was the revenue breakdown by
    segment?"), the table block whose heading, section or rows name what it asks about
    ("Revenue" over "Productivity and Business Processes $ 18,592 …"): its current period's
    figure in each row.

    Scored as rows are (`best_fact`): a question word counts fully in the block's heading and
    section, half in its rows' labels (the parts, which a question names only by kind:
    "segments"), a quarter elsewhere in the passage.
    """
    wanted = [t for t in wanted if t not in _TALLY_WORDS]
    total = sum(idf.get(t, 0.0) for t in wanted)
    if total <= 0:
        return None
    best: Fact | None = None
    best_named = 0.0
    for index, source_rows in enumerate(found):
        passage = set(terms(texts[index])) if source_rows else set()
        if not names <= passage | given[index]:
            continue
        for block in _blocks(source_rows):
            parts = [row for row in block if not row.label.lower().startswith("total")]
            if len(parts) < MIN_BREAKDOWN_PARTS:
                continue
            first = block[0]
            around = set(terms(f"{first.section} {first.caption}")) - given[index]
            # Its heading ("Net sales:", "Revenue") names what is divided; a block under
            # dates ("Revenues", "Gross profit", "Net loss") lists measures, no parts.
            if not set(wanted) & set(terms(f"{first.section} {first.above}")) - given[index]:
                continue
            labels = set().union(*(terms(row.label) for row in block))
            recall = _recall(wanted, idf, around, labels | given[index], passage) / total
            if recall < MIN_RECALL:
                continue
            # Of blocks under alike headings, the one whose parts the question names by kind
            # ("service offerings": "Subscription services", "Advertising services").
            named = sum(idf[t] for t in wanted if t in labels)
            if best is None or (recall, named) > (best.score, best_named):
                best = Fact(index, first, recall, (_current_column(first),), tuple(block))
                best_named = named
    return best


def _blocks(source_rows: list[Row]) -> list[list[Row]]:
    """Runs of consecutive rows under one heading (the same caption) with as many figures and
    the same columns: the parts of one breakdown. A label seen again starts another."""
    blocks: list[list[Row]] = []
    for row in source_rows:
        last = blocks[-1] if blocks else None
        if (last is not None and last[-1].caption == row.caption
                and len(last[-1].figures) == len(row.figures) and last[-1].columns == row.columns
                and all(other.label != row.label for other in last)):
            last.append(row)
        else:
            blocks.append([row])
    return blocks


_YEAR_END = re.compile(r"((?:19|20)\d{2})$")


def _current_column(row: Row) -> int:
    """The latest period's figure among those of the first period's kind ("three months ended
    September 30, 2023" of "…2022 | …2023 | nine months…"); the first when it can't be told."""
    if not row.columns:
        return 0
    kind = row.columns[0].split(" ended ")[0]
    latest, at = "", 0
    for i, column in enumerate(row.columns):
        year = _YEAR_END.search(column)
        if year and column.split(" ended ")[0] == kind and year.group(1) > latest:
            latest, at = year.group(1), i
    return at


def _named_tables(source_rows: list[Row]) -> list[list[Row]]:
    """Runs of consecutive rows under the same named columns, of at most MAX_COLUMN_ROWS."""
    tables: list[list[Row]] = []
    for row in source_rows:
        if not row.named:
            continue
        last = tables[-1][-1] if tables else None
        if (last is not None and last.columns == row.columns
                and last.table_caption == row.table_caption):
            tables[-1].append(row)
        else:
            tables.append([row])
    return [table for table in tables if len(table) <= MAX_COLUMN_ROWS]


def render_column(fact: Fact) -> str:
    """A column's figure in each row of its table: "median: sex=F 108; sex=M 88", "Revenue,
    three months ended September 30, 2023: Productivity and Business Processes $18,592
    million; …"."""
    [column] = fact.shown
    parts = [f"{row.label.rstrip(',;')} {_with_unit(row.figures[column], _unit(row))}"
             for row in fact.rows]
    heading = fact.row.columns[column] if column < len(fact.row.columns) else ""
    if not fact.row.named:
        measure = _measure(fact.row)
        heading = ", ".join(part for part in (measure, heading) if part)
        heading = heading[:1].upper() + heading[1:]
    return f"{heading}: {'; '.join(parts)}" if heading else "; ".join(parts)


def _measure(row: Row) -> str:
    """What a block's figures measure: its section ("Net sales"), or the last line above it
    when that is a short heading ("Revenue")."""
    if row.section:
        return row.section
    above = row.above.rstrip(":")
    if len(above) <= _MEASURE_CHARS and _HAS_WORD.search(above) and not re.search(r"\d", above):
        return above
    return ""


_HAS_WORD = re.compile(r"[^\W\d_]{2}")


_MEASURE_CHARS = 40


def _asked_columns(row: Row, wanted: list[str]) -> tuple[int, ...]:
    """The figures of a row of named columns whose names the question holds."""
    if not row.named:
        return ()
    asked = set(wanted)
    return tuple(i for i, name in enumerate(row.columns) if asked & set(terms(name)))


def _magnitude(row: Row) -> float | None:
    """The size of a row's first amount; None when it is a percentage or not a number."""
    first = row.figures[0] if row.figures else ""
    if first.endswith("%"):
        return None
    digits = re.sub(r"[^\d.]", "", first)
    try:
        return float(digits)
    except ValueError:
        return None


def render_fact(row: Row, shown: tuple[int, ...] = ()) -> str:
    """The row as a sentence: label, then each figure (those of `shown`, when given) with its
    unit and column heading."""
    label = row.label.rstrip(",;")
    if row.section and not set(terms(row.section)) <= set(terms(label)):
        label = f"{label} ({_in_sentence(row.section)})"
    elif set(terms(label)) <= {"total"} and row.caption:
        label = f"{label} ({_short(row.caption)})"
    unit = _unit(row)
    parts = []
    for i in _reading_order(row):
        figure = row.figures[i]
        if shown and i not in shown:
            continue
        column = row.columns[i] if i < len(row.columns) else ""
        if row.named:
            parts.append(f"{column} {_with_unit(figure, unit)}")
            continue
        amount = figure if column.endswith("change") else _with_unit(figure, unit)
        parts.append(_placed(amount, column))
    return f"{label}: {'; '.join(parts)}"


def _reading_order(row: Row) -> list[int]:
    """The positions of a row's figures, the latest period first within each kind of period
    ("three months ended", "nine months ended", "as of") where every heading but the changes'
    has a date: a table that prints 2022 before 2023 is read back 2023 first. A change stays
    after the figures of the kind it follows."""
    order = list(range(len(row.figures)))
    if row.named or len(row.columns) < len(row.figures):
        return order
    kinds: dict[str, int] = {}  # each kind of period, in the order the table gives them
    keys = []  # (kind, 0 and the date reversed for a figure or 1 for a change, position)
    kind = None
    for i in order:
        column = row.columns[i]
        if column.endswith("change"):
            if kind is None:
                return order
            keys.append((kinds[kind], 1, (), i))
            continue
        date = document_date(column)
        if date is None:
            return order
        kind = column.split(" ended ")[0] if " ended " in column else ""
        keys.append((kinds.setdefault(kind, len(kinds)), 0, tuple(-part for part in date), i))
    return [key[-1] for key in sorted(keys)]


_PER_SHARE = re.compile(r"\bper[\s-]+(?:common\s+)?share\b|\bEPS\b", re.IGNORECASE)


def _unit(row: Row) -> str:
    """The unit of a row's figures: its table's, but for amounts per share ("In millions,
    except per share amounts": earnings per share are dollars, not millions)."""
    return "" if _PER_SHARE.search(f"{row.label} {row.section}") else row.unit


def _in_sentence(heading: str) -> str:
    """A heading as words within a sentence: "Net sales by category" → "net sales by
    category", "FINANCING ACTIVITIES" → "financing activities"; "AWS segment" stays."""
    if heading.isupper():
        return heading.lower()
    if heading[1:2].isupper():
        return heading
    return heading[:1].lower() + heading[1:]


def _placed(amount: str, column: str) -> str:
    """'$65,775 million for the three months ended …', '… as of December 31, 2022', '… in 2022'."""
    if not column:
        return amount
    if column.endswith("change"):
        return f"{column} {amount}"
    if column[:1].isdigit():
        return f"{amount} in {column}"
    if _PERIOD_START.match(column):
        return f"{amount} for the {column}"
    return f"{amount} as of {column}"


_PERIOD_START = re.compile(r"(?:three|six|nine|twelve|\d+|fiscal|years?|quarters?|thirteen|"
                           r"twenty|thirty|fifty)\b", re.IGNORECASE)


def _short(caption: str, words: int = 12) -> str:
    kept = caption.split()[:words]
    return " ".join(kept) + ("…" if len(caption.split()) > words else "")


def _with_unit(figure: str, unit: str) -> str:
    """'$65,775' in a table 'in millions' → '$65,775 million' (percentages keep no unit)."""
    if not unit or "%" in figure or not re.search(r"\d", figure):
        return figure
    return f"{figure} {unit.rstrip('s')}"
