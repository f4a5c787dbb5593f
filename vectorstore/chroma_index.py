"""Dense vectors in Chroma (the only module importing chromadb): embedded or a server by setting."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from vectorstore.model import Chunk, Hit, SearchFilters


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached (a server down, a locked directory)."""


class ChromaIndex:
    """One collection per embedding model, so that switching models never mixes vectors."""

    def __init__(self, model_id: str, dimension: int, path: Path | None = None, url: str | None = None) -> None:
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings
        except ImportError as missing:
            raise RuntimeError("未安装 chromadb / chromadb is not installed: pip install chromadb") from missing
        settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if url:
                parsed = urlparse(url)
                self._client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or 8000,
                    ssl=parsed.scheme == "https",
                    settings=settings,
                )
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
            self.collection_name = "chunks-" + re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")[:50]
            # embedding_function=None: vectors always come from our embedder, never Chroma's default
            # (which would download a model).
            self._collection = self._client.get_or_create_collection(
                name=self.collection_name,
                embedding_function=None,
                metadata={"model": model_id, "dimension": dimension, "hnsw:space": "cosine"},
            )
        except Exception as error:  # chromadb raises many kinds for an unreachable server
            raise VectorStoreUnavailable(f"向量库不可用 / vector store unavailable: {error}") from error
        stored = self._collection.metadata or {}
        if stored.get("dimension") not in (None, dimension):
            raise ValueError(
                f"集合 {self.collection_name} 的向量维度是 {stored.get('dimension')}，当前模型是 {dimension}"
            )

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for start in range(0, len(chunks), 500):
            batch = chunks[start : start + 500]
            self._collection.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=vectors[start : start + 500].tolist(),
                documents=[chunk.text for chunk in batch],
                metadatas=[chunk.metadata() for chunk in batch],
            )

    def delete_report(self, report_id: str) -> None:
        self._collection.delete(where={"report_id": report_id})

    def export_report(self, report_id: str) -> tuple[list[Chunk], np.ndarray]:
        """A report's chunks and their vectors, as stored (for moving them to another store)."""
        found = self._collection.get(where={"report_id": report_id}, include=["embeddings", "documents", "metadatas"])
        chunks = [Chunk.from_metadata(chunk_id, text, meta)
                  for chunk_id, text, meta in zip(found["ids"], found["documents"], found["metadatas"], strict=True)]
        return chunks, np.asarray(found["embeddings"], dtype=np.float32)

    def report_ids(self) -> set[str]:
        found = self._collection.get(include=["metadatas"])
        return {str(meta["report_id"]) for meta in found["metadatas"] or []}

    def count(self) -> int:
        return self._collection.count()

    def search(self, vector: np.ndarray, top_k: int, filters: SearchFilters) -> list[Hit]:
        try:
            count = self._collection.count()
            if count == 0:
                return []
            result = self._collection.query(
                query_embeddings=[vector.tolist()],
                n_results=min(top_k, count),
                where=_where(filters),
                include=["documents", "metadatas", "distances"],
            )
        except Exception as error:  # a restarting server raises connection errors of several kinds
            raise VectorStoreUnavailable(f"向量库暂时不可用 / vector store unavailable: {error}") from error
        hits = []
        for chunk_id, text, meta, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            if filters.admits(meta):
                hits.append(Hit(Chunk.from_metadata(chunk_id, text, meta), 1.0 - float(distance)))
        return hits


def _where(filters: SearchFilters) -> dict | None:
    clauses: list[dict] = []
    if filters.agencies:
        clauses.append({"agency": {"$in": list(filters.agencies)}})
    if filters.year_from is not None:
        clauses.append({"year": {"$gte": filters.year_from}})
    if filters.year_to is not None:
        clauses.append({"year": {"$lte": filters.year_to}})
    if filters.section is not None:
        clauses.append({"section": filters.section})
    if filters.format is not None:
        clauses.append({"format": filters.format})
    if filters.excluded_reports:
        clauses.append({"report_id": {"$nin": list(filters.excluded_reports)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
