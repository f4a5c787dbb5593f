"""Cross-year 勾稽 relations between two years of the same agency, stated once (`RELATIONS`) and used
two ways.

- t3.carry: 上年结转 of year N = 结转下年度 of year N-1, per column (spec rule 5).
- t2.roll_forward (2021 format): 现行有效 of N = 现行有效 of N-1 + 本年制发 of N - 本年废止 of N
  (spec rule 6).
- t2.prev_count (2019 format): 上一年项目数量 of N = 上一年项目数量 of N-1 + 本年增/减 of N-1,
  for 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制 and 行政事业性收费. It follows from the
  2019 format's column definitions, is not in the spec's list, and so only helps reading.

Checks (`CrossYearChecks`), the spec's rules computed from the stored figures: warnings, never
errors, and `not_assessable` when an operand is blank.

Reading (`CrossYearReader`): a run of cells whose digits ran together ("693665") keeps its
candidate splits in the store; when the agency's neighbouring years are stored, every relation
chooses among them. A cell is given a value only when every split consistent with all the
relations agrees on it; none consistent, or several values, and it stays uncertain. A relation
that no split at all satisfies is the agency's own inconsistency between two years (the
pingtan reports of 2023-2025 break the roll-forward as printed) and is set aside. It is decided
when answers and the staff views read the store, never stored, so a report removed or replaced
takes its effect on its neighbours' cells with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING

from ingest.checks import COL_LABELS
from ingest.model import SplitCandidates
from ingest.template import T2_2019, T2_2021, T2_COL_LABELS, T3_COLS
from vectorstore.figure_store import FigureStore, ReadAcross, StoredFigure

if TYPE_CHECKING:
    from qa.tools import FigureValue

_STATUS = {"pass": "一致", "fail": "不一致", "not_assessable": "无法核对（有空白）"}

Key = tuple[str, str, str]
"""(table, row, col) of a cell."""
Term = tuple[int, int, Key]
"""(sign, year offset, cell): offset 0 is year N, -1 is year N-1."""


@dataclass(frozen=True)
class Relation:
    """sum(sign * cell) = 0 over cells of year N and year N-1, for one row or column of a rule."""

    rule: str
    text: str
    """The relation in words, for answers and the staff views."""
    where: str
    """The row or column it holds for ("总计", "（规章）")."""
    terms: tuple[Term, ...]
    """The first term, of sign 1, is the cell the relation computes."""
    check_heading: str | None
    """How a 勾稽 check of it is headed ({year}, {previous}, {where}); None when it is not a rule of
    the spec and only helps reading."""

    @property
    def subjects(self) -> tuple[Term, ...]:
        """The terms whose figure the check is about: both sides of an equality, the computed side of
        a sum (an answer about 本年制发, or about last year's 现行有效, is not about this roll-forward)."""
        return self.terms if len(self.terms) == 2 else self.terms[:1]


_T2_NAMES = {"rules": "（规章）", "normative": "（行政规范性文件）"}
_T2_ROWS = {spec.key: spec.label for spec in T2_2019 + T2_2021}


def _relations() -> list[Relation]:
    relations = [Relation(
        "t3.carry", "上年结转 = 上年报告的结转下年度", COL_LABELS.get(col, col),
        ((1, 0, ("t3", "carried_over", col)), (-1, -1, ("t3", "carried_forward", col))),
        "{year}年上年结转与{previous}年结转下年度（{where}）") for col in T3_COLS]
    relations += [Relation(
        "t2.roll_forward", "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数", name,
        ((1, 0, ("t2", row, "in_force")), (-1, -1, ("t2", row, "in_force")),
         (-1, 0, ("t2", row, "issued")), (1, 0, ("t2", row, "repealed"))),
        "{year}年现行有效{where}与上年滚动推算") for row, name in _T2_NAMES.items()]
    relations += [Relation(
        "t2.prev_count", "上一年项目数量 = 上年报告的上一年项目数量 + 上年报告的本年增/减", f"（{_T2_ROWS[row]}）",
        ((1, 0, ("t2", row, "prev_count")), (-1, -1, ("t2", row, "prev_count")), (-1, -1, ("t2", row, "change"))),
        None) for row in ("licensing", "other_services", "punishment", "coercion", "fees")]
    return relations


RELATIONS = _relations()
CHECKED = [relation for relation in RELATIONS if relation.check_heading is not None]


@dataclass(frozen=True)
class CrossYearCheck:
    rule: str
    agency: str
    year: int
    where: str
    status: str
    detail: str
    heading: str
    """What was compared ("2023年上年结转与2022年结转下年度（总计）")."""

    def json(self) -> dict:
        return {"rule": self.rule, "agency": self.agency, "year": self.year, "where": self.where,
                "status": self.status, "detail": self.detail}

    def line(self) -> str:
        return f"{self.heading}{_STATUS[self.status]}：{self.detail}"


class CrossYearChecks:
    """The spec's cross-year rules (the relations with a `check_heading`) between consecutive stored years."""

    def __init__(self, store: FigureStore) -> None:
        self.store = store

    def for_agency(self, agency: str) -> list[CrossYearCheck]:
        """Every check between consecutive years both stored for the agency."""
        years = self.store.years_of(agency)
        checks: list[CrossYearCheck] = []
        for year in years:
            if year - 1 in years:
                checks += filter(None, (self.check(relation, agency, year) for relation in CHECKED))
        return checks

    def lines_for(self, values: list[FigureValue]) -> list[str]:
        """Checks about the cells an answer used (上年结转, 结转下年度, 现行有效)."""
        lines: list[str] = []
        seen: set[tuple] = set()
        for value in values:
            for cell in value.cells + value.blank:
                if cell.read_across is not None:
                    # The relations decided the cell, so they hold by construction; the answer says
                    # how it was read (FigureValue.reading_notes) instead.
                    continue
                for relation in CHECKED:
                    for _, offset, key in relation.subjects:
                        if key != _key(cell):
                            continue
                        check = self.check(relation, cell.agency, cell.year - offset)
                        if check is None:
                            continue
                        seen_key = (check.rule, check.agency, check.year, check.where)
                        if seen_key not in seen:
                            seen.add(seen_key)
                            lines.append(check.line())
        return lines

    def check(self, relation: Relation, agency: str, year: int) -> CrossYearCheck | None:
        """The relation between `year` and the year before; None when a report does not print one of its cells."""
        cells = [self._cell(*key, agency, year + offset) for _, offset, key in relation.terms]
        if None in cells:
            return None
        status, detail = _assess([(sign, cell.value) for (sign, _, _), cell in zip(relation.terms, cells, strict=True)])
        heading = relation.check_heading.format(year=year, previous=year - 1, where=relation.where)
        return CrossYearCheck(relation.rule, agency, year, relation.where, status, detail, heading)

    def _cell(self, table: str, row: str, col: str, agency: str, year: int) -> StoredFigure | None:
        found = self.store.cells(table, row, col, [agency], [year])
        return found[0] if found else None


def _assess(operands: list[tuple[int, int | Decimal | None]]) -> tuple[str, str]:
    """Status and detail of a relation over its (sign, value)s: an equality shows its two sides, a sum
    its arithmetic."""
    (_, reported), *terms = operands
    if len(terms) == 1:
        other = terms[0][1]
        detail = f"{_shown(reported)} 对 {_shown(other)}"
        if reported is None or other is None:
            return "not_assessable", detail
        return ("pass" if reported == other else "fail"), detail
    if any(value is None for _, value in operands):
        return "not_assessable", "有空白单元格"
    expected = sum(-sign * value for sign, value in terms)
    status = "pass" if expected == reported else "fail"
    return status, f"{_right_side(terms, '-')} = {_shown(expected)}，报告为 {_shown(reported)}"


def _right_side(terms: list[tuple[int, int | Decimal]], minus: str) -> str:
    """The terms moved to the other side of the relation, as a sum ("665 + 88 − 55")."""
    text = "".join(f"{' + ' if -sign > 0 else f' {minus} '}{f'({value})' if value < 0 else value}"
                   for sign, value in terms)
    return text.removeprefix(" + ")


def _shown(value) -> str:
    return "空白" if value is None else str(value)


# Reading run-together digits across years ---------------------------------------------------

_ROWS = sorted({(table, row) for relation in RELATIONS for _, _, (table, row, _) in relation.terms})
# Bounds on the work of one read (it runs inside a request): a relation links at most two runs
# (years N-1 and N), each keeping at most ingest.tables.MAX_KEPT_READINGS (200) readings; real cases stay far below.
_MAX_SUPPORT = 1_000
_MAX_SOLUTIONS = 20_000


@dataclass(eq=False)
class _Run:
    """One stored run of run-together cells of one report: its candidate splits and its uncertain cells."""

    year: int
    split: SplitCandidates
    cells: dict[Key, StoredFigure]

    def __post_init__(self) -> None:
        self._positions = {cell: position for position, cell in enumerate(self.split.cells)}

    def position(self, key: Key) -> int:
        return self._positions[key[1:]]


@dataclass(frozen=True)
class _Equation:
    relation: Relation
    year: int
    operands: tuple[tuple[int, int, StoredFigure, _Run | None], ...]
    """(sign, year, stored cell, the run it belongs to or None when the cell was read)."""

    @property
    def runs(self) -> list[_Run]:
        return list(dict.fromkeys(run for *_, run in self.operands if run is not None))

    def holds(self, choice: dict[int, int]) -> bool:
        """`choice`: reading index by id of run."""
        total = 0
        for sign, _, cell, run in self.operands:
            value = cell.value if run is None else run.split.readings[choice[id(run)]][run.position(_key(cell))]
            if value is None:
                return False
            total += sign * value
        return total == 0


class CrossYearReader:
    """Cells of run-together digits that the agency's other years decide (see the module doc)."""

    def __init__(self, store: FigureStore) -> None:
        self.store = store

    def read(self, agency: str) -> dict[tuple[int, str, str, str], StoredFigure]:
        """The decided cells by (year, table, row, col): the stored cell with its value and
        `read_across` set. Cells that stay uncertain are not in the result."""
        runs, equations = self._equations(agency)
        # A relation that no split satisfies shows that the agency's own figures break it between
        # those two years (a misprint, a recount): it says nothing about the splits and is set aside.
        equations = [equation for equation in equations if _solve(equation.runs, [equation]) is not None]
        decided: dict[tuple[int, str, str, str], StoredFigure] = {}
        for component in _components(runs, equations):
            used = [equation for equation in equations if set(equation.runs) <= set(component)]
            chosen = _solve(component, used)
            if chosen is None:
                continue
            for run in component:
                readings = [run.split.readings[index] for index in chosen[id(run)]]
                for key, cell in run.cells.items():
                    values = {reading[run.position(key)] for reading in readings}
                    if len(values) == 1 and None not in values and cell.value is None:
                        value = values.pop()
                        decided[(run.year, *key)] = replace(cell, value=value, raw=str(value), uncertain=None)
        return {where: replace(cell, read_across=self._provenance(cell, runs, equations, decided))
                for where, cell in decided.items()}

    def decide(self, cells: list[StoredFigure]) -> list[StoredFigure]:
        """`cells` with each one the agency's other years decide replaced by its reading (see `read`),
        the others as stored. Only agencies with a run-together cell among `cells` are read."""
        agencies = {cell.agency for cell in cells if cell.split is not None and cell.value is None}
        decided = {agency: self.read(agency) for agency in agencies}
        chosen = []
        for cell in cells:
            reading = decided.get(cell.agency, {}).get((cell.year, *_key(cell)))
            chosen.append(reading if reading is not None and reading.report_id == cell.report_id else cell)
        return chosen

    def _equations(self, agency: str) -> tuple[list[_Run], list[_Equation]]:
        by_year: dict[int, dict[Key, StoredFigure]] = {}
        reports: dict[int, set[str]] = {}
        for cell in self.store.agency_rows(agency, _ROWS):
            by_year.setdefault(cell.year, {})[_key(cell)] = cell
            reports.setdefault(cell.year, set()).add(cell.report_id)
        # Two stored reports for one year (a duplicate, a correction): neither year is used.
        by_year = {year: cells for year, cells in by_year.items() if len(reports[year]) == 1}
        runs: dict[tuple[str, str, tuple], _Run] = {}
        for year, cells in by_year.items():
            for key, cell in cells.items():
                if cell.split is not None and cell.value is None:
                    run = runs.setdefault((cell.report_id, cell.split.printed, cell.split.cells),
                                          _Run(year, cell.split, {}))
                    run.cells[key] = cell
        run_of = {(run.year, key): run for run in runs.values() for key in run.cells}
        equations = []
        for year in sorted(by_year):
            if year - 1 not in by_year:
                continue
            for relation in RELATIONS:
                operands = []
                for sign, offset, key in relation.terms:
                    cell = by_year[year + offset].get(key)
                    run = run_of.get((year + offset, key))
                    if cell is None or (cell.value is None and run is None):
                        break  # blank, unread or not printed: the relation cannot be used
                    operands.append((sign, year + offset, cell, run))
                else:
                    if any(run is not None for *_, run in operands):
                        equations.append(_Equation(relation, year, tuple(operands)))
        return list(runs.values()), equations

    def _provenance(self, cell: StoredFigure, runs: list[_Run], equations: list[_Equation],
                    decided: dict[tuple[int, str, str, str], StoredFigure]) -> ReadAcross:
        run = next(run for run in runs if run.year == cell.year and _key(cell) in run.cells)
        touching = [equation for equation in equations if run in equation.runs]
        supporting: dict[tuple, StoredFigure] = {}
        for equation in touching:
            for _, year, operand, _ in equation.operands:
                if operand.report_id != cell.report_id:
                    supporting[(year, *_key(operand))] = decided.get((year, *_key(operand)), operand)
        years = tuple(sorted({year for year, *_ in supporting}))
        rules = tuple(dict.fromkeys(equation.relation.rule for equation in touching))
        relations = "；".join(dict.fromkeys(equation.relation.text for equation in touching))
        worked = "；".join(filter(None, (_worked(equation, decided) for equation in touching)))
        shown = "、".join(str(year) for year in years)
        note = (f"{cell.year}年{_cell_name(cell)}{cell.value}由连写数字“{run.split.printed}”按与{shown}年报告的"
                f"勾稽关系拆分读出：{relations}" + (f"（{worked}）" if worked else ""))
        return ReadAcross(run.split.printed, rules, years, note, tuple(supporting.values()))


def summary(reading: ReadAcross) -> str:
    """The reading in one short sentence, for a table cell: the digits as printed, the other years'
    reports (by year and file) and the relations used ("连写数字“8855698”按2021年报告（…）的勾稽关系拆分：…")."""
    sources = "、".join(dict.fromkeys(PurePath(cell.source).name for cell in reading.supporting))
    years = "、".join(str(year) for year in reading.years)
    texts = "；".join(dict.fromkeys(relation.text for relation in RELATIONS if relation.rule in reading.rules))
    return f"连写数字“{reading.printed}”按{years}年报告（{sources}）的勾稽关系拆分：{texts}"


def _worked(equation: _Equation, decided: dict[tuple[int, str, str, str], StoredFigure]) -> str:
    """The relation with its numbers ("2022年：26 = 25 + 5 − 4"), when every operand is known."""
    values = []
    for sign, year, cell, _ in equation.operands:
        value = decided[(year, *_key(cell))].value if (year, *_key(cell)) in decided else cell.value
        if value is None:
            return ""
        values.append((sign, value))
    (_, result), *terms = values
    return f"{equation.year}年：{result} = {_right_side(terms, '−')}"


def _key(cell: StoredFigure) -> Key:
    return (cell.table, cell.row, cell.col)


def _cell_name(cell: StoredFigure) -> str:
    if cell.table == "t3":
        row = "上年结转" if cell.row == "carried_over" else "结转下年度"
        return f"表三{row}（{COL_LABELS.get(cell.col, cell.col)}）"
    return f"表二{_T2_ROWS.get(cell.row, cell.row)}{T2_COL_LABELS.get(cell.col, cell.col)}"


def _components(runs: list[_Run], equations: list[_Equation]) -> Iterator[list[_Run]]:
    """Runs linked by equations; a run no equation touches is in none."""
    parent = {id(run): id(run) for run in runs}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for equation in equations:
        linked = equation.runs
        for run in linked[1:]:
            parent[root(id(run))] = root(id(linked[0]))
    touched = {id(run) for equation in equations for run in equation.runs}
    groups: dict[int, list[_Run]] = {}
    for run in runs:
        if id(run) in touched:
            groups.setdefault(root(id(run)), []).append(run)
    yield from groups.values()


def _solve(component: list[_Run], equations: list[_Equation]) -> dict[int, list[int]] | None:
    """For each run, the readings that occur in some assignment satisfying every equation; None
    when no assignment does (the reports contradict each other: nothing is decided) or when there
    are too many to look at."""
    domains = {id(run): list(range(len(run.split.readings))) for run in component}
    changed = True
    while changed:  # arc consistency: drop readings no assignment of an equation's other runs supports
        changed = False
        for equation in equations:
            runs = equation.runs
            for run in runs:
                others = [other for other in runs if other is not run]
                if _product_size(domains, others) > _MAX_SUPPORT:
                    return None
                kept = [index for index in domains[id(run)]
                        if any(equation.holds({id(run): index, **dict(zip(map(id, others), rest, strict=True))})
                               for rest in itertools.product(*(domains[id(other)] for other in others)))]
                if len(kept) < len(domains[id(run)]):
                    domains[id(run)] = kept
                    changed = True
                if not kept:
                    return None
    if _product_size(domains, component) > _MAX_SOLUTIONS:
        return None
    used: dict[int, set[int]] = {id(run): set() for run in component}
    for assignment in itertools.product(*(domains[id(run)] for run in component)):
        choice = dict(zip(map(id, component), assignment, strict=True))
        if all(equation.holds(choice) for equation in equations):
            for run_id, index in choice.items():
                used[run_id].add(index)
    if not any(used.values()):
        return None
    return {run_id: sorted(indexes) for run_id, indexes in used.items()}


def _product_size(domains: dict[int, list[int]], runs: list[_Run]) -> int:
    size = 1
    for run in runs:
        size *= len(domains[id(run)])
    return size
