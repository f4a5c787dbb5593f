"""Ingestion as jobs in the embedded default (SQLite, embedded Chroma, jobs on a thread of the process):
a job returns at once with an id, its state is readable while it runs, and a process killed mid-job
leaves no half report: the next start runs the job again from nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from nianbao.cli import main
from nianbao.container import Container
from nianbao.settings import Settings
from tests.vectorstore.test_indexer import stores_agree
from vectorstore.database import open_database
from vectorstore.jobs import JobJournal


def test_a_submitted_job_returns_at_once_and_its_state_follows_it(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    jobs = container.jobs

    job = jobs.submit(reports_dir / "001_huaian-city-2024.pdf")
    seen = {jobs.get(job.id).status}
    jobs.wait()
    done = jobs.get(job.id)

    assert job.status == "queued" and len(job.id) == 32
    assert seen <= {"queued", "running"}
    assert (done.status, done.stage, done.attempts) == ("done", "ingested", 1)
    assert done.outcome["agency"] == "淮安市人民政府" and done.outcome["chunks"] > 10
    assert stores_agree(container) == {done.report_id}
    assert [j.id for j in jobs.recent()] == [job.id]


def test_a_bad_file_fails_its_job_with_the_reason(tmp_path):
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<>> trailer")
    container = Container(Settings(data_dir=tmp_path / "data"))

    job = container.jobs.submit(broken)
    container.jobs.wait()
    failed = container.jobs.get(job.id)

    assert failed.status == "failed" and "损坏.pdf" in failed.error and "PDF" in failed.error
    assert stores_agree(container) == set()


def test_a_job_whose_worker_died_too_often_is_failed_visibly_and_leaves_nothing(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data", job_max_attempts=1))
    jobs = container.jobs
    job = jobs.journal.create("014_pingtan-2023.txt", reports_dir / "014_pingtan-2023.txt", "queue")
    jobs.journal.start(job.id)  # an attempt began, then its process vanished

    jobs.run(job.id)

    failed = jobs.get(job.id)
    assert failed.status == "failed" and "中断 1 次" in failed.error
    assert stores_agree(container) == set()


def test_a_process_killed_mid_job_leaves_no_half_report_and_the_job_runs_again(tmp_path, reports_dir):
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "nianbao.cli", "--data-dir", str(data_dir)]
    process = subprocess.Popen([*command, "ingest", "--queue", str(reports_dir / "001_huaian-city-2024.pdf")],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    job_id = process.stdout.readline().split()[0]  # printed as soon as the job is queued
    journal = JobJournal(open_database(f"sqlite:///{data_dir / 'figures.sqlite3'}"))
    _wait_for_stage(journal, job_id, {"indexing", "recording"})
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert journal.get(job_id).status == "running", "the kill must land mid-job"
    assert (data_dir / "chroma").is_dir()

    subprocess.run([*command, "worker"], check=True, capture_output=True, timeout=600)

    container = Container(Settings(data_dir=data_dir))
    finished = container.jobs.get(job_id)
    assert (finished.status, finished.attempts) == ("done", 2)
    assert stores_agree(container) == {finished.report_id}
    assert {r.agency for r in container.figure_store.reports()} == {"淮安市人民政府"}


def _wait_for_stage(journal, job_id, stages, timeout=300):
    deadline = time.time() + timeout
    while (stage := journal.get(job_id).stage) not in stages:
        assert time.time() < deadline, f"job stayed at {stage}"
        time.sleep(0.1)


def test_job_state_is_printed_by_the_command_line(tmp_path, reports_dir, capsys):
    container = Container(Settings(data_dir=tmp_path / "data"))
    job = container.jobs.submit(reports_dir / "014_pingtan-2023.txt")
    container.jobs.wait()

    assert main(["--data-dir", str(tmp_path / "data"), "jobs", job.id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["id"], shown["status"], shown["outcome"]["year"]) == (job.id, "done", 2023)
