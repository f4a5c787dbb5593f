"""Shared test fixtures: the real corpus lives beside the project, in ../shared/corpus."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("NIANBAO_CORPUS", ROOT.parent / "shared" / "corpus"))
TRUTH = Path(__file__).resolve().parent / "corpus_truth"


def corpus_reports() -> Path:
    reports = CORPUS / "reports"
    if not reports.is_dir():
        pytest.fail(f"the corpus is missing at {reports} (set NIANBAO_CORPUS)")
    return reports


def manifest_rows() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def truth_files() -> list[Path]:
    return sorted(TRUTH.glob("*.json"))


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def reports_dir() -> Path:
    return corpus_reports()


@pytest.fixture(scope="session")
def postgres_server_url():
    """A PostgreSQL server started for the session and removed after it: `make test` needs nothing running."""
    from tests.servers import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url) -> str:
    """A fresh database on that server for one test."""
    from tests.servers import new_database

    return new_database(postgres_server_url)
