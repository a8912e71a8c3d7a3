"""Retrieval and answers on real documents that are not filings: manuals, papers, reports and a
slide deck, each asked about in a store holding only itself; the current engine next to the old
one (commit dcd89a4) and whole-page BM25, same questions, same run.

The documents are PDFs shipped in Debian packages (pinned version and sha256 of the .deb and of
the PDF): `apt-get download` fetches each package once into the cache (`MIXED_DOCS_DIR`, default
benchmarks/data/mixed/, gitignored), `dpkg-deb -x` unpacks it. The questions are
benchmarks/data/mixed_questions.jsonl (doc, question, kind, reference, pages; `evidence` when the
reference alone is not the text on the page), written by hand as a person would ask, their pages
the ones whose pypdf or PDFium text holds the evidence (`--label` recomputes them).

Measures, per system:
- page recall@1/5/10 of vector-store search (`search_mode` hybrid / lexical / semantic for the
  current engine, after its embedding queue is empty; the old engine without the field) and of
  whole-page BM25 over the pypdf text (page_retrieval.py's baseline);
- the built-in answerer (assistant with file_search over the document's store, a fresh thread
  per question, run created and polled with core's OpenAIClient): the reference fact stated
  (figures normalised as in answer_quality.py, other references as squashed text), a citation on
  a right page, the "doesn't say" rate, figures found in no cited passage;
- for the current engine, each miss is put in one category: the evidence in none of the run's
  retrieved passages (retrieval miss), else declined, a figure but the wrong one (wrong figure or
  row), a citation on a right page without the fact, or a quote from elsewhere.

Run: `python benchmarks/mixed_documents.py [--no-old] [--docs N] [--dump FILE] [--examples K]`;
`--fetch` only fetches, `--label` rewrites the questions' pages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

from _common import (
    OLD_ENGINE_REF,
    ROOT,
    engine_server,
    evidence_pages,
    extract_figures,
    key_figures,
    old_engine_tree,
    pdf_page_texts,
    percentile,
    recall_at,
    squash,
    states,
)
from answer_quality import LOCAL_MODEL, Item, Scored, ask
from page_retrieval import KS, EngineStores, PageBM25, Ranked

from core.client import OpenAIClient
from core.copilots._options import DEFAULT_CHAT_INSTRUCTIONS

QUESTIONS = Path(__file__).resolve().parent / "data" / "mixed_questions.jsonl"
CACHE = Path(os.environ.get("MIXED_DOCS_DIR") or Path(__file__).resolve().parent / "data" / "mixed")
MODES = ("hybrid", "lexical", "semantic")


@dataclass(frozen=True)
class Source:
    doc: str  # the name it is uploaded under
    kind: str  # manual | paper | report | slides
    package: str
    version: str
    deb_sha256: str
    member: str  # its path inside the package
    sha256: str
    licence: str
    title: str


SOURCES = [
    Source("R-data.pdf", "manual", "r-doc-pdf", "4.2.2.20221110-2",
           "beb104ad5818d261f280a868294645ca31d7c63365f2c9a55aa3ca9aad5aa71d",
           "usr/share/R/doc/manual/R-data.pdf",
           "9381a39ffeb8545a745c2618ba955b4ae4e10b9c8373cd5bc1984fff8318f8ca",
           "GPL-2 (verbatim copying permitted)", "R Data Import/Export, R 4.2.2, 41 pages"),
    Source("camlidl.pdf", "manual", "camlidl-doc", "1.04-5",
           "183dc96108e0b0164c8f464ff2499b68dbe600c33ecd82f2510afc411165aba5",
           "usr/share/doc/camlidl/camlidl-1.04.doc.pdf",
           "29df28a0ebbf3677ccc1b20ff36cf66a0a2b32ca61525f48df6da7f31c600e6f",
           "LGPL-2+", "Camlidl user's manual 1.04, X. Leroy, 26 pages"),
    Source("booktabs.pdf", "manual", "texlive-latex-recommended-doc", "2022.20230122-3",
           "8bea1f81bf50354fa4f3046c2dbb82efba9b8520aca0b2ab12eed18554a66c11",
           "usr/share/doc/texlive-doc/latex/booktabs/booktabs.pdf",
           "7052d0760750c97a9fa3ae6e00942768a809f84a05466d36dc9e38f906d98dfe",
           "LPPL-1.3c (TeX Live)", "Publication quality tables in LaTeX (booktabs), 18 pages"),
    Source("zoo-faq.pdf", "manual", "r-cran-zoo", "1.8-11-1",
           "81f27bbee835d9d44d2a410211c813d2da6c2d71f1e37d71b019ab259e182b9b",
           "usr/lib/R/site-library/zoo/doc/zoo-faq.pdf",
           "10441a849d6dcd7901cdeca635d798ac6171e005a1530693d0228c6550fb6087",
           "GPL-2+", "zoo FAQ, 15 pages"),
    Source("zoo.pdf", "paper", "r-cran-zoo", "1.8-11-1",
           "81f27bbee835d9d44d2a410211c813d2da6c2d71f1e37d71b019ab259e182b9b",
           "usr/lib/R/site-library/zoo/doc/zoo.pdf",
           "fd63de7b0dc3122272339ff49e6ceeb47ea71a89a9cb5b7c411c78a7d6c8c332",
           "GPL-2+", "zoo: an S3 class ... (J. Stat. Software paper), 30 pages"),
    Source("sandwich.pdf", "paper", "r-cran-sandwich", "3.0-2-1",
           "a90e7d3c69c70a6d73e4bc63d1f20eae3b4a73866d5266246dd5b3d980c60d79",
           "usr/lib/R/site-library/sandwich/doc/sandwich.pdf",
           "ab762c22ff2d6b0c26e6e642171f116a11ec4dcfe58821148bdf41856f293a1b",
           "GPL-2+", "Econometric computing with HC and HAC covariance matrix estimators, 21 pages"),
    Source("strucchange.pdf", "paper", "r-cran-strucchange", "1.5-3-1",
           "0be3f44609be4e90be3f295880dbcaebf57e5a918b68eb11f18c0900b2a4874d",
           "usr/lib/R/site-library/strucchange/doc/strucchange-intro.pdf",
           "56587481ea07ff51645290c24e328d4461656bcbf19d6e9426056e7559a4a198",
           "GPL-2+", "strucchange: testing for structural change (J. Stat. Software paper), 17 pages"),
    Source("residual-shadings.pdf", "paper", "r-cran-vcd", "1:1.4-11-1",
           "959639853b06a9056b4494e145bf84394a329805645e80c4384091323b6c6ae4",
           "usr/lib/R/site-library/vcd/doc/residual-shadings.pdf",
           "936f618b11c4bb4948246079649df8a6786a9146721f70784e9b5c154fbd9051",
           "GPL-2", "Residual-based shadings in vcd, 12 pages"),
    Source("snp-talk.pdf", "slides", "texlive-latex-recommended-doc", "2022.20230122-3",
           "8bea1f81bf50354fa4f3046c2dbb82efba9b8520aca0b2ab12eed18554a66c11",
           "usr/share/doc/texlive-doc/latex/beamer/beamerexample-conference-talk.pdf",
           "4b11425166212ed695a5c99506303bddd7cc1beb02b17da48565c48f51eb38d6",
           "LPPL-1.3c / GPL-2+ (beamer)",
           "On the complexity of SNP block partitioning (beamer conference talk), 31 slides"),
    Source("population.pdf", "report", "r-cran-survival", "3.5-3-1",
           "f7b474e37620b54bd0112b3847bbad0a6b75b9c2121d6936548dd74ebd4003d5",
           "usr/lib/R/library/survival/doc/population.pdf",
           "cdd08e4799b56d68d1da1368e9e6ab4094da0cc79792a3563b6af95582c14cd9",
           "GPL-2", "Population contrasts, T. Therneau, Mayo Clinic (technical report), 23 pages"),
    Source("compete.pdf", "report", "r-cran-survival", "3.5-3-1",
           "f7b474e37620b54bd0112b3847bbad0a6b75b9c2121d6936548dd74ebd4003d5",
           "usr/lib/R/library/survival/doc/compete.pdf",
           "1d83a2c90440051bef67554f06c942e418645a07e56d44e7cb1c42ba7c40ba88",
           "GPL-2", "Multi-state models and competing risks, Therneau et al. (report), 29 pages"),
]


# --- the documents --------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def missing_documents(cache: Path = CACHE) -> list[Source]:
    """The sources whose PDF is not in the cache with its pinned sha256."""
    return [s for s in SOURCES
            if not (cache / s.doc).is_file() or _sha256(cache / s.doc) != s.sha256]


def fetch(cache: Path = CACHE) -> None:
    """Bring every missing PDF into the cache: apt-get download of the pinned package, checked,
    unpacked with dpkg-deb."""
    missing = missing_documents(cache)
    if not missing:
        return
    cache.mkdir(parents=True, exist_ok=True)
    for package in sorted({(s.package, s.version, s.deb_sha256) for s in missing}):
        name, version, deb_sha = package
        with tempfile.TemporaryDirectory() as tmp:
            print(f"fetching {name}={version}", file=sys.stderr, flush=True)
            subprocess.run(["apt-get", "download", f"{name}={version}"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            [deb] = Path(tmp).glob("*.deb")
            if _sha256(deb) != deb_sha:
                raise RuntimeError(f"{deb.name}: sha256 differs from the pinned one")
            subprocess.run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "x")], check=True)
            for source in (s for s in missing if s.package == name):
                unpacked = Path(tmp) / "x" / source.member
                if _sha256(unpacked) != source.sha256:
                    raise RuntimeError(f"{source.member}: sha256 differs from the pinned one")
                shutil.copyfile(unpacked, cache / source.doc)


def _fold(text: str) -> str:
    """NFKC (ligatures "ﬁ" → "fi") with line-break hyphens kept: evidence is matched squashed."""
    return unicodedata.normalize("NFKC", text)


def page_texts(path: Path) -> tuple[list[str], list[str]]:
    """Every page's text by pypdf and by PDFium (the engine's reader), ligatures folded."""
    import pypdfium2

    pypdf_pages = [_fold(t) for t in pdf_page_texts(path)]
    document = pypdfium2.PdfDocument(str(path))
    try:
        pdfium_pages = [_fold(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()
    return pypdf_pages, pdfium_pages


def evidence_of(question: dict) -> str:
    return str(question.get("evidence") or question["reference"])


def pages_holding(evidence: str, texts: tuple[list[str], list[str]]) -> list[int]:
    """The pages whose pypdf or PDFium text holds the evidence."""
    return sorted(set(evidence_pages(_fold(evidence), texts[0]))
                  | set(evidence_pages(_fold(evidence), texts[1])))


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:
        row["file"] = row["doc"]  # the field page_retrieval's scoring reads
    return rows


def label(questions: list[dict], cache: Path = CACHE) -> None:
    """Rewrite the questions file with each question's pages recomputed."""
    texts = {s.doc: page_texts(cache / s.doc) for s in SOURCES}
    with QUESTIONS.open("w", encoding="utf-8") as out:
        for q in questions:
            q["pages"] = pages_holding(evidence_of(q), texts[q["doc"]])
            if not q["pages"] or len(q["pages"]) > 4:
                print(f"{len(q['pages'])} pages: {q['doc']}: {q['question']}", file=sys.stderr)
            row = {k: q[k] for k in ("doc", "question", "kind", "reference", "evidence", "pages")
                   if k in q}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# --- scoring ----------------------------------------------------------------------------------


