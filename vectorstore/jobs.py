"""Ingestion jobs: a journal row per file (state, stage, outcome) that every process can read, and
the runner that ingests a job's file while a heartbeat shows it is alive.

A queue delivers job ids to runners: PostgreSQL deployments use procrastinate
(`vectorstore.queue_procrastinate`), the embedded default a thread in the serving process
(`InProcessQueue`). The journal, not the queue, is what the UI reads. When a runner's process is
killed, the queue delivers the job again; the next attempt first erases the unfinished report of
the dead one from every store, and after `max_attempts` the job is marked failed with the reason.
The journal's heartbeat tells `repair()` which pending reports a live job is still writing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from vectorstore.figure_store import guarded
from vectorstore.indexer import Indexer, StageListener
from vectorstore.schema import ingest_jobs

Status = Literal["queued", "running", "done", "failed"]
Runner = Literal["queue", "direct"]
"""`queue`: delivered by the queue, which retries it if its process dies; `direct`: run by the
command that created it (`nianbao ingest`), marked failed by `repair()` if that process died."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobState:
    id: str
    filename: str
    status: Status
    stage: str | None
    """queued, reading, indexing, recording (while running), then the outcome's status."""
    attempts: int
    report_id: str | None
    outcome: dict | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    def json(self) -> dict:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data


class JobQueue(Protocol):
    runs_elsewhere: bool
    """True when other processes (`nianbao worker`) run the jobs."""

    def enqueue(self, job_id: str, lock: str | None = None) -> None: ...

    def resume(self, jobs: IngestJobs) -> None: ...

    def wait(self) -> None: ...

    def serve_jobs(self, concurrency: int) -> None: ...


def _now() -> datetime:
    # Naive UTC: the column is a plain timestamp in both SQLite and PostgreSQL.
    return datetime.now(UTC).replace(tzinfo=None)


class JobJournal:
    """The `ingest_jobs` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _writing(self):
        # Locked (SQLite) or unreachable: the caller answers 503.
        return guarded(self.engine.begin(), "任务库暂时不可用 / job journal unavailable")

    def _reading(self):
        return guarded(self.engine.connect(), "任务库暂时不可用 / job journal unavailable")

    def create(self, filename: str, path: Path, runner: Runner, staged: Path | None = None) -> JobState:
        job_id = uuid.uuid4().hex
        now = _now()
        with self._writing() as connection:
            connection.execute(ingest_jobs.insert().values(
                id=job_id, filename=filename, path=str(path), runner=runner, staged=staged and str(staged),
                status="queued", stage="queued", attempts=0, created_at=now, updated_at=now))
        return self.get(job_id)

    def get(self, job_id: str) -> JobState | None:
        with self._reading() as connection:
            row = connection.execute(select(ingest_jobs).where(ingest_jobs.c.id == job_id)).first()
        return _state(row) if row else None

    def paths(self, job_id: str) -> tuple[Path, Path | None]:
        """Where the job's file is ingested from, and where it waits until then (uploads)."""
        with self._reading() as connection:
            row = connection.execute(select(ingest_jobs.c.path, ingest_jobs.c.staged)
                                     .where(ingest_jobs.c.id == job_id)).one()
        return Path(row.path), Path(row.staged) if row.staged else None

    def recent(self, limit: int = 50) -> list[JobState]:
        with self._reading() as connection:
            rows = connection.execute(select(ingest_jobs).order_by(ingest_jobs.c.created_at.desc()).limit(limit))
            return [_state(row) for row in rows]

    def start(self, job_id: str) -> None:
        now = _now()
        self._set(job_id, status="running", stage="reading", attempts=ingest_jobs.c.attempts + 1, error=None,
                  heartbeat_at=now)

    def stage(self, job_id: str, stage: str, report_id: str | None = None) -> None:
        values = {"stage": stage, "heartbeat_at": _now()}
        if report_id:
            values["report_id"] = report_id
        self._set(job_id, **values)

    def beat(self, job_id: str) -> None:
        self._set(job_id, heartbeat_at=_now())

    def finish(self, job_id: str, outcome: dict) -> None:
        status = "failed" if outcome["status"] == "failed" else "done"
        self._set(job_id, status=status, stage=outcome["status"], outcome=json.dumps(outcome, ensure_ascii=False),
                  error=outcome.get("reason") if status == "failed" else None, heartbeat_at=None)

    def fail(self, job_id: str, reason: str) -> None:
        self._set(job_id, status="failed", stage="failed", error=reason, heartbeat_at=None)

    def requeue(self, job_id: str, reason: str) -> None:
        self._set(job_id, status="queued", stage="queued", error=reason, heartbeat_at=None)

    def unfinished(self) -> list[str]:
        """Jobs of the queue not finished yet, oldest first."""
        with self._reading() as connection:
            return list(connection.execute(select(ingest_jobs.c.id).where(
                ingest_jobs.c.runner == "queue", ingest_jobs.c.status.in_(["queued", "running"]))
                .order_by(ingest_jobs.c.created_at)).scalars())

    def fail_dead_direct_jobs(self, silent_for: timedelta) -> int:
        """Direct jobs whose command died (no queue will retry them) are marked failed, visibly."""
        with self._writing() as connection:
            return connection.execute(update(ingest_jobs).where(
                ingest_jobs.c.runner == "direct", ingest_jobs.c.status == "running",
                ingest_jobs.c.heartbeat_at < _now() - silent_for,
            ).values(status="failed", stage="failed", heartbeat_at=None, updated_at=_now(),
                     error="运行入库命令的进程已中断 / the ingest command died")).rowcount

    def live_report_ids(self, silent_for: timedelta) -> set[str]:
        """Reports that a running job with a recent heartbeat is writing right now."""
        cutoff = _now() - silent_for
        with self._reading() as connection:
            return set(connection.execute(select(ingest_jobs.c.report_id).where(
                ingest_jobs.c.status == "running", ingest_jobs.c.heartbeat_at >= cutoff,
                ingest_jobs.c.report_id.is_not(None))).scalars())

    def _set(self, job_id: str, **values) -> None:
        with self._writing() as connection:
            connection.execute(update(ingest_jobs).where(ingest_jobs.c.id == job_id)
                               .values(updated_at=_now(), **values))


