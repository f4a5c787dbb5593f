"""Scanned reports: an image-only PDF, a multi-page TIFF and a PDF whose table page is a scan read
through OCR into the same grid reader and label matcher as a born-digital PDF.

The fixtures are the generated report (`report_builder.REPORT`) printed by headless Chromium, then
scanned by `scan_builder` at 150 and 200 dpi: turned by up to ±1°, blurred, grainy, JPEG-compressed.
Its description is the truth, cell for cell. OCR is slow on this machine, so only these three files
(seven pages) are recognised here; `bench/ocr_accuracy.py` measures more scans and the time per page.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PIL import Image

from ingest.errors import UnreadableReport
from ingest.reader import build_report, read_report
from ingest.readers import ALTERNATIVES, DOUBTFUL, RawDocument
from ingest.readers.grid import Glyph
from ingest.readers.ocr import PageReader, TextRun
from nianbao.cli import main
from tests.ingest.report_builder import (
    REPORT,
    T3_COLS,
    PdfText,
    expected_pages,
    figure_mismatches,
    render_pdf,
    text_in_layout,
)
from tests.ingest.scan_builder import decompression_bomb, image_pdf, mixed_pdf, scanned_pages, tiff

NARRATIVE = "围绕大气、水、土壤污染防治和环境执法监管"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    return render_pdf("chromium-break-in-table-3", tmp_path_factory.mktemp("printed"))


@pytest.fixture(scope="module")
def scan_150_pdf(printed, tmp_path_factory) -> Path:
    return image_pdf(scanned_pages(printed, 150), tmp_path_factory.mktemp("scan150") / "扫描件150dpi.pdf", 150)


@pytest.fixture(scope="module")
def scan_150(scan_150_pdf):
    return read_report(scan_150_pdf)


@pytest.fixture(scope="module")
def scan_200_tiff(printed, tmp_path_factory) -> Path:
    return tiff(scanned_pages(printed, 200, seed=1), tmp_path_factory.mktemp("scan200") / "扫描件200dpi.tif", 200)


@pytest.fixture(scope="module")
def scan_200(scan_200_tiff):
    return read_report(scan_200_tiff)


def exact_and_sure(report) -> list[str]:
    """Every described cell with its value and not uncertain; the problems otherwise."""
    problems = figure_mismatches(report.figures, REPORT.figures())
    problems += [f"{entry.table}.{entry.row}.{entry.col}: uncertain ({entry.why})" for entry in report.uncertain]
    return problems


# --------------------------------------------------------------------------------------------
# Whole scans
# --------------------------------------------------------------------------------------------


def test_an_image_only_pdf_scanned_at_150_dpi_gives_every_cell_exactly(scan_150_pdf, scan_150):
    assert PdfText.of(scan_150_pdf).pages == ["", "", ""], "the fixture has no text layer at all"
    assert exact_and_sure(scan_150) == []
    assert [status.status for status in scan_150.tables] == ["read", "read", "read"]


def test_a_multi_page_tiff_scanned_at_200_dpi_gives_every_cell_exactly(scan_200):
    assert exact_and_sure(scan_200) == []


def test_a_scanned_report_names_its_agency_year_and_sections(scan_150):
    assert (scan_150.agency, scan_150.year, scan_150.format) == (REPORT.agency, REPORT.year, "2021")
    assert [section.title for section in scan_150.sections] == [section.title for section in REPORT.sections]


def test_scanned_figures_carry_the_page_they_are_printed_on(printed, scan_150):
    pages = expected_pages(REPORT, PdfText.of(printed))
    wrong = {key: (figure.page, pages[key]) for figure in scan_150.figures
             if (key := (figure.table, figure.row, figure.col)) in pages and figure.page != pages[key]}
    assert wrong == {}


def test_the_narrative_of_a_scan_is_text_on_its_own_page(scan_150):
    assert NARRATIVE in scan_150.pages[0].text.replace("\n", "")
    assert "存在的主要问题是解读材料形式较为单一" in scan_150.pages[-1].text.replace("\n", "")


def test_a_pdf_with_a_scanned_table_page_between_text_pages_reads_both_kinds(printed, tmp_path):
    mixed = mixed_pdf(printed, {1: scanned_pages(printed, 200, seed=2, pages=[1])[0]}, tmp_path / "混合.pdf", 200)
    layers = PdfText.of(mixed).pages
    assert layers[0] and layers[1] == "" and layers[2], "page 2 is a picture, pages 1 and 3 have text"

    recognised = []
    report = read_report(mixed, progress=lambda page, pages: recognised.append((page, pages)))

    assert recognised == [(2, 3)], "only the scanned page is recognised, and its progress is reported"
    assert exact_and_sure(report) == []
    pages = expected_pages(REPORT, PdfText.of(printed))
    assert {figure.page for figure in report.figures if figure.table == "t3"} == {
        page for key, page in pages.items() if key[0] == "t3"}


def test_a_jpeg_page_without_a_resolution_is_read_as_an_a4_scan(printed, tmp_path):
    page = scanned_pages(printed, 150, seed=4, pages=[0])[0].convert("RGB")
    photo = tmp_path / "第一页.jpg"
    page.save(photo, "JPEG", quality=85)  # no dpi written: the reader assumes an A4 page
    with Image.open(photo) as written:
        assert "dpi" not in written.info

    report = read_report(photo)

    assert (report.agency, report.year) == (REPORT.agency, REPORT.year)
    assert NARRATIVE in report.text.replace("\n", "") and report.pages[0].number == 1


def test_a_folder_of_page_images_is_one_report_in_page_order(printed, tmp_path):
    """Pages named 页1, 页2, 页10 are read in that order (not 页1, 页10, 页2); parts of the scanned
    pages stand for whole pages, to keep recognition short."""
    first, last = scanned_pages(printed, 150, seed=5, pages=[0, 2])
    folder = tmp_path / "扫描页"
    folder.mkdir()
    first.crop((0, 0, first.width, first.height // 4)).save(folder / "页1.png", dpi=(150, 150))
    Image.new("L", (first.width, first.height // 8), 255).save(folder / "页2.png", dpi=(150, 150))
    last.crop((0, last.height // 2, last.width, last.height)).save(folder / "页10.png", dpi=(150, 150))

    report = read_report(folder)

    assert len(report.pages) == 3
    assert REPORT.title in report.pages[0].text.replace("\n", "")
    assert report.pages[1].text == ""
    assert "存在的主要问题是解读材料形式较为单一" in report.pages[2].text.replace("\n", "")


def test_a_folder_with_anything_but_page_images_is_not_a_report(tmp_path):
    (tmp_path / "页1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "说明.txt").write_text("说明", encoding="utf-8")
    with pytest.raises(UnreadableReport) as error:
        read_report(tmp_path)
    assert "这是一个目录" in error.value.message


# --------------------------------------------------------------------------------------------
# Numbers are read strictly, and a doubtful one is never a guess
# --------------------------------------------------------------------------------------------


def run(text: str, scores: list[float] | None = None) -> TextRun:
    """A recognised run of characters, each 10 points wide, with the recogniser's confidences."""
    scores = scores or [0.99] * len(text)
    words = [(char, score, [[n * 10, 0], [n * 10 + 10, 0], [n * 10 + 10, 10], [n * 10, 10]])
             for n, (char, score) in enumerate(zip(text, scores, strict=True))]
    return TextRun(text, 0, 0, len(text) * 10, 10, words, 1.0)


