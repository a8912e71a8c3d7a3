"""Every PDF of qpdf's test suite and pypdf's sample files, through a real engine: each ends
`completed` or `failed` with a specific reason; nothing crashes or hangs; the engine keeps serving.

A reason that reports our own failure (a crashed reader, an unexpected error) fails the test."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

FOLDERS = ("qpdf-qtest", "pypdf-sample-files")
# How our own failures read (a reader that crashed, an error we did not foresee, the extractor
# or the engine failing): none may be any file's reason.
OURS = ("crashed", "Extraction failed unexpectedly", "The extractor", "The text extractor",
        "The engine failed", "the engine stopped", "content is missing")


@pytest.fixture(scope="module")
def corpus_pdfs(corpus: Path) -> list[Path]:
    paths = sorted(p for folder in FOLDERS for p in (corpus / folder).rglob("*.pdf"))
    if not paths:
        pytest.skip(f"no PDFs under {corpus} / {FOLDERS}")
    return paths


@pytest.mark.timeout(900)  # 734 files; each file's own bound is its CPU budget
def test_every_corpus_pdf_ends_completed_or_failed_with_a_reason(engine_server, http, corpus_pdfs):
    ids = []
    for path in corpus_pdfs:
        response = http.post("/files", data={"purpose": "assistants"},
                             files={"file": (path.name, path.read_bytes(), "application/pdf")})
        assert response.status_code == 200, f"{path.name}: {response.text[:200]}"
        ids.append(response.json()["id"])
    store = http.post("/vector_stores", json={"name": "corpus"}).json()
    for start in range(0, len(ids), 500):  # OpenAI's limit per batch
        batch = http.post(f"/vector_stores/{store['id']}/file_batches",
                          json={"file_ids": ids[start : start + 500]})
        assert batch.status_code == 200, batch.text
    deadline = time.monotonic() + 840
    while time.monotonic() < deadline:
        counts = http.get(f"/vector_stores/{store['id']}").json()["file_counts"]
        if counts["in_progress"] == 0:
            break
        time.sleep(0.5)
    assert counts["in_progress"] == 0 and counts["total"] == len(ids)
    assert counts["completed"] + counts["failed"] == len(ids)
    reasons: Counter[str] = Counter()
    after = None
    while True:
        page = http.get(f"/vector_stores/{store['id']}/files",
                        params={"filter": "failed", "limit": 100, "after": after}).json()
        for vs_file in page["data"]:
            error = vs_file["last_error"]
            # The file's fault, said so: a crash or a failure of ours must fail this test.
            assert error and error["code"] in ("invalid_file", "unsupported_file"), vs_file
            message = error["message"]
            assert message and not any(ours in message for ours in OURS), vs_file
            reasons[error["message"].split(":")[0]] += 1
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert sum(reasons.values()) == counts["failed"]
    assert httpx.get(f"{engine_server.root_url}/health").status_code == 200
    print(f"\n{len(ids)} corpus PDFs: {counts['completed']} completed, {counts['failed']} failed")
    for reason, n in reasons.most_common():
        print(f"  {n:4d}  {reason}")
