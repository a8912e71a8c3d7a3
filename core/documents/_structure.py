"""Reading the logical structure tree: which /Figure elements carry alternate text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from ._errors import reading
from ._objects import as_int, get, is_true, resolve, text_of
from ._open import PdfSource, open_pdf, pdf_limits

MAX_ROLE_HOPS = 16
MAX_NUMBER_TREE_DEPTH = 32


@dataclass(frozen=True)
class FigureReport:
    """How many /Figure structure elements a PDF has, and how many carry alternate text.

    A document without figures passes (there is nothing to describe); look at `figures` and
    `tagged` to tell "all described" from "nothing tagged as a figure".
    """

    figures: int  # /Figure structure elements, including types role-mapped to /Figure
    with_alt: int  # of those, with a non-empty /Alt or an /ActualText (see `has_alt`)
    tagged: bool  # /MarkInfo /Marked true and a /StructTreeRoot

    @property
    def passes(self) -> bool:
        return self.figures == self.with_alt


@dataclass(frozen=True)
class StructElement:
    """A structure element as found by the walk, with the page it inherits."""

    node: DictionaryObject
    page: Any  # the /Pg in effect (an indirect reference to a page), or None


def read_figure_alt_text(source: PdfSource) -> FigureReport:
    """Count /Figure elements and those with alternate text (the PDF/UA 7.3 check)."""
    with pdf_limits():
        reader = open_pdf(source)
        with reading("its structure tree could not be read"):
            return figure_report(reader)


def figure_report(reader: PdfReader) -> FigureReport:
    catalog = reader.root_object
    root = get(catalog, "/StructTreeRoot")
    marked = is_true(get(get(catalog, "/MarkInfo"), "/Marked"))
    if not isinstance(root, DictionaryObject):
        return FigureReport(figures=0, with_alt=0, tagged=False)
    figures = [element for element in iter_elements(root) if is_figure(element.node, root)]
    return FigureReport(
        figures=len(figures),
        with_alt=sum(1 for element in figures if has_alt(element.node)),
        tagged=marked,
    )


def iter_elements(root: DictionaryObject) -> Iterator[StructElement]:
    """Every structure element under the root, depth first in document order, each once."""
    stack: list[tuple[Any, Any]] = [(kid, None) for kid in reversed(kids(root))]
    seen: set[int] = set()
    while stack:
        value, page = stack.pop()
        node = resolve(value)
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if "/S" not in node or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        page = node.get("/Pg", page)
        yield StructElement(node=node, page=page)
        stack.extend((kid, page) for kid in reversed(kids(node)))


def kids(node: DictionaryObject) -> list[Any]:
    value = resolve(node.get("/K"))
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]


def marked_content(element: StructElement) -> list[tuple[Any, int]]:
    """(page reference, MCID) of the content the element itself holds (not its sub-elements)."""
    found = []
    for kid in kids(element.node):
        kid = resolve(kid)
        if as_int(kid) is not None:
            found.append((element.page, int(kid)))
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
            mcid = as_int(kid.get("/MCID"))
            # An MCR with /Stm points into a form XObject's own MCIDs: not the page's.
            if mcid is not None and "/Stm" not in kid:
                found.append((kid.get("/Pg", element.page), mcid))
    return found


def structure_type(node: DictionaryObject, root: DictionaryObject) -> str:
    """The element's type after following the root's /RoleMap to a standard type."""
    kind = str(resolve(node.get("/S")))
    role_map = resolve(root.get("/RoleMap"))
    if not isinstance(role_map, DictionaryObject):
        return kind
    for _ in range(MAX_ROLE_HOPS):
        mapped = resolve(role_map.get(kind))
        if mapped is None or str(mapped) == kind:
            break
        kind = str(mapped)
    return kind


def is_figure(node: DictionaryObject, root: DictionaryObject) -> bool:
    return structure_type(node, root) == "/Figure"


def has_alt(node: DictionaryObject) -> bool:
    """A non-empty /Alt, or an /ActualText string even if empty.

    This is veraPDF's PDF/UA-1 7.3 rule, and its corpus says so: "ActualText is present in
    Figure, value of ActualText is empty" passes, while an empty /Alt fails. Empty replacement
    text is a statement (the figure reads as nothing); an empty description is not.
    """
    return bool(text_of(node.get("/Alt"))) or isinstance(resolve(node.get("/ActualText")),
                                                          (str, bytes))


def read_number_tree(node: Any) -> dict[int, Any]:
    """Every (key, value) of a number tree (/Nums leaves under /Kids), flattened."""
    entries: dict[int, Any] = {}
    stack: list[tuple[Any, int]] = [(node, 0)]
    seen: set[int] = set()
    while stack:
        value, depth = stack.pop()
        current = resolve(value)
        if not isinstance(current, DictionaryObject) or id(current) in seen:
            continue
        seen.add(id(current))
        nums = resolve(current.get("/Nums"))
        if isinstance(nums, ArrayObject):
            for index in range(0, len(nums) - 1, 2):
                key = as_int(nums[index])
                if key is not None:
                    entries[key] = nums[index + 1]
        if depth < MAX_NUMBER_TREE_DEPTH:
            stack.extend((kid, depth + 1) for kid in kids_of_tree(current))
    return entries


def kids_of_tree(node: DictionaryObject) -> list[Any]:
    value = resolve(node.get("/Kids"))
    return list(value) if isinstance(value, ArrayObject) else []


@dataclass(frozen=True)
class Bookmark:
    """An entry of the PDF's outline (bookmarks): its title, 1-based page and depth (1 = top)."""

    title: str
    page: int
    level: int


MAX_BOOKMARKS = 2000


def read_bookmarks(source: PdfSource) -> list[Bookmark]:
    """The outline's entries that point at a page, in outline order (at most MAX_BOOKMARKS).

    A PDF without an outline, or whose outline can't be read, gives an empty list: bookmarks
    only help, and their absence is ordinary.
    """
    with pdf_limits():
        reader = open_pdf(source)
        try:
            outline = reader.outline
        except Exception:
            return []
        found: list[Bookmark] = []
        stack: list[tuple[Any, int]] = [(item, 1) for item in reversed(list(outline))]
        while stack and len(found) < MAX_BOOKMARKS:
            item, level = stack.pop()
            if isinstance(item, list):
                stack.extend((kid, level + 1) for kid in reversed(item))
                continue
            try:
                number = reader.get_destination_page_number(item)
                title = " ".join(str(item.title or "").split())
            except Exception:
                continue
            if title and number is not None and number >= 0:
                found.append(Bookmark(title, number + 1, level))
        return found
