"""The image description copilot against the real engine: every figure found (the structure
tree's first, whatever their size), evidence instead of measurements, only accepted alt text
written, the veraPDF figure failures fixed, decorative images as artifacts, a vision model's
proposals, and a batch with a bad file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from copilot_helpers import render_scan
from scripted_upstream import IMAGE_DESCRIPTION, scripted_upstream

from core import OpenAIClient, OpenAIImageDescriptionCopilotOptions
from core.copilots import CopilotError, DocumentSourceError, ImageDescriptionCopilot
from core.documents import read_figure_alt_text
from core.documents._figures import find_figures

MEASUREMENT_WORDS = ("pixels", "Dominant colours", "Measured:", "I cannot see", "RGB colour")


def pdfs_with_images(corpus: Path) -> list[Path]:
    folder = corpus / "pypdf-sample-files"
    rows = [json.loads(line) for line in (folder / "MANIFEST.jsonl").read_text().splitlines()]
    return [folder / r["path"] for r in rows if (r["pypdf_survey"].get("image_xobjects") or 0) > 0]


def verapdf_figure_cases(corpus: Path, expected: str) -> list[Path]:
    folder = corpus / "verapdf-alt-text"
    rows = [json.loads(line) for line in (folder / "CASES.jsonl").read_text().splitlines()]
    return [folder / r["path"] for r in rows
            if r["struct"]["figures"] > 0 and r["expected"] == expected]


@pytest.fixture(scope="module")
def described(client: OpenAIClient, corpus: Path):
    paths = pdfs_with_images(corpus)
    options = OpenAIImageDescriptionCopilotOptions.create().with_documents(paths)
    copilot = ImageDescriptionCopilot(client, options)  # the flat, per-image shape
    return copilot, paths, copilot.get_image_descriptions()


def test_the_built_in_model_gives_evidence_not_measurements(described, record_property):
    copilot, paths, results = described
    found = [r for r in results if r.skipped_reason is None]
    record_property("figures", len(found))
    record_property("drafts", sum(1 for r in found if r.draft))

    assert not copilot.uses_vision, "the built-in model cannot see"
    assert len(paths) >= 9 and len(found) >= 8
    assert all(r.description is None and not r.error for r in results)
    for result in results:
        assert result.page is not None and result.page >= 1
        for text in (result.draft, result.caption, result.ocr_text):
            assert not any(word in (text or "") for word in MEASUREMENT_WORDS), text
        if result.draft:
            assert result.draft_source in ("figure label", "text in the image")
            assert result.draft in (result.caption, result.ocr_text)
    skipped = [r for r in results if r.skipped_reason]
    assert all(("too small" in r.skipped_reason and not r.figure) or "decoration" in
               r.skipped_reason or "decoded" in r.skipped_reason for r in skipped)
    first = next(r for r in results if r.source == "pdflatex-image.pdf")
    assert (first.width, first.height) == (300, 200) and first.rect is not None
    assert first.image and first.caption and "Lorem ipsum" in first.caption


def test_nothing_is_written_that_no_person_accepted(described, tmp_path: Path):
    copilot, _, results = described
    assert copilot.add_pdf_image_descriptions(tmp_path) == [], "no vision model, no proposals"
    untouched = copilot.pdf_with_descriptions("pdflatex-image.pdf")
    assert read_figure_alt_text(untouched).figures == 0


def test_accepting_every_draft_never_puts_measurements_into_alt(described):
    copilot, paths, results = described
    for path in paths:
        accepted = {r.key: r.draft for r in results if r.source == path.name and r.draft}
        if not accepted:
            continue
        data = copilot.pdf_with_descriptions(path.name, accepted)
        for alt in alt_texts(data):
            assert not any(word in alt for word in MEASUREMENT_WORDS), (path.name, alt)


def test_edited_descriptions_are_written_and_decorative_images_become_artifacts(described):
    copilot, _, results = described
    first = next(r for r in results if r.source == "pdflatex-image.pdf")
    data = copilot.pdf_with_descriptions("pdflatex-image.pdf", {first.key: "A mountain lake."})
    assert alt_texts(data) == ["A mountain lake."]
    assert read_figure_alt_text(data).passes

    decorative = copilot.pdf_with_descriptions("pdflatex-image.pdf", {}, decorative=[first.key])
    assert read_figure_alt_text(decorative).figures == 0
    assert [f.artifact for f in find_figures(decorative)] == [True]


def test_every_verapdf_figure_failure_is_fixed_through_the_copilot(client, corpus: Path):
    failing = verapdf_figure_cases(corpus, "fail")
    assert len(failing) >= 3
    for path in failing:
        assert not read_figure_alt_text(path).passes
        options = OpenAIImageDescriptionCopilotOptions.create().with_document(path)
        copilot = ImageDescriptionCopilot(client, options)
        figures = [r for r in copilot.get_image_descriptions() if r.figure]
        assert len(figures) == 1 and figures[0].skipped_reason is None, path.name
        assert (figures[0].width, figures[0].height) == (75, 16), "tiny, but a tagged figure"
        fixed = copilot.pdf_with_descriptions(path.name, {figures[0].key: "Logo of Dual lab"})
        report = read_figure_alt_text(fixed)
        assert report.passes and report.with_alt == 1, path.name
        assert alt_texts(fixed) == ["Logo of Dual lab"]
        # Said to be decorative instead, it reads as nothing, which passes too.
        decorative = copilot.pdf_with_descriptions(path.name, {}, decorative=[figures[0].key])
        assert read_figure_alt_text(decorative).passes, path.name


def test_the_built_in_model_is_never_asked_to_see_even_when_told_it_can(client, corpus: Path):
    path = verapdf_figure_cases(corpus, "fail")[0]
    options = OpenAIImageDescriptionCopilotOptions.create().with_document(path).with_vision(True)
    copilot = ImageDescriptionCopilot(client, options)
    assert not copilot.uses_vision
    assert all(r.description is None for r in copilot.get_image_descriptions())


def test_figures_with_alt_text_keep_it_and_report_it(client, corpus: Path):
    for path in verapdf_figure_cases(corpus, "pass"):
        options = OpenAIImageDescriptionCopilotOptions.create().with_document(path)
        figures = [r for r in ImageDescriptionCopilot(client, options)
                   .get_image_descriptions() if r.figure]
        assert figures and figures[0].alt_before, path.name


def test_a_vision_model_proposes_descriptions_for_review(corpus: Path, tmp_path: Path):
    pdf = corpus / "pypdf-sample-files" / "003-pdflatex-image" / "pdflatex-image.pdf"
    with scripted_upstream() as (url, script), OpenAIClient(api_key="sk-s", base_url=url) as client:
        options = (OpenAIImageDescriptionCopilotOptions.create().with_model("scripted")
                   .with_document(pdf))
        copilot = ImageDescriptionCopilot(client, options)
        result = copilot.get_image_descriptions()[0]
        written = copilot.add_pdf_image_descriptions(tmp_path)
    assert copilot.uses_vision
    assert result.description == IMAGE_DESCRIPTION and result.draft_source == "vision model"
    parts = script.requests[0]["messages"][-1]["content"]
    assert parts[1]["type"] == "image_url" and parts[1]["image_url"]["url"].startswith("data:")
    assert "Lorem ipsum" in parts[0]["text"], "the caption goes with the image"
    assert [alt_texts(p.read_bytes()) for p in written] == [[IMAGE_DESCRIPTION]]


def test_a_bad_file_is_named_and_the_others_described(client, corpus: Path, tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing")
    good = corpus / "pypdf-sample-files" / "003-pdflatex-image" / "pdflatex-image.pdf"
    options = OpenAIImageDescriptionCopilotOptions.create().with_documents([broken, good])
    copilot = ImageDescriptionCopilot(client, options)
    results = copilot.get_image_descriptions()
    assert [name for name, _ in copilot.failed_documents] == ["broken.pdf"]
    assert "could not be read" in copilot.failed_documents[0].reason
    assert {r.source for r in results} == {"pdflatex-image.pdf"}

    only_bad = OpenAIImageDescriptionCopilotOptions.create().with_document(broken)
    with pytest.raises(CopilotError, match="broken.pdf"):
        ImageDescriptionCopilot(client, only_bad).get_image_descriptions()


def alt_texts(data: bytes) -> list[str]:
    """Every /Alt in the PDF's structure tree."""
    from pypdf import PdfReader

    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
    return found


def test_image_files_and_thresholds(client: OpenAIClient):
    from PIL import Image

    icon = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(icon, format="PNG")
    options = (
        OpenAIImageDescriptionCopilotOptions.create()
        .with_image_bytes("scan.png", render_scan())
        .with_image_bytes("icon.png", icon.getvalue())
    )
    results = ImageDescriptionCopilot(client, options).get_image_descriptions()
    scan, small = results
    assert scan.description is None and scan.page is None
    assert scan.draft and "Aurora" in scan.draft and scan.draft_source == "text in the image"
    assert small.skipped_reason and "1600 px²" in small.skipped_reason

    options.with_min_image_size(8, 0)
    again = ImageDescriptionCopilot(client, options).get_image_descriptions()
    assert not again[1].skipped_reason and again[1].draft is None, "a red square has no text"

    with pytest.raises(DocumentSourceError, match="no images"):
        ImageDescriptionCopilot(
            client, OpenAIImageDescriptionCopilotOptions.create().with_text_document("t", "text")
        ).get_image_descriptions()
