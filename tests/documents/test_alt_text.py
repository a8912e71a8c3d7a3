"""The alt-text reader against veraPDF's verdicts, and the writer on tagged and untagged PDFs."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from documents_corpus import (
    SAMPLES,
    VERAPDF,
    fpdf_document,
    linked_figures,
    pdf_with_form_image,
    sample_files,
    verapdf_cases,
)
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from core.documents import (
    DamagedDocumentError,
    FigureReport,
    extract_images,
    read_figure_alt_text,
    write_alt_texts,
)
from core.documents._structure import iter_elements


def _describe(source: Path | bytes) -> dict[tuple[int, str], str]:
    return {image.key: f"Image {image.name} on page {image.page}: a café sign, 日本"
            for image in extract_images(source)}


def _root_kids(data: Path | bytes) -> list[Any]:
    reader = PdfReader(data if isinstance(data, Path) else BytesIO(data))
    kids = reader.root_object["/StructTreeRoot"]["/K"]
    return list(kids) if isinstance(kids, list) else [kids]


@pytest.mark.parametrize("case", verapdf_cases(figures_only=True))
def test_reader_agrees_with_verapdf_on_figure_cases(case: dict[str, Any]) -> None:
    report = read_figure_alt_text(VERAPDF / case["path"])
    assert report.figures == case["struct"]["figures"]
    assert report.tagged
    assert report.passes == (case["expected"] == "pass"), case["description"]


@pytest.mark.parametrize("case", verapdf_cases())
def test_reader_counts_figures_like_the_corpus(case: dict[str, Any]) -> None:
    report = read_figure_alt_text(VERAPDF / case["path"])
    assert report.figures == case["struct"]["figures"]
    if report.figures == 0:
        assert report.passes  # nothing to describe: documented as passing


def test_an_untagged_pdf_has_no_figures() -> None:
    assert read_figure_alt_text(fpdf_document()) == FigureReport(0, 0, tagged=False)


@pytest.mark.parametrize("case", [
    case for case in verapdf_cases(figures_only=True)
    if case.values[0] is None or case.values[0]["expected"] == "fail"])
def test_writer_fixes_figures_that_failed_for_missing_alt(case: dict[str, Any]) -> None:
    path = VERAPDF / case["path"]
    descriptions = _describe(path)
    assert descriptions, "every failing figure case draws its image"
    out = write_alt_texts(path, descriptions)

    assert read_figure_alt_text(out).passes
    assert len(PdfReader(BytesIO(out)).pages) == len(PdfReader(path).pages)
    assert len(_root_kids(out)) == len(_root_kids(path))  # the structure kept, not rebuilt
    (figure,) = linked_figures(out)
    assert figure == (1, next(iter(descriptions.values())))


@pytest.mark.parametrize("case", [
    case for case in verapdf_cases(figures_only=True)
    if case.values[0] is None or case.values[0]["expected"] == "pass"])
def test_writer_leaves_existing_alternate_text_alone(case: dict[str, Any]) -> None:
    path = VERAPDF / case["path"]
    before = [(page, alt) for page, alt in linked_figures(path.read_bytes())]
    out = write_alt_texts(path, _describe(path))
    assert linked_figures(out) == before
    assert len(_root_kids(out)) == len(_root_kids(path))
    assert read_figure_alt_text(out).passes


@pytest.mark.parametrize("row", sample_files(with_images=True))
def test_round_trip_gives_every_sample_image_a_figure(row: dict[str, Any]) -> None:
    path = SAMPLES / row["path"]
    descriptions = _describe(path)
    out = write_alt_texts(path, descriptions)

    report = read_figure_alt_text(out)
    assert report == FigureReport(figures=len(descriptions), with_alt=len(descriptions),
                                  tagged=True)
    assert len(PdfReader(BytesIO(out)).pages) == row["pypdf_survey"]["pages"]
    assert sorted(linked_figures(out)) == sorted(
        (page, text) for (page, _), text in descriptions.items())
    # The images are still there, under the same names, after the rewrite.
    assert [image.key for image in extract_images(out)] == list(descriptions)


def test_inline_images_and_form_images_become_figures() -> None:
    for source in (pdf_with_form_image(), _sample("008-reportlab-inline-image/inline-image.pdf")):
        descriptions = _describe(source)
        out = write_alt_texts(source, descriptions)
        assert linked_figures(out) == [(1, text) for text in descriptions.values()]


def test_a_tagged_pdf_gains_new_figures_under_its_existing_root() -> None:
    path = _sample("007-imagemagick-images/imagemagick-images.pdf")
    descriptions = _describe(path)
    first_half = dict(list(descriptions.items())[:3])
    tagged = write_alt_texts(path, first_half)
    kids_before = _root_kids(tagged)

    out = write_alt_texts(tagged, {key: "new text" for key in descriptions})

    assert len(_root_kids(out)) == len(kids_before) == 1
    figures = linked_figures(out)
    assert figures[:3] == linked_figures(tagged)  # existing alt text is never replaced
    assert figures[3:] == [(4, "new text"), (5, "new text"), (6, "new text")]


def test_writing_twice_adds_nothing_the_second_time() -> None:
    path = _sample("003-pdflatex-image/pdflatex-image.pdf")
    once = write_alt_texts(path, _describe(path))
    twice = write_alt_texts(once, _describe(path))
    assert linked_figures(twice) == linked_figures(once)


def test_a_figure_without_mcids_takes_the_only_candidate() -> None:
    path = VERAPDF / "PDF_UA-1/7.3 Graphics/7.3-t01-fail-a.pdf"
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    writer = PdfWriter(clone_from=PdfReader(path))
    for element in _figures(writer):
        del element[NameObject("/K")]  # no marked content left to match an image by
    unmatched = BytesIO()
    writer.write(unmatched)

    out = write_alt_texts(unmatched.getvalue(), {(1, "/Im0"): "Logo of Dual lab"})
    assert read_figure_alt_text(out).passes
    assert [str(element["/Alt"]) for element in _figures(PdfReader(BytesIO(out)))] == [
        "Logo of Dual lab"]


def test_descriptions_that_match_nothing_leave_the_pdf_untagged() -> None:
    out = write_alt_texts(fpdf_document(), {(1, "/Im9"): "no such image", (7, "/X"): "nor this"})
    assert read_figure_alt_text(out) == FigureReport(0, 0, tagged=False)
    assert "/StructTreeRoot" not in PdfReader(BytesIO(out)).root_object


def test_an_encrypted_pdf_with_empty_password_is_written_in_the_clear() -> None:
    path = _sample("003-pdflatex-image/pdflatex-image.pdf")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    locked = BytesIO()
    writer.write(locked)
    out = write_alt_texts(locked.getvalue(), {(1, "/Im1"): "A photo"})
    assert not PdfReader(BytesIO(out)).is_encrypted
    assert linked_figures(out) == [(1, "A photo")]


def test_a_damaged_pdf_is_refused_with_a_message() -> None:
    with pytest.raises(DamagedDocumentError, match="^The PDF is damaged: "):
        write_alt_texts(b"%PDF-1.4\nnot really", {(1, "/Im0"): "x"})


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed (apt: qpdf)")
def test_qpdf_finds_no_errors_in_written_files(tmp_path: Path) -> None:
    sources = [_sample("009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"),
               _sample("008-reportlab-inline-image/inline-image.pdf"),
               VERAPDF / "PDF_UA-1/7.3 Graphics/7.3-t01-fail-a.pdf"]
    for number, source in enumerate(sources):
        target = tmp_path / f"{number}.pdf"
        target.write_bytes(write_alt_texts(source, _describe(source)))
        result = subprocess.run(["qpdf", "--check", str(target)], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def _sample(relative: str) -> Path:
    path = SAMPLES / relative
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    return path


def _figures(pdf: PdfReader | PdfWriter) -> list[Any]:
    root = pdf.root_object["/StructTreeRoot"].get_object()
    return [element.node for element in iter_elements(root) if element.node["/S"] == "/Figure"]
