"""Answer latency through the HTTP API, one question at a time, as a citizen's browser sees it.

Usage: python bench/api_latency.py [--data-dir data/bench] [--sets own,dev,blind,retrieval] [--no-cache]
(the data directory must already hold the corpus: run bench/qa_eval.py or bench/retrieval_eval.py once)

Starts `nianbao serve` on 127.0.0.1, warms it with one question (models loaded, connections open),
then asks every question of the chosen sets once, in order, through POST /api/ask and reports p50,
p95 and p99 by the route the answer took: *figure answers* (figures, aggregate) and *document
answers* (documents). Every question is asked for the first time, so the answer cache never serves
it; the same texts asked a second time show the remembered-answer latency. --no-cache turns the
server's caches off altogether.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_perf import percentile  # noqa: E402
from tests.servers import free_port, running  # noqa: E402

ROUTES = {"figures": "figure answers", "aggregate": "figure answers", "documents": "document answers"}


def questions(sets: list[str]) -> list[str]:
    texts: list[str] = []
    for name in sets:
        path = ROOT / "bench" / "questions" / f"{'answers' if name == 'own' else name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and (text := json.loads(line)["question"]) not in texts:
                texts.append(text)
    return texts


def measure(http: httpx.Client, texts: list[str]) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {}
    for text in texts:
        start = time.perf_counter()
        reply = http.post("/api/ask", json={"question": text})
        elapsed = (time.perf_counter() - start) * 1000
        reply.raise_for_status()
        latencies.setdefault(ROUTES.get(reply.json()["route"], "other answers"), []).append(elapsed)
    return latencies


def show(title: str, latencies: dict[str, list[float]]) -> None:
    print(title)
    for name, values in sorted(latencies.items()):
        print(f"  {name:<17} n={len(values):>4}  p50 {percentile(values, 0.5):6.0f} ms  "
              f"p95 {percentile(values, 0.95):6.0f} ms  p99 {percentile(values, 0.99):6.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--sets", default="own,dev,blind,retrieval")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    os.environ["NIANBAO_RATE_LIMIT_PER_MINUTE"] = "0"
    if args.no_cache:
        os.environ["NIANBAO_ANSWER_CACHE_SIZE"] = os.environ["NIANBAO_QUERY_CACHE_SIZE"] = "0"
    texts = questions(args.sets.split(","))
    port = free_port()
    command = [sys.executable, "-m", "nianbao.cli", "--data-dir", args.data_dir, "serve", "--port", str(port)]
    with running(command, port, "nianbao serve"), httpx.Client(base_url=f"http://127.0.0.1:{port}",
                                                               timeout=60) as http:
        http.post("/api/ask", json={"question": "平潭综合实验区管委会2023年存在哪些主要问题？"}).raise_for_status()
        show(f"{len(texts)} questions, each asked for the first time "
             f"(server caches {'off' if args.no_cache else 'on'}):", measure(http, texts))
        if not args.no_cache:
            show("the same questions asked again (remembered answers):", measure(http, texts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
