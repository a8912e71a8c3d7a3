"""Shared pieces of the benchmark scripts: corpus paths, an in-process engine, percentiles."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from engine.app import create_app
from engine.settings import EngineSettings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SEC10Q = CORPUS / "docugami-sec10q"
SEC10Q_DOCS = SEC10Q / "sec-10-q" / "data" / "v1" / "docs"
KEY = "bench-key"
BETA = {"OpenAI-Beta": "assistants=v2"}


def questions() -> list[dict]:
    lines = (SEC10Q / "questions_doc_level.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms,"
            f" mean {statistics.fmean(ms):.1f} ms (n={len(ms)})")


@contextmanager
def engine_client(**settings: object) -> Iterator[TestClient]:
    """A real engine app (workers, SQLite, extraction children) driven in-process."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(EngineSettings(data_dir=Path(tmp), api_key=KEY, **settings))  # type: ignore[arg-type]
        with TestClient(app, headers={"Authorization": f"Bearer {KEY}"}) as client:
            yield client


def upload_store(client: TestClient, paths: list[Path], timeout: float = 900) -> str:
    """Upload files into a new vector store and wait until every file is processed."""
    ids = []
    for path in paths:
        with path.open("rb") as fh:
            response = client.post("/v1/files", data={"purpose": "assistants"},
                                   files={"file": (path.name, fh, "application/pdf")})
        response.raise_for_status()
        ids.append(response.json()["id"])
    store = client.post("/v1/vector_stores", json={"name": "bench", "file_ids": ids}).json()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = client.get(f"/v1/vector_stores/{store['id']}").json()["file_counts"]
        if counts["in_progress"] == 0:
            return str(store["id"])
        time.sleep(0.05)
    raise TimeoutError("ingestion did not finish")


@contextmanager
def engine_process(**env: str) -> Iterator[tuple[str, str]]:
    """A real `python -m engine serve` on a free loopback port: yields (base_url, key)."""
    import os
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine", "serve", "--port", str(port), "--data-dir", tmp,
             "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "ENGINE_API_KEY": KEY, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/v1", KEY
        finally:
            process.terminate()
            process.wait(timeout=15)