def fact_stated(reference: str, answer: str) -> bool:
    """The reference's key figures all stated (normalised), or for a reference without figures
    its text inside the answer's (see _phrase)."""
    figures = key_figures(reference)
    if figures:
        stated = extract_figures(answer)
        return all(states(f, stated) for f in figures)
    return _phrase(reference) in _phrase(answer)


def _phrase(text: str) -> str:
    """Squashed, ligatures folded, quote marks dropped ("a ‘rule’" states "a rule")."""
    return squash(_fold(text)).translate(str.maketrans("", "", "'\"`"))


def right_page_cited(question: dict, scored: Scored) -> bool:
    gold = set(question["pages"])
    return any(gold & set(pages) for pages in scored.cited_pages)


def evidence_retrieved(question: dict, scored: Scored) -> bool:
    needle = _phrase(evidence_of(question))
    return any(needle in _phrase(text) for text in scored.retrieved)


def miss_category(question: dict, scored: Scored) -> str | None:
    """None when the answer states the fact, else why not (the current engine's failure kinds)."""
    if fact_stated(question["reference"], scored.answer):
        return None
    if scored.status != "completed":
        return f"run {scored.status}"
    if not evidence_retrieved(question, scored):
        return "retrieval miss (evidence in no retrieved passage)"
    if scored.declined:
        return "answerer: declined though the evidence was retrieved"
    if key_figures(question["reference"]) and extract_figures(scored.answer):
        return "answerer: a figure, not the asked one (wrong row/figure)"
    if right_page_cited(question, scored):
        return "answerer: right page cited, the fact not stated (wrong sentence)"
    return "answerer: quoted a passage from elsewhere (wrong sentence)"


