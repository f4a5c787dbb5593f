"""Finding printed labels in text whose whitespace is unreliable.

Labels are searched in a copy of the text with all whitespace removed, so that a label wrapped
across lines ("要求行政机关确认或重新出具\n已获取信息") or spaced ("商业 企业") still matches;
positions are mapped back to the original text, whose whitespace still separates numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\ufeff\u200b]")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    """Offsets in the original text."""


class LabelIndex:
    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _squeezed(self) -> tuple[str, list[int]]:
        kept, offsets = [], []
        for offset, char in enumerate(self.text):
            if not _WHITESPACE.match(char):
                kept.append(char)
                offsets.append(offset)
        offsets.append(len(self.text))
        return "".join(kept), offsets

    def find(self, pattern: str, start: int = 0, end: int | None = None) -> Match | None:
        squeezed, offsets = self._squeezed
        lo = self._squeezed_offset(start)
        hi = self._squeezed_offset(end) if end is not None else len(squeezed)
        match = re.compile(pattern).search(squeezed, lo, hi)
        if match is None:
            return None
        return Match(offsets[match.start()], offsets[match.end() - 1] + 1 if match.end() > 0 else 0)

    def find_all(self, pattern: str, start: int = 0, end: int | None = None) -> list[Match]:
        found, position = [], start
        while (match := self.find(pattern, position, end)) is not None:
            found.append(match)
            position = match.end
        return found

    def _squeezed_offset(self, original: int) -> int:
        from bisect import bisect_left

        return bisect_left(self._squeezed[1], original)
