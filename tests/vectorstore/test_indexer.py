"""Ingestion: idempotent by content, replacing changed files everywhere, one bad file harms nothing."""

from __future__ import annotations

import shutil

from ingest.model import READER_VERSION
from nianbao.container import Container
from nianbao.settings import Settings


def stores_agree(container: Container) -> set[str]:
    """The report ids every store holds; fails when the stores disagree."""
    complete = {report.id for report in container.figure_store.reports()}
    assert container.figure_store.reports(status="pending") == []
    assert container.vectors.report_ids() == complete
    assert container.lexical.report_ids() == complete
    history = {report.id for report in container.figure_store.reports(status="superseded")}
    assert container.figure_store.figure_report_ids() <= complete | history
    return complete


def test_reingesting_an_unchanged_report_does_nothing(indexed, sample_files):
    before = stores_agree(indexed)
    count = indexed.vectors.count()

    outcome = indexed.indexer.ingest(sample_files[0])

    assert outcome.status == "unchanged"
    assert stores_agree(indexed) == before and indexed.vectors.count() == count


def test_the_same_report_under_another_name_is_recognised(indexed, sample_files, tmp_path):
    copy = shutil.copy(sample_files[2], tmp_path / "另一个名字.txt")

    outcome = indexed.indexer.ingest(copy)

    assert outcome.status == "unchanged"
    assert "内容相同" in outcome.reason


def test_figures_and_checks_are_stored_with_the_report(indexed):
    stored = {r.agency: r for r in indexed.figure_store.reports()}

    assert set(stored) == {"桃江县财政局", "淮安市人民政府", "平潭综合实验区管委会", "沭阳县发展和改革局"}
    assert stored["淮安市人民政府"].year == 2024
    assert stored["淮安市人民政府"].chunks > 10
    assert indexed.figure_store.figure_count() == 4 * 200


def test_a_changed_file_replaces_its_old_version_in_every_store(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    report = tmp_path / "report.txt"
    original = (reports_dir / "000_taojiang-czj-2025.txt").read_text(encoding="utf-8")
    report.write_text(original, encoding="utf-8")
    first = container.indexer.ingest(report)

    report.write_text(original.replace("行政处罚 |\n1 |", "行政处罚 |\n2 |"), encoding="utf-8")
    second = container.indexer.ingest(report)

    assert (first.status, second.status) == ("ingested", "replaced")
    assert stores_agree(container) == {second.report_id}
    hits = container.search.search(_request("行政处罚 本年处理决定", mode="bm25"))
    assert any("行政处罚 本年处理决定2" in hit.chunk.text for hit in hits)
    assert not any("行政处罚 本年处理决定1" in hit.chunk.text for hit in hits)


def test_a_bad_file_fails_alone_with_its_name_and_reason(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<>> trailer")
    good = reports_dir / "014_pingtan-2023.txt"

    outcomes = [container.indexer.ingest(path) for path in (broken, good)]

    assert [o.status for o in outcomes] == ["failed", "ingested"]
    assert "损坏.pdf" in outcomes[0].reason and "PDF" in outcomes[0].reason
    assert len(stores_agree(container)) == 1


def test_removing_a_report_deletes_it_everywhere(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    kept = container.indexer.ingest(reports_dir / "014_pingtan-2023.txt")
    gone = container.indexer.ingest(reports_dir / "015_pingtan-2024.txt")

    container.indexer.remove(container.figure_store.find(gone.report_id)[0])

    assert stores_agree(container) == {kept.report_id}


def test_an_interrupted_report_is_cleaned_up_and_ingested_again(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    path = reports_dir / "016_pingtan-2025.txt"
    outcome = container.indexer.ingest(path)
    # What a crash between the stores leaves behind: the journal row back at `pending`.
    with container.figure_store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE reports SET status = 'pending'")

    assert container.indexer.repair() == 1
    assert stores_agree(container) == set()
    assert container.indexer.ingest(path).status == "ingested"
    assert stores_agree(container) == {outcome.report_id}


def _request(query: str, **options):
    from qa.search import SearchRequest

    return SearchRequest(query=query, top_k=10, **options)


def test_a_newer_version_of_the_same_agency_and_year_replaces_the_older_which_stays_in_history(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    original = (reports_dir / "000_taojiang-czj-2025.txt").read_text(encoding="utf-8")
    first = tmp_path / "桃江县财政局2025年报告（初版）.txt"
    second = tmp_path / "桃江县财政局2025年报告（更正版）.txt"
    first.write_text(original, encoding="utf-8")
    second.write_text(original.replace("行政处罚 |\n1 |", "行政处罚 |\n3 |"), encoding="utf-8")

    older = container.indexer.ingest(first)
    newer = container.indexer.ingest(second)

    assert newer.status == "replaced"
    assert stores_agree(container) == {newer.report_id}
    assert [r.id for r in container.figure_store.reports(status="superseded")] == [older.report_id]
    values = {c.report_id: c.value for c in container.figure_store.cells("t2", "punishment", "decisions")}
    assert values == {newer.report_id: 3}, "answers use the newer version only"


def test_a_file_stored_by_an_older_reader_is_read_again_when_ingested_again(tmp_path, reports_dir):
    container = Container(Settings(data_dir=tmp_path / "data"))
    path = reports_dir / "013_pingtan-2022.txt"  # 表二 digits run together: the reader keeps their splits
    first = container.indexer.ingest(path)
    # What a data directory of the previous release holds: no reader version, no candidate splits.
    with container.figure_store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE reports SET reader_version = NULL")
        connection.exec_driver_sql("UPDATE figures SET split = NULL")
    assert container.figure_store.reports()[0].reader_version is None

    again = container.indexer.ingest(path)

    assert again.status == "replaced" and again.report_id == first.report_id
    assert container.figure_store.reports()[0].reader_version == READER_VERSION
    assert any(figure.split for figure in container.figure_store.report_figures(first.report_id))
    assert stores_agree(container) == {first.report_id}
    assert container.indexer.ingest(path).status == "unchanged"
