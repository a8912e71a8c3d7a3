"""Images drawn on each page: where they sit and their bytes (PNG, or JPEG as stored)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from PIL import Image
from pypdf.generic import StreamObject

from ._content import ImageDraw, may_draw_images, walk_page
from ._open import PdfSource, open_pdf, page_count, pdf_limits

logger = logging.getLogger(__name__)

# Pillow modes a PNG stores as they are; anything else (CMYK, YCbCr, LAB, F…) becomes RGB(A).
PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF user space points (origin bottom-left), after the CTM of the draw."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class PdfImage:
    """An image XObject drawn on a page.

    `name` is the XObject's resource name on that page ("/Im0"); an image drawn by a form XObject
    is named by the path of resource names ("/Fm0/Im0"); an inline image (BI…EI) in the page's
    own content is "inline-N", N counting from 0 in drawing order (inline images inside forms are
    skipped). Images are decoded once per stream, however often they are drawn.
    `rect` is where the first draw of that name on the page puts it (None when unknown).
    """

    page: int
    name: str
    rect: Rect | None
    width: int
    height: int
    data: bytes
    mime: str  # "image/png" | "image/jpeg"

    @property
    def key(self) -> tuple[int, str]:
        return (self.page, self.name)


@dataclass(frozen=True)
class _Encoded:
    width: int
    height: int
    data: bytes
    mime: str


def extract_images(source: PdfSource) -> list[PdfImage]:
    """Every image XObject drawn on each page, in drawing order, one entry per (page, name).

    A page whose content cannot be parsed, or an image that cannot be decoded, is skipped (and
    logged); only a file that does not open at all raises a DocumentError.
    """
    images: list[PdfImage] = []
    encoded: dict[int, _Encoded | None] = {}  # id of the image stream -> its bytes, once
    with pdf_limits():
        reader = open_pdf(source)
        for index in range(page_count(reader)):
            try:
                page = reader.pages[index]
                contents = page.get_contents()
                draws = (walk_page(page, reader, contents).images
                         if contents is not None and may_draw_images(page, contents) else [])
            except MemoryError:
                raise
            except Exception as exc:
                logger.warning("page %d: content could not be read: %s", index + 1, exc)
                continue
            seen: set[str] = set()
            for draw in draws:
                if draw.name in seen:
                    continue
                seen.add(draw.name)
                key = id(draw.image)
                if key not in encoded:
                    encoded[key] = _encode(draw.image, index + 1, draw.name)
                image = encoded[key]
                if image is not None:
                    images.append(PdfImage(
                        page=index + 1, name=draw.name, rect=_rect(draw), width=image.width,
                        height=image.height, data=image.data, mime=image.mime))
    return images


def _rect(draw: ImageDraw) -> Rect | None:
    x0, y0, x1, y1 = draw.bbox
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None  # a degenerate CTM: the image is not visible anywhere
    return Rect(x0=round(x0, 3), y0=round(y0, 3), x1=round(x1, 3), y1=round(y1, 3))


def _encode(stream: StreamObject, page: int, name: str) -> _Encoded | None:
    try:
        if _filters(stream)[-1:] == ["/DCTDecode"]:
            data = stream.get_data()  # pypdf leaves DCT data as the JPEG file it is
            with Image.open(BytesIO(data)) as jpeg:
                return _Encoded(jpeg.width, jpeg.height, data, "image/jpeg")
        return _png(stream.decode_as_image())
    except MemoryError:
        raise
    except Exception as exc:
        logger.warning("page %d: image %s could not be decoded: %s", page, name, exc)
        return None


def _png(image: Image.Image) -> _Encoded:
    if image.mode not in PNG_MODES:
        has_alpha = "A" in image.getbands()
        image = image.convert("RGBA" if has_alpha else "RGB")
    out = BytesIO()
    image.save(out, format="PNG")
    return _Encoded(image.width, image.height, out.getvalue(), "image/png")


def _filters(stream: StreamObject) -> list[str]:
    value: Any = stream.get("/Filter")
    value = value.get_object() if hasattr(value, "get_object") else value
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item.get_object() if hasattr(item, "get_object") else item) for item in value]
    return [str(value)]
