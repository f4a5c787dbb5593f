"""Reading reports that the tests write themselves: one invented 2021-format report, many files.

`report_builder.REPORT` describes a complete annual report of 某某县生态环境局 for 2024: six
sections, table 二 (four 第二十条 blocks), table 三 (25 rows x 7 columns under the form's header
rows, with the merged and rotated group labels) and table 四 (15 numbers). Its figures satisfy
every 勾稽 rule of shared/spec/figures.md. Each test writes that report in one format (DOCX with
real merged cells, HTML with rowspan/colspan, a PDF printed from that HTML by headless Chromium,
plain text in legacy encodings) and states what `read_report` must give back: the description,
cell for cell.

The PDF tests need `apt-get install -y chromium fonts-noto-cjk`; without Chromium they fail.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.errors import UnreadableReport
from ingest.reader import read_report
from nianbao.cli import main
from tests.ingest.report_builder import (
    REPORT,
    T3_COLS,
    T4_ROWS,
    ChromiumMissing,
    PdfText,
    consistency_violations,
    expected_pages,
    figure_mismatches,
    html_page,
    print_to_pdf,
    text_document,
    write_docx,
)

SECTION_TITLES = [section.title for section in REPORT.sections]
# t3: balance and results_sum per column, row_sum per row; t4: row_sum per row.
EXPECTED_CHECKS = (
    {("t3.balance", col) for col in T3_COLS}
    | {("t3.results_sum", col) for col in T3_COLS}
    | {("t3.row_sum", row.key) for row in REPORT.t3}
    | {("t4.row_sum", row) for row in T4_ROWS}
)
BLANK_CELL = ("denied_third_party", "commercial")
# Tall enough that table 三 starts on page 2 and breaks between its （四） and （五） groups.
SPACER_MM = 130


def t3_figures(expected: dict) -> dict:
    return {key: value for key, value in expected.items() if key[0] == "t3"}


def checks_by_place(report) -> dict[tuple[str, str], str]:
    return {(check.rule, check.where): check.status for check in report.checks}


# --------------------------------------------------------------------------------------------
# The description itself
# --------------------------------------------------------------------------------------------


def test_the_described_report_prints_200_figures_that_satisfy_every_consistency_rule():
    assert len(REPORT.figures()) == 10 + 175 + 15
    assert consistency_violations(REPORT) == []


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    return write_docx(REPORT, tmp_path_factory.mktemp("docx") / "某某县生态环境局2024年报.docx")


@pytest.fixture(scope="module")
def docx_report(docx_path):
    return read_report(docx_path)


def test_generated_docx_uses_real_merged_and_rotated_cells(docx_path):
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert re.search(r'<w:gridSpan w:val="7"/>', body), "申请人情况 spans the seven number columns"
    assert len(re.findall(r'<w:vMerge w:val="restart"/>', body)) >= 5, "group labels merge down their rows"
    assert len(re.findall(r"<w:vMerge/>", body)) >= 21
    assert len(re.findall(r"<w:textDirection ", body)) == 5, "三、本年度办理结果 and （三）…（六） are rotated"


def test_docx_report_names_its_agency_year_and_2021_format(docx_report):
    assert docx_report.agency == "某某县生态环境局"
    assert docx_report.year == 2024
    assert docx_report.format == "2021"


def test_docx_report_has_all_six_sections_in_order_each_holding_its_own_text(docx_report):
    assert [section.n for section in docx_report.sections] == [1, 2, 3, 4, 5, 6]
    assert [section.title for section in docx_report.sections] == SECTION_TITLES
    for found, described in zip(docx_report.sections, REPORT.sections, strict=True):
        for paragraph in described.paragraphs:
            assert paragraph in found.text, f"section {described.n} should hold: {paragraph}"


def test_docx_report_gives_every_printed_figure_exactly_as_described(docx_report):
    assert figure_mismatches(docx_report.figures, REPORT.figures()) == []
    assert len(docx_report.figures) == 200
    assert docx_report.uncertain == []


def test_docx_fee_amount_keeps_its_decimal_value_and_the_unit_of_its_column_header(docx_report):
    fees = docx_report.figure("t2", "fees", "amount")
    assert fees is not None
    assert fees.value == Decimal("12.5")
    assert fees.unit == "万元"


def test_docx_report_passes_every_consistency_check(docx_report):
    statuses = checks_by_place(docx_report)
    assert set(statuses) == EXPECTED_CHECKS
    assert {place: status for place, status in statuses.items() if status != "pass"} == {}


@pytest.fixture(scope="module")
def docx_report_with_a_blank_cell(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx-blank") / "某某县生态环境局2024年报-空白单元格.docx"
    return read_report(write_docx(REPORT, path, blank=[BLANK_CELL]))


def test_a_blank_docx_cell_is_none_not_zero(docx_report_with_a_blank_cell):
    row, col = BLANK_CELL
    figure = docx_report_with_a_blank_cell.figure("t3", row, col)
    assert figure is not None, "a blank printed cell is still a figure of the report"
    assert figure.value is None
    assert figure.raw == ""


def test_a_blank_docx_cell_leaves_every_other_figure_as_described(docx_report_with_a_blank_cell):
    expected = dict(REPORT.figures())
    expected[("t3", *BLANK_CELL)] = None
    assert figure_mismatches(docx_report_with_a_blank_cell.figures, expected) == []


def test_a_blank_docx_cell_makes_exactly_the_checks_that_touch_it_not_assessable(docx_report_with_a_blank_cell):
    row, col = BLANK_CELL
    statuses = checks_by_place(docx_report_with_a_blank_cell)
    touching = {("t3.results_sum", col), ("t3.row_sum", row)}
    assert set(statuses) == EXPECTED_CHECKS
    assert {place for place, status in statuses.items() if status == "not_assessable"} == touching
    assert {place for place, status in statuses.items() if status == "fail"} == set()


def test_cli_extract_json_prints_the_docx_report_with_every_figure(docx_path, capsys):
    assert main(["extract", str(docx_path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["source"] == str(docx_path)
    assert (printed["agency"], printed["year"], printed["format"]) == ("某某县生态环境局", 2024, "2021")
    assert [section["n"] for section in printed["sections"]] == [1, 2, 3, 4, 5, 6]
    got = {(figure["table"], figure["row"], figure["col"]): figure["value"] for figure in printed["figures"]}
    expected = {key: float(value) if isinstance(value, Decimal) else value for key, value in REPORT.figures().items()}
    assert got == expected
    assert {check["status"] for check in printed["checks"]} == {"pass"}


# --------------------------------------------------------------------------------------------
# PDF printed by headless Chromium from the HTML page, and that HTML page itself
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "某某县生态环境局2024年报.html"
    path.write_text(html_page(REPORT, spacer_mm=SPACER_MM), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pdf_path(html_path, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("chromium")
    try:
        return print_to_pdf(html_path, work / "某某县生态环境局2024年报.pdf", work / "profile")
    except ChromiumMissing as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> PdfText:
    return PdfText.of(pdf_path)


@pytest.fixture(scope="module")
def pdf_report(pdf_path):
    return read_report(pdf_path)


def test_printed_pdf_has_a_chinese_text_layer_and_table_three_across_two_pages(pdf_text):
    assert pdf_text.pages_with(REPORT.title), "the PDF should carry the title as text (a CJK font is needed)"
    t3_pages = [pdf_text.page_of(row.fragment) for row in REPORT.t3]
    assert t3_pages == sorted(t3_pages), "rows of table 三 should be printed in order"
    assert len(set(t3_pages)) == 2, f"table 三 should span two pages, its rows are on pages {t3_pages}"


def test_pdf_report_names_its_agency_year_and_2021_format(pdf_report):
    assert pdf_report.agency == "某某县生态环境局"
    assert pdf_report.year == 2024
    assert pdf_report.format == "2021"


def test_pdf_report_has_all_six_sections_on_the_pages_their_headings_are_printed(pdf_report, pdf_text):
    assert [section.title for section in pdf_report.sections] == SECTION_TITLES
    assert [section.page for section in pdf_report.sections] == [pdf_text.page_of(t) for t in SECTION_TITLES]


def test_pdf_report_gives_every_printed_figure_exactly_as_described(pdf_report):
    assert figure_mismatches(pdf_report.figures, REPORT.figures()) == []
    assert pdf_report.uncertain == []


def test_pdf_figures_carry_the_page_their_row_is_printed_on(pdf_report, pdf_text):
    pages = {(figure.table, figure.row, figure.col): figure.page for figure in pdf_report.figures}
    expected = expected_pages(REPORT, pdf_text)
    wrong = {key: (pages.get(key), page) for key, page in expected.items() if pages.get(key) != page}
    assert wrong == {}, "figure: (page given, page printed on)"


def test_pdf_report_passes_every_consistency_check(pdf_report):
    statuses = checks_by_place(pdf_report)
    assert set(statuses) == EXPECTED_CHECKS
    assert {place: status for place, status in statuses.items() if status != "pass"} == {}


def test_the_html_page_read_directly_gives_the_same_report(html_path):
    report = read_report(html_path)
    assert (report.agency, report.year, report.format) == ("某某县生态环境局", 2024, "2021")
    assert [section.title for section in report.sections] == SECTION_TITLES
    assert figure_mismatches(report.figures, REPORT.figures()) == []
    assert {place: status for place, status in checks_by_place(report).items() if status != "pass"} == {}


# --------------------------------------------------------------------------------------------
# Legacy encodings and line endings
# --------------------------------------------------------------------------------------------


def gbk_html_without_charset(directory: Path) -> Path:
    page = html_page(REPORT, charset_meta=False)
    assert "charset" not in page.lower()
    path = directory / "gbk-no-charset.html"
    path.write_bytes(page.encode("gbk"))
    return path


def gb18030_text_with_crlf(directory: Path) -> Path:
    data = text_document(REPORT).replace("\n", "\r\n").encode("gb18030")
    assert not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    path = directory / "gb18030-crlf.txt"
    path.write_bytes(data)
    return path


def utf8_bom_text_with_bare_cr(directory: Path) -> Path:
    data = codecs.BOM_UTF8 + text_document(REPORT).replace("\n", "\r").encode("utf-8")
    assert b"\n" not in data
    path = directory / "utf8-bom-cr.txt"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "write", [gbk_html_without_charset, gb18030_text_with_crlf, utf8_bom_text_with_bare_cr],
    ids=lambda write: write.__name__,
)
def test_legacy_encodings_and_line_endings_give_the_same_agency_year_and_table_three(write, tmp_path):
    report = read_report(write(tmp_path))
    assert report.agency == "某某县生态环境局"
    assert report.year == 2024
    assert figure_mismatches([f for f in report.figures if f.table == "t3"], t3_figures(REPORT.figures())) == []


# --------------------------------------------------------------------------------------------
# Files that are not readable reports
# --------------------------------------------------------------------------------------------


def empty_file(directory: Path, pdf: Path) -> Path:
    path = directory / "empty-report.pdf"
    path.write_bytes(b"")
    return path


def corrupt_pdf(directory: Path, pdf: Path) -> Path:
    noise = random.Random(2024).randbytes(8192)
    path = directory / "corrupt-report.pdf"
    path.write_bytes(b"%PDF-1.7\n" + noise)
    return path


def encrypted_pdf(directory: Path, pdf: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.encrypt(user_password="secret", owner_password="owner-secret")
    path = directory / "encrypted-report.pdf"
    writer.write(path)
    assert PdfReader(path).is_encrypted
    return path


def pdf_without_text_layer(directory: Path, pdf: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = directory / "scanned-report.pdf"
    writer.write(path)
    return path


def docx_that_is_not_a_zip(directory: Path, pdf: Path) -> Path:
    path = directory / "not-a-zip.docx"
    path.write_bytes("这不是Word文档 / not a Word document\n".encode())
    return path


def excel_workbook(directory: Path, pdf: Path) -> Path:
    path = directory / "report.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 compound file header
    return path


# Each bad file, with the reason its message must give (a Chinese and an English pattern).
BAD_FILES = [
    pytest.param(empty_file, "空", "empty", id="empty file"),
    pytest.param(corrupt_pdf, "损坏", "corrupt", id="corrupt pdf"),
    pytest.param(encrypted_pdf, "加密", "encrypt", id="encrypted pdf"),
    pytest.param(pdf_without_text_layer, "文字层|OCR", "text layer", id="pdf without text layer"),
    pytest.param(docx_that_is_not_a_zip, "损坏|zip", "zip|corrupt", id="docx that is not a zip"),
    pytest.param(excel_workbook, "不支持", "unsupported|not supported", id="unsupported xls"),
]


@pytest.mark.parametrize(("write", "reason_zh", "reason_en"), BAD_FILES)
def test_an_unreadable_file_raises_unreadable_report_naming_the_file_and_the_reason(
    write, reason_zh, reason_en, tmp_path, pdf_path
):
    path = write(tmp_path, pdf_path)
    with pytest.raises(UnreadableReport) as raised:
        read_report(path)
    message = raised.value.message
    assert path.name in message
    assert re.search(reason_zh, message), f"Chinese reason ({reason_zh}) missing from: {message}"
    assert re.search(reason_en, message, re.I), f"English reason ({reason_en}) missing from: {message}"


@pytest.mark.parametrize(("write", "reason_zh", "reason_en"), BAD_FILES)
def test_cli_extract_fails_on_an_unreadable_file_with_one_line_and_no_traceback(
    write, reason_zh, reason_en, tmp_path, pdf_path, capsys
):
    path = write(tmp_path, pdf_path)
    status = main(["extract", str(path), "--json"])
    printed = capsys.readouterr()
    assert status != 0
    assert printed.out == ""
    assert "Traceback" not in printed.err
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1, f"stderr should be one line, got: {printed.err!r}"
    assert path.name in lines[0]


@pytest.mark.parametrize(("write", "reason_zh", "reason_en"), BAD_FILES)
def test_nianbao_command_prints_only_its_one_line_error_on_stderr_for_an_unreadable_file(
    write, reason_zh, reason_en, tmp_path, pdf_path
):
    """The command as a user runs it: nothing but the error line, not even a library's warning.

    (In-process, pytest's log capture swallows what a library logs; a real process shows it.)
    """
    path = write(tmp_path, pdf_path)
    completed = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "extract", str(path), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, f"stderr should be the one error line, got: {completed.stderr!r}"
    assert path.name in lines[0]
