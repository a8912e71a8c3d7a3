"""Helpers for the PDF tests: the shared corpora as test parameters, PDFs built here, and a
checker that follows a figure from the structure tree to the page content and back."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)

from core.documents._structure import iter_elements

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
VERAPDF = CORPUS / "verapdf-alt-text"
SAMPLES = CORPUS / "pypdf-sample-files"
SEC10Q_DOCS = CORPUS / "docugami-sec10q" / "sec-10-q" / "data" / "v1" / "docs"
ABSENT = f"corpus not found at {CORPUS} (it lives in shared/corpus)"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def verapdf_cases(*, figures_only: bool = False) -> list[Any]:
    """CASES.jsonl rows as pytest params (skipped, with the reason, when the corpus is absent)."""
    if not (VERAPDF / "CASES.jsonl").is_file():
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=ABSENT))]
    rows = _jsonl(VERAPDF / "CASES.jsonl")
    if figures_only:
        rows = [row for row in rows if row["struct"]["figures"] > 0]
    return [pytest.param(row, id=Path(row["path"]).stem) for row in rows]


def sample_files(*, with_images: bool) -> list[Any]:
    """MANIFEST.jsonl rows of the pypdf samples that do (or do not) draw image XObjects.

    The count comes from the corpus's own pypdf survey (`image_xobjects`): the `images` field
    copied from files.json is wrong for 007 (says 0, the files draw 1 and 6 images) and for
    020-025 (says 1, those files draw no image at all, not even inline).
    """
    if not (SAMPLES / "MANIFEST.jsonl").is_file():
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=ABSENT))]
    rows = [row for row in _jsonl(SAMPLES / "MANIFEST.jsonl")
            if row["pypdf_survey"].get("open_ok") and row["pypdf_survey"].get("pages")
            and not row["expected_from_files_json"]["encrypted"]
            and bool(row["pypdf_survey"].get("image_xobjects")) == with_images]
    return [pytest.param(row, id=Path(row["path"]).stem) for row in rows]


def fpdf_document(text: str = "Hello from a test PDF") -> bytes:
    """A one-page PDF with one line of text, made with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


def png_bytes(size: tuple[int, int] = (8, 6), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def pdf_with_form_image() -> bytes:
    """A page that draws image /Im0 through form /Fm0, under two transformations.

    Page: `q 2 0 0 2 10 10 cm /Fm0 Do Q`; form /Matrix [1 0 0 1 5 5] draws
    `q 100 0 0 50 0 0 cm /Im0 Do Q`, so the image lands on (20, 20)-(220, 120).
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    image = DecodedStreamObject()
    image.set_data(bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]))
    image.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(2), NameObject("/Height"): NumberObject(2),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
        NameObject("/BitsPerComponent"): NumberObject(8),
    })
    form = DecodedStreamObject()
    form.set_data(b"q 100 0 0 50 0 0 cm /Im0 Do Q")
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(150),
                                          NumberObject(100)]),
        NameObject("/Matrix"): ArrayObject([FloatObject(v) for v in (1, 0, 0, 1, 5, 5)]),
        NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/Im0"): writer._add_object(image)})}),
    })
    content = DecodedStreamObject()
    content.set_data(b"q 2 0 0 2 10 10 cm /Fm0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Fm0"): writer._add_object(form)})})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def linked_figures(data: bytes) -> list[tuple[int, str]]:
    """(page, alt) of every /Figure, after checking each is wired the PDF/UA way.

    For a figure whose /K is an MCID: its /Pg page has /StructParents, the parent tree maps that
    key and MCID back to this very element, and the page content has `/Figure <</MCID n>> BDC`.
    """
    reader = PdfReader(BytesIO(data))
    catalog = reader.root_object
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert str(catalog.get("/Lang", "")).strip(), "a tagged PDF names its language"
    root = catalog["/StructTreeRoot"].get_object()
    tree = _number_tree(root["/ParentTree"].get_object())
    pages = {page.indirect_reference.idnum: number
             for number, page in enumerate(reader.pages, start=1)}
    found = []
    for element in iter_elements(root):
        node = element.node
        if node["/S"] != "/Figure":
            continue
        page_ref = node.get("/Pg", element.page)
        number = pages[page_ref.idnum]
        kid = node.get("/K")
        if isinstance(kid, int):
            page = reader.pages[number - 1]
            parents = tree[int(page["/StructParents"])].get_object()
            assert parents[kid].get_object() is node, "parent tree does not point back"
            content = page.get_contents().get_data()
            assert re.search(rb"/Figure\s*<<\s*/MCID\s+%d\s*>>\s*BDC" % kid, content), kid
        found.append((number, str(node.get("/Alt", ""))))
    return found


def _number_tree(node: Any) -> dict[int, Any]:
    entries: dict[int, Any] = {}
    nums = node.get("/Nums", [])
    for index in range(0, len(nums), 2):
        entries[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", []):
        entries.update(_number_tree(kid.get_object()))
    return entries
