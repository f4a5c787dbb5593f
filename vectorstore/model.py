"""Records of the index: chunks of report text, search filters and hits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chunk:
    """A piece of one section of one report, with everything a citation needs."""

    id: str
    report_id: str
    text: str
    agency: str
    region: str
    year: int
    format: str
    section: int
    section_title: str
    page: int | None
    source: str
    start: int
    end: int
    kind: str = "text"
    """`text` for narrative, `table` for a table rendered as sentences."""

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for stores that only keep scalars (None becomes -1 / "")."""
        return {
            "report_id": self.report_id,
            "agency": self.agency,
            "region": self.region,
            "year": self.year,
            "format": self.format,
            "section": self.section,
            "section_title": self.section_title,
            "page": -1 if self.page is None else self.page,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }

    def indexed_text(self) -> str:
        """What is embedded and tokenised: the text under its report and section, so that a query
        naming the agency or year finds it."""
        return f"{self.agency} {self.year}年 {self.section_title}\n{self.text}"

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        page = int(meta["page"])
        return cls(
            id=chunk_id,
            report_id=str(meta["report_id"]),
            text=text,
            agency=str(meta["agency"]),
            region=str(meta["region"]),
            year=int(meta["year"]),
            format=str(meta["format"]),
            section=int(meta["section"]),
            section_title=str(meta["section_title"]),
            page=None if page < 0 else page,
            source=str(meta["source"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            kind=str(meta.get("kind", "text")),
        )


@dataclass(frozen=True)
class SearchFilters:
    """Which chunks a search may return. Agencies are exact names (fuzzy names are resolved before)."""

    agencies: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    section: int | None = None
    format: str | None = None
    excluded_reports: tuple[str, ...] = field(default=())
    """Reports being ingested right now: not complete, so not to be cited."""

    def admits(self, meta: dict) -> bool:
        year = int(meta["year"])
        return (
            (not self.agencies or meta["agency"] in self.agencies)
            and (self.year_from is None or year >= self.year_from)
            and (self.year_to is None or year <= self.year_to)
            and (self.section is None or int(meta["section"]) == self.section)
            and (self.format is None or meta["format"] == self.format)
            and meta["report_id"] not in self.excluded_reports
        )


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
