"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused by reciprocal rank fusion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vectorstore.chroma_index import ChromaIndex
from vectorstore.embedding import Embedder
from vectorstore.lexical import LexicalIndex
from vectorstore.model import Hit, SearchFilters

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60


@dataclass
class Retriever:
    embedder: Embedder
    vectors: ChromaIndex
    lexical: LexicalIndex
    candidates: int = 50

    def search(self, query: str, top_k: int = 5, filters: SearchFilters | None = None, mode: Mode = "hybrid"):
        filters = filters or SearchFilters()
        if mode == "dense":
            return self._dense(query, top_k, filters)
        if mode == "bm25":
            return self.lexical.search(query, top_k, filters)
        pool = max(self.candidates, top_k)
        return fuse([self._dense(query, pool, filters), self.lexical.search(query, pool, filters)], top_k)

    def _dense(self, query: str, top_k: int, filters: SearchFilters) -> list[Hit]:
        return self.vectors.search(self.embedder.embed_query(query), top_k, filters)


def fuse(rankings: list[list[Hit]], top_k: int) -> list[Hit]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for the chunks it ranks."""
    scores: dict[str, float] = {}
    chunks = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + 1.0 / (RRF_K + rank)
            chunks[hit.chunk.id] = hit.chunk
    best = sorted(scores, key=lambda chunk_id: -scores[chunk_id])[:top_k]
    return [Hit(chunks[chunk_id], scores[chunk_id]) for chunk_id in best]
