"""The figure store keeps the candidate splits of run-together cells exactly (decimals, signs) on
both databases, and reads an agency's rows across years from complete reports only."""

from __future__ import annotations

import pytest

from ingest.reader import read_report
from tests.conftest import corpus_reports
from vectorstore.database import open_database
from vectorstore.figure_store import FigureStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> FigureStore:
    url = f"sqlite:///{tmp_path / 'figures.sqlite3'}" if request.param == "sqlite" \
        else request.getfixturevalue("postgres_url")
    engine = open_database(url)
    yield FigureStore(engine)
    engine.dispose()


def _stored(store: FigureStore, name: str, complete: bool = True):
    report = read_report(corpus_reports() / name)
    store.begin(name[:3], name, name, report)
    if complete:
        store.complete(name[:3], report, 0)
    return report


def test_candidate_splits_come_back_from_the_store_exactly_as_ingest_made_them(store):
    report = _stored(store, "010_pingtan-2019.txt")
    made = {(u.table, u.row, u.col): u.split for u in report.uncertain if u.split}
    assert made, "010 prints run-together rows in table 二"
    back = {(f.table, f.row, f.col): f.split for f in store.report_figures("010") if f.split}
    assert back == made  # Decimal("75394432.52") and signed "-18" survive the round trip
    assert all(f.value is None and f.uncertain for f in store.report_figures("010") if f.split)


def test_cells_read_with_certainty_are_stored_without_candidates(store):
    _stored(store, "026_hebei-kjt-2022.txt")
    assert not any(f.split for f in store.report_figures("026"))


def test_an_agencys_rows_are_read_across_its_complete_reports_only(store):
    _stored(store, "032_hebei-gxt-2021.txt")
    _stored(store, "033_hebei-gxt-2022.txt")
    _stored(store, "034_hebei-gxt-2023.txt", complete=False)  # still pending: not answered from
    _stored(store, "026_hebei-kjt-2022.txt")  # another agency
    cells = store.agency_rows("河北省工业和信息化厅", [("t2", "normative")])
    assert {(c.year, c.col) for c in cells} == {(year, col) for year in (2021, 2022)
                                                for col in ("issued", "repealed", "in_force")}
    assert all(c.split is not None and c.split.printed in ("5225", "5426") for c in cells)
    store.remove("033")
    assert {c.year for c in store.agency_rows("河北省工业和信息化厅", [("t2", "normative")])} == {2021}
