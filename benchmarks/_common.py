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


def duplicate_share(ranked: list[Any], k: int = 5) -> float:
    """Of the first k results, the share whose pages all appeared in a higher-ranked result
    (near-duplicates from overlapping chunks: they spend a slot on nothing new)."""
    seen_total = repeated = 0
    for answer in ranked:
        shown: set[int] = set()
        for pages in answer.pages[:k]:
            seen_total += 1
            repeated += bool(pages) and pages <= shown
            shown |= pages
    return repeated / seen_total if seen_total else float("nan")


# --- figures: amounts, percentages, dates, names in answers and passages ------------------------

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "b": 1e9, "trillion": 1e12}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<open>\()?(?P<dollar>\$\s?)?(?P<minus>-)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]*\w)(?P<close>\))?"
    r"(?:\s?(?P<pct>%|percent\b|per\s?cent\b)|\s?(?P<scale>thousand|million|billion|trillion"
    r"|mn|bn|[MB])\b)?",
    re.IGNORECASE)
# Text that holds digits but no figure of the answer: citation markers, page references, file
# names and periods ("2023 Q1 AAPL.pdf", "Q3"), form and rule names ("10-Q", "Rule 10b5-1"),
# list numbering at the start of a line.
_NOT_FIGURES = [
    re.compile(r"【[^】]*】|\[\d+(?:\s*[,–-]\s*\d+)*\]"),
    re.compile(r"\b(?:pp?|pages?)\.?\s*\d+(?:\s*(?:[-–]|to|and)\s*\d+)*", re.IGNORECASE),
    re.compile(r"\b(?:19|20)\d\d\s+Q[1-4]\s+[A-Z]{2,6}(?:\.pdf)?", re.IGNORECASE),
    re.compile(r"\b[\w.-]+\.pdf\b", re.IGNORECASE),
    re.compile(r"\bQ[1-4]\b|\b[1-4]Q\b|\bFY\s?\d{2,4}\b", re.IGNORECASE),
    re.compile(r"\b\d+-[A-Z]s?\b|\b10b5-1\b|\bSection\s+\d+\w*(?:\(\w\))?", re.IGNORECASE),
    re.compile(r"(?m)^\s*\d{1,3}[.)]\s"),
    re.compile(r"\b\d+\s+(?:days?|weeks?|months?|years?|quarters?)\b", re.IGNORECASE),
]


@dataclass(frozen=True)
class Figure:
    """A figure as stated: an amount (value × stated scale), a percentage, or a date (yyyymmdd).
    `tolerance` is half a unit of its last stated digit, so "$65.8 billion" covers 65.75–65.85
    billion; `scaled` says whether a scale word was given (an unscaled table cell may be in
    thousands or millions)."""

    kind: str  # amount | percent | date
    value: float
    tolerance: float
    scaled: bool
    text: str


def _strip_non_figures(text: str) -> str:
    for pattern in _NOT_FIGURES:
        text = pattern.sub(" ", text)
    return text


def extract_figures(text: str) -> list[Figure]:
    """The amounts, percentages and dates a text states, in order. Bare years (2023), small
    bare counts (< 10) and the digits of page references, citations and file names are not
    figures."""
    found: list[tuple[int, Figure]] = []
    text = _strip_non_figures(text)
    for pattern, order in ((_DATE, "mdy"), (_ISO_DATE, "ymd")):
        for match in pattern.finditer(text):
            if order == "mdy":
                month, day, year = MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
            else:
                year, month, day = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.append((match.start(), Figure("date", year * 10000 + month * 100 + day, 0,
                                                    True, match.group(0))))
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    for match in _NUMBER.finditer(text):
        raw = match.group("num")
        digits = raw.replace(",", "")
        value = float(digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        half = 0.5 * 10 ** -decimals
        if match.group("pct"):
            found.append((match.start(), Figure("percent", value, half, True, match.group(0))))
            continue
        scale_word = (match.group("scale") or "").lower()
        if match.group("scale") in ("M", "B") or scale_word not in ("m", "b"):
            scale = SCALES.get(scale_word, 1.0)
        else:
            scale = 1.0  # a lowercase "m"/"b" after a number is not a scale word
        dollar = bool(match.group("dollar"))
        if scale == 1.0 and not dollar and decimals == 0:
            if 1900 <= value <= 2100 and "," not in raw:
                continue  # a year
            if value < 10:
                continue  # a count or list number, not a key figure
        found.append((match.start(), Figure("amount", value * scale, half * scale, scale != 1.0,
                                            match.group(0).strip())))
    return [figure for _, figure in sorted(found, key=lambda item: item[0])]


def _close(x: float, y: float, tolerance: float) -> bool:
    return abs(abs(x) - abs(y)) <= tolerance * (1 + 1e-9) + 1e-12


def same_figure(a: Figure, b: Figure) -> bool:
    """True when a and b state the same figure within the rounding of the less precise:
    "$65.8 billion" is "65,775 million" and the table cell "65,775" (a cell without a scale
    word may be in thousands, millions or billions, but must then be at least as precise as
    the scaled figure: "20" is not "$20.3 billion"); 20% is never 20, though a percentage
    table's cell "34.9" is 34.9%."""
    if a.kind == "date" or b.kind == "date":
        return a.kind == b.kind and a.value == b.value
    if a.kind != b.kind:
        percent, other = (a, b) if a.kind == "percent" else (b, a)
        bare_decimal = not other.scaled and "$" not in other.text and "." in other.text
        return bare_decimal and _close(percent.value, other.value, percent.tolerance)
    if a.kind == "percent" or a.scaled == b.scaled:
        return _close(a.value, b.value, max(a.tolerance, b.tolerance))
    scaled, cell = (a, b) if a.scaled else (b, a)
    return any(_close(cell.value * factor, scaled.value, scaled.tolerance)
               for factor in (1.0, 1e3, 1e6, 1e9))


def states(figure: Figure, figures: list[Figure]) -> bool:
    return any(same_figure(figure, other) for other in figures)


_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})\b", re.IGNORECASE)


