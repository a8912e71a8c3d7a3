"""Walking a page's content stream: where each image XObject is drawn, and inside which tags.

One walk serves both the image extractor (placement) and the alt-text writer (which operation
to wrap, which marked-content id already covers it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    NameObject,
    StreamObject,
)

from ._objects import as_int, get, resolve

logger = logging.getLogger(__name__)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_FORM_DEPTH = 8


@dataclass(frozen=True)
class ImageDraw:
    """One `Do` of an image XObject, seen from the page."""

    name: str  # "/Im0" on the page; "/Fm0/Im0" when drawn by form /Fm0; "inline-0" for BI…EI
    image: StreamObject  # for an inline image, a stream made from its BI dictionary and data
    ctm: Matrix  # maps the image's unit square to page user space
    op_index: int  # the page-level operation that draws it (the form's `Do` for nested images)
    mcid: int | None  # innermost page-level marked-content id around it
    artifact: bool  # inside an /Artifact sequence: decorative by the author's own word

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """The unit square under the CTM, as (x0, y0, x1, y1)."""
        a, b, c, d, e, f = self.ctm
        xs = (e, a + e, c + e, a + c + e)
        ys = (f, b + f, d + f, b + d + f)
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class PageDrawing:
    """What a page draws: its parsed operations, its image draws and the MCIDs it uses."""

    operations: list[tuple[Any, bytes]]
    images: list[ImageDraw] = field(default_factory=list)
    mcids: set[int] = field(default_factory=set)


@dataclass
class _Mark:
    tag: str
    mcid: int | None
    page_level: bool


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n in PDF's row-vector convention: apply m, then n."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def may_draw_images(page: PageObject, contents: ContentStream) -> bool:
    """Cheap test before parsing: a page without XObjects or a `BI` draws no image."""
    resources = resolve(page.get("/Resources"))
    if isinstance(resources, DictionaryObject) and resolve(resources.get("/XObject")):
        return True
    return b"BI" in contents.get_data()


def walk_page(page: PageObject, pdf: Any, contents: ContentStream | None = None) -> PageDrawing:
    """Parse the page's content and follow q/Q, cm, BDC/BMC/EMC, Do (into forms too) and BI."""
    contents = contents if contents is not None else page.get_contents()
    operations = list(contents.operations) if contents is not None else []
    drawing = PageDrawing(operations=operations)
    walker = _Walker(pdf, drawing)
    walker.walk(operations, resolve(page.get("/Resources")), IDENTITY, prefix="", top=None,
                forms=())
    return drawing


