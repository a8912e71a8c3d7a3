"""Table rows in extracted text: a label followed by figures, with the table's context.

PDF text extraction writes a table as lines: the column headings (often split over several
lines: "Three Months Ended", "December 31,", "2022", …), an optional section line ("Net sales
by category:"), then one line per row ("iPhone $ 65,775 $ 71,628 (8)%"). A row is read back
with its label, its figures, the unit stated above the table ("in millions") and the column
headings the figures fall under, so an answer can say what a figure is and for which period.
Nothing here knows about any kind of document: it reads the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.llm._terms import terms

# A figure: optional sign/parenthesis/currency, digits with separators, optional decimals,
# (a sign stands against its digits: "37 - 38" is two figures and a dash, not 37 and -38),
# optional per cent or unit of measure ("3.9 pts", "25 bps", "12.5 ms", "4 GB"); or a dash
# standing for zero/none.
_UNITS = (r"pts?|bps?|pp|ms|s|sec|min|hrs?|[kKMGT]i?B|kg|mg|g|km|cm|mm|m|[kMG]?Hz|kW|W|V"
          r"|°[CF]")
_FIGURE = re.compile(
    r"(?<![\w.^])[<>≤≥]?\(?(?:-?[$€£¥]\s?|-)?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?\)?\s?%?"
    rf"(?:\s?(?:{_UNITS})(?![\w])|(?![\w]))|(?<!\w)[—–-](?!\w)"
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_UNIT = re.compile(
    r"\b(?:in|dollars in|amounts in|\$ in|expressed in|in u\.s\. dollars,?)\s+"
    r"(thousands|millions|billions|trillions)\b", re.IGNORECASE)
MONTH_NAMES = ("january|february|march|april|may|june|july|august|september|october|november"
               "|december")
MONTH_ABBREVIATIONS = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_MONTHS = f"{MONTH_NAMES}|{MONTH_ABBREVIATIONS}"
_DATE = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}},?(?:\s+(?:19|20)\d{{2}})?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ISO_DATE = re.compile(r"\b(?:19|20)\d{2}-[01]\d-[0-3]\d\b")
_PERIOD = re.compile(
    r"\b(?:(?:three|six|nine|twelve|3|6|9|12)\s+months|(?:fiscal\s+)?years?|quarters?|"
    r"(?:thirteen|twenty-six|thirty-nine|fifty-two|13|26|39|52)\s+weeks)\s+ended\b",
    re.IGNORECASE)
MAX_LABEL_CHARS = 120
# Words a wrapped line of prose ends on, never a table row's label.
_JOINING_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with", "than", "that", "which", "was", "were", "is", "are"]
)
_SECTION_CHARS = 60
# Beside its periods and dates, a line of column headings has a few words at most ("Three
# Months Ended", "% Change", "As of"); a sentence that mentions dates has more.
_HEADING_OTHER_WORDS = 4
_HEADING_FILLER = frozenset(["ended", "ending", "months", "weeks", "change", "and", "fiscal",
                             "year", "years", "quarter", "quarters", "as", "of", "at", "%"])
_HEADER_LINES = 12  # how far above a table's first row its headings may start


@dataclass(frozen=True)
class Row:
    """One table row: where it is in the source, its label and figures, and their context."""

    start: int  # offset of the row's line in the source text
    end: int  # offset just after its last figure
    line: str  # the row's line as extracted (whitespace-normalised)
    label: str
    figures: list[str]
    columns: list[str]  # a heading per figure where the headings could be matched, else []
    section: str  # the nearest "Something:" line above the row, else ""
    caption: str  # heading/caption text above the table (for matching the question)
    unit: str  # "millions", "thousands"… as stated above the table, else ""
    table_caption: str = ""  # what stood above the table's first row: its title and headings
    named: bool = False  # the columns are the names of a heading line ("North Centre South")
    above: str = ""  # the line right above the row's block ("Revenue", "Net sales:")


def figures_in(line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _FIGURE.finditer(line)]


def _figure_text(span: str) -> str:
    """A figure as written, spaces closed up ("$ 65,775" → "$65,775") but for a unit of
    measure, which keeps its space ("3.9 pts")."""
    tight = re.sub(r"\s+", "", span).rstrip(",.")
    return re.sub(r"(?<=[\d%)])(?![eE][-+]?\d)(?=[^\W\d_°]|°)", " ", tight, count=1)


def _normal_line(line: str) -> str:
    """Whitespace collapsed, and "( 260 )" / "(260 )" written as "(260)"."""
    line = " ".join(line.split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", line))


def _is_sentence(line: str) -> bool:
    # "(In Millions, Except Per Share Amounts)" says what the figures are in: no sentence.
    rest = _DATE.sub(" ", _PERIOD.sub(" ", _FIGURE.sub(" ", re.sub(r"\([^)]*\)", " ", line))))
    other = [w for w in re.findall(r"[^\W\d_][\w'’-]*", rest)
             if w.lower() not in _HEADING_FILLER]
    return len(other) > _HEADING_OTHER_WORDS


_CHANGE_HEADING = re.compile(r"(?:[%$]\s*|percent(?:age)?\s+)?change", re.IGNORECASE)


def _is_heading_line(line: str) -> bool:
    """Column headings: periods, dates, years ("Three Months Ended", "December 31,", "2022");
    not a sentence that mentions dates ("The following table shows … ended July 1, 2023")."""
    if _is_sentence(line):
        return False
    if _PERIOD.search(line) or _DATE.search(line) or _CHANGE_HEADING.fullmatch(line.strip()):
        return True
    words = _FIGURE.sub(" ", line).split()
    return bool(_YEAR.search(line)) and all(w.lower() in ("change", "%", "and") for w in words)


def split_row(line: str) -> tuple[str, list[str]] | None:
    """(label, figures) when the line is a label followed only by figures."""
    spans = figures_in(line)
    if not spans:
        return None
    label = line[: spans[0][0]].strip(" .:$")
    if not label or not _HAS_LETTER.search(label) or len(label) > MAX_LABEL_CHARS:
        return None
    rest = _FIGURE.sub(" ", line[spans[0][0]:])
    if _HAS_LETTER.search(rest):  # words among the figures: prose, not a row
        return None
    if _is_heading_line(line) or _ISO_DATE.search(line):
        return None  # "2007-12-28 2008-01-02" is dates, not the figures 2007, 12, 28, …
    figures = [_figure_text(line[a:b]) for a, b in spans]
    if len(figures) >= 3 and _FOOTNOTE.fullmatch(figures[0]) and _LARGE.match(figures[1]):
        # "Online stores (1) $ 53,489 $ 57,267": a footnote's mark ends the label (a small
        # negative figure would stand among figures like it: "Other, net (5) (3)").
        figures = figures[1:]
    if (len(figures) >= 2 and _NUMBERED_NAME.search(label)
            and re.fullmatch(r"\d{1,2}", figures[0])):
        # "Level 1 1,200 1,150", "Phase 2 34 41": the number is part of the name.
        label, figures = f"{label} {figures[0]}", figures[1:]
    if all(f in ("-", "—", "–") for f in figures):
        return None
    # A lone short bare number after words is a footnote, a page number or the end of a name
    # ("Microsoft 365"), and a lone year ends a wrapped line of prose ("…in the first quarter
    # of fiscal year 2022"): not rows of figures. An amount ("$798", "12.5%") is.
    lone = figures[0].strip("()-") if len(figures) == 1 else ""
    if lone and (len(lone) <= 2 or _YEAR.fullmatch(lone) or (
            len(lone) == 3 and lone.isdigit())):
        return None
    if label.split()[-1].lower() in _JOINING_WORDS:  # "…launched in the fourth quarter of"
        return None
    if all(_YEAR.fullmatch(f) for f in figures):  # a chart's axis ("Income 1990 1995 2000")
        return None
    if len(figures) >= 3 and len(set(figures)) == 1 and re.fullmatch(r"\d", figures[0]):
        return None  # a chart's legend over its markers ("Cash $B Dividends $B 1 1 1 1")
    if _PAGE_REFERENCE.search(label):  # a contents line: "Liquidity Pages 37 - 38"
        return None
    return label, figures


_FOOTNOTE = re.compile(r"\(\d\)")
# Names that take a number: "Level 1", "Tier 2", "Phase 3" (a roman "Stage II" is no figure).
_NUMBERED_NAME = re.compile(
    r"\b(?:level|tier|phase|stage|step|grade|class|group|type|version|round|week|zone|cohort"
    r"|scenario|wave|trial|batch|sample|site|plan|option)$", re.IGNORECASE)
_LARGE = re.compile(r"\(?[$€£¥]|\(?\d{1,3},\d{3}|\(?\d{3}")
_MAX_NAMES = 12
_NAME_CHARS = 24


def column_names(line: str) -> list[str] | None:
    """The column names of a heading line of single-word names ("North Centre South",
    "n events median 0.95LCL 0.95UCL", "Estimate SE"), or None for anything else: prose,
    figures, dates, names of several words ("Sum of Sq") whose columns can't be told apart."""
    if _is_heading_line(line) or split_row(line) is not None or _ENDS_CLAUSE.search(line):
        return None
    names = line.split()
    if not 2 <= len(names) <= _MAX_NAMES:
        return None
    for name in names:
        # "Std. Error": an abbreviation's dot joins it to the next word, one column of two.
        if (len(name) > _NAME_CHARS or name.lower() in _JOINING_WORDS or name.endswith(".")
                or not _HAS_LETTER.search(name) or _AMOUNT.fullmatch(name)):
            return None
    return names


