"""Answers with citations: figures from tools, everything else from retrieved text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ingest.gazetteer import Gazetteer
from qa import composer
from qa.cells import FigureCatalogue
from qa.composer import Citations
from qa.crossyear import CrossYearChecks
from qa.executor import PlanExecutor
from qa.model import Answer, Route
from qa.plan import Plan, Step, Term
from qa.planner import RulePlanner
from qa.search import SearchRequest, SearchService
from qa.timeexpr import normalise_years
from qa.tools import FigureTools, FigureValue, percent
from qa.understanding import AgencyDirectory, Frame, Understanding
from qa.vocabulary import Vocabulary
from vectorstore.figure_store import FigureStore
from vectorstore.segmenter import Segmenter

MAX_QUESTION_CHARS = 500
T3_RESULT_FIGURES = {"granted", "partial", "denied", "unable", "not_processed"}
_QUANTITY = re.compile(r"多少|几|多大|多高")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:万|余|多)?\s*[件个次条篇场份人项家元%起名]")
# What a table-三/四 figure counts, as the prose of a report names it, and its way of saying "none".
_COUNTED_NOUNS = {"申请": "request", "复议": "review", "诉讼": "suit", "起诉": "suit"}
# The asker's own case ("我上个月交的申请", "我的申请") and what became of it: not in any report.
_OWN_CASE = re.compile(r"我们?(?:的|[^，。？?]{0,6}(?:提交|交的|递交|提出|写的|申请的|寄的))")
_CASE_STATUS = re.compile(r"什么时候|多久|进度|结果|办到|哪一步|怎么样了|回复|答复我|受理了吗|处理了吗|批了吗")
# "有没有收费", "是否收取", "收没收", "收费了吗": a question answered by yes or no.
_YES_NO = re.compile(r"有没有|是否|有无|吗[？?]?\s*$|([\u4e00-\u9fff])[没不]\1")
_NONE = re.compile(r"(?:未|没有|没)(?:收到|受理|发生)")
# Grammar, not phrasing: words that never qualify what is counted.
_FUNCTION_WORDS = frozenset(
    "多少 几 几件 多少件 件 个 有 是 的 了 年 年度 一共 总共 合计 其中 请问 呢 吗 本年 今年 全年 共 数量 情况 "
    "通过 方式 形式 提出 提交 收到 受理 办理 作出 因为 被 为 从 在 和 与 及 还有 多 分别 各 是否 那 这".split())


@dataclass(frozen=True)
class Turn:
    role: str
    content: str


class Answerer:
    def __init__(
        self,
        store: FigureStore,
        search: SearchService,
        tools: FigureTools,
        vocabulary: Vocabulary,
        segmenter: Segmenter,
        phraser=None,
        catalogue: FigureCatalogue | None = None,
        planner=None,
    ) -> None:
        self.store = store
        self.search = search

        self.vocabulary = vocabulary
        self.segmenter = segmenter
        self.phraser = phraser
        self._tools = tools.langchain_tools()
        self._gazetteer = Gazetteer()
        self.cross_year = CrossYearChecks(store)
        self.planner = planner or RulePlanner(vocabulary, store.years_of, catalogue)
        """Plans questions: the rule planner, or an LLM planner that falls back to it."""
        self.executor = PlanExecutor(self._tools, self.cross_year)
        # No per-request state lives on self: every request builds its own directory and frame.

    def ask(self, question: str, agency: str | None = None, history: list[Turn] | None = None,
            region: str | None = None) -> Answer:
        answer = self.compose(question, agency, history, region)
        if self.phraser is not None and answer.route != "none":
            return self.phraser.rephrase(question, answer)
        return answer

    def stream(self, question: str, agency: str | None = None, history: list[Turn] | None = None,
               region: str | None = None) -> Iterator[str | Answer | None]:
        """Text pieces as they are produced, then the final Answer (the guarded one)."""
        answer = self.compose(question, agency, history, region)
        if self.phraser is not None and answer.route != "none":
            yield from self.phraser.stream(question, answer)
            return
        yield from re.findall(r".{1,12}", answer.answer, flags=re.S)
        yield answer

    def compose(self, question: str, agency: str | None = None, history: list[Turn] | None = None,
                region: str | None = None) -> Answer:
        """`agency`: answer for it when the question names none. `region`: only agencies of that region
        (a widget scoped to a county) are considered."""
        text = (question or "").strip()
        if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):
            return Answer("请输入您想了解的问题，例如：" + "、".join(composer.EXAMPLES), "none")
        text = normalise_years(text[:MAX_QUESTION_CHARS])
        earlier = [normalise_years(turn.content[:MAX_QUESTION_CHARS]) for turn in history or [] if turn.role == "user"]
        known = self.store.agencies()
        if region:
            known = [(name, where) for name, where in known if region in (where or "") + name]
            if agency is None and len(known) == 1:
                agency = known[0][0]
        directory = AgencyDirectory(known, self._gazetteer, self.store.years_of)
        understanding = Understanding(self.vocabulary, directory, self.store.years_of)
        frame = understanding.understand(text, agency, earlier)
        if any(word in text for word in self.vocabulary.personal) or (
                _OWN_CASE.search(text) and _CASE_STATUS.search(text)):
            return Answer("这个问题无法从年度报告中回答：年度报告只公布汇总数字和工作情况，不包含个人信息或"
                          "某一件申请的办理进度。查询个人申请的进度，请直接联系受理申请的机关。", "none")
        if not frame.in_scope:
            return (frame.ambiguous and self._from_the_only_report(frame, directory)) or \
                Answer(composer.out_of_scope(), "none")
        if frame.unknown_place and not frame.agencies and not frame.ambiguous:
            return Answer(composer.out_of_scope(f"抱歉，目前没有收录{frame.unknown_place}的政府信息公开工作年度报告。"),
                          "none")
        if not earlier:
            planned = self._planned(text, directory, agency, frame)
            if planned is not None:
                return planned
        if frame.ambiguous and frame.years:
            covered = [name for name in frame.ambiguous if set(frame.years) & set(self.store.years_of(name))]
            if not covered:
                asked = "、".join(map(str, frame.years))
                names = "、".join(frame.ambiguous)
                return Answer(f"您问的是哪个单位？可能的单位：{names}，但都没有找到{asked}年的报告。"
                              "请说明单位全称和已收录的年度后再问一次。", "none")
        governments = [a for a in directory.known if a.name in frame.ambiguous and a.is_government]
        if frame.ambiguous and frame.figure is None and not (_QUANTITY.search(text) and len(governments) >= 2):
            # Text, or a number only one department's report states, is found by its topic; a place
            # name fitting two governments asks for a number each of them states (主动公开…条).
            return self._documents(frame, directory, agencies=frame.ambiguous)
        if frame.ambiguous and frame.figure is None and (answer := self._from_the_only_report(frame, directory)):
            return answer
        if frame.ambiguous and frame.intent not in ("rank", "sum"):
            names = "、".join(frame.ambiguous)
            route: Route = "figures" if frame.figure or _QUANTITY.search(text) else "documents"
            return Answer(f"您问的是哪个单位？收录了这些可能的单位：{names}。请说明单位全称后再问一次。", route)
        if frame.figure is None:
            scope = [name for name, _ in known] if region and not frame.agencies else None
            return self._documents(frame, directory, agencies=scope)
        return self._with_plan(self._figures(frame, directory), frame)

    # Plans -----------------------------------------------------------------------------------

    def _planned(self, text: str, directory: AgencyDirectory, agency: str | None, frame: Frame) -> Answer | None:
        """Questions the plan answers better than one lookup: several parts or terms, differences,
        shares, ranks, relative or ranged years, or a qualifier only the prose counts."""
        plan = self.planner.plan(text, directory, agency)
        if plan is None:
            return None
        first = plan.steps[0]
        framed = self.vocabulary.figure(text)
        simple = (len(plan.steps) == 1 and first.operation == "lookup" and len(first.terms) == 1
                  and len(first.years) == 1 and not any("按该单位最新" in n or "推算" in n for n in plan.notes)
                  and framed is not None and framed.name == first.terms[0].figure
                  and list(first.agencies) == frame.agencies
                  and first.terms[0].columns == (tuple(frame.column.cols) if frame.column else ()))
        citations = Citations()
        prose = [self._prose_for(step, directory) for step in plan.steps if step.operation == "lookup"]
        prose = [found for found in prose if found]
        if simple and not prose:
            return None
        plan = plan.deduplicated()
        executed = self.executor.execute(plan, citations)
        if executed is None:
            return None
        text_out = executed.text
        unread = self._prose_where_no_table(plan, executed.values, text, directory, citations)
        if unread:  # before the closing line that states the plan
            body, plan_line, rest = text_out.rpartition("\n（计算方式：")
            text_out = f"{body}\n{unread}{plan_line}{rest}" if plan_line else f"{text_out}\n{unread}"
        route: Route = "aggregate" if executed.aggregate else "figures"
        if prose:
            lines = [f"报告正文中的相关表述：{composer.passages(found, citations)}" for found in prose]
            text_out = "\n".join(lines) + "\n表格中的相关数字（统计口径可能不同）：" + text_out
            route = "mixed"
        answer = Answer(text_out.strip(), route, citations.figures, citations.items, computed=list(executed.computed))
        answer.plan = plan.json()
        return answer

    def _prose_where_no_table(self, plan: Plan, values, text: str, directory: AgencyDirectory,
                              citations: Citations) -> str:
        """For each year a step asks about whose report exists but prints no such table (pre-2019),
        the sentence of that report that states the figure."""
        lines = []
        for step in plan.steps:
            if len(step.terms) != 1 or step.terms[0].columns or step.operation == "share":
                continue
            for agency in step.agencies:
                for year in step.years:
                    if year not in self.store.years_of(agency) or any(
                            (v.agency, v.year) == (agency, year) for v in values):
                        continue
                    table = self._table_of(step.terms[0].figure)
                    stated = self._counting_sentences(step.terms[0].label, table, text, agency, year, directory)
                    if stated:
                        lines.append(f"{agency}{year}年的报告没有刊载相应表格，正文中的相关表述："
                                     + composer.passages(stated, citations))
        return "\n".join(lines)

    def _prose_for(self, step: Step, directory: AgencyDirectory) -> list | None:
        """When the question qualifies what it counts in a way the table does not break down
        ("网络申请", "信函申请"), the sentence of that report that counts it."""
        if len(step.agencies) != 1 or len(step.years) != 1 or len(step.terms) != 1:
            return None
        wordings = [t for t in self.vocabulary.figures + self.vocabulary.variants if t.name == step.terms[0].figure]
        term = wordings[0]
        explained = " ".join((*(p for t in wordings for p in (*t.phrases, *t.requires)), term.label,
                              step.terms[0].column_label))
        clause = re.sub(r"\d+", " ", step.clause)
        residual = [token for token in self.segmenter.tokens(clause)
                    if len(token) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", token) and token not in explained
                    and token not in _FUNCTION_WORDS and token not in self.vocabulary.generic_words
                    and not any(token in column.label for column in self.vocabulary.columns)]
        cores = [word for word in ("申请", "决定", "复议", "诉讼") if word in step.clause and word in term.label]
        if not residual or not cores:
            return None
        # The qualifier is looked for literally, so the lexical index alone serves (no embedding).
        request = SearchRequest(query=" ".join(residual + cores), agency=step.agencies[0], year_from=step.years[0],
                                year_to=step.years[0], top_k=12, mode="bm25")
        # A sentence that counts the thing ("网络申请39件"): the core word followed by a number,
        # qualified just before it by characters of the question's qualifier ("网上" ~ "网络").
        qualifier = set("".join(residual))
        best = None
        for hit in self.search.search(request):
            if hit.chunk.kind == "table" or hit.chunk.agency != step.agencies[0]:
                continue
            for sentence in composer.SENTENCE.findall(hit.chunk.text):
                for core in cores:
                    for match in re.finditer(core, sentence):
                        if not _NUMBER.match(sentence[match.end():].lstrip("数为共达")):
                            continue
                        score = len(qualifier & set(sentence[max(0, match.start() - 4): match.start()]))
                        if score and (best is None or score > best[0]):
                            best = (score, hit, sentence.strip())
        if best is None:
            return None
        return [(best[1], best[2][:160])]

    def _with_plan(self, answer: Answer, frame: Frame) -> Answer:
        """The plan the frame-driven path executed, stated and attached (lookups, sums, trends…)."""
        if frame.figure is None or answer.route not in ("figures", "aggregate", "mixed") or not answer.figures:
            return answer
        operation = {"lookup": "lookup", "sum": "sum", "rank": "rank", "compare": "diff", "trend": "trend",
                     "share": "share"}[frame.intent]
        columns = tuple(frame.column.cols) if frame.column else ()
        term = Term(frame.figure.name, frame.figure.label, columns, frame.column.label if frame.column else "")
        years = tuple(sorted({f.year for f in answer.figures}))
        agencies = tuple(dict.fromkeys(f.agency for f in answer.figures))
        across = "agencies" if len(agencies) > 1 else ("years" if len(years) > 1 else "")
        plan = Plan((Step(operation, (term,), agencies, years, across=across, clause=frame.text),))
        answer.answer += f"\n（计算方式：{plan.describe()}。）"
        answer.plan = plan.json()
        return answer

    # Figures ---------------------------------------------------------------------------------

    def _figures(self, frame: Frame, directory: AgencyDirectory) -> Answer:
        citations = Citations()
        column = frame.column
        columns = list(column.cols) if column else []
        column_label = column.label if column else ""
        figure = frame.figure.name
        computed: list[str] = []
        over_years = len(frame.agencies) == 1 and frame.intent in ("rank", "sum") and (
            len(frame.years) > 1 or self.vocabulary.cue("rank_years", frame.text) or "累计" in frame.text)
        if over_years:
            return self._over_years(frame, figure, columns, column_label, citations)
        if frame.intent in ("rank", "sum") or (not frame.agencies and frame.intent != "lookup"):
            agencies = frame.agencies or None
            year = self._year_for(frame, agencies)
            if year is None:
                return Answer("没有找到这些单位同一年度的报告，无法汇总。", "none")
            found = self._tools["figure_across"].invoke(
                {"figure": figure, "years": [year], "agencies": agencies or [], "columns": columns}
            )
            if not found:
                return Answer(f"没有找到{year}年的相关数字。", "none")
            if frame.intent == "rank":
                ranked = sorted([v for v in found if v.value is not None], key=lambda v: (-v.value, v.agency))
                text = composer.ranking(ranked, citations, year, column_label)
            else:
                text, computed = composer.total(found, citations, year, column_label)
            return self._figure_answer(text + composer.warnings(found), "aggregate", citations, computed)
        if not frame.agencies:
            return Answer("请说明是哪个单位的报告，例如：" + "、".join(composer.EXAMPLES), "figures")
        agency = frame.agencies[0]
        available = self.store.years_of(agency)
        years = [year for year in frame.years if year in available] if frame.years else available[-1:]
        missing = [year for year in frame.years if year not in available]
        if not years:
            shown = "、".join(str(year) for year in available) or "无"
            asked = "、".join(str(year) for year in missing)
            return Answer(f"没有找到{agency}{asked}年的报告。已收录的年度：{shown}。", "none")
        note = "" if frame.years else f"（未指明年度，按已收录的最新一份、{years[0]}年度的报告回答）"
        values = [self._value(agency, year, figure, columns) for year in years]
        if not any(value.found for value in values):
            return self._without_table(frame, values, directory)
        if frame.intent == "share":
            text, computed = self._share(values[-1], frame, citations, column_label)
        elif frame.intent == "compare" and len(values) >= 2:
            text, computed = composer.compare(values[-2], values[-1], citations, column_label)
        elif frame.intent == "trend" and len(values) >= 2:
            text = composer.trend(values, citations, column_label)
        else:
            text = " ".join(composer.describe(value, citations, column_label) for value in values)
        if missing:
            text += f"（没有找到{'、'.join(map(str, missing))}年的报告。）"
        route: Route = "figures" if frame.intent == "lookup" else "aggregate"
        body = note + text + composer.warnings(values)
        if frame.narrative:
            documents = self._documents(frame, directory, citations,
                                        query_text=frame.narrative_text or frame.text, prose_only=True)
            if documents.route != "none":
                return self._figure_answer(body + "\n" + documents.answer, "mixed", citations, computed)
        return self._figure_answer(body, route, citations, computed)

    def _over_years(self, frame: Frame, figure: str, columns: list[str], column_label: str,
                    citations: Citations) -> Answer:
        """One agency across years: the total over the years, or the year with the most."""
        agency = frame.agencies[0]
        available = self.store.years_of(agency)
        years = [year for year in (frame.years or available) if year in available]
        values = [v for v in (self._value(agency, year, figure, columns) for year in years) if v.found]
        if not values:
            return Answer(f"没有找到{agency}这些年度的相关数字。", "none")
        if frame.intent == "rank":
            text = composer.years_ranked(values, citations, column_label)
            computed: list[str] = []
        else:
            text, computed = composer.years_total(values, citations, column_label)
        return self._figure_answer(text + composer.warnings(values), "aggregate", citations, computed)

    def _value(self, agency: str, year: int, figure: str, columns: list[str]) -> FigureValue:
        return self._tools["lookup_figure"].invoke(
            {"agency": agency, "year": year, "figure": figure, "columns": columns}
        )

    def _share(self, part: FigureValue, frame: Frame, citations: Citations, column_label: str):
        if frame.column is not None:
            whole = self._value(part.agency, part.year, frame.figure.name, [])
        elif frame.figure.name in T3_RESULT_FIGURES:
            whole = self._value(part.agency, part.year, "total_processed", [])
        else:
            return composer.describe(part, citations, column_label), []
        text = composer.describe(part, citations, column_label) + composer.describe(whole, citations)
        rate = percent(part.value, whole.value) if part.value is not None and whole.value else None
        if rate is None:
            return text, []
        return text + f"占比{rate}%。", [f"{rate}"]

    def _year_for(self, frame: Frame, agencies: list[str] | None) -> int | None:
        if frame.years:
            return frame.years[-1]
        names = agencies or [name for name, _ in self.store.agencies()]
        sets = [set(self.store.years_of(name)) for name in names]
        common = set.intersection(*sets) if sets else set()
        return max(common) if common else (max(set.union(*sets)) if sets and set.union(*sets) else None)

    @staticmethod
    def _figure_answer(text: str, route: Route, citations: Citations, computed: list[str]) -> Answer:
        return Answer(text.strip(), route, citations.figures, citations.items, computed=computed)

    # Documents -------------------------------------------------------------------------------

    def _without_table(self, frame: Frame, missing: list[FigureValue], directory: AgencyDirectory) -> Answer:
        """The reports do not print the table (pre-2019, or lost at the source): their text may say,
        report by report."""
        table = {"t2": "表二", "t3": "表三", "t4": "表四"}[frame.figure.cells[0].table]
        citations = Citations()
        lines = []
        for value in missing:
            if self._prints_row(value.agency, value.year, frame.figure):
                lines.append(f"{value.agency}{value.year}年报告的{table}没有“{value.label}”这一栏"
                             "（这一栏只见于另一版报告格式）。")
            else:
                lines.append(f"{value.agency}{value.year}年的报告没有刊载{table}，表格中查不到“{value.label}”。")
            stated = self._counting_sentences(frame.figure.label, frame.figure.cells[0].table, frame.text,
                                              value.agency, value.year, directory)
            if stated:
                lines.append("报告正文中的相关表述：\n" + composer.passages(stated, citations))
                nouns = _counted_nouns(frame.figure.label, frame.figure.cells[0].table)
                if not any(_NUMBER.search(clause) for _, sentence in stated for clause in _near_own(sentence, nouns)):
                    lines.append("（报告原文说没有，即0件。）")
        if citations.items:
            return Answer("\n".join(lines), "documents", citations.figures, citations.items)
        note = lines[0]
        # A sentence about it names the figure in the question's words, or counts something named
        # by a word of its label ("网上申请10件" for 本年新收政府信息公开申请).
        label_words = tuple(word for word in self.segmenter.tokens(frame.figure.label)
                            if len(word) >= 2 and word not in self.vocabulary.generic_words)
        documents = self._documents(frame, directory, required=frame.figure.phrases, counted=label_words)
        if documents.route == "none":
            return Answer(note + "报告正文中也没有找到相关内容。", "none")
        return Answer(note + "以下是报告正文中的相关内容：\n" + documents.answer, "documents",
                      documents.figures, documents.citations)

    def _prints_row(self, agency: str, year: int, figure) -> bool:
        """The report prints the figure's row, in the other format's columns (表二 本年新公开 is a
        2019-format column; 本年废止 of the 2019 form does not exist)."""
        rows = [(cell.table, cell.row) for cell in figure.cells]
        return any(cell.year == year for cell in self.store.agency_rows(agency, rows))

    def _table_of(self, figure: str) -> str:
        return next(term.cells[0].table for term in self.vocabulary.figures if term.name == figure)

    def _counting_sentences(self, label: str, table: str, question: str, agency: str, year: int,
                            directory: AgencyDirectory) -> list:
        """The sentence of that report's text that states the figure: it names what the figure
        counts (申请, 复议, 诉讼…), and states a number of it or that there was none; the one sharing
        most words with the question wins. Searched within that report only."""
        nouns = _counted_nouns(label, table)
        if not nouns:
            return []
        query = self._topic(Frame(text=question, agencies=[agency]), question, directory)
        tokens = set(self.segmenter.tokens(query)) - self.vocabulary.generic_words
        request = SearchRequest(query=query, agency=agency, year_from=year, year_to=year, top_k=12)
        candidates = []
        for order, hit in enumerate(self.search.search(request)):
            if hit.chunk.kind == "table" or (hit.chunk.agency, hit.chunk.year) != (agency, year):
                continue
            for sentence in composer.SENTENCE.findall(hit.chunk.text):
                sentence = sentence.strip()
                near = _near_own(sentence, nouns)
                counts = any(_NUMBER.search(window) for window in near)
                if len(sentence) < 6 or not (counts or any(_NONE.search(window) for window in near)):
                    continue
                shared = len(tokens & set(self.segmenter.tokens(sentence)))
                candidates.append(((shared, counts, -order, -len(sentence)), hit, sentence))
        if not candidates:
            return []
        best = max(candidates, key=lambda item: item[0])
        return [(best[1], best[2][:160])]

    def _documents(
        self,
        frame: Frame,
        directory: AgencyDirectory,
        citations: Citations | None = None,
        agencies: list[str] | None = None,
        query_text: str | None = None,
        required: tuple[str, ...] = (),
        prose_only: bool = False,
        counted: tuple[str, ...] = (),
    ) -> Answer:
        own_citations = citations or Citations()
        query = self._topic(frame, query_text or frame.text, directory)
        agencies = agencies or frame.agencies
        if frame.years and agencies and not any(set(frame.years) & set(self.store.years_of(a)) for a in agencies):
            shown = "、".join(map(str, frame.years))
            return Answer(f"没有找到{'、'.join(agencies)}{shown}年的报告。", "none")
        agency = agencies[0] if len(agencies) == 1 else None
        request = SearchRequest(
            query=query,
            agency=agency,
            agencies=tuple(agencies) if len(agencies) > 1 else (),
            year_from=min(frame.years) if frame.years else None,
            year_to=max(frame.years) if frame.years else None,
            top_k=12,
        )
        hits = self.search.search(request)
        if not hits and (request.year_from or request.agency):
            hits = self.search.search(SearchRequest(query=query, agency=agency, top_k=12))
        if prose_only:  # the figures are already answered from the table itself
            hits = [hit for hit in hits if hit.chunk.kind != "table"]
        hits = _prefer_section(hits, self.vocabulary.section_hint(query))
        tokens = set(self.segmenter.tokens(query)) - self.vocabulary.generic_words
        chosen = composer.best_sentences(hits, tokens, self.segmenter.tokens,
                                         wants_number=bool(_QUANTITY.search(frame.text)),
                                         yes_no=bool(_YES_NO.search(frame.text)))
        # A passage is only an answer if it (or the title of its section) shares a topic word with
        # the question, and, for a figure looked for in prose, names that figure.
        relevant = [(hit, sentence) for hit, sentence in chosen
                    if (tokens & set(self.segmenter.tokens(hit.chunk.section_title + sentence)))
                    and (not required or any(word in sentence for word in required)
                         or _counts(sentence, counted))]
        if not relevant:
            return Answer(composer.out_of_scope("抱歉，已收录的报告中没有找到与这个问题相关的内容。"), "none")
        text = "根据已收录报告的原文：\n" + composer.passages(relevant, own_citations)
        return Answer(text, "documents", own_citations.figures, own_citations.items)

    def _from_the_only_report(self, frame: Frame, directory: AgencyDirectory) -> Answer | None:
        """The answer from the one candidate whose reports mention what is asked (the others' never
        do), saying so; None when no single one does or its text has no relevant passage."""
        only = self._only_report_stating(frame, directory)
        if only is None:
            return None
        answer = self._documents(replace(frame, agencies=[only], ambiguous=[]), directory)
        if answer.route == "none":
            return None
        candidates = "、".join(frame.ambiguous)
        answer.answer = f"（“{candidates}”中只有{only}的报告提到这一内容，按它回答。）\n" + answer.answer
        return answer

    def _only_report_stating(self, frame: Frame, directory: AgencyDirectory) -> str | None:
        """Of the agencies a short name fits equally, the only one whose reports (of the years asked)
        contain every word of the question's topic; None when several or none do."""
        topic = self._topic(replace(frame, agencies=list(frame.ambiguous)), frame.text, directory)
        words = {token for token in self.segmenter.tokens(topic) if len(token) >= 2
                 and re.fullmatch(r"[\u4e00-\u9fff]+", token) and token not in self.vocabulary.generic_words
                 and token not in _FUNCTION_WORDS and not re.search("几|多少|哪", token)}
        if not words:
            return None
        stating = []
        for name in frame.ambiguous:
            request = SearchRequest(query=" ".join(sorted(words)), agency=name, top_k=5, mode="bm25",
                                    year_from=min(frame.years) if frame.years else None,
                                    year_to=max(frame.years) if frame.years else None)
            text = "".join(hit.chunk.text for hit in self.search.search(request) if hit.chunk.agency == name)
            if all(word in text for word in words):
                stating.append(name)
        return stating[0] if len(stating) == 1 else None

    def _topic(self, frame: Frame, text: str, directory: AgencyDirectory) -> str:
        """The question without the agency and years that filters already carry: every chunk of
        the report would match those words equally."""
        topic = re.sub(r"(19|20)\d\d\s*年度?", "", text)
        for name in frame.agencies:
            known = next((a for a in directory.known if a.name == name), None)
            for key in sorted([name, *(known.places + known.bodies if known else ())], key=len, reverse=True):
                topic = topic.replace(key, "")
        return topic.strip() or text


