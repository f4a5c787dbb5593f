"""Sections 一…六 of a report, matched loosely, and the table regions inside them."""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.locate import LabelIndex, Match
from ingest.model import Section
from ingest.tables import Region

NUMERALS = "一二三四五六七八九十"
# Canonical headings; wording drifts, so each names only its stable words.
CANONICAL = {
    1: r"一[、.．]\s*(?:总体情况|概述|基本情况|总体概况)",
    2: r"二[、.．]\s*(?:主动公开政府信息(?:情况)?|主动公开情况|主动公开)",
    3: r"三[、.．]\s*(?:收到和处理政府信息公开申请(?:情况)?|依申请公开(?:政府信息)?(?:情况)?)",
    4: r"四[、.．][^。\n]{0,20}?行政法?复议[^。\n]{0,12}?行政诉讼(?:情况)?",
    5: r"五[、.．][^。\n]{0,12}?存在的?主要问题(?:及|和|与)?(?:改进|整改)?(?:情况|措施)?",
    6: r"六[、.．]\s*其他需要报告的事项",
}


def find_sections(text: str, page_at: Callable[[int], int | None]) -> list[Section]:
    canonical = _canonical_sections(text)
    if len(canonical) >= 3:
        return _as_sections(text, canonical, page_at)
    return _as_sections(text, _free_sections(text), page_at)


def _canonical_sections(text: str) -> list[tuple[int, int, str]]:
    index = LabelIndex(text)
    found: list[tuple[int, int, str]] = []
    position = 0
    for n, pattern in CANONICAL.items():
        match = index.find(pattern, position)
        if match is None:
            continue
        found.append((n, match.start, re.sub(r"\s+", "", text[match.start : match.end])))
        position = match.end
    return found


def _free_sections(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    position = 0
    for n, numeral in enumerate(NUMERALS, start=1):
        pattern = re.compile(
            rf"(?:^|(?<=[\s。；：:！”]))({numeral})[、.．]\s*([^\n。；，,：:（(]{{2,20}})", re.M
        )
        match = pattern.search(text, position)
        if match is None:
            break
        title = _trim_title(match.group(0))
        found.append((n, match.start(1), title))
        position = match.end(1)
    return found


def _trim_title(heading: str) -> str:
    heading = heading.strip()
    cut = re.search(r"(?<=[况述作题施项])(?=[^况述作题施项）)])", heading)
    return heading[: cut.start()] if cut and cut.start() >= 4 else heading[:16]


def _as_sections(
    text: str, found: list[tuple[int, int, str]], page_at: Callable[[int], int | None]
) -> list[Section]:
    sections = []
    for position, (n, start, title) in enumerate(found):
        end = found[position + 1][1] if position + 1 < len(found) else len(text)
        sections.append(Section(n=n, title=title, text=text[start:end].strip(), page=page_at(start), start=start))
    return sections


def table_regions(text: str, sections: list[Section]) -> dict[str, Region]:
    """Where tables 二, 三, 四 may be printed: their sections, or the template's own anchors."""
    index = LabelIndex(text)
    by_n = {section.n: section for section in sections}
    regions: dict[str, Region] = {}
    t3_anchor = index.find(r"本年新收\D{0,12}?申请数量") or _t3_by_its_rows(index)
    t2_anchor = index.find(r"第二十条第")
    t3_start = _start(by_n, 3, t3_anchor.start if t3_anchor else None)
    if t2_anchor is not None:
        t2_end = t3_start if t3_start is not None and t3_start > t2_anchor.start else len(text)
        regions["t2"] = Region(t2_anchor.start, t2_end)
    if t3_anchor is not None:
        start = min(t3_start, t3_anchor.start) if t3_start is not None else t3_anchor.start
        t3_end_anchor = index.find(r"结转下年度继续办理", t3_anchor.start)
        end = _start(by_n, 4, None)
        if end is None or end < t3_anchor.start:
            after = t3_end_anchor.end if t3_end_anchor else t3_anchor.end
            review = index.find(r"行政复议|[五六][、.．]", after)
            end = review.start if review else len(text)
        regions["t3"] = Region(start, end)
    t4_header = index.find(r"尚未审结|复议后起诉", regions["t3"].end if "t3" in regions else 0)
    if t4_header is not None:
        start = _start(by_n, 4, None) or (regions["t3"].end if "t3" in regions else t4_header.start)
        start = min(start, t4_header.start)
        if "t3" in regions:
            start = max(start, regions["t3"].end)
        end = _start(by_n, 5, None)
        if end is None or end < t4_header.end:
            end = _next_heading(text, t4_header.end)
        regions["t4"] = Region(start, end)
    return regions


# Row labels of table 三 that only the table prints (narrative says 予以公开 or 不予公开, not these).
_T3_ROW_LABELS = (
    r"属于国家秘密", r"三类内部事务信息", r"四类过程性信息", r"行政执法案卷", r"行政查询事项", r"不掌握相关政府信息",
    r"需要另行制作", r"信访举报投诉类申请", r"要求提供公开出版物", r"大量反复申请", r"结转下年度继续办理",
)
_T3_ROWS_SHOWING_THE_TABLE = 4
_T3_SPAN = 3000


def _t3_by_its_rows(index: LabelIndex) -> Match | None:
    """Table 三 whose first row label did not survive (garbled, cut off): its other row labels,
    several of them close together, still show the table."""
    found = sorted((match for pattern in _T3_ROW_LABELS if (match := index.find(pattern))),
                   key=lambda match: match.start)
    for first, match in enumerate(found):
        near = [other for other in found[first:] if other.start - match.start <= _T3_SPAN]
        if len(near) >= _T3_ROWS_SHOWING_THE_TABLE:
            return match
    return None


def _start(by_n: dict[int, Section], n: int, fallback: int | None) -> int | None:
    section = by_n.get(n)
    return section.start if section is not None else fallback


def _next_heading(text: str, start: int) -> int:
    match = re.compile(r"[五六][、.．]").search(text, start)
    return match.start() if match else len(text)
