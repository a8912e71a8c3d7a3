"""The image description copilot against the real engine, on the sample PDFs that hold images,
and the alt-text round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from copilot_helpers import render_scan

from core import OpenAIClient, OpenAIImageDescriptionCopilotOptions
from core.copilots import DocumentSourceError, ImageDescriptionCopilot
from core.documents import read_figure_alt_text


def pdfs_with_images(corpus: Path) -> list[Path]:
    folder = corpus / "pypdf-sample-files"
    rows = [json.loads(line) for line in (folder / "MANIFEST.jsonl").read_text().splitlines()]
    return [folder / r["path"] for r in rows if (r["pypdf_survey"].get("image_xobjects") or 0) > 0]


@pytest.fixture(scope="module")
def described(client: OpenAIClient, corpus: Path):
    paths = pdfs_with_images(corpus)
    options = OpenAIImageDescriptionCopilotOptions.create().with_documents(paths).with_detail("low")
    copilot = ImageDescriptionCopilot(client, options)  # the flat, per-image shape
    return copilot, paths, copilot.get_image_descriptions()


def test_every_image_is_described_or_skipped_with_a_reason(described, record_property):
    _, paths, results = described
    described_count = sum(1 for r in results if r.description)
    skipped = [r for r in results if r.skipped_reason]
    record_property("images", len(results))
    record_property("described", described_count)
    record_property("skipped", len(skipped))

    assert len(paths) >= 9 and described_count >= 8
    assert all(r.description or r.skipped_reason for r in results)
    assert not any(r.error for r in results)
    assert all("too small" in r.skipped_reason and min(r.width, r.height) < 32 for r in skipped)
    for result in results:
        assert result.page is not None and result.page >= 1 and result.image
    first = next(r for r in results if r.source == "pdflatex-image.pdf")
    assert (first.width, first.height) == (300, 200) and first.rect is not None
    assert "300x200" in (first.description or ""), "the engine measures what it can't see"


def test_alt_text_round_trip(described, tmp_path: Path):
    copilot, _, results = described
    written = copilot.add_pdf_image_descriptions(tmp_path)

    with_descriptions = {r.source for r in results if r.description}
    assert {p.name for p in written} == {f"{Path(s).stem}.alt.pdf" for s in with_descriptions}
    for path in written:
        report = read_figure_alt_text(path)
        assert report.passes and report.tagged and report.figures >= 1, path.name


def test_edited_descriptions_are_written(described):
    copilot, _, results = described
    first = next(r for r in results if r.source == "pdflatex-image.pdf")
    data = copilot.pdf_with_descriptions("pdflatex-image.pdf", {first.key: "A mountain lake."})

    assert alt_texts(data) == ["A mountain lake."]
    assert read_figure_alt_text(data).passes


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
    assert scan.description and "Aurora" in scan.description and scan.page is None
    assert small.skipped_reason and "1600 px²" in small.skipped_reason

    options.with_min_image_size(8, 0)
    again = ImageDescriptionCopilot(client, options).get_image_descriptions()
    assert again[1].description and not again[1].skipped_reason

    with pytest.raises(DocumentSourceError, match="no images"):
        ImageDescriptionCopilot(
            client, OpenAIImageDescriptionCopilotOptions.create().with_text_document("t", "text")
        ).get_image_descriptions()
