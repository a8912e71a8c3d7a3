"""Answer quality of the built-in model against the reference answers of qna_data.csv, next to
the old engine's (commit dcd89a4), same questions, same run.

Setup as a user of the app would have it: the 20 filings in one vector store, an assistant with
file_search over it (the chat copilot's default instructions), each question on a fresh thread,
the run created and polled to completion with core's OpenAIClient as the app does (its default
polling, which follows the engine's `openai-poll-after-ms`).

Per answer, against its reference answer:
- key figures: the reference's amounts and percentages (its dates when it has neither),
  normalised ("$65.8 billion" = "65,775 million" = the table cell "65,775" within rounding);
  "first figure stated" is the target measure (the reference leads with the answer), "figures
  stated" the mean share of all of them; names: the reference's proper names the answer states;
- right file cited: a citation names one of the files the question's Source Docs match;
- "doesn't say": the answer declines;
- unsupported figures: figures in the answer found in none of its cited passages (the quote and
  the retrieved text of the cited file that holds it; a date counts as found when its month and
  day and its year stand in one passage, as a table's headings give them); target 0;
- latency: create run → completed, as polled.
Single-document questions (Source Docs match one file) are reported apart from multi-document.

Run: `python benchmarks/answer_quality.py [--subset N] [--no-old] [--per-file] [--examples K]
[--questions qna|page]`; `--per-file` asks each question of a store holding only its own Source
Docs (no choosing among filings: the answerer and the within-document ranking alone).
`--questions page` asks instead the questions of benchmarks/data/page_questions.jsonl whose
evidence holds a figure (an analyst's plain questions, "How much cash did Apple hold at the end
of the period?", written for page retrieval, not for the answerer), each of its own filing's
store, scored the same way with the evidence as the reference ("Cash and cash equivalents
$ 27,502").
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _common import (
    OLD_ENGINE_REF,
    ROOT,
    SEC10Q,
    SEC10Q_DOCS,
    Figure,
    date_in_headings,
    engine_server,
    extract_figures,
    key_figures,
    key_names,
    names_stated,
    old_engine_tree,
    percentile,
    says_doesnt_say,
    squash,
    states,
    wait_for_embeddings,
)

from core.client import OpenAIClient
from core.client._pagination import RunStepListQueryParameters
from core.copilots._options import DEFAULT_CHAT_INSTRUCTIONS
from core.types.messages import FileCitationAnnotation, TextContent
from core.types.run_steps import FILE_SEARCH_RESULT_CONTENT

LOCAL_MODEL = "pdf-copilot-local"
QNA = SEC10Q / "sec-10-q" / "data" / "v1" / "qna_data.csv"
TARGET_FIRST_FIGURE = 0.60
TARGET_P50_S = 1.0


@dataclass
class Item:
    question: str
    reference: str
    files: list[str]
    kind: str

    @property
    def single(self) -> bool:
        return len(self.files) == 1


@dataclass
class Scored:
    answer: str
    seconds: float
    status: str
    cited_files: list[str]
    figures_total: int = 0
    figures_stated: int = 0
    first_stated: bool | None = None  # None: the reference has no key figure
    names_total: int = 0
    names_stated: int = 0
    right_file: bool = False
    declined: bool = False
    figures_checked: int = 0  # figures the answer states, each looked up in its cited passages
    unsupported: list[str] = field(default_factory=list)
    cited_pages: list[list[int]] = field(default_factory=list)  # per citation, its pages
    retrieved: list[str] = field(default_factory=list)  # the texts the run's file_search returned


def load_items(subset: int | None) -> list[Item]:
    names = sorted(p.name for p in SEC10Q_DOCS.glob("*.pdf"))
    with QNA.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = [Item(row["Question"].strip(), row["Answer"],
                  fnmatch.filter(names, row["Source Docs"].strip()), row["Question Type"])
             for row in rows]
    if subset and subset < len(items):
        step = len(items) / subset
        items = [items[int(i * step)] for i in range(subset)]
    return items


PAGE_QUESTIONS = Path(__file__).resolve().parent / "data" / "page_questions.jsonl"


def load_page_items(subset: int | None) -> list[Item]:
    """The page questions whose evidence holds a figure, as items with the evidence for
    their reference."""
    with PAGE_QUESTIONS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    items = [Item(row["question"], row["evidence"], [row["file"]], row["kind"])
             for row in rows if key_figures(row["evidence"])]
    if subset and subset < len(items):
        step = len(items) / subset
        items = [items[int(i * step)] for i in range(subset)]
    return items


def search_results(client: OpenAIClient, thread_id: str, run_id: str) -> list[tuple[str, str]]:
    """(file id, text) of every result the run's file_search steps returned."""
    results = []
    query = RunStepListQueryParameters(include=[FILE_SEARCH_RESULT_CONTENT], limit=100)
    for step in client.get_run_steps(thread_id, run_id, query):
        for call in getattr(step.step_details, "tool_calls", None) or []:
            search = getattr(call, "file_search", None)
            for result in (search.results or []) if search is not None else []:
                text = " ".join(c.text for c in result.content or [])
                results.append((result.file_id, text))
    return results