_ENDS_CLAUSE = re.compile(r"[.,;:!?]$")
_AMOUNT = re.compile(r"[$€£¥]?\d[\d,.]*%?")


_PAGE_REFERENCE = re.compile(r"\b(?:pages?|pp?\.?)\s*:?$", re.IGNORECASE)


_ONLY_FIGURES = re.compile(r"^(?:[$€£¥%()\s]|\d[\d,.]*|[—–-])+$")


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) of the text's lines, with a label followed by lines that hold only
    figures (a table extracted one value per line) joined back into one row line."""
    raw: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        begin = offset + len(line) - len(line.lstrip())
        raw.append((begin, begin + len(line.strip()), line.strip()))
        offset += len(line)
    joined: list[tuple[int, int, str]] = []
    i = 0
    while i < len(raw):
        start, end, line = raw[i]
        j = i + 1
        if line and not _FIGURE.search(line) and _HAS_LETTER.search(line):
            while j < len(raw) and raw[j][2] and _ONLY_FIGURES.match(raw[j][2]):
                j += 1
        if j > i + 1 and any(re.search(r"\d", raw[k][2]) for k in range(i + 1, j)):
            joined.append((start, raw[j - 1][1], " ".join(raw[k][2] for k in range(i, j))))
            i = j
        else:
            joined.append((start, end, line))
            i += 1
    return joined


def rows(text: str) -> list[Row]:
    """Every table row of `text`, in order."""
    found: list[Row] = []
    between: list[str] = []  # lines since the last row
    headings = ""  # the current table's column headings
    names: list[str] = []  # or its column names, on one line above its rows
    table_caption = ""
    section = ""
    unit = ""
    last_start = 0  # where the last line that is no row begins
    for start, end, raw in _lines(text):
        line = _normal_line(raw)
        if not line:
            continue
        if found_unit := _UNIT.search(line):
            unit = found_unit.group(1).lower()
        pairs = statistic_pairs(line)
        if pairs:
            # "exp.F = 8.9955, p-value = 0.001311" under "expF test" / "data: ecm.model": each
            # pair is a row named by its statistic, the lines above saying which test of what.
            about = "; ".join(b for b in between[-_PAIR_CONTEXT_LINES:]
                             if len(b) <= _SECTION_CHARS and not _ENDS_SENTENCE.search(b))
            for offset, end_offset, name, value in pairs:
                found.append(Row(start=start + offset, end=start + end_offset, line=line,
                                 label=name, figures=[value], columns=[], section=about,
                                 caption=" ".join(between), unit="",
                                 table_caption=" ".join(between), above=about))
            between = [*between, line][-_HEADER_LINES:]
            last_start = start
            continue
        split = split_row(line)
        if split is None:
            between = [*between, line][-_HEADER_LINES:]
            last_start = start
            if _is_section(line):
                section = line.rstrip(":")
            continue
        if split[0][:1].islower() and between and _wraps_into(between[-1]):
            # "…principal repayments of all other finance leases and financing" /
            # "obligations (22,279) (4,455)": a label wrapped onto the row's line.
            split = (f"{between[-1]} {split[0]}", split[1])
            start, between = last_start, between[:-1]
        caption_changed = bool(between)
        if between:
            # Headings between rows start a new table; a section line ("Cost of sales:")
            # continues the one above.
            new = " ".join(b for b in between if _is_heading_line(b))
            named = column_names(between[-1])
            # A line within a table whose rows go on under the same headings is a section
            # ("Operating expenses" among the rows of an income statement), not names.
            within = bool(headings) and bool(found) and len(found[-1].figures) == len(split[1])
            if named is not None and not new and not within:
                names, headings = named, ""
                table_caption = " ".join(between)
                section = ""
            elif new or not all(b.endswith(":") for b in between):
                names = []  # a named table ends where anything but a section line follows
            if new:
                headings = new
                table_caption = " ".join(between)
                if not any(_is_section(b) for b in between[between.index(
                        next(b for b in between if _is_heading_line(b))):]):
                    section = ""
            caption, above = " ".join(between), between[-1]
            between = []
        else:
            caption = found[-1].caption if found else ""
            above = found[-1].above if found else ""
        label, figures = split
        if _QUALIFIER.match(label) and found and not caption_changed:
            # "% of net revenue 34.9 % 42.9 %" under "Total operating expenses $ 2,508 …"
            # says what share of revenue the row above is.
            label = f"{_base_label(found[-1].label)}, {label}"
        if label.lower().startswith("total") and section and set(
                section.lower().split()) <= set(label.lower().split()):
            pass  # "Total revenue" under "Revenue:" keeps its section
        columns = _columns(headings, figures)
        by_name = _named_columns(names, figures) if not columns else []
        found.append(Row(start=start, end=end, line=line, label=label, figures=figures,
                         columns=by_name or columns, section=section,
                         caption=caption, unit=unit, table_caption=table_caption,
                         named=bool(by_name), above=above))
        if label.lower().startswith("total"):
            section = ""  # "Total operating expenses" closes the "Operating expenses:" block
    return found


# Statistics printed as "name = value" pairs, a line of nothing else: "exp.F = 8.9955, p-value =
# 0.001311", "X-squared = 3.2, df = 1, p-value < 2.2e-16", "t = -2.1, df = 38".
_PAIR = re.compile(r"\s*(?P<name>[^\W\d_][\w.()^'’-]{0,23})\s*(?P<relation>[<>]?=|[<>])\s*"
                   r"(?P<value>-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?%?)\s*(?:,|;|$)")
# The lines above a line of statistics that say what was tested (its title, "data: …").
_PAIR_CONTEXT_LINES = 2
_ENDS_SENTENCE = re.compile(r"[.!?]$")


def statistic_pairs(line: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, value) of each pair when `line` is only "name = value" pairs."""
    pairs = []
    at = 0
    while at < len(line):
        match = _PAIR.match(line, at)
        if match is None:
            return []
        relation = match.group("relation")
        value = match.group("value") if relation == "=" else f"{relation}{match.group('value')}"
        pairs.append((match.start("name"), match.end("value"), match.group("name"), value))
        at = match.end()
    return pairs


