"""The job queue of PostgreSQL deployments: procrastinate (the only module importing it).

Why procrastinate: the jobs need PostgreSQL and nothing else, which a deployment already runs for
the figure store and the lexical index; Celery or RQ would add Redis, one more server to run, back
up and secure, for a load of a few uploads a minute. procrastinate takes jobs with
`SELECT … FOR UPDATE SKIP LOCKED`, wakes workers with LISTEN/NOTIFY, and records each worker's
heartbeat, which is how a worker killed mid-job is noticed: `serve_jobs` asks for the jobs of
stalled workers and retries them. Our own journal (`vectorstore.jobs`) holds what people read:
stage, outcome, reason.

Its tables are created by the Alembic revision 0003 from the schema file of the installed
procrastinate; the version is pinned to a minor release in pyproject.toml for that reason.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

QUEUE = "ingest"
TASK = "nianbao.ingest"
FINISHED_KEPT_HOURS = 24
"""procrastinate's row of a finished delivery is kept a day, to look into a failure; what people read
(stage, outcome, reason) lives on in our journal, so nothing is lost when the row goes."""
CLEANUP_SECONDS = 3600
log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    """libpq's form of a SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    scheme, _, rest = database_url.partition("://")
    return f"{scheme.split('+')[0]}://{rest}"


def procrastinate_schema() -> str:
    try:
        from procrastinate.schema import SchemaManager
    except ImportError as missing:
        raise RuntimeError("未安装 procrastinate / procrastinate is not installed: pip install procrastinate") \
            from missing
    return SchemaManager.get_schema()


class ProcrastinateQueue:
    runs_elsewhere = True

    def __init__(self, database_url: str, stall_seconds: float) -> None:
        try:
            import procrastinate
        except ImportError as missing:
            raise RuntimeError("未安装 procrastinate / procrastinate is not installed: pip install procrastinate") \
                from missing
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))
        self.stall_seconds = stall_seconds
        self._task = self.app.task(name=TASK, queue=QUEUE, retry=False)(self._run)
        self._runner: Callable[[str], object] | None = None
        self._on_retry: Callable[[str], None] = lambda _job_id: None
        self._opened = False
        self._lock = threading.Lock()

    def bind(self, runner: Callable[[str], object], on_retry: Callable[[str], None]) -> None:
        self._runner = runner
        self._on_retry = on_retry

    def enqueue(self, job_id: str, lock: str | None = None) -> None:
        """procrastinate runs jobs holding the same lock one after another."""
        with self._lock:
            if not self._opened:
                self.app.open()
                self._opened = True
        self._task.configure(lock=lock).defer(job_id=job_id)

    def resume(self, _jobs) -> None:
        """Nothing to do: undelivered jobs wait in PostgreSQL, and workers retry stalled ones."""

    def wait(self) -> None:
        """Nothing to wait for here: workers run the jobs."""

    def serve_jobs(self, concurrency: int = 1) -> None:
        """Run jobs until stopped (SIGINT/SIGTERM let the running job finish)."""
        asyncio.run(self._serve_jobs(concurrency))

    async def _serve_jobs(self, concurrency: int) -> None:
        async with self.app.open_async():
            recovery = asyncio.create_task(self._retry_stalled_forever())
            cleanup = asyncio.create_task(self._remove_finished_forever())
            try:
                await self.app.run_worker_async(
                    queues=[QUEUE], concurrency=concurrency, wait=True,
                    update_heartbeat_interval=max(self.stall_seconds / 4, 0.5),
                    stalled_worker_timeout=self.stall_seconds,
                )
            finally:
                recovery.cancel()
                cleanup.cancel()

    async def remove_finished(self, older_than_hours: int = FINISHED_KEPT_HOURS) -> None:
        """Delete the rows (and their events) of deliveries that finished, failed or were cancelled
        more than `older_than_hours` ago; without this the table grows by one row per upload forever."""
        await self.app.job_manager.delete_old_jobs(nb_hours=older_than_hours, queue=QUEUE, include_failed=True,
                                                   include_cancelled=True, include_aborted=True)

    async def _remove_finished_forever(self) -> None:
        while True:
            try:
                await self.remove_finished()
            except Exception as error:  # the database restarting; try again next round
                log.warning("removing finished jobs failed: %s", error)
            await asyncio.sleep(CLEANUP_SECONDS)

    async def _retry_stalled_forever(self) -> None:
        manager = self.app.job_manager
        while True:
            try:
                stalled = await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=self.stall_seconds)
                for job in stalled:
                    try:
                        await manager.retry_job(job)
                    except Exception as error:  # another worker retried it first
                        log.info("stalled job %s not retried here: %s", job.id, error)
                        continue
                    await asyncio.to_thread(self._on_retry, job.task_kwargs["job_id"])
            except Exception as error:  # the database restarting; try again next round
                log.warning("looking for stalled jobs failed: %s", error)
            await asyncio.sleep(max(self.stall_seconds / 2, 0.5))

    def _run(self, job_id: str) -> None:
        assert self._runner is not None, "bind() the runner first"
        self._runner(job_id)
