"""Retrieval evaluation: dense vs BM25 vs hybrid over bench/questions/retrieval.jsonl.

Usage: python bench/retrieval_eval.py [--corpus ../shared/corpus] [--data-dir data/bench]

Ingests the corpus into the data directory (a no-op when already there), then asks every
question in the three modes and reports recall@1, recall@5 and MRR@10. A result is right when it
comes from the report and section the question names (or one of its `also` answers).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.cli import expand_paths  # noqa: E402
from nianbao.container import Container  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from qa.search import SearchRequest  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions" / "retrieval.jsonl"


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(container: Container, questions: list[dict], mode: str) -> dict[str, float]:
    ranks = []
    for question in questions:
        answers = {(question["file"], question["section"])} | {(a["file"], a["section"]) for a in question["also"]}
        hits = container.search.search(SearchRequest(query=question["question"], top_k=10, mode=mode))
        rank = next(
            (n for n, hit in enumerate(hits, 1) if (Path(hit.chunk.source).name, hit.chunk.section) in answers),
            None,
        )
        ranks.append(rank)
    total = len(ranks)
    return {
        "recall@1": sum(1 for r in ranks if r == 1) / total,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / total,
        "mrr@10": sum(1 / r for r in ranks if r) / total,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    args = parser.parse_args()
    container = Container(Settings(data_dir=Path(args.data_dir)))
    indexer = container.indexer
    indexer.repair()
    for path in expand_paths([str(Path(args.corpus) / "reports")]):
        indexer.ingest(path)
    questions = load_questions()
    print(f"{len(questions)} questions over {len(container.figure_store.reports())} reports "
          f"({container.embedder.model_id})")
    print(f"{'mode':<8}{'recall@1':>10}{'recall@5':>10}{'MRR@10':>10}")
    for mode in ("dense", "bm25", "hybrid"):
        scores = evaluate(container, questions, mode)
        print(f"{mode:<8}{scores['recall@1']:>10.3f}{scores['recall@5']:>10.3f}{scores['mrr@10']:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
