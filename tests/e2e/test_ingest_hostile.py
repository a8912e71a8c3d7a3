"""Ingestion against files built to hurt it, through a real engine process: every one ends with a
bounded result and a specific reason, the engine's memory stays under its cap, progress is per
page, scanned pages become searchable through OCR, and budgets survive restarts."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conformance import assert_conforms
from engine_process import EngineProcess, start_engine
from hostile_pdfs import flate_bomb, pdf, text_page
from scans import scanned_pdf

ENGINE_RSS_CAP_MB = 1024  # README: the engine's own memory stays under this whatever the file
TINY_PAGES = 20_000


@dataclass
class Outcome:
    """A vector-store file's last state, and every `progress` seen while it was indexed."""

    body: dict
    progress: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def client(engine: EngineProcess) -> httpx.Client:
    return httpx.Client(base_url=engine.base_url, timeout=120, trust_env=False,
                        headers={"Authorization": f"Bearer {engine.api_key}"})


def upload(http: httpx.Client, name: str, data: bytes) -> str:
    response = http.post("/files", data={"purpose": "assistants"},
                         files={"file": (name, data, "application/pdf")})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def index(http: httpx.Client, file_id: str, timeout: float = 300.0) -> tuple[str, Outcome]:
    """Put a file in a new store and follow it (polling every 50 ms) until it is done."""
    store = http.post("/vector_stores", json={"name": "hostile", "file_ids": [file_id]}).json()
    return store["id"], follow(http, store["id"], file_id, timeout)


def follow(http: httpx.Client, store_id: str, file_id: str, timeout: float = 300.0) -> Outcome:
    started = time.monotonic()
    outcome = Outcome(body={})
    while time.monotonic() - started < timeout:
        body = http.get(f"/vector_stores/{store_id}/files/{file_id}").json()
        assert_conforms(body, "VectorStoreFileObject")
        outcome.body = body
        if "progress" in body:
            outcome.progress.append(body["progress"])
        if body["status"] != "in_progress":
            outcome.seconds = time.monotonic() - started
            return outcome
        time.sleep(0.05)
    raise AssertionError(f"still in progress after {timeout:.0f} s: {outcome.body}")


def stored_chars(engine: EngineProcess, file_id: str) -> int:
    db = sqlite3.connect(engine.data_dir / "engine.sqlite3")
    try:
        row = db.execute("SELECT COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) FROM file_pages"
                         " WHERE file_id = ?", (file_id,)).fetchone()
        return int(row[0])
    finally:
        db.close()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    with start_engine(tmp_path_factory.mktemp("hostile")) as engine:
        yield engine
        if Path(f"/proc/{engine.process.pid}/status").exists():
            assert peak_rss_mb(engine.process.pid) < ENGINE_RSS_CAP_MB


def assert_specific_failure(body: dict) -> str:
    assert body["status"] == "failed", body
    error = body["last_error"]
    assert error["code"] == "invalid_file", error  # the file's fault, said so; never a crash
    assert "crash" not in error["message"].lower() and "unexpected" not in error["message"]
    return str(error["message"])


def test_a_400000_letter_word_is_stored_within_a_small_multiple_of_its_text(engine):
    with client(engine) as http:
        file_id = upload(http, "word.pdf", pdf([text_page("a" * 400_000)]))
        _, outcome = index(http, file_id)
    assert outcome.body["status"] == "completed", outcome.body
    text = stored_chars(engine, file_id)
    assert text > 10_000
    assert outcome.body["usage_bytes"] <= 3 * text  # overlapping windows, no whole-word copies


def test_a_70_mb_line_ends_bounded_with_a_reason(engine):
    # 7 million `(wordy) Tj` on one line: 77 MB of content stream in a 150 KB file.
    data = pdf([b"BT /F1 1 Tf 0 720 Td " + b"(wordy) Tj " * 7_000_000 + b"ET"])
    assert len(data) < 200_000
    with client(engine) as http:
        file_id = upload(http, "line.pdf", data)
        _, outcome = index(http, file_id)
    if outcome.body["status"] == "completed":
        assert outcome.body["usage_bytes"] <= 3 * stored_chars(engine, file_id) + 10_000
    else:
        message = assert_specific_failure(outcome.body)
        assert "too large" in message or "memory limit" in message or "CPU time" in message


def test_a_flate_bomb_fails_as_too_large(engine):
    data = flate_bomb(3 << 30)  # 3 GB of spaces in 3 MB
    with client(engine) as http:
        file_id = upload(http, "bomb.pdf", data)
        _, outcome = index(http, file_id)
    message = assert_specific_failure(outcome.body)
    assert "too large" in message or "memory limit" in message


def test_many_tiny_pages_ingest_with_per_page_progress_and_page_citations(engine):
    data = pdf([text_page(f"Ledger entry {i} records parcel {i * 7}") for i in range(1, TINY_PAGES + 1)])
    with client(engine) as http:
        file_id = upload(http, "ledger.pdf", data)
        store_id, outcome = index(http, file_id)
        assert outcome.body["status"] == "completed", outcome.body
        assert "progress" not in outcome.body  # only while it is read
        # Progress was visible page by page while the file was read.
        assert outcome.progress, "no progress seen"
        assert {p["pages_total"] for p in outcome.progress} == {TINY_PAGES}
        partial = [p["pages_done"] for p in outcome.progress if 0 < p["pages_done"] < TINY_PAGES]
        assert partial, outcome.progress
        assert partial == sorted(partial)
        hits = http.post(f"/vector_stores/{store_id}/search",
                         json={"query": "parcel 86415", "max_num_results": 3}).json()["data"]
    assert hits and any("parcel 86415" in part["text"] for hit in hits for part in hit["content"])
    best = next(h for h in hits if any("parcel 86415" in p["text"] for p in h["content"]))
    assert best["attributes"]["page_start"] <= 12345 <= best["attributes"]["page_end"]


