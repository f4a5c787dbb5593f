"""Search as users ask for it: fuzzy agency names, regions and year ranges become exact filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from vectorstore.agencies import match_agencies
from vectorstore.figure_store import FigureStore
from vectorstore.model import Hit, SearchFilters
from vectorstore.retriever import Mode, Retriever

FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The years a report can cover (the regulations date from 2008); anything else is a typo or an attack."""
_YEAR_SPAN = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")
YEAR_SPAN_HELP = f"年份范围应写作 2023 或 2019-2023（{FIRST_YEAR}—{LAST_YEAR}年）"


def year_span(text: str | None) -> tuple[int, int] | None:
    """`2023` or `2019-2023` as (first, last), for the API and the command line alike; ValueError
    (with YEAR_SPAN_HELP) for anything else."""
    if not text:
        return None
    match = _YEAR_SPAN.match(text)
    first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
    if not match or not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise ValueError(YEAR_SPAN_HELP)
    return first, last


@dataclass(frozen=True)
class SearchRequest:
    query: str
    agency: str | None = None
    agencies: tuple[str, ...] = ()
    """Exact names, any of which may match (used when a question could mean several)."""
    region: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    section: int | None = None
    format: str | None = None
    top_k: int = 5
    mode: Mode = "hybrid"


class SearchService:
    def __init__(self, retriever: Retriever, store: FigureStore) -> None:
        self.retriever = retriever
        self.store = store

    def search(self, request: SearchRequest) -> list[Hit]:
        agencies = self._agencies(request)
        if agencies is not None and not agencies:
            return []
        filters = SearchFilters(
            agencies=tuple(agencies or ()),
            year_from=request.year_from,
            year_to=request.year_to,
            section=request.section,
            format=request.format,
            excluded_reports=tuple(report.id for report in self.store.reports(status="pending")),
        )
        return self.retriever.search(request.query, request.top_k, filters, request.mode)

    def _agencies(self, request: SearchRequest) -> list[str] | None:
        """None: no restriction; an empty list: nothing can match."""
        if request.agencies:
            return list(request.agencies)
        if not (request.agency or request.region):
            return None
        known = self.store.agencies()
        chosen: set[str] | None = None
        if request.agency:
            chosen = set(match_agencies(request.agency, sorted({agency for agency, _ in known})))
        if request.region:
            in_region = {agency for agency, region in known if request.region in (region or "") + agency}
            chosen = in_region if chosen is None else chosen & in_region
        return sorted(chosen or ())


def hit_json(hit: Hit) -> dict:
    chunk = hit.chunk
    return {
        "agency": chunk.agency,
        "year": chunk.year,
        "section": chunk.section,
        "section_title": chunk.section_title,
        "page": chunk.page,
        "source": PurePath(chunk.source).name,  # the file's name, never its path on the server
        "text": chunk.text,
        "score": round(hit.score, 6),
    }
