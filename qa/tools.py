"""Structured tools over the figure store: look up, sum, rank, compare, trend, share.

Every result carries the cells it used, so every number in an answer can be cited. The tools
are exposed as LangChain tools with typed arguments; the answerer calls them through that
interface too, so an LLM agent and the deterministic path use the same code.

A cell whose digits ran together is read here, at each request, with the agency's other stored
years (`qa.crossyear.CrossYearReader`): it comes back with a value and `read_across` saying how,
or stays unreadable. Nothing of it is stored, so removing or replacing a neighbouring report
changes the reading at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

from qa.crossyear import CrossYearReader
from qa.vocabulary import FigureTerm, Vocabulary
from vectorstore.figure_store import FigureStore, ReadAcross, StoredFigure

Number = int | Decimal


@dataclass
class FigureValue:
    """One figure (or a derived sum) of one agency in one year."""

    agency: str
    year: int
    label: str
    unit: str
    value: Number | None
    cells: list[StoredFigure] = field(default_factory=list)
    blank: list[StoredFigure] = field(default_factory=list)
    """Cells printed blank (未填报): not zero."""
    found: bool = True
    """False when the agency has no report (or no such table) for that year."""

    @property
    def unreadable(self) -> list[StoredFigure]:
        """Cells the extractor could not read with certainty (not blank: unknown)."""
        return [cell for cell in self.blank if cell.uncertain]

    @property
    def warnings(self) -> list[str]:
        """The report's failing checks on the tables these cells come from: a 表四 sum that does not
        add up says nothing about a 表三 figure."""
        return sorted({rule for cell in self.cells + self.blank for rule in cell.failing
                       if rule.startswith(f"{cell.table}.")})

    @property
    def read_across(self) -> list[ReadAcross]:
        """How the cells whose digits ran together were split with other years' reports."""
        return [cell.read_across for cell in self.cells if cell.read_across is not None]

    @property
    def supporting(self) -> list[StoredFigure]:
        """The other years' cells those splits rest on, to be cited beside the figure."""
        return [cell for reading in self.read_across for cell in reading.supporting]

    @property
    def reading_notes(self) -> list[str]:
        """How each such cell was read, in Chinese ("连写数字“693665”按与2022年报告的勾稽关系…拆分")."""
        return list(dict.fromkeys(reading.note for reading in self.read_across))


class FigureQuery(BaseModel):
    agency: str = Field(description="发布机关全称，如 桃江县财政局")
    year: int = Field(description="报告年度")
    figure: str = Field(description="数字名称（词表中的 name），如 new_received、denied、sued")
    columns: list[str] = Field(default_factory=list, description="表三/表四的列，如 commercial；默认总计")


class AcrossQuery(BaseModel):
    figure: str
    years: list[int]
    agencies: list[str] = Field(default_factory=list, description="为空表示所有机关")
    columns: list[str] = Field(default_factory=list)


class FigureTools:
    def __init__(self, store: FigureStore, vocabulary: Vocabulary) -> None:
        self.store = store
        self.terms = {term.name: term for term in vocabulary.figures}
        self.across_years = CrossYearReader(store)

    def lookup(self, agency: str, year: int, figure: str, columns: list[str] | None = None) -> FigureValue:
        return self.across(figure, [year], [agency], columns).get((agency, year)) or FigureValue(
            agency, year, self.terms[figure].label, self.terms[figure].unit, None, found=False
        )

    def across(
        self, figure: str, years: list[int], agencies: list[str] | None = None, columns: list[str] | None = None
    ) -> dict[tuple[str, int], FigureValue]:
        """The figure for every (agency, year) that has it; derived sums add their cells."""
        term = self.terms[figure]
        found: dict[tuple[str, int], list[StoredFigure]] = {}
        for cell in term.cells:
            for col in self._columns(cell.table, cell.cols, columns):
                for stored in self.store.cells(cell.table, cell.row, col, agencies or None, years or None):
                    found.setdefault((stored.agency, stored.year), []).append(stored)
        found = self._read_across_years(found)
        values: dict[tuple[str, int], FigureValue] = {}
        for (agency, year), cells in found.items():
            by_row: dict[str, list[StoredFigure]] = {}
            for stored in cells:
                by_row.setdefault(stored.row, []).append(stored)
            chosen = [alternatives[0] for alternatives in _first_printed(by_row, term, columns)]
            printed = [c for c in chosen if c.value is not None]
            blank = [c for c in chosen if c.value is None]
            total = sum((c.value for c in printed), start=0) if printed else None
            unit = next((c.unit for c in chosen if c.unit), None) or term.unit
            values[(agency, year)] = FigureValue(agency, year, term.label, unit, total, printed, blank)
        return values

    def rank(self, figure: str, year: int, agencies: list[str] | None = None,
             columns: list[str] | None = None) -> list[FigureValue]:
        values = [v for v in self.across(figure, [year], agencies, columns).values() if v.value is not None]
        return sorted(values, key=lambda v: (-v.value, v.agency))

    def langchain_tools(self) -> dict:
        """The same operations as LangChain structured tools with typed arguments, by name.

        Invoked, they return the result objects themselves (cells included), so citations survive."""
        from langchain_core.tools import StructuredTool

        def lookup(agency: str, year: int, figure: str, columns: list[str] | None = None) -> FigureValue:
            return self.lookup(agency, year, figure, columns)

        def across(figure: str, years: list[int], agencies: list[str] | None = None,
                   columns: list[str] | None = None) -> list[FigureValue]:
            return list(self.across(figure, years, agencies or None, columns).values())

        tools = [
            StructuredTool.from_function(lookup, name="lookup_figure", args_schema=FigureQuery,
                                         description="查某机关某年度的一个数字（或派生合计），附引用的单元格"),
            StructuredTool.from_function(across, name="figure_across", args_schema=AcrossQuery,
                                         description="同一数字在多个机关、多个年度的取值，用于合计、排名、比较、趋势"),
        ]
        return {tool.name: tool for tool in tools}

    def _read_across_years(
        self, found: dict[tuple[str, int], list[StoredFigure]]
    ) -> dict[tuple[str, int], list[StoredFigure]]:
        """Cells of run-together digits replaced by their reading across years, where one exists."""
        decided = iter(self.across_years.decide([cell for cells in found.values() for cell in cells]))
        return {key: [next(decided) for _ in cells] for key, cells in found.items()}

    @staticmethod
    def _columns(table: str, alternatives: tuple[str, ...], requested: list[str] | None) -> list[str]:
        if table == "t2":
            # A column asked for by name (上一年项目数量, 本年增/减) replaces the row's usual one.
            return list(requested) if requested else list(alternatives)
        return list(requested) if requested else ["total"]


def _first_printed(by_row: dict[str, list[StoredFigure]], term: FigureTerm,
                   requested: list[str] | None = None) -> list[list[StoredFigure]]:
    """Per row of the term, the cells of the first alternative column the report prints (a table-二
    column asked for by name replaces the row's usual ones)."""
    rows = []
    for cell in term.cells:
        stored = by_row.get(cell.row, [])
        if not stored:
            continue
        if cell.cols:
            for col in (requested if requested and cell.table == "t2" else cell.cols):
                match = [s for s in stored if s.col == col]
                if match:
                    rows.append(match)
                    break
        else:
            rows.extend([[s] for s in stored])
    return rows


def percent(part: Number, whole: Number) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
