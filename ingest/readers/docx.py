"""Word documents through python-docx, the only module that imports it."""

from __future__ import annotations

import io
import zipfile

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument

_MAX_UNCOMPRESSED = 200 * 1024 * 1024


def read_docx(data: bytes, path: str) -> RawDocument:
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError as missing:  # pragma: no cover - python-docx is a core dependency
        raise UnreadableReport(
            path, "未安装 python-docx（pip install python-docx）", "python-docx is not installed"
        ) from missing
    _refuse_zip_bomb(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on damaged packages
        raise UnreadableReport(path, f"DOCX 文件已损坏（{error}）", f"the DOCX is corrupt ({error})") from error
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(node.text or "" for node in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            lines.extend(_table_rows(block, qn))
    title = document.core_properties.title or None
    return RawDocument(pages=["\n".join(lines)], paginated=False, declared_title=title)


def _table_rows(table, qn) -> list[str]:
    rows = []
    for row in table.iter(qn("w:tr")):
        cells = []
        for cell in row.iter(qn("w:tc")):
            merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continues_above = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            text = "" if continues_above else "".join(node.text or "" for node in cell.iter(qn("w:t")))
            cells.append(text.replace("|", "｜").strip())
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _refuse_zip_bomb(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableReport(
            path, "DOCX 文件已损坏（不是有效的 zip 包）", "the DOCX is not a valid zip package"
        ) from error
    if expanded > _MAX_UNCOMPRESSED:
        raise UnreadableReport(
            path,
            f"DOCX 解压后过大（{expanded // 1024 // 1024} MB），疑似压缩炸弹",
            f"the DOCX expands to {expanded // 1024 // 1024} MB: a zip bomb?",
        )
