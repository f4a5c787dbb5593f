"""The BM25 index in SQL scores exactly as rank-bm25 does, on SQLite and on PostgreSQL, and every
process that opens the database reads the same index."""

from __future__ import annotations

import pytest
from rank_bm25 import BM25Okapi

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports
from vectorstore.chunking import Chunker
from vectorstore.database import open_database
from vectorstore.lexical import LexicalIndex
from vectorstore.model import SearchFilters
from vectorstore.segmenter import Segmenter
from vectorstore.tokens import TokenCounter

REPORTS = ("014_pingtan-2023.txt", "041_hebei-jyt-2022.txt", "042_hebei-jyt-2023.txt", "043_shuyang-fgj-2023.html")
QUERIES = ("本年新收政府信息公开申请数量", "行政复议 结果纠正", "信息处理费", "政务公开 存在的主要问题 改进情况",
           "河北省教育厅 2022年 主动公开")


@pytest.fixture(scope="module")
def report_chunks():
    from ingest.reader import read_report

    reports_dir = corpus_reports()
    chunker = Chunker(TokenCounter(), 320, 48)
    return {f"r{n}": chunker.chunks(read_report(reports_dir / name), f"r{n}") for n, name in enumerate(REPORTS)}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def reference_scores(segmenter, report_chunks, query):
    """rank-bm25 over the same chunks, in report-id order, as the in-memory index held them."""
    flat = [chunk for report_id in sorted(report_chunks) for chunk in report_chunks[report_id]]
    bm25 = BM25Okapi([segmenter.tokens(chunk.indexed_text()) or ["∅"] for chunk in flat])
    scores = bm25.get_scores(segmenter.tokens(query))
    return {chunk.id: score for chunk, score in zip(flat, scores, strict=True) if score > 0}


def test_scores_are_rank_bm25_scores_after_adds_and_a_removal(database_url, report_chunks):
    segmenter = Segmenter()
    index = LexicalIndex(open_database(database_url), segmenter)
    for report_id, chunks in report_chunks.items():
        index.add(report_id, chunks)
    index.delete_report("r1")
    remaining = {key: value for key, value in report_chunks.items() if key != "r1"}

    for query in QUERIES:
        expected = reference_scores(segmenter, remaining, query)
        hits = index.search(query, top_k=len(expected) + 5, filters=SearchFilters())
        assert {hit.chunk.id: pytest.approx(hit.score, rel=1e-9) for hit in hits} == expected, query
        assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_readding_a_report_replaces_it_and_keeps_totals_exact(database_url, report_chunks):
    segmenter = Segmenter()
    index = LexicalIndex(open_database(database_url), segmenter)
    for report_id, chunks in report_chunks.items():
        index.add(report_id, chunks)
    index.add("r0", report_chunks["r0"])

    expected = reference_scores(segmenter, report_chunks, QUERIES[0])
    hits = index.search(QUERIES[0], top_k=len(expected) + 5, filters=SearchFilters())
    assert {hit.chunk.id: pytest.approx(hit.score, rel=1e-9) for hit in hits} == expected
    assert index.report_ids() == set(report_chunks)


def test_filters_choose_among_the_same_scores(database_url, report_chunks):
    index = LexicalIndex(open_database(database_url), Segmenter())
    for report_id, chunks in report_chunks.items():
        index.add(report_id, chunks)
    everything = {hit.chunk.id: hit.score for hit in index.search(QUERIES[4], 500, SearchFilters())}

    hebei_2022 = index.search(QUERIES[4], 500, SearchFilters(agencies=("河北省教育厅",), year_from=2022, year_to=2022))
    without = index.search(QUERIES[4], 500, SearchFilters(excluded_reports=("r1",)))

    assert hebei_2022 and {(h.chunk.agency, h.chunk.year) for h in hebei_2022} == {("河北省教育厅", 2022)}
    # Sums in the database may add the same terms in another order: equal to the last bits or so.
    assert all(everything[h.chunk.id] == pytest.approx(h.score, rel=1e-12) for h in hebei_2022 + without)
    assert "r1" not in {h.chunk.report_id for h in without} and without


def test_a_second_process_reads_what_the_first_wrote(postgres_url, report_chunks):
    """Two containers are two processes' worth of state: nothing is shared but the database."""
    writer = LexicalIndex(open_database(postgres_url), Segmenter())
    reader = LexicalIndex(open_database(postgres_url), Segmenter())
    writer.add("r0", report_chunks["r0"])
    assert {h.chunk.report_id for h in reader.search(QUERIES[0], 5, SearchFilters())} == {"r0"}

    writer.add("r2", report_chunks["r2"])
    writer.delete_report("r0")

    expected = reference_scores(Segmenter(), {"r2": report_chunks["r2"]}, QUERIES[0])
    hits = reader.search(QUERIES[0], len(expected) + 5, SearchFilters())
    assert {hit.chunk.id: pytest.approx(hit.score, rel=1e-9) for hit in hits} == expected


def test_nothing_of_the_index_is_kept_in_files(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    container.indexer.ingest(reports_dir / "014_pingtan-2023.txt")

    assert {p.name for p in (tmp_path / "data").iterdir()} <= {"chroma", "figures.sqlite3", "figures.sqlite3-shm",
                                                                "figures.sqlite3-wal"}


def test_searches_while_another_thread_replaces_a_report_see_it_whole(database_url, report_chunks):
    import threading

    index = LexicalIndex(open_database(database_url), Segmenter())
    for report_id, chunks in report_chunks.items():
        index.add(report_id, chunks)
    stop = threading.Event()

    def replace_again_and_again():
        while not stop.is_set():
            index.delete_report("r0")
            index.add("r0", report_chunks["r0"])

    writer = threading.Thread(target=replace_again_and_again)
    writer.start()
    try:
        sizes = {len(index.search(QUERIES[0], 500, SearchFilters())) for _ in range(60)}
    finally:
        stop.set()
        writer.join()

    with_r0, without_r0 = (len(reference_scores(Segmenter(), chunks, QUERIES[0]))
                           for chunks in (report_chunks, {k: v for k, v in report_chunks.items() if k != "r0"}))
    assert sizes <= {with_r0, without_r0}, "a search saw part of a report"