# A row that qualifies the one above it: its share of something, not a thing of its own.
_QUALIFIER = re.compile(r"(?:%|percent(?:age)?|as\s+a\s+(?:%|percent(?:age)?))\s+of\b",
                        re.IGNORECASE)


def _base_label(label: str) -> str:
    """A qualified row's label without its qualifier: what a further qualifier refers to."""
    return label.split(", ", 1)[0] if _QUALIFIER.search(label) else label


def share_row(source_rows: list[Row], of: Row, whole: set[str]) -> Row | None:
    """The row qualifying `of` with its share of something named by `whole` ("Total operating
    expenses, % of net revenue" under "Total operating expenses"), else None."""
    prefix = f"{_base_label(of.label)}, "
    for row in source_rows:
        if (row.start <= of.start or row.table_caption != of.table_caption
                or not row.label.startswith(prefix)):
            continue
        qualifier = row.label[len(prefix):]
        if _QUALIFIER.match(qualifier) and whole & set(terms(qualifier)):
            return row
    return None


def _wraps_into(line: str) -> bool:
    """True when `line` may be the first part of a label wrapped onto the next line: words
    without closing punctuation, figures or column headings."""
    return (not _ENDS_CLAUSE.search(line) and not figures_in(line) and not _is_heading_line(line)
            and len(line) <= MAX_LABEL_CHARS and column_names(line) is None)


