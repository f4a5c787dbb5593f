"""Time in questions: years written in Chinese numerals, ranges in their common forms, and
expressions relative to the reports an agency has (近N年, 历年, 今年/去年/前年, 上一年).

`normalise_years` rewrites Chinese-numeral years as Arabic ones, so everything downstream reads
one form; `read_time` says which years a question means and how it chose them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGIT = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
          "六": "6", "七": "7", "八": "8", "九": "9"}
_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_YEAR = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})(?=\s*年)")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_YEAR = r"((?:19|20)\d\d)"
_DASH = r"\s*(?:年度?)?\s*(?:到|至|—+|–|-|~|～|－)\s*"
_RANGE = re.compile(_YEAR + _DASH + _YEAR)
_SINGLE = re.compile(_YEAR + r"(?!\d)\s*(?:年|年度)?")
_SINCE = re.compile(_YEAR + r"\s*年?以来")
_RECENT = re.compile(r"(?:近|最近|过去|这)\s*([一二两三四五六七八九十\d]+)\s*(?:个)?年")
# Compared with the year before (not a column such as 上一年项目数量, nor 上年结转).
_PREVIOUS = re.compile(r"(?:比|较|和|与|跟|同)(?:上一年|前一年|上年|去年)(?!结转)|同比|环比")


def normalise_years(text: str) -> str:
    """二〇二一年 / 二零二一年 -> 2021年; full-width digits -> ASCII."""
    text = text.translate(_FULLWIDTH)
    return _CN_YEAR.sub(lambda m: "".join(_DIGIT[c] for c in m.group(1)), text)


@dataclass(frozen=True)
class TimeReading:
    years: tuple[int, ...]
    """The years the question means, in order."""
    how: str = ""
    """How they were chosen, in plain Chinese, when not written out ("近两年：按最新两份报告")."""
    range_given: bool = False
    previous_year: bool = False
    """The question compares with the year before the one it asks about (比上一年)."""
    relative: bool = False


def read_time(text: str, available: list[int]) -> TimeReading:
    """The years of `text` (already normalised); relative expressions count back from the newest of
    `available` (the years one agency has reports for)."""
    previous = bool(_PREVIOUS.search(text))
    newest = max(available) if available else None
    if match := _SINCE.search(text):
        first = int(match.group(1))
        years = tuple(y for y in sorted(available) if y >= first) or (first,)
        return TimeReading(years, f"{first}年以来：已收录的各年度报告", True, previous)
    if match := _RANGE.search(text):
        first, last = sorted((int(match.group(1)), int(match.group(2))))
        return TimeReading(tuple(range(first, last + 1)), "", True, previous)
    written = sorted({int(y) for y in _SINGLE.findall(text)})
    if written:
        return TimeReading(tuple(written), "", False, previous)
    if newest is None:
        return TimeReading((), "", False, previous)
    if match := _RECENT.search(text):
        count = _count(match.group(1))
        years = tuple(y for y in sorted(available) if y > newest - count)
        return TimeReading(years, f"近{match.group(1)}年：按该单位最新一份报告（{newest}年度）往前数", True, previous,
                           relative=True)
    if any(word in text for word in ("历年", "每年", "逐年", "各年", "这几年", "哪一年", "哪年", "哪个年度")):
        return TimeReading(tuple(sorted(available)), "历年：已收录的各年度报告", True, previous, relative=True)
    for word, back in (("前年", 2), ("去年", 1), ("今年", 0), ("本年度", 0)):
        if word in text and not (word == "去年" and "去年结转" in text):
            year = newest - back
            return TimeReading((year,), f"“{word}”按该单位最新一份报告（{newest}年度）推算为{year}年",
                               False, previous, relative=True)
    return TimeReading((), "", False, previous)


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word.startswith("十"):
        return 10 + _SMALL.get(word[1:], 0)
    return _SMALL.get(word, 3)
