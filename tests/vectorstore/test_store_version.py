"""The stored data's version, on which answer caches key: two reads give the same version only when
the same reports are answered from (or kept as history), however many transitions happened between
them; a report that is still pending does not change it."""

from __future__ import annotations

import random

import pytest

from ingest.reader import read_report
from tests.conftest import corpus_reports
from vectorstore.database import open_database
from vectorstore.figure_store import FigureStore


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'figures.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def test_a_report_that_has_only_begun_leaves_the_version_as_it_was(database_url):
    store = FigureStore(open_database(database_url))
    report = read_report(corpus_reports() / "014_pingtan-2023.txt")
    store.begin("a", "a.txt", "a", report)
    store.complete("a", report, chunk_count=3)
    before = store.version()
    store.begin("b", "b.txt", "b", report)
    assert store.version() == before
    store.complete("b", report, chunk_count=3)
    assert store.version() != before


def test_the_same_version_means_the_same_reports_in_the_same_states(database_url):
    store = FigureStore(open_database(database_url))
    other_process = FigureStore(open_database(database_url))
    report = read_report(corpus_reports() / "014_pingtan-2023.txt")
    rng = random.Random(7)
    states: dict[str, str] = {}
    seen = {other_process.version(): {}}
    for step in range(300):
        report_id = f"r{rng.randrange(6)}"
        state = states.get(report_id)
        if state is None:
            store.begin(report_id, f"{report_id}.txt", report_id, report)
            states[report_id] = "pending"
        elif state == "pending":
            store.complete(report_id, report, chunk_count=3)
            states[report_id] = "complete"
        elif state == "complete" and rng.random() < 0.5:
            store.supersede(report_id)
            states[report_id] = "superseded"
        else:
            store.remove(report_id)
            del states[report_id]
        if rng.random() < 0.6:  # reads are sometimes several transitions apart
            version = other_process.version()
            settled = {key: state for key, state in states.items() if state != "pending"}
            assert seen.setdefault(version, settled) == settled, f"step {step}: same version, other reports"