def chars(glyphs: list[Glyph]) -> str:
    return "".join(glyph.char for glyph in glyphs)


@pytest.mark.parametrize(("read", "number"), [("6l", "61"), ("1O", "10"), ("〇", "0"), ("I2", "12"), ("2|", "21")])
def test_look_alikes_in_a_table_cell_are_digits(read, number):
    assert chars(run(read).glyphs(in_table=True, line_start=True)) == number


def test_look_alikes_outside_tables_are_left_as_read():
    assert chars(run("Ol").glyphs(in_table=False, line_start=True)) == "Ol"
    assert chars(run("一、总体情况").glyphs(in_table=True, line_start=True)) == "一、总体情况"


@pytest.mark.parametrize(("read", "scores"), [
    ("7a", None),  # a digit beside a letter
    ("38", [0.99, 0.55]),  # a digit the recogniser is unsure of
])
def test_a_doubtful_number_becomes_the_doubt_mark(read, scores):
    assert chars(run(read, scores).glyphs(in_table=True, line_start=True)) == DOUBTFUL


def test_without_character_scores_the_run_s_own_confidence_decides():
    assert chars(TextRun("38", 0, 0, 20, 10, [], 1.0, 0.99).glyphs(in_table=True, line_start=True)) == "38"
    assert chars(TextRun("38", 0, 0, 20, 10, [], 1.0, 0.5).glyphs(in_table=True, line_start=True)) == DOUBTFUL


def test_a_lone_one_stroke_in_a_table_is_both_the_digit_1_and_a_blank_dash():
    assert chars(run("一").glyphs(in_table=True, line_start=True)) == f"1{ALTERNATIVES}—"


