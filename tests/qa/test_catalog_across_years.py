"""The staff report view (`Catalog.report`) shows a cell whose digits ran together as answers read it:
with the value the neighbouring year's report decides, marked as read across years and saying from
which report and by which relation; cells no relation decides stay uncertain. Real corpus reports:

- 平潭 2021 prints 行政规范性文件693665 and 2022 prints 8855698: with both stored, 2022's row is
  88 | 55 | 698 and 2021's 现行有效 is 665, while 2021's 本年制发 and 本年废止 stay uncertain.
- 平潭 2019 prints 行政许可 3960181 (2019 format); 2020's 上一年项目数量 396 decides it.
"""

from __future__ import annotations

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from tests.conftest import corpus_reports, load_truth, truth_files

ROLL_FORWARD = "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数"


def truth(number: str) -> dict:
    return load_truth(next(path for path in truth_files() if path.stem == number))["tables"]


def _container(data_dir, *names: str) -> Container:
    container = Container(Settings(data_dir=data_dir))
    for name in names:
        assert container.indexer.ingest(corpus_reports() / name).status == "ingested"
    return container


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory) -> Container:
    return _container(tmp_path_factory.mktemp("catalog-across-years"), "010_pingtan-2019.txt", "011_pingtan-2020.txt",
                      "012_pingtan-2021.txt", "013_pingtan-2022.txt")


def report_of(container: Container, year: int) -> dict:
    [found] = [r for r in container.catalog.reports() if r["year"] == year]
    return container.catalog.report(found["id"])


def row(report: dict, table: str, label: str) -> dict[str, dict]:
    """The cells of one printed row, by column label."""
    [found] = [r for r in report["tables"][table]["rows"] if r["label"] == label]
    return {cell["column"]: cell for cell in found["cells"]}


def test_a_cell_decided_across_years_shows_its_value_marked_with_the_neighbouring_report_and_relation(pingtan):
    normative = row(report_of(pingtan, 2022), "t2", "行政规范性文件")
    expected = truth("013")["t2"]["normative"]
    assert {column: (cell["text"], cell["state"]) for column, cell in normative.items()} == {
        "本年制发": (str(expected["issued"]), "read_across"), "本年废止": (str(expected["repealed"]), "read_across"),
        "现行有效": (str(expected["in_force"]), "read_across")}
    for cell in normative.values():
        assert cell["why"] == ("跨年度读出：连写数字“8855698”按2021年报告（012_pingtan-2021.txt）的勾稽关系拆分："
                               f"{ROLL_FORWARD}")


def test_cells_two_splits_still_fit_stay_uncertain_beside_the_one_decided(pingtan):
    normative = row(report_of(pingtan, 2021), "t2", "行政规范性文件")
    assert (normative["本年制发"]["text"], normative["本年制发"]["state"]) == ("?", "uncertain")
    assert (normative["本年废止"]["text"], normative["本年废止"]["state"]) == ("?", "uncertain")
    assert "连写数字有多种拆分" in normative["本年制发"]["why"]
    in_force = normative["现行有效"]
    assert (in_force["text"], in_force["state"]) == (str(truth("012")["t2"]["normative"]["in_force"]), "read_across")
    assert "按2022年报告（013_pingtan-2022.txt）" in in_force["why"]


def test_cells_printed_plainly_are_shown_as_printed(pingtan):
    rules = row(report_of(pingtan, 2022), "t2", "规章")
    assert {cell["state"] for cell in rules.values()} == {"printed"}
    assert "read_across" not in {cell["state"] for row in report_of(pingtan, 2022)["tables"]["t3"]["rows"]
                                 for cell in row["cells"]}


def test_the_2019_formats_counts_are_decided_by_the_next_years_previous_count(pingtan):
    licensing = row(report_of(pingtan, 2019), "t2", "行政许可")
    expected = truth("010")["t2"]["licensing"]
    assert {column: cell["text"] for column, cell in licensing.items()} == {
        "上一年项目数": str(expected["prev_count"]), "本年增减": str(expected["change"]),
        "本年处理决定": str(expected["decisions"])}
    assert {cell["state"] for cell in licensing.values()} == {"read_across"}
    assert ("按2020年报告（011_pingtan-2020.txt）的勾稽关系拆分：上一年项目数量 = 上年报告的上一年项目数量 + "
            "上年报告的本年增/减") in licensing["上一年项目数"]["why"]


def test_the_reports_figures_carry_the_decided_value_and_how_it_was_read(pingtan):
    figures = {(f["row"], f["col"]): f for f in report_of(pingtan, 2022)["figures"] if f["table"] == "t2"}
    issued = figures[("normative", "issued")]
    assert (issued["value"], issued["uncertain"]) == (truth("013")["t2"]["normative"]["issued"], None)
    reading = issued["read_across"]
    assert (reading["printed"], reading["rules"], reading["years"], reading["sources"]) == (
        "8855698", ["t2.roll_forward"], [2021], ["012_pingtan-2021.txt"])
    assert "698 = 665 + 88 − 55" in reading["note"]  # as answers say it, with the arithmetic
    assert figures[("rules", "issued")]["read_across"] is None


def test_removing_the_neighbouring_report_shows_the_cell_as_uncertain_again(tmp_path):
    container = _container(tmp_path, "012_pingtan-2021.txt", "013_pingtan-2022.txt")
    assert row(report_of(container, 2022), "t2", "行政规范性文件")["本年制发"]["state"] == "read_across"
    [earlier] = [r for r in container.figure_store.reports() if r.year == 2021]
    container.indexer.remove(earlier)
    normative = row(report_of(container, 2022), "t2", "行政规范性文件")
    assert {(cell["text"], cell["state"]) for cell in normative.values()} == {("?", "uncertain")}
    figures = [f for f in report_of(container, 2022)["figures"] if f["row"] == "normative"]
    assert {(f["value"], f["read_across"]) for f in figures} == {(None, None)}


def test_the_figure_explorer_gives_the_decided_value_marked_as_read_across_years(pingtan):
    rows = {r["year"]: r for r in pingtan.catalog.figures("normative_issued", ["平潭综合实验区管委会"], [2021, 2022])}
    assert (rows[2022]["value"], rows[2022]["state"]) == (truth("013")["t2"]["normative"]["issued"], "read_across")
    assert (rows[2021]["value"], rows[2021]["state"]) == (None, "uncertain")
