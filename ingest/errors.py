"""The one error ingestion raises for a file it cannot turn into a Report."""

from __future__ import annotations

from pathlib import Path


class UnreadableReport(Exception):
    """A file that cannot be read as a report, with a bilingual reason naming the file."""

    def __init__(self, path: str | Path, reason_zh: str, reason_en: str) -> None:
        self.path = str(path)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        name = Path(self.path).name
        return f"无法读取 {name}：{self.reason_zh} / cannot read {name}: {self.reason_en}"