def test_a_doubtful_cell_is_uncertain_and_no_other_value_changes(scan_150):
    """The OCR'd text of the scan with one table 三 cell recognised as doubtful: that cell is never
    given a value, and every value the report still gives is the described one."""
    pages = with_cell([page.text for page in scan_150.pages], "| 120 | 25 | 4 | 7 | 3 | 9 | 168 |",
                      f"| {DOUBTFUL} | 25 | 4 | 7 | 3 | 9 | 168 |")

    report = build_report("doubtful.pdf", RawDocument(pages=pages, paginated=True))

    assert report.figure("t3", "new_received", "natural_person").value is None
    assert [(u.table, u.row, u.col) for u in report.uncertain] == [("t3", "new_received", "natural_person")]
    assert "OCR" in report.uncertain[0].why
    assert figure_mismatches([f for f in report.figures if f.value is not None], REPORT.figures()) == [
        "t3.new_received.natural_person: missing (expected 120)"]


def with_cell(pages: list[str], old: str, new: str) -> list[str]:
    assert sum(page.count(old) for page in pages) == 1, old
    return [page.replace(old, new) for page in pages]


def test_the_sums_of_table_3_choose_between_the_readings_of_a_one_stroke(scan_150):
    """（一）予以公开 printed 46 | 9 | 2 | 3 | 1 | 4 | 65; its 1 recognised as 一 reads 1 or blank,
    and only 1 makes the row add up."""
    pages = with_cell([page.text for page in scan_150.pages], "| 46 | 9 | 2 | 3 | 1 | 4 | 65 |",
                      f"| 46 | 9 | 2 | 3 | 1{ALTERNATIVES}— | 4 | 65 |")

    report = build_report("alternatives.pdf", RawDocument(pages=pages, paginated=True))

    assert report.figure("t3", "granted", "legal_service").value == 1
    assert report.uncertain == []


def test_without_a_sum_to_choose_a_one_stroke_stays_uncertain(scan_150):
    pages = with_cell([page.text for page in scan_150.pages], "| 行政处罚 | 58 |", f"| 行政处罚 | 1{ALTERNATIVES}— |")

    report = build_report("alternatives.pdf", RawDocument(pages=pages, paginated=True))

    assert report.figure("t2", "punishment", "decisions").value is None
    assert [(u.table, u.row) for u in report.uncertain] == [("t2", "punishment")]


def test_a_confident_misreading_on_a_scanned_page_that_breaks_the_sums_is_withdrawn(scan_150):
    """（一）予以公开's 46 misread as 48: the row no longer adds up to 65 nor the column to its total.
    On a recognised page no cell of a broken rule is believed; the other cells keep their values."""
    pages = with_cell([page.text for page in scan_150.pages], "| 46 | 9 | 2 | 3 | 1 | 4 | 65 |",
                      "| 48 | 9 | 2 | 3 | 1 | 4 | 65 |")
    recognised = frozenset(range(1, len(pages) + 1))

    report = build_report("misread.pdf", RawDocument(pages=pages, paginated=True, recognised_pages=recognised))

    given = [figure for figure in report.figures if figure.value is not None]
    assert figure_mismatches(given, {key: value for key, value in REPORT.figures().items()
                                     if key in {(f.table, f.row, f.col) for f in given}}) == []
    doubted = {(entry.table, entry.row, entry.col) for entry in report.uncertain}
    assert ("t3", "granted", "natural_person") in doubted and ("t3", "granted", "total") in doubted
    assert report.failing_checks() == [] and report.table_status("t3").status == "partly_read"
    assert len(given) >= 150


def test_a_row_of_a_scan_with_no_digit_recognised_is_uncertain_not_blank():
    """A table without borders read from a scan, one row's digits lost: on a text layer that row is
    printed blank; recognised, it may have lost its digits, so it is uncertain."""
    row = "3.补正后申请内容仍不明确"
    text = text_in_layout(REPORT, "space_runs")
    assert f"{row}    2    0    0    0    0    0    2\n" in text
    lost = [text.replace(f"{row}    2    0    0    0    0    0    2\n", f"{row}\n")]

    scanned = build_report("lost.pdf", RawDocument(pages=lost, paginated=True, recognised_pages=frozenset({1})))
    typed = build_report("blank.pdf", RawDocument(pages=lost, paginated=True))

    assert {(entry.row, entry.col) for entry in scanned.uncertain} == {("unable_unclear", col) for col in T3_COLS}
    assert typed.uncertain == [] and typed.figure("t3", "unable_unclear", "total").value is None


