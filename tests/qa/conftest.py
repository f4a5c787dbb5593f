"""A container over a dozen real corpus reports, indexed once for the answer tests."""

from __future__ import annotations

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports
from vectorstore.database import open_database
from vectorstore.figure_store import FigureStore

REPORTS = (
    "000_taojiang-czj-2025.txt", "001_huaian-city-2024.pdf", "006_pingtan-county-2012.txt", "049_pingtan-2012.txt",
    "013_pingtan-2022.txt", "014_pingtan-2023.txt", "026_hebei-kjt-2022.txt", "033_hebei-gxt-2022.txt",
    "040_hebei-jyt-2021.txt", "041_hebei-jyt-2022.txt", "042_hebei-jyt-2023.txt", "058_hebei-rst-2022.txt",
)


@pytest.fixture(scope="session")
def answering(tmp_path_factory) -> Container:
    container = Container(Settings(data_dir=tmp_path_factory.mktemp("qa-data")))
    for name in REPORTS:
        assert container.indexer.ingest(corpus_reports() / name).status == "ingested"
    return container


@pytest.fixture
def store(tmp_path) -> FigureStore:
    """An empty figure store of its own, for tests that store reports one by one."""
    engine = open_database(f"sqlite:///{tmp_path / 'figures.sqlite3'}")
    yield FigureStore(engine)
    engine.dispose()