SCAN = [("The harbour master logged", "eleven ships on Tuesday."),
        ("Second page", "The lighthouse keeper slept.")]


def test_a_scanned_pdf_becomes_searchable_with_its_pages_through_ocr(engine):
    with client(engine) as http:
        file_id = upload(http, "scan.pdf", scanned_pdf(SCAN))
        store_id, outcome = index(http, file_id)
        assert outcome.body["status"] == "completed", outcome.body
        for query, page in (("harbour master ships", 1), ("lighthouse keeper slept", 2)):
            hits = http.post(f"/vector_stores/{store_id}/search",
                             json={"query": query, "max_num_results": 1}).json()["data"]
            assert hits, query
            assert hits[0]["attributes"]["page_start"] <= page <= hits[0]["attributes"]["page_end"]
            assert query.split()[0] in hits[0]["content"][0]["text"].lower()


def test_with_ocr_off_a_scan_fails_saying_so(tmp_path):
    with start_engine(tmp_path, {"ENGINE_INGEST_OCR": "false"}) as engine, client(engine) as http:
        file_id = upload(http, "scan.pdf", scanned_pdf(SCAN[:1]))
        _, outcome = index(http, file_id)
    assert "OCR at ingestion is off" in assert_specific_failure(outcome.body)


def test_a_file_over_its_cpu_budget_fails_naming_it_and_stays_failed_after_a_restart(tmp_path):
    tight = {"ENGINE_INGEST_CPU_SECONDS": "1", "ENGINE_INGEST_CPU_SECONDS_PER_PAGE": "0",
             "ENGINE_INGEST_MAX_CPU_SECONDS": "1"}
    data = pdf([text_page(f"Ledger entry {i}") for i in range(1, 60_001)])
    with start_engine(tmp_path, tight) as engine, client(engine) as http:
        file_id = upload(http, "ledger.pdf", data)
        store_id, outcome = index(http, file_id)
        message = assert_specific_failure(outcome.body)
        assert message.startswith("Stopped after 1 s of CPU time at page ")
        assert "of 60000 (its budget for 60000 pages)" in message
    with start_engine(tmp_path) as engine, client(engine) as http:  # generous budget now
        again = http.post(f"/vector_stores/{store_id}/files", json={"file_id": file_id})
        assert again.status_code == 200, again.text
        # Added again, it is not read again: the file's failure is remembered.
        assert follow(http, store_id, file_id).body["last_error"]["message"] == message


def descendants(pid: int) -> set[int]:
    """Every live process under `pid` (children, theirs, …), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_file_that_takes_the_engine_down_three_times_is_not_tried_again(tmp_path):
    data = pdf([text_page(f"Ledger entry {i}") for i in range(1, 60_001)])
    slow = {"ENGINE_INGEST_WORKERS": "1"}
    store_id = file_id = ""
    for attempt in range(3):
        with start_engine(tmp_path, slow) as engine, client(engine) as http:
            if attempt == 0:
                file_id = upload(http, "ledger.pdf", data)
                store_id = http.post("/vector_stores", json={"file_ids": [file_id]}).json()["id"]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # reading has started: kill -9 the engine
                body = http.get(f"/vector_stores/{store_id}/files/{file_id}").json()
                if body.get("progress", {}).get("pages_done", 0) > 0:
                    break
                assert body["status"] == "in_progress", body
                time.sleep(0.05)
            os.kill(engine.process.pid, signal.SIGKILL)
            engine.process.wait()
    with start_engine(tmp_path, slow) as engine, client(engine) as http:
        body = follow(http, store_id, file_id).body
    assert "started 3 times and never finished" in assert_specific_failure(body)


def test_extraction_children_die_with_the_engine_even_mid_page(tmp_path):
    # One page that takes PDFium many seconds (77 MB of content stream): a child that only
    # noticed its parent's death at its next message would read on for all that time.
    data = pdf([b"BT /F1 1 Tf 0 720 Td " + b"(wordy) Tj " * 7_000_000 + b"ET"])
    with start_engine(tmp_path) as engine, client(engine) as http:
        file_id = upload(http, "line.pdf", data)
        store_id = http.post("/vector_stores", json={"file_ids": [file_id]}).json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the child has opened the file: it is on page 1
            body = http.get(f"/vector_stores/{store_id}/files/{file_id}").json()
            if "progress" in body:
                break
            time.sleep(0.02)
        assert body.get("progress") == {"pages_done": 0, "pages_total": 1}, body
        children = descendants(engine.process.pid)
        assert children, "no extraction child under the engine"
        os.kill(engine.process.pid, signal.SIGKILL)
        engine.process.wait()
        deadline = time.monotonic() + 2
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in children if alive(pid)]
