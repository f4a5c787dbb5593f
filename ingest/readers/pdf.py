"""PDF through pypdf, the only module that imports it."""

from __future__ import annotations

import io

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument


def read_pdf(data: bytes, path: str) -> RawDocument:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as missing:  # pragma: no cover - pypdf is a core dependency
        raise UnreadableReport(path, "未安装 pypdf（pip install pypdf）", "pypdf is not installed") from missing
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableReport(path, "PDF 已加密，需要密码", "the PDF is encrypted and needs a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except UnreadableReport:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableReport(path, f"PDF 文件已损坏（{error}）", f"the PDF is corrupt ({error})") from error
    except Exception as error:  # pypdf raises assorted errors on damaged files
        if "crypt" in str(error).lower():
            raise UnreadableReport(path, "PDF 已加密，无法解密", f"the PDF is encrypted ({error})") from error
        raise UnreadableReport(path, f"PDF 文件已损坏（{error}）", f"the PDF is corrupt ({error})") from error
    if not any(page.strip() for page in pages):
        raise UnreadableReport(
            path,
            "PDF 没有文字层（可能是扫描件），需要先做 OCR 文字识别",
            "the PDF has no text layer (a scanned document?); it needs OCR first",
        )
    return RawDocument(pages=pages, paginated=True, declared_title=str(title) if title else None)