class IngestJobs:
    """What callers use: submit a file, read a job, run one (in whichever process the queue chose)."""

    def __init__(self, journal: JobJournal, indexer: Indexer, queue: JobQueue, max_attempts: int = 3,
                 stall_seconds: float = 60) -> None:
        self.journal = journal
        self.indexer = indexer
        self.queue = queue
        self.max_attempts = max_attempts
        self.silence = timedelta(seconds=stall_seconds)

    def submit(self, path: Path, filename: str | None = None, staged: Path | None = None) -> JobState:
        """Journal a job for `path` and hand it to the queue; returns at once.

        `staged`: where the file waits (an upload); the job moves it to `path` when it runs. Jobs
        for the same path run one after another (a queue lock), so a second upload of a file
        never replaces it under the ingestion of the first.
        """
        job = self.journal.create(filename or path.name, path, "queue", staged)
        self.queue.enqueue(job.id, lock=str(path))
        return job

    def get(self, job_id: str) -> JobState | None:
        return self.journal.get(job_id)

    def recent(self, limit: int = 50) -> list[JobState]:
        return self.journal.recent(limit)

    def ingest_now(self, path: Path, on_stage: StageListener | None = None) -> dict:
        """Run a journalled job for `path` in this thread (the command line's direct ingest); `on_stage`
        hears the stages the journal records."""
        job = self.journal.create(path.name, path, "direct")
        return self.run(job.id, on_stage)

    def run(self, job_id: str, on_stage: StageListener | None = None) -> dict:
        """Ingest the job's file; the journal follows each stage, a heartbeat shows the job alive."""
        job = self.journal.get(job_id)
        if job is None or job.status in ("done", "failed"):
            return (job.outcome or {}) if job else {}
        if job.report_id:
            # An earlier attempt died (its process was killed): nothing of it may remain.
            self.indexer.erase_unfinished(job.report_id)
        if job.attempts >= self.max_attempts:
            self.journal.fail(job_id, f"处理该文件的进程已中断 {job.attempts} 次，不再重试 / "
                                      f"the worker died {job.attempts} times; giving up")
            return {}
        self.journal.start(job_id)
        stop = threading.Event()
        beating = threading.Thread(target=self._beat, args=(job_id, stop), daemon=True)
        beating.start()
        try:
            path, staged = self.journal.paths(job_id)
            if staged is not None and staged.exists():
                os.replace(staged, path)
            def heard(stage: str, report_id: str | None) -> None:
                self.journal.stage(job_id, stage, report_id)
                if on_stage:
                    on_stage(stage, report_id)

            outcome = self.indexer.ingest(path, on_stage=heard)
        except Exception as error:
            # The journal says why; the unfinished report (if any) is erased now, not left to repair.
            current = self.journal.get(job_id)
            if current and current.report_id:
                self.indexer.erase_unfinished(current.report_id)
            self.journal.fail(job_id, f"入库出错 / ingestion error: {error}")
            raise
        finally:
            stop.set()
            beating.join()
        data = {k: v for k, v in asdict(outcome).items() if k != "path"}
        self.journal.finish(job_id, {"file": job.filename, **data})
        return self.journal.get(job_id).outcome

    @property
    def queued_elsewhere(self) -> bool:
        return self.queue.runs_elsewhere

    def resume(self) -> None:
        """Deliver again what a previous run of this process left unfinished (in-process queue)."""
        self.queue.resume(self)

    def wait(self) -> None:
        """Until this process has run every job it queued (in-process queue)."""
        self.queue.wait()

    def serve(self, concurrency: int = 1) -> None:
        """Run the queue's jobs in this process until stopped (`nianbao worker`)."""
        self.queue.serve_jobs(concurrency)

    def retrying(self, job_id: str) -> None:
        """The queue noticed that the process running this job died and delivers it again."""
        self.journal.requeue(job_id, "处理该文件的进程中断，已重新排队 / the worker died; the job is queued again")

    def repair(self) -> int:
        """Erase from every store what no live job is writing (see Indexer.repair)."""
        self.journal.fail_dead_direct_jobs(self.silence)
        return self.indexer.repair(live=lambda: self.journal.live_report_ids(self.silence))

    def _beat(self, job_id: str, stop: threading.Event) -> None:
        while not stop.wait(self.silence.total_seconds() / 4):
            try:
                self.journal.beat(job_id)
            except Exception as error:  # a database blip must not kill the job; the next beat retries
                log.warning("heartbeat of job %s failed: %s", job_id, error)


