"""Page-level retrieval on the 20 10-Q filings: page recall@1/5/10 of the engine's search against
whole-page BM25 and the old engine, same questions, same run.

The questions (benchmarks/data/page_questions.jsonl) name a file and the page(s) holding the
answer. Each is searched the way a user with that one PDF would: in a vector store holding only
its file ("per-file"); then in one store holding all 20 ("all-20", where a hit must also be the
right file). A result's pages are its `pages` attribute when present, else page_start..page_end.
A question counts as found at k when one of the first k results shows one of its pages.

Systems, all in this run:
- whole-page BM25: the naive baseline, SQLite FTS5 (porter stemming) over the pypdf text of each
  whole page of the same file(s), query words OR-ed (stopwords dropped), nothing else;
- the current engine's search with `search_mode` lexical / semantic / hybrid (an extension of the
  search request; an engine that rejects the field is searched without it and marked so);
- the old engine (commit dcd89a4, a git worktree, its own process), same questions.

Isolation: each per-file store is first searched alone in its engine (the only store there), and
again once every other store exists; the share of questions whose top 10 changed is printed
(it should be 0: a store's ranking must not depend on other users' documents).

Run: `python benchmarks/page_retrieval.py [--subset N] [--files N] [--no-old] [--no-isolation]
[--baseline-tree DIR]` (a baseline tree is another version of the engine, all modes, same run).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _common import (
    OLD_ENGINE_REF,
    ROOT,
    SEC10Q_DOCS,
    Engine,
    duplicate_share,
    engine_server,
    old_engine_tree,
    page_questions,
    pdf_page_texts,
    percentile,
    plain_terms,
    recall_at,
    result_pages,
    wait_for_embeddings,
)

MODES = ("lexical", "semantic", "hybrid")
KS = (1, 5, 10)
TOP = 10


class Log(list):
    """Lines for the report, echoed to stderr as they come (a full run takes minutes)."""

    def append(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)
        super().append(line)


@dataclass
class Ranked:
    """One system's answer to one question: the pages of each result, best first."""

    pages: list[set[int]]
    files: list[str]
    signature: tuple = ()


@dataclass
class System:
    label: str
    per_file: list[Ranked] = field(default_factory=list)
    all_20: list[Ranked] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    note: str = ""


# --- whole-page BM25 --------------------------------------------------------------------------


class PageBM25:
    """FTS5 BM25 over whole pages; one table per file, and one over all files."""

    def __init__(self, texts: dict[str, list[str]]):
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE pages USING fts5(body, file UNINDEXED, page UNINDEXED,"
            " tokenize = 'porter unicode61')")
        self.conn.executemany(
            "INSERT INTO pages (body, file, page) VALUES (?, ?, ?)",
            [(text, name, number) for name, pages in texts.items()
             for number, text in enumerate(pages, start=1)])
        self.per_file: dict[str, sqlite3.Connection] = {}
        for name, pages in texts.items():
            conn = sqlite3.connect(":memory:")
            conn.execute("CREATE VIRTUAL TABLE pages USING fts5(body, file UNINDEXED,"
                         " page UNINDEXED, tokenize = 'porter unicode61')")
            conn.executemany("INSERT INTO pages (body, file, page) VALUES (?, ?, ?)",
                             [(text, name, n) for n, text in enumerate(pages, start=1)])
            self.per_file[name] = conn

    def search(self, question: str, file: str | None) -> Ranked:
        conn = self.per_file[file] if file else self.conn
        terms = plain_terms(question)
        if not terms:
            return Ranked([], [])
        expression = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = conn.execute("SELECT file, page FROM pages WHERE pages MATCH ?"
                            " ORDER BY bm25(pages) LIMIT ?", (expression, TOP)).fetchall()
        return Ranked([{int(page)} for _, page in rows], [name for name, _ in rows])


# --- the engines ------------------------------------------------------------------------------


