"""The seed's documented workflows (ASPOSE-API-NOTES.md §7), as the Python examples in
examples/, run against a real engine process over a socket, as a user would run them."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from engine_process import PROJECT_ROOT, EngineProcess, start_engine

EXAMPLES = PROJECT_ROOT / "examples"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    with start_engine(tmp_path_factory.mktemp("examples-engine")) as running:
        yield running


@pytest.fixture
def example(engine: EngineProcess, monkeypatch: pytest.MonkeyPatch):
    """`example("summarize_pdf")`: the example's module, configured for the engine."""
    monkeypatch.setenv("OPENAI_API_KEY", engine.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", engine.base_url)
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def load(name: str) -> ModuleType:
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    return load


@pytest.fixture
def sample(tmp_path: Path, example) -> Path:
    return example("_samples").sample_pdf(tmp_path)


def test_a_summarise_a_pdf_and_save_it_as_pdf_and_docx(example, sample: Path, tmp_path: Path):
    import docx
    from pypdf import PdfReader

    result = example("summarize_pdf").main(sample, tmp_path)
    assert "1871" in result["summary"] or "Solberg" in result["summary"]
    pdf, word = result["saved"]
    text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    assert "1871" in text or "Solberg" in text  # the summary itself, as rendered
    assert any(p.text.strip() for p in docx.Document(str(word)).paragraphs)
    assert result["pages"] >= 1 and result["landscape_pages"] >= 1


def test_b_chat_with_a_pdf_save_answers_and_resume(example, sample: Path, tmp_path: Path):
    import docx
    from pypdf import PdfReader

    result = example("chat_with_pdf").main(sample, tmp_path)
    assert "1871" in result["first"]
    assert "museum" in result["several"]  # the built-in model answers the last of the two
    assert "four hours" in result["again"]
    assert result["had_context"] and not result["has_context_after_delete"]
    saved = PdfReader(tmp_path / "ResponseDocument1_out.pdf")
    assert "1994" in " ".join(p.extract_text() or "" for p in saved.pages)
    word = docx.Document(str(tmp_path / "ResponseDocument2_out.docx"))
    assert "granite" in " ".join(p.text for p in word.paragraphs)
    assert (tmp_path / "ContextBackup.json").exists()


def test_c_describe_images_and_write_them_into_pdfs(example, tmp_path: Path):
    out = tmp_path / "out"
    result = example("describe_images").main(tmp_path, out)
    assert result["results"] == 3  # one per source: a PdfDocument, an image file, a PDF path
    assert len(result["described"]) == 3
    # The built-in model offers drafts from the text OCR finds in each image (nothing it
    # measures), and writes none of them into a PDF unreviewed: a person accepts drafts.
    assert all(draft and "pier 7" in draft for _, _, draft in result["described"])
    assert result["written"] == []


def test_d_recognise_the_text_of_scans(example, tmp_path: Path):
    result = example("recognize_text").main(tmp_path)
    assert result["sources"] == ["ScannedDocument.pdf", "ImageWithText.png"]
    assert "The ferry Aurora docked at pier 7" in result["first_text"]
    assert result["all_succeeded"]


def test_e_raw_chat_completion(example):
    assert "1871" in example("raw_chat").main()


def test_the_client_with_the_seeds_request_classes(example, sample: Path):
    result = example("assistants_api").main(sample)
    assert "1871" in result["answer"]
    assert result["steps"] and "message_creation" in result["steps"]
    assert result["cited"] == [result["file_id"]]


def test_the_async_client_example(example, sample: Path):
    result = asyncio.run(example("async_chat").main(sample))
    assert result["models"] and "1871" in result["answer"]
    assert "Ingrid Solberg" in result["streamed"]
    assert result["messages"] == 4 and result["files"] >= 1
