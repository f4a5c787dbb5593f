"""Any sentence-transformers model from a local directory (the only module importing it)."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path

import numpy as np

from vectorstore.embedding import QueryFirstLock


class SentenceTransformerEmbedder:
    def __init__(self, model: str, batch_size: int = 32, threads: int | None = None) -> None:
        self.model = model
        self.batch_size = batch_size
        self.threads = threads
        self._lock = QueryFirstLock()
        path = Path(model)
        # A model directory is often named just "model": its parent says which model it is.
        name = f"{path.parent.name}-{path.name}" if path.exists() else model
        self.model_id = "st-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")

    @cached_property
    def _model(self):
        # Models come from a local directory or the local cache, never from a hub at run time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as missing:
            raise RuntimeError(
                "未安装 sentence-transformers / pip install sentence-transformers torch==2.13.0"
            ) from missing
        if self.threads:
            import torch

            torch.set_num_threads(self.threads)
        return SentenceTransformer(self.model, device="cpu")

    @cached_property
    def dimension(self) -> int:
        model = self._model
        measure = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(measure())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._lock.passages_in_batches(texts, self.batch_size, self._encode)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock.query():
            return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)