def cited_passages(results: list[tuple[str, str]],
                   citations: list[FileCitationAnnotation]) -> list[str]:
    """Each citation's quote, and the retrieved text of its file that holds that quote."""
    passages = []
    for citation in citations:
        cited = citation.file_citation
        quote = cited.quote or ""
        passages.append(quote)
        head = squash(quote)[:40]
        passages += [text for file_id, text in results
                     if file_id == cited.file_id and (not head or head in squash(text))]
    return passages


def ask(client: OpenAIClient, assistant_id: str, item: Item, file_names: dict[str, str]) -> Scored:
    thread = client.create_thread(messages=[{"role": "user", "content": item.question}])
    start = time.perf_counter()
    run = client.create_run(thread.id, assistant_id=assistant_id)
    run = client.wait_for_run_to_complete(thread.id, run.id)
    seconds = time.perf_counter() - start
    text, citations = "", []
    if run.status == "completed":
        for message in client.get_thread_messages(thread.id, run_id=run.id, order="desc"):
            if message.role == "assistant":
                for part in message.content:
                    if isinstance(part, TextContent):
                        text += part.text.value
                        citations += [a for a in part.text.annotations
                                      if isinstance(a, FileCitationAnnotation)]
                break
    cited_files = [a.file_citation.filename or file_names.get(a.file_citation.file_id, "")
                   for a in citations]
    scored = Scored(text, seconds, run.status, cited_files,
                    cited_pages=[list(a.file_citation.pages or []) for a in citations])
    results = search_results(client, thread.id, run.id) if run.status == "completed" else []
    scored.retrieved = [text for _, text in results]
    score(scored, item, cited_passages(results, citations) if citations else [])
    return scored


def score(scored: Scored, item: Item, passages: list[str]) -> None:
    answer = scored.answer
    stated = extract_figures(answer)
    wanted = key_figures(item.reference)
    scored.figures_total = len(wanted)
    scored.figures_stated = sum(states(f, stated) for f in wanted)
    scored.first_stated = states(wanted[0], stated) if wanted else None
    names = key_names(item.reference)
    scored.names_total = len(names)
    scored.names_stated = sum(names_stated(n, answer) for n in names)
    scored.right_file = any(name in item.files for name in scored.cited_files)
    scored.declined = says_doesnt_say(answer)
    supported: list[Figure] = [f for passage in passages for f in extract_figures(passage)]
    scored.figures_checked = len(stated)
    scored.unsupported = [f.text for f in stated if not states(f, supported)
                          and not any(date_in_headings(f, p) for p in passages)]


@dataclass
class Summary:
    n: int
    first: tuple[int, int]  # stated, questions with a key figure
    figure_share: float
    names: tuple[int, int]
    right_file: float
    declined: float
    unsupported: int
    unsupported_answers: int
    checked: int
    failed: int


