"""Ingest throughput beside the raw embedding bound, and search latency at two index sizes.

Usage: python bench/index_perf.py [--corpus ../shared/corpus] [--scale 10000]

1. Ingests the corpus into a fresh data directory: reports/min and chunks/s.
2. Embeds the same chunk texts with the same model alone: the bound ingestion can approach.
3. Search latency (p50/p95, hybrid, dense, BM25) for the evaluation questions over the corpus.
4. The same at --scale reports: corpus reports re-labelled with other agency names, their
   vectors copied (not re-embedded), in a second data directory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.retrieval_eval import load_questions  # noqa: E402
from nianbao.cli import expand_paths  # noqa: E402
from nianbao.container import Container  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from qa.search import SearchRequest  # noqa: E402
from vectorstore.model import Chunk  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latencies(container: Container, questions: list[str], mode: str) -> tuple[float, float]:
    container.search.search(SearchRequest(query=questions[0], mode=mode))  # warm caches and indexes
    times = []
    for question in questions:
        start = time.perf_counter()
        container.search.search(SearchRequest(query=question, top_k=5, mode=mode))
        times.append((time.perf_counter() - start) * 1000)
    return percentile(times, 0.5), percentile(times, 0.95)


def scaled_copy(source: Container, target: Container, reports: int) -> int:
    """Re-label the corpus reports as other agencies until `reports` reports are indexed."""
    stored = source.figure_store.reports()
    everything = source.vectors._collection.get(include=["embeddings", "documents", "metadatas"])
    by_report: dict[str, list[int]] = {}
    for position, meta in enumerate(everything["metadatas"]):
        by_report.setdefault(meta["report_id"], []).append(position)
    tokens = {chunk.id: bag for r in stored for chunk, bag in source.lexical.export_report(r.id)}
    copies = -(-reports // len(stored))
    made = 0
    pending_chunks: list[Chunk] = []
    pending_vectors: list = []
    for copy in range(copies):
        for report in stored:
            if made == reports:
                break
            new_id = f"{report.id[:10]}x{copy:05d}"
            agency = f"{report.agency}（第{copy}号）"
            chunks = []
            for position in by_report[report.id]:
                meta = dict(everything["metadatas"][position], report_id=new_id, agency=agency)
                chunk = Chunk.from_metadata(f"{new_id}:{position}", everything["documents"][position], meta)
                chunks.append(chunk)
                pending_vectors.append(everything["embeddings"][position])
            pending_chunks.extend(chunks)
            target.lexical.add_tokenised(new_id, [(chunk, tokens[everything["ids"][position]])
                                                  for chunk, position in zip(chunks, by_report[report.id],
                                                                             strict=True)])
            with target.figure_store.engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO reports (id, source, content_hash, agency, region, year, format, status, chunks,"
                    " failing_checks) VALUES (?, ?, ?, ?, ?, ?, ?, 'complete', ?, 0)",
                    (new_id, report.source, new_id, agency, report.region, report.year, report.format, len(chunks)),
                )
            made += 1
            if len(pending_chunks) >= 5000:
                _flush(target, pending_chunks, pending_vectors)
    _flush(target, pending_chunks, pending_vectors)
    return made


def _flush(target: Container, chunks: list[Chunk], vectors: list) -> None:
    import numpy as np

    if chunks:
        target.vectors.add(list(chunks), np.asarray(vectors, dtype=np.float32))
    chunks.clear()
    vectors.clear()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--scale", type=int, default=10_000)
    args = parser.parse_args()
    questions = [q["question"] for q in load_questions()]
    with tempfile.TemporaryDirectory() as workdir:
        corpus = Container(Settings(data_dir=Path(workdir) / "corpus"))
        files = expand_paths([str(Path(args.corpus) / "reports")])
        start = time.perf_counter()
        chunks = sum(corpus.indexer.ingest(path).chunks for path in files)
        elapsed = time.perf_counter() - start
        print(f"ingest: {len(files)} reports, {chunks} chunks in {elapsed:.1f} s = "
              f"{len(files) / elapsed * 60:.1f} reports/min, {chunks / elapsed:.1f} chunks/s")

        texts = [chunk.indexed_text() for r in corpus.figure_store.reports()
                 for chunk, _ in corpus.lexical.export_report(r.id)]
        start = time.perf_counter()
        corpus.embedder.embed_passages(texts)
        bound = len(texts) / (time.perf_counter() - start)
        print(f"embedding alone ({corpus.embedder.model_id}): {bound:.1f} chunks/s; "
              f"ingestion reaches {chunks / elapsed / bound:.0%} of it")

        for mode in ("hybrid", "dense", "bm25"):
            p50, p95 = latencies(corpus, questions, mode)
            print(f"search {mode:<6} at {len(files)} reports: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

        scaled = Container(Settings(data_dir=Path(workdir) / "scaled"))
        start = time.perf_counter()
        made = scaled_copy(corpus, scaled, args.scale)
        print(f"scaled index: {made} reports, {scaled.vectors.count()} chunks, built in "
              f"{time.perf_counter() - start:.0f} s")
        for mode in ("hybrid", "dense", "bm25"):
            p50, p95 = latencies(scaled, questions, mode)
            print(f"search {mode:<6} at {made} reports: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
