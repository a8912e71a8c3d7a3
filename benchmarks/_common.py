"""Shared pieces of the benchmark scripts: corpus paths, an in-process engine, percentiles."""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from engine.app import create_app
from engine.settings import EngineSettings

ROOT = Path(__file__).resolve().parents[1]


def _corpus() -> Path:
    """../shared/corpus beside the checkout; from a worktree deeper down, the nearest ancestor's
    shared/corpus; BENCH_CORPUS overrides."""
    if override := os.environ.get("BENCH_CORPUS"):
        return Path(override)
    for parent in ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return ROOT.parent / "shared" / "corpus"


CORPUS = _corpus()
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


# --- page texts and evidence (the page-labelled question set) -------------------------------

PAGE_QUESTIONS = Path(__file__).resolve().parent / "data" / "page_questions.jsonl"
PDF_ARRAY_LIMIT = 1_000_000  # pypdf's default (100,000) rejects two of the MSFT filings


def pdf_page_texts(path: Path, *, cached: bool = True) -> list[str]:
    """Every page's text as pypdf extracts it (index 0 is page 1), independent of the engine;
    kept in the temp dir per file version unless `cached=False`."""
    from pypdf import PdfReader, apply_configuration

    stat = path.stat()
    cache = Path(tempfile.gettempdir()) / "bench-page-texts" / (
        f"{path.stem}-{stat.st_size}-{int(stat.st_mtime)}-pypdf{_pypdf_version()}.json")
    if cached and cache.is_file():
        return list(json.loads(cache.read_text()))
    with apply_configuration(array_maximum_element_count=PDF_ARRAY_LIMIT):
        texts = [page.extract_text() or "" for page in PdfReader(path).pages]
    cache.parent.mkdir(exist_ok=True)
    cache.write_text(json.dumps(texts))
    return texts


def _pypdf_version() -> str:
    import pypdf

    return str(pypdf.__version__)


def squash(text: str) -> str:
    """Text for evidence matching: lowercased, curly quotes and dashes made plain, whitespace
    removed (extractors differ in where they put spaces: "$ 65,775" vs "$65,775") except one
    space between two digits, which keeps the table cells "6,628 5,599" apart."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    spaced = re.sub(r"(?<=\d)\s+(?=\d)", " ", text.translate(table))
    return re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", spaced).lower()


def evidence_pages(evidence: str, pages: list[str]) -> list[int]:
    """The 1-based numbers of the pages that hold `evidence`. A figure at either end must stand
    alone: "65,775" is not found inside "165,775" or "65,775.5"."""
    needle = squash(evidence)
    if not needle:
        raise ValueError("empty evidence")
    lead = r"(?<![\d.,])" if needle[0].isdigit() else ""
    tail = r"(?![\d]|[.,]\d)" if needle[-1].isdigit() else ""
    pattern = re.compile(lead + re.escape(needle) + tail)
    return [n for n, text in enumerate(pages, start=1) if pattern.search(squash(text))]


def page_questions(subset: int | None = None) -> list[dict]:
    """The page-labelled questions; `subset` takes every k-th so that all files stay covered."""
    rows = [json.loads(line) for line in PAGE_QUESTIONS.read_text().splitlines() if line.strip()]
    if subset and subset < len(rows):
        step = len(rows) / subset
        rows = [rows[int(i * step)] for i in range(subset)]
    return rows


# --- engines as separate processes: the current tree and an older commit, side by side -------

OLD_ENGINE_REF = "dcd89a4"  # the engine before issue 14 (hybrid retrieval, the new answerer)


def old_engine_tree(ref: str = OLD_ENGINE_REF, where: Path | None = None) -> Path:
    """A checkout of `ref` for a second engine process: `git worktree add` it once, reuse it."""
    import subprocess

    where = where or Path(tempfile.gettempdir()) / f"old-engine-{ref}"
    if not (where / "engine" / "__init__.py").is_file():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), ref],
                       check=True, capture_output=True)
    return where


@dataclass
class Engine:
    """A running `python -m engine serve` of some source tree, reached over loopback HTTP."""

    label: str
    base_url: str  # ends in /v1
    api_key: str
    process: Any
    log: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}", **BETA}


@contextmanager
def engine_server(label: str, source: Path, workdir: Path,
                  env: dict[str, str] | None = None) -> Iterator[Engine]:
    """Start the engine of `source` (PYTHONPATH=source) on a free port, its data under workdir,
    as tests/engine_process.py does; stop it on exit."""
    import secrets
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir.mkdir(parents=True, exist_ok=True)
    key = "sk-bench-" + secrets.token_urlsafe(16)
    log = workdir / "engine.log"
    environment = {**os.environ, "ENGINE_API_KEY": key, "PYTHONPATH": str(source), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(workdir / "data"), "--log-level", "warning"],
            cwd=source, env=environment, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    engine = Engine(label, f"http://127.0.0.1:{port}/v1", key, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{label} engine exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{label} engine not healthy in 60 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield engine
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- page-recall scoring ------------------------------------------------------------------------

# A plain English stopword list for the baselines' queries (the engine keeps its own).
_STOPWORD_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just me more most my
no nor not now of off on once only or other our ours out over own same she should so some such
than that the their theirs them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your yours
"""
PLAIN_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def plain_terms(text: str) -> list[str]:
    """Lowercased words minus stopwords, each once (all words if only stopwords)."""
    words = [w.lower() for w in _WORDS.findall(text)]
    kept = [w for w in words if w not in PLAIN_STOPWORDS]
    return list(dict.fromkeys(kept or words))


def result_pages(attributes: dict[str, Any] | None) -> set[int]:
    """The pages a search result shows: its `pages` attribute (a list) when present, else
    page_start..page_end; none when it names no page."""
    attributes = attributes or {}
    listed = attributes.get("pages")
    if isinstance(listed, list):
        return {int(p) for p in listed if isinstance(p, int | float) and not isinstance(p, bool)}
    start, end = attributes.get("page_start"), attributes.get("page_end")
    if not isinstance(start, int | float) or isinstance(start, bool):
        return set()
    end = end if isinstance(end, int | float) and not isinstance(end, bool) and end >= start else start
    return set(range(int(start), int(end) + 1))


def found_at(question: dict, pages: list[set[int]], files: list[str], k: int,
             need_file: bool = False) -> bool:
    """True when one of the first k results shows one of the question's pages (and, with
    need_file, is the question's file)."""
    gold = set(question["pages"])
    return any(shown & gold and (not need_file or name == question["file"])
               for shown, name in zip(pages[:k], files[:k], strict=False))


def recall_at(questions: list[dict], ranked: list[Any], k: int, need_file: bool = False) -> float:
    """Page recall@k: the share of questions found in the first k results; `ranked` holds, per
    question, an object with `pages` (list of sets) and `files` (list of names)."""
    if not questions:
        return float("nan")
    hits = sum(found_at(q, r.pages, r.files, k, need_file)
               for q, r in zip(questions, ranked, strict=True))
    return hits / len(questions)