class EngineStores:
    """Files uploaded once into an engine; stores made of them; searches."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.http = httpx.Client(base_url=engine.base_url, headers=engine.headers, timeout=120)
        self.file_ids: dict[str, str] = {}
        self.mode_support: dict[str, bool] = {}

    def upload(self, paths: Iterable[Path]) -> None:
        for path in paths:
            with path.open("rb") as fh:
                response = self.http.post("/files", data={"purpose": "assistants"},
                                          files={"file": (path.name, fh, "application/pdf")})
            response.raise_for_status()
            self.file_ids[path.name] = response.json()["id"]

    def store(self, names: list[str], timeout: float = 1800) -> str:
        body = {"name": ", ".join(names)[:200], "file_ids": [self.file_ids[n] for n in names]}
        response = self.http.post("/vector_stores", json=body)
        response.raise_for_status()
        store_id = response.json()["id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.http.get(f"/vector_stores/{store_id}").json()["file_counts"]
            if counts["in_progress"] == 0:
                if counts["completed"] != len(names):
                    raise RuntimeError(f"{self.engine.label}: {names} indexed {counts}")
                return str(store_id)
            time.sleep(0.2)
        raise TimeoutError(f"{self.engine.label}: indexing {names} took over {timeout:.0f} s")

    def wait_for_embeddings(self, timeout: float = 7200) -> float | None:
        """Seconds until the engine's background embedding is done (None: it has none)."""
        return wait_for_embeddings(self.engine, timeout)

    def delete_store(self, store_id: str) -> None:
        self.http.delete(f"/vector_stores/{store_id}").raise_for_status()

    def search(self, store_id: str, question: str, mode: str | None,
               latencies: list[float] | None = None) -> Ranked:
        body: dict = {"query": question, "max_num_results": TOP}
        if mode is not None and self.mode_support.get(mode, True):
            body["search_mode"] = mode
        start = time.perf_counter()
        response = self.http.post(f"/vector_stores/{store_id}/search", json=body)
        if response.status_code == 400 and "search_mode" in response.text:
            self.mode_support[mode or ""] = False  # an engine without the extension
            return self.search(store_id, question, mode, latencies)
        elapsed = time.perf_counter() - start
        response.raise_for_status()
        if mode is not None and "search_mode" in body:
            self.mode_support.setdefault(mode, True)
        if latencies is not None:
            latencies.append(elapsed)
        data = response.json()["data"]
        signature = tuple((hit["file_id"], hit["content"][0]["text"][:200] if hit["content"]
                           else "") for hit in data)
        return Ranked([result_pages(hit.get("attributes")) for hit in data],
                      [hit["filename"] for hit in data], signature)


