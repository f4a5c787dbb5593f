"""BM25 over jieba tokens (rank-bm25, the only module importing it), one file per report on disk."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vectorstore.model import Chunk, Hit, SearchFilters
from vectorstore.segmenter import Segmenter


@dataclass(frozen=True)
class _Snapshot:
    """One consistent BM25 index; searches keep using theirs while a new one is built."""

    flat: list[tuple[Chunk, list[str]]]
    bm25: object
    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    norm: np.ndarray

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        bm25 = self.bm25
        scores = np.zeros(len(self.flat))
        for token in query_tokens:
            idf = bm25.idf.get(token)
            if not idf or token not in self.postings:
                continue
            docs, counts = self.postings[token]
            scores[docs] += idf * counts * (bm25.k1 + 1) / (counts + self.norm[docs])
        return scores


class LexicalIndex:
    """Persisted beside the vectors: `<dir>/<report_id>.json` holds a report's chunks and tokens.

    A report file is written whole (temporary file, then rename), so a crash leaves either the old
    file or the new one; files of reports that never completed are swept by the indexer.
    """

    def __init__(self, directory: Path, segmenter: Segmenter) -> None:
        self.directory = directory
        self.segmenter = segmenter
        directory.mkdir(parents=True, exist_ok=True)
        self._docs: dict[str, list[tuple[Chunk, list[str]]]] | None = None
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def add(self, report_id: str, chunks: list[Chunk]) -> None:
        entries = [
            {
                "id": chunk.id,
                "text": chunk.text,
                "meta": chunk.metadata(),
                "tokens": self.segmenter.tokens(chunk.indexed_text()),
            }
            for chunk in chunks
        ]
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entries, out, ensure_ascii=False)
        os.replace(temporary, self.directory / f"{report_id}.json")
        with self._lock:
            if self._docs is not None:
                self._docs[report_id] = [(Chunk.from_metadata(e["id"], e["text"], e["meta"]), e["tokens"])
                                         for e in entries]
            self._snapshot = None

    def delete_report(self, report_id: str) -> None:
        (self.directory / f"{report_id}.json").unlink(missing_ok=True)
        with self._lock:
            if self._docs is not None:
                self._docs.pop(report_id, None)
            self._snapshot = None

    def report_ids(self) -> set[str]:
        return {path.stem for path in self.directory.glob("*.json")}

    def sweep_temporary_files(self) -> None:
        for path in self.directory.glob("*.tmp"):
            path.unlink(missing_ok=True)

    def search(self, query: str, top_k: int, filters: SearchFilters) -> list[Hit]:
        query_tokens = self.segmenter.tokens(query)
        if not query_tokens:
            return []
        snapshot = self._index()
        if snapshot is None:
            return []
        scores = snapshot.scores(query_tokens)
        matched = np.flatnonzero(scores > 0)
        ranked = matched[np.argsort(-scores[matched], kind="stable")]
        hits = []
        for position in ranked:
            chunk = snapshot.flat[position][0]
            if filters.admits(chunk.metadata()):
                hits.append(Hit(chunk, float(scores[position])))
                if len(hits) == top_k:
                    break
        return hits

    def _load(self) -> dict[str, list[tuple[Chunk, list[str]]]]:
        if self._docs is None:
            docs = {}
            for path in sorted(self.directory.glob("*.json")):
                entries = json.loads(path.read_text(encoding="utf-8"))
                docs[path.stem] = [(Chunk.from_metadata(e["id"], e["text"], e["meta"]), e["tokens"]) for e in entries]
            self._docs = docs
        return self._docs

    def _index(self) -> _Snapshot | None:
        snapshot = self._snapshot
        if snapshot is not None:
            return snapshot
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._build([entry for report in self._load().values() for entry in report])
            return self._snapshot

    @staticmethod
    def _build(flat: list[tuple[Chunk, list[str]]]) -> _Snapshot | None:
        if not flat:
            return None
        from rank_bm25 import BM25Okapi

        bm25 = BM25Okapi([tokens or ["∅"] for _, tokens in flat])
        # rank-bm25 scores every document for every query; postings score only those that hold
        # a query word (same formula, same idf), which keeps search fast at 10,000 reports.
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for position, frequencies in enumerate(bm25.doc_freqs):
            for token, count in frequencies.items():
                docs, counts = postings.setdefault(token, ([], []))
                docs.append(position)
                counts.append(count)
        arrays = {token: (np.asarray(d, dtype=np.int64), np.asarray(c, dtype=np.float64))
                  for token, (d, c) in postings.items()}
        lengths = np.asarray(bm25.doc_len, dtype=np.float64)
        return _Snapshot(flat, bm25, arrays, bm25.k1 * (1 - bm25.b + bm25.b * lengths / bm25.avgdl))
