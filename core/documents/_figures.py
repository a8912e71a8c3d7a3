"""Every figure of a PDF that needs alternate text, with the evidence a person needs to write it.

Figures come from two places, in this order:
1. the structure tree's /Figure elements (role-mapped ones too), whatever their size: an author
   or a tool said they are figures. Each is keyed `(page, "figure-N")`, N its position among the
   tree's figures in document order; the image drawn in its marked content, if any, is named.
2. images drawn on a page that no figure covers and that are not /Artifact content, keyed by
   `(page, image name)` as `PdfImage.key`.

For each, the page's text gives a caption — a figure label ("Figure 3: …", "Chart 2.", "Fig. 4 –")
nearest to the image, else the line just under or over it — which is evidence, never a guess.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader

from ._content import PageDrawing, walk_page
from ._errors import reading
from ._images import Rect
from ._objects import resolve, text_of
from ._open import PdfSource, open_pdf, page_count, pdf_limits
from ._structure import is_figure, iter_elements, marked_content

logger = logging.getLogger(__name__)

FigureKey = tuple[int, str]
FIGURE_PREFIX = "figure-"
_LABEL = re.compile(
    r"^(?:figure|fig\.?|chart|graph|image|photo|plate|illustration|diagram|map|picture)\s*"
    r"[\dA-Z][\d.]*\s*[:.–—-]", re.IGNORECASE)
_CAPTION_BELOW_PT = 40.0
_CAPTION_ABOVE_PT = 28.0
_MAX_CAPTION_CHARS = 300
_LINE_TOLERANCE_PT = 2.0


@dataclass(frozen=True)
class FoundFigure:
    """A figure needing (or having) alt text; `alt` is what it carries now, if anything."""

    key: FigureKey
    page: int | None
    tagged: bool  # a /Figure element of the structure tree
    image: str | None  # the image XObject name drawn for it, when known
    rect: Rect | None
    alt: str | None
    caption: str | None
    labelled: bool  # the caption is a figure label ("Figure 3: …")
    artifact: bool = False


def find_figures(source: PdfSource) -> list[FoundFigure]:
    """Tagged figures first (document order), then the untagged images, page by page."""
    with pdf_limits():
        reader = open_pdf(source)
        with reading("its figures could not be read"):
            return _Finder(reader).run()


class _Finder:
    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.pages = [reader.pages[i] for i in range(page_count(reader))]
        self.numbers = {page.indirect_reference.idnum: n
                        for n, page in enumerate(self.pages, start=1)
                        if page.indirect_reference is not None}
        self.drawings: dict[int, PageDrawing | None] = {}
        self.lines: dict[int, list[tuple[float, float, str]]] = {}

    def run(self) -> list[FoundFigure]:
        found: list[FoundFigure] = []
        claimed: set[tuple[int, str]] = set()
        root = resolve(self.reader.root_object.get("/StructTreeRoot"))
        figures = [e for e in iter_elements(root) if is_figure(e.node, root)] if root else []
        for index, element in enumerate(figures):
            page = self._page_number(element.page)
            draws = []
            for page_ref, mcid in marked_content(element):
                number = self._page_number(page_ref) or page
                drawing = self._drawing(number)
                if drawing is None or number is None:
                    continue
                page = page or number
                draws += [(number, d) for d in drawing.images if d.mcid == mcid]
            image = draws[0][1] if draws else None
            claimed.update((n, d.name) for n, d in draws)
            rect = _rect(image.bbox) if image is not None else None
            alt = text_of(element.node.get("/Alt")).replace("\x00", "") or None
            actual = resolve(element.node.get("/ActualText"))
            if alt is None and isinstance(actual, str | bytes):
                alt = text_of(actual) or "(empty replacement text)"
            caption, labelled = self._caption(page, rect)
            found.append(FoundFigure((page or 0, f"{FIGURE_PREFIX}{index}"), page, True,
                                     image.name if image else None, rect, alt, caption,
                                     labelled))
        for number in range(1, len(self.pages) + 1):
            drawing = self._drawing(number)
            if drawing is None:
                continue
            seen: set[str] = set()
            for draw in drawing.images:
                if (number, draw.name) in claimed or draw.name in seen:
                    continue
                seen.add(draw.name)
                rect = _rect(draw.bbox)
                caption, labelled = self._caption(number, rect)
                found.append(FoundFigure((number, draw.name), number, False, draw.name, rect,
                                         None, caption, labelled, artifact=draw.artifact))
        return found

    def _page_number(self, page: Any) -> int | None:
        reference = getattr(page, "idnum", None)
        return self.numbers.get(reference) if reference is not None else None

    def _drawing(self, number: int | None) -> PageDrawing | None:
        if number is None or not 1 <= number <= len(self.pages):
            return None
        if number not in self.drawings:
            try:
                self.drawings[number] = walk_page(self.pages[number - 1], self.reader)
            except MemoryError:
                raise
            except Exception as exc:
                logger.warning("page %d: content could not be read: %s", number, exc)
                self.drawings[number] = None
        return self.drawings[number]

    def _caption(self, number: int | None, rect: Rect | None) -> tuple[str | None, bool]:
        if number is None:
            return None, False
        lines = self._lines(number)
        labels = [line for line in lines if _LABEL.match(line[2])]
        if labels:
            y = (rect.y0 + rect.y1) / 2 if rect else 0.0
            best = min(labels, key=lambda line: abs(line[0] - y))
            return best[2][:_MAX_CAPTION_CHARS], True
        if rect is None:
            return None, False
        below = [line for line in lines if rect.y0 - _CAPTION_BELOW_PT <= line[0] < rect.y0]
        above = [line for line in lines if rect.y1 < line[0] <= rect.y1 + _CAPTION_ABOVE_PT]
        if below:
            return max(below, key=lambda line: line[0])[2][:_MAX_CAPTION_CHARS], False
        if above:
            return min(above, key=lambda line: line[0])[2][:_MAX_CAPTION_CHARS], False
        return None, False

    def _lines(self, number: int) -> list[tuple[float, float, str]]:
        if number not in self.lines:
            self.lines[number] = _text_lines(self.pages[number - 1])
        return self.lines[number]


def _text_lines(page: PageObject) -> list[tuple[float, float, str]]:
    """(y, x, text) of each line of text on the page, from pypdf's text positions."""
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text.strip():
            return
        try:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        except (TypeError, IndexError):
            return
        pieces.append((float(y), float(x), text))

    try:
        page.extract_text(visitor_text=visit)
    except MemoryError:
        raise
    except Exception as exc:
        logger.info("text positions could not be read: %s", exc)
        return []
    lines: list[tuple[float, float, list[str]]] = []
    for y, x, text in sorted(pieces, key=lambda p: (-p[0], p[1])):
        if lines and abs(lines[-1][0] - y) <= _LINE_TOLERANCE_PT:
            lines[-1][2].append(text)
        else:
            lines.append((y, x, [text]))
    return [(y, x, " ".join("".join(parts).split())) for y, x, parts in lines
            if "".join(parts).strip()]


def _rect(bbox: tuple[float, float, float, float]) -> Rect | None:
    x0, y0, x1, y1 = bbox
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    return Rect(round(x0, 3), round(y0, 3), round(x1, 3), round(y1, 3))
