"""The stored data's version, on which answer caches key: two reads give the same version only when
the stored reports are the same, however many transitions happened between them."""

from __future__ import annotations

import random

from ingest.reader import read_report
from tests.conftest import corpus_reports
from vectorstore.database import open_database
from vectorstore.figure_store import FigureStore


def test_the_same_version_means_the_same_reports_in_the_same_states(tmp_path):
    store = FigureStore(open_database(f"sqlite:///{tmp_path / 'figures.sqlite3'}"))
    other_process = FigureStore(open_database(f"sqlite:///{tmp_path / 'figures.sqlite3'}"))
    report = read_report(corpus_reports() / "014_pingtan-2023.txt")
    rng = random.Random(7)
    states: dict[str, str] = {}
    seen = {other_process.version(): {}}
    for step in range(400):
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
            assert seen.setdefault(version, dict(states)) == states, f"step {step}: same version, other reports"
