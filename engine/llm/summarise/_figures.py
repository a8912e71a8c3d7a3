"""Key figures of a financial statement: revenue and net income, read from the table rows.

An income statement (a "statement of operations", "of income", "of earnings", "profit and
loss") is a table: its rows are a label and figures, the first figure being the latest period.
The rows wanted are the total revenue (or net sales) and the net income (or loss); the unit
comes from the statement's "(In millions…)" line and the period from its "Three Months Ended
December 31, 2022" header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATEMENT = re.compile(
    r"statements?\s+of\s+(?:consolidated\s+)?(?:operations|income|earnings|comprehensive "
    r"income \(loss\)|profit\s+(?:and|or)\s+loss)|income\s+statements?|"
    r"profit\s+and\s+loss\s+(?:statement|account)", re.IGNORECASE)
_NOT_INCOME = re.compile(r"comprehensive|cash flows|balance|financial position|equity",
                         re.IGNORECASE)
_REVENUE = re.compile(
    r"^(?:total\s+)?(?:net\s+)?(?:revenues?|sales|net\s+sales|turnover)(?:\s*,\s*net)?\b"
    r"(?!\s+(?:and|per|of|from|by|to|in)\b)", re.IGNORECASE)
_TOTAL_REVENUE = re.compile(r"^total\s+(?:net\s+)?(?:revenues?|sales|net\s+sales)\b",
                            re.IGNORECASE)
_NET_INCOME = re.compile(
    r"^net\s+(?:income|earnings|loss|profit)(?:\s*\((?:loss|income)\))?(?:\s+attributable to"
    r" (?!non)[\w .,&'’-]+)?(?=\s*[$(\d-])", re.IGNORECASE)
_FIGURE = re.compile(r"\(?-?\$?\s*\(?\d[\d,]*(?:\.\d+)?\)?")
_UNIT = re.compile(r"\bin\s+(thousands|millions|billions)\b", re.IGNORECASE)
_SPAN = re.compile(
    r"\b((?:three|six|nine|twelve|3|6|9|12)\s+months|quarter|(?:fiscal\s+)?year|"
    r"(?:twenty-six|thirteen|thirty-nine|fifty-two)\s+weeks)\s+ended\b", re.IGNORECASE)
_DATE = re.compile(r"\b((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}),?"
                   r"(?:\s+(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+)*)?\s*((?:19|20)\d{2})")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_SEARCH_LINES = 90


@dataclass(frozen=True)
class Figure:
    label: str  # as the row says it: "Total net sales"
    value: str  # "$117,154 million"
    previous: str | None  # the figure of the comparative column
    page: int | None


@dataclass(frozen=True)
class KeyFigures:
    revenue: Figure | None
    net_income: Figure | None
    period: str | None  # "the three months ended December 31, 2022"

    @property
    def found(self) -> bool:
        return self.revenue is not None or self.net_income is not None


def key_figures(lines: list[tuple[str, int | None]]) -> KeyFigures | None:
    """Revenue and net income of the first income statement among the lines, if any."""
    for start, (line, _) in enumerate(lines):
        if (not _STATEMENT.search(line) or _NOT_INCOME.search(line) or len(line.split()) > 10
                or re.search(r"\b(?:for|and|of|the|in)$|,$", line)):
            continue
        if re.search(r"\s\d{1,3}$", line):  # a table-of-contents entry
            continue
        block = lines[start : start + _SEARCH_LINES]
        revenue = _row(block, total=True) or _row(block, total=False)
        income = _income_row(block)
        if income is None:
            continue
        first = min(i for i in (revenue, income) if i is not None)
        context = block[: first + 1]
        unit, money = _unit(context), _money(context)
        header = " ".join(text for text, _ in context)
        swap = _latest_last(header)
        return KeyFigures(
            _figure(*block[revenue], unit, money, swap) if revenue is not None else None,
            _figure(*block[income], unit, money, swap), _period(header))
    return None


def _money(block: list[tuple[str, int | None]]) -> bool:
    return any("$" in text for text, _ in block[:40])


def _unit(block: list[tuple[str, int | None]]) -> str:
    for text, _ in block:
        match = _UNIT.search(text)
        if match:
            return match.group(1).lower().rstrip("s")
    return ""


def _row(block: list[tuple[str, int | None]], *, total: bool) -> int | None:
    pattern = _TOTAL_REVENUE if total else _REVENUE
    for index, (text, page) in enumerate(block):
        if pattern.match(text) and _figure(text, page, "", False) is not None:
            return index
    return None


def _income_row(block: list[tuple[str, int | None]]) -> int | None:
    for index, (text, page) in enumerate(block):
        if (_NET_INCOME.match(text) and "per share" not in text.lower()
                and _figure(text, page, "", False) is not None):
            return index
    return None


def _latest_last(header: str) -> bool:
    """True when the columns run oldest first ("2022 2023"), as some statements have them."""
    span = _SPAN.search(header)
    years = [int(m.group()) for m in _YEAR.finditer(header, span.end() if span else 0)][:2]
    return len(years) == 2 and years[1] > years[0]


def _figure(text: str, page: int | None, unit: str, money: bool,
            latest_last: bool = False) -> Figure | None:
    """The row's label and its first two figures (latest period, comparative period)."""
    label = re.split(r"\s+[$(\d-]", text, maxsplit=1)[0].strip(" :")
    rest = text[len(label):]
    values = [v for v in (_value(m.group()) for m in _FIGURE.finditer(rest)) if v]
    if not values or _YEAR.fullmatch(values[0].strip("$-")):
        return None
    money = money or "$" in rest
    def spell(value: str) -> str:
        negative = value.startswith("-")
        number = value.lstrip("-")
        shown = f"{'$' if money else ''}{number}{' ' + unit if unit else ''}"
        return f"−{shown}" if negative else shown
    if latest_last and len(values) > 1:
        values = [values[1], values[0]]
    previous = spell(values[1]) if len(values) > 1 else None
    return Figure(label, spell(values[0]), previous, page)


def _value(raw: str) -> str | None:
    negative = "(" in raw and ")" in raw or raw.strip().startswith("-")
    digits = re.sub(r"[^\d.,]", "", raw).strip(",.")
    if not digits or not any(c.isdigit() for c in digits):
        return None
    return f"-{digits}" if negative else digits


def _period(header: str) -> str | None:
    match = _SPAN.search(header)
    if not match:
        return None
    date = _DATE.search(header, match.end())
    years = [int(m.group()) for m in _YEAR.finditer(header, match.end())][:2]
    year = max(years) if years else None
    when = f" ended {date.group(1)}" if date else ""
    when += f", {year}" if date and year else ""
    return f"the {match.group(1).lower()}{when}"


def figures_sentence(figures: KeyFigures) -> str:
    """One plain sentence stating the figures, their period and comparison."""
    parts: list[str] = []
    for figure in (figures.revenue, figures.net_income):
        if figure is None:
            continue
        subject = _subject(figure.label)
        if parts and not subject[:2].isupper():
            subject = subject[:1].lower() + subject[1:]
        plural = figure is figures.revenue and figure.label.lower().endswith("s")
        text = f"{subject} {'were' if plural else 'was'}"
        text += f" {figure.value}"
        if figure.previous:
            text += f" (comparative period: {figure.previous})"
        parts.append(text)
    period = f" for {figures.period}" if figures.period else ""
    return " and ".join(parts) + period + "."


def _subject(label: str) -> str:
    return label[:1].upper() + label[1:].lower() if label.isupper() else label
