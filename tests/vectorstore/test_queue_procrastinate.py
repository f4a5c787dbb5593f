"""The PostgreSQL job queue does not grow forever: procrastinate's rows of deliveries that finished
long ago are removed by the worker (our journal keeps every outcome); waiting, running and recently
finished ones stay. Real PostgreSQL, real procrastinate worker."""

from __future__ import annotations

import asyncio

import psycopg

from vectorstore.database import open_database
from vectorstore.queue_procrastinate import QUEUE, ProcrastinateQueue, conninfo


def rows(url: str) -> dict[str, str]:
    with psycopg.connect(conninfo(url)) as db:
        found = db.execute("SELECT args->>'job_id', status FROM procrastinate_jobs").fetchall()
    return dict(found)


def age(url: str, job_id: str, hours: int) -> None:
    with psycopg.connect(conninfo(url)) as db:
        db.execute("UPDATE procrastinate_events SET at = at - make_interval(hours => %s) WHERE job_id = "
                   "(SELECT id FROM procrastinate_jobs WHERE args->>'job_id' = %s)", (hours, job_id))


def test_rows_of_deliveries_finished_more_than_a_day_ago_are_removed_and_the_rest_kept(postgres_url):
    open_database(postgres_url).dispose()  # the migrations create procrastinate's tables
    api, worker = (ProcrastinateQueue(postgres_url, stall_seconds=4) for _ in range(2))  # two processes' queues
    ran: list[str] = []
    worker.bind(ran.append, lambda _job_id: None)
    for job_id in ("finished long ago", "finished just now"):
        api.enqueue(job_id)

    async def run_available_jobs():
        async with worker.app.open_async():
            await worker.app.run_worker_async(queues=[QUEUE], wait=False)

    asyncio.run(run_available_jobs())
    assert sorted(ran) == ["finished just now", "finished long ago"]
    api.enqueue("still waiting")
    for job_id in ("finished long ago", "still waiting"):
        age(postgres_url, job_id, 25)

    async def clean_up():
        async with worker.app.open_async():
            await worker.remove_finished()

    asyncio.run(clean_up())
    assert rows(postgres_url) == {"finished just now": "succeeded", "still waiting": "todo"}
