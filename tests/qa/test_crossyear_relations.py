"""The cross-year 勾稽 relations are stated once (`qa.crossyear.RELATIONS`) and serve both the staff
checks (the spec's rules 5 and 6) and the reading of run-together digits. Real corpus reports:

- 河北省教育厅 2021-2023 break the roll-forward of 行政规范性文件 as printed (181 + 5 - 17 != 159).
- 河北省工信厅 2020 prints 结转下年度 blank, 2021 prints 上年结转 0.
- 平潭 2022 and 2023 carry their applications over; 平潭 2021 and 2022 run 行政规范性文件 together.
"""

from __future__ import annotations

from ingest.reader import read_report
from qa.crossyear import CHECKED, RELATIONS, CrossYearChecks, CrossYearReader
from qa.tools import FigureValue
from tests.conftest import corpus_reports, load_truth, truth_files
from vectorstore.figure_store import FigureStore

PINGTAN = "平潭综合实验区管委会"
GXT = "河北省工业和信息化厅"
JYT = "河北省教育厅"


def _store(store: FigureStore, *names: str) -> None:
    for name in names:
        report = read_report(corpus_reports() / name)
        store.begin(name[:3], name, name, report)
        store.complete(name[:3], report, 0)


def truth(number: str) -> dict:
    return load_truth(next(path for path in truth_files() if path.stem == number))["tables"]


def _lines(store: FigureStore, agency: str, year: int, table: str, row: str, col: str) -> list[str]:
    """The check lines an answer using that one stored cell would carry."""
    [cell] = store.cells(table, row, col, [agency], [year])
    return CrossYearChecks(store).lines_for([FigureValue(agency, year, "", "件", cell.value, [cell], [])])


def test_each_relation_links_one_row_or_column_of_two_consecutive_years_and_is_stated_once():
    assert len({relation.terms for relation in RELATIONS}) == len(RELATIONS)
    for relation in RELATIONS:
        (sign, offset, _), *_ = relation.terms
        assert (sign, offset) == (1, 0), "the first term is the year-N cell the relation computes"
        assert {offset for _, offset, _ in relation.terms} == {0, -1}
        # One row of table 二 (its columns across years) or one column of table 三 (its rows across years).
        assert len({(table, row if table == "t2" else col) for _, _, (table, row, col) in relation.terms}) == 1


def test_the_staff_checks_are_the_specs_rules_and_the_2019_count_relation_only_helps_reading():
    assert {relation.rule for relation in CHECKED} == {"t3.carry", "t2.roll_forward"}
    assert {relation.rule for relation in RELATIONS} - {relation.rule for relation in CHECKED} == {"t2.prev_count"}


def test_a_roll_forward_check_shows_its_arithmetic_and_fails_where_the_report_breaks_it(store):
    _store(store, "040_hebei-jyt-2021.txt", "041_hebei-jyt-2022.txt")
    [check] = [c for c in CrossYearChecks(store).for_agency(JYT)
               if c.rule == "t2.roll_forward" and c.where == "（行政规范性文件）"]
    before, now = truth("040")["t2"]["normative"], truth("041")["t2"]["normative"]
    expected = before["in_force"] + now["issued"] - now["repealed"]
    assert expected != now["in_force"], "as published"
    assert check.year == 2022 and check.status == "fail"
    assert check.detail == (f"{before['in_force']} + {now['issued']} - {now['repealed']} = {expected}，"
                            f"报告为 {now['in_force']}")
    assert check.line() == f"2022年现行有效（行政规范性文件）与上年滚动推算不一致：{check.detail}"


def test_a_carry_check_with_a_blank_side_cannot_be_assessed(store):
    _store(store, "031_hebei-gxt-2020.txt", "032_hebei-gxt-2021.txt")
    assert truth("031")["t3"]["carried_forward"]["total"] is None
    total = next(c for c in CrossYearChecks(store).for_agency(GXT) if c.rule == "t3.carry" and c.where == "总计")
    assert (total.year, total.status, total.detail) == (
        2021, "not_assessable", f"{truth('032')['t3']['carried_over']['total']} 对 空白")
    assert total.line().startswith("2021年上年结转与2020年结转下年度（总计）无法核对（有空白）")


def test_an_answer_about_either_side_of_a_carry_is_shown_that_check(store):
    _store(store, "013_pingtan-2022.txt", "014_pingtan-2023.txt")
    carried_over = _lines(store, PINGTAN, 2023, "t3", "carried_over", "total")
    assert carried_over == _lines(store, PINGTAN, 2022, "t3", "carried_forward", "total")
    [line] = carried_over
    assert line.startswith("2023年上年结转与2022年结转下年度（总计）")


def test_an_answer_about_in_force_is_shown_its_own_years_roll_forward_only(store):
    _store(store, "040_hebei-jyt-2021.txt", "041_hebei-jyt-2022.txt", "042_hebei-jyt-2023.txt")
    [line] = _lines(store, JYT, 2022, "t2", "normative", "in_force")
    assert line.startswith("2022年现行有效（行政规范性文件）与上年滚动推算")
    assert _lines(store, JYT, 2022, "t2", "normative", "issued") == []


def test_a_cell_the_relations_decided_is_not_checked_against_them_again(store):
    _store(store, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    assert _lines(store, PINGTAN, 2022, "t2", "normative", "in_force") == [
        "2022年现行有效（行政规范性文件）与上年滚动推算无法核对（有空白）：有空白单元格"]
    [stored] = store.cells("t2", "normative", "in_force", [PINGTAN], [2022])
    [decided] = CrossYearReader(store).decide([stored])
    assert decided.value == truth("013")["t2"]["normative"]["in_force"] and decided.read_across is not None
    value = FigureValue(PINGTAN, 2022, "", "件", decided.value, [decided], [])
    assert CrossYearChecks(store).lines_for([value]) == []
