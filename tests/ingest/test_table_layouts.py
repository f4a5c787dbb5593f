"""Tables read from their layout, whatever wrote them: PDFs from two renderers with tables broken
across pages, the same report's text in many separator layouts, and a shown table that cannot be read.

Every document here is generated from `report_builder.REPORT` (200 printed cells) in the test's own
temporary directory: PDFs by headless Chromium (from the HTML page) and by LibreOffice Writer (from
the DOCX), with a spacer that pushes table 三 across a page break, with and without header rows
repeated on the next page. They need `apt-get install -y chromium fonts-noto-cjk
libreoffice-writer-nogui`; without them the tests fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.reader import read_report
from nianbao.cli import main
from tests.ingest.report_builder import (
    PDF_VARIANTS,
    REPORT,
    T3_COLS,
    TEXT_LAYOUTS,
    UNRULED_PDF_VARIANTS,
    ChromiumMissing,
    LibreOfficeMissing,
    PdfText,
    expected_pages,
    figure_mismatches,
    html_page,
    render_pdf,
    text_in_layout,
    text_with_a_lost_column,
    write_docx,
)

TABLES = ("t2", "t3", "t4")
ROW_CUT_VARIANT = "libreoffice-rows-cut-by-page-breaks"


def render(variant: str, directory: Path) -> Path:
    try:
        return render_pdf(variant, directory)
    except (ChromiumMissing, LibreOfficeMissing) as missing:
        pytest.fail(str(missing), pytrace=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("rendered")
    return {variant: render(variant, directory) for variant in PDF_VARIANTS}


def silent_cells(report) -> list[str]:
    """Cells of a shown table that came back as neither a value nor an `uncertain` entry."""
    figures = {(figure.table, figure.row, figure.col): figure for figure in report.figures}
    doubtful = {(entry.table, entry.row, entry.col) for entry in report.uncertain}
    silent = []
    for key, value in REPORT.figures().items():
        figure = figures.get(key)
        if figure is None or (figure.value is None and value is not None and key not in doubtful):
            silent.append(".".join(key))
    return silent


# --------------------------------------------------------------------------------------------
# PDFs from two renderers
# --------------------------------------------------------------------------------------------


T2_LABELS = ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")
T4_VALUES = "".join(str(value) for row in ("review", "suit_direct", "suit_after_review") for value in REPORT.t4[row])


def pages_printing(table: str, pages: PdfText) -> set[int]:
    if table == "t2":
        return {page for label in T2_LABELS for page in pages.pages_with(label)}
    if table == "t3":
        return {page for row in REPORT.t3 for page in pages.pages_with(row.fragment)}
    return set(pages.pages_with("复议后起诉")) | set(pages.pages_with(T4_VALUES))


@pytest.mark.parametrize("variant", list(PDF_VARIANTS))
def test_the_table_a_rendered_pdf_breaks_really_runs_across_a_page_break(variant, rendered):
    table = PDF_VARIANTS[variant][2]
    printed_on = pages_printing(table, PdfText.of(rendered[variant]))
    assert len(printed_on) >= 2, f"{table} should span pages, it is printed on {sorted(printed_on)}"


def test_libreoffice_cuts_rows_of_table_three_in_two_at_the_page_break(rendered):
    pages = PdfText.of(rendered[ROW_CUT_VARIANT])
    cut = [row.label for row in REPORT.t3 if not pages.pages_with(row.label.replace("“", "").replace("”", ""))]
    assert cut, "some row label should start on one page and end on the next"


REPEATED_HEADER_VARIANTS = [name for name, (_, options, table) in PDF_VARIANTS.items()
                            if options.get("repeat_header") and table == "t3"]


@pytest.mark.parametrize("variant", REPEATED_HEADER_VARIANTS)
def test_the_header_rows_of_table_three_are_repeated_on_the_next_page(variant, rendered):
    assert len(PdfText.of(rendered[variant]).pages_with("社会公益组织")) >= 2


@pytest.mark.parametrize("variant", list(PDF_VARIANTS))
def test_a_rendered_pdf_gives_every_printed_figure_exactly_as_described(variant, rendered):
    report = read_report(rendered[variant])
    assert figure_mismatches(report.figures, REPORT.figures()) == []
    assert report.uncertain == []
    assert [(status.table, status.status) for status in report.tables] == [(table, "read") for table in TABLES]


@pytest.mark.parametrize("variant", list(PDF_VARIANTS))
def test_figures_of_a_rendered_pdf_carry_the_page_their_row_starts_on(variant, rendered):
    report = read_report(rendered[variant])
    pages = {(figure.table, figure.row, figure.col): figure.page for figure in report.figures}
    expected = expected_pages(REPORT, PdfText.of(rendered[variant]))
    wrong = {key: (pages.get(key), page) for key, page in expected.items() if pages.get(key) != page}
    assert wrong == {}, "figure: (page given, page printed on)"


@pytest.mark.parametrize("variant", list(PDF_VARIANTS))
def test_a_rendered_pdf_passes_every_consistency_check(variant, rendered):
    report = read_report(rendered[variant])
    assert {check.status for check in report.checks} == {"pass"}


# --------------------------------------------------------------------------------------------
# Text exports in any separator layout
# --------------------------------------------------------------------------------------------


def test_the_text_layouts_really_differ_in_how_they_separate_cells():
    texts = {layout: text_in_layout(REPORT, layout) for layout in TEXT_LAYOUTS}
    assert len(set(texts.values())) == len(TEXT_LAYOUTS) >= 5
    assert "\n|\n120\n|\n" in texts["pipe_own_line"], "each cell and each separator on a line of its own"
    assert "｜120｜" in texts["fullwidth_bars"]
    assert "\t120\t" in texts["tabs"]
    assert "|" not in texts["space_runs"] and "|" not in texts["cell_per_line"]
    wrapped = texts["wrapped_rows"].split("\n")
    assert not any("（一）予以公开" in line and "65" in line for line in wrapped), "rows wrap across lines"


@pytest.mark.parametrize("layout", list(TEXT_LAYOUTS))
def test_every_text_layout_gives_every_printed_figure_exactly_as_described(layout, tmp_path):
    path = tmp_path / f"{layout}.txt"
    path.write_text(text_in_layout(REPORT, layout), encoding="utf-8")
    report = read_report(path)
    assert (report.agency, report.year, report.format) == ("某某县生态环境局", 2024, "2021")
    assert figure_mismatches(report.figures, REPORT.figures()) == []
    assert report.uncertain == []
    assert {check.status for check in report.checks} == {"pass"}


BLANK_CELLS = (("new_received", "natural_person"), ("denied_third_party", "commercial"), ("granted", "total"))
# Layouts whose separators still stand around an empty cell; in the others a blank cell leaves no trace.
KEEPS_BLANKS = ("pipe_rows", "pipe_line_end", "tabs", "fullwidth_bars")


@pytest.mark.parametrize("layout", list(TEXT_LAYOUTS))
def test_blank_cells_in_any_text_layout_are_read_blank_or_uncertain_never_as_a_shifted_number(layout, tmp_path):
    path = tmp_path / f"{layout}-blank.txt"
    path.write_text(text_in_layout(REPORT, layout, blank=BLANK_CELLS), encoding="utf-8")
    report = read_report(path)
    expected = dict(REPORT.figures())
    expected.update({("t3", row, col): None for row, col in BLANK_CELLS})
    doubtful = {(entry.table, entry.row, entry.col) for entry in report.uncertain}
    wrong = [problem for problem in figure_mismatches(report.figures, expected)
             if tuple(problem.split(":")[0].split(".")) not in doubtful]
    assert wrong == []
    if layout in KEEPS_BLANKS:
        assert doubtful == set()
    else:
        assert {row for _, row, _ in doubtful} <= {row for row, _ in BLANK_CELLS}, "only rows with a blank"


# --------------------------------------------------------------------------------------------
# Never silent about a table the document shows
# --------------------------------------------------------------------------------------------


@pytest.fixture
def lost_column_report(tmp_path):
    path = tmp_path / "lost-column.txt"
    path.write_text(text_with_a_lost_column(REPORT), encoding="utf-8")
    return path


def test_a_shown_table_whose_rows_cannot_be_read_puts_every_cell_in_uncertain_with_the_reason(lost_column_report):
    report = read_report(lost_column_report)
    t3 = {key for key in REPORT.figures() if key[0] == "t3"}
    doubtful = {(entry.table, entry.row, entry.col): entry.why for entry in report.uncertain}
    assert set(doubtful) == t3
    assert all("不符" in why for why in doubtful.values())
    assert all(figure.value is None for figure in report.figures if figure.table == "t3")
    status = report.table_status("t3")
    assert status is not None and status.status == "unread" and "不符" in status.reason
    others = {key: value for key, value in REPORT.figures().items() if key[0] != "t3"}
    assert figure_mismatches([figure for figure in report.figures if figure.table != "t3"], others) == []


def test_extract_says_which_table_could_not_be_read_and_why(lost_column_report, capsys):
    assert main(["extract", str(lost_column_report)]) == 0
    printed = capsys.readouterr().out
    assert "表三：无法读取（表格单元格数量与模板不符）" in printed
    assert "表二 主动公开政府信息情况" in printed


def test_extract_json_gives_each_shown_table_with_how_it_was_read(lost_column_report, capsys):
    assert main(["extract", str(lost_column_report), "--json"]) == 0
    tables = {entry["table"]: entry for entry in json.loads(capsys.readouterr().out)["tables"]}
    assert {table: entry["status"] for table, entry in tables.items()} == {"t2": "read", "t3": "unread", "t4": "read"}
    assert "cell count does not match" in tables["t3"]["reason"] and tables["t2"]["reason"] == ""


def test_table_three_whose_first_row_label_is_garbled_is_still_seen_and_read_row_by_row(tmp_path):
    path = tmp_path / "garbled-first-row.txt"
    path.write_text(text_in_layout(REPORT, "pipe_rows").replace("本年新收", "本年新増"), encoding="utf-8")
    report = read_report(path)
    doubtful = {(entry.table, entry.row, entry.col) for entry in report.uncertain}
    assert doubtful == {("t3", "new_received", col) for col in T3_COLS}
    others = {key: value for key, value in REPORT.figures().items() if key not in doubtful}
    assert figure_mismatches([f for f in report.figures if f.value is not None], others) == []
    assert report.table_status("t3").status == "partly_read"


def test_a_report_that_prints_no_tables_has_no_table_status(reports_dir):
    report = read_report(reports_dir / "005_pingtan-2011.txt")
    assert report.format == "pre2019"
    assert report.tables == [] and report.figures == [] and report.uncertain == []


def generated_documents(directory: Path, rendered: dict[str, Path]) -> dict[str, Path]:
    documents = dict(rendered)
    for layout in TEXT_LAYOUTS:
        documents[f"text-{layout}"] = directory / f"{layout}.txt"
        documents[f"text-{layout}"].write_text(text_in_layout(REPORT, layout), encoding="utf-8")
    documents["text-lost-column"] = directory / "lost-column.txt"
    documents["text-lost-column"].write_text(text_with_a_lost_column(REPORT), encoding="utf-8")
    documents["docx"] = write_docx(REPORT, directory / "report.docx")
    documents["html"] = directory / "report.html"
    documents["html"].write_text(html_page(REPORT), encoding="utf-8")
    return documents


def test_no_table_of_any_generated_document_comes_back_without_figures_or_uncertain_entries(rendered, tmp_path):
    silent = {}
    for name, path in generated_documents(tmp_path, rendered).items():
        report = read_report(path)
        if found := silent_cells(report):
            silent[name] = found[:5]
        assert [status.table for status in report.tables] == list(TABLES), name
    assert silent == {}


@pytest.mark.parametrize("variant", list(UNRULED_PDF_VARIANTS))
def test_a_table_printed_without_borders_is_read_from_its_text_positions(variant, tmp_path):
    report = read_report(render(variant, tmp_path))
    assert figure_mismatches(report.figures, REPORT.figures()) == []
    assert report.uncertain == []
