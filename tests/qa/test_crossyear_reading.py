"""Cells whose digits ran together are read with the agency's other years: the split that the
cross-year 勾稽 relations allow, and only when exactly one value fits; answers say how and cite the
other report. Real corpus reports throughout:

- 平潭 2021 prints 行政规范性文件693665 and 2022 prints 8855698; 2022's 现行有效 must equal 2021's plus
  2022's 本年制发 minus 本年废止, which only 665 | 88, 55, 698 satisfies (2021's 69 | 3 and 6 | 93
  both still fit, so 2021's 本年制发 and 本年废止 stay unreadable).
- 河北省工信厅 2021-2023 print 5225, 5426, 1126: each year is decided by its neighbours together.
- 河北省科技厅 2021 and 2023 run together, and 2022 is read, but the agency's own figures break the
  roll-forward both ways (53 + 13 - 8 != 49): no split fits, so nothing is decided.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.model import SplitCandidates, Uncertain
from ingest.reader import read_report
from ingest.template import T3_COLS
from nianbao.container import Container
from nianbao.settings import Settings
from qa.crossyear import CrossYearReader
from tests.conftest import corpus_reports, load_truth, truth_files
from vectorstore.figure_store import FigureStore

PINGTAN = "平潭综合实验区管委会"
GXT = "河北省工业和信息化厅"
KJT = "河北省科学技术厅"


def truth_value(number: str, table: str, row: str, col: str):
    """The value people read in the published report (tests/corpus_truth)."""
    path = next(path for path in truth_files() if path.stem == number)
    return load_truth(path)["tables"][table][row][col]


def _store(store: FigureStore, *names: str, report_id: str | None = None) -> None:
    for name in names:
        report = read_report(corpus_reports() / name)
        store.begin(report_id or name[:3], name, report_id or name, report)
        store.complete(report_id or name[:3], report, 0)


def _decided(store: FigureStore, agency: str) -> dict[tuple, object]:
    return {key: cell.value for key, cell in CrossYearReader(store).read(agency).items()}


def test_a_run_together_row_of_table_2_is_split_as_its_neighbouring_year_requires(store):
    _store(store, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    decided = CrossYearReader(store).read(PINGTAN)
    assert {key: cell.value for key, cell in decided.items()} == {
        (2022, "t2", "normative", "issued"): 88, (2022, "t2", "normative", "repealed"): 55,
        (2022, "t2", "normative", "in_force"): 698, (2021, "t2", "normative", "in_force"): 665}
    for (year, table, row, col), value in _decided(store, PINGTAN).items():
        assert truth_value(f"{'012' if year == 2021 else '013'}", table, row, col) == value
    reading = decided[(2022, "t2", "normative", "issued")].read_across
    assert reading.printed == "8855698" and reading.rules == ("t2.roll_forward",) and reading.years == (2021,)
    assert "2022年：698 = 665 + 88 − 55" in reading.note
    assert [(c.source, c.col, c.value) for c in reading.supporting] == [("012_pingtan-2021.txt", "in_force", 665)]


def test_no_cell_is_decided_where_two_splits_fit(store):
    # 2021's 693665: both 69 | 3 | 665 and 6 | 93 | 665 satisfy the relation with 2022.
    _store(store, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    decided = _decided(store, PINGTAN)
    assert (2021, "t2", "normative", "issued") not in decided
    assert (2021, "t2", "normative", "repealed") not in decided


def test_nothing_is_decided_without_the_neighbouring_year(store):
    _store(store, "013_pingtan-2022.txt", "033_hebei-gxt-2022.txt")
    assert _decided(store, PINGTAN) == {} and _decided(store, GXT) == {}


def test_removing_the_neighbouring_report_takes_its_decision_away(store):
    _store(store, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    assert (2022, "t2", "normative", "in_force") in _decided(store, PINGTAN)
    store.remove("012")
    assert _decided(store, PINGTAN) == {}


def test_years_that_all_ran_together_are_decided_jointly_along_the_chain(store):
    _store(store, "032_hebei-gxt-2021.txt", "033_hebei-gxt-2022.txt", "034_hebei-gxt-2023.txt")
    decided = _decided(store, GXT)
    assert decided == {(year, "t2", "normative", col): truth_value(name, "t2", "normative", col)
                       for year, name in ((2021, "032"), (2022, "033"), (2023, "034"))
                       for col in ("issued", "repealed", "in_force")}


def test_a_relation_the_agency_itself_breaks_decides_nothing(store):
    _store(store, "025_hebei-kjt-2021.txt", "026_hebei-kjt-2022.txt", "027_hebei-kjt-2023.txt")
    assert _decided(store, KJT) == {}


def test_2019_format_counts_carry_from_one_year_to_the_next(store):
    # 上一年项目数量 of 2020 = 上一年项目数量 + 本年增/减 of 2019 (by the columns' definitions).
    _store(store, "010_pingtan-2019.txt", "011_pingtan-2020.txt")
    decided = _decided(store, PINGTAN)
    assert decided[(2019, "t2", "licensing", "prev_count")] == 396
    assert decided[(2019, "t2", "licensing", "change")] == 0
    assert decided[(2019, "t2", "licensing", "decisions")] == 181
    assert decided[(2020, "t2", "licensing", "prev_count")] == 396
    assert (2020, "t2", "licensing", "change") not in decided  # 2021 has no such column to tell
    for (year, table, row, col), value in decided.items():
        assert truth_value("010" if year == 2019 else "011", table, row, col) == value


def test_a_carried_over_row_is_decided_by_the_previous_years_carried_forward_row(store):
    # No corpus row of table 三 stays ambiguous after the table's own 勾稽 rules, so the ambiguity is
    # made here: 平潭 2022 as read, its 上年结转 row (1 0 0 0 0 0 1 as printed) replaced by two
    # candidate readings. 2021's 结转下年度 row (printed 1 0 0 0 0 0 1) decides it (t3.carry).
    _store(store, "012_pingtan-2021.txt")
    report = read_report(corpus_reports() / "013_pingtan-2022.txt")
    cells = tuple(("carried_over", col) for col in T3_COLS)
    split = SplitCandidates("t3", cells, "1 1", ((1, 0, 0, 0, 0, 0, 1), (0, 1, 0, 0, 0, 0, 1)))
    report.figures = [replace(f, value=None, raw="") if (f.table, f.row) == ("t3", "carried_over") else f
                      for f in report.figures]
    report.uncertain += [Uncertain("t3", row, col, "连写数字有多种拆分", split) for row, col in cells]
    store.begin("013", "013_pingtan-2022.txt", "013", report)
    store.complete("013", report, 0)
    decided = CrossYearReader(store).read(PINGTAN)
    assert {key[3]: cell.value for key, cell in decided.items() if key[1] == "t3"} == dict(
        zip(T3_COLS, (1, 0, 0, 0, 0, 0, 1), strict=True))
    reading = decided[(2022, "t3", "carried_over", "natural_person")].read_across
    assert reading.rules == ("t3.carry",) and "2022年：1 = 1" in reading.note
    assert {(c.year, c.row, c.col) for c in reading.supporting} == {(2021, "carried_forward", col) for col in T3_COLS}


def test_two_stored_reports_for_one_year_decide_nothing(store):
    _store(store, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    _store(store, "013_pingtan-2022.txt", report_id="013-copy")
    assert _decided(store, PINGTAN) == {}


# Answers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def answering(tmp_path_factory) -> Container:
    container = Container(Settings(data_dir=tmp_path_factory.mktemp("crossyear-data")))
    for name in ("012_pingtan-2021.txt", "013_pingtan-2022.txt"):
        assert container.indexer.ingest(corpus_reports() / name).status == "ingested"
    return container


def test_the_answer_gives_the_split_figure_says_how_it_was_read_and_cites_both_reports(answering):
    answer = answering.answerer.ask("平潭综合实验区管委会2022年本年制发的行政规范性文件多少件？")
    assert "为88件" in answer.answer
    assert "连写数字“8855698”按与2021年报告的勾稽关系拆分读出" in answer.answer
    assert "698 = 665 + 88 − 55" in answer.answer
    sources = {citation.source.rsplit("/", 1)[-1] for citation in answer.citations}
    assert sources == {"012_pingtan-2021.txt", "013_pingtan-2022.txt"}
    # Only the figure asked for is a figure of the answer; the other report is cited as support.
    assert [(f.year, f.col, f.value) for f in answer.figures] == [(2022, "issued", 88)]


def test_a_cell_two_splits_fit_is_still_answered_as_unreadable(answering):
    answer = answering.answerer.ask("平潭综合实验区管委会2021年本年制发的行政规范性文件多少件？")
    assert "无法从报告原文可靠读出" in answer.answer
    assert "69" not in answer.answer.split("（计算方式")[0]


def test_after_the_neighbouring_report_is_removed_the_answer_is_unreadable_again(answering):
    # Last in this module: it removes 2021 from the shared container.
    earlier = next(r for r in answering.figure_store.reports() if r.year == 2021)
    answering.indexer.remove(earlier)
    answer = answering.answerer.ask("平潭综合实验区管委会2022年本年制发的行政规范性文件多少件？")
    assert "无法从报告原文可靠读出" in answer.answer and "88件" not in answer.answer
    assert {citation.source.rsplit("/", 1)[-1] for citation in answer.citations} == {"013_pingtan-2022.txt"}
