"""A real server on 127.0.0.1 over a few real reports, for the HTTP and browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports
from tests.servers import free_port
from ui.app import create_app
from ui.server import server_config

REPORTS = ("000_taojiang-czj-2025.txt", "001_huaian-city-2024.pdf", "014_pingtan-2023.txt", "026_hebei-kjt-2022.txt")
ADMIN_TOKEN = "test-admin-token"
PUBLIC_HOST = "qa.example.gov.cn"


@dataclass
class Served:
    url: str
    container: Container
    embedding_origin: str
    """An origin on the allowlist, where the widget tests serve their host page."""
    embedding_port: int


class ThreadedServer:
    def __init__(self, app, port: int, header_timeout: float = 10) -> None:
        self.server = uvicorn.Server(server_config(app, "127.0.0.1", port, header_timeout))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 60
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *_):
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Iterator[Served]:
    embedding_port = free_port()
    origin = f"http://127.0.0.1:{embedding_port}"
    # The limit is high here so that tests sharing this server never slow each other down; the limit itself is
    # tested on servers of its own. PUBLIC_HOST stands for the name a deployment is reached under.
    settings = Settings(data_dir=tmp_path_factory.mktemp("served"), allowed_origins=[origin], admin_token=ADMIN_TOKEN,
                        allowed_hosts=["127.0.0.1", PUBLIC_HOST], rate_limit_per_minute=100_000)
    container = Container(settings)
    for name in REPORTS:
        container.indexer.ingest(corpus_reports() / name)
    port = free_port()
    with ThreadedServer(create_app(container), port):
        yield Served(f"http://127.0.0.1:{port}", container, origin, embedding_port)


def finished_job(url: str, job_id: str, timeout: float = 300) -> dict:
    """Follow an upload's job through `GET /api/jobs/{id}` until it is done or failed."""
    import httpx

    deadline = time.time() + timeout
    while (state := httpx.get(f"{url}/api/jobs/{job_id}", timeout=60).json())["status"] not in ("done", "failed"):
        assert time.time() < deadline, f"job {job_id} still {state['status']}"
        time.sleep(0.3)
    return state
