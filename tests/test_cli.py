"""`nianbao extract`: the JSON contract of the spec, a readable summary, and one-line errors."""

import json

import pytest

from nianbao.cli import main
from tests.conftest import load_truth, truth_files

SPEC_KEYS = {"source", "agency", "region", "year", "format", "sections", "figures", "checks"}


def test_extract_json_prints_the_contract_of_the_spec(reports_dir, capsys):
    assert main(["extract", str(reports_dir / "000_taojiang-czj-2025.txt"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)

    assert set(printed) >= SPEC_KEYS
    assert (printed["agency"], printed["year"], printed["format"]) == ("桃江县财政局", 2025, "2021")
    assert len([f for f in printed["figures"] if f["table"] == "t3"]) == 175
    assert len(printed["figures"]) == 200
    figure = next(f for f in printed["figures"] if f["row"] == "punishment")
    assert set(figure) >= {"table", "row", "col", "value", "raw", "page"}
    assert figure["value"] == 1 and figure["raw"] == "1"
    assert {c["status"] for c in printed["checks"]} <= {"pass", "fail", "not_assessable"}
    assert [s["n"] for s in printed["sections"]] == [1, 2, 3, 4, 5, 6]


def test_extract_without_json_lays_out_the_tables(reports_dir, capsys):
    assert main(["extract", str(reports_dir / "002_huaian-hongze-2023.pdf")]) == 0
    out = capsys.readouterr().out

    assert "淮安市洪泽区人民政府" in out
    assert "表三 收到和处理政府信息公开申请情况" in out
    assert "✗ t4.row_sum [行政复议]" in out


def test_an_unreadable_file_is_one_line_naming_it_and_a_non_zero_exit(tmp_path, capsys):
    broken = tmp_path / "坏文件.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")

    assert main(["extract", str(broken), "--json"]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "坏文件.pdf" in captured.err and "Traceback" not in captured.err


def test_the_data_directory_option_is_accepted_after_the_subcommand_too(tmp_path, reports_dir, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    seed = str(reports_dir / "000_taojiang-czj-2025.txt")

    assert main(["--data-dir", str(before), "ingest", seed]) == 0
    assert main(["ingest", seed, "--data-dir", str(after)]) == 0
    assert main(["reports", "--data-dir", str(after)]) == 0

    assert "桃江县财政局" in capsys.readouterr().out
    assert (before / "figures.sqlite3").is_file() and (after / "figures.sqlite3").is_file()


def test_a_folder_of_page_images_is_ingested_as_one_report_beside_other_files(tmp_path, reports_dir, capsys):
    from tests.ingest.report_builder import REPORT, render_pdf
    from tests.ingest.scan_builder import png_pages, scanned_pages

    delivered = tmp_path / "delivered"
    pages = delivered / "扫描件"
    pages.mkdir(parents=True)
    (tmp_path / "printed").mkdir()
    png_pages(scanned_pages(render_pdf("chromium-break-in-table-3", tmp_path / "printed"), 150), pages, 150)
    (delivered / "000.txt").write_bytes((reports_dir / "000_taojiang-czj-2025.txt").read_bytes())

    assert main(["ingest", str(delivered), "--data-dir", str(tmp_path / "data")]) == 0
    printed = capsys.readouterr()
    assert "新入库 ingested 2" in printed.out
    assert "文字识别 OCR 第 3/3 页" in printed.err, "each recognised page shows in the progress line"
    assert main(["reports", "--data-dir", str(tmp_path / "data")]) == 0
    listed = capsys.readouterr().out
    assert REPORT.agency in listed and "桃江县财政局" in listed and "共 2 份" in listed


def test_search_years_are_a_span_as_the_api_reads_them_and_anything_else_is_a_usage_error(tmp_path, reports_dir,
                                                                                            capsys):
    data = str(tmp_path / "data")
    assert main(["ingest", str(reports_dir / "000_taojiang-czj-2025.txt"), "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["search", "行政处罚", "--years", "2024-2025", "--json", "--data-dir", data]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results and {hit["year"] for hit in results} == {2025}
    assert main(["search", "行政处罚", "--years", "2023", "--json", "--data-dir", data]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []
    for wrong in ("abc", "2025-2019", "1999"):
        with pytest.raises(SystemExit) as stopped:
            main(["search", "行政处罚", "--years", wrong, "--data-dir", data])
        assert stopped.value.code == 2
        assert "年份范围应写作 2023 或 2019-2023" in capsys.readouterr().err


def test_extract_json_lists_the_candidate_values_of_a_cell_whose_digits_ran_together(reports_dir, capsys):
    assert main(["extract", str(reports_dir / "013_pingtan-2022.txt"), "--json"]) == 0
    unread = {(u["row"], u["col"]): u for u in json.loads(capsys.readouterr().out)["uncertain"]}
    issued = unread[("normative", "issued")]
    truth = load_truth(next(p for p in truth_files() if p.stem == "013"))["tables"]["t2"]["normative"]
    assert issued["printed"] == "8855698" and truth["issued"] in issued["candidates"]
    assert truth["in_force"] in unread[("normative", "in_force")]["candidates"]
