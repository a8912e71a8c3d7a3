"""Writing image descriptions as PDF/UA alternate text: /Figure elements with /Alt.

How an image becomes a figure (ISO 32000-1 §14.6-14.7, PDF/UA-1 §7.3):
- its `Do` (or inline image) in the page content is wrapped in `/Figure <</MCID n>> BDC … EMC`;
- a /Figure StructElem (/P parent, /Pg page, /K n, /Alt text) joins the structure tree;
- the page's /StructParents key maps, in the /ParentTree, to an array whose index n is that element;
- the catalog says /MarkInfo <</Marked true>> and gets a /Lang when it has none.

An already tagged PDF keeps its structure. Its /Figure elements without alt text gain /Alt:
1. from the described images drawn inside the figure's own marked content (its MCIDs);
2. failing that, by elimination: a figure with no matched image gets the one described image
   drawn on its page (any page if the figure names none), outside /Artifact content, that no
   figure claims, and only when that image is the sole candidate of that figure and the figure
   the sole taker of that image.
Described images that no figure covers become new /Figure elements under the top element, unless
they already sit in someone else's marked content (MCIDs must not nest) or in an /Artifact.
Figures that already have /Alt or /ActualText are never changed by that matching.

A figure of the tree can also be addressed directly, as `find_figures` keys it:
`(page, "figure-N")`, N its position among the tree's figures; its /Alt is then set to the text
given (a person's words replace what was there). `decorative` keys mark images as decoration: an
untagged image is wrapped in `/Artifact BMC … EMC`; a tagged figure gets an empty /ActualText
(it reads as nothing, which PDF/UA checkers accept) and loses its /Alt.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from io import BytesIO
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from ._content import ImageDraw, PageDrawing, walk_page
from ._errors import DocumentError, detail, reading
from ._figures import FIGURE_PREFIX
from ._objects import as_int, get, resolve
from ._open import PdfSource, open_pdf, page_count, pdf_limits
from ._structure import (
    StructElement,
    has_alt,
    is_figure,
    iter_elements,
    kids,
    marked_content,
    read_number_tree,
)

logger = logging.getLogger(__name__)

ImageKey = tuple[int, str]


def write_alt_texts(source: PdfSource, descriptions: Mapping[ImageKey, str], *,
                    lang: str = "en", decorative: Iterable[ImageKey] = ()) -> bytes:
    """A new PDF in which every described image is a /Figure with /Alt (see the module doc).

    `descriptions` maps (page, XObject name) as in `PdfImage.key` to text; empty texts and keys
    that match no image are ignored. `lang` is set as /Lang only where the PDF has none. An
    encrypted PDF that opens with the empty password comes back unencrypted. The result is built
    in memory and checked to open with every page before it is returned.
    """
    wanted = {(int(page), str(name)): " ".join(str(text).split())
              for (page, name), text in descriptions.items() if str(text).strip()}
    artifacts = {(int(page), str(name)) for page, name in decorative}
    wanted = {key: text for key, text in wanted.items() if key not in artifacts}
    with pdf_limits():
        reader = open_pdf(source)
        count = page_count(reader)
        with reading("it could not be copied"):
            writer = PdfWriter(clone_from=reader)
        with reading("its structure tree could not be updated"):
            _Tagger(writer, wanted, lang, artifacts).run()
        with reading("the copy could not be written"):
            buffer = BytesIO()
            writer.write(buffer)
        data = buffer.getvalue()
        _check(data, count)
    return data


def _check(data: bytes, count: int) -> None:
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except Exception as exc:
        raise DocumentError(f"The PDF with alt text could not be re-read ({detail(exc)}).") from exc
    if pages != count:
        raise DocumentError(f"The PDF with alt text has {pages} pages instead of {count}.")


class _Tagger:
    def __init__(self, writer: PdfWriter, wanted: dict[ImageKey, str], lang: str,
                 artifacts: set[ImageKey] | None = None):
        self.writer = writer
        self.catalog = writer.root_object
        artifacts = artifacts or set()
        self.figure_texts = {int(name[len(FIGURE_PREFIX):]): text for (_, name), text
                             in wanted.items() if _is_figure_key(name)}
        self.figure_artifacts = {int(name[len(FIGURE_PREFIX):]) for _, name in artifacts
                                 if _is_figure_key(name)}
        self.image_artifacts = {key for key in artifacts if not _is_figure_key(key[1])}
        self.wanted = {key: text for key, text in wanted.items() if not _is_figure_key(key[1])}
        self.lang = lang
        self.pages: list[PageObject] = list(writer.pages)
        self.page_numbers = {page.indirect_reference.idnum: number
                             for number, page in enumerate(self.pages, start=1)
                             if page.indirect_reference is not None}
        self.drawings: dict[int, PageDrawing] = {}
        self.claimed: set[ImageKey] = set()
        self.parent_tree: dict[int, Any] | None = None
        self.next_key = 0
        self.parent: IndirectObject | None = None
        self.changed = False
        self.stream_users: Counter[int] | None = None

    def run(self) -> None:
        for number in sorted({page for page, _ in [*self.wanted, *self.image_artifacts]}):
            if 1 <= number <= len(self.pages):
                drawing = self._walk(number)
                if drawing is not None:
                    self.drawings[number] = drawing
        root = get(self.catalog, "/StructTreeRoot")
        if isinstance(root, DictionaryObject):
            self._fill_existing_figures(root)
        added = [self._add_figures(number) for number in sorted(self.drawings)]
        if any(added):
            self._finish_parent_tree()
        if self.changed or any(added):
            self._mark_tagged()

    def _walk(self, number: int) -> PageDrawing | None:
        try:
            return walk_page(self.pages[number - 1], self.writer)
        except MemoryError:
            raise
        except Exception as exc:
            logger.warning("page %d: content could not be read, its images stay untagged: %s",
                           number, exc)
            return None

    # An existing tree: fill the figures that lack alt text.

    def _fill_existing_figures(self, root: DictionaryObject) -> None:
        by_mcid: dict[tuple[int, int], list[ImageDraw]] = {}
        for number, drawing in self.drawings.items():
            for draw in drawing.images:
                if draw.mcid is not None:
                    by_mcid.setdefault((number, draw.mcid), []).append(draw)
        unmatched: list[StructElement] = []
        figures = [e for e in iter_elements(root) if is_figure(e.node, root)]
        for index, element in enumerate(figures):
            keys = [(number, draw.name) for number, mcid in self._mcids(element)
                    for draw in by_mcid.get((number, mcid), [])]
            self.claimed.update(keys)
            if index in self.figure_artifacts:
                element.node.pop(NameObject("/Alt"), None)
                element.node[NameObject("/ActualText")] = TextStringObject("")
                self.changed = True
                continue
            if index in self.figure_texts:
                element.node[NameObject("/Alt")] = TextStringObject(self.figure_texts[index])
                self.changed = True
                continue
            if has_alt(element.node):
                continue
            texts = _unique(self.wanted[key] for key in keys if key in self.wanted)
            if texts:
                element.node[NameObject("/Alt")] = TextStringObject(" ".join(texts))
                self.changed = True
            elif not keys:
                unmatched.append(element)
        self._fill_by_elimination(unmatched)

    def _fill_by_elimination(self, figures: list[StructElement]) -> None:
        drawn = {(number, draw.name) for number, drawing in self.drawings.items()
                 for draw in drawing.images if not draw.artifact}
        free = [key for key in self.wanted if key in drawn and key not in self.claimed]
        options = {id(figure): [key for key in free if self._page_fits(figure, key[0])]
                   for figure in figures}
        takers = Counter(key for keys in options.values() for key in keys)
        for figure in figures:
            keys = options[id(figure)]
            if len(keys) == 1 and takers[keys[0]] == 1:
                figure.node[NameObject("/Alt")] = TextStringObject(self.wanted[keys[0]])
                self.claimed.add(keys[0])
                self.changed = True

    def _page_fits(self, figure: StructElement, number: int) -> bool:
        page = self._page_number(figure.page)
        return page is None or page == number

    def _mcids(self, element: StructElement) -> list[tuple[int, int]]:
        found = []
        for page, mcid in marked_content(element):
            number = self._page_number(page)
            if number is not None:
                found.append((number, mcid))
        return found

    def _page_number(self, page: Any) -> int | None:
        if isinstance(page, IndirectObject):
            return self.page_numbers.get(page.idnum)
        return None

    # New figures for described images that nothing covers yet.

    def _add_figures(self, number: int) -> bool:
        drawing = self.drawings[number]
        groups: dict[int, list[ImageDraw]] = {}
        for draw in drawing.images:
            key = (number, draw.name)
            if key not in self.wanted or key in self.claimed:
                continue
            if draw.mcid is not None or draw.artifact:
                logger.info("page %d: %s sits in tagged content; left as it is", number, draw.name)
                continue
            groups.setdefault(draw.op_index, []).append(draw)
        # Decorative images the person named: /Artifact content, outside the structure tree.
        artifacts = {draw.op_index for draw in drawing.images
                     if (number, draw.name) in self.image_artifacts and draw.mcid is None
                     and not draw.artifact and draw.op_index not in groups}
        if not groups:
            if artifacts:
                self._set_contents(self.pages[number - 1],
                                   _wrapped(drawing.operations, {}, artifacts))
                self.changed = True
            return False
        page = self.pages[number - 1]
        parents = self._page_parents(page)
        next_mcid = max([len(parents), *(mcid + 1 for mcid in drawing.mcids)])
        wraps: dict[int, int] = {}
        for op_index, draws in sorted(groups.items()):
            text = " ".join(_unique(self.wanted[(number, draw.name)] for draw in draws))
            figure = self._new_figure(page, next_mcid, text, draws[0])
            while len(parents) <= next_mcid:
                parents.append(NullObject())
            parents[next_mcid] = figure
            wraps[op_index] = next_mcid
            next_mcid += 1
        self._set_contents(page, _wrapped(drawing.operations, wraps, artifacts))
        return True

    def _new_figure(self, page: PageObject, mcid: int, text: str,
                    draw: ImageDraw) -> IndirectObject:
        parent = self._figure_parent()
        figure = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Figure"),
            NameObject("/P"): parent,
            NameObject("/Pg"): page.indirect_reference,
            NameObject("/K"): NumberObject(mcid),
            NameObject("/Alt"): TextStringObject(text),
        })
        x0, y0, x1, y1 = draw.bbox
        if x1 > x0 and y1 > y0:
            figure[NameObject("/A")] = DictionaryObject({
                NameObject("/O"): NameObject("/Layout"),
                NameObject("/BBox"): ArrayObject(FloatObject(round(v, 3)) for v in draw.bbox),
            })
        reference = self.writer._add_object(figure)
        _append_kid(resolve(parent), reference)
        return reference

    def _figure_parent(self) -> IndirectObject:
        """The element new figures go under: the tree's one top element, else the root."""
        if self.parent is not None:
            return self.parent
        root_ref = self.catalog.get("/StructTreeRoot")
        if not (isinstance(root_ref, IndirectObject)
                and isinstance(root_ref.get_object(), DictionaryObject)):
            root_ref = self._new_structure_root(resolve(root_ref))
        root = resolve(root_ref)
        tops = [kid for kid in kids(root) if isinstance(kid, IndirectObject)
                and isinstance(resolve(kid), DictionaryObject) and "/S" in resolve(kid)]
        self.parent = tops[0] if len(tops) == 1 and len(kids(root)) == 1 else root_ref
        return self.parent

    def _new_structure_root(self, existing: Any) -> IndirectObject:
        if isinstance(existing, DictionaryObject):  # a direct root: make it referable
            reference = self.writer._add_object(existing)
            self.catalog[NameObject("/StructTreeRoot")] = reference
            return reference
        root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        reference = self.writer._add_object(root)
        document = self.writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): reference,
            NameObject("/K"): ArrayObject(),
        }))
        root[NameObject("/K")] = ArrayObject([document])
        self.catalog[NameObject("/StructTreeRoot")] = reference
        return reference

    def _page_parents(self, page: PageObject) -> ArrayObject:
        """The parent-tree array of this page (created, with a /StructParents key, if missing)."""
        tree = self._tree()
        key = as_int(page.get("/StructParents"))
        if key is None:
            key = self.next_key
            self.next_key += 1
            page[NameObject("/StructParents")] = NumberObject(key)
        value = resolve(tree.get(key))
        if not isinstance(value, ArrayObject):
            value = ArrayObject()
            tree[key] = self.writer._add_object(value)
        return value

    def _tree(self) -> dict[int, Any]:
        if self.parent_tree is None:
            self._figure_parent()  # makes sure a structure root exists
            root = get(self.catalog, "/StructTreeRoot")
            self.parent_tree = read_number_tree(root.get("/ParentTree"))
            keys = [as_int(page.get("/StructParents")) for page in self.pages]
            used = [*self.parent_tree, *(key for key in keys if key is not None)]
            self.next_key = max([as_int(root.get("/ParentTreeNextKey")) or 0,
                                 *(key + 1 for key in used)])
        return self.parent_tree

    def _finish_parent_tree(self) -> None:
        """Store the parent tree as one flat /Nums array (same entries, plus ours)."""
        root = get(self.catalog, "/StructTreeRoot")
        tree = self._tree()
        nums = ArrayObject()
        for key in sorted(tree):
            nums.extend([NumberObject(key), tree[key]])
        node = get(root, "/ParentTree")
        if not isinstance(node, DictionaryObject):
            node = DictionaryObject()
            root[NameObject("/ParentTree")] = self.writer._add_object(node)
        for stale in ("/Kids", "/Limits"):
            node.pop(NameObject(stale), None)
        node[NameObject("/Nums")] = nums
        root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)

    def _mark_tagged(self) -> None:
        mark_info = get(self.catalog, "/MarkInfo")
        if not isinstance(mark_info, DictionaryObject):
            mark_info = DictionaryObject()
            self.catalog[NameObject("/MarkInfo")] = mark_info
        mark_info[NameObject("/Marked")] = BooleanObject(True)
        if not str(get(self.catalog, "/Lang") or "").strip():
            self.catalog[NameObject("/Lang")] = TextStringObject(self.lang)

    def _set_contents(self, page: PageObject, operations: list[tuple[Any, bytes]]) -> None:
        content = ContentStream(None, self.writer)
        content.operations = operations
        stream = DecodedStreamObject()
        stream.set_data(content.get_data())
        encoded = stream.flate_encode()
        if self._contents_shared(page):
            page[NameObject("/Contents")] = self.writer._add_object(encoded)
        else:
            page.replace_contents(encoded)

    def _contents_shared(self, page: PageObject) -> bool:
        """Whether another page draws with one of this page's content streams."""
        if self.stream_users is None:
            self.stream_users = Counter(idnum for other in self.pages
                                        for idnum in _content_streams(other))
        return any(self.stream_users[idnum] > 1 for idnum in _content_streams(page))


