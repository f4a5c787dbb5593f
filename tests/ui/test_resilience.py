"""The server under pressure: a vector store that restarts, clients that ask too fast, admin-only removal."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx

from nianbao.container import Container
from nianbao.settings import Settings
from tests.servers import free_port, running
from tests.ui.conftest import ADMIN_TOKEN, ThreadedServer
from ui.app import create_app


def _chroma(path: Path, port: int):
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    return running([binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)], port,
                   "chroma run")


def test_a_restarting_chroma_server_gives_a_clear_503_then_recovers(tmp_path, reports_dir):
    chroma_port, port = free_port(), free_port()
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{chroma_port}")
    container = Container(settings)
    search = f"http://127.0.0.1:{port}/api/search"
    with _chroma(tmp_path / "chroma", chroma_port) as chroma:
        container.indexer.ingest(reports_dir / "014_pingtan-2023.txt")
        with ThreadedServer(create_app(container), port):
            assert httpx.get(search, params={"q": "行政复议", "mode": "dense"}).status_code == 200
            chroma.kill()
            chroma.wait()
            down = httpx.get(search, params={"q": "行政复议", "mode": "dense"}, timeout=30)
            assert down.status_code == 503 and "暂时不可用" in down.json()["error"]
            assert down.headers["retry-after"] == "5"
            with _chroma(tmp_path / "chroma", chroma_port):
                back = httpx.get(search, params={"q": "行政复议", "mode": "dense"}, timeout=30)
                assert back.status_code == 200 and back.json()["results"]


def test_a_client_asking_too_fast_is_slowed_down(served):
    settings = served.container.settings.model_copy(update={"rate_limit_per_minute": 3})
    port = free_port()
    with ThreadedServer(create_app(Container(settings)), port):
        codes = [httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "复议"}).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200, "health is never limited"


def test_removing_a_report_needs_the_admin_token(served, reports_dir):
    outcome = served.container.indexer.ingest(reports_dir / "016_pingtan-2025.txt")
    url = f"{served.url}/api/reports/{outcome.report_id}"

    assert httpx.delete(url).status_code == 401
    assert httpx.delete(url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json() == {
        "removed": outcome.report_id}
    assert httpx.get(url).status_code == 404
