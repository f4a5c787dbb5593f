"""Executes a Plan through the LangChain figure tools and composes the cited Chinese answer.

Every number comes from a tool (a cell, or a sum, difference or share of cited cells). Each answer
ends with the plan in plain Chinese, and with the cross-year 勾稽 checks of any carried-over
or in-force figure it used."""

from __future__ import annotations

from dataclasses import dataclass

from qa import composer
from qa.composer import Citations, number
from qa.crossyear import CrossYearChecks
from qa.plan import Plan, Step, Term
from qa.tools import FigureValue, percent


@dataclass(frozen=True)
class Executed:
    text: str
    computed: tuple[str, ...]
    values: tuple[FigureValue, ...]
    aggregate: bool


class PlanExecutor:
    def __init__(self, tools: dict, cross_year: CrossYearChecks) -> None:
        self._tools = tools
        self._cross_year = cross_year

    def execute(self, plan: Plan, citations: Citations) -> Executed | None:
        """None when no step found any figure (no report of those years, or no such table)."""
        texts: list[str] = []
        computed: list[str] = []
        values: list[FigureValue] = []
        for step in plan.steps:
            result = self._step(step, citations)
            if result is None:
                return None
            text, numbers, used = result
            texts.append(text)
            computed += numbers
            values += used
        body = "\n".join(texts) + composer.warnings(values)
        checks = self._cross_year.lines_for(values)
        if checks:
            body += "\n勾稽核对（跨年度）：" + "；".join(checks) + "。"
        body += f"\n（计算方式：{plan.describe()}。）"
        # A sum or list of figures of one report is still a figure answer; across years or
        # agencies, or derived (difference, share, rank, trend), it is an aggregate.
        aggregate = any(step.operation not in ("lookup", "sum", "list") or step.across in ("years", "agencies")
                        for step in plan.steps)
        return Executed(body, tuple(computed), tuple(values), aggregate)

    def value(self, agency: str, year: int, term: Term) -> FigureValue:
        return self._tools["lookup_figure"].invoke(
            {"agency": agency, "year": year, "figure": term.figure, "columns": list(term.columns)})

    def _step(self, step: Step, citations: Citations) -> tuple[str, list[str], list[FigureValue]] | None:
        agency = step.agencies[0]
        if step.across == "agencies":
            values = [self.value(name, step.years[-1], step.terms[0]) for name in step.agencies]
        elif step.across == "terms":
            values = [self.value(agency, year, term) for year in step.years for term in step.terms]
        else:
            values = [self.value(agency, year, term) for term in step.terms for year in step.years]
        found = [v for v in values if v.found]
        if not found:
            return None
        missing = sorted({f"{v.agency}{v.year}年" for v in values if not v.found})
        note = f"（没有找到{'、'.join(missing)}的报告或相应表格。）" if missing else ""
        label = step.terms[0].column_label
        if step.operation == "share":
            text, numbers = self._share(found[-1], step, citations)
        elif step.operation == "diff" and len(found) == 2:
            text, numbers = self._diff(found, step, citations)
        elif step.operation == "sum" and step.across == "years":
            text, numbers = composer.years_total(found, citations, label)
        elif step.operation == "sum" and step.across == "agencies":
            text, numbers = composer.total(found, citations, step.years[-1], label)
        elif step.operation == "sum":
            text, numbers = self._sum_terms(found, citations)
        elif step.operation == "rank" and step.across == "years":
            text, numbers = composer.years_ranked(found, citations, label), []
        elif step.operation == "rank":
            ranked = sorted([v for v in found if v.value is not None], key=lambda v: (-v.value, v.agency))
            text, numbers = composer.ranking(ranked, citations, step.years[-1], label), []
        elif step.operation == "trend" and len(found) >= 2:
            text, numbers = composer.trend(found, citations, label), []
        else:
            text = "".join(composer.describe(v, citations, _column_of(v, step)) for v in found)
            numbers = []
        return text + note, numbers, found

    def _sum_terms(self, values: list[FigureValue], citations: Citations) -> tuple[str, list[str]]:
        parts = "".join(composer.describe(v, citations) for v in values)
        by_year: dict[int, list[FigureValue]] = {}
        for v in values:
            by_year.setdefault(v.year, []).append(v)
        totals = []
        numbers = []
        for year, group in sorted(by_year.items()):
            printed = [v for v in group if v.value is not None]
            if any(v.value is None and v.unreadable for v in group):
                totals.append(f"{year}年有数字无法从原文可靠读出，合计无法给出")
                continue
            if not printed:
                totals.append(f"{year}年各项均未填报")
                continue
            total = sum((v.value for v in printed), start=0)
            labels = "与".join(v.label for v in group)
            blank = [v.label for v in group if v.value is None]
            totals.append(f"{group[0].agency}{year}年{labels}合计{number(total)}{group[0].unit}"
                          + (f"（{'、'.join(blank)}未填报，未计入）" if blank else ""))
            numbers.append(number(total))
        if len(by_year) > 1 and len(numbers) == len(by_year):  # "近两年……一共": the years added too
            overall = sum((v.value for v in values if v.value is not None), start=0)
            totals.append(f"{'、'.join(map(str, sorted(by_year)))}年合计{number(overall)}{values[0].unit}")
            numbers.append(number(overall))
        return parts + "；".join(totals) + "。", numbers

    def _diff(self, values: list[FigureValue], step: Step, citations: Citations) -> tuple[str, list[str]]:
        label = step.terms[0].column_label
        if step.across == "years":
            text, numbers = composer.compare(values[0], values[1], citations, label)
            return text, numbers
        first, second = values
        text = composer.describe(first, citations, label) + composer.describe(second, citations, label)
        if first.value is None or second.value is None:
            return text + "有一方未填报或无法读出，无法比较。", []
        if first.value == second.value:
            return text + f"两者相同，均为{number(first.value)}{first.unit}。", []
        more, less = (first, second) if first.value > second.value else (second, first)
        change = more.value - less.value
        return (text + f"{more.agency}比{less.agency}多{number(change)}{more.unit}。", [number(change)])

    def _share(self, part: FigureValue, step: Step, citations: Citations) -> tuple[str, list[str]]:
        whole = self.value(part.agency, part.year, step.whole)
        text = composer.describe(part, citations, step.terms[0].column_label) + composer.describe(
            whole, citations, step.whole.column_label)
        if part.value is None or not whole.value:
            return text + "无法计算占比。", []
        rate = percent(part.value, whole.value)
        return text + f"{part.label}{_of(step.terms[0].column_label)}占{whole.label}的{rate}%。", [f"{rate}"]


def _column_of(value: FigureValue, step: Step) -> str:
    return next((t.column_label for t in step.terms if t.label == value.label), "")


def _of(column_label: str) -> str:
    return f"（{column_label}）" if column_label else ""