def _is_figure_key(name: str) -> bool:
    return name.startswith(FIGURE_PREFIX) and name[len(FIGURE_PREFIX):].isdigit()


def _content_streams(page: PageObject) -> set[int]:
    value = page.get("/Contents")
    items = resolve(value) if isinstance(resolve(value), ArrayObject) else [value]
    return {item.idnum for item in items if isinstance(item, IndirectObject)}


def _wrapped(operations: list[tuple[Any, bytes]], wraps: dict[int, int],
             artifacts: set[int] | None = None) -> list[tuple[Any, bytes]]:
    """The operations with `/Figure <</MCID n>> BDC … EMC` around each operation index in wraps,
    and `/Artifact BMC … EMC` around those in `artifacts`."""
    result: list[tuple[Any, bytes]] = []
    for index, operation in enumerate(operations):
        if index in (artifacts or set()):
            result += [([NameObject("/Artifact")], b"BMC"), operation, ([], b"EMC")]
            continue
        mcid = wraps.get(index)
        if mcid is None:
            result.append(operation)
            continue
        properties = DictionaryObject({NameObject("/MCID"): NumberObject(mcid)})
        result.append(([NameObject("/Figure"), properties], b"BDC"))
        result.append(operation)
        result.append(([], b"EMC"))
    return result


def _append_kid(parent: DictionaryObject, kid: IndirectObject) -> None:
    current = parent.get("/K")
    array = resolve(current)
    if isinstance(array, ArrayObject):
        array.append(kid)
    elif current is None:
        parent[NameObject("/K")] = ArrayObject([kid])
    else:
        parent[NameObject("/K")] = ArrayObject([current, kid])


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(texts))