def _counted_nouns(label: str, table: str) -> list[str]:
    """The words the prose uses for what a figure counts. Of those in its label the last is what is
    counted: 被申请行政复议 counts reviews, 本年新收政府信息公开申请 requests; a 表三 figure whose
    label names none (办理结果总计) counts requests too, as every row of that table does."""
    named = sorted((label.rfind(word), word) for word in _COUNTED_NOUNS if word in label)
    if not named and table == "t3":
        named = [(0, "申请")]
    if not named:
        return []
    return [word for word in _COUNTED_NOUNS if _COUNTED_NOUNS[word] == _COUNTED_NOUNS[named[-1][1]]]


def _near_own(sentence: str, nouns: list[str]) -> list[str]:
    """The clauses of the sentence that mention what the figure counts: where a number of it or
    "未收到" is stated ("收到2份以信函形式提出的信息公开申请", "申请21条"). A request for a review or
    a suit ("行政复议申请", "申请行政复议") is not a request for information."""
    others = [noun for noun in _COUNTED_NOUNS if noun not in nouns] if "申请" in nouns else []
    clauses = []
    for clause in re.split(r"[，,：:]", sentence):
        if any(any(other in clause[max(0, match.start() - 6): match.end() + 4] for other in others) is False
               for noun in nouns for match in re.finditer(noun, clause)):
            clauses.append(clause)
    return clauses


def _counts(sentence: str, words: tuple[str, ...]) -> bool:
    """The sentence counts something named by one of the words ("网上申请10件")."""
    return any(_NUMBER.match(sentence[match.end():].lstrip("数为共达"))
               for word in words for match in re.finditer(re.escape(word), sentence))


def _prefer_section(hits: list, section: int | None) -> list:
    """A soft preference: hits from the section the wording points to move up, others keep order."""
    if section is None:
        return hits
    return sorted(hits, key=lambda hit: -(hit.score + (0.02 if hit.chunk.section == section else 0.0)))