def summarise(items: list[Item], scores: list[Scored]) -> Summary:
    with_figure = [s for s in scores if s.first_stated is not None]
    shares = [s.figures_stated / s.figures_total for s in scores if s.figures_total]
    n = max(len(scores), 1)
    return Summary(
        n=len(scores),
        first=(sum(bool(s.first_stated) for s in with_figure), len(with_figure)),
        figure_share=sum(shares) / len(shares) if shares else float("nan"),
        names=(sum(s.names_stated for s in scores), sum(s.names_total for s in scores)),
        right_file=sum(s.right_file for s in scores) / n,
        declined=sum(s.declined for s in scores) / n,
        unsupported=sum(len(s.unsupported) for s in scores),
        unsupported_answers=sum(bool(s.unsupported) for s in scores),
        checked=sum(s.figures_checked for s in scores),
        failed=sum(s.status != "completed" for s in scores),
    )


def run_engine(label: str, source: Path, workdir: Path, items: list[Item], *,
               per_file: bool = False, after_embedding: bool = False) -> list[Scored]:
    """Ask every item of one engine: all filings in one store, or (`per_file`) each question
    of a store holding only its own Source Docs (the files it was written about); with
    `after_embedding`, once every file has its vectors (hybrid search), else right after
    indexing, as a user who asks at once (lexical until a file's vectors arrive)."""
    with engine_server(label, source, workdir) as engine:
        client = OpenAIClient(api_key=engine.api_key, base_url=engine.base_url)
        try:
            paths = sorted(SEC10Q_DOCS.glob("*.pdf"))
            files = [client.upload_file(path) for path in paths]
            file_names = {f.id: path.name for f, path in zip(files, paths, strict=True)}
            ids = {path.name: f.id for f, path in zip(files, paths, strict=True)}
            groups = sorted({tuple(item.files) for item in items}) if per_file else \
                [tuple(ids)]
            started = time.perf_counter()
            assistants: dict[tuple[str, ...], str] = {}
            for group in groups:
                store = client.create_vector_store_and_wait_to_complete(
                    name=", ".join(group)[:200], file_ids=[ids[name] for name in group])
                assistants[group] = client.create_assistant(
                    model=LOCAL_MODEL, instructions=DEFAULT_CHAT_INSTRUCTIONS,
                    tools=[{"type": "file_search"}],
                    tool_resources={"file_search": {"vector_store_ids": [store.id]}}).id
            print(f"  {label}: {len(groups)} store(s) of {len(files)} files indexed in"
                  f" {time.perf_counter() - started:.0f} s", flush=True)
            if after_embedding:  # else questions come while files are still being embedded
                wait_for_embeddings(engine)
            scores = []
            for number, item in enumerate(items, start=1):
                group = tuple(item.files) if per_file else tuple(ids)
                scores.append(ask(client, assistants[group], item, file_names))
                if number % 25 == 0:
                    print(f"  {label}: {number} of {len(items)} answered", file=sys.stderr,
                          flush=True)
            return scores
        finally:
            client.close()


