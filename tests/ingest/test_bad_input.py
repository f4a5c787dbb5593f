"""Bad input gets a clear error naming the file and the reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.errors import UnreadableReport
from ingest.reader import read_report


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path):
    big = tmp_path / "很大的年报.txt"
    big.write_text("政府信息公开" * 200_000, encoding="utf-8")

    with pytest.raises(UnreadableReport) as error:
        read_report(big, max_bytes=1024 * 1024)
    assert "很大的年报.txt" in error.value.message and "上限 1 MB" in error.value.message


def test_a_docx_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    bomb = tmp_path / "炸弹.docx"
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 2 * 1024 * 1024

    with pytest.raises(UnreadableReport) as error:
        read_report(bomb)
    assert "炸弹.docx" in error.value.message and "压缩炸弹" in error.value.message


def test_a_document_that_is_not_an_annual_report_is_refused_or_read_as_plain_text(tmp_path):
    menu = tmp_path / "食堂菜单.txt"
    menu.write_text("周一：米饭、青菜、红烧肉。\n周二：面条、番茄炒蛋。\n", encoding="utf-8")

    with pytest.raises(UnreadableReport) as error:
        read_report(menu, non_reports="refuse")
    assert "不是政府信息公开工作年度报告" in error.value.message
    plain = read_report(menu, non_reports="plain")
    assert plain.figures == [] and "红烧肉" in plain.text


def test_html_with_scripts_keeps_only_the_report_text(tmp_path, reports_dir):
    page = tmp_path / "report.html"
    page.write_text(
        "<html><head><script>document.write('恶意文字')</script></head><body>"
        "<p>某某县人民政府2024年政府信息公开工作年度报告</p><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><script>alert('x')</script><p>四、结束</p></body></html>",
        encoding="utf-8")
    report = read_report(page)
    assert "恶意文字" not in report.text and "alert" not in report.text
    assert report.agency == "某某县人民政府"
