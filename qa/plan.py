"""A typed query plan: what a question asks, as operations over figure terms, agencies and years.

The planner (qa/planner.py) builds it from the question; the answerer executes it through the
figure tools; every answer states it in plain Chinese (`Plan.describe`) and carries it as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal

Operation = Literal["lookup", "sum", "diff", "share", "rank", "trend", "list"]
CN_COUNTS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Term:
    """One figure: a cell or a group of cells (a vocabulary term), optionally in a named column."""

    figure: str
    label: str
    columns: tuple[str, ...] = ()
    column_label: str = ""

    @property
    def shown(self) -> str:
        return self.label + (f"（{self.column_label}）" if self.column_label else "")


@dataclass(frozen=True)
class Step:
    """One part of a question, answered by one operation."""

    operation: Operation
    terms: tuple[Term, ...]
    agencies: tuple[str, ...]
    years: tuple[int, ...]
    whole: Term | None = None
    """The denominator of a share."""
    across: Literal["terms", "years", "agencies", ""] = ""
    """What a sum, difference, list or rank runs over."""
    clause: str = ""

    def describe(self) -> str:
        labels = "与".join(term.shown for term in self.terms)
        span = _years(self.years)
        who = "、".join(self.agencies)
        if self.operation == "sum" and self.across == "years":
            return f"按{who}{span}{_count(len(self.years))}份报告的{labels}相加"
        if self.operation == "sum":
            return f"把{who}{span}的{labels}相加"
        if self.operation == "diff" and self.across == "agencies":
            return f"比较{who}{span}的{labels}，并求差"
        if self.operation == "diff":
            return f"用{who}{self.years[-1]}年的{labels}减去{self.years[0]}年的"
        if self.operation == "share":
            whole = self.whole.shown if self.whole else "总数"
            return f"用{who}{span}的{labels}除以{whole}"
        if self.operation == "rank":
            return f"把{who}{span}的{labels}从多到少排列"
        if self.operation == "trend":
            return f"逐年列出{who}{span}的{labels}"
        if self.operation == "list":
            return f"分别列出{who}{span}的{labels}"
        return f"查{who}{span}报告中的{labels}"

    def json(self) -> dict:
        """Plain JSON values (lists, not tuples): the same after a trip through JSON text."""
        return _plain(asdict(self))


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    """How relative times were read ("近两年：按该单位最新一份报告…")."""
    source: Literal["rules", "llm"] = "rules"

    def deduplicated(self) -> Plan:
        """Without steps that repeat an earlier one (two clauses asking for the same figure)."""
        kept: list[Step] = []
        for step in self.steps:
            if not any(replace(step, clause="") == replace(other, clause="") for other in kept):
                kept.append(step)
        return replace(self, steps=tuple(kept))

    def describe(self) -> str:
        parts = [step.describe() for step in self.steps]
        text = "；".join(parts)
        if self.notes:
            text += "（" + "；".join(self.notes) + "）"
        return text

    def json(self) -> dict:
        return {"steps": [step.json() for step in self.steps], "notes": list(self.notes), "source": self.source,
                "text": self.describe()}


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _years(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    ordered = sorted(years)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}—{ordered[-1]}年"
    return "、".join(str(y) for y in ordered) + "年"


def _count(n: int) -> str:
    return CN_COUNTS[n] if n <= 10 else str(n)
