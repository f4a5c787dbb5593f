"""Every real report of the corpus is read, and its figures agree with what people read in it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.reader import read_report
from tests.conftest import load_truth, manifest_rows, truth_files

MANIFEST = manifest_rows()
TRUTHS = truth_files()
# Reasons for which a cell may stay unknown although a person could tell it from outside
# knowledge (the archived original page, the previous year, plausibility).
HONEST_ABSTENTIONS = (
    "连写数字有多种拆分",
    "空白单元格被删去",
    "表格单元格数量与模板不符",
    "转换后的表格中该单元格为空",
)


@pytest.mark.parametrize("row", MANIFEST, ids=[row["file"].split("/")[-1] for row in MANIFEST])
def test_each_corpus_report_reads_with_the_agency_year_and_format_of_the_manifest(reports_dir, row):
    report = read_report(reports_dir.parent / row["file"])

    assert (report.agency, report.year, report.format) == (
        row["agency"],
        int(row["year_covered"]),
        row["format_version"],
    )


@pytest.mark.parametrize("row", MANIFEST, ids=[row["file"].split("/")[-1] for row in MANIFEST])
def test_each_corpus_report_has_its_sections_in_order(reports_dir, row):
    report = read_report(reports_dir.parent / row["file"])

    numbers = [section.n for section in report.sections]
    assert len(numbers) >= 3
    assert numbers == sorted(numbers)


def _cells(truth: dict) -> dict[tuple[str, str, str], object]:
    return {
        (table, row, col): value
        for table, rows in (truth["tables"] or {}).items()
        for row, cols in (rows or {}).items()
        for col, value in cols.items()
    }


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


@pytest.mark.parametrize("truth_path", TRUTHS, ids=[path.stem for path in TRUTHS])
def test_figures_are_those_printed_or_honestly_uncertain(reports_dir, truth_path):
    truth = load_truth(truth_path)
    report = read_report(reports_dir / truth["file"])
    expected = _cells(truth)
    got = {(f.table, f.row, f.col): f for f in report.figures}
    why = {(u.table, u.row, u.col): u.why for u in report.uncertain}

    assert set(got) == set(expected), "one entry for every printed cell, and nothing else"
    wrong = {key: (got[key].value, value) for key, value in expected.items()
             if not _same(got[key].value, value) and key not in why}
    assert wrong == {}, "a figure that differs from the printed one"
    for key in why:
        assert got[key].value is None, "an uncertain cell has no value"
        assert why[key].startswith(HONEST_ABSTENTIONS), why[key]


@pytest.mark.parametrize(
    "file",
    [
        "000_taojiang-czj-2025.txt",  # one cell a line, labels of table 三 lost
        "001_huaian-city-2024.pdf",  # tables across pages, wrapped labels
        "002_huaian-hongze-2023.pdf",  # mixed template, garbled label
        "003_huaian-hongze-2024.pdf",
        "004_shanghai-bgt-2019.html",  # rowspan/colspan, blank cells
        "026_hebei-kjt-2022.txt",  # run-together digits, published total row breaks its rules
        "033_hebei-gxt-2022.txt",  # a row that only the column sums can split
        "039_hebei-jyt-2019.txt",  # layout grid with blank cells
        "040_hebei-jyt-2021.txt",
        "043_shuyang-fgj-2023.html",  # Word-exported span soup
        "044_shuyang-county-2025.txt",  # Markdown rendering with 数据1..6 columns
        "045_shanghai-kewei-2024.md",  # values detached from labels
    ],
)
def test_tables_three_and_four_are_read_completely_where_the_source_is_legible(reports_dir, file):
    truth = load_truth(next(path for path in TRUTHS if path.stem == file[:3]))
    report = read_report(reports_dir / file)
    got = {(f.table, f.row, f.col): f.value for f in report.figures}

    for key, value in _cells(truth).items():
        if key[0] in ("t3", "t4") and key not in _known_detached(file):
            assert _same(got[key], value), key


def _known_detached(file: str) -> set[tuple[str, str, str]]:
    # 045 prints this one value on a line of its own, far from its row (see tests/corpus_truth/045.json).
    return {("t3", "carried_forward", "total")} if file.startswith("045") else set()


def test_run_together_digits_are_split_by_the_column_sums(reports_dir):
    report = read_report(reports_dir / "033_hebei-gxt-2022.txt")

    assert report.figure("t3", "total_processed", "natural_person").value == 12
    assert report.figure("t3", "total_processed", "commercial").value == 1
    assert report.figure("t3", "total_processed", "total").value == 14


def test_a_published_table_that_breaks_its_own_rules_is_reported_as_failing(reports_dir):
    report = read_report(reports_dir / "026_hebei-kjt-2022.txt")

    failing = {(check.rule, check.where) for check in report.failing_checks()}
    assert ("t3.row_sum", "total_processed") in failing
    assert ("t3.balance", "natural_person") in failing


def test_blank_cells_dropped_at_the_source_are_not_guessed(reports_dir):
    report = read_report(reports_dir / "030_hebei-gxt-2019.txt")

    cell = report.figure("t3", "new_received", "natural_person")
    assert cell.value is None
    assert any(u.row == "new_received" and "空白单元格被删去" in u.why for u in report.uncertain)


def test_litigation_totals_that_do_not_add_up_fail_their_check(reports_dir):
    report = read_report(reports_dir / "002_huaian-hongze-2023.pdf")

    review = next(c for c in report.checks if c.rule == "t4.row_sum" and c.where == "review")
    assert review.status == "fail"
    assert "10 + 1 + 0 + 0 = 11" in review.detail


def test_mixed_template_keeps_the_single_other_row(reports_dir):
    report = read_report(reports_dir / "003_huaian-hongze-2024.pdf")

    rows = {f.row for f in report.figures if f.table == "t3"}
    assert "other" in rows and "other_overdue_fee" not in rows
    assert report.format == "2021"


def test_pdf_figures_carry_the_page_they_are_printed_on(reports_dir):
    report = read_report(reports_dir / "001_huaian-city-2024.pdf")

    assert report.figure("t3", "new_received", "total").value == 3119
    assert report.figure("t3", "new_received", "total").page == 4
    assert report.figure("t3", "unable_need_creation", "total").page == 5


def test_tables_missing_at_the_source_add_no_figures(reports_dir):
    for file in ("019_hebei-rst-2019.txt", "058_hebei-rst-2022.txt", "005_pingtan-2011.txt"):
        assert read_report(reports_dir / file).figures == []


def test_an_ocr_damaged_place_name_is_restored_from_the_gazetteer(reports_dir):
    report = read_report(reports_dir / "044_shuyang-county-2025.txt")

    assert report.agency == "沭阳县人民政府"
    assert report.region == "江苏省 宿迁市 沭阳县"


def test_the_seed_report_reads_with_its_full_region(reports_dir):
    report = read_report(reports_dir / "000_taojiang-czj-2025.txt")

    assert report.region == "湖南省 益阳市 桃江县"
    assert report.figure("t2", "punishment", "decisions").value == 1
    assert report.figure("t2", "normative", "repealed").value is None