def _is_section(line: str) -> bool:
    """A line naming the rows below it ("Cost of sales:"), not headings ending in a colon
    ("… December 25, 2021 is as follows (in millions):")."""
    return line.endswith(":") and len(line) <= _SECTION_CHARS and not _is_heading_line(line)


def _named_columns(names: list[str], figures: list[str]) -> list[str]:
    """A name per figure: as many names as figures, or one more that names the labels
    ("compressor North Centre South" over "C4 14 7 28")."""
    if len(names) == len(figures):
        return list(names)
    if len(names) == len(figures) + 1:
        return names[1:]
    return []


def _columns(headings: str, figures: list[str]) -> list[str]:
    """A heading for each of `figures`, from the headings above the table, else []."""
    count = len(figures)
    if not headings or count == 0:
        return []
    periods = [m.group(0).lower() for m in _PERIOD.finditer(headings)]
    every_date = [" ".join(m.group(0).split()).rstrip(",") for m in _DATE.finditer(headings)]
    dates = list(dict.fromkeys(every_date))
    every_year = _YEAR.findall(headings)
    years = _YEAR.findall(_DATE.sub(" ", headings)) if len(dates) >= 2 else every_year
    month_days = list(dict.fromkeys(_YEAR.sub("", d).strip(" ,") for d in dates))
    split = _DAYS_THEN_YEARS.search(headings)
    days = _MONTH_DAY.findall(split.group(1)) if split else []
    split_years = _YEAR.findall(split.group(2)) if split else []
    if days and len(days) == len(split_years):
        # The month and day of each column on one line, their years on the next: "October
        # 29, October 30, October 29, October 30," / "2023 2022 2023 2022".
        base = [f"{' '.join(d.split())}, {y}" for d, y in zip(days, split_years, strict=True)]
    elif len(month_days) == 1 and len(every_year) >= 2:
        # One closing date, a year per column: "September 30, … 2022 2023 2022 2023".
        base = [f"{month_days[0]}, {y}" for y in every_year]
    elif len(dates) >= 2 and all(_YEAR.search(d) for d in every_date):
        # Each period's dates in turn: "Three Months Ended … Nine Months Ended July 1, 2023
        # June 25, 2022 July 1, 2023 June 25, 2022" has four columns, not two.
        # The lines nearest the row are its headings: a sentence above may name the same
        # dates in another order ("…ended December 31, 2022 and December 25, 2021 is…").
        if len(every_date) >= len(figures):
            base = every_date[-len(figures):]
        else:
            base = every_date if len(every_date) % len(dates) == 0 else dates
    elif len(month_days) == len(years) and years:
        base = [f"{d}, {y}" for d, y in zip(month_days, years, strict=True)]
    elif len(month_days) == 1 and years:
        base = [f"{month_days[0]}, {y}" for y in years]
    else:
        base = years
    changes = [f"{m.group(1) or ''}change".lower().strip()
               for m in _CHANGE.finditer(headings)] or (["change"] if "%" in headings else [])
    if base and len(base) < count <= len(base) + len(changes):
        # The changes stand where they are: after their period's figures ("$39,669 $40,665
        # (2)% $156,778 $162,863 (4)%"), told apart by their unit: percentages among amounts,
        # points among percentages ("74.0 % 70.1 % 3.9 pts").
        first = _unit_of(figures[0])
        changed_at = [_unit_of(f) != first for f in figures]
        if sum(changed_at) != count - len(base):
            if len(set(periods)) > 1:
                return []
            # One period: its changes follow its dates ("$1,875 $1,618 $257 16%" under
            # "April 30, 2023 May 1, 2022 $ Change % Change"), an amount's change an amount.
            changed_at = [i >= len(base) for i in range(count)]
        dated = iter(_with_periods(base, periods))
        changed = iter(changes)
        return [next(changed, "change") if c else next(dated) for c in changed_at]
    if len(base) != count:
        return []  # a blank cell or a row cut short: which figure is whose can't be told
    columns = _with_periods(base, periods)
    return columns if len(set(columns)) == len(columns) else []