# --- running an engine ------------------------------------------------------------------------


@dataclass
class EngineRun:
    label: str
    ranked: dict[str, list[Ranked]]  # search mode ("search" without one) → per question
    answers: list[Scored]
    embed_seconds: float | None


def run_engine(label: str, source: Path, workdir: Path, questions: list[dict],
               modes: tuple[str | None, ...], cache: Path = CACHE) -> EngineRun:
    """Upload each document into its own store, search every question in every mode, then ask
    the built-in model through an assistant over the same store."""
    docs = sorted({q["doc"] for q in questions})
    with engine_server(label, source, workdir) as engine:
        stores = EngineStores(engine)
        stores.upload([cache / d for d in docs])
        started = time.perf_counter()
        store_of = {d: stores.store([d]) for d in docs}
        print(f"  {label}: {len(docs)} stores indexed in {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
        waited = stores.wait_for_embeddings()
        ranked: dict[str, list[Ranked]] = {}
        for mode in modes:
            ranked[mode or "search"] = [stores.search(store_of[q["doc"]], q["question"], mode)
                                        for q in questions]
        client = OpenAIClient(api_key=engine.api_key, base_url=engine.base_url)
        try:
            names = {file_id: name for name, file_id in stores.file_ids.items()}
            assistants = {d: client.create_assistant(
                model=LOCAL_MODEL, instructions=DEFAULT_CHAT_INSTRUCTIONS,
                tools=[{"type": "file_search"}],
                tool_resources={"file_search": {"vector_store_ids": [store_of[d]]}}).id
                for d in docs}
            answers = []
            for number, q in enumerate(questions, start=1):
                item = Item(q["question"], q["reference"], [q["doc"]], q["kind"])
                answers.append(ask(client, assistants[q["doc"]], item, names))
                if number % 25 == 0:
                    print(f"  {label}: {number} of {len(questions)} answered", file=sys.stderr,
                          flush=True)
        finally:
            client.close()
        return EngineRun(label, ranked, answers, waited)


# --- report -----------------------------------------------------------------------------------


def recall_table(questions: list[dict], systems: list[tuple[str, list[Ranked]]]) -> None:
    doc_kind = {s.doc: s.kind for s in SOURCES}
    kinds = ("manual", "paper", "report", "slides")
    print(f"{'system':<32} {'R@1':>6} {'R@5':>6} {'R@10':>6}   R@5 " + "/".join(kinds))
    for label, ranked in systems:
        scores = [recall_at(questions, ranked, k) for k in KS]
        per_kind = []
        for kind in kinds:
            chosen = [i for i, q in enumerate(questions) if doc_kind[q["doc"]] == kind]
            per_kind.append(recall_at([questions[i] for i in chosen], [ranked[i] for i in chosen],
                                      5) if chosen else float("nan"))
        print(f"{label:<32} " + " ".join(f"{s:6.3f}" for s in scores) + "   "
              + "/".join(f"{s:.2f}" for s in per_kind))


def answer_table(questions: list[dict], runs: list[EngineRun]) -> None:
    width = 20
    print(f"{'':<40}" + "".join(f"{run.label:>{width}}" for run in runs))
    groups = [("all", list(range(len(questions))))] + [
        (f"kind {kind}", [i for i, q in enumerate(questions) if q["kind"] == kind])
        for kind in sorted({q["kind"] for q in questions})]

    def share(run: EngineRun, chosen: list[int], test) -> str:
        hits = sum(bool(test(questions[i], run.answers[i])) for i in chosen)
        return f"{hits}/{len(chosen)} = {hits / len(chosen):.2f}"

    for title, chosen in groups:
        if title == "all":
            rows = [("reference fact stated", lambda q, s: fact_stated(q["reference"], s.answer)),
                    ("a citation on a right page", right_page_cited),
                    ("\"doesn't say\"", lambda q, s: s.declined),
                    ("evidence among retrieved passages", evidence_retrieved),
                    ("runs not completed", lambda q, s: s.status != "completed")]
            print(f"all questions ({len(chosen)})")
            for name, test in rows:
                print(f"  {name:<38}" + "".join(f"{share(r, chosen, test):>{width}}" for r in runs))
            print(f"  {'unsupported figures (answers) of checked':<38}" + "".join(
                f"{sum(len(s.unsupported) for s in r.answers)} "
                f"({sum(bool(s.unsupported) for s in r.answers)}) of "
                f"{sum(s.figures_checked for s in r.answers)}".rjust(width) for r in runs))
            continue
        print(f"  fact stated, {title} ({len(chosen)})".ljust(40) + "".join(
            f"{share(r, chosen, lambda q, s: fact_stated(q['reference'], s.answer)):>{width}}"
            for r in runs))
    print("latency, create run -> completed (polled as the app does)")
    for run in runs:
        seconds = [s.seconds for s in run.answers]
        print(f"  {run.label}: p50 {percentile(seconds, 50) * 1000:.0f} ms,"
              f" p95 {percentile(seconds, 95) * 1000:.0f} ms")


def failure_report(questions: list[dict], run: EngineRun, examples: int) -> None:
    categories = [miss_category(q, s) for q, s in zip(questions, run.answers, strict=True)]
    misses = [c for c in categories if c]
    print(f"{run.label}: {len(misses)} of {len(questions)} answers miss the reference fact")
    for category, count in Counter(misses).most_common():
        print(f"  {count:3d}  {category}")
    shown = 0
    for q, s, category in zip(questions, run.answers, categories, strict=True):
        if category and shown < examples:
            shown += 1
            print(f"\n[{category}] {q['doc']} p.{q['pages']} ({q['kind']})\n  Q: {q['question']}"
                  f"\n  reference: {q['reference']!r}\n  answer: {s.answer[:500]!r}"
                  f"\n  cited pages: {s.cited_pages}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-old", action="store_true", help="skip the old engine")
    parser.add_argument("--old-ref", default=OLD_ENGINE_REF)
    parser.add_argument("--docs", type=int, help="only the questions of the first N documents")
    parser.add_argument("--fetch", action="store_true", help="fetch the documents and stop")
    parser.add_argument("--label", action="store_true", help="recompute the questions' pages")
    parser.add_argument("--dump", type=Path, help="write every answer with its scores (JSONL)")
    parser.add_argument("--examples", type=int, default=15, help="failures of the current engine")
    args = parser.parse_args()
    fetch()
    if args.fetch:
        return 0
    questions = load_questions()
    if args.label:
        label(questions)
        return 0
    if args.docs:
        kept = [s.doc for s in SOURCES][: args.docs]
        questions = [q for q in questions if q["doc"] in kept]
    docs = sorted({q["doc"] for q in questions})
    print(f"mixed documents: {len(questions)} questions over {len(docs)} documents ("
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(q["kind"] for q in questions).items()))
          + ")")
    texts = {d: pdf_page_texts(CACHE / d) for d in docs}
    baseline = PageBM25(texts)
    bm25 = [baseline.search(q["question"], q["doc"]) for q in questions]
    runs: list[EngineRun] = []
    with ExitStack(), tempfile.TemporaryDirectory() as tmp:
        engines: list[tuple[str, Path, tuple[str | None, ...]]] = [("current", ROOT, MODES)]
        if not args.no_old:
            engines.append((f"old {args.old_ref}", old_engine_tree(args.old_ref), (None,)))
        for label_, source, modes in engines:  # one at a time: the machine has 2 cores
            runs.append(run_engine(label_, source, Path(tmp) / label_.replace(" ", "-"),
                                   questions, modes))
    print("\npage recall, each question in a store holding only its document")
    recall_table(questions, [("whole-page BM25 (baseline)", bm25)] + [
        (f"{run.label} {mode}", ranked) for run in runs for mode, ranked in run.ranked.items()])
    for run in runs:
        if run.embed_seconds is not None:
            print(f"  {run.label}: embeddings done {run.embed_seconds:.0f} s after indexing")
    print("\nbuilt-in answers")
    answer_table(questions, runs)
    print()
    failure_report(questions, runs[0], args.examples)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for run in runs:
                for q, scored in zip(questions, run.answers, strict=True):
                    row = {k: v for k, v in asdict(scored).items() if k != "retrieved"}
                    out.write(json.dumps({
                        "engine": run.label, **{k: q[k] for k in ("doc", "question", "kind",
                                                                 "reference", "pages")},
                        "stated": fact_stated(q["reference"], scored.answer),
                        "category": miss_category(q, scored) if run is runs[0] else None,
                        **row}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