class _Walker:
    def __init__(self, pdf: Any, drawing: PageDrawing):
        self.pdf = pdf
        self.drawing = drawing
        self.marks: list[_Mark] = []
        self.inline_count = 0

    def walk(self, operations: list[tuple[Any, bytes]], resources: Any, ctm: Matrix, *,
             prefix: str, top: int | None, forms: tuple[int, ...]) -> None:
        page_level = top is None
        stack: list[Matrix] = []
        marks_depth = len(self.marks)
        for index, (operands, operator) in enumerate(operations):
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                if stack:
                    ctm = stack.pop()
            elif operator == b"cm":
                matrix = _matrix(operands)
                if matrix is not None:
                    ctm = multiply(matrix, ctm)
            elif operator in (b"BDC", b"BMC"):
                self._begin_marked(operands, resources, page_level)
            elif operator == b"EMC":
                if len(self.marks) > marks_depth:
                    self.marks.pop()
            elif operator == b"Do" and operands:
                where = index if page_level else top
                assert where is not None
                self._draw(str(operands[0]), resources, ctm, prefix=prefix, top=where,
                           forms=forms)
            elif operator == b"INLINE IMAGE" and page_level:
                name = f"inline-{self.inline_count}"
                self.inline_count += 1
                try:
                    image = _inline_image(operands, resources)
                except Exception as exc:  # one odd inline image must not hide the page's others
                    logger.warning("inline image %s skipped: %s", name, exc)
                    continue
                self.drawing.images.append(ImageDraw(
                    name=name, image=image, ctm=ctm, op_index=index, mcid=self._mcid(),
                    artifact=self._in_artifact()))
        del self.marks[marks_depth:]  # an unbalanced stream must not leak its tags

    def _begin_marked(self, operands: Any, resources: Any, page_level: bool) -> None:
        tag = str(operands[0]) if operands else ""
        mcid = None
        if len(operands) > 1:
            properties = resolve(operands[1])
            if isinstance(properties, NameObject):
                properties = get(get(resources, "/Properties"), str(properties))
            mcid = as_int(get(properties, "/MCID"))
        if mcid is not None and page_level:
            self.drawing.mcids.add(mcid)
        self.marks.append(_Mark(tag=tag, mcid=mcid, page_level=page_level))

    def _draw(self, name: str, resources: Any, ctm: Matrix, *, prefix: str, top: int,
              forms: tuple[int, ...]) -> None:
        xobject = get(get(resources, "/XObject"), name)
        if not isinstance(xobject, StreamObject):
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self.drawing.images.append(ImageDraw(
                name=prefix + name, image=xobject, ctm=ctm, op_index=top, mcid=self._mcid(),
                artifact=self._in_artifact()))
        elif subtype == "/Form":
            identity = id(xobject)
            if len(forms) >= MAX_FORM_DEPTH or identity in forms:
                return  # a form that draws itself, or nesting past reason
            matrix = _matrix(resolve(xobject.get("/Matrix"))) or IDENTITY
            inner = ContentStream(xobject, self.pdf).operations
            self.walk(inner, resolve(xobject.get("/Resources")) or resources,
                      multiply(matrix, ctm), prefix=prefix + name, top=top,
                      forms=(*forms, identity))

    def _in_artifact(self) -> bool:
        return any(mark.tag == "/Artifact" for mark in self.marks)

    def _mcid(self) -> int | None:
        for mark in reversed(self.marks):
            if mark.page_level and mark.mcid is not None:
                return mark.mcid
        return None


# Inline images abbreviate keys and values (ISO 32000-1, tables 92 and 93).
INLINE_KEYS = {"/BPC": "/BitsPerComponent", "/CS": "/ColorSpace", "/D": "/Decode",
               "/DP": "/DecodeParms", "/F": "/Filter", "/H": "/Height", "/W": "/Width",
               "/I": "/Interpolate", "/IM": "/ImageMask"}
INLINE_VALUES = {"/G": "/DeviceGray", "/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK",
                 "/I": "/Indexed", "/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode",
                 "/LZW": "/LZWDecode", "/Fl": "/FlateDecode", "/RL": "/RunLengthDecode",
                 "/CCF": "/CCITTFaxDecode", "/DCT": "/DCTDecode"}


def _inline_image(operands: Any, resources: Any) -> StreamObject:
    """An image XObject equivalent to a BI … ID … EI inline image."""
    data = bytes(operands["data"])
    entries: dict[str, Any] = {"__streamdata__": data, "/Length": len(data),
                               NameObject("/Subtype"): NameObject("/Image")}
    for key, value in operands["settings"].items():
        name = INLINE_KEYS.get(str(key), str(key))
        if name == "/ColorSpace" and isinstance(value, NameObject) \
                and str(value) not in INLINE_VALUES:
            value = get(get(resources, "/ColorSpace"), str(value)) or value  # a named space
        elif isinstance(value, NameObject):
            value = NameObject(INLINE_VALUES.get(str(value), str(value)))
        elif isinstance(value, ArrayObject):
            value = ArrayObject(NameObject(INLINE_VALUES.get(str(item), str(item)))
                                if isinstance(item, NameObject) else item for item in value)
        entries.setdefault(NameObject(name), value)
    # With a /Filter in the dictionary this is an EncodedStreamObject, decoded on get_data().
    return StreamObject.initialize_from_dictionary(entries)


def _matrix(operands: Any) -> Matrix | None:
    try:
        values = [float(resolve(value)) for value in operands]
    except (TypeError, ValueError):
        return None
    if len(values) != 6:
        return None
    return (values[0], values[1], values[2], values[3], values[4], values[5])
