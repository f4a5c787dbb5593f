"""An index over a few real corpus reports, built once per module with the real embedding model."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports
from tests.servers import free_port, running

SAMPLE = ("000_taojiang-czj-2025.txt", "001_huaian-city-2024.pdf", "014_pingtan-2023.txt", "043_shuyang-fgj-2023.html")


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> list[Path]:
    """Copies, so that tests may change or remove them without touching the corpus."""
    folder = tmp_path_factory.mktemp("reports")
    return [Path(shutil.copy(corpus_reports() / name, folder / name)) for name in SAMPLE]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, sample_files) -> Container:
    container = Container(Settings(data_dir=tmp_path_factory.mktemp("data")))
    for path in sample_files:
        assert container.indexer.ingest(path).status == "ingested"
    return container


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` server with its own directory."""
    port = free_port()
    binary = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    command = [binary, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, port, "chroma run"):
        yield f"http://127.0.0.1:{port}"
