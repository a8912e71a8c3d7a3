"""The extractor pool: child processes that time out, run out of memory and are replaced."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import types
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfWriter
from scans import scanned_pdf

from engine.ingest import Budget, ExtractionError, ExtractorPool


@pytest.fixture
def big_filing(sec10q_docs: Path) -> Path:
    """A real filing that takes pypdf about 6 s."""
    return sec10q_docs / "2023 Q1 MSFT.pdf"


@pytest.fixture
def small_pdf(corpus: Path) -> Path:
    return corpus / "pypdf-sample-files" / "001-trivial" / "minimal-document.pdf"


@pytest.fixture
def pool() -> Iterator[ExtractorPool]:
    pool = ExtractorPool(workers=1, memory_limit_mb=256)
    yield pool
    pool.close()


def text_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pool_extracts_text_and_pdf(pool: ExtractorPool, tmp_path: Path, small_pdf: Path) -> None:
    doc = pool.extract(text_file(tmp_path, "a.txt", "one\ftwo"), "a.txt")
    assert [(p.number, p.text) for p in doc.pages] == [(1, "one"), (2, "two")]
    pdf = pool.extract(small_pdf, small_pdf.name)
    assert pdf.page_count == 1 and "Lorem ipsum" in pdf.pages[0].text


def test_extraction_errors_cross_the_pipe(pool: ExtractorPool, tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        pool.extract(text_file(tmp_path, "a.docx", "not really"), "a.docx")
    assert caught.value.code == "unsupported_file"


def test_a_file_that_exhausts_its_cpu_budget_is_stopped_with_the_budget_and_page(
    tmp_path: Path, big_filing: Path, small_pdf: Path
) -> None:
    # 3 s of CPU in all, whatever the pages: enough to open the filing (pypdf takes 0.5–2 s
    # on the machines seen), not to read it (6–25 s).
    budget = Budget(cpu_seconds=3, cpu_seconds_per_page=0, max_cpu_seconds=3, pdfium=False)
    pool = ExtractorPool(workers=1, budget=budget, memory_limit_mb=2048)
    try:
        with pytest.raises(ExtractionError) as caught:
            pool.extract(big_filing, big_filing.name)
        assert caught.value.code == "invalid_file"
        message = caught.value.message
        assert message.startswith("Stopped after 3 s of CPU time at page "), message
        assert message.endswith(" of 72 (its budget for 72 pages): the PDF is too complex or damaged.")
        # The child is replaced and serves the next file.
        assert "Lorem ipsum" in pool.extract(small_pdf, small_pdf.name).pages[0].text
        assert pool.extract(text_file(tmp_path, "b.txt", "still here"), "b.txt").char_count == 10
    finally:
        pool.close()


def test_pool_survives_the_memory_limit(pool: ExtractorPool, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"word " * 30_000_000)  # 150 MB of bytes, then as much again as str
    with pytest.raises(ExtractionError, match="memory limit of 256 MB") as caught:
        pool.extract(huge, "huge.txt")
    assert caught.value.code == "invalid_file"
    assert pool.extract(text_file(tmp_path, "c.txt", "after"), "c.txt").pages[0].text == "after"


def extractor_children() -> set[int]:
    """Pids of live extraction children, of this test's pool and any other in the process."""
    return {p.pid for p in multiprocessing.active_children() if p.name == "pdf-extractor" and p.pid}


class CrashOnFirstPage:
    """A progress callback that SIGSEGVs the child reading the file, as a crash inside PDFium
    would end it, on its first page; at most `times` children."""

    def __init__(self, others: set[int], times: int, signal_number: int = signal.SIGSEGV):
        self.others, self.times, self.killed = others, times, []
        self.signal_number = signal_number

    def __call__(self, done: int, total: int) -> None:
        busy = extractor_children() - self.others - set(self.killed)
        if busy and len(self.killed) < self.times:
            pid = busy.pop()
            os.kill(pid, self.signal_number)
            self.killed.append(pid)
            time.sleep(0.2)


def test_a_child_that_crashes_mid_file_is_replaced_and_pypdf_reads_the_file(
    tmp_path: Path, big_filing: Path
) -> None:
    others = extractor_children()
    pool = ExtractorPool(workers=1)
    try:
        crash = CrashOnFirstPage(others, times=1)
        doc = pool.extract(big_filing, big_filing.name, on_progress=crash)
        assert len(crash.killed) == 1
        assert doc.page_count > 50 and "microsoft" in doc.pages[0].text.lower()
    finally:
        pool.close()


def test_a_file_that_crashes_both_readers_fails_with_a_reason(
    tmp_path: Path, big_filing: Path
) -> None:
    others = extractor_children()
    pool = ExtractorPool(workers=1)
    try:
        crash = CrashOnFirstPage(others, times=2)
        with pytest.raises(ExtractionError, match="Both PDF readers crashed") as caught:
            pool.extract(big_filing, big_filing.name, on_progress=crash)
        assert len(crash.killed) == 2
        assert caught.value.code == "invalid_file"
        assert "at page 1 of 72" in caught.value.message
        assert "exited with code -11" in caught.value.message
        assert pool.extract(text_file(tmp_path, "next.txt", "next"), "next.txt").char_count == 4
    finally:
        pool.close()


