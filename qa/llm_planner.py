"""The optional LLM planner: a chat model proposes the plan through structured output (a JSON
schema of the plan); the proposal is validated against the vocabulary and the stored agencies and
years, and anything invalid (or any failure) falls back to the rule planner. Numbers still come
only from the tools."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, create_model

from qa.plan import Plan, Step, Term
from qa.planner import RulePlanner
from qa.timeexpr import normalise_years
from qa.understanding import AgencyDirectory

log = logging.getLogger(__name__)


class StepProposal(BaseModel):
    operation: Literal["lookup", "sum", "diff", "share", "rank", "trend", "list"]
    figures: list[str] = Field(description="数字名称（词表 name），如 new_received、denied、unable_not_held")
    agencies: list[str] = Field(description="机关全称，取自给出的机关列表")
    years: list[int] = Field(description="报告年度")
    across: Literal["terms", "years", "agencies", ""] = ""
    whole: str | None = Field(None, description="占比的分母（词表 name），仅 share 需要")
    columns: list[str] = Field(default_factory=list, description="表三/表四的列，如 natural_person；默认总计")


class PlanProposal(BaseModel):
    """一个问题的查询计划：每个子问题一步。"""

    steps: list[StepProposal]


def constrained_schema(figures: list[str], agencies: list[str], years: list[int],
                       columns: list[str]) -> type[BaseModel]:
    """The plan type with the names it may use as enums and short lists, so that a server that
    constrains generation by the schema (llama.cpp grammars) can only write a plan of known names."""
    figure = Literal[tuple(dict.fromkeys(figures))]
    agency = Literal[tuple(dict.fromkeys(agencies))] if agencies else str
    column = Literal[tuple(columns)] if columns else str
    year = Literal[tuple(years)] if years else int
    step = create_model(
        "计划步骤",
        operation=(Literal["lookup", "sum", "diff", "share", "rank", "trend", "list"], ...),
        figures=(list[figure], Field(min_length=1, max_length=3)),
        agencies=(list[agency], Field(min_length=1, max_length=3)),
        years=(list[year], Field(min_length=1, max_length=5)),
        across=(Literal["terms", "years", "agencies", ""], ""),
        whole=(figure | None, None),
        columns=(list[column], Field(default_factory=list, max_length=2)),
    )
    return create_model("查询计划", steps=(list[step], Field(min_length=1, max_length=3)))


class LLMPlanner:
    def __init__(self, chat_model, rules: RulePlanner, prompts_dir: Path) -> None:
        self.chat_model = chat_model
        self.rules = rules
        self.instructions = (Path(prompts_dir) / "plan.txt").read_text(encoding="utf-8")

    def plan(self, text: str, directory: AgencyDirectory, default_agency: str | None = None) -> Plan | None:
        try:
            proposal = self.propose(text, directory)
            plan = self.validated(proposal, directory, text, default_agency)
            if plan is not None:
                return plan
            log.info("LLM plan rejected by validation; using the rule planner")
        except Exception as error:  # an unreachable or failing model must never lose the answer
            log.warning("LLM planner failed, using the rule planner: %s", error)
        return self.rules.plan(text, directory, default_agency)

    def propose(self, text: str, directory: AgencyDirectory) -> PlanProposal:
        from langchain_core.messages import HumanMessage, SystemMessage

        vocabulary = self.rules.vocabulary
        figures = "\n".join(f"{term.name}：{term.label}" for term in vocabulary.figures)
        agencies = "、".join(directory.names())
        prompt = self.instructions.format(figures=figures, agencies=agencies, question=text)
        years = sorted({year for name in directory.names() for year in self.rules.years_of(name)})
        schema = constrained_schema([t.name for t in vocabulary.figures], directory.names(), years,
                                    sorted({col for term in vocabulary.columns for col in term.cols}))
        structured = self.chat_model.with_structured_output(schema, method="function_calling")
        messages = [SystemMessage(content="你把问题转成查询计划，只输出计划。"), HumanMessage(content=prompt)]
        proposed = structured.invoke(messages)
        return None if proposed is None else PlanProposal.model_validate(proposed.model_dump())

    def validated(self, proposal: PlanProposal | None, directory: AgencyDirectory, text: str,
                  default_agency: str | None = None) -> Plan | None:
        """The proposal as a Plan, or None when any part of it is not what the question can mean:
        an agency the question does not name, a year not stored for it, a column of another table,
        an operation without what it needs (a share without its whole, a difference without two)."""
        if proposal is None or not proposal.steps:
            return None
        terms = {term.name: term for term in self.rules.vocabulary.figures}
        named = set(self.rules.agencies(normalise_years(text), directory, default_agency))
        steps = []
        for step in proposal.steps:
            figures = list(dict.fromkeys(step.figures))
            agencies = list(dict.fromkeys(step.agencies))
            years = sorted(set(step.years))
            if not figures or not agencies or not years or not set(agencies) <= named:
                return None
            if any(name not in terms for name in figures) or (step.whole and step.whole not in terms):
                return None
            tables = {terms[name].cells[0].table for name in figures}
            allowed_columns = {col for column in self.rules.vocabulary.columns if set(column.tables) & tables
                               for col in column.cols}
            if not set(step.columns) <= allowed_columns:
                return None
            if not all(set(years) <= set(self.rules.years_of(agency)) for agency in agencies):
                return None
            if step.operation == "share" and not step.whole:
                return None
            if step.operation == "diff" and not (len(years) == 2 or len(agencies) == 2):
                return None
            if step.operation in ("trend", "rank") and len(years) < 2 and len(agencies) < 2:
                return None
            whole = Term(step.whole, terms[step.whole].label) if step.whole else None
            columns = tuple(dict.fromkeys(step.columns))
            steps.append(Step(step.operation, tuple(Term(n, terms[n].label, columns) for n in figures),
                              tuple(agencies), tuple(years), whole, step.across))
        return Plan(tuple(steps), source="llm")
