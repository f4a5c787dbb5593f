"""A table the report shows but the reader could not read is answered as unreadable, never as not printed."""

from __future__ import annotations

from nianbao.container import Container
from nianbao.settings import Settings
from tests.ingest.report_builder import REPORT, text_with_a_lost_column


def test_a_question_about_an_unread_table_says_it_could_not_be_read_and_gives_no_number(tmp_path):
    source = tmp_path / "lost-column.txt"
    source.write_text(text_with_a_lost_column(REPORT), encoding="utf-8")
    container = Container(Settings(data_dir=tmp_path / "data"))
    outcome = container.indexer.ingest(source)
    assert outcome.status == "ingested"

    unread = container.answerer.ask(f"{outcome.agency}{outcome.year}年不予公开的有多少件？", None)
    assert "无法" in unread.answer and "可靠读出" in unread.answer and "没有刊载" not in unread.answer
    assert all(figure.value is None for figure in unread.figures)

    printed = container.answerer.ask(f"{outcome.agency}{outcome.year}年行政处罚决定多少件？", None)
    assert printed.figures and printed.figures[0].value == REPORT.figures()[("t2", "punishment", "decisions")]