def test_a_reused_child_out_of_memory_reads_the_file_again_in_a_fresh_one(
    tmp_path: Path, big_filing: Path, small_pdf: Path
) -> None:
    # SIGKILL is how the kernel's OOM killer ends a child: the pool takes it for memory.
    others = extractor_children()
    pool = ExtractorPool(workers=1)
    try:
        pool.extract(small_pdf, small_pdf.name)  # the child has read a file before
        oom = CrashOnFirstPage(others, times=1, signal_number=signal.SIGKILL)
        doc = pool.extract(big_filing, big_filing.name, on_progress=oom)
        assert len(oom.killed) == 1
        assert doc.page_count == 72 and "microsoft" in doc.pages[0].text.lower()
        # A fresh child out of memory blames the file, at once.
        pool.close()
        pool = ExtractorPool(workers=1)
        oom = CrashOnFirstPage(extractor_children(), times=2, signal_number=signal.SIGKILL)
        with pytest.raises(ExtractionError, match="memory limit of 2048 MB at page 1 of 72"):
            pool.extract(big_filing, big_filing.name, on_progress=oom)
        assert len(oom.killed) == 1
    finally:
        pool.close()


def test_child_that_died_while_idle_is_restarted(pool: ExtractorPool, tmp_path: Path) -> None:
    others = extractor_children()
    pool.extract(text_file(tmp_path, "a.txt", "first"), "a.txt")
    (pid,) = extractor_children() - others
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert pool.extract(text_file(tmp_path, "b.txt", "second"), "b.txt").char_count == 6


def test_pool_serves_threads_concurrently(tmp_path: Path) -> None:
    pool = ExtractorPool(workers=2)
    try:
        paths = [text_file(tmp_path, f"{i}.txt", f"file {i}") for i in range(12)]
        with ThreadPoolExecutor(max_workers=4) as threads:
            docs = list(threads.map(lambda p: pool.extract(p, p.name), paths))
        assert [d.pages[0].text for d in docs] == [f"file {i}" for i in range(12)]
    finally:
        pool.close()


def test_close_stops_children_and_refuses_work(tmp_path: Path) -> None:
    others = extractor_children()
    pool = ExtractorPool(workers=1)
    pool.extract(text_file(tmp_path, "c.txt", "served"), "c.txt")
    pool.close()
    assert extractor_children() <= others
    with pytest.raises(ExtractionError) as caught:
        pool.extract(text_file(tmp_path, "d.txt", "late"), "d.txt")
    assert caught.value.code == "server_error"


def test_children_do_not_rerun_the_parents_main_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under Streamlit (or a test run that executed a page) __main__ is an app page; running it
    # in each extraction child would start an app and its engine there, orphaned.
    marker = tmp_path / "page-ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", main)
    pool = ExtractorPool(workers=1)
    try:
        assert pool.extract(text_file(tmp_path, "a.txt", "fine"), "a.txt").char_count == 4
    finally:
        pool.close()
    assert not marker.exists()
    assert sys.modules["__main__"] is main


def test_extraction_children_yield_the_cpu_to_the_engine(pool: ExtractorPool, tmp_path: Path) -> None:
    from engine.ingest._worker import NICENESS

    pool.extract(text_file(tmp_path, "a.txt", "one"), "a.txt")
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    children = {os.getpriority(os.PRIO_PROCESS, pid) for pid in extractor_children()}
    assert children and all(nice >= min(ours + NICENESS, 19) for nice in children)
def test_ocr_out_of_memory_names_the_page_and_the_limit_and_keeps_the_text_pages(
    tmp_path: Path, small_pdf: Path
) -> None:
    # RapidOCR needs more than 1 GB of address space for a full page (the engine's default
    # limit is 2 GB): the scanned page is named with the limit, never "OCR found no text".
    writer = PdfWriter(clone_from=small_pdf)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf([("The harbour master logged", "eleven ships on Tuesday.")]))
    writer.append(scan)
    mixed = tmp_path / "mixed.pdf"
    writer.write(mixed)
    pool = ExtractorPool(workers=1, memory_limit_mb=1024)
    try:
        for _ in range(2):  # a fresh child, then a reused one (which retries in a fresh one)
            doc = pool.extract(mixed, mixed.name)
            assert "Lorem ipsum" in doc.pages[0].text
            if "harbour" not in doc.pages[1].text.lower():  # OCR did not fit in the limit
                assert doc.warnings == [
                    "OCR of page 2 ran out of memory (the extraction memory limit,"
                    " ENGINE_INGEST_MEMORY_MB, is 1024 MB)"]
        try:
            alone = pool.extract(scan, scan.name)
        except ExtractionError as exc:  # our limit, not the file: the engine's own error
            assert exc.code == "server_error", exc
            assert exc.message == (
                "No extractable text without OCR, and OCR of page 1 ran out of memory (the"
                " extraction memory limit, ENGINE_INGEST_MEMORY_MB, is 1024 MB).")
        else:
            assert "harbour" in alone.pages[0].text.lower()
    finally:
        pool.close()
