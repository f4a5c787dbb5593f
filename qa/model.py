"""What an answer is made of: cited figures, cited passages, and the answer itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Literal

Route = Literal["figures", "aggregate", "documents", "mixed", "none"]


@dataclass(frozen=True)
class CitedFigure:
    """One table cell an answer relies on."""

    agency: str
    year: int
    table: str
    row: str
    col: str
    value: int | float | None
    raw: str
    page: int | None
    source: str

    def json(self) -> dict:
        return {"agency": self.agency, "year": self.year, "table": self.table, "row": self.row, "col": self.col,
                "value": self.value, "raw": self.raw, "page": self.page}


@dataclass(frozen=True)
class Citation:
    """A passage an answer quotes, precise enough to open it."""

    source: str
    agency: str
    year: int
    section: int
    section_title: str
    page: int | None
    quote: str

    def json(self) -> dict:
        # The file's name, never its path on the server.
        return {"source": PurePath(self.source).name, "agency": self.agency, "year": self.year,
                "section": self.section, "page": self.page, "quote": self.quote}


@dataclass
class Answer:
    answer: str
    route: Route
    figures: list[CitedFigure] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    """Numbers the tools derived (sums, differences, shares): allowed in phrasing besides the cells."""
    plan: dict | None = None
    """The query plan executed (qa.plan.Plan.json()), or None for answers not made of figures."""

    def record(self) -> dict:
        """Everything of the answer as JSON-compatible data (paths included: for the server's own
        stores, never for clients, who get `json()`)."""
        return {"answer": self.answer, "route": self.route,
                "figures": [asdict(figure) for figure in self.figures],
                "citations": [asdict(citation) for citation in self.citations],
                "warnings": self.warnings, "computed": self.computed, "plan": self.plan}

    @classmethod
    def from_record(cls, record: dict) -> Answer:
        return cls(record["answer"], record["route"], [CitedFigure(**figure) for figure in record["figures"]],
                   [Citation(**citation) for citation in record["citations"]], record["warnings"],
                   record["computed"], record["plan"])

    def json(self) -> dict:
        return {
            "answer": self.answer,
            "route": self.route,
            "figures": [figure.json() for figure in self.figures],
            "citations": [citation.json() for citation in self.citations],
            "plan": self.plan,
        }
