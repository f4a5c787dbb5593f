"""Several processes on shared stores, for real: two API processes and one queue worker on a
PostgreSQL cluster and a `chroma run` server, each started here as `nianbao` commands.

What one process writes, the other reads; a report removed through one is gone from the other's
answers; a worker killed with SIGKILL mid-job leaves the report complete or absent in all three
stores (figures, vectors, BM25), never half."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.servers import free_port, running
from vectorstore.jobs import JobJournal

ADMIN_TOKEN = "scale-test-token"
QUESTION = "平潭综合实验区管委会2023年收到多少政府信息公开申请？"


@pytest.fixture
def shared_stores(tmp_path, postgres_url):
    port = free_port()
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    command = [binary, "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, port, "chroma run"):
        yield {
            "NIANBAO_DATABASE_URL": postgres_url,
            "NIANBAO_CHROMA_URL": f"http://127.0.0.1:{port}",
            "NIANBAO_DATA_DIR": str(tmp_path / "data"),  # uploads: a folder every process on this host sees
            "NIANBAO_ADMIN_TOKEN": ADMIN_TOKEN,
            "NIANBAO_JOB_STALL_SECONDS": "4",
            "HF_HUB_OFFLINE": "1",
        }


def nianbao(*args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", *args]


@contextlib.contextmanager
def api_process(environment: dict):
    port = free_port()
    with running(nianbao("serve", "--port", str(port)), port, "nianbao serve", env=environment):
        yield httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                           headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})


def start_worker(environment: dict) -> subprocess.Popen:
    return subprocess.Popen(nianbao("worker"), env={**os.environ, **environment},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stores(environment: dict) -> Container:
    return Container(Settings(data_dir=Path(environment["NIANBAO_DATA_DIR"]),
                              database_url=environment["NIANBAO_DATABASE_URL"],
                              chroma_url=environment["NIANBAO_CHROMA_URL"]))


def held_everywhere(container: Container) -> dict[str, set[str]]:
    return {
        "figures": {r.id for r in container.figure_store.reports()} | container.figure_store.figure_report_ids(),
        "pending": {r.id for r in container.figure_store.reports(status="pending")},
        "vectors": container.vectors.report_ids(),
        "bm25": container.lexical.report_ids(),
    }


def upload(through: httpx.Client, path: Path, followed_by: httpx.Client) -> dict:
    """Upload through one process; the job is queued, and followed through another to its end."""
    response = through.post("/api/reports", files=[("files", (path.name, path.read_bytes(), "text/plain"))])
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == "queued", result
    deadline = time.time() + 600
    while (job := followed_by.get(f"/api/jobs/{result['job']}").json())["status"] not in ("done", "failed"):
        assert time.time() < deadline, job
        time.sleep(0.5)
    return {**job["outcome"], "attempts": job["attempts"]}


def cited_sources(client: httpx.Client) -> set[str]:
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    return {citation["source"] for citation in answer["citations"]}


def test_two_api_processes_and_a_worker_share_reports_removals_and_survive_a_killed_worker(
        shared_stores, reports_dir, tmp_path):
    worker = start_worker(shared_stores)
    try:
        with api_process(shared_stores) as a, api_process(shared_stores) as b:
            outcome = upload(a, reports_dir / "014_pingtan-2023.txt", followed_by=b)
            assert (outcome["status"], outcome["attempts"]) == ("ingested", 1), outcome

            answer = b.post("/api/ask", json={"question": QUESTION}).json()
            assert "81" in answer["answer"] and "014_pingtan-2023.txt" in cited_sources(b)
            hits = b.get("/api/search", params={"q": "平潭 政府信息公开申请", "mode": "bm25"}).json()["results"]
            assert hits and hits[0]["agency"] == "平潭综合实验区管委会", "B reads the BM25 index A's upload wrote"

            assert b.delete(f"/api/reports/{outcome['report_id']}").status_code == 200
            assert "014_pingtan-2023.txt" not in cited_sources(a)
            assert a.get("/api/search", params={"q": "平潭 政府信息公开申请", "mode": "bm25"}).json()["results"] == []

            # A worker killed in the middle of a job.
            queued = subprocess.run(nianbao("ingest", "--queue",
                                            str(reports_dir / "001_huaian-city-2024.pdf")),
                                    env={**os.environ, **shared_stores}, capture_output=True, text=True, timeout=300)
            assert queued.returncode == 0, queued.stderr
            job_id = queued.stdout.split()[0]
            container = stores(shared_stores)
            journal = JobJournal(container.database)
            _wait(lambda: journal.get(job_id).stage in ("indexing", "recording"), "the job to start indexing")
            worker.send_signal(signal.SIGKILL)
            worker.wait()

            killed = journal.get(job_id)
            assert killed.status == "running" and killed.report_id
            assert not any(h["agency"] == "淮安市人民政府" for h in
                           a.get("/api/search", params={"q": "淮安市 行政复议"}).json()["results"]), \
                "an unfinished report is never cited"

            worker = start_worker(shared_stores)
            _wait(lambda: journal.get(job_id).status in ("done", "failed"), "the job to be retried", 600)
            finished = journal.get(job_id)
            assert (finished.status, finished.attempts) == ("done", 2), finished
            held = held_everywhere(container)
            assert held["pending"] == set()
            assert held["figures"] == held["vectors"] == held["bm25"] == {finished.report_id}
            assert any(h["agency"] == "淮安市人民政府" for h in
                       b.get("/api/search", params={"q": "淮安市 行政复议"}).json()["results"])
    finally:
        stop(worker)


def _wait(condition, what: str, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_serve_with_two_worker_processes_answers_on_one_port(shared_stores, reports_dir):
    stores(shared_stores).indexer.ingest(reports_dir / "014_pingtan-2023.txt")
    port = free_port()
    with running(nianbao("serve", "--port", str(port), "--workers", "2"), port, "nianbao serve --workers 2",
                 timeout=300, env=shared_stores) as server:
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        # Worker processes are started by multiprocessing's spawn (beside it runs its resource tracker).
        workers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
        answers = [client.post("/api/ask", json={"question": QUESTION}).json() for _ in range(6)]

    assert len(workers) == 2
    assert all("81" in answer["answer"] for answer in answers)