def report(items: list[Item], results: dict[str, list[Scored]]) -> None:
    labels = list(results)
    groups = [("single-doc", [i for i, item in enumerate(items) if item.single]),
              ("multi-doc", [i for i, item in enumerate(items) if not item.single]),
              ("all", list(range(len(items))))]
    width = 22
    print(f"{'':<44}" + "".join(f"{label:>{width}}" for label in labels))
    for title, chosen in groups:
        if not chosen:
            continue
        sums = {label: summarise([items[i] for i in chosen], [results[label][i] for i in chosen])
                for label in labels}

        def line(name: str, render, sums=sums) -> None:
            print(f"  {name:<42}" + "".join(f"{render(sums[label]):>{width}}" for label in labels))

        print(f"{title} ({len(chosen)} questions)")
        line("first key figure stated", lambda s: f"{s.first[0]}/{s.first[1]} = "
             f"{s.first[0] / s.first[1]:.2f}" if s.first[1] else "-")
        line("share of key figures stated (mean)", lambda s: f"{s.figure_share:.2f}")
        line("reference names stated", lambda s: f"{s.names[0]}/{s.names[1]}")
        line("citations include a right file", lambda s: f"{s.right_file:.2f}")
        line("\"doesn't say\" rate", lambda s: f"{s.declined:.2f}")
        line("unsupported figures (answers) of checked", lambda s: f"{s.unsupported}"
             f" ({s.unsupported_answers}) of {s.checked}")
        line("runs not completed", lambda s: f"{s.failed}")
    print("latency, create run -> completed (polled as the app does)")
    for label in labels:
        seconds = [s.seconds for s in results[label]]
        print(f"  {label}: p50 {percentile(seconds, 50) * 1000:.0f} ms,"
              f" p95 {percentile(seconds, 95) * 1000:.0f} ms (n={len(seconds)})")
    current = results[labels[0]]
    single = [i for i, item in enumerate(items) if item.single]
    s = summarise([items[i] for i in single], [current[i] for i in single])
    first = s.first[0] / s.first[1] if s.first[1] else float("nan")
    p50 = percentile([r.seconds for r in current], 50)
    total_unsupported = sum(len(r.unsupported) for r in current)
    print(f"targets ({labels[0]}): first key figure stated in ≥ {TARGET_FIRST_FIGURE:.0%} of"
          f" single-doc questions with one: {first:.2f} {'met' if first >= TARGET_FIRST_FIGURE else 'NOT met'};"
          f" 0 unsupported figures: {total_unsupported} {'met' if total_unsupported == 0 else 'NOT met'};"
          f" chat turn p50 < {TARGET_P50_S:.0f} s: {p50:.2f} s {'met' if p50 < TARGET_P50_S else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", type=int, help="every k-th question, N in all")
    parser.add_argument("--no-old", action="store_true", help="skip the old engine")
    parser.add_argument("--old-ref", default=OLD_ENGINE_REF)
    parser.add_argument("--per-file", action="store_true",
                        help="ask each question of a store holding only its own Source Docs")
    parser.add_argument("--after-embedding", action="store_true",
                        help="ask once every file is embedded (hybrid search throughout)")
    parser.add_argument("--questions", choices=("qna", "page"), default="qna",
                        help="qna_data.csv (default) or the page questions with a figure")
    parser.add_argument("--dump", type=Path, help="write every answer with its scores (JSONL)")
    parser.add_argument("--examples", type=int, default=0,
                        help="print K answers of the current engine with their scores")
    args = parser.parse_args()
    if not QNA.is_file():
        print(f"qna_data.csv not found at {QNA}", file=sys.stderr)
        return 2
    items = load_items(args.subset) if args.questions == "qna" else load_page_items(args.subset)
    print(f"answer quality: {len(items)} questions of"
          f" {'qna_data.csv' if args.questions == 'qna' else PAGE_QUESTIONS.name}"
          f" ({sum(i.single for i in items)} single-doc), built-in model {LOCAL_MODEL}")
    results: dict[str, list[Scored]] = {}
    with ExitStack(), tempfile.TemporaryDirectory() as tmp:
        engines = [("current", ROOT)]
        if not args.no_old:
            engines.append((f"old {args.old_ref}", old_engine_tree(args.old_ref)))
        for label, source in engines:  # one at a time: the machine has 2 cores
            results[label] = run_engine(label, source, Path(tmp) / label.replace(" ", "-"), items,
                                        per_file=args.per_file,
                                        after_embedding=args.after_embedding)
    report(items, results)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for label, scores in results.items():
                for item, scored in zip(items, scores, strict=True):
                    out.write(json.dumps({
                        "engine": label, "question": item.question, "files": item.files,
                        "reference_figures": [f.text for f in key_figures(item.reference)],
                        "reference_names": key_names(item.reference),
                        **{k: v for k, v in asdict(scored).items() if k != "retrieved"}},
                        ensure_ascii=False) + "\n")
    for item, scored in list(zip(items, results["current"], strict=True))[:args.examples]:
        print(f"\nQ: {item.question}\n  reference figures: {[f.text for f in key_figures(item.reference)]}"
              f"\n  answer: {scored.answer[:400]!r}\n  first stated: {scored.first_stated},"
              f" cited: {scored.cited_files}, unsupported: {scored.unsupported}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
