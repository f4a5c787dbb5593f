"""A bounded load test on 127.0.0.1: concurrent clients mixing ask, search and figures, while a
report is re-ingested in the background. Reports errors and latency p50/p95/p99.

Usage: python bench/load_test.py --data-dir data/bench [--clients 50] [--seconds 60]
(the data directory must already hold the corpus: run bench/retrieval_eval.py once)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_perf import percentile  # noqa: E402
from bench.retrieval_eval import load_questions  # noqa: E402
from tests.servers import free_port, running  # noqa: E402

TOKEN = "load-test-admin-token"


async def client(base: str, questions: list[str], deadline: float, latencies: dict, errors: Counter, seed: int):
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline:
            kind = rng.choices(["ask", "search", "figures"], weights=[5, 4, 1])[0]
            question = rng.choice(questions)
            start = time.perf_counter()
            try:
                if kind == "ask":
                    reply = await http.post("/api/ask", json={"question": question})
                elif kind == "search":
                    reply = await http.get("/api/search", params={"q": question})
                else:
                    reply = await http.get("/api/figures", params={"figure": "new_received", "years": "2021-2025"})
                if reply.status_code != 200:
                    errors[f"{kind} {reply.status_code}"] += 1
            except httpx.HTTPError as error:
                errors[f"{kind} {type(error).__name__}"] += 1
            latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)


def reingest_loop(base: str, corpus: Path, deadline: float, errors: Counter) -> int:
    """Ingest while serving, through the upload API (the serving process owns the embedded stores):
    one report alternates between two versions, each replacing the other."""
    original = (corpus / "reports" / "014_pingtan-2023.txt").read_bytes()
    rounds = 0
    with httpx.Client(base_url=base, timeout=300, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        while time.monotonic() < deadline - 10:
            data = original + (b"\n" if rounds % 2 else b"")
            reply = http.post("/api/reports", files={"files": ("014_pingtan-2023.txt", data, "text/plain")})
            status = reply.json()["results"][0]["status"] if reply.status_code == 200 else reply.status_code
            if status not in ("ingested", "replaced", "unchanged"):
                errors[f"upload {status}"] += 1
            rounds += 1
    return rounds


async def main_async(args) -> int:
    questions = [q["question"] for q in load_questions()]
    port = free_port()
    env_command = [sys.executable, "-m", "nianbao.cli", "--data-dir", args.data_dir, "serve", "--port", str(port)]
    os.environ["NIANBAO_RATE_LIMIT_PER_MINUTE"] = "0"
    os.environ["NIANBAO_ADMIN_TOKEN"] = TOKEN
    with running(env_command, port, "nianbao serve"):
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + args.seconds
        latencies: dict[str, list[float]] = {}
        errors: Counter = Counter()
        ingest = asyncio.to_thread(reingest_loop, base, Path(args.corpus), deadline, errors)
        clients = [client(base, questions, deadline, latencies, errors, seed) for seed in range(args.clients)]
        rounds, *_ = await asyncio.gather(ingest, *clients)
    total = sum(len(values) for values in latencies.values())
    print(f"{args.clients} clients for {args.seconds} s on 127.0.0.1, with {rounds} re-ingestions meanwhile: "
          f"{total} requests ({total / args.seconds:.1f}/s), errors {sum(errors.values())} {dict(errors)}")
    everything = [value for values in latencies.values() for value in values]
    for name, values in [*sorted(latencies.items()), ("all", everything)]:
        print(f"  {name:<8} n={len(values):>5}  p50 {percentile(values, 0.5):7.0f} ms  "
              f"p95 {percentile(values, 0.95):7.0f} ms  p99 {percentile(values, 0.99):7.0f} ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
