"""Plain text and Markdown, in whatever encoding and line-ending convention they arrive."""

from __future__ import annotations

import codecs
import re

from ingest.readers import RawDocument

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def decode(data: bytes) -> str:
    """Decode bytes: BOM first, then a declared charset, strict UTF-8, GB18030, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _DECLARED.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(_canonical(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _canonical(encoding: str) -> str:
    # GBK and GB2312 declarations are routinely wrong about rarer characters; GB18030 is their superset.
    return "gb18030" if encoding in {"gbk", "gb2312", "gb_2312-80", "x-gbk"} else encoding


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(data: bytes) -> RawDocument:
    text = join_pipe_terminated_cells(normalise_newlines(decode(data)))
    return RawDocument(pages=[rows_from_other_separators(text)], paginated=False)


_TAB_ROW = re.compile(r"\t.*\t")
_FULLWIDTH_ROW = re.compile(r"｜.*｜")


def rows_from_other_separators(text: str) -> str:
    """Rows whose cells are separated by tabs or full-width bars become `| a | b |` rows, so that
    an empty cell between two separators stays a blank cell. A line needs two separators to be a row."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if _TAB_ROW.search(line):
            cells = line.split("\t")
        elif _FULLWIDTH_ROW.search(line):
            cells = line.strip().split("｜")
            # A bar at either end of the line opens or closes the row; it does not start a cell.
            cells = cells[1 if not cells[0] else 0 : -1 if not cells[-1] else None]
        else:
            continue
        lines[number] = "| " + " | ".join(cell.strip().replace("|", "｜") for cell in cells) + " |"
    return "\n".join(lines)


_CELL_LINE = re.compile(r"^(?!\|)(.*?)\s*\|$")
_ROW_BREAK = re.compile(r"^\|+$")


def join_pipe_terminated_cells(text: str) -> str:
    """Rebuild `| a | b |` rows from a page-text export that put each cell on a line ending in `|`.

    Such exports (the seed report is one) write a blank cell as a line holding only `|`, end a
    row with one more such line, and write a line of several pipes for a row of spanned cells.
    """
    lines = text.split("\n")
    if sum(1 for line in lines if _CELL_LINE.match(line.strip())) < 20:
        return text
    out: list[str] = []
    row: list[str] = []
    bars = 0

    def flush() -> None:
        if row:
            row.extend([""] * max(bars - 1, 0))
            out.append("| " + " | ".join(row) + " |")
            row.clear()

    for line in lines:
        stripped = line.strip()
        if stripped == "|":
            bars += 1
            continue
        if _ROW_BREAK.match(stripped):
            flush()
            bars = 0
            continue
        if bars:
            flush()
            bars = 0
        if cell := _CELL_LINE.match(stripped):
            row.append(cell.group(1).strip())
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)
