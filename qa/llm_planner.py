"""The optional LLM planner: a chat model proposes the plan through structured output (a JSON
schema of the plan); the proposal is validated against the vocabulary and the stored agencies and
years, and anything invalid (or any failure) falls back to the rule planner. Numbers still come
only from the tools."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from qa.plan import Plan, Step, Term
from qa.planner import RulePlanner
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


class LLMPlanner:
    def __init__(self, chat_model, rules: RulePlanner, prompts_dir: Path) -> None:
        self.chat_model = chat_model
        self.rules = rules
        self.instructions = (Path(prompts_dir) / "plan.txt").read_text(encoding="utf-8")

    def plan(self, text: str, directory: AgencyDirectory, default_agency: str | None = None) -> Plan | None:
        try:
            proposal = self.propose(text, directory)
            plan = self.validated(proposal, directory)
            if plan is not None:
                return plan
            log.info("LLM plan rejected by validation; using the rule planner")
        except Exception as error:  # an unreachable or failing model must never lose the answer
            log.warning("LLM planner failed, using the rule planner: %s", error)
        return self.rules.plan(text, directory, default_agency)

    def propose(self, text: str, directory: AgencyDirectory) -> PlanProposal:
        from langchain_core.messages import HumanMessage, SystemMessage

        figures = "\n".join(f"{term.name}：{term.label}" for term in self.rules.vocabulary.figures)
        agencies = "、".join(directory.names())
        prompt = self.instructions.format(figures=figures, agencies=agencies, question=text)
        structured = self.chat_model.with_structured_output(PlanProposal, method="function_calling")
        messages = [SystemMessage(content="你把问题转成查询计划，只输出计划。"), HumanMessage(content=prompt)]
        return structured.invoke(messages)

    def validated(self, proposal: PlanProposal | None, directory: AgencyDirectory) -> Plan | None:
        """The proposal as a Plan, or None when any part of it names what is not stored."""
        if proposal is None or not proposal.steps:
            return None
        terms = {term.name: term for term in self.rules.vocabulary.figures}
        columns = {col for term in self.rules.vocabulary.columns for col in term.cols}
        known = set(directory.names())
        steps = []
        for step in proposal.steps:
            if not step.figures or not step.agencies or not step.years:
                return None
            if any(name not in terms for name in step.figures) or any(a not in known for a in step.agencies):
                return None
            if any(col not in columns for col in step.columns) or (step.whole and step.whole not in terms):
                return None
            if step.operation == "share" and not step.whole:
                return None
            stored = {year for agency in step.agencies for year in self.rules.years_of(agency)}
            if not set(step.years) <= stored:
                return None
            whole = Term(step.whole, terms[step.whole].label) if step.whole else None
            steps.append(Step(step.operation, tuple(Term(n, terms[n].label, tuple(step.columns)) for n in step.figures),
                              tuple(step.agencies), tuple(sorted(step.years)), whole, step.across))
        return Plan(tuple(steps), source="llm")
