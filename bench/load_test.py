"""A bounded load test on 127.0.0.1: concurrent clients mixing ask, search and figures, while a
report is uploaded again and again in the background. Reports req/s, errors and latency p50/p95/p99
per endpoint.

Usage: python bench/load_test.py --data-dir data/bench [--clients 50] [--seconds 60] [--no-uploads]
                                 [--shared] [--no-cache] [--questions retrieval|all]
(the data directory must already hold the corpus: run bench/retrieval_eval.py once)

Embedded (default): one `nianbao serve` owns the data directory; uploads are ingested by it.
--shared: the deployment of docs/deploy.md, started here: a PostgreSQL cluster and a `chroma run`
server (the data directory is copied into them with `nianbao migrate`), `nianbao serve --workers 2`
and one `nianbao worker`; uploads are queued as jobs.

Questions are drawn at random from bench/questions/retrieval.jsonl (143 texts, as in every earlier
run), or with --questions all from every question set there (812 different texts); the report says
how many requests repeated an earlier text (popular questions repeat on a real site, and the servers
remember answers). --no-cache turns the servers' answer and query-vector caches off, so that every
request is computed: the capacity for questions never seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_perf import percentile  # noqa: E402
from tests.servers import free_port, postgres_server, running  # noqa: E402

TOKEN = "load-test-admin-token"
WARM_UP_SECONDS = 30  # a cold start computes every question once per API process
QUESTION_SETS = {"retrieval": ("retrieval",), "all": ("answers", "blind", "dev", "retrieval")}


def load_questions(which: str = "retrieval") -> list[str]:
    texts = []
    for name in QUESTION_SETS[which]:
        for line in (ROOT / "bench" / "questions" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["question"])
    return sorted(set(texts))


async def client(base: str, questions: list[str], deadline: float, latencies: dict, errors: Counter, seed: int,
                 asked: list[str], timeline: list[tuple[float, float]]):
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline:
            kind = rng.choices(["ask", "search", "figures"], weights=[5, 4, 1])[0]
            question = rng.choice(questions)
            asked.append(question)
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
            timeline.append((time.monotonic(), (time.perf_counter() - start) * 1000))


def reingest_loop(base: str, corpus: Path, deadline: float, errors: Counter, latencies: dict,
                  finished: list[float]) -> int:
    """Upload while serving, through the upload API: one report alternates between two versions,
    each replacing the other. A queued upload is followed to its end before the next one."""
    original = (corpus / "reports" / "014_pingtan-2023.txt").read_bytes()
    rounds = 0
    with httpx.Client(base_url=base, timeout=300, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        while time.monotonic() < deadline - 10:
            data = original + (b"\n" if rounds % 2 else b"")
            start = time.perf_counter()
            reply = http.post("/api/reports", files={"files": ("014_pingtan-2023.txt", data, "text/plain")})
            latencies.setdefault("upload", []).append((time.perf_counter() - start) * 1000)
            result = reply.json()["results"][0] if reply.status_code in (200, 202) else {"status": reply.status_code}
            if "job" in result:
                while (job := http.get(f"/api/jobs/{result['job']}").json())["status"] not in ("done", "failed"):
                    time.sleep(0.5)
                result = job.get("outcome") or {"status": job["status"]}
            if result["status"] not in ("ingested", "replaced", "unchanged"):
                errors[f"upload {result['status']}"] += 1
            finished.append(time.monotonic())
            rounds += 1
    return rounds


async def load(base: str, args) -> tuple:
    questions = load_questions(args.questions)
    deadline = time.monotonic() + args.seconds
    latencies: dict[str, list[float]] = {}
    errors: Counter = Counter()
    asked: list[str] = []
    timeline: list[tuple[float, float]] = []
    finished: list[float] = []
    start = time.monotonic()
    clients = [client(base, questions, deadline, latencies, errors, seed, asked, timeline)
               for seed in range(args.clients)]
    if args.no_uploads:
        await asyncio.gather(*clients)
        return latencies, errors, 0, asked, timeline, start, finished
    ingest = asyncio.to_thread(reingest_loop, base, Path(args.corpus), deadline, errors, latencies, finished)
    rounds, *_ = await asyncio.gather(ingest, *clients)
    return latencies, errors, rounds, asked, timeline, start, finished


def report(args, latencies: dict, errors: Counter, rounds: int, asked: list[str],
           timeline: list[tuple[float, float]], start: float, finished: list[float]) -> None:
    reads = {name: values for name, values in latencies.items() if name != "upload"}
    total = sum(len(values) for values in reads.values())
    setup = "2 API workers + 1 queue worker on PostgreSQL + Chroma server" if args.shared else "embedded, 1 process"
    print(f"{setup}; {args.clients} clients for {args.seconds} s, {rounds} uploads meanwhile: "
          f"{total} reads ({total / args.seconds:.1f}/s), errors {sum(errors.values())} {dict(errors)}")
    repeated = len(asked) - len(set(asked))
    print(f"  questions: {len(set(asked))} different texts, {repeated} requests ({repeated / max(len(asked), 1):.0%}) "
          f"repeated an earlier one; server caches {'off' if args.no_cache else 'on'}")
    everything = [value for values in reads.values() for value in values]
    for name, values in [*sorted(latencies.items()), ("all reads", everything)]:
        print(f"  {name:<9} n={len(values):>5} {len(values) / args.seconds:6.1f}/s  "
              f"p50 {percentile(values, 0.5):7.0f} ms  p95 {percentile(values, 0.95):7.0f} ms  "
              f"p99 {percentile(values, 0.99):7.0f} ms")
    if timeline:  # where the slow reads fall: warming up, or after an upload changed the data
        windows: dict[int, list[float]] = {}
        for moment, latency in timeline:
            windows.setdefault(int((moment - start) // 10), []).append(latency)
        steady = [latency for moment, latency in timeline if moment - start >= WARM_UP_SECONDS]
        if steady:
            print(f"  after the first {WARM_UP_SECONDS} s (caches warm): n={len(steady)}  "
                  f"p50 {percentile(steady, 0.5):.0f} ms  p95 {percentile(steady, 0.95):.0f} ms  "
                  f"p99 {percentile(steady, 0.99):.0f} ms")
        done = ", ".join(f"{moment - start:.0f}" for moment in finished)
        print("  reads p95 per 10 s: " + "  ".join(f"{percentile(values, 0.95):.0f}"
                                                   for _, values in sorted(windows.items())) + " ms"
              + (f"; uploads done at {done} s" if finished else ""))


async def main_async(args) -> int:
    os.environ["NIANBAO_RATE_LIMIT_PER_MINUTE"] = "0"
    os.environ["NIANBAO_ADMIN_TOKEN"] = TOKEN
    if args.no_cache:
        os.environ["NIANBAO_ANSWER_CACHE_SIZE"] = os.environ["NIANBAO_QUERY_CACHE_SIZE"] = "0"
    port = free_port()
    nianbao = [sys.executable, "-m", "nianbao.cli", "--data-dir", args.data_dir]
    if not args.shared:
        with running([*nianbao, "serve", "--port", str(port)], port, "nianbao serve"):
            report(args, *await load(f"http://127.0.0.1:{port}", args))
        return 0
    with tempfile.TemporaryDirectory() as chroma_dir, postgres_server() as database:
        chroma_port = free_port()
        chroma = [str(Path(sys.executable).parent / "chroma"), "run", "--path", chroma_dir, "--port", str(chroma_port)]
        with running(chroma, chroma_port, "chroma run"):
            shared = {"NIANBAO_DATABASE_URL": database, "NIANBAO_CHROMA_URL": f"http://127.0.0.1:{chroma_port}"}
            subprocess.run([*nianbao, "migrate", "--to-database", database,
                            "--to-chroma", shared["NIANBAO_CHROMA_URL"]], check=True)
            os.environ.update(shared)
            # As in docs/deploy.md's unit: ingestion yields the cores to the readers.
            worker = subprocess.Popen(["nice", "-n", "10", *nianbao, "worker"])
            try:
                with running([*nianbao, "serve", "--port", str(port), "--workers", "2"], port, "nianbao serve",
                             timeout=300):
                    time.sleep(20)  # uvicorn listens before every worker process has loaded its models
                    report(args, *await load(f"http://127.0.0.1:{port}", args))
            finally:
                worker.terminate()
                worker.wait(timeout=120)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--no-uploads", action="store_true", help="the same load without uploads")
    parser.add_argument("--shared", action="store_true", help="PostgreSQL + Chroma server, 2 API workers, 1 worker")
    parser.add_argument("--no-cache", action="store_true", help="servers remember no answers or query vectors")
    parser.add_argument("--questions", choices=sorted(QUESTION_SETS), default="retrieval")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
