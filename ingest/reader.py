"""read_report(path): any supported file in, a Report out (or UnreadableReport)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from ingest.checks import run_checks
from ingest.errors import UnreadableReport
from ingest.metadata import detect_format, read_metadata
from ingest.model import Page, Report
from ingest.readers import RawDocument
from ingest.readers.docx import read_docx
from ingest.readers.html import read_html
from ingest.readers.image import read_image, read_images
from ingest.readers.legacy import read_legacy_word
from ingest.readers.ocr import OcrUnavailable, PageReader, Progress
from ingest.readers.pdf import read_pdf
from ingest.readers.text import read_text
from ingest.recognised import distrust_broken_rules
from ingest.sections import find_sections, table_regions
from ingest.tables import extract_tables

SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx", ".txt": "text", ".md": "text",
            ".doc": "legacy", ".wps": "legacy", ".png": "image", ".jpg": "image", ".jpeg": "image",
            ".tif": "image", ".tiff": "image"}
_NOT_YET = {".ofd": ("OFD 版式文件", "OFD"), ".xls": ("Excel 表格", "Excel"), ".xlsx": ("Excel 表格", "Excel"),
            ".et": ("WPS 表格", "WPS spreadsheet")}
"""Formats governments publish that are recognised but not read yet: a clear refusal, not "unknown type"."""
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, non_reports: str = "plain", ocr: bool = True,
                progress: Progress | None = None) -> Report:
    """`non_reports`: "plain" reads any text as a (plain) document; "refuse" raises for a file that is
    not a 政府信息公开工作年度报告. `ocr`: recognise scanned pages and page images (else they are refused);
    `progress(page, pages)` is called before each page is recognised."""
    path = Path(path)
    if path.is_dir():
        return _checked(build_report(str(path), _page_folder(path, max_bytes, ocr, progress)), path, non_reports)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableReport(
            path, f"文件不存在或无法打开（{error.strerror}）", f"cannot open ({error.strerror})"
        ) from error
    if size == 0:
        raise UnreadableReport(path, "文件为空", "the file is empty")
    if size > max_bytes:
        raise UnreadableReport(
            path,
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {max_bytes / 1024 / 1024:.0f} MB）",
            f"the file is too large ({size / 1024 / 1024:.1f} MB, limit {max_bytes / 1024 / 1024:.0f} MB)",
        )
    data = path.read_bytes()
    return _checked(build_report(str(path), _read(data, path, ocr, progress)), path, non_reports)


def _checked(report: Report, path: Path, non_reports: str) -> Report:
    if non_reports == "refuse" and not looks_like_report(report):
        raise UnreadableReport(
            path,
            "不是政府信息公开工作年度报告（没有年报的标题、章节或统计表）",
            "not a government information-disclosure annual report (no report title, sections or tables)",
        )
    return report


def page_images(folder: Path) -> list[Path] | None:
    """The pages of a folder that holds page images and nothing else, in natural name order (页2 before
    页10); None for any other folder. Such a folder is one report."""
    files = sorted((file for file in folder.iterdir() if not file.name.startswith(".")),
                   key=lambda file: [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", file.name)])
    if not files or any(not file.is_file() or SUFFIXES.get(file.suffix.lower()) != "image" for file in files):
        return None
    return files


def _page_folder(path: Path, max_bytes: int, ocr: bool, progress: Progress | None) -> RawDocument:
    files = page_images(path)
    if files is None:
        raise UnreadableReport(path, "这是一个目录，不是文件（只有全是页面图片的目录才作为一份年报读取）",
                               "it is a directory, not a file (only a folder of page images reads as one report)")
    size = sum(file.stat().st_size for file in files)
    if size > max_bytes:
        raise UnreadableReport(path, f"目录中的图片过大（{size / 1024 / 1024:.1f} MB）",
                               f"the page images are too large ({size / 1024 / 1024:.1f} MB)")
    try:
        return read_images([(str(file), file.read_bytes()) for file in files], str(path),
                           PageReader() if ocr else None, progress)
    except OcrUnavailable as missing:
        raise UnreadableReport(path, f"OCR 组件未安装（{missing}）", str(missing)) from missing


def looks_like_report(report: Report) -> bool:
    """A title or text about 政府信息公开 plus report structure: sections or table figures."""
    about = "信息公开" in (report.title or "") or report.text.count("信息公开") >= 3
    return about and (len(report.sections) >= 3 or bool(report.figures))


def _read(data: bytes, path: Path, ocr: bool = True, progress: Progress | None = None) -> RawDocument:
    try:
        return _read_kind(data, path, ocr, progress)
    except OcrUnavailable as missing:
        raise UnreadableReport(path, f"OCR 组件未安装（{missing}）", str(missing)) from missing


def _read_kind(data: bytes, path: Path, ocr: bool, progress: Progress | None) -> RawDocument:
    kind = _kind(data, path)
    if kind == "pdf":
        return read_pdf(data, str(path), PageReader() if ocr else None, progress)
    if kind == "image":
        return read_image(data, str(path), PageReader() if ocr else None, progress)
    if kind == "legacy":
        return read_legacy_word(data, str(path))
    if path.suffix.lower() in _NOT_YET:
        zh, en = _NOT_YET[path.suffix.lower()]
        raise UnreadableReport(path, f"暂不支持{zh}（{path.suffix}），请另存为 PDF 或 DOCX 后导入",
                               f"{en} files ({path.suffix}) are not supported yet; save it as PDF or DOCX")
    if kind == "docx":
        return read_docx(data, str(path))
    if kind == "html":
        return read_html(data)
    if kind == "text":
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UnreadableReport(path, "不是文本文件（含二进制内容）", "not a text file (binary content)")
        return read_text(data)
    raise UnreadableReport(
        path,
        f"不支持的文件类型「{path.suffix or '无扩展名'}」"
        "（支持 PDF、HTML、DOCX、DOC、WPS、TXT、MD 和 PNG、JPEG、TIFF 图片）",
        f"unsupported file type '{path.suffix or 'none'}' (PDF, HTML, DOCX, DOC, WPS, TXT, MD and PNG, JPEG, TIFF"
        " images are supported)",
    )


def _kind(data: bytes, path: Path) -> str | None:
    """By content first (a crawler's .txt may hold HTML), then by the name's suffix."""
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and path.suffix.lower() in (".docx", ""):
        return "docx"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith((b"<!doctype html", b"<html")) or (path.suffix.lower() in (".htm", ".html")):
        return "html"
    return SUFFIXES.get(path.suffix.lower())


_PAGE_NUMBER_LINE = re.compile(
    r"^[ \t]*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)[ \t]*$", re.M
)


def build_report(source: str, document: RawDocument) -> Report:
    """Everything after the bytes are read: metadata, sections, figures and checks."""
    separator = "\n\n"
    starts, parts, offset = [], [], 0
    for page_text in document.pages:
        # Printed page numbers ("- 5 -") would be read as table cells where a table spans pages.
        page_text = _PAGE_NUMBER_LINE.sub("", page_text)
        starts.append(offset)
        parts.append(page_text)
        offset += len(page_text) + len(separator)
    text = separator.join(parts)
    pages = [Page(number=number, text=page_text) for number, page_text in enumerate(document.pages, start=1)]

    page_starts = starts if document.paginated else []

    def page_at(position: int) -> int | None:
        return bisect.bisect_right(page_starts, position) if page_starts else None

    if not text.strip():
        raise UnreadableReport(source, "文件中没有可读的文字", "the file has no readable text")
    metadata = read_metadata(text, document.declared_title)
    sections = find_sections(text, page_at)
    regions = table_regions(text, sections)
    fmt = detect_format(text, metadata.year, regions)
    figures, uncertain, tables = [], [], []
    if fmt != "pre2019":
        result = extract_tables(text, fmt, regions, page_at)
        figures, uncertain, tables = result.figures, result.uncertain, result.tables
    checks = run_checks(figures)
    if document.recognised_pages:
        figures, uncertain, checks, tables = distrust_broken_rules(figures, uncertain, tables,
                                                                   document.recognised_pages)
    return Report(
        source=source,
        title=metadata.title,
        agency=metadata.agency,
        region=metadata.region,
        year=metadata.year,
        format=fmt,
        text=text,
        pages=pages,
        sections=sections,
        figures=figures,
        uncertain=uncertain,
        checks=checks,
        tables=tables,
        table_spans={
            table: (region.start, region.end)
            for table, region in regions.items()
            if any(figure.table == table for figure in figures)
        },
        page_starts=page_starts,
    )