def date_in_headings(figure: Figure, passage: str) -> bool:
    """True when a date's month and day and its year all stand in `passage`: a table's headings
    name the closing day once and a year per column ("September 30, … 2022 2023")."""
    if figure.kind != "date":
        return False
    year, month, day = int(figure.value) // 10000, int(figure.value) // 100 % 100, \
        int(figure.value) % 100
    return str(year) in passage and any(
        MONTHS[m.group(1).lower()] == month and int(m.group(2)) == day
        for m in _MONTH_DAY.finditer(passage))


def key_figures(reference: str) -> list[Figure]:
    """A reference answer's key figures: its amounts and percentages, or its dates when it
    states neither (a period's end date is context, not the answer, beside an amount). The
    trailing "SOURCE(S): …" and "(SOURCE: …)" notes are left out."""
    text = re.sub(r"\(?SOURCE(?:\(S\))?:[^\n)]*\)?", " ", reference, flags=re.IGNORECASE)
    figures = extract_figures(text)
    numeric = [f for f in figures if f.kind != "date"]
    return numeric or figures


_NAME = re.compile(r"\b[A-Z][\w&'’.-]*(?:\s+(?:of|de|van|von)?\s*[A-Z][\w&'’.-]*)+")
_NAME_NOISE = {"the", "a", "an", "in", "for", "based", "from", "during", "as", "this", "these",
               "total", "net", "its", "their", "our", "and", "of", "however", "additionally",
               "overall", "according", "source", "sources", "item", "part", "note", "form"}


def key_names(reference: str) -> list[str]:
    """Proper names of two or more capitalised words in a reference answer ("Timothy D. Cook",
    "European Commission", "Greater China"), without month names, leading function words or
    SOURCE notes."""
    text = re.sub(r"\(?SOURCE(?:\(S\))?:[^\n)]*\)?", " ", reference, flags=re.IGNORECASE)
    text = _NOT_FIGURES[2].sub(" ", _NOT_FIGURES[3].sub(" ", text))  # file names
    names: list[str] = []
    sentences = re.split(r"(?<=[a-z0-9)][.!?:;])\s+|\n+", text)
    for match in (m for sentence in sentences for m in _NAME.finditer(sentence)):
        words = match.group(0).split()
        while words and words[0].lower().strip(".") in _NAME_NOISE:
            words = words[1:]
        while words and words[-1].lower().strip(".") in _NAME_NOISE:
            words = words[:-1]
        if len(words) < 2 or any(w.lower().strip(".,") in MONTHS for w in words):
            continue
        name = re.sub(r"['’]s$", "", " ".join(words).rstrip(".,;:"))
        if name not in names:
            names.append(name)
    return names


def names_stated(name: str, text: str) -> bool:
    return squash(name) in squash(text)


DOESNT_SAY = re.compile(
    r"\b(?:documents?|text|files?|passages?|sources?)\s+(?:do(?:es)?n[’']t|do(?:es)? not)\s+"
    r"(?:say|mention|contain|provide|include|state)|\bI found nothing\b|\bno (?:relevant )?"
    r"information\b|\bnot (?:mentioned|found|stated) in\b", re.IGNORECASE)


def says_doesnt_say(answer: str) -> bool:
    """True for an answer that declines: "The documents don't say…", "no information…"."""
    return bool(DOESNT_SAY.search(answer))


def wait_for_embeddings(engine: Engine, timeout: float = 7200) -> float | None:
    """Seconds until the engine's background embedding is done (None: it has none), with its
    throughput printed."""
    import httpx

    started = time.perf_counter()
    root = engine.base_url.removesuffix("/v1")
    while time.perf_counter() - started < timeout:
        health = httpx.get(f"{root}/health", timeout=10).json()
        if "embedding_queue" not in health:
            return None
        if health["embedding_queue"] == 0:
            passages, seconds = health.get("embedded_passages", 0), health.get(
                "embedding_seconds", 0.0)
            print(f"  {engine.label}: {passages} passages embedded in {seconds:.0f} s"
                  f" ({passages / seconds if seconds else 0:.2f} passages/s), files left"
                  f" lexical: {health.get('embedding_failed_files', 0)}", flush=True)
            return time.perf_counter() - started
        time.sleep(2)
    raise TimeoutError(f"{engine.label}: embedding took over {timeout:.0f} s")