class InProcessQueue:
    """The embedded default: jobs run one at a time on a thread of the process that queued them.

    After a restart, `resume` runs the jobs journalled as queued that no thread holds any more.
    """

    runs_elsewhere = False

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-job")
        self._runner: Callable[[str], object] | None = None

    def bind(self, runner: Callable[[str], object], _on_retry: Callable[[str], None]) -> None:
        self._runner = runner

    def enqueue(self, job_id: str, lock: str | None = None) -> None:
        """One thread runs the jobs in order, so jobs with the same lock never overlap."""
        assert self._runner is not None, "bind() the runner first"
        self._executor.submit(self._run, job_id)

    def wait(self) -> None:
        # One thread takes jobs in order: once this marker has run, so has every job before it.
        self._executor.submit(lambda: None).result()

    def serve_jobs(self, concurrency: int) -> None:
        raise RuntimeError("内嵌部署的任务在接口进程内运行 / embedded jobs run inside the serving process")

    def resume(self, jobs: IngestJobs) -> None:
        """Run again what the previous process left queued or running (it was the only runner)."""
        for job_id in jobs.journal.unfinished():
            self.enqueue(job_id)

    def _run(self, job_id: str) -> None:
        try:
            self._runner(job_id)
        except Exception:  # the journal holds the failure; the thread stays for the next job
            log.exception("ingestion job %s failed", job_id)


def _state(row) -> JobState:
    return JobState(
        id=row.id, filename=row.filename, status=row.status, stage=row.stage, attempts=row.attempts,
        report_id=row.report_id, outcome=json.loads(row.outcome) if row.outcome else None, error=row.error,
        created_at=row.created_at, updated_at=row.updated_at,
    )