_MONTH_DAY = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?=,?\s)", re.IGNORECASE)
_DAYS_THEN_YEARS = re.compile(
    rf"((?:\b(?:{_MONTHS})\.?\s+\d{{1,2}},?\s+){{2,}})((?:(?:19|20)\d{{2}}\b\s*){{2,}})",
    re.IGNORECASE)


def _unit_of(figure: str) -> str:
    """What a figure is counted in: "%", a unit of measure ("pts"), else "" (an amount)."""
    if figure.endswith("%"):
        return "%"
    unit = re.search(r"[^\W\d_]+$|°[CF]$", figure)
    return unit.group(0) if unit else ""


# "Change", "% Change", "Year-over-Year Change"; in "Change Change" (two columns' headings on
# one line) neither names the other.
_CHANGE = re.compile(r"\b((?!change\b)[A-Za-z][\w-]*(?:-over-[\w-]+)?\s+)?change\b",
                     re.IGNORECASE)


def _with_periods(columns: list[str], periods: list[str]) -> list[str]:
    """Columns prefixed by their period ("three months ended"), split evenly among periods."""
    if not periods:
        return columns
    if len(periods) == 1 or len(columns) % len(periods):
        return [f"{periods[0]} {c}" for c in columns]
    per = len(columns) // len(periods)
    return [f"{periods[i // per]} {c}" for i, c in enumerate(columns)]