def run_engine(stores: EngineStores, questions: list[dict], files: list[str],
               modes: tuple[str | None, ...], isolation: bool, log: Log) -> dict[str, System]:
    """Every question of every mode, per-file and all-20; the isolation check on the way."""
    label = stores.engine.label
    systems = {mode: System(f"{label} {mode or 'search'}") for mode in modes}
    by_file = {name: [q for q in questions if q["file"] == name] for name in files}
    alone: dict[tuple[str, int], tuple] = {}
    # Lexical: vectors are the file's own and arrive in the background, so only the lexical
    # statistics could leak between stores (and a search before and after embedding differs).
    checked = "lexical" if "lexical" in modes else modes[-1]
    if isolation:
        for name in files:
            store_id = stores.store([name])
            for index, q in enumerate(by_file[name]):
                alone[(name, index)] = stores.search(store_id, q["question"], checked).signature
            stores.delete_store(store_id)
        log.append(f"{label}: searched each of {len(files)} stores alone")
    started = time.perf_counter()
    store_of = {name: stores.store([name]) for name in files}
    log.append(f"{label}: {len(files)} per-file stores indexed in"
               f" {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    everything = stores.store(files)
    log.append(f"{label}: the all-files store indexed in {time.perf_counter() - started:.0f} s")
    if any(m in ("semantic", "hybrid") for m in modes):
        waited = stores.wait_for_embeddings()
        if waited is not None:
            log.append(f"{label}: embeddings finished {waited:.0f} s after indexing")
    changed = 0
    for q in questions:
        for mode, system in systems.items():
            system.per_file.append(stores.search(store_of[q["file"]], q["question"], mode,
                                                 system.latencies))
            system.all_20.append(stores.search(everything, q["question"], mode))
    if isolation:
        position = {name: 0 for name in files}
        for q, ranked in zip(questions, systems[checked].per_file, strict=True):
            index = position[q["file"]]
            position[q["file"]] += 1
            changed += ranked.signature != alone[(q["file"], index)]
        systems[checked].note = (f"top {TOP} changed when other stores were added:"
                                   f" {changed}/{len(questions)} = {changed / len(questions):.3f}")
    for mode, system in systems.items():
        if mode is not None and stores.mode_support.get(mode) is False:
            system.note = (system.note + "; " if system.note else "") + \
                "search_mode rejected by this engine: searched without it"
    return systems


# --- report -----------------------------------------------------------------------------------


def table(title: str, questions: list[dict], rows: list[tuple[str, list[Ranked]]],
          need_file: bool) -> list[str]:
    lines = [title, f"{'system':<34} {'R@1':>6} {'R@5':>6} {'R@10':>6}   R@5 table/prose/name"]
    for label, ranked in rows:
        scores = [recall_at(questions, ranked, k, need_file) for k in KS]
        kinds = []
        for kind in ("table", "prose", "name"):
            chosen = [i for i, q in enumerate(questions) if q.get("kind") == kind]
            kinds.append(recall_at([questions[i] for i in chosen], [ranked[i] for i in chosen],
                                   5, need_file) if chosen else float("nan"))
        lines.append(f"{label:<34} " + " ".join(f"{s:6.3f}" for s in scores)
                     + "   " + "/".join(f"{s:.3f}" for s in kinds))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, help="every k-th question, N in all")
    parser.add_argument("--no-old", action="store_true", help="skip the old engine")
    parser.add_argument("--no-isolation", action="store_true", help="skip the isolation check")
    parser.add_argument("--old-ref", default=OLD_ENGINE_REF)
    parser.add_argument("--files", type=int, help="only the questions of the first N files")
    parser.add_argument("--baseline-tree", type=Path,
                        help="another source tree (say `git archive main | tar -x -C DIR`),"
                        " searched with every mode too, after the current one")
    args = parser.parse_args()
    if not SEC10Q_DOCS.is_dir():
        print(f"corpus not found at {SEC10Q_DOCS}", file=sys.stderr)
        return 2
    questions = page_questions(args.subset)
    if args.files:
        kept = sorted({q["file"] for q in questions})[: args.files]
        questions = [q for q in questions if q["file"] in kept]
    files = sorted({q["file"] for q in questions})
    paths = [SEC10Q_DOCS / name for name in files]
    log = Log()
    started = time.perf_counter()
    texts = {path.name: pdf_page_texts(path) for path in paths}
    log.append(f"pypdf page texts of {len(files)} files in {time.perf_counter() - started:.0f} s")
    baseline = PageBM25(texts)
    page_bm25 = System("whole-page BM25 (baseline)")
    for q in questions:
        page_bm25.per_file.append(baseline.search(q["question"], q["file"]))
        page_bm25.all_20.append(baseline.search(q["question"], None))

    results: list[System] = [page_bm25]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        engines = [("current", ROOT, MODES)]
        if args.baseline_tree:
            engines.append(("baseline", args.baseline_tree.resolve(), MODES))
        if not args.no_old:
            engines.append((f"old {args.old_ref}", old_engine_tree(args.old_ref), (None,)))
        for label, source, modes in engines:  # one at a time: the machine has 2 cores
            engine = stack.enter_context(engine_server(label, source, Path(tmp) / label))
            stores = EngineStores(engine)
            stores.upload(paths)
            systems = run_engine(stores, questions, files, modes, not args.no_isolation, log)
            results.extend(systems.values())
            stack.close()  # stop this engine before the next starts

    kinds = ", ".join(f"{k} {sum(q.get('kind') == k for q in questions)}"
                      for k in ("table", "prose", "name"))
    print(f"page retrieval: {len(questions)} questions over {len(files)} files ({kinds})")
    for line in log:
        print("  " + line)
    print()
    for line in table("per-file stores (a user with one PDF)", questions,
                      [(s.label, s.per_file) for s in results], need_file=False):
        print(line)
    print()
    for line in table("one store with all files (hit = right file and page)", questions,
                      [(s.label, s.all_20) for s in results], need_file=True):
        print(line)
    print()
    for system in results:
        share = duplicate_share(system.per_file)
        print(f"{system.label}: top-5 results showing only pages a higher-ranked result"
              f" already showed: {share:.2f}")
    for system in results:
        if system.latencies:
            ms = [v * 1000 for v in system.latencies]
            print(f"{system.label}: search over HTTP p50 {percentile(ms, 50):.1f} ms,"
                  f" p95 {percentile(ms, 95):.1f} ms")
        if system.note:
            print(f"{system.label}: {system.note}")
    best = {s.label: recall_at(questions, s.per_file, 5, False) for s in results}
    hybrid = best.get("current hybrid")
    lexical = best.get("current lexical")
    if hybrid is not None and lexical is not None:
        target_page = best[page_bm25.label] + 0.10
        target_chunk = lexical + 0.15
        print(f"targets (per-file R@5): hybrid {hybrid:.3f} ≥ whole-page BM25 + 0.10 ="
              f" {target_page:.3f}: {'met' if hybrid >= target_page else 'NOT met'};"
              f" ≥ chunk BM25 + 0.15 = {target_chunk:.3f}:"
              f" {'met' if hybrid >= target_chunk else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
