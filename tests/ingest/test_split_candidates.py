"""A run of cells whose digits ran together keeps every split its own table allows, so that a
reader who knows more (the agency's report of another year) can choose among them later."""

from __future__ import annotations

from decimal import Decimal

from ingest.reader import read_report
from tests.conftest import corpus_reports


def _splits(name: str) -> dict[tuple[str, str, str], object]:
    report = read_report(corpus_reports() / name)
    return {(u.table, u.row, u.col): u.split for u in report.uncertain}


def test_a_run_together_row_of_table_2_keeps_every_candidate_split_of_its_digits():
    # 平潭 2021 prints 行政规范性文件693665 for 本年制发 / 本年废止 / 现行有效 (69, 3, 665 as published).
    splits = _splits("012_pingtan-2021.txt")
    split = splits[("t2", "normative", "issued")]
    assert split is splits[("t2", "normative", "repealed")] is splits[("t2", "normative", "in_force")]
    assert split.table == "t2" and split.printed == "693665"
    assert split.cells == (("normative", "issued"), ("normative", "repealed"), ("normative", "in_force"))
    assert (69, 3, 665) in split.readings and (6, 93, 665) in split.readings
    assert len(set(split.readings)) == len(split.readings) >= 2
    for reading in split.readings:
        assert "".join(str(value) for value in reading) == "693665"


def test_decimals_and_signs_of_a_run_are_kept_as_printed():
    splits = _splits("010_pingtan-2019.txt")
    procurement = splits[("t2", "procurement", "amount")]
    assert (135, Decimal("75394432.52")) in procurement.readings
    licensing = _splits("030_hebei-gxt-2019.txt")[("t2", "licensing", "change")]
    assert licensing.printed == "156 -5997" and (156, -59, 97) in licensing.readings


def test_cells_uncertain_for_another_reason_carry_no_candidates():
    # 030 lost the blank cells of table 三: no split of its numbers can say which columns they belong to.
    splits = _splits("030_hebei-gxt-2019.txt")
    assert splits[("t3", "new_received", "total")] is None
    assert splits[("t2", "coercion", "prev_count")] is None


def test_a_report_whose_tables_read_fully_has_no_candidates():
    report = read_report(corpus_reports() / "026_hebei-kjt-2022.txt")
    assert report.figure("t2", "normative", "in_force").value == 49
    assert not any(u.split for u in report.uncertain)
