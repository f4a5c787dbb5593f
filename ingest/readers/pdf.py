"""PDF through pypdf, the only module that imports it."""

from __future__ import annotations

import io
import logging
import re
import unicodedata

from ingest.errors import UnreadableReport
from ingest.readers import RawDocument


def read_pdf(data: bytes, path: str) -> RawDocument:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as missing:  # pragma: no cover - pypdf is a core dependency
        raise UnreadableReport(path, "未安装 pypdf（pip install pypdf）", "pypdf is not installed") from missing
    # pypdf logs recoverable damage as warnings; the reason a file fails is reported by us, once.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableReport(path, "PDF 已加密，需要密码", "the PDF is encrypted and needs a password")
        pages = [_restore_ideographs(page.extract_text() or "") for page in reader.pages]
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


# Fonts share one glyph between an ideograph and its radical, and some PDF text layers then map
# the glyph to the radical's code point (⼀ U+2F00 for 一, ⻅ U+2EC5 for 见). Simplified-form
# radicals have no NFKC mapping, and a few Kangxi radicals map to the traditional form.
_SIMPLIFIED_RADICALS = str.maketrans({
    "⻅": "见", "⻆": "角", "⻉": "贝", "⻋": "车", "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦",
    "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼",
    "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟",
    "⺠": "民", "⻄": "西", "⺟": "母", "⼾": "户",
})
_RADICAL = re.compile(r"[\u2e80-\u2fdf]")


def _restore_ideographs(text: str) -> str:
    text = text.translate(_SIMPLIFIED_RADICALS)
    return _RADICAL.sub(lambda match: unicodedata.normalize("NFKC", match.group(0)), text)