def test_the_same_misprint_in_a_text_layer_is_the_agency_s_and_fails_its_check(scan_150):
    pages = with_cell([page.text for page in scan_150.pages], "| 46 | 9 | 2 | 3 | 1 | 4 | 65 |",
                      "| 48 | 9 | 2 | 3 | 1 | 4 | 65 |")

    report = build_report("misprint.pdf", RawDocument(pages=pages, paginated=True))

    assert report.figure("t3", "granted", "natural_person").value == 48
    assert ("t3.row_sum", "granted") in {(check.rule, check.where) for check in report.failing_checks()}


# --------------------------------------------------------------------------------------------
# Offline, switchable, and hostile files
# --------------------------------------------------------------------------------------------


def test_ocr_runs_with_the_network_off_from_models_inside_the_installed_wheel(monkeypatch, printed):
    def no_network(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    import rapidocr

    page = scanned_pages(printed, 400, seed=3, pages=[0])[0]  # finer than needed: scaled down to 200 dpi
    top = page.crop((0, 0, page.width, page.height // 5))
    reader = PageReader()
    scan = reader.read(top, 400)

    assert "政府信息公开工作年度报告" in chars(scan.glyphs)
    models = Path(rapidocr.__file__).parent / "models"
    used = reader.model_files()
    assert used and all(Path(path).parent == models for path in used)


def test_with_ocr_turned_off_a_scan_gets_the_old_clear_error(scan_150_pdf, tmp_path):
    with pytest.raises(UnreadableReport) as error:
        read_report(scan_150_pdf, ocr=False)
    assert "扫描件150dpi.pdf" in error.value.message and "OCR" in error.value.message


def test_the_ocr_setting_turned_off_makes_extract_refuse_a_scan(scan_150_pdf, monkeypatch, capsys):
    monkeypatch.setenv("NIANBAO_OCR", "false")
    assert main(["extract", str(scan_150_pdf)]) == 1
    assert "没有文字层" in capsys.readouterr().err


def test_a_corrupt_image_is_one_line_naming_it_and_a_non_zero_exit(tmp_path, capsys):
    broken = tmp_path / "坏图片.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    assert main(["extract", str(broken)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "坏图片.png" in err and "图片已损坏" in err


def test_a_decompression_bomb_png_is_refused_before_it_is_decoded(tmp_path, capsys):
    bomb = decompression_bomb(tmp_path / "炸弹.png")
    assert bomb.stat().st_size < 64 * 1024

    assert main(["extract", str(bomb)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "炸弹.png" in err and "解压炸弹" in err


def test_bad_images_are_not_ingested_and_nothing_of_them_is_stored(tmp_path, capsys):
    broken = tmp_path / "坏图片.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x13" * 200)
    bomb = decompression_bomb(tmp_path / "炸弹.png")
    data = tmp_path / "data"

    assert main(["--data-dir", str(data), "ingest", str(broken), str(bomb)]) != 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "reports"]) == 0
    listed = capsys.readouterr().out
    assert "坏图片" not in listed and "炸弹" not in listed


# --------------------------------------------------------------------------------------------
# End to end: a scanned report answers with page citations
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def answering_scan(scan_200_tiff, tmp_path_factory):
    from nianbao.container import Container
    from nianbao.settings import Settings

    container = Container(Settings(data_dir=tmp_path_factory.mktemp("scanned-data")))
    assert container.indexer.ingest(scan_200_tiff).status == "ingested"
    return container


def test_a_scanned_report_answers_a_figure_question_citing_its_page(answering_scan, printed):
    answer = answering_scan.answerer.ask(f"{REPORT.agency}{REPORT.year}年收到多少政府信息公开申请？")

    new_received = REPORT.t3_row("new_received").values[-1]
    assert answer.route == "figures" and f"{new_received}件" in answer.answer
    page = expected_pages(REPORT, PdfText.of(printed))[("t3", "new_received", "total")]
    assert [(figure.value, figure.page) for figure in answer.figures][:1] == [(new_received, page)]


def test_a_scanned_report_answers_a_narrative_question_quoting_its_page(answering_scan):
    answer = answering_scan.answerer.ask(f"{REPORT.agency}{REPORT.year}年存在哪些问题？")

    quoted = [citation for citation in answer.citations if "解读材料形式较为单一" in citation.quote]
    assert quoted and quoted[0].page == 3 and quoted[0].source.endswith("扫描件200dpi.tif")
