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

from engine.ingest import ExtractionError, ExtractorPool


@pytest.fixture
def big_filing(sec10q_docs: Path) -> Path:
    """A real filing that takes pypdf about 6 s."""
    return sec10q_docs / "2023 Q1 MSFT.pdf"


@pytest.fixture
def small_pdf(corpus: Path) -> Path:
    return corpus / "pypdf-sample-files" / "001-trivial" / "minimal-document.pdf"


@pytest.fixture
def pool() -> Iterator[ExtractorPool]:
    pool = ExtractorPool(workers=1, timeout_seconds=2.0, memory_limit_mb=256)
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


def test_pool_survives_a_timeout(tmp_path: Path, big_filing: Path, small_pdf: Path) -> None:
    # Memory enough for the filing (256 MB, as in the shared pool, can fail it as damaged
    # first): this test is about time.
    pool = ExtractorPool(workers=1, timeout_seconds=2.0, memory_limit_mb=2048)
    try:
        _times_out_then_serves(pool, tmp_path, big_filing, small_pdf)
    finally:
        pool.close()


def _times_out_then_serves(
    pool: ExtractorPool, tmp_path: Path, big_filing: Path, small_pdf: Path
) -> None:
    with pytest.raises(ExtractionError) as caught:
        pool.extract(big_filing, big_filing.name)  # 2 s allowed
    assert caught.value.code == "invalid_file"
    assert caught.value.message == "Gave up after 2 s: the PDF is too complex or damaged."
    assert "Lorem ipsum" in pool.extract(small_pdf, small_pdf.name).pages[0].text
    assert pool.extract(text_file(tmp_path, "b.txt", "still here"), "b.txt").char_count == 10


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


def test_child_that_crashes_mid_file_is_reported_and_replaced(
    tmp_path: Path, big_filing: Path
) -> None:
    others = extractor_children()
    pool = ExtractorPool(workers=1, timeout_seconds=60)
    try:
        pool.extract(text_file(tmp_path, "warm.txt", "warm"), "warm.txt")
        (pid,) = extractor_children() - others
        with ThreadPoolExecutor(max_workers=1) as thread:
            pending = thread.submit(pool.extract, big_filing, big_filing.name)
            time.sleep(0.5)
            os.kill(pid, signal.SIGSEGV)
            with pytest.raises(ExtractionError, match="crashed") as caught:
                pending.result(timeout=30)
        assert caught.value.code == "server_error"
        assert pool.extract(text_file(tmp_path, "next.txt", "next"), "next.txt").char_count == 4
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
    pool = ExtractorPool(workers=2, timeout_seconds=30)
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
    pool = ExtractorPool(workers=1, timeout_seconds=30)
    try:
        assert pool.extract(text_file(tmp_path, "a.txt", "fine"), "a.txt").char_count == 4
    finally:
        pool.close()
    assert not marker.exists()
    assert sys.modules["__main__"] is main
